// The C++17 wrapper (approvalstudio.hpp): RAII handles, exceptions carrying kind, status,
// message, trace id and field errors; progress lambdas (false cancels, exceptions propagate).
#include "approvalstudio.hpp"

#include <fcntl.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "apst_test.h"

namespace as = approvalstudio;

template <class F>
static as::Error expect_error(F &&f) {
    try {
        f();
    } catch (const as::Error &e) {
        return e;
    }
    throw std::logic_error("expected an approvalstudio::Error");
}

int main() {
    try {
        as::Client client = as::Client::builder()
                                .base_url(apst_test_url())
                                .credentials(apst_test_env("APPROVALSTUDIO_USERNAME", "admin@example.com"),
                                             apst_test_env("APPROVALSTUDIO_PASSWORD", "admin-password"))
                                .max_attempts(2)
                                .user_agent("apst-hpp-test/1.0")
                                .build();
        client.login();
        CHECK(client.validate_token());
        CHECK(as::version() == apst_version());

        const std::string project = client.project_create_named("C++ wrapper");
        CHECK(project.size() == 32);
        CHECK(client.project_get_state(project) == "Active");

        // Errors carry kind, status and message.
        as::Error nf = expect_error([&] { client.project_get("0123456789ABCDEF0123456789ABCDEF"); });
        CHECK(nf.kind() == APST_NOT_FOUND);
        CHECK(nf.status() == 404);
        CHECK(std::string(nf.kind_name()) == "APST_NOT_FOUND");
        CHECK(!nf.message().empty());
        CHECK(!nf.applied() && nf.created_uid().empty());
        as::Error bad = expect_error([&] { client.project_create("{\"projectName\": "); });
        CHECK(bad.kind() == APST_INVALID_INPUT);
        CHECK(bad.message().find("line 1 column") != std::string::npos);
        as::Error st = expect_error([&] { client.project_set_state(project, "Active"); });
        if (st.kind() != APST_NOT_ACCEPTABLE) std::fprintf(stderr, "set_state: %s %d %s\n", st.kind_name(), st.status(), st.what());
        CHECK(st.kind() == APST_NOT_ACCEPTABLE && st.status() == 406);

        // Field errors and trace id of a 400.
        apst_test_control("POST", "/_emulator/faults",
                          "{\"method\":\"GET\",\"path\":\"/api/v1/users\",\"action\":\"status\",\"status\":400,"
                          "\"body\":\"{\\\"errors\\\":{\\\"query\\\":[\\\"bad\\\"]},\\\"status\\\":400,"
                          "\\\"traceId\\\":\\\"t-42\\\"}\",\"times\":1}",
                          NULL, 0);
        as::Error val = expect_error([&] { client.user_list(); });
        CHECK(val.kind() == APST_VALIDATION);
        CHECK(val.fields_json().find("\"query\":[\"bad\"]") != std::string::npos);
        CHECK(val.trace_id() == "t-42");

        // Progress: a lambda returning false cancels; an exception cancels and propagates.
        {
            int fd = open("hpp-big.bin", O_CREAT | O_TRUNC | O_WRONLY, 0644);
            CHECK(fd >= 0 && ftruncate(fd, 32 * 1024 * 1024) == 0);
            close(fd);
            const char *slow =
                "{\"method\":\"POST\",\"path\":\"/api/v1/asset/upload\",\"action\":\"delay\","
                "\"latencyMs\":3000,\"times\":1}";
            apst_test_control("POST", "/_emulator/faults", slow, NULL, 0);
            as::Error c = expect_error([&] {
                client.asset_upload(project, "hpp-big.bin", [](const apst_progress &) { return false; });
            });
            CHECK(c.kind() == APST_CANCELLED);
            apst_test_control("DELETE", "/_emulator/faults", NULL, NULL, 0);
            apst_test_control("POST", "/_emulator/faults", slow, NULL, 0);
            bool propagated = false;
            try {
                client.asset_upload(project, "hpp-big.bin",
                                    [](const apst_progress &) -> bool { throw std::runtime_error("stop!"); });
            } catch (const std::runtime_error &e) {
                propagated = std::string(e.what()) == "stop!";
            }
            CHECK(propagated);
            apst_test_control("DELETE", "/_emulator/faults", NULL, NULL, 0);
            remove("hpp-big.bin");
        }

        // A CancelToken stops a stalled call from another thread; reset re-arms it.
        {
            as::CancelToken token;
            as::Client cancellable = client.with_cancel_token(token);
            CHECK(cancellable.user_logged_in().find("userUID") != std::string::npos);
            apst_test_control("POST", "/_emulator/faults",
                              "{\"path\":\"/api/v1/user/loggedin\",\"action\":\"delay\",\"latencyMs\":1500}",
                              NULL, 0);
            std::thread canceller([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                token.cancel();
            });
            const auto t0 = std::chrono::steady_clock::now();
            as::Error c = expect_error([&] { cancellable.user_logged_in(); });
            const auto took = std::chrono::steady_clock::now() - t0;
            canceller.join();
            CHECK(c.kind() == APST_CANCELLED);
            CHECK(took < std::chrono::milliseconds(1200));
            CHECK(token.is_cancelled());
            apst_test_control("DELETE", "/_emulator/faults", NULL, NULL, 0);
            token.reset();
            CHECK(!token.is_cancelled());
            CHECK(cancellable.user_logged_in().find("userUID") != std::string::npos);
        }

        // A full small round: upload, wait, review link, short URL.
        {
            FILE *f = fopen("hpp.txt", "wb");
            fputs("C++ wrapper test\n", f);
            fclose(f);
            int calls = 0;
            std::string asset = client.asset_upload(project, "hpp.txt", [&](const apst_progress &) {
                calls++;
                return true;
            });
            CHECK(calls >= 1);
            CHECK(client.asset_wait_processed(asset, 30000).find("Processed") != std::string::npos);
            std::string link = client.review_link_create_id(project, "C++ round");
            client.review_link_add_assets(project, link, "[\"" + asset + "\"]");
            std::string url = client.review_link_send_to(project, link, "cpp@example.com");
            CHECK(url.rfind("http", 0) == 0);
            remove("hpp.txt");
        }

        // Webhook helpers need no client.
        CHECK(as::webhook_verify("s3cret", "s3cret"));
        CHECK(!as::webhook_verify("s3cret", "other"));
        std::string ev = as::webhook_parse_event("{\"EventId\":\"e1\",\"EventType\":\"webhook.test\",\"Data\":{}}",
                                                 std::string("s3cret"), std::string("s3cret"));
        CHECK(ev.find("webhook.test") != std::string::npos);
        as::Error forged = expect_error(
            [&] { as::webhook_parse_event("{}", std::string("forged"), std::string("s3cret")); });
        CHECK(forged.kind() == APST_UNAUTHORIZED);

        client.project_set_state(project, "Completed");
        client.project_delete(project);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
        apst_test_failures++;
    }
    return apst_test_finish("test_hpp");
}
