// wallet.get, wallet.topup and wallet.withdraw: the prepaid balance sends are
// charged from when wallet.enabled is on (charges happen in the send
// transaction, store side). Every amount goes out with the currency its ledger
// row keeps, not with sms.currency now.
#include <spdlog/spdlog.h>

#include "daemon/api/amount.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/settings_cache.hpp"
#include "daemon/core/views.hpp"
#include "daemon/policy/cost.hpp"
#include "daemon/service/service_impl.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::service {

std::string_view wallet_currency(const store::Wallet& wallet, std::string_view currency_now) {
    return wallet.balance != 0 && !wallet.currency.empty() ? std::string_view(wallet.currency)
                                                           : currency_now;
}

std::string wallet_text(const store::Wallet& wallet, std::string_view currency_now) {
    return policy::format_money(wallet.balance, wallet_currency(wallet, currency_now));
}

namespace {

json ledger_json(const store::LedgerEntry& e) {
    // Signed as its micro-unit twin is, `direction` saying it in words.
    json j = core::money_json(e.amount, e.currency, "amount");
    j.update({{"id", e.id},
              {"at", core::format_time(e.at)},
              {"direction", e.amount < 0 ? "charge" : "credit"},
              {"balance_after", policy::format_decimal(e.balance_after < 0 ? 0 : e.balance_after)},
              {"balance_after_micros", e.balance_after},
              {"reason", e.reason},
              {"message_id", e.message_id ? json(*e.message_id) : json(nullptr)},
              {"uid", e.uid ? json(*e.uid) : json(nullptr)}});
    return j;
}

// The wallet stops at store::max_balance, the largest amount the protocol
// writes, so a balance never wraps around the int64 range; the caller learns
// the largest top-up that still fits.
static_assert(store::max_balance == api::max_amount_micros);

api::Error over_max_balance(std::int64_t amount, std::int64_t balance, std::string_view currency) {
    const std::int64_t room = balance >= store::max_balance ? 0 : store::max_balance - balance;
    const std::string limit = "the wallet holds at most " +
                              policy::format_money(store::max_balance, currency) + " and has " +
                              policy::format_money(balance, currency);
    return make_error(api::ErrorCode::bad_request,
                      "amount: expected at most " + policy::format_decimal(room) + " (" + limit +
                          "), found " + policy::format_decimal(amount) + "; nothing was added",
                      "amount");
}

api::Error beyond_balance(std::int64_t amount, std::int64_t balance, std::string_view currency) {
    return make_error(api::ErrorCode::bad_request,
                      "amount: expected at most " + policy::format_decimal(balance) +
                          " (the wallet holds " + policy::format_money(balance, currency) +
                          "), found " + policy::format_decimal(amount) + "; nothing was taken",
                      "amount");
}

}  // namespace

HandlerResult Service::Impl::wallet_get(const api::WalletGetParams& p) {
    const auto& settings = deps.settings.get();
    const store::Wallet wallet = deps.store.wallet();
    const std::int64_t balance = wallet.balance;
    const std::string_view currency = wallet_currency(wallet, settings.currency);
    std::vector<store::LedgerEntry> rows;
    if (p.ledger_limit > 0) rows = deps.store.ledger(p.before_id, static_cast<int>(p.ledger_limit));
    json r = page("ledger", rows, p.ledger_limit, ledger_json);
    r.update({{"enabled", settings.wallet_enabled},
              {"balance", policy::format_decimal(balance < 0 ? 0 : balance)},
              {"balance_micros", balance},
              {"currency", currency},
              {"display", policy::format_money(balance, currency)}});
    return r;
}

HandlerResult Service::Impl::wallet_topup(const api::WalletTopupParams& p,
                                          const CallerInfo& caller) {
    return adjust_wallet(p.amount.micros, p.reason, caller);
}

HandlerResult Service::Impl::wallet_withdraw(const api::WalletWithdrawParams& p,
                                             const CallerInfo& caller) {
    return adjust_wallet(-p.amount.micros, p.reason, caller);
}

HandlerResult Service::Impl::adjust_wallet(std::int64_t amount,
                                           const std::optional<std::string>& reason,
                                           const CallerInfo& caller) {
    // In sms.currency: the wallet's own while it holds anything (store side).
    const std::string& currency = deps.settings.get().currency;
    const bool credit = amount > 0;
    const std::int64_t magnitude = credit ? amount : -amount;
    const std::string why =
        reason.value_or((credit ? "top-up by " : "withdrawal by ") + caller.user);
    const auto uid = static_cast<std::int64_t>(caller.uid);
    const store::LedgerResult done =
        credit ? deps.store.top_up(magnitude, currency, uid, why, core::now())
               : deps.store.withdraw(magnitude, currency, uid, why, core::now());
    if (!done.ok)
        return unexpected(credit ? over_max_balance(magnitude, done.balance, currency)
                                 : beyond_balance(magnitude, done.balance, currency));
    spdlog::info("wallet: {} {} by {} (uid {}): balance {}",
                 policy::format_money(magnitude, currency), credit ? "topped up" : "withdrawn",
                 caller.user, caller.uid, policy::format_money(done.balance, currency));
    std::int64_t ledger_id = 0;
    if (auto newest = deps.store.ledger(std::nullopt, 1); !newest.empty()) ledger_id = newest[0].id;
    return json{{"balance", policy::format_decimal(done.balance)},
                {"balance_micros", done.balance},
                {"currency", currency},
                {"ledger_id", ledger_id}};
}

}  // namespace smsgw::service
