// A plugin-style program in C++17 with the RAII wrapper: upload a file to a new project,
// wait until it is processed, send it for external review and print the short URL.
//
//   upload_for_review_cpp FILE [RECIPIENT_EMAIL]
//
// Connects to APPROVALSTUDIO_URL with APPROVALSTUDIO_USERNAME / APPROVALSTUDIO_PASSWORD.
// Linked statically (approvalstudio::static): the binary needs no libapprovalstudio.so.
#include <approvalstudio.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace as = approvalstudio;

int main(int argc, char **argv) {
    const char *url = std::getenv("APPROVALSTUDIO_URL");
    const char *user = std::getenv("APPROVALSTUDIO_USERNAME");
    const char *password = std::getenv("APPROVALSTUDIO_PASSWORD");
    if (argc < 2 || !user || !password) {
        std::cerr << "usage: " << argv[0] << " FILE [RECIPIENT_EMAIL]\n";
        return 2;
    }
    as::ShutdownGuard shutdown;  // apst_shutdown() after everything below is gone
    try {
        auto builder = as::Client::builder();
        if (url) builder.base_url(url);
        as::Client client = builder.credentials(user, password).user_agent("upload-for-review-example-cpp/1.0").build();

        const std::string project = client.project_create_named("Plugin upload (C++)");
        const std::string asset = client.asset_upload(project, argv[1], [](const apst_progress &p) {
            if (p.total_known && p.bytes_total) std::cerr << "\ruploading: " << p.bytes_done * 100 / p.bytes_total << "%";
            return true;  // false cancels
        });
        std::cerr << "\n";
        client.asset_wait_processed(asset, 120000);
        const std::string link = client.review_link_create_id(project, "External review");
        client.review_link_add_assets(project, link, "[\"" + asset + "\"]");
        std::cout << client.review_link_send_to(project, link, argc > 2 ? argv[2] : "reviewer@example.com") << "\n";
        return 0;
    } catch (const as::Error &e) {
        std::cerr << "failed (" << e.kind_name() << ", HTTP " << e.status() << "): " << e.what() << "\n";
        return 1;
    }
}
