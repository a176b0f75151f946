// wallet.get and wallet.topup: the prepaid balance sends are charged from when
// wallet.enabled is on (charges happen in the send transaction, store side).
#include <spdlog/spdlog.h>

#include "daemon/api/amount.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/settings_cache.hpp"
#include "daemon/core/views.hpp"
#include "daemon/policy/cost.hpp"
#include "daemon/service/service_impl.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::service {

namespace {

json ledger_json(const store::LedgerEntry& e) {
    return {{"id", e.id},
            {"at", core::format_time(e.at)},
            // Signed as its micro-unit twin is, `direction` saying it in words.
            {"amount", policy::format_decimal(e.amount)},
            {"direction", e.amount < 0 ? "charge" : "credit"},
            {"amount_micros", e.amount},
            {"balance_after", policy::format_decimal(e.balance_after < 0 ? 0 : e.balance_after)},
            {"balance_after_micros", e.balance_after},
            {"reason", e.reason},
            {"message_id", e.message_id ? json(*e.message_id) : json(nullptr)},
            {"uid", e.uid ? json(*e.uid) : json(nullptr)}};
}

// The wallet stops at store::max_balance, the largest amount the protocol
// writes, so a balance never wraps around the int64 range; the caller learns
// the largest top-up that still fits.
static_assert(store::max_balance == api::max_amount_micros);

api::Error over_max_balance(std::int64_t amount, std::int64_t balance,
                            const policy::Settings& settings) {
    const std::int64_t room = balance >= store::max_balance ? 0 : store::max_balance - balance;
    const std::string limit = "the wallet holds at most " +
                              policy::format_money(store::max_balance, settings.currency) +
                              " and has " + policy::format_money(balance, settings.currency);
    return make_error(api::ErrorCode::bad_request,
                      "amount: expected at most " + policy::format_decimal(room) + " (" + limit +
                          "), found " + policy::format_decimal(amount) + "; nothing was added",
                      "amount");
}

}  // namespace

HandlerResult Service::Impl::wallet_get(const api::WalletGetParams& p) {
    const auto& settings = deps.settings.get();
    const std::int64_t balance = deps.store.balance();
    std::vector<store::LedgerEntry> rows;
    if (p.ledger_limit > 0) rows = deps.store.ledger(p.before_id, static_cast<int>(p.ledger_limit));
    json r = page("ledger", rows, p.ledger_limit, ledger_json);
    r.update({{"enabled", settings.wallet_enabled},
              {"balance", policy::format_decimal(balance < 0 ? 0 : balance)},
              {"balance_micros", balance},
              {"currency", settings.currency},
              {"display", policy::format_money(balance, settings.currency)}});
    return r;
}

HandlerResult Service::Impl::wallet_topup(const api::WalletTopupParams& p,
                                          const CallerInfo& caller) {
    const auto& settings = deps.settings.get();
    const std::string reason = p.reason.value_or("top-up by " + caller.user);
    const store::LedgerResult topped = deps.store.top_up(
        p.amount.micros, static_cast<std::int64_t>(caller.uid), reason, core::now());
    if (!topped.ok) return unexpected(over_max_balance(p.amount.micros, topped.balance, settings));
    const std::int64_t balance = topped.balance;
    spdlog::info("wallet topped up by {} ({} uid {}): balance {}",
                 policy::format_money(p.amount.micros, settings.currency), caller.user, caller.uid,
                 policy::format_money(balance, settings.currency));
    std::int64_t ledger_id = 0;
    if (auto newest = deps.store.ledger(std::nullopt, 1); !newest.empty()) ledger_id = newest[0].id;
    return json{{"balance", policy::format_decimal(balance)},
                {"balance_micros", balance},
                {"currency", settings.currency},
                {"ledger_id", ledger_id}};
}

}  // namespace smsgw::service
