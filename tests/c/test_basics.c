/* Version, result codes, error accessors, builder checks, *_free(NULL), log callback,
 * apst_shutdown. Needs no server except for the log callback part. */
#include "approvalstudio.h"
#include "approvalstudio.h" /* included twice on purpose: the include guard must hold */
#include "apst_test.h"

static int log_lines = 0;
static void on_log(void *userdata, int level, const char *target, const char *message) {
    int *n = (int *)userdata;
    (*n)++;
    (void)level;
    (void)target;
    /* Never a password in a log line. */
    if (strstr(message, "admin-password") != NULL) {
        fprintf(stderr, "password leaked into the log: %s\n", message);
        apst_test_failures++;
    }
}

int main(void) {
    char buf[32];
    apst_client *client = NULL;
    apst_client_builder *b;

    /* Version: library matches header. */
    snprintf(buf, sizeof buf, "%d.%d.%d", APST_VERSION_MAJOR, APST_VERSION_MINOR,
             APST_VERSION_PATCH);
    CHECK(strcmp(apst_version(), buf) == 0);
    CHECK(APST_ABI_VERSION == 0);

    /* Result names. */
    CHECK(strcmp(apst_result_str(APST_OK), "APST_OK") == 0);
    CHECK(strcmp(apst_result_str(APST_NOT_FOUND), "APST_NOT_FOUND") == 0);
    CHECK(strcmp(apst_result_str(APST_SHUT_DOWN), "APST_SHUT_DOWN") == 0);
    CHECK(strcmp(apst_result_str(-1), "APST_<unknown result code>") == 0);
    CHECK(strcmp(apst_result_str(12345), "APST_<unknown result code>") == 0);

    /* Accessors on NULL. */
    CHECK(apst_error_result(NULL) == APST_NULL_PARAMETER);
    CHECK(strcmp(apst_error_message(NULL), "") == 0);
    CHECK(apst_error_status(NULL) == 0);
    CHECK(apst_error_retry_after_ms(NULL) == -1);
    CHECK(apst_error_trace_id(NULL) == NULL);
    CHECK(strcmp(apst_error_fields_json(NULL), "{}") == 0);

    /* *_free(NULL) is allowed everywhere. */
    apst_error_free(NULL);
    apst_string_free(NULL);
    apst_client_free(NULL);
    apst_client_builder_free(NULL);

    /* Builder: NULL handle, NULL and non-UTF-8 strings, bad values. */
    CHECK_ERROR_MSG(APST_NULL_PARAMETER, "builder",
                    apst_client_builder_set_base_url(NULL, "http://x", &err));
    b = apst_client_builder_new();
    CHECK(b != NULL);
    CHECK_ERROR_MSG(APST_NULL_PARAMETER, "base_url",
                    apst_client_builder_set_base_url(b, NULL, &err));
    CHECK_ERROR_MSG(APST_INVALID_UTF8, "base_url",
                    apst_client_builder_set_base_url(b, "http://\xff\xfe", &err));
    CHECK_ERROR_MSG(APST_NULL_PARAMETER, "password",
                    apst_client_builder_set_credentials(b, "u", NULL, &err));
    CHECK_ERROR_MSG(APST_NULL_PARAMETER, "username",
                    apst_client_builder_set_credentials(b, NULL, "p", &err));
    CHECK_ERROR_MSG(APST_NULL_PARAMETER, "token", apst_client_builder_set_token(b, NULL, &err));
    CHECK_ERROR_MSG(APST_NULL_PARAMETER, "user_agent",
                    apst_client_builder_set_user_agent(b, NULL, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "ms",
                    apst_client_builder_set_connect_timeout_ms(b, 0, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "ms", apst_client_builder_set_read_timeout_ms(b, 0, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "max_attempts",
                    apst_client_builder_set_max_attempts(b, 0, &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "base_ms",
                    apst_client_builder_set_backoff_ms(b, 500, 100, &err));
    /* err may be NULL: the result code alone tells what happened. */
    CHECK(apst_client_builder_set_base_url(b, NULL, NULL) == APST_NULL_PARAMETER);
    CHECK_RESULT(APST_OK, apst_client_builder_set_user_agent(b, "apst-tests/1.0", &err));
    CHECK_RESULT(APST_OK, apst_client_builder_set_keep_alive_minutes(b, 30, &err));
    CHECK_RESULT(APST_OK, apst_client_builder_set_max_attempts(b, 2, &err));
    CHECK_RESULT(APST_OK, apst_client_builder_set_retry_deadline_ms(b, 5000, &err));

    /* An invalid base URL fails at build time, and the builder is consumed anyway. */
    CHECK_RESULT(APST_OK, apst_client_builder_set_base_url(b, "ftp://example.com", &err));
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "base_url", apst_client_builder_build(b, &client, &err));
    CHECK(client == NULL);

    b = apst_client_builder_new();
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "base_url",
                    apst_client_builder_set_base_url(b, "", &err) == APST_OK
                        ? apst_client_builder_build(b, &client, &err)
                        : APST_OK);
    b = apst_client_builder_new();
    CHECK_ERROR_MSG(APST_NULL_PARAMETER, "out_client", apst_client_builder_build(b, NULL, &err));
    CHECK_ERROR_MSG(APST_NULL_PARAMETER, "builder", apst_client_builder_build(NULL, &client, &err));

    /* Log callback: invalid level, then a real one (a login against the emulator logs). */
    CHECK_ERROR_MSG(APST_INVALID_INPUT, "max_level",
                    apst_set_log_callback(on_log, &log_lines, 9, &err));
    CHECK_RESULT(APST_OK, apst_set_log_callback(on_log, &log_lines, APST_LOG_TRACE, &err));
    client = apst_test_client();
    CHECK_RESULT(APST_OK, apst_client_login(client, &err));
    CHECK(log_lines > 0);
    CHECK_RESULT(APST_OK, apst_set_log_callback(NULL, NULL, APST_LOG_OFF, &err));

    /* Shutdown: further calls are rejected, frees still work. */
    apst_shutdown();
    apst_shutdown(); /* twice is fine */
    CHECK_ERROR_MSG(APST_SHUT_DOWN, "apst_shutdown", apst_client_login(client, &err));
    CHECK(apst_client_builder_new() == NULL);
    CHECK_RESULT(APST_SHUT_DOWN, apst_set_log_callback(on_log, &log_lines, 1, &err));
    CHECK(strcmp(apst_version(), buf) == 0);
    apst_client_free(client);
    return apst_test_finish("test_basics");
}
