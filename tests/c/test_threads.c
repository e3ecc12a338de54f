/* One client shared by 8 threads: each creates a project, writes and reads metadata, lists,
 * uploads a file and waits for it, then completes and deletes its project. */
#include "apst_test.h"

#include <pthread.h>

#define THREADS 8
#define ROUNDS 3

typedef struct {
    apst_client *client;
    const char *me;
    int index;
    int failures;
    int ops;
} worker;

#define WORKER_OK(call)                                                                       \
    do {                                                                                 \
        apst_error *err = NULL;                                                          \
        apst_result r_ = (call);                                                         \
        w->ops++;                                                                        \
        if (r_ != APST_OK) {                                                             \
            fprintf(stderr, "thread %d: %s: %s: %s\n", w->index, #call,                  \
                    apst_result_str((int)r_), apst_error_message(err));                  \
            w->failures++;                                                               \
        }                                                                                \
        apst_error_free(err);                                                            \
    } while (0)

static void *work(void *arg) {
    worker *w = (worker *)arg;
    char params[512], project[64] = "", key[32], value[32], file[64];
    char *json = NULL;
    char *asset = NULL;
    snprintf(file, sizeof file, "thread-%d.txt", w->index);
    {
        FILE *f = fopen(file, "wb");
        for (int i = 0; i < 2000; i++) fprintf(f, "thread %d line %d\n", w->index, i);
        fclose(f);
    }
    snprintf(params, sizeof params,
             "{\"projectName\":\"thread %d\",\"projectOwnersUIDS\":[\"%s\"]}", w->index, w->me);
    WORKER_OK(apst_project_create(w->client, params, &json, &err));
    if (json == NULL || !apst_test_json_str(json, "projectUID", project, sizeof project)) {
        w->failures++;
        apst_string_free(json);
        return NULL;
    }
    apst_string_free(json);
    json = NULL;
    for (int round = 0; round < ROUNDS; round++) {
        snprintf(key, sizeof key, "k%d", round);
        snprintf(value, sizeof value, "t%d-r%d", w->index, round);
        WORKER_OK(apst_project_meta_set(w->client, project, key, value, &err));
        WORKER_OK(apst_project_meta_list(w->client, project, &json, &err));
        if (json == NULL || strstr(json, value) == NULL) w->failures++;
        apst_string_free(json);
        json = NULL;
        WORKER_OK(apst_project_get(w->client, project, &json, &err));
        apst_string_free(json);
        json = NULL;
        WORKER_OK(apst_project_list(w->client, "{\"query\":\"thread\"}", &json, &err));
        apst_string_free(json);
        json = NULL;
    }
    WORKER_OK(apst_asset_upload(w->client, project, NULL, file, NULL, NULL, NULL, &asset, &err));
    if (asset != NULL) {
        WORKER_OK(apst_asset_wait_processed(w->client, asset, 60000, &json, &err));
        apst_string_free(json);
        json = NULL;
    }
    apst_string_free(asset);
    WORKER_OK(apst_project_set_state(w->client, project, "Completed", &err));
    WORKER_OK(apst_project_delete(w->client, project, &err));
    remove(file);
    return NULL;
}

int main(void) {
    apst_client *client = apst_test_client();
    char *me = NULL;
    pthread_t threads[THREADS];
    worker workers[THREADS];
    int total_ops = 0;

    REQUIRE_OK(apst_user_logged_in_uid(client, &me, &err));
    for (int i = 0; i < THREADS; i++) {
        workers[i].client = client;
        workers[i].me = me;
        workers[i].index = i;
        workers[i].failures = 0;
        workers[i].ops = 0;
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        CHECK(workers[i].failures == 0);
        total_ops += workers[i].ops;
    }
    printf("%d threads, %d operations on one client\n", THREADS, total_ops);
    CHECK(total_ops == THREADS * (5 + ROUNDS * 4));
    apst_string_free(me);
    apst_client_free(client);
    return apst_test_finish("test_threads");
}
