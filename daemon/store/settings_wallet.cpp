// Run-time settings (JSON values, who changed them and when) and the wallet,
// which is its ledger: the balance is the last row's balance_after, a CHECK
// keeps it from going below zero, and every change is a row. Each row keeps
// its currency; a balance never adds one currency to another (see Wallet).
#include "daemon/store/sqlite.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::store {

std::optional<Setting> Store::get_setting(std::string_view key) {
    Statement st =
        db_->prepare("SELECT key, value, updated_at, updated_by FROM settings WHERE key = ?");
    st.bind(1, key);
    if (!st.step()) return std::nullopt;
    return Setting{st.text(0), st.text(1), from_millis(st.int64(2)), st.optional_int64(3)};
}

void Store::set_setting(std::string_view key, std::string_view json_value,
                        std::optional<std::int64_t> uid, Time at) {
    Transaction tx(*db_);
    std::optional<std::string> old;
    {
        Statement st = db_->prepare("SELECT value FROM settings WHERE key = ?");
        st.bind(1, key);
        if (st.step()) old = st.text(0);
    }
    {
        Statement st = db_->prepare(
            "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?1, json(?2), ?3, "
            "?4) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = "
            "excluded.updated_at, "
            "updated_by = excluded.updated_by");
        st.bind_all(key, json_value, to_millis(at), uid).run();
    }
    Statement st = db_->prepare(
        "INSERT INTO settings_changes (key, old_value, new_value, at, uid) VALUES (?, ?, json(?), "
        "?, ?)");
    st.bind_all(key, old, json_value, to_millis(at), uid).run();
    tx.commit();
}

std::vector<Setting> Store::all_settings() {
    Statement st =
        db_->prepare("SELECT key, value, updated_at, updated_by FROM settings ORDER BY key");
    std::vector<Setting> out;
    while (st.step())
        out.push_back({st.text(0), st.text(1), from_millis(st.int64(2)), st.optional_int64(3)});
    return out;
}

std::optional<CurrencyHold> Store::change_currency(std::string_view json_value,
                                                   std::optional<std::int64_t> uid, Time at) {
    Transaction tx(*db_);
    CurrencyHold hold;
    hold.wallet = wallet();
    if (hold.wallet.balance == 0) {
        // Only a part still queued or sending may end unsent and be refunded:
        // parts_queue's two ranges, each message looked up in the ledger by
        // wallet_ledger_message. An admin's rare request; the scan is the
        // queue's length at most.
        Statement st = db_->prepare(
            "SELECT count(DISTINCT p.message_id), min(p.message_id) FROM parts p "
            "WHERE p.state IN ('queued', 'sending') AND EXISTS (SELECT 1 FROM wallet_ledger l "
            "WHERE l.message_id = p.message_id AND l.reason = 'send')");
        if (st.step()) {
            hold.open_charges = st.int64(0);
            hold.first_open_charge = st.optional_int64(1);
        }
    }
    if (hold.wallet.balance != 0 || hold.open_charges > 0) return hold;
    set_setting("sms.currency", json_value, uid, at);
    tx.commit();
    return std::nullopt;
}

Wallet Store::wallet() {
    // max(id) is one b-tree descent; the row it names holds the balance.
    Statement st = db_->prepare(
        "SELECT balance_after, currency FROM wallet_ledger WHERE id = (SELECT max(id) FROM "
        "wallet_ledger)");
    if (!st.step()) return {};
    return {st.int64(0), st.text(1)};
}

std::int64_t Store::balance() {
    return wallet().balance;
}

std::optional<std::int64_t> Store::apply_ledger(const Wallet& before, std::int64_t amount,
                                                std::string_view currency,
                                                std::string_view reason,
                                                std::optional<std::int64_t> message_id,
                                                std::optional<std::int64_t> uid, Time at) {
    // A sum of amounts in two currencies is no amount at all. sms.currency
    // changes only while the wallet is empty and no charge may be refunded,
    // so only a message priced before a change and charged after it gets
    // here (refused, as one the wallet cannot pay).
    if (before.balance != 0 && before.currency != currency) return std::nullopt;
    std::int64_t after = 0;
    // Top-ups stop at max_balance and charges take away, so only refunds
    // beyond 8 * 10^18 micro-units could get here; a wrapped sum would be a
    // wrong balance on every later row, so the change is refused whole.
    if (__builtin_add_overflow(before.balance, amount, &after))
        throw StoreError("wallet: " + std::string(reason) + " of " + std::to_string(amount) +
                         " micro-units would take the balance beyond the int64 range");
    if (after < 0) return std::nullopt;
    Statement st = db_->prepare(
        "INSERT INTO wallet_ledger (at, amount, balance_after, reason, message_id, uid, currency) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    st.bind_all(to_millis(at), amount, after, reason, message_id, uid, currency).run();
    return after;
}

void Store::refund_unsent(std::int64_t message_id, State after, Time at) {
    if (after != State::failed && after != State::expired && after != State::cancelled) return;
    std::int64_t charged = 0;
    std::int64_t refunded = 0;
    std::optional<std::int64_t> uid;
    std::string currency;  // the charge's: its refund is in the same
    {
        Statement st = db_->prepare(
            "SELECT amount, uid, reason, currency FROM wallet_ledger WHERE message_id = ?");
        st.bind(1, message_id);
        while (st.step()) {
            if (st.text(2) == "send") {
                charged += -st.int64(0);
                uid = st.optional_int64(1);
                currency = st.text(3);
            } else if (st.text(2) == "refund") {
                refunded += st.int64(0);
            }
        }
    }
    if (charged <= 0) return;
    Statement st = db_->prepare(
        "SELECT count(*), count(*) FILTER (WHERE sent_at IS NULL AND state IN ('failed', "
        "'expired', 'cancelled')) FROM parts WHERE message_id = ?");
    st.bind(1, message_id);
    if (!st.step() || st.int64(0) == 0) return;
    // Rounded down each time from the whole, so partial refunds never add up
    // to more than the share of all the unsent parts. charged * unsent could
    // pass the int64 range for a large charge, so the whole parts of the
    // quotient are taken first: floor(c*u/t) = (c/t)*u + floor((c%t)*u/t),
    // where c%t < t and u <= t keep every product small.
    const std::int64_t total = st.int64(0);
    const std::int64_t unsent = st.int64(1);
    const std::int64_t due = charged / total * unsent + charged % total * unsent / total;
    // Refused only for a wallet holding money in another currency, which
    // change_currency rules out while a charge may still be refunded.
    if (due > refunded)
        apply_ledger(wallet(), due - refunded, currency, "refund", message_id, uid, at);
}

LedgerResult Store::charge(std::int64_t amount, std::string_view currency,
                           std::optional<std::int64_t> message_id, std::optional<std::int64_t> uid,
                           Time at) {
    if (amount < 0) throw std::invalid_argument("charge: negative amount");
    Transaction tx(*db_);
    const Wallet before = wallet();
    auto after = apply_ledger(before, -amount, currency, "send", message_id, uid, at);
    if (!after) return {false, before.balance};
    tx.commit();
    return {true, *after};
}

LedgerResult Store::adjust(std::int64_t amount, std::string_view currency,
                           std::optional<std::int64_t> uid, std::string_view reason, Time at) {
    Transaction tx(*db_);
    const Wallet before = wallet();
    if (before.balance != 0 && before.currency != currency)
        throw StoreError("wallet: it holds " + std::to_string(before.balance) + " micro-units of " +
                         before.currency + ", and an amount in " + std::string(currency) +
                         " cannot be added to them (sms.currency differs from the wallet's "
                         "currency: a hand-edited database?)");
    // Compared as room left, not as a sum, so nothing is computed out of range.
    if (amount > 0 && (before.balance > max_balance || amount > max_balance - before.balance))
        return {false, before.balance};
    auto after = apply_ledger(before, amount, currency, reason, std::nullopt, uid, at);
    if (!after) return {false, before.balance};
    tx.commit();
    return {true, *after};
}

LedgerResult Store::top_up(std::int64_t amount, std::string_view currency,
                           std::optional<std::int64_t> uid, std::string_view reason, Time at) {
    if (amount <= 0) throw std::invalid_argument("top_up: the amount must be positive");
    return adjust(amount, currency, uid, reason, at);
}

LedgerResult Store::withdraw(std::int64_t amount, std::string_view currency,
                             std::optional<std::int64_t> uid, std::string_view reason, Time at) {
    if (amount <= 0) throw std::invalid_argument("withdraw: the amount must be positive");
    return adjust(-amount, currency, uid, reason, at);
}

std::vector<LedgerEntry> Store::ledger(std::optional<std::int64_t> before_id, int limit) {
    Statement st = db_->prepare(
        "SELECT id, at, amount, balance_after, reason, message_id, uid, currency FROM "
        "wallet_ledger WHERE id < ? ORDER BY id DESC LIMIT ?");
    st.bind_all(before_id.value_or(INT64_MAX), std::max(limit, 0));
    std::vector<LedgerEntry> out;
    while (st.step())
        out.push_back({st.int64(0), from_millis(st.int64(1)), st.int64(2), st.int64(3), st.text(4),
                       st.optional_int64(5), st.optional_int64(6), st.text(7)});
    return out;
}

}  // namespace smsgw::store
