/* Tiny test helpers shared by the C tests (compiled as C and as C++). */
#ifndef APST_TEST_H
#define APST_TEST_H

#include "approvalstudio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static int apst_test_failures = 0;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
            apst_test_failures++;                                                      \
        }                                                                              \
    } while (0)

/* Checks that `call` (an expression returning apst_result, whose last argument is &err)
 * returned `expected`; prints the error on mismatch; frees err. */
#define CHECK_RESULT(expected, call)                                                   \
    do {                                                                               \
        apst_error *err = NULL;                                                        \
        apst_result r_ = (call);                                                       \
        if (r_ != (expected)) {                                                        \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s: %s\n", __FILE__,      \
                    __LINE__, #call, apst_result_str((int)r_),                         \
                    apst_result_str((int)(expected)), apst_error_message(err));        \
            apst_test_failures++;                                                      \
        } else if (r_ != APST_OK) {                                                    \
            if (err == NULL || apst_error_result(err) != r_) {                         \
                fprintf(stderr, "%s:%d: %s: error object missing or wrong\n",          \
                        __FILE__, __LINE__, #call);                                    \
                apst_test_failures++;                                                  \
            }                                                                          \
        }                                                                              \
        apst_error_free(err);                                                          \
    } while (0)

/* Like CHECK_RESULT but also requires `needle` in the error message. */
#define CHECK_ERROR_MSG(expected, needle, call)                                        \
    do {                                                                               \
        apst_error *err = NULL;                                                        \
        apst_result r_ = (call);                                                       \
        const char *m_ = apst_error_message(err);                                      \
        if (r_ != (expected) || err == NULL || strstr(m_, (needle)) == NULL) {         \
            fprintf(stderr, "%s:%d: %s returned %s (expected %s), message \"%s\" "     \
                    "(expected to contain \"%s\")\n", __FILE__, __LINE__, #call,       \
                    apst_result_str((int)r_), apst_result_str((int)(expected)), m_,    \
                    (needle));                                                         \
            apst_test_failures++;                                                      \
        }                                                                              \
        apst_error_free(err);                                                          \
    } while (0)

/* Asserts success and aborts the test on failure (later steps depend on it). */
#define REQUIRE_OK(call)                                                               \
    do {                                                                               \
        apst_error *err = NULL;                                                        \
        apst_result r_ = (call);                                                       \
        if (r_ != APST_OK) {                                                           \
            fprintf(stderr, "%s:%d: %s failed: %s: %s\n", __FILE__, __LINE__, #call,   \
                    apst_result_str((int)r_), apst_error_message(err));                \
            apst_error_free(err);                                                      \
            apst_shutdown();                                                           \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

static const char *apst_test_env(const char *name, const char *fallback) {
    const char *v = getenv(name);
    return (v != NULL && v[0] != '\0') ? v : fallback;
}

static const char *apst_test_url(void) {
    return apst_test_env("APPROVALSTUDIO_URL", "http://127.0.0.1:8080");
}

/* A client for the emulator, logged in as the exported user (or `user`/`password`). */
static apst_client *apst_test_client_as(const char *user, const char *password) {
    apst_client *client = NULL;
    apst_client_builder *b = apst_client_builder_new();
    REQUIRE_OK(apst_client_builder_set_base_url(b, apst_test_url(), &err));
    REQUIRE_OK(apst_client_builder_set_credentials(b, user, password, &err));
    REQUIRE_OK(apst_client_builder_set_backoff_ms(b, 10, 50, &err));
    REQUIRE_OK(apst_client_builder_set_max_rate_limit_wait_ms(b, 0, &err));
    REQUIRE_OK(apst_client_builder_build(b, &client, &err));
    return client;
}

static apst_client *apst_test_client(void) {
    return apst_test_client_as(apst_test_env("APPROVALSTUDIO_USERNAME", "admin@example.com"),
                               apst_test_env("APPROVALSTUDIO_PASSWORD", "admin-password"));
}

/* Sends a raw HTTP/1.1 request to the emulator's control API (`/_emulator/...`) and returns
 * the HTTP status (0 on failure); the response body is copied to `body_out` when given. */
static int apst_test_control(const char *method, const char *path, const char *json,
                             char *body_out, size_t body_cap) {
    const char *url = apst_test_url();
    const char *hostport = strstr(url, "://");
    char host[64] = {0};
    int port = 80;
    char req[8192];
    char resp[65536];
    size_t got = 0;
    int status = 0;
    int fd;
    struct sockaddr_in addr;
    const char *colon;
    hostport = hostport ? hostport + 3 : url;
    colon = strchr(hostport, ':');
    if (colon == NULL || (size_t)(colon - hostport) >= sizeof host) return 0;
    memcpy(host, hostport, (size_t)(colon - hostport));
    port = atoi(colon + 1);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return 0;
    }
    snprintf(req, sizeof req,
             "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
             "Content-Type: application/json\r\nContent-Length: %u\r\n\r\n%s",
             method, path, host, (unsigned)(json ? strlen(json) : 0), json ? json : "");
    if (write(fd, req, strlen(req)) < 0) {
        close(fd);
        return 0;
    }
    for (;;) {
        ssize_t n = read(fd, resp + got, sizeof resp - 1 - got);
        if (n <= 0) break;
        got += (size_t)n;
        if (got >= sizeof resp - 1) break;
    }
    close(fd);
    resp[got] = '\0';
    if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1) return 0;
    if (body_out != NULL && body_cap > 0) {
        const char *b = strstr(resp, "\r\n\r\n");
        snprintf(body_out, body_cap, "%s", b ? b + 4 : "");
    }
    return status;
}

/* Extracts the string value of "key" from a JSON text (first occurrence; no escapes).
 * Enough for the UIDs and URLs the tests need. Returns 0 when not found. */
static int apst_test_json_str(const char *json, const char *key, char *out, size_t cap) {
    char pat[128];
    const char *p;
    const char *end;
    snprintf(pat, sizeof pat, "\"%s\":", key);
    p = json ? strstr(json, pat) : NULL;
    if (p == NULL) return 0;
    p += strlen(pat);
    while (*p == ' ') p++;
    if (*p != '"') return 0;
    p++;
    end = strchr(p, '"');
    if (end == NULL || (size_t)(end - p) >= cap) return 0;
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return 1;
}

static int apst_test_finish(const char *name) {
    apst_shutdown();
    if (apst_test_failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, apst_test_failures);
        return 1;
    }
    printf("%s: ok\n", name);
    return 0;
}

#endif /* APST_TEST_H */
