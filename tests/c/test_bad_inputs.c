/* Bad inputs: invalid UTF-8, malformed and wrongly typed JSON (with the parser's position),
 * unknown fields and enum values, oversize fields, bad UIDs, missing/unreadable files, a
 * directory as a file, bad counts, re-entrant calls from callbacks. Every one must give a
 * result code and a clear message, never a crash. (NULL for every pointer parameter:
 * test_null_params; *_free(NULL) and calls after apst_shutdown: test_basics.) */
#include "apst_test.h"

#include <sys/stat.h>

typedef struct {
    apst_client *client;
    int calls;
    apst_result nested;
    char nested_msg[512];
} reentry;

static int reenter_from_progress(void *userdata, const apst_progress *p) {
    reentry *r = (reentry *)userdata;
    char *json = NULL;
    apst_error *err = NULL;
    (void)p;
    r->calls++;
    if (r->calls == 1) {
        r->nested = apst_user_logged_in(r->client, &json, &err);
        snprintf(r->nested_msg, sizeof r->nested_msg, "%s", apst_error_message(err));
        apst_error_free(err);
        apst_string_free(json);
    }
    return 0;
}

static int log_reentered = 0;
static apst_client *log_client = NULL;
static void reenter_from_log(void *userdata, int level, const char *target, const char *msg) {
    (void)userdata;
    (void)level;
    (void)target;
    (void)msg;
    if (log_reentered++ == 0 && log_client != NULL) {
        bool valid = false;
        apst_error *err = NULL;
        apst_result r = apst_client_validate_token(log_client, &valid, &err);
        /* Either it works or it is refused cleanly (on a library thread); never a hang. */
        if (r != APST_OK && r != APST_INVALID_INPUT) {
            fprintf(stderr, "re-entrant call from the log callback gave %s\n",
                    apst_result_str((int)r));
            apst_test_failures++;
        }
        apst_error_free(err);
        err = NULL;
        /* Changing the log callback from inside it is refused (it would wait for itself). */
        r = apst_set_log_callback(NULL, NULL, APST_LOG_OFF, &err);
        if (r != APST_INVALID_INPUT) {
            fprintf(stderr, "apst_set_log_callback inside the callback gave %s\n",
                    apst_result_str((int)r));
            apst_test_failures++;
        }
        apst_error_free(err);
    }
}

static char *repeat(char c, size_t n) {
    char *s = (char *)malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

int main(void) {
    apst_client *client = apst_test_client();
    char *me = NULL;
    char *json = NULL;
    char *uid = NULL;
    apst_error *err = NULL;
    char project[64];
    char params[4096];

    REQUIRE_OK(apst_user_logged_in_uid(client, &me, &err));
    snprintf(params, sizeof params, "{\"projectName\":\"bad inputs\",\"projectOwnersUIDS\":[\"%s\"]}", me);
    REQUIRE_OK(apst_project_create(client, params, &json, &err));
    CHECK(apst_test_json_str(json, "projectUID", project, sizeof project));
    apst_string_free(json);
    json = NULL;

    /* Invalid UTF-8 in a string, in JSON, in a state name. */
    CHECK_ERROR_MSG(APST_INVALID_UTF8, "project_uid", apst_project_get(client, "\xc3\x28", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_UTF8, "params_json",
                    apst_project_create(client, "{\"projectName\":\"\xff\"}", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_UTF8, "state", apst_project_set_state(client, project, "Act\x80ve", &err));
    CHECK_ERROR_MSG(APST_INVALID_UTF8, "email",
                    apst_review_link_send_to(client, project, "x", "a\xe2\x82@example.com", NULL, &json, &err));
    CHECK(json == NULL);

    /* Malformed JSON: the parser's line and column are in the message. */
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "line 1 column",
                    apst_project_create(client, "{\"projectName\": ", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "line 2 column",
                    apst_project_create(client, "{\"projectName\": \"x\",\n  oops}", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "params_json", apst_project_create(client, "", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "line 1 column",
                    apst_project_list(client, "{\"states\":[\"Active\",]}", &json, &err));
    /* Wrongly typed JSON. */
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "invalid type",
                    apst_project_create(client, "{\"projectName\":5,\"projectOwnersUIDS\":[]}", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "not an array",
                    apst_project_create(client, "[\"projectName\"]", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "invalid type",
                    apst_review_link_add_assets(client, project, "x", "[1]", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "missing field",
                    apst_project_create(client, "{\"customer\":\"ACME\"}", &json, &err));
    /* Unknown field (a typo is not silently ignored). */
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "unknown field `projectNme`",
                    apst_project_create(client, "{\"projectNme\":\"x\",\"projectOwnersUIDS\":[]}", &json, &err));
    CHECK(json == NULL);

    /* Unknown enum values. */
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "Paused", apst_project_set_state(client, project, "Paused", &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "Paused",
                    apst_project_list(client, "{\"states\":[\"Paused\"]}", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "Foo", apst_task_list(client, "ReviewAssets,Foo", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "Maybe",
                    apst_task_complete(client, "0123456789ABCDEF0123456789ABCDEF", "Maybe", NULL, &err));
    snprintf(params, sizeof params,
             "{\"projectUID\":\"%s\",\"email\":\"a@example.com\",\"assetUIDs\":[\"%s\"],"
             "\"emailLanguage\":\"Klingon\"}", project, project);
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "Klingon", apst_task_review_asset_ext(client, params, &json, &err));
    /* InTransit can't be requested: refused locally, and not offered for set_state; it is a
     * valid listing filter. */
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "can't be requested",
                    apst_project_set_state(client, project, "InTransit", &err));
    {
        apst_error *e = NULL;
        CHECK(apst_project_set_state(client, project, "Paused", &e) == APST_INVALID_INPUT);
        CHECK(e != NULL && strstr(apst_error_message(e), "InTransit") == NULL);
        CHECK(e != NULL && strstr(apst_error_message(e), "Archived") != NULL);
        apst_error_free(e);
    }
    CHECK_RESULT(APST_OK, apst_project_list(client, "{\"states\":[\"InTransit\"]}", &json, &err));
    apst_string_free(json);
    json = NULL;
    /* A JSON value of the wrong kind is named as such (an array is not read as the fields in
     * order). */
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "must be a JSON object ({...}), not an array",
                    apst_project_create(client, "[1,2,3]", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "`params_json` must be a JSON object",
                    apst_project_update(client, " \"x\"", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "`query_json` must be a JSON object ({...}), not a number",
                    apst_project_list(client, "5", &json, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "`asset_uids_json` must be a JSON array ([...]), not an object",
                    apst_review_link_add_assets(client, project, "x", "{\"a\":1}", &json, &err));
    CHECK(json == NULL);

    /* Oversize fields and counts (documented limits, checked before sending). */
    {
        char *long51 = repeat('c', 51);
        char *long201 = repeat('d', 201);
        char *tag26 = repeat('t', 26);
        char tags[1024] = "";
        snprintf(params, sizeof params,
                 "{\"projectName\":\"x\",\"projectOwnersUIDS\":[\"%s\"],\"customer\":\"%s\"}", me, long51);
        CHECK_ERROR_MSG(APST_INVALID_INPUT, "customer", apst_project_create(client, params, &json, &err));
        snprintf(params, sizeof params,
                 "{\"projectName\":\"x\",\"projectOwnersUIDS\":[\"%s\"],\"description\":\"%s\"}", me, long201);
        CHECK_ERROR_MSG(APST_INVALID_INPUT, "description", apst_project_create(client, params, &json, &err));
        snprintf(params, sizeof params,
                 "{\"projectName\":\"x\",\"projectOwnersUIDS\":[\"%s\"],\"tags\":[\"%s\"]}", me, tag26);
        CHECK_ERROR_MSG(APST_INVALID_INPUT, "tags", apst_project_create(client, params, &json, &err));
        for (int i = 0; i < 21; i++) strcat(tags, i ? ",\"t\"" : "\"t\"");
        snprintf(params, sizeof params,
                 "{\"projectName\":\"x\",\"projectOwnersUIDS\":[\"%s\"],\"tags\":[%s]}", me, tags);
        CHECK_ERROR_MSG(APST_INVALID_INPUT, "tags", apst_project_create(client, params, &json, &err));
        CHECK_ERROR_MSG(APST_INVALID_INPUT, "projectOwnersUIDS",
                        apst_project_create(client, "{\"projectName\":\"x\",\"projectOwnersUIDS\":[]}", &json, &err));
        CHECK_ERROR_MSG(APST_INVALID_INPUT, "projectName",
                        apst_project_create(client, "{\"projectName\":\"\",\"projectOwnersUIDS\":[\"0123456789ABCDEF0123456789ABCDEF\"]}", &json, &err));
        CHECK_ERROR_MSG(APST_INVALID_INPUT, "dueDate",
                        apst_project_create(client, "{\"projectName\":\"x\",\"projectOwnersUIDS\":[\"0123456789ABCDEF0123456789ABCDEF\"],\"dueDate\":\"next week\"}", &json, &err));
        free(long51);
        free(long201);
        free(tag26);
    }
    /* A malformed UID. */
    {
        apst_result r = apst_project_get(client, "not/a?uid", &json, &err);
        CHECK(r == APST_INVALID_INPUT || r == APST_NOT_FOUND);
        apst_error_free(err);
        err = NULL;
    }
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "assetUID", apst_asset_get(client, "", &json, &err));
    CHECK(json == NULL);

    /* Files: missing, a directory, empty path, unreadable (when not root), bad target. */
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "missing.pdf",
                    apst_asset_upload(client, project, NULL, "missing.pdf", NULL, NULL, NULL, &uid, &err));
    mkdir("a-directory.pdf", 0755);
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "a-directory.pdf",
                    apst_asset_upload(client, project, NULL, "a-directory.pdf", NULL, NULL, NULL, &uid, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "path",
                    apst_refdoc_upload(client, project, NULL, "a-directory.pdf", NULL, NULL, NULL, &uid, &err));
    rmdir("a-directory.pdf");
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "path",
                    apst_asset_upload(client, project, NULL, "", NULL, NULL, NULL, &uid, &err));
    if (geteuid() != 0) {
        FILE *f = fopen("unreadable.pdf", "wb");
        fputs("x", f);
        fclose(f);
        chmod("unreadable.pdf", 0);
        CHECK_ERROR_MSG(APST_INVALID_INPUT, "unreadable.pdf",
                        apst_asset_upload(client, project, NULL, "unreadable.pdf", NULL, NULL, NULL, &uid, &err));
        remove("unreadable.pdf");
    } else {
        printf("(running as root: the unreadable-file case is skipped, root reads anything)\n");
    }
    CHECK(uid == NULL);
    {
        FILE *f = fopen("ok.txt", "wb");
        char *asset = NULL;
        const char *paths[3] = {"ok.txt", "missing-1.txt", NULL};
        fputs("some content\n", f);
        fclose(f);
        REQUIRE_OK(apst_asset_upload(client, project, NULL, "ok.txt", NULL, NULL, NULL, &asset, &err));
        {
            apst_result r = apst_asset_download(client, asset, "no/such/dir/file.txt", NULL, NULL, &uid, &err);
            CHECK(r == APST_INVALID_INPUT || r == APST_IO);
            apst_error_free(err);
            err = NULL;
        }
        /* upload_many: one result per file, errors inline; bad counts and NULL entries. */
        REQUIRE_OK(apst_asset_upload_many(client, project, paths, 2, 2, NULL, NULL, &json, &err));
        CHECK(strstr(json, "\"assetUID\"") != NULL);
        CHECK(strstr(json, "APST_INVALID_INPUT") != NULL && strstr(json, "missing-1.txt") != NULL);
        apst_string_free(json);
        json = NULL;
        CHECK_ERROR_MSG(APST_NULL_PARAMETER, "paths[2]",
                        apst_asset_upload_many(client, project, paths, 3, 1, NULL, NULL, &json, &err));
        CHECK_ERROR_MSG(APST_INVALID_INPUT, "concurrency",
                        apst_asset_upload_many(client, project, paths, 1, 0, NULL, NULL, &json, &err));

        /* Re-entrant call from a progress callback: refused at once, the upload goes on. */
        {
            reentry r;
            memset(&r, 0, sizeof r);
            r.client = client;
            REQUIRE_OK(apst_asset_download(client, asset, "reentry.txt", reenter_from_progress, &r, NULL, &err));
            CHECK(r.calls >= 1);
            CHECK(r.nested == APST_INVALID_INPUT);
            CHECK(strstr(r.nested_msg, "re-entrant") != NULL);
            remove("reentry.txt");
        }
        apst_string_free(asset);
        remove("ok.txt");
    }

    /* Re-entrant call from the log callback. */
    log_client = client;
    CHECK_RESULT(APST_OK, apst_set_log_callback(reenter_from_log, NULL, APST_LOG_DEBUG, &err));
    CHECK_RESULT(APST_OK, apst_user_logged_in(client, &json, &err));
    apst_string_free(json);
    json = NULL;
    CHECK_RESULT(APST_OK, apst_set_log_callback(NULL, NULL, APST_LOG_OFF, &err));
    CHECK(log_reentered > 0);

    /* Webhook bodies: not JSON, not UTF-8, no EventType; a zero-capacity deduplicator. */
    {
        apst_webhook_deduplicator *d = NULL;
        const char *garbage = "\xff\xfe not json";
        CHECK_RESULT(APST_DECODE, apst_webhook_parse_event((const uint8_t *)garbage, strlen(garbage),
                                                           NULL, NULL, &json, &err));
        CHECK_RESULT(APST_DECODE, apst_webhook_parse_event((const uint8_t *)"{\"EventId\":\"1\"}", 15,
                                                           NULL, NULL, &json, &err));
        CHECK_RESULT(APST_DECODE, apst_webhook_parse_event((const uint8_t *)"", 0, NULL, NULL, &json, &err));
        const char *unknown = "{\"EventType\":\"new.kind\",\"Data\":{\"A\":1}}";
        CHECK_RESULT(APST_OK, apst_webhook_parse_event((const uint8_t *)unknown, strlen(unknown),
                                                       NULL, NULL, &json, &err));
        CHECK(json != NULL && strstr(json, "new.kind") != NULL);
        apst_string_free(json);
        json = NULL;
        CHECK_ERROR_MSG(APST_INVALID_INPUT, "capacity", apst_webhook_deduplicator_new(0, &d, &err));
        CHECK(d == NULL);
    }

    /* Clean up. */
    REQUIRE_OK(apst_project_set_state(client, project, "Completed", &err));
    REQUIRE_OK(apst_project_delete(client, project, &err));
    apst_string_free(me);
    apst_client_free(client);
    return apst_test_finish("test_bad_inputs");
}
