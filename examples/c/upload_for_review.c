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

/* The value of "key":"..." in a JSON text (enough for UIDs; use a JSON library for more). */
static int json_str(const char *json, const char *key, char *out, size_t cap) {
    char pat[64];
    const char *p, *end;
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    if ((p = strstr(json, pat)) == NULL) return 0;
    p += strlen(pat);
    if ((end = strchr(p, '"')) == NULL || (size_t)(end - p) >= cap) return 0;
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return 1;
}

static int run(apst_client *client, const char *file, const char *recipient) {
    apst_error *err = NULL;
    apst_result r;
    char *me = NULL, *json = NULL, *asset = NULL, *short_url = NULL;
    char params[512], project[64], link[64];

    if ((r = apst_user_logged_in_uid(client, &me, &err)) != APST_OK)
        return fail("login", r, err);
    snprintf(params, sizeof params,
             "{\"projectName\":\"Plugin upload\",\"projectOwnersUIDS\":[\"%s\"]}", me);
    apst_string_free(me);
    if ((r = apst_project_create(client, params, &json, &err)) != APST_OK)
        return fail("create project", r, err);
    json_str(json, "projectUID", project, sizeof project);
    apst_string_free(json);

    r = apst_asset_upload(client, project, NULL, file, NULL, on_progress, NULL, &asset, &err);
    fprintf(stderr, "\n");
    if (r != APST_OK) return fail("upload", r, err);
    if ((r = apst_asset_wait_processed(client, asset, 120000, &json, &err)) != APST_OK) {
        apst_string_free(asset);
        return fail("processing", r, err);
    }
    apst_string_free(json);

    if ((r = apst_review_link_create(client, project, "External review", NULL, &json, &err)) != APST_OK) {
        apst_string_free(asset);
        return fail("create review link", r, err);
    }
    json_str(json, "id", link, sizeof link);
    apst_string_free(json);
    snprintf(params, sizeof params, "[\"%s\"]", asset);
    apst_string_free(asset);
    if ((r = apst_review_link_add_assets(client, project, link, params, &json, &err)) != APST_OK)
        return fail("add asset to review link", r, err);
    apst_string_free(json);
    if ((r = apst_review_link_send_to(client, project, link, recipient, NULL, &short_url, &err)) != APST_OK)
        return fail("send for review", r, err);
    printf("%s\n", short_url);
    apst_string_free(short_url);
    return 0;
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
