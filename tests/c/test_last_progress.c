/* The last progress call can cancel (issue 10, item 6). For a small transfer the only
 * progress call is the final one; returning non-zero from it must still cancel:
 *  - a download leaves no file (neither the target nor a temporary file beside it), also
 *    when the target already existed (it is left untouched);
 *  - an upload reports exactly what happened: APST_CANCELLED "nothing was uploaded", and the
 *    project has no new asset; a callback returning 0 uploads (the control case). */
#include "apst_test.h"

#include <dirent.h>

typedef struct {
    int calls;
    int final_calls;
    int cancel_at_final_only;
} counter;

/* Returns non-zero at the final call (bytes_done == bytes_total), or at every call. */
static int cancel_cb(void *userdata, const apst_progress *p) {
    counter *c = (counter *)userdata;
    int final = p->total_known && p->bytes_done == p->bytes_total;
    c->calls++;
    if (final) c->final_calls++;
    return c->cancel_at_final_only ? final : 1;
}

static int go_on_cb(void *userdata, const apst_progress *p) {
    (void)p;
    ((counter *)userdata)->calls++;
    return 0;
}

static int files_starting_with(const char *prefix) {
    int n = 0;
    DIR *d = opendir(".");
    struct dirent *e;
    if (d == NULL) return -1;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) n++;
    }
    closedir(d);
    return n;
}

static void write_file(const char *path, size_t size, char fill) {
    FILE *f = fopen(path, "wb");
    for (size_t i = 0; i < size; i++) fputc(fill, f);
    fclose(f);
}

/* Number of assets of the project (`"assetUID"` occurrences in its JSON). */
static int asset_count(apst_client *client, const char *project) {
    char *json = NULL;
    int n = 0;
    const char *p;
    REQUIRE_OK(apst_project_get(client, project, &json, &err));
    for (p = json; (p = strstr(p, "\"assetUID\"")) != NULL; p++) n++;
    apst_string_free(json);
    return n;
}

int main(void) {
    apst_client *client = apst_test_client();
    apst_error *err = NULL;
    char *me = NULL;
    char *project = NULL;
    char *asset = NULL;
    char *uid = NULL;

    REQUIRE_OK(apst_user_logged_in_uid(client, &me, &err));
    REQUIRE_OK(apst_project_create_named(client, "last progress call", me, &project, &err));
    write_file("lp-small.txt", 100, 's');
    write_file("lp-big.bin", 3 * 1024 * 1024, 'b');

    /* Uploads: cancelled at the only (final) call, and at the final call of a bigger file. */
    {
        counter c = {0, 0, 0};
        apst_result r = apst_asset_upload(client, project, NULL, "lp-small.txt", NULL, cancel_cb, &c, &uid, &err);
        CHECK(r == APST_CANCELLED);
        CHECK(c.calls >= 1);
        CHECK(uid == NULL);
        CHECK(err != NULL && strstr(apst_error_message(err), "nothing was uploaded") != NULL);
        if (err) printf("small upload cancelled at its final call: %s\n", apst_error_message(err));
        CHECK(!apst_error_applied(err));
        CHECK(apst_error_created_uid(err) == NULL);
        apst_error_free(err);
        err = NULL;
        CHECK(asset_count(client, project) == 0);
    }
    {
        counter c = {0, 0, 1};
        apst_result r = apst_asset_upload(client, project, NULL, "lp-big.bin", NULL, cancel_cb, &c, &uid, &err);
        CHECK(r == APST_CANCELLED);
        CHECK(c.final_calls == 1);
        CHECK(uid == NULL);
        apst_error_free(err);
        err = NULL;
        CHECK(asset_count(client, project) == 0);
    }
    {
        counter c = {0, 0, 0};
        REQUIRE_OK(apst_asset_upload(client, project, NULL, "lp-small.txt", NULL, go_on_cb, &c, &asset, &err));
        CHECK(c.calls >= 1);
        CHECK(asset_count(client, project) == 1);
    }

    /* Downloads: cancelled at the only (final) call leaves no file... */
    remove("lp-dl.txt");
    {
        counter c = {0, 0, 0};
        apst_result r = apst_asset_download(client, asset, "lp-dl.txt", cancel_cb, &c, &uid, &err);
        CHECK(r == APST_CANCELLED);
        CHECK(c.calls >= 1);
        CHECK(uid == NULL);
        apst_error_free(err);
        err = NULL;
        CHECK(files_starting_with("lp-dl") == 0);
    }
    /* ...and leaves an existing target untouched. */
    write_file("lp-dl.txt", 7, 'o');
    {
        counter c = {0, 0, 1};
        FILE *f;
        char buf[16] = "";
        apst_result r = apst_asset_download(client, asset, "lp-dl.txt", cancel_cb, &c, NULL, &err);
        CHECK(r == APST_CANCELLED);
        CHECK(c.final_calls == 1);
        apst_error_free(err);
        err = NULL;
        CHECK(files_starting_with("lp-dl") == 1);
        f = fopen("lp-dl.txt", "rb");
        CHECK(f != NULL && fread(buf, 1, sizeof buf - 1, f) == 7 && strcmp(buf, "ooooooo") == 0);
        if (f) fclose(f);
    }
    /* The control: a callback returning 0 downloads. */
    {
        counter c = {0, 0, 0};
        REQUIRE_OK(apst_asset_download(client, asset, "lp-dl.txt", go_on_cb, &c, NULL, &err));
        CHECK(c.calls >= 1);
    }
    remove("lp-dl.txt");
    remove("lp-small.txt");
    remove("lp-big.bin");

    REQUIRE_OK(apst_project_set_state(client, project, "Completed", &err));
    REQUIRE_OK(apst_project_delete(client, project, &err));
    apst_string_free(asset);
    apst_string_free(project);
    apst_string_free(me);
    apst_client_free(client);
    return apst_test_finish("test_last_progress");
}
