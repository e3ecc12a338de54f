// approvalstudio.hpp: header-only C++17 RAII wrapper of libapprovalstudio (approvalstudio.h).
//
// - Handles are std::unique_ptr with deleters (ClientPtr, ErrorPtr, ...); nothing to free by
//   hand.
// - Every failure throws approvalstudio::Error, carrying the result code (kind), the HTTP
//   status, the message, retry-after, trace id and field errors (JSON).
// - Records are JSON text (std::string) in the API's field names, as in the C API; parse them
//   with the JSON library of your choice.
// - A Client may be used from many threads at once. Progress callbacks run on the calling
//   thread; an exception thrown by one cancels the transfer and is rethrown to the caller.
// - A CancelToken cancels, from any thread, the calls of the Clients made with
//   `client.with_cancel_token(token)`: they throw Error with kind() == APST_CANCELLED.
#ifndef APPROVALSTUDIO_HPP
#define APPROVALSTUDIO_HPP

#include "approvalstudio.h"

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace approvalstudio {

struct ErrorDeleter {
    void operator()(apst_error *e) const noexcept { apst_error_free(e); }
};
struct StringDeleter {
    void operator()(char *s) const noexcept { apst_string_free(s); }
};
struct ClientDeleter {
    void operator()(apst_client *c) const noexcept { apst_client_free(c); }
};
struct BuilderDeleter {
    void operator()(apst_client_builder *b) const noexcept { apst_client_builder_free(b); }
};
struct DeduplicatorDeleter {
    void operator()(apst_webhook_deduplicator *d) const noexcept {
        apst_webhook_deduplicator_free(d);
    }
};
using ErrorPtr = std::unique_ptr<apst_error, ErrorDeleter>;
using StringPtr = std::unique_ptr<char, StringDeleter>;
using ClientPtr = std::unique_ptr<apst_client, ClientDeleter>;
using BuilderPtr = std::unique_ptr<apst_client_builder, BuilderDeleter>;
using DeduplicatorPtr = std::unique_ptr<apst_webhook_deduplicator, DeduplicatorDeleter>;
struct CancelTokenDeleter {
    void operator()(apst_cancel_token *t) const noexcept { apst_cancel_token_free(t); }
};
using CancelTokenPtr = std::unique_ptr<apst_cancel_token, CancelTokenDeleter>;

/// A failed call: `kind()` is the apst_result, plus the details of the C error.
class Error : public std::runtime_error {
public:
    Error(apst_result kind, const apst_error *e)
        : std::runtime_error(e ? apst_error_message(e) : apst_result_str(static_cast<int>(kind))),
          kind_(kind),
          status_(e ? apst_error_status(e) : 0),
          retry_after_ms_(e ? apst_error_retry_after_ms(e) : -1),
          trace_id_(e && apst_error_trace_id(e) ? apst_error_trace_id(e) : ""),
          fields_json_(e ? apst_error_fields_json(e) : "{}"),
          applied_(e ? apst_error_applied(e) : false),
          created_uid_(e && apst_error_created_uid(e) ? apst_error_created_uid(e) : "") {}

    apst_result kind() const noexcept { return kind_; }
    const char *kind_name() const noexcept { return apst_result_str(static_cast<int>(kind_)); }
    int status() const noexcept { return status_; }
    std::string message() const { return what(); }
    int64_t retry_after_ms() const noexcept { return retry_after_ms_; }
    const std::string &trace_id() const noexcept { return trace_id_; }
    /// `{"field": ["message", ...], ...}`.
    const std::string &fields_json() const noexcept { return fields_json_; }
    /// The effect was applied although the call failed (apst_error_applied): don't repeat it.
    bool applied() const noexcept { return applied_; }
    /// With applied(): the UID of what the call created, or "" (apst_error_created_uid).
    const std::string &created_uid() const noexcept { return created_uid_; }

private:
    apst_result kind_;
    int status_;
    int64_t retry_after_ms_;
    std::string trace_id_;
    std::string fields_json_;
    bool applied_;
    std::string created_uid_;
};

namespace detail {
inline void check(apst_result r, apst_error *raw) {
    ErrorPtr e(raw);
    if (r != APST_OK) throw Error(r, e.get());
}
inline std::string take(char *raw) {
    StringPtr s(raw);
    return s ? std::string(s.get()) : std::string();
}
inline const char *opt(const std::optional<std::string> &s) noexcept {
    return s ? s->c_str() : nullptr;
}

/// Carries a std::function progress callback through the C callback; exceptions stop at
/// the C boundary and are rethrown after the call.
struct Progress {
    std::function<bool(const apst_progress &)> fn;
    std::exception_ptr error;

    static int trampoline(void *userdata, const apst_progress *p) noexcept {
        auto *self = static_cast<Progress *>(userdata);
        try {
            return self->fn(*p) ? 0 : 1;
        } catch (...) {
            self->error = std::current_exception();
            return 1;
        }
    }
    apst_progress_callback cb() const noexcept { return fn ? &Progress::trampoline : nullptr; }
    void *ud() noexcept { return fn ? this : nullptr; }
    void check(apst_result r, apst_error *raw) {
        ErrorPtr e(raw);
        if (error) std::rethrow_exception(error);
        if (r != APST_OK) throw Error(r, e.get());
    }
};
}  // namespace detail

/// Called with transfer progress; return false to cancel.
using ProgressFn = std::function<bool(const apst_progress &)>;

/// A cancellation token (apst_cancel_token): `cancel()` from any thread (a Cancel button, a
/// signal handler) makes the calls of every Client made with `Client::with_cancel_token`
/// throw Error(APST_CANCELLED) within about 100 ms, also while the server stalls; `reset()`
/// re-arms it for the next operation. Move-only.
class CancelToken {
public:
    CancelToken() {
        apst_error *e = nullptr;
        apst_cancel_token *t = nullptr;
        const apst_result r = apst_cancel_token_new(&t, &e);
        t_.reset(t);
        detail::check(r, e);
    }
    void cancel() const noexcept { apst_cancel_token_cancel(t_.get()); }
    bool is_cancelled() const noexcept { return apst_cancel_token_is_cancelled(t_.get()); }
    void reset() const noexcept { apst_cancel_token_reset(t_.get()); }
    const apst_cancel_token *raw() const noexcept { return t_.get(); }

private:
    CancelTokenPtr t_;
};

class Client;

/// Builds a Client (see apst_client_builder_*).
class ClientBuilder {
public:
    ClientBuilder() : b_(apst_client_builder_new()) {
        if (!b_) throw Error(APST_SHUT_DOWN, nullptr);
    }
    ClientBuilder &base_url(const std::string &url) {
        apst_error *e = nullptr;
        const apst_result r = apst_client_builder_set_base_url(b_.get(), url.c_str(), &e);
        detail::check(r, e);
        return *this;
    }
    ClientBuilder &credentials(const std::string &user, const std::string &password) {
        apst_error *e = nullptr;
        const apst_result r =
            apst_client_builder_set_credentials(b_.get(), user.c_str(), password.c_str(), &e);
        detail::check(r, e);
        return *this;
    }
    ClientBuilder &token(const std::string &token) {
        apst_error *e = nullptr;
        const apst_result r = apst_client_builder_set_token(b_.get(), token.c_str(), &e);
        detail::check(r, e);
        return *this;
    }
    ClientBuilder &user_agent(const std::string &ua) {
        apst_error *e = nullptr;
        const apst_result r = apst_client_builder_set_user_agent(b_.get(), ua.c_str(), &e);
        detail::check(r, e);
        return *this;
    }
    ClientBuilder &connect_timeout_ms(uint64_t ms) {
        apst_error *e = nullptr;
        const apst_result r = apst_client_builder_set_connect_timeout_ms(b_.get(), ms, &e);
        detail::check(r, e);
        return *this;
    }
    ClientBuilder &read_timeout_ms(uint64_t ms) {
        apst_error *e = nullptr;
        const apst_result r = apst_client_builder_set_read_timeout_ms(b_.get(), ms, &e);
        detail::check(r, e);
        return *this;
    }
    ClientBuilder &max_attempts(uint32_t n) {
        apst_error *e = nullptr;
        const apst_result r = apst_client_builder_set_max_attempts(b_.get(), n, &e);
        detail::check(r, e);
        return *this;
    }
    ClientBuilder &retry_deadline_ms(uint64_t ms) {
        apst_error *e = nullptr;
        const apst_result r = apst_client_builder_set_retry_deadline_ms(b_.get(), ms, &e);
        detail::check(r, e);
        return *this;
    }
    inline Client build();

private:
    BuilderPtr b_;
};

/// A connection to the API; thread-safe. Methods mirror the C functions apst_<resource>_<verb>.
class Client {
public:
    explicit Client(ClientPtr c) : c_(std::move(c)) {}
    static ClientBuilder builder() { return ClientBuilder(); }
    apst_client *raw() const noexcept { return c_.get(); }

    /// A Client sharing this one's connection pool, token and settings whose calls `token`
    /// cancels (apst_client_with_cancel_token); this Client's own calls are not affected.
    /// Either may be destroyed first, and the token too.
    Client with_cancel_token(const CancelToken &token) const {
        apst_error *e = nullptr;
        apst_client *c = nullptr;
        const apst_result r = apst_client_with_cancel_token(raw(), token.raw(), &c, &e);
        ClientPtr owned(c);
        detail::check(r, e);
        return Client(std::move(owned));
    }

    void login() const { call([&](apst_error **e) { return apst_client_login(raw(), e); }); }
    bool validate_token() const {
        bool ok = false;
        call([&](apst_error **e) { return apst_client_validate_token(raw(), &ok, e); });
        return ok;
    }

    // Users
    std::string user_list() const { return json([&](char **o, apst_error **e) { return apst_user_list(raw(), o, e); }); }
    std::string user_logged_in() const { return json([&](char **o, apst_error **e) { return apst_user_logged_in(raw(), o, e); }); }
    std::string user_logged_in_uid() const { return json([&](char **o, apst_error **e) { return apst_user_logged_in_uid(raw(), o, e); }); }

    // Projects
    std::string project_list(const std::optional<std::string> &query_json = std::nullopt) const {
        return json([&](char **o, apst_error **e) { return apst_project_list(raw(), detail::opt(query_json), o, e); });
    }
    std::string project_get(const std::string &uid) const {
        return json([&](char **o, apst_error **e) { return apst_project_get(raw(), uid.c_str(), o, e); });
    }
    std::string project_create(const std::string &params_json) const {
        return json([&](char **o, apst_error **e) { return apst_project_create(raw(), params_json.c_str(), o, e); });
    }
    /// Creates a project owned by `owner_uid` (default: the logged-in user); returns its UID.
    std::string project_create_named(const std::string &name,
                                     const std::optional<std::string> &owner_uid = std::nullopt) const {
        return json([&](char **o, apst_error **e) {
            return apst_project_create_named(raw(), name.c_str(), detail::opt(owner_uid), o, e);
        });
    }
    std::string project_update(const std::string &params_json) const {
        return json([&](char **o, apst_error **e) { return apst_project_update(raw(), params_json.c_str(), o, e); });
    }
    void project_delete(const std::string &uid) const {
        call([&](apst_error **e) { return apst_project_delete(raw(), uid.c_str(), e); });
    }
    void project_set_state(const std::string &uid, const std::string &state) const {
        call([&](apst_error **e) { return apst_project_set_state(raw(), uid.c_str(), state.c_str(), e); });
    }
    std::string project_get_state(const std::string &uid) const {
        return json([&](char **o, apst_error **e) { return apst_project_get_state(raw(), uid.c_str(), o, e); });
    }
    std::string project_proof_report(const std::string &uid) const {
        return json([&](char **o, apst_error **e) { return apst_project_proof_report(raw(), uid.c_str(), o, e); });
    }
    std::string project_meta_list(const std::string &uid) const {
        return json([&](char **o, apst_error **e) { return apst_project_meta_list(raw(), uid.c_str(), o, e); });
    }
    void project_meta_set(const std::string &uid, const std::string &key, const std::string &value) const {
        call([&](apst_error **e) { return apst_project_meta_set(raw(), uid.c_str(), key.c_str(), value.c_str(), e); });
    }
    void project_meta_delete(const std::string &uid, const std::string &key) const {
        call([&](apst_error **e) { return apst_project_meta_delete(raw(), uid.c_str(), key.c_str(), e); });
    }

    // Assets
    std::string asset_upload(const std::string &project_uid, const std::string &path,
                             ProgressFn progress = {},
                             const std::optional<std::string> &task_uid = std::nullopt,
                             const std::optional<std::string> &file_name = std::nullopt) const {
        detail::Progress p{std::move(progress), nullptr};
        apst_error *e = nullptr;
        char *out = nullptr;
        apst_result r = apst_asset_upload(raw(), project_uid.c_str(), detail::opt(task_uid), path.c_str(),
                                          detail::opt(file_name), p.cb(), p.ud(), &out, &e);
        StringPtr s(out);
        p.check(r, e);
        return std::string(s.get());
    }
    std::string asset_wait_processed(const std::string &uid, uint64_t timeout_ms) const {
        return json([&](char **o, apst_error **e) { return apst_asset_wait_processed(raw(), uid.c_str(), timeout_ms, o, e); });
    }
    std::string asset_get(const std::string &uid) const {
        return json([&](char **o, apst_error **e) { return apst_asset_get(raw(), uid.c_str(), o, e); });
    }
    void asset_delete(const std::string &uid) const {
        call([&](apst_error **e) { return apst_asset_delete(raw(), uid.c_str(), e); });
    }
    std::string asset_download(const std::string &uid, const std::string &target, ProgressFn progress = {}) const {
        detail::Progress p{std::move(progress), nullptr};
        apst_error *e = nullptr;
        char *out = nullptr;
        apst_result r = apst_asset_download(raw(), uid.c_str(), target.c_str(), p.cb(), p.ud(), &out, &e);
        StringPtr s(out);
        p.check(r, e);
        return std::string(s.get());
    }
    std::string asset_proof_report(const std::string &uid) const {
        return json([&](char **o, apst_error **e) { return apst_asset_proof_report(raw(), uid.c_str(), o, e); });
    }

    // Tasks
    std::string task_list(const std::optional<std::string> &types = std::nullopt) const {
        return json([&](char **o, apst_error **e) { return apst_task_list(raw(), detail::opt(types), o, e); });
    }
    std::string task_get(const std::string &uid) const {
        return json([&](char **o, apst_error **e) { return apst_task_get(raw(), uid.c_str(), o, e); });
    }
    std::string task_review_asset(const std::string &params_json) const {
        return json([&](char **o, apst_error **e) { return apst_task_review_asset(raw(), params_json.c_str(), o, e); });
    }
    std::string task_review_asset_ext(const std::string &params_json) const {
        return json([&](char **o, apst_error **e) { return apst_task_review_asset_ext(raw(), params_json.c_str(), o, e); });
    }
    void task_complete(const std::string &uid, const std::optional<std::string> &status = std::nullopt,
                       const std::optional<std::string> &comment = std::nullopt) const {
        call([&](apst_error **e) { return apst_task_complete(raw(), uid.c_str(), detail::opt(status), detail::opt(comment), e); });
    }
    void task_delete(const std::string &uid) const {
        call([&](apst_error **e) { return apst_task_delete(raw(), uid.c_str(), e); });
    }

    // Review links
    std::string review_link_create(const std::string &project_uid, const std::string &name,
                                   const std::optional<std::string> &options_json = std::nullopt) const {
        return json([&](char **o, apst_error **e) {
            return apst_review_link_create(raw(), project_uid.c_str(), name.c_str(), detail::opt(options_json), o, e);
        });
    }
    /// Creates a review link; returns its id.
    std::string review_link_create_id(const std::string &project_uid, const std::string &name,
                                      const std::optional<std::string> &options_json = std::nullopt) const {
        return json([&](char **o, apst_error **e) {
            return apst_review_link_create_id(raw(), project_uid.c_str(), name.c_str(), detail::opt(options_json), o, e);
        });
    }
    std::string review_link_add_assets(const std::string &project_uid, const std::string &link_id,
                                       const std::string &asset_uids_json) const {
        return json([&](char **o, apst_error **e) {
            return apst_review_link_add_assets(raw(), project_uid.c_str(), link_id.c_str(), asset_uids_json.c_str(), o, e);
        });
    }
    std::string review_link_send_to(const std::string &project_uid, const std::string &link_id,
                                    const std::string &email,
                                    const std::optional<std::string> &password = std::nullopt) const {
        return json([&](char **o, apst_error **e) {
            return apst_review_link_send_to(raw(), project_uid.c_str(), link_id.c_str(), email.c_str(), detail::opt(password), o, e);
        });
    }
    std::string review_link_list(const std::string &project_uid) const {
        return json([&](char **o, apst_error **e) { return apst_review_link_list(raw(), project_uid.c_str(), o, e); });
    }

    // Webhooks
    std::string webhook_list() const { return json([&](char **o, apst_error **e) { return apst_webhook_list(raw(), o, e); }); }
    std::string webhook_create(const std::string &params_json) const {
        return json([&](char **o, apst_error **e) { return apst_webhook_create(raw(), params_json.c_str(), o, e); });
    }
    void webhook_delete(const std::string &uid) const {
        call([&](apst_error **e) { return apst_webhook_delete(raw(), uid.c_str(), e); });
    }

    /// Any C function of the form f(..., apst_error **): throws on failure.
    template <class F>
    static void call(F &&f) {
        apst_error *e = nullptr;
        const apst_result r = f(&e);
        detail::check(r, e);
    }
    /// Any C function of the form f(..., char **out, apst_error **): returns *out.
    template <class F>
    static std::string json(F &&f) {
        apst_error *e = nullptr;
        char *out = nullptr;
        apst_result r = f(&out, &e);
        StringPtr s(out);
        detail::check(r, e);
        return s ? std::string(s.get()) : std::string();
    }

private:
    ClientPtr c_;
};

inline Client ClientBuilder::build() {
    apst_error *e = nullptr;
    apst_client *c = nullptr;
    apst_result r = apst_client_builder_build(b_.release(), &c, &e);  // consumes the builder
    ClientPtr owned(c);
    detail::check(r, e);
    return Client(std::move(owned));
}

/// Webhook helpers (no client needed).
inline bool webhook_verify(const std::string &secret_header, const std::string &expected_secret) {
    bool ok = false;
    Client::call([&](apst_error **e) {
        return apst_webhook_verify(secret_header.c_str(), expected_secret.c_str(), &ok, e);
    });
    return ok;
}
inline std::string webhook_parse_event(const std::string &body,
                                       const std::optional<std::string> &secret_header,
                                       const std::optional<std::string> &expected_secret) {
    return Client::json([&](char **o, apst_error **e) {
        return apst_webhook_parse_event(reinterpret_cast<const uint8_t *>(body.data()), body.size(),
                                        detail::opt(secret_header), detail::opt(expected_secret), o, e);
    });
}

/// Calls apst_shutdown() when destroyed: put one at the end of main() or in a plugin's
/// unload hook, after every Client is gone.
struct ShutdownGuard {
    ShutdownGuard() = default;
    ShutdownGuard(const ShutdownGuard &) = delete;
    ShutdownGuard &operator=(const ShutdownGuard &) = delete;
    ~ShutdownGuard() { apst_shutdown(); }
};

inline std::string version() { return apst_version(); }

}  // namespace approvalstudio

#endif  // APPROVALSTUDIO_HPP
