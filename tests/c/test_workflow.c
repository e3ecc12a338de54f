#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* The whole workflow against the emulator: login, project, upload with progress, wait,
 * review link, task complete, webhook verify (a real delivery to a local listener),
 * download, proof report, state changes, delete. */
#include <pthread.h>

#include "apst_test.h"
#include <sys/stat.h>
#include <time.h>

typedef struct {
    int calls;
    uint64_t last_done;
    uint64_t total;
    int monotonic;
    int other_thread;
} progress_log;

static pthread_t main_thread;

static int on_progress(void *userdata, const apst_progress *p) {
    progress_log *log = (progress_log *)userdata;
    if (p->bytes_done < log->last_done) log->monotonic = 0;
    log->last_done = p->bytes_done;
    log->total = p->bytes_total;
    log->calls++;
    /* Progress is delivered on the thread that called the transfer function. */
    if (!pthread_equal(pthread_self(), main_thread)) log->other_thread++;
    return 0;
}

/* --- a one-shot webhook receiver on 127.0.0.1 ------------------------------------------- */
typedef struct {
    int listen_fd;
    int port;
    char secret_header[256];
    char body[8192];
    int got;
} receiver;

static void *receive_one(void *arg) {
    receiver *r = (receiver *)arg;
    /* Accept deliveries until one is a webhook.test event (others may arrive first). */
    for (int i = 0; i < 50 && !r->got; i++) {
        char buf[16384];
        size_t n = 0;
        const char *hdr_end = NULL;
        const char *cl;
        const char *sec;
        size_t want;
        int fd = accept(r->listen_fd, NULL, NULL);
        if (fd < 0) break;
        for (;;) {
            ssize_t k = read(fd, buf + n, sizeof buf - 1 - n);
            if (k <= 0) break;
            n += (size_t)k;
            buf[n] = '\0';
            hdr_end = strstr(buf, "\r\n\r\n");
            if (hdr_end != NULL) {
                cl = strcasestr(buf, "content-length:");
                want = cl ? (size_t)atoi(cl + 15) : 0;
                if (n >= (size_t)(hdr_end + 4 - buf) + want) break;
            }
        }
        {
            const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            if (write(fd, ok, strlen(ok)) < 0) { /* ignore */ }
        }
        close(fd);
        if (hdr_end == NULL || strstr(hdr_end, "webhook.test") == NULL) continue;
        sec = strcasestr(buf, "api-secret:");
        if (sec != NULL) {
            size_t len = 0;
            sec += 11;
            while (*sec == ' ') sec++;
            while (sec[len] && sec[len] != '\r' && len < sizeof r->secret_header - 1) len++;
            memcpy(r->secret_header, sec, len);
            r->secret_header[len] = '\0';
        }
        snprintf(r->body, sizeof r->body, "%s", hdr_end + 4);
        r->got = 1;
    }
    return NULL;
}

static int start_receiver(receiver *r) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    memset(r, 0, sizeof *r);
    r->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(r->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0) return 0;
    if (listen(r->listen_fd, 8) != 0) return 0;
    getsockname(r->listen_fd, (struct sockaddr *)&addr, &len);
    r->port = ntohs(addr.sin_port);
    return 1;
}

static void write_file(const char *path, const char *text, size_t repeat) {
    FILE *f = fopen(path, "wb");
    for (size_t i = 0; i < repeat; i++) fputs(text, f);
    fclose(f);
}

/* Whether a JSON text has a key in another casing than the API's `...UID`/`...UIDs`
 * (`projectUid`, `taskUids`, ...). */
static int has_lowercase_uid_key(const char *json) {
    const char *p = json;
    while ((p = strstr(p, "Uid")) != NULL) {
        if (p[3] == '"' || (p[3] == 's' && p[4] == '"')) {
            fprintf(stderr, "JSON key in the wrong casing near: %.40s\n", p > json + 20 ? p - 20 : json);
            return 1;
        }
        p += 3;
    }
    return 0;
}

int main(void) {
    apst_client *client = apst_test_client();
    char *me = NULL;
    char *json = NULL;
    char project[64], asset[64], task[64], column[64], folder[64], link_id[64], webhook[64],
        secret[128];
    char *state = NULL;
    char *url = NULL;
    char *short_url = NULL;
    char *asset_uid = NULL;
    char *path_out = NULL;
    char params[1024];
    bool valid = false;
    progress_log plog = {0, 0, 0, 1, 0};
    const char *upload_path = "workflow-artwork.txt";
    struct stat st;

    main_thread = pthread_self();

    /* Login and token. */
    REQUIRE_OK(apst_client_login(client, &err));
    REQUIRE_OK(apst_client_validate_token(client, &valid, &err));
    CHECK(valid);

    /* Who am I, and the tenant's columns and folders. */
    REQUIRE_OK(apst_user_logged_in_uid(client, &me, &err));
    CHECK(strlen(me) == 32);
    REQUIRE_OK(apst_user_logged_in(client, &json, &err));
    CHECK(strstr(json, "\"userUID\"") != NULL);
    apst_string_free(json);
    REQUIRE_OK(apst_user_list(client, &json, &err));
    CHECK(apst_test_json_str(json, "kanbanColumnUID", column, sizeof column));
    CHECK(apst_test_json_str(json, "folderUID", folder, sizeof folder));
    apst_string_free(json);

    /* Project: create, list, update, metadata, column, folder. */
    snprintf(params, sizeof params,
             "{\"projectName\":\"C workflow\",\"projectOwnersUIDS\":[\"%s\"],"
             "\"customer\":\"ACME\",\"tags\":[\"c\",\"ffi\"],\"dueDate\":\"2030-01-31T12:00:00Z\"}",
             me);
    REQUIRE_OK(apst_project_create(client, params, &json, &err));
    CHECK(apst_test_json_str(json, "projectUID", project, sizeof project));
    apst_string_free(json);
    REQUIRE_OK(apst_project_list(client, "{\"query\":\"C workflow\"}", &json, &err));
    CHECK(strstr(json, project) != NULL);
    apst_string_free(json);
    REQUIRE_OK(apst_project_list(client, NULL, &json, &err));
    CHECK(json[0] == '[');
    apst_string_free(json);
    snprintf(params, sizeof params,
             "{\"projectUID\":\"%s\",\"projectName\":\"C workflow\",\"projectOwnersUIDS\":[\"%s\"],"
             "\"description\":\"from C\"}", project, me);
    REQUIRE_OK(apst_project_update(client, params, &json, &err));
    CHECK(strstr(json, "from C") != NULL);
    apst_string_free(json);
    REQUIRE_OK(apst_project_meta_set(client, project, "erp-order", "4711", &err));
    REQUIRE_OK(apst_project_meta_list(client, project, &json, &err));
    CHECK(strstr(json, "4711") != NULL);
    apst_string_free(json);
    REQUIRE_OK(apst_project_meta_delete(client, project, "erp-order", &err));
    REQUIRE_OK(apst_project_move_to_kanban_column(client, project, column, &err));
    REQUIRE_OK(apst_project_move_to_folder(client, project, folder, &err));

    /* Upload with progress (about 3 MB so several progress calls happen), then wait. */
    write_file(upload_path, "Approval Studio C workflow test artwork line.\n", 70000);
    REQUIRE_OK(apst_asset_upload(client, project, NULL, upload_path, NULL, on_progress, &plog,
                                 &asset_uid, &err));
    snprintf(asset, sizeof asset, "%s", asset_uid);
    apst_string_free(asset_uid);
    stat(upload_path, &st);
    CHECK(plog.calls >= 1);
    CHECK(plog.monotonic);
    CHECK(plog.other_thread == 0);
    CHECK(plog.last_done == (uint64_t)st.st_size);
    CHECK(plog.total == (uint64_t)st.st_size);
    /* upload_many: combined progress over both files, on the calling thread. */
    {
        const char *many[2] = {upload_path, upload_path};
        progress_log mlog = {0, 0, 0, 1, 0};
        REQUIRE_OK(apst_asset_upload_many(client, project, many, 2, 2, on_progress, &mlog,
                                          &json, &err));
        CHECK(strstr(json, "\"assetUID\"") != NULL);
        apst_string_free(json);
        json = NULL;
        CHECK(mlog.calls >= 1);
        CHECK(mlog.other_thread == 0);
        CHECK(mlog.total == 2 * (uint64_t)st.st_size);
        CHECK(mlog.last_done == 2 * (uint64_t)st.st_size);
    }
    REQUIRE_OK(apst_asset_wait_processed(client, asset, 30000, &json, &err));
    CHECK(strstr(json, "Processed") != NULL);
    apst_string_free(json);
    REQUIRE_OK(apst_asset_get_status(client, asset, &state, &err));
    CHECK(strcmp(state, "Processed") == 0);
    apst_string_free(state);
    REQUIRE_OK(apst_asset_get(client, asset, &json, &err));
    CHECK(strstr(json, "workflow-artwork.txt") != NULL);
    apst_string_free(json);

    /* Annotations. */
    snprintf(params, sizeof params,
             "{\"assetUID\":\"%s\",\"text\":\"Logo too small\",\"page\":0,"
             "\"region\":{\"x\":1,\"y\":2,\"width\":30,\"height\":40}}", asset);
    {
        char ann[64];
        REQUIRE_OK(apst_annotation_create(client, params, &json, &err));
        CHECK(apst_test_json_str(json, "annotationUID", ann, sizeof ann));
        apst_string_free(json);
        REQUIRE_OK(apst_annotation_complete(client, ann, &err));
        CHECK_RESULT(APST_NOT_ACCEPTABLE, apst_annotation_complete(client, ann, &err));
        REQUIRE_OK(apst_annotation_uncomplete(client, ann, &err));
        REQUIRE_OK(apst_annotation_list(client, asset, &json, &err));
        CHECK(strstr(json, "Logo too small") != NULL);
        apst_string_free(json);
        REQUIRE_OK(apst_annotation_hide(client, ann, &err));
        REQUIRE_OK(apst_annotation_delete(client, ann, &err));
    }

    /* Reference documents. */
    {
        char *rd = NULL;
        REQUIRE_OK(apst_refdoc_add_url(client, project, "https://example.com/brief.pdf", "Brief",
                                       &rd, &err));
        REQUIRE_OK(apst_refdoc_get(client, rd, &json, &err));
        CHECK(strstr(json, "example.com") != NULL);
        apst_string_free(json);
        REQUIRE_OK(apst_refdoc_delete(client, rd, &err));
        apst_string_free(rd);
        rd = NULL;
        REQUIRE_OK(apst_refdoc_upload(client, project, NULL, upload_path, "spec.txt", NULL, NULL,
                                      &rd, &err));
        CHECK(rd != NULL && strlen(rd) == 32);
        apst_string_free(rd);
    }

    /* Review link: create, add the asset, send for external review, short URL. */
    REQUIRE_OK(apst_review_link_create(client, project, "Round 1",
                                       "{\"allowApprovals\":true,\"enableDownloading\":false}",
                                       &json, &err));
    CHECK(apst_test_json_str(json, "id", link_id, sizeof link_id));
    /* The API's casing of UID keys, as everywhere else (issue 10, item 9). */
    {
        char got[64] = "";
        CHECK(apst_test_json_str(json, "projectUID", got, sizeof got) && strcmp(got, project) == 0);
        CHECK(strstr(json, "\"assetUIDs\":[") != NULL);
        CHECK(!has_lowercase_uid_key(json));
    }
    apst_string_free(json);
    snprintf(params, sizeof params, "[\"%s\"]", asset);
    REQUIRE_OK(apst_review_link_add_assets(client, project, link_id, params, &json, &err));
    CHECK(strstr(json, asset) != NULL);
    apst_string_free(json);
    REQUIRE_OK(apst_review_link_send_to(client, project, link_id, "buyer@example.com", NULL,
                                        &short_url, &err));
    CHECK(strncmp(short_url, "http", 4) == 0);
    printf("review link short URL: %s\n", short_url);
    apst_string_free(short_url);
    REQUIRE_OK(apst_review_link_list(client, project, &json, &err));
    CHECK(strstr(json, "buyer@example.com") != NULL);
    CHECK(strstr(json, "\"projectUID\":") != NULL && strstr(json, "\"taskUID\":\"") != NULL);
    CHECK(!has_lowercase_uid_key(json));
    apst_string_free(json);
    REQUIRE_OK(apst_review_link_get(client, project, link_id, &json, &err));
    CHECK(strstr(json, "Round 1") != NULL);
    CHECK(strstr(json, "\"projectUID\":") != NULL && strstr(json, "\"taskUID\":\"") != NULL);
    CHECK(!has_lowercase_uid_key(json));
    apst_string_free(json);

    /* Internal review task, completed as Approved; completing again is APST_GONE. */
    snprintf(params, sizeof params,
             "{\"projectUID\":\"%s\",\"userUID\":\"%s\",\"assetUIDs\":[\"%s\"],"
             "\"comment\":\"please check\"}", project, me, asset);
    REQUIRE_OK(apst_task_review_asset(client, params, &json, &err));
    CHECK(apst_test_json_str(json, "taskUID", task, sizeof task));
    apst_string_free(json);
    REQUIRE_OK(apst_task_list(client, "ReviewAssets", &json, &err));
    CHECK(strstr(json, task) != NULL);
    apst_string_free(json);
    REQUIRE_OK(apst_task_complete(client, task, "Approved", "fine", &err));
    REQUIRE_OK(apst_task_get_status(client, task, &state, &err));
    CHECK(strcmp(state, "Approved") == 0);
    apst_string_free(state);
    CHECK_RESULT(APST_GONE, apst_task_complete(client, task, "Approved", NULL, &err));

    /* Upload task, then delete it. */
    snprintf(params, sizeof params, "{\"projectUID\":\"%s\",\"userUID\":\"%s\"}", project, me);
    REQUIRE_OK(apst_task_asset_upload(client, params, &json, &err));
    CHECK(apst_test_json_str(json, "taskUID", task, sizeof task));
    apst_string_free(json);
    REQUIRE_OK(apst_task_get(client, task, &json, &err));
    CHECK(strstr(json, "UploadAssets") != NULL);
    apst_string_free(json);
    REQUIRE_OK(apst_task_delete(client, task, &err));
    REQUIRE_OK(apst_task_refdoc_upload(client, params, &json, &err));
    apst_string_free(json);

    /* External review task directly. */
    snprintf(params, sizeof params,
             "{\"projectUID\":\"%s\",\"email\":\"printer@example.com\",\"assetUIDs\":[\"%s\"],"
             "\"emailLanguage\":\"German\",\"isReadOnly\":true}", project, asset);
    REQUIRE_OK(apst_task_review_asset_ext(client, params, &json, &err));
    CHECK(strstr(json, "reviewUrl") != NULL);
    apst_string_free(json);

    /* Webhook: register a local receiver, trigger webhook.test, verify the real delivery. */
    {
        receiver r;
        pthread_t th;
        char *event = NULL;
        CHECK(start_receiver(&r));
        pthread_create(&th, NULL, receive_one, &r);
        snprintf(params, sizeof params, "{\"url\":\"http://127.0.0.1:%d/hook\"}", r.port);
        REQUIRE_OK(apst_webhook_create(client, params, &json, &err));
        CHECK(apst_test_json_str(json, "webhookUID", webhook, sizeof webhook));
        CHECK(apst_test_json_str(json, "secret", secret, sizeof secret));
        apst_string_free(json);
        REQUIRE_OK(apst_webhook_list(client, &json, &err));
        CHECK(strstr(json, webhook) != NULL);
        apst_string_free(json);
        REQUIRE_OK(apst_webhook_test(client, webhook, &err));
        pthread_join(th, NULL);
        close(r.listen_fd);
        CHECK(r.got);
        REQUIRE_OK(apst_webhook_verify(r.secret_header, secret, &valid, &err));
        CHECK(valid);
        REQUIRE_OK(apst_webhook_verify("wrong-secret", secret, &valid, &err));
        CHECK(!valid);
        REQUIRE_OK(apst_webhook_parse_event((const uint8_t *)r.body, strlen(r.body),
                                            r.secret_header, secret, &event, &err));
        CHECK(strstr(event, "\"EventType\":\"webhook.test\"") != NULL);
        {
            char event_id[128];
            apst_webhook_deduplicator *d = NULL;
            bool first = false;
            CHECK(apst_test_json_str(event, "EventId", event_id, sizeof event_id));
            REQUIRE_OK(apst_webhook_deduplicator_new(16, &d, &err));
            REQUIRE_OK(apst_webhook_deduplicator_first_time(d, event_id, &first, &err));
            CHECK(first);
            REQUIRE_OK(apst_webhook_deduplicator_first_time(d, event_id, &first, &err));
            CHECK(!first);
            apst_webhook_deduplicator_free(d);
        }
        apst_string_free(event);
        CHECK_RESULT(APST_UNAUTHORIZED,
                     apst_webhook_parse_event((const uint8_t *)r.body, strlen(r.body),
                                              "forged", secret, &event, &err));
        CHECK(event == NULL);
        REQUIRE_OK(apst_webhook_delete(client, webhook, &err));
    }

    /* Download (to a file, then into a directory), atomically. */
    REQUIRE_OK(apst_asset_download(client, asset, "downloaded.txt", on_progress, &plog,
                                   &path_out, &err));
    CHECK(stat("downloaded.txt", &st) == 0 && (uint64_t)st.st_size == plog.total);
    apst_string_free(path_out);
    mkdir("dl-dir", 0755);
    REQUIRE_OK(apst_asset_download(client, asset, "dl-dir", NULL, NULL, &path_out, &err));
    CHECK(strstr(path_out, "dl-dir/") != NULL);
    CHECK(stat(path_out, &st) == 0);
    remove(path_out);
    apst_string_free(path_out);

    /* Proof reports. */
    REQUIRE_OK(apst_asset_proof_report(client, asset, &url, &err));
    CHECK(strncmp(url, "http", 4) == 0);
    apst_string_free(url);
    REQUIRE_OK(apst_project_proof_report(client, project, &url, &err));
    CHECK(strncmp(url, "http", 4) == 0);
    apst_string_free(url);
    REQUIRE_OK(apst_project_proof_report_download(client, project, "report.pdf", NULL, NULL,
                                                  NULL, &err));
    {
        char magic[5] = {0};
        FILE *f = fopen("report.pdf", "rb");
        CHECK(f != NULL);
        if (f) {
            CHECK(fread(magic, 1, 4, f) == 4);
            fclose(f);
        }
        CHECK(strcmp(magic, "%PDF") == 0);
    }

    REQUIRE_OK(apst_asset_proof_report_download(client, asset, "asset-report.pdf", NULL, NULL,
                                                &path_out, &err));
    CHECK(strstr(path_out, "asset-report.pdf") != NULL);
    apst_string_free(path_out);
    path_out = NULL;
    remove("asset-report.pdf");

    /* Uploads from a URL (the service fetches it): the project's proof report PDF. */
    REQUIRE_OK(apst_project_proof_report(client, project, &url, &err));
    {
        char *from_url = NULL;
        char *rd = NULL;
        REQUIRE_OK(apst_asset_upload_url(client, project, NULL, url, "from-url.pdf", &from_url, &err));
        REQUIRE_OK(apst_asset_wait_processed(client, from_url, 30000, &json, &err));
        CHECK(strstr(json, "from-url.pdf") != NULL);
        apst_string_free(json);
        REQUIRE_OK(apst_refdoc_upload_url(client, project, NULL, url, NULL, &rd, &err));
        CHECK(rd != NULL && strlen(rd) == 32);
        apst_string_free(rd);
        apst_string_free(from_url);
    }
    apst_string_free(url);
    url = NULL;

    /* Review link sent to two recipients as JSON, then deleted. */
    REQUIRE_OK(apst_review_link_send(client, project, link_id,
                                     "{\"recipients\":[\"a@example.com\",\"b@example.com\"],"
                                     "\"emailLanguage\":\"French\",\"comment\":\"Bonjour\"}",
                                     &json, &err));
    CHECK(strstr(json, "a@example.com") != NULL && strstr(json, "b@example.com") != NULL);
    CHECK(strstr(json, "\"shortUrl\":\"http") != NULL);
    CHECK(strstr(json, "\"taskUID\":\"") != NULL);
    CHECK(!has_lowercase_uid_key(json));
    apst_string_free(json);
    REQUIRE_OK(apst_review_link_delete(client, project, link_id, &err));
    CHECK_RESULT(APST_NOT_FOUND, apst_review_link_get(client, project, link_id, &json, &err));

    /* State changes: OnHold, Active, Completed, Archived (through InTransit), delete. */
    REQUIRE_OK(apst_project_set_state(client, project, "OnHold", &err));
    REQUIRE_OK(apst_project_get_state(client, project, &state, &err));
    CHECK(strcmp(state, "OnHold") == 0);
    apst_string_free(state);
    CHECK_RESULT(APST_NOT_ACCEPTABLE, apst_project_set_state(client, project, "OnHold", &err));
    REQUIRE_OK(apst_project_set_state(client, project, "active", &err));
    CHECK_RESULT(APST_PRECONDITION_FAILED, apst_project_delete(client, project, &err));
    REQUIRE_OK(apst_project_set_state(client, project, "Completed", &err));
    REQUIRE_OK(apst_project_set_state(client, project, "Archived", &err));
    for (int i = 0; i < 100; i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        REQUIRE_OK(apst_project_get_state(client, project, &state, &err));
        if (strcmp(state, "Archived") == 0) break;
        apst_string_free(state);
        state = NULL;
        nanosleep(&ts, NULL);
    }
    CHECK(state != NULL && strcmp(state, "Archived") == 0);
    apst_string_free(state);
    /* An Archived project is read-only: its assets go with the project itself. */
    CHECK_RESULT(APST_NOT_ACCEPTABLE, apst_asset_delete(client, asset, &err));
    REQUIRE_OK(apst_project_delete(client, project, &err));
    CHECK_RESULT(APST_NOT_FOUND, apst_project_get(client, project, &json, &err));
    CHECK(json == NULL);

    apst_string_free(me);
    remove(upload_path);
    remove("downloaded.txt");
    remove("report.pdf");
    rmdir("dl-dir");
    apst_client_free(client);
    return apst_test_finish("test_workflow");
}
