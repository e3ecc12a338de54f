/* Every error kind reachable against the emulator, with its details (status, retry-after,
 * field errors, trace id). Faults are injected through the emulator's control API. */
#include "apst_test.h"

#include <fcntl.h>
#include <sys/stat.h>


static void fault(const char *json) {
    char body[512];
    int status = apst_test_control("POST", "/_emulator/faults", json, body, sizeof body);
    if (status != 200 && status != 201) {
        fprintf(stderr, "could not set fault (%d): %s\n", status, body);
        apst_test_failures++;
    }
}

static void clear_faults(void) {
    apst_test_control("DELETE", "/_emulator/faults", NULL, NULL, 0);
}

/* A client with few, fast retries. */
static apst_client *client_with(int max_attempts, uint64_t read_timeout_ms) {
    apst_client *c = NULL;
    apst_client_builder *b = apst_client_builder_new();
    REQUIRE_OK(apst_client_builder_set_base_url(b, apst_test_url(), &err));
    REQUIRE_OK(apst_client_builder_set_credentials(
        b, apst_test_env("APPROVALSTUDIO_USERNAME", "admin@example.com"),
        apst_test_env("APPROVALSTUDIO_PASSWORD", "admin-password"), &err));
    REQUIRE_OK(apst_client_builder_set_max_attempts(b, (uint32_t)max_attempts, &err));
    REQUIRE_OK(apst_client_builder_set_backoff_ms(b, 10, 20, &err));
    REQUIRE_OK(apst_client_builder_set_max_rate_limit_wait_ms(b, 0, &err));
    if (read_timeout_ms) REQUIRE_OK(apst_client_builder_set_read_timeout_ms(b, read_timeout_ms, &err));
    REQUIRE_OK(apst_client_builder_build(b, &c, &err));
    return c;
}

static int cancel_at_once(void *userdata, const apst_progress *p) {
    int *calls = (int *)userdata;
    (*calls)++;
    (void)p;
    return 1;
}

int main(void) {
    apst_client *client = client_with(2, 0);
    apst_error *err = NULL;
    char *json = NULL;
    char *me = NULL;
    char *uid = NULL;
    char project[64];
    char params[1024];
    apst_result r;

    clear_faults();
    REQUIRE_OK(apst_user_logged_in_uid(client, &me, &err));

    /* APST_INVALID_INPUT: a documented limit (customer <= 50 chars), nothing sent. */
    snprintf(params, sizeof params,
             "{\"projectName\":\"x\",\"projectOwnersUIDS\":[\"%s\"],\"customer\":\"%051d\"}", me, 0);
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "customer", apst_project_create(client, params, &json, &err));
    CHECK(json == NULL);

    /* APST_VALIDATION: a 400 problem-details answer, with field errors and trace id. */
    fault("{\"method\":\"GET\",\"path\":\"/api/v1/user/loggedin\",\"action\":\"status\",\"status\":400,"
          "\"body\":\"{\\\"errors\\\":{\\\"projectName\\\":[\\\"must not be empty\\\"]},"
          "\\\"title\\\":\\\"One or more validation errors occurred.\\\",\\\"status\\\":400,"
          "\\\"traceId\\\":\\\"trace-123\\\"}\",\"times\":1}");
    r = apst_user_logged_in(client, &json, &err);
    CHECK(r == APST_VALIDATION);
    CHECK(apst_error_status(err) == 400);
    CHECK(strstr(apst_error_fields_json(err), "\"projectName\":[\"must not be empty\"]") != NULL);
    CHECK(apst_error_trace_id(err) != NULL && strcmp(apst_error_trace_id(err), "trace-123") == 0);
    apst_error_free(err);
    err = NULL;

    /* APST_UNAUTHORIZED: wrong password. */
    {
        apst_client *bad = apst_test_client_as("admin@example.com", "wrong-password");
        r = apst_client_login(bad, &err);
        CHECK(r == APST_UNAUTHORIZED);
        CHECK(apst_error_status(err) == 401);
        CHECK(strstr(apst_error_message(err), "wrong-password") == NULL); /* never echoed */
        apst_error_free(err);
        err = NULL;
        apst_client_free(bad);
    }
    /* A token the server does not know, without credentials: validate says false. */
    {
        apst_client *tok = NULL;
        bool valid = true;
        apst_client_builder *b = apst_client_builder_new();
        REQUIRE_OK(apst_client_builder_set_base_url(b, apst_test_url(), &err));
        REQUIRE_OK(apst_client_builder_set_token(b, "not-a-real-token", &err));
        REQUIRE_OK(apst_client_builder_build(b, &tok, &err));
        CHECK_RESULT(APST_OK, apst_client_validate_token(tok, &valid, &err));
        CHECK(!valid);
        CHECK_RESULT(APST_UNAUTHORIZED, apst_user_logged_in(tok, &json, &err));
        apst_client_free(tok);
    }

    /* APST_FORBIDDEN: the Lite plan has no API access. */
    {
        apst_client *lite = apst_test_client_as("lite@example.com", "lite-password");
        r = apst_client_login(lite, &err);
        CHECK(r == APST_FORBIDDEN);
        CHECK(apst_error_status(err) == 403);
        apst_error_free(err);
        err = NULL;
        apst_client_free(lite);
    }

    /* APST_NOT_FOUND. */
    r = apst_project_get(client, "0123456789ABCDEF0123456789ABCDEF", &json, &err);
    CHECK(r == APST_NOT_FOUND && apst_error_status(err) == 404 && json == NULL);
    apst_error_free(err);
    err = NULL;

    /* APST_NOT_ACCEPTABLE and APST_PRECONDITION_FAILED on a fresh Active project. */
    snprintf(params, sizeof params, "{\"projectName\":\"errors\",\"projectOwnersUIDS\":[\"%s\"]}", me);
    REQUIRE_OK(apst_project_create(client, params, &json, &err));
    CHECK(apst_test_json_str(json, "projectUID", project, sizeof project));
    apst_string_free(json);
    json = NULL;
    r = apst_project_set_state(client, project, "Active", &err);
    CHECK(r == APST_NOT_ACCEPTABLE && apst_error_status(err) == 406);
    apst_error_free(err);
    err = NULL;
    r = apst_project_delete(client, project, &err);
    CHECK(r == APST_PRECONDITION_FAILED && apst_error_status(err) == 412);
    apst_error_free(err);
    err = NULL;

    /* APST_GONE: completing a task twice. */
    {
        char task[64];
        snprintf(params, sizeof params, "{\"projectUID\":\"%s\",\"userUID\":\"%s\"}", project, me);
        REQUIRE_OK(apst_task_asset_upload(client, params, &json, &err));
        CHECK(apst_test_json_str(json, "taskUID", task, sizeof task));
        apst_string_free(json);
        json = NULL;
        REQUIRE_OK(apst_task_complete(client, task, NULL, NULL, &err));
        r = apst_task_complete(client, task, NULL, NULL, &err);
        CHECK(r == APST_GONE && apst_error_status(err) == 410);
        apst_error_free(err);
        err = NULL;
    }

    /* APST_RATE_LIMITED: a 429 whose Retry-After exceeds what the client may wait. */
    fault("{\"method\":\"GET\",\"path\":\"/api/v1/user/loggedin\",\"action\":\"status\",\"status\":429,"
          "\"retryAfter\":120,\"body\":\"API calls quota exceeded! maximum admitted 2 per 1m.\","
          "\"times\":1}");
    r = apst_user_logged_in(client, &json, &err);
    CHECK(r == APST_RATE_LIMITED);
    CHECK(apst_error_status(err) == 429);
    CHECK(apst_error_retry_after_ms(err) == 120000);
    apst_error_free(err);
    err = NULL;
    clear_faults();

    /* APST_SERVER: 500 on every attempt. */
    fault("{\"method\":\"GET\",\"path\":\"/api/v1/user/loggedin\",\"action\":\"status\",\"status\":500,"
          "\"body\":\"boom\"}");
    r = apst_user_logged_in(client, &json, &err);
    CHECK(r == APST_SERVER && apst_error_status(err) == 500);
    apst_error_free(err);
    err = NULL;
    clear_faults();

    /* APST_DECODE: a 200 whose body is not the API's JSON. */
    fault("{\"method\":\"GET\",\"path\":\"/api/v1/user/loggedin\",\"action\":\"status\",\"status\":200,"
          "\"body\":\"<html>maintenance</html>\",\"times\":1}");
    CHECK_RESULT(APST_DECODE, apst_user_logged_in(client, &json, &err));
    clear_faults();

    /* APST_AMBIGUOUS: a create whose connection drops after the server applied it. */
    fault("{\"method\":\"POST\",\"path\":\"/api/v1/project\",\"action\":\"reset\",\"after\":true,"
          "\"times\":1}");
    snprintf(params, sizeof params, "{\"projectName\":\"maybe\",\"projectOwnersUIDS\":[\"%s\"]}", me);
    CHECK_ERROR_MSG(APST_AMBIGUOUS, "may", apst_project_create(client, params, &json, &err));
    CHECK(json == NULL);
    clear_faults();

    /* APST_TIMEOUT: a response slower than the read timeout; and wait_processed. */
    {
        apst_client *slow = client_with(1, 200);
        REQUIRE_OK(apst_client_login(slow, &err));
        fault("{\"method\":\"GET\",\"path\":\"/api/v1/user/loggedin\",\"action\":\"delay\","
              "\"latencyMs\":2000,\"times\":1}");
        CHECK_RESULT(APST_TIMEOUT, apst_user_logged_in(slow, &json, &err));
        clear_faults();
        apst_client_free(slow);
    }

    /* APST_TRANSPORT: nothing listens there. */
    {
        apst_client *nowhere = NULL;
        apst_client_builder *b = apst_client_builder_new();
        REQUIRE_OK(apst_client_builder_set_base_url(b, "http://127.0.0.1:9", &err));
        REQUIRE_OK(apst_client_builder_set_token(b, "t", &err));
        REQUIRE_OK(apst_client_builder_set_max_attempts(b, 1, &err));
        REQUIRE_OK(apst_client_builder_build(b, &nowhere, &err));
        CHECK_RESULT(APST_TRANSPORT, apst_user_logged_in(nowhere, &json, &err));
        apst_client_free(nowhere);
    }

    /* A file that does not exist: checked before sending (APST_INVALID_INPUT naming it). */
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "no-such-file.pdf",
                    apst_asset_upload(client, project, NULL, "no-such-file.pdf", NULL, NULL, NULL,
                                      &uid, &err));
    CHECK(uid == NULL);

    /* APST_IO: the download's temporary file cannot be created (nothing is written in /proc). */
    {
        char *asset = NULL;
        char *path = NULL;
        FILE *f = fopen("small.txt", "wb");
        struct stat st;
        fputs("small file\n", f);
        fclose(f);
        REQUIRE_OK(apst_asset_upload(client, project, NULL, "small.txt", NULL, NULL, NULL, &asset,
                                     &err));
        CHECK_RESULT(APST_IO, apst_asset_download(client, asset, "/proc/apst-test.txt", NULL, NULL,
                                                  &path, &err));
        CHECK(path == NULL);
        /* A truncated body on every attempt: fails, and no file is left under the name. */
        fault("{\"method\":\"GET\",\"path\":\"/api/v1/asset/download\",\"action\":\"truncate\"}");
        r = apst_asset_download(client, asset, "truncated.txt", NULL, NULL, &path, &err);
        CHECK(r != APST_OK);
        CHECK(stat("truncated.txt", &st) != 0);
        printf("truncated download: %s: %s\n", apst_result_str((int)r), apst_error_message(err));
        apst_error_free(err);
        err = NULL;
        clear_faults();
        apst_string_free(asset);
        remove("small.txt");
    }

    /* APST_SERVER from processing: an empty file fails on the server. */
    {
        FILE *f = fopen("empty.pdf", "wb");
        fclose(f);
        /* Slow processing down so the asset is surely not settled after 1 ms (valgrind). */
        apst_test_control("POST", "/_emulator/config", "{\"processingDelayMs\":1500}", NULL, 0);
        REQUIRE_OK(apst_asset_upload(client, project, NULL, "empty.pdf", NULL, NULL, NULL, &uid,
                                     &err));
        /* Still pending after 1 ms: APST_TIMEOUT. */
        CHECK_RESULT(APST_TIMEOUT, apst_asset_wait_processed(client, uid, 1, &json, &err));
        CHECK_ERROR_MSG(APST_SERVER, "failed", apst_asset_wait_processed(client, uid, 30000, &json,
                                                                        &err));
        apst_test_control("POST", "/_emulator/config", "{\"processingDelayMs\":200}", NULL, 0);
        apst_string_free(uid);
        uid = NULL;
        remove("empty.pdf");
    }

    /* APST_CANCELLED: the progress callback says stop. The server is slowed down so the
     * upload is surely still running when the callback is first called. */
    {
        int calls = 0;
        int fd = open("big.bin", O_CREAT | O_TRUNC | O_WRONLY, 0644);
        CHECK(fd >= 0 && ftruncate(fd, 32 * 1024 * 1024) == 0);
        close(fd);
        fault("{\"method\":\"POST\",\"path\":\"/api/v1/asset/upload\",\"action\":\"delay\","
              "\"latencyMs\":3000,\"times\":1}");
        CHECK_RESULT(APST_CANCELLED, apst_asset_upload(client, project, NULL, "big.bin", NULL,
                                                       cancel_at_once, &calls, &uid, &err));
        CHECK(calls == 1);
        CHECK(uid == NULL);
        clear_faults();
        remove("big.bin");
    }

    /* Clean up: Completed projects can be deleted. */
    REQUIRE_OK(apst_project_set_state(client, project, "Completed", &err));
    REQUIRE_OK(apst_project_delete(client, project, &err));

    apst_string_free(me);
    apst_client_free(client);
    return apst_test_finish("test_errors");
}
