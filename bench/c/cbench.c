/* The C half of bench/run, linked against the release libapprovalstudio.so. Connects to
 * APST_BENCH_URL with the bearer token APST_BENCH_TOKEN and prints one line of JSON.
 *
 *   cbench get PROJECT_UID CALLS WARMUP   P5: apst_project_get loop (the JSON string is freed)
 *   cbench upload PROJECT_UID FILE        P3: apst_asset_upload (as examples/c does)
 *   cbench download ASSET_UID TARGET      P4: apst_asset_download
 *
 * Times are taken around the library calls only (CLOCK_MONOTONIC). */
#include <approvalstudio.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, apst_result r, apst_error *err) {
    fprintf(stderr, "cbench: %s failed (%s, HTTP %d): %s\n", what, apst_result_str((int)r),
            apst_error_status(err), apst_error_message(err));
    apst_error_free(err);
    return 1;
}

static int usage(void) {
    fprintf(stderr, "usage: cbench get UID CALLS WARMUP | upload PROJECT FILE | download ASSET TARGET\n");
    return 2;
}

int main(int argc, char **argv) {
    const char *url = getenv("APST_BENCH_URL"), *token = getenv("APST_BENCH_TOKEN");
    apst_client_builder *b;
    apst_client *client = NULL;
    apst_error *err = NULL;
    apst_result r;
    int rc = 0;

    if (argc < 4 || !url || !token) return usage();
    b = apst_client_builder_new();
    if ((r = apst_client_builder_set_base_url(b, url, &err)) != APST_OK) return fail("base url", r, err);
    if ((r = apst_client_builder_set_token(b, token, &err)) != APST_OK) return fail("token", r, err);
    if ((r = apst_client_builder_build(b, &client, &err)) != APST_OK) return fail("build", r, err);

    if (strcmp(argv[1], "get") == 0 && argc == 5) {
        long calls = atol(argv[3]), warmup = atol(argv[4]), i;
        size_t total = 0;
        double t0;
        char *json = NULL;
        for (i = 0; i < warmup; i++) {
            if ((r = apst_project_get(client, argv[2], &json, &err)) != APST_OK) { rc = fail("get", r, err); goto out; }
            apst_string_free(json);
        }
        t0 = now();
        for (i = 0; i < calls; i++) {
            if ((r = apst_project_get(client, argv[2], &json, &err)) != APST_OK) { rc = fail("get", r, err); goto out; }
            total += strlen(json);
            apst_string_free(json);
        }
        printf("{\"seconds\": %.6f, \"calls\": %ld, \"bytes\": %zu}\n", now() - t0, calls, total);
    } else if (strcmp(argv[1], "upload") == 0) {
        char *asset = NULL;
        double t0 = now();
        if ((r = apst_asset_upload(client, argv[2], NULL, argv[3], NULL, NULL, NULL, &asset, &err)) != APST_OK) {
            rc = fail("upload", r, err);
            goto out;
        }
        printf("{\"seconds\": %.6f, \"asset\": \"%s\"}\n", now() - t0, asset);
        apst_string_free(asset);
    } else if (strcmp(argv[1], "download") == 0) {
        char *path = NULL;
        double t0 = now();
        if ((r = apst_asset_download(client, argv[2], argv[3], NULL, NULL, &path, &err)) != APST_OK) {
            rc = fail("download", r, err);
            goto out;
        }
        printf("{\"seconds\": %.6f}\n", now() - t0);
        apst_string_free(path);
    } else {
        rc = usage();
    }
out:
    apst_client_free(client);
    apst_shutdown();
    return rc;
}
