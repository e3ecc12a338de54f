/* A plugin-style program: upload a file to a new project, wait until it is processed, send
 * it for external review and print the short URL to hand out.
 *
 *   upload_for_review FILE [RECIPIENT_EMAIL]
 *
 * Connects to APPROVALSTUDIO_URL with APPROVALSTUDIO_USERNAME / APPROVALSTUDIO_PASSWORD
 * (the emulator's `exec` sets all three). */
#include <approvalstudio.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints the error, frees it and returns 1 (for `return fail(...)`). */
static int fail(const char *what, apst_result r, apst_error *err) {
    fprintf(stderr, "%s failed (%s, HTTP %d): %s\n", what, apst_result_str((int)r),
            apst_error_status(err), apst_error_message(err));
    apst_error_free(err);
    return 1;
}

static int on_progress(void *userdata, const apst_progress *p) {
    (void)userdata;
    if (p->total_known && p->bytes_total > 0)
        fprintf(stderr, "\ruploading: %3d%%", (int)(p->bytes_done * 100 / p->bytes_total));
    return 0; /* non-zero would cancel */
}

static int run(apst_client *client, const char *file, const char *recipient) {
    apst_error *err = NULL;
    apst_result r;
    char *project = NULL, *asset = NULL, *link = NULL, *json = NULL, *short_url = NULL;
    char assets[128];
    int rc = 1;

    /* A project owned by the logged-in user (records are JSON; small things are typed). */
    if ((r = apst_project_create_named(client, "Plugin upload", NULL, &project, &err)) != APST_OK) {
        rc = fail("create project", r, err);
        goto out;
    }
    r = apst_asset_upload(client, project, NULL, file, NULL, on_progress, NULL, &asset, &err);
    fprintf(stderr, "\n");
    if (r != APST_OK) {
        rc = fail("upload", r, err);
        goto out;
    }
    if ((r = apst_asset_wait_processed(client, asset, 120000, &json, &err)) != APST_OK) {
        rc = fail("processing", r, err);
        goto out;
    }
    /* An external review: a review link with the asset, sent to one recipient. */
    if ((r = apst_review_link_create_id(client, project, "External review", NULL, &link, &err)) != APST_OK) {
        rc = fail("create review link", r, err);
        goto out;
    }
    snprintf(assets, sizeof assets, "[\"%s\"]", asset);
    apst_string_free(json);
    json = NULL;
    if ((r = apst_review_link_add_assets(client, project, link, assets, &json, &err)) != APST_OK) {
        rc = fail("add asset to review link", r, err);
        goto out;
    }
    if ((r = apst_review_link_send_to(client, project, link, recipient, NULL, &short_url, &err)) != APST_OK) {
        rc = fail("send for review", r, err);
        goto out;
    }
    printf("%s\n", short_url);
    rc = 0;
out: /* apst_string_free(NULL) is allowed */
    apst_string_free(project);
    apst_string_free(asset);
    apst_string_free(link);
    apst_string_free(json);
    apst_string_free(short_url);
    return rc;
}

int main(int argc, char **argv) {
    const char *url = getenv("APPROVALSTUDIO_URL");
    const char *user = getenv("APPROVALSTUDIO_USERNAME");
    const char *password = getenv("APPROVALSTUDIO_PASSWORD");
    apst_client_builder *b;
    apst_client *client = NULL;
    apst_error *err = NULL;
    apst_result r;
    int rc;

    if (argc < 2 || user == NULL || password == NULL) {
        fprintf(stderr, "usage: %s FILE [RECIPIENT_EMAIL]\n"
                        "  (set APPROVALSTUDIO_URL, APPROVALSTUDIO_USERNAME, APPROVALSTUDIO_PASSWORD)\n",
                argv[0]);
        return 2;
    }
    b = apst_client_builder_new();
    if ((url && (r = apst_client_builder_set_base_url(b, url, &err)) != APST_OK) ||
        (r = apst_client_builder_set_credentials(b, user, password, &err)) != APST_OK ||
        (r = apst_client_builder_set_user_agent(b, "upload-for-review-example/1.0", &err)) != APST_OK) {
        apst_client_builder_free(b);
        return fail("configure", r, err);
    }
    if ((r = apst_client_builder_build(b, &client, &err)) != APST_OK) /* consumes b */
        return fail("connect", r, err);

    rc = run(client, argv[1], argc > 2 ? argv[2] : "reviewer@example.com");
    apst_client_free(client);
    apst_shutdown(); /* before unloading the plugin / exiting */
    return rc;
}
