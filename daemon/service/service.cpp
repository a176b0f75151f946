#include "daemon/service/service.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "daemon/service/service_impl.hpp"
#include "daemon/store/error.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::service {

Service::Service(ServiceDeps deps, std::shared_ptr<const config::Config> config)
    : impl_(std::make_unique<Impl>(deps, std::move(config))) {}

Service::~Service() = default;

void Service::set_config(std::shared_ptr<const config::Config> config) {
    impl_->config = std::move(config);
}

void Service::stop_accepting() {
    impl_->accepting = false;
}

SubmitStats Service::submit_stats() const {
    return impl_->submits.stats();
}

awaitable<server::HandlerResult> Service::handle(const api::Request& request,
                                                 const server::CallerInfo& caller) {
    // A database failure is the operator's to fix, and the client's answer
    // says what happened to its request rather than only "internal".
    std::optional<store::StoreError> failed;
    try {
        co_return co_await answer(request, caller);
    } catch (const store::StoreError& e) {
        failed = e;
    }
    const std::string why = store::explain(*failed, impl_->deps.store.path());
    const std::string what = std::string(api::to_string(request.op())) + " failed: " + why;
    if (const auto line = impl_->failures.line(what, FailureLog::Clock::now()))
        spdlog::error("{}", *line);
    if (store::is_transient(*failed))
        co_return unexpected(make_error(api::ErrorCode::overloaded,
                                        "the database is busy (locked by another process); "
                                        "nothing was changed: try again"));
    co_return unexpected(make_error(api::ErrorCode::internal,
                                    "the database failed (" + store::reason(*failed) +
                                        "), so nothing was stored or changed; the daemon's log "
                                        "says what to do"));
}

awaitable<server::HandlerResult> Service::answer(const api::Request& request,
                                                 const server::CallerInfo& caller) {
    Impl& s = *impl_;
    // The config in force when the request arrived stays alive until it is
    // answered, even if SIGHUP replaces it meanwhile.
    const auto config = s.config;
    switch (request.op()) {
        case api::Op::send:
            co_return co_await s.send(std::get<api::SendParams>(request.params), caller);
        case api::Op::send_batch:
            co_return co_await s.send_batch(std::get<api::SendBatchParams>(request.params), caller);
        case api::Op::preview: co_return s.preview(std::get<api::PreviewParams>(request.params));
        case api::Op::message_get:
            co_return s.message_get(std::get<api::MessageGetParams>(request.params));
        case api::Op::message_list:
            co_return s.message_list(std::get<api::MessageListParams>(request.params));
        case api::Op::message_cancel:
            co_return s.message_cancel(std::get<api::MessageCancelParams>(request.params), caller);
        case api::Op::inbound_list:
            co_return s.inbound_list(std::get<api::InboundListParams>(request.params));
        case api::Op::optout_list:
            co_return s.optout_list(std::get<api::OptoutListParams>(request.params));
        case api::Op::optout_add:
            co_return s.optout_add(std::get<api::OptoutAddParams>(request.params), caller);
        case api::Op::optout_remove:
            co_return s.optout_remove(std::get<api::OptoutRemoveParams>(request.params), caller);
        case api::Op::settings_get:
            co_return s.settings_get(std::get<api::SettingsGetParams>(request.params));
        case api::Op::settings_set:
            co_return s.settings_set(std::get<api::SettingsSetParams>(request.params), caller);
        case api::Op::modem_list: co_return s.modem_list();
        case api::Op::wallet_get:
            co_return s.wallet_get(std::get<api::WalletGetParams>(request.params));
        case api::Op::wallet_topup:
            co_return s.wallet_topup(std::get<api::WalletTopupParams>(request.params), caller);
        case api::Op::wallet_withdraw:
            co_return s.wallet_withdraw(std::get<api::WalletWithdrawParams>(request.params),
                                        caller);
        case api::Op::hello:
        case api::Op::subscribe: break;  // the server answers these
    }
    co_return unexpected(make_error(api::ErrorCode::internal,
                                    "op " + std::string(api::to_string(request.op())) +
                                        " reached the service; the server answers it itself"));
}

}  // namespace smsgw::service
