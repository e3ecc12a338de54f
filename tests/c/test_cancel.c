/* Cancellation from another thread (issue 10, item 8): apst_cancel_token attached with
 * apst_client_with_cancel_token stops an in-flight call within ~100 ms with APST_CANCELLED,
 * also while the server stalls (the emulator's `delay` fault) and while a download waits for
 * its response (no file is left); an already cancelled token fails calls at once, a reset
 * one lets them run; the plain client is never affected. */
#include "apst_test.h"

#include <dirent.h>
#include <pthread.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void add_fault(const char *json) {
    int status = apst_test_control("POST", "/_emulator/faults", json, NULL, 0);
    if (status != 200 && status != 201) {
        fprintf(stderr, "adding fault %s failed (HTTP %d)\n", json, status);
        apst_test_failures++;
    }
}

static void clear_faults(void) { apst_test_control("DELETE", "/_emulator/faults", NULL, NULL, 0); }

typedef struct {
    const apst_cancel_token *token;
    int after_ms;
    double cancelled_at;
} canceller;

static void *cancel_later(void *arg) {
    canceller *c = (canceller *)arg;
    struct timespec ts = {c->after_ms / 1000, (long)(c->after_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    c->cancelled_at = now_ms();
    apst_cancel_token_cancel(c->token);
    return NULL;
}

/* Files in the working directory whose name starts with `prefix` (the download's target and
 * any temporary file beside it). */
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

/* Latency budget from cancel to return: the poll interval is 50 ms; memory checkers slow
 * everything, so the bound is generous, but well under the 1.5 s stall. */
#define CANCEL_BUDGET_MS 600.0

int main(void) {
    apst_client *client = apst_test_client();
    apst_client *cancellable = NULL;
    apst_cancel_token *token = NULL;
    apst_error *err = NULL;
    char *json = NULL;

    /* Token basics; NULL is harmless for the void functions. */
    REQUIRE_OK(apst_cancel_token_new(&token, &err));
    CHECK(!apst_cancel_token_is_cancelled(token));
    apst_cancel_token_cancel(token);
    apst_cancel_token_cancel(token);
    CHECK(apst_cancel_token_is_cancelled(token));
    apst_cancel_token_reset(token);
    CHECK(!apst_cancel_token_is_cancelled(token));
    apst_cancel_token_cancel(NULL);
    apst_cancel_token_reset(NULL);
    CHECK(!apst_cancel_token_is_cancelled(NULL));
    apst_cancel_token_free(NULL);
    CHECK_ERROR_MSG(APST_NULL_PARAMETER, "`token`",
                    apst_client_with_cancel_token(client, NULL, &cancellable, &err));
    CHECK(cancellable == NULL);
    REQUIRE_OK(apst_client_with_cancel_token(client, token, &cancellable, &err));

    /* The derived handle works like the client (and shares its login). */
    REQUIRE_OK(apst_user_logged_in(cancellable, &json, &err));
    CHECK(strstr(json, "userUID") != NULL);
    apst_string_free(json);
    json = NULL;

    /* Cancelled before the call: APST_CANCELLED at once; the plain client is unaffected;
     * after a reset the handle works again. */
    apst_cancel_token_cancel(token);
    {
        double t0 = now_ms();
        CHECK_RESULT(APST_CANCELLED, apst_user_logged_in(cancellable, &json, &err));
        CHECK(json == NULL);
        CHECK(now_ms() - t0 < CANCEL_BUDGET_MS);
    }
    CHECK_RESULT(APST_OK, apst_user_logged_in(client, &json, &err));
    apst_string_free(json);
    json = NULL;
    apst_cancel_token_reset(token);
    CHECK_RESULT(APST_OK, apst_user_logged_in(cancellable, &json, &err));
    apst_string_free(json);
    json = NULL;

    /* A server stall of 1.5 s: cancelled from another thread after 200 ms, the call returns
     * APST_CANCELLED within the budget instead of waiting the stall out. */
    add_fault("{\"path\":\"/api/v1/user/loggedin\",\"action\":\"delay\",\"latencyMs\":1500}");
    {
        pthread_t th;
        canceller c = {token, 200, 0.0};
        double t0 = now_ms(), t1;
        apst_result r;
        err = NULL;
        CHECK(pthread_create(&th, NULL, cancel_later, &c) == 0);
        r = apst_user_logged_in(cancellable, &json, &err);
        t1 = now_ms();
        pthread_join(th, NULL);
        printf("stalled call: cancelled after %.0f ms, returned %.0f ms after the cancel\n",
               c.cancelled_at - t0, t1 - c.cancelled_at);
        CHECK(r == APST_CANCELLED);
        CHECK(err != NULL && apst_error_result(err) == APST_CANCELLED);
        CHECK(err != NULL && strstr(apst_error_message(err), "cancel") != NULL);
        CHECK(json == NULL);
        CHECK(t1 - c.cancelled_at < CANCEL_BUDGET_MS);
        CHECK(t1 - t0 < 1500.0);
        apst_error_free(err);
        err = NULL;
    }
    clear_faults();
    apst_cancel_token_reset(token);

    /* A download stalled by the server, cancelled from another thread: APST_CANCELLED and no
     * file (neither the target nor a temporary file beside it). */
    {
        char *me = NULL;
        char *project = NULL;
        char *asset = NULL;
        FILE *f = fopen("cancel-src.txt", "wb");
        pthread_t th;
        canceller c = {token, 200, 0.0};
        double t1;
        apst_result r;
        fputs("a small file to download\n", f);
        fclose(f);
        REQUIRE_OK(apst_user_logged_in_uid(client, &me, &err));
        REQUIRE_OK(apst_project_create_named(client, "cancel test", me, &project, &err));
        REQUIRE_OK(apst_asset_upload(client, project, NULL, "cancel-src.txt", NULL, NULL, NULL, &asset, &err));
        add_fault("{\"path\":\"/api/v1/asset/download\",\"action\":\"delay\",\"latencyMs\":1500}");
        remove("cancel-dl.txt");
        err = NULL;
        CHECK(pthread_create(&th, NULL, cancel_later, &c) == 0);
        r = apst_asset_download(cancellable, asset, "cancel-dl.txt", NULL, NULL, &json, &err);
        t1 = now_ms();
        pthread_join(th, NULL);
        printf("stalled download: returned %.0f ms after the cancel\n", t1 - c.cancelled_at);
        CHECK(r == APST_CANCELLED);
        CHECK(json == NULL);
        CHECK(t1 - c.cancelled_at < CANCEL_BUDGET_MS);
        apst_error_free(err);
        err = NULL;
        CHECK(files_starting_with("cancel-dl") == 0);
        clear_faults();
        apst_cancel_token_reset(token);
        /* The same handle downloads normally once the token is reset. */
        REQUIRE_OK(apst_asset_download(cancellable, asset, "cancel-dl.txt", NULL, NULL, NULL, &err));
        CHECK(files_starting_with("cancel-dl") == 1);
        remove("cancel-dl.txt");
        remove("cancel-src.txt");
        REQUIRE_OK(apst_project_set_state(client, project, "Completed", &err));
        REQUIRE_OK(apst_project_delete(client, project, &err));
        apst_string_free(asset);
        apst_string_free(project);
        apst_string_free(me);
    }

    /* The token may be freed before the handle: the handle keeps working. */
    apst_cancel_token_free(token);
    CHECK_RESULT(APST_OK, apst_user_logged_in(cancellable, &json, &err));
    apst_string_free(json);
    apst_client_free(cancellable);
    apst_client_free(client);
    return apst_test_finish("test_cancel");
}
