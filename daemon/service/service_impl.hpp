// Internal to smsgw_service: the state the op handlers share and the handlers
// themselves, one file per group of ops (send_ops, read_ops, admin_ops).
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/api/error.hpp"
#include "daemon/service/failure_log.hpp"
#include "daemon/service/modem_directory.hpp"
#include "daemon/service/service.hpp"
#include "daemon/service/submit_queue.hpp"
#include "daemon/store/types.hpp"
#include "pdu/expected.hpp"

namespace smsgw::service {

using nlohmann::json;
using server::CallerInfo;
using server::HandlerResult;

inline api::Error make_error(api::ErrorCode code, std::string message, std::string field = {}) {
    return api::Error{code, std::move(message), std::move(field)};
}

// limits.submit_rate_per_minute per connection: a token bucket that refills
// continuously and holds at most one minute's worth.
class SubmitRate {
  public:
    bool take(std::uint64_t connection, std::int64_t count, int per_minute,
              std::chrono::steady_clock::time_point now);

  private:
    struct Bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point at;
    };
    std::unordered_map<std::uint64_t, Bucket> buckets_;
    std::chrono::steady_clock::time_point last_sweep_{};
};

// The wallet's balance as people read it, "1.95 EUR": in the currency its
// ledger keeps it in, or in `currency_now` (sms.currency) while it is empty,
// since the next top-up will be in that one.
std::string_view wallet_currency(const store::Wallet& wallet, std::string_view currency_now);
std::string wallet_text(const store::Wallet& wallet, std::string_view currency_now);

// A keyset page: {name: [render(row)…], next_before_id}, where next_before_id
// is the last row's id when the page is full (there may be more) and null
// otherwise. Rows are newest first, as the store returns them.
template <typename Row, typename Render>
json page(std::string_view name, const std::vector<Row>& rows, std::int64_t limit,
          Render render) {
    json items = json::array();
    for (const auto& r : rows) items.push_back(render(r));
    json next = nullptr;
    if (!rows.empty() && static_cast<std::int64_t>(rows.size()) == limit) next = rows.back().id;
    return json{{name, std::move(items)}, {"next_before_id", std::move(next)}};
}

struct Service::Impl {
    Impl(ServiceDeps d, std::shared_ptr<const config::Config> c)
        : deps(d), config(std::move(c)), submits(d.io, d.store) {}

    ServiceDeps deps;
    std::shared_ptr<const config::Config> config;
    SubmitQueue submits;
    SubmitRate rate;
    bool accepting = true;
    // Queued messages as last counted plus what was accepted since: an upper
    // bound, recounted only near limits.max_queue (a count over a million rows
    // takes ~50 ms): the `overloaded` guard.
    std::int64_t queue_estimate = 0;
    std::chrono::steady_clock::time_point queue_counted_at{};
    // Requests the database failed, logged once per kind per minute (handle()
    // runs on the daemon's thread only).
    FailureLog failures;

    // send_ops.cpp
    awaitable<HandlerResult> send(const api::SendParams& p, const CallerInfo& caller);
    awaitable<HandlerResult> send_batch(const api::SendBatchParams& p, const CallerInfo& caller);
    HandlerResult preview(const api::PreviewParams& p);
    // read_ops.cpp
    HandlerResult message_get(const api::MessageGetParams& p);
    HandlerResult message_list(const api::MessageListParams& p);
    HandlerResult message_cancel(const api::MessageCancelParams& p, const CallerInfo& caller);
    HandlerResult inbound_list(const api::InboundListParams& p);
    // admin_ops.cpp
    HandlerResult optout_list(const api::OptoutListParams& p);
    HandlerResult optout_add(const api::OptoutAddParams& p, const CallerInfo& caller);
    HandlerResult optout_remove(const api::OptoutRemoveParams& p, const CallerInfo& caller);
    HandlerResult settings_get(const api::SettingsGetParams& p);
    HandlerResult settings_set(const api::SettingsSetParams& p, const CallerInfo& caller);
    HandlerResult modem_list();
    // wallet_ops.cpp
    HandlerResult wallet_get(const api::WalletGetParams& p);
    HandlerResult wallet_topup(const api::WalletTopupParams& p, const CallerInfo& caller);
    HandlerResult wallet_withdraw(const api::WalletWithdrawParams& p, const CallerInfo& caller);
    // A top-up (amount > 0) or a withdrawal (< 0) by an admin, in sms.currency.
    HandlerResult adjust_wallet(std::int64_t amount, const std::optional<std::string>& reason,
                                const CallerInfo& caller);

    // A number parameter (`field`) in the store's form, read as a send's `to`
    // is; invalid_number with the reason when it is no valid number.
    Expected<std::string, api::Error> number_param(const std::string& input,
                                                   std::string_view field) const;
    // An originator as the inbound pipeline stores it (E.164, a short code,
    // a name trimmed, or digits without their layout): what inbound senders
    // and keyword opt-outs are kept under.
    std::string sender_address(const std::string& input) const;
};

}  // namespace smsgw::service
