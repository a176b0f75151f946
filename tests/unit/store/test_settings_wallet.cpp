// Settings (JSON values with who and when, kept across restarts) and the
// wallet: never below zero, every change in the ledger, ledger sums = balance.
#include <catch2/catch.hpp>
#include <random>

#include "store_test_util.hpp"

using namespace smsgw::store;
using namespace smsgw::store::test;

TEST_CASE("settings persist across reopen with who and when", "[store][settings]") {
    TempDir dir;
    {
        Store store(dir.file("s.db"));
        CHECK(!store.get_setting("sms.enabled"));
        store.set_setting("sms.enabled", "true", 0, at_seconds(1));
        store.set_setting("sms.company_name", "\"Acme GmbH\"", 1000, at_seconds(2));
        store.set_setting("sms.enabled", " false ", 1001, at_seconds(3));
        CHECK_THROWS_AS(store.set_setting("sms.max_segments", "{not json", 1000, at_seconds(4)),
                        StoreError);
    }
    Store store(dir.file("s.db"));
    auto enabled = store.get_setting("sms.enabled");
    REQUIRE(enabled);
    CHECK(enabled->value == "false");  // stored as minified JSON
    CHECK(enabled->updated_by == 1001);
    CHECK(enabled->updated_at == at_seconds(3));
    auto all = store.all_settings();
    REQUIRE(all.size() == 2);
    CHECK(all[0].key == "sms.company_name");
    CHECK(all[0].value == "\"Acme GmbH\"");
    CHECK(all[1].key == "sms.enabled");
    CHECK(!store.get_setting("sms.max_segments"));
    // The change log keeps both changes of sms.enabled with old and new value.
    Statement st = store.database().prepare(
        "SELECT old_value, new_value, uid FROM settings_changes WHERE key = 'sms.enabled' ORDER BY "
        "id");
    REQUIRE(st.step());
    CHECK(st.is_null(0));
    CHECK(st.text(1) == "true");
    REQUIRE(st.step());
    CHECK(st.text(0) == "true");
    CHECK(st.text(1) == "false");
    CHECK(st.int64(2) == 1001);
    CHECK(!st.step());
}

TEST_CASE("the wallet refuses to go below zero and records every change", "[store][wallet]") {
    TempDir dir;
    Store store(dir.file("w.db"));
    CHECK(store.balance() == 0);
    CHECK(!store.charge(1, "EUR", std::nullopt, 1000, t0()).ok);
    CHECK(store.top_up(500, "EUR", 0, "invoice 2024-01", at_seconds(1)).balance == 500);
    auto c = store.charge(300, "EUR", std::nullopt, 1000, at_seconds(2));
    CHECK(c.ok);
    CHECK(c.balance == 200);
    auto refused = store.charge(201, "EUR", std::nullopt, 1000, at_seconds(3));
    CHECK(!refused.ok);
    CHECK(refused.balance == 200);
    CHECK(store.charge(200, "EUR", std::nullopt, 1000, at_seconds(4)).balance == 0);
    CHECK_THROWS_AS(store.top_up(0, "EUR", 0, "nothing", at_seconds(5)), std::invalid_argument);
    CHECK_THROWS_AS(store.charge(-5, "EUR", std::nullopt, 0, at_seconds(5)), std::invalid_argument);
    auto entries = store.ledger(std::nullopt, 10);
    REQUIRE(entries.size() == 3);  // refused charges leave no row
    CHECK(entries[0].amount == -200);
    CHECK(entries[2].amount == 500);
    CHECK(entries[2].reason == "invoice 2024-01");
    CHECK(entries[1].uid == 1000);
}

TEST_CASE("a top-up beyond max_balance is refused whole, up to it is taken", "[store][wallet]") {
    TempDir dir;
    Store store(dir.file("w.db"));
    REQUIRE(store.top_up(max_balance - 10, "EUR", 0, "almost full", at_seconds(1)).ok);
    // One more than the room left, and a sum that would wrap int64: nothing changes.
    for (const std::int64_t amount : {std::int64_t{11}, INT64_MAX}) {
        const LedgerResult refused = store.top_up(amount, "EUR", 0, "too much", at_seconds(2));
        CHECK(!refused.ok);
        CHECK(refused.balance == max_balance - 10);
    }
    CHECK(store.ledger(std::nullopt, 10).size() == 1);
    const LedgerResult full = store.top_up(10, "EUR", 0, "to the brim", at_seconds(3));
    CHECK(full.ok);
    CHECK(full.balance == max_balance);
    CHECK(!store.top_up(1, "EUR", 0, "one more", at_seconds(4)).ok);
    CHECK(store.balance() == max_balance);
    // A charge of all of it and a refund of all of it stay exact.
    CHECK(store.charge(max_balance, "EUR", std::nullopt, 0, at_seconds(5)).balance == 0);
    CHECK(store.top_up(max_balance, "EUR", 0, "again", at_seconds(6)).balance == max_balance);
}

TEST_CASE("a refund of a large charge is its exact share, not an overflowed product",
          "[store][wallet]") {
    TempDir dir;
    Store store(dir.file("w.db"));
    store.top_up(max_balance, "EUR", 0, "start", t0());
    // 12 parts charged nearly the whole balance: the charge times 11 unsent
    // parts passes int64 if multiplied first.
    NewMessage m = message("+4917001", 12);
    m.cost = max_balance - 1;
    const auto id = store.insert_messages({&m, 1}, at_seconds(1), true).at(0).message_id;
    auto parts = store.claim_next_parts("m1", at_seconds(2), 2);
    REQUIRE(parts.size() == 2);
    store.mark_sent(parts[0].id, 1, at_seconds(3));
    store.mark_failed(parts[1].id, "+CMS ERROR 21", FailureKind::permanent, at_seconds(4));
    REQUIRE(store.get_message(id)->message.state == State::failed);
    // Parts 2 to 12 never went out: floor((10^18 - 2) * 11 / 12) = 916666666666666664.
    CHECK(store.balance() == 1 + 916'666'666'666'666'664);
}

TEST_CASE("a batch charged to the wallet inserts what the balance pays for", "[store][wallet]") {
    TempDir dir;
    Store store(dir.file("w.db"));
    store.top_up(25, "EUR", 0, "start", t0());
    std::vector<NewMessage> batch;
    for (int cost : {10, 10, 10, 5}) {
        batch.push_back(message("+4917001"));
        batch.back().cost = cost;
        batch.back().caller_uid = 1000;
    }
    auto r = store.insert_messages(batch, at_seconds(1), true);
    CHECK(r[0].kind == InsertResult::Kind::inserted);
    CHECK(r[1].kind == InsertResult::Kind::inserted);
    CHECK(r[2].kind == InsertResult::Kind::insufficient_balance);
    CHECK(r[2].message_id == 0);
    CHECK(r[3].kind == InsertResult::Kind::inserted);
    CHECK(store.balance() == 0);
    auto entries = store.ledger(std::nullopt, 10);
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].message_id == r[3].message_id);
    CHECK(entries[0].amount == -5);
    CHECK(store.get_message(r[3].message_id)->message.cost == 5);
}

TEST_CASE("random top-ups and charges: never negative, the ledger sums to the balance",
          "[store][wallet]") {
    TempDir dir;
    Store store(dir.file("w.db"));
    std::mt19937 rng(20240601);
    std::int64_t expected = 0;
    int refused = 0;
    for (int i = 0; i < 400; ++i) {
        const std::int64_t amount = std::uniform_int_distribution<std::int64_t>(1, 100)(rng);
        if (rng() % 3 == 0) {
            expected = store.top_up(amount, "EUR", 0, "top-up", at_seconds(i)).balance;
        } else {
            auto c = store.charge(amount, "EUR", std::nullopt, 1000, at_seconds(i));
            CHECK(c.ok == (amount <= expected));  // refused exactly when it would go below zero
            if (c.ok)
                expected -= amount;
            else
                ++refused;
            CHECK(c.balance == expected);
        }
        REQUIRE(store.balance() == expected);
        REQUIRE(expected >= 0);
    }
    CHECK(refused > 0);
    Statement st =
        store.database().prepare("SELECT sum(amount), min(balance_after) FROM wallet_ledger");
    REQUIRE(st.step());
    CHECK(st.int64(0) == store.balance());
    CHECK(st.int64(1) >= 0);
}

TEST_CASE("a message that ends with parts the network never took is refunded their share",
          "[store][wallet]") {
    TempDir dir;
    Store store(dir.file("w.db"));
    store.top_up(1000, "EUR", 0, "start", t0());
    const auto charged = [&](int parts) {
        NewMessage m = message("+4917001", parts);
        m.cost = 90 * parts;
        m.caller_uid = 1000;
        return store.insert_messages({&m, 1}, at_seconds(1), true).at(0).message_id;
    };
    const auto refunds = [&](std::int64_t id) {
        std::int64_t sum = 0;
        int rows = 0;
        for (const auto& e : store.ledger(std::nullopt, 100))
            if (e.message_id == id && e.reason == "refund") sum += e.amount, ++rows;
        return std::pair{sum, rows};
    };

    // Cancelled before anything went out: all of it back, once.
    const auto cancelled = charged(2);
    REQUIRE(store.cancel(cancelled, at_seconds(2)) == CancelResult::cancelled);
    CHECK(refunds(cancelled) == std::pair<std::int64_t, int>{180, 1});

    // Three parts: the first sent, the second refused for good: the second and
    // the third (failed with it) come back, the sent one is paid.
    const auto partly = charged(3);
    auto parts = store.claim_next_parts("m1", at_seconds(3), 2);
    REQUIRE(parts.size() == 2);
    store.mark_sent(parts[0].id, 1, at_seconds(4));
    store.mark_failed(parts[1].id, "+CMS ERROR 21", FailureKind::permanent, at_seconds(5));
    REQUIRE(store.get_message(partly)->message.state == State::failed);
    CHECK(refunds(partly) == std::pair<std::int64_t, int>{180, 1});

    // Uncertain (the network may have taken it) and sent: nothing back.
    const auto unsure = charged(1);
    parts = store.claim_next_parts("m1", at_seconds(6), 1);
    store.mark_uncertain(parts.at(0).id, "no answer after the PDU", at_seconds(7));
    const auto sent = charged(1);
    parts = store.claim_next_parts("m1", at_seconds(8), 1);
    store.mark_sent(parts.at(0).id, 2, at_seconds(9));
    CHECK(refunds(unsure).second == 0);
    CHECK(refunds(sent).second == 0);
    CHECK(store.balance() == 1000 - 180 - 270 - 90 - 90 + 180 + 180);
}

TEST_CASE("a part still in AT+CMGS when its message fails is refunded only if it ends unsent",
          "[store][wallet]") {
    TempDir dir;
    Store store(dir.file("w.db"));
    store.top_up(10000, "EUR", 0, "start", t0());
    const auto window = std::chrono::milliseconds(std::chrono::hours(24));
    const auto charged = [&](const std::string& to) {
        NewMessage m = message(to, 3);
        m.cost = 300;
        return store.insert_messages({&m, 1}, at_seconds(1), true).at(0).message_id;
    };
    const auto refunded = [&](std::int64_t id) {
        std::int64_t sum = 0;
        for (const auto& e : store.ledger(std::nullopt, 100))
            if (e.message_id == id && e.reason == "refund") sum += e.amount;
        return sum;
    };
    // Part 1 sent, then reported failed while part 2 is in AT+CMGS: part 3
    // never goes out (100 back); part 2 ends uncertain: nothing more.
    const auto unsure = charged("+4917001");
    auto parts = store.claim_next_parts("m1", at_seconds(2), 2);
    store.mark_sent(parts[0].id, 7, at_seconds(3));
    store.match_status_report(report("m1", 7, "+4917001", 0x41), at_seconds(4), window);
    CHECK(refunded(unsure) == 100);
    store.mark_uncertain(parts[1].id, "no answer after the PDU", at_seconds(5));
    CHECK(refunded(unsure) == 100);

    // The same, but part 2 is refused: its share comes back too, once.
    const auto refused = charged("+4917002");
    parts = store.claim_next_parts("m1", at_seconds(6), 2);
    store.mark_sent(parts[0].id, 8, at_seconds(7));
    store.match_status_report(report("m1", 8, "+4917002", 0x41), at_seconds(8), window);
    store.mark_failed(parts[1].id, "+CMS ERROR: 21", FailureKind::permanent, at_seconds(9));
    CHECK(refunded(refused) == 200);
    CHECK(store.cancel(refused, at_seconds(10)) != CancelResult::cancelled);
    CHECK(refunded(refused) == 200);
    CHECK(store.balance() == 10000 - 600 + 100 + 200);
}

TEST_CASE("the wallet's balance is in one currency: each row keeps its own, none mixes",
          "[store][wallet]") {
    TempDir dir;
    Store store(dir.file("w.db"));
    CHECK(store.wallet().currency.empty());
    REQUIRE(store.top_up(500, "EUR", 0, "start", t0()).ok);
    // An amount in another currency is neither charged from nor added to it.
    CHECK_FALSE(store.charge(100, "USD", std::nullopt, 1000, at_seconds(1)).ok);
    CHECK_THROWS_AS(store.top_up(100, "USD", 0, "wrong", at_seconds(2)), StoreError);
    CHECK_THROWS_AS(store.withdraw(100, "USD", 0, "wrong", at_seconds(2)), StoreError);
    NewMessage priced_before = message("+4917001");
    priced_before.cost = 100;
    priced_before.currency = "USD";
    CHECK(store.insert_messages({&priced_before, 1}, at_seconds(3), true).at(0).kind ==
          InsertResult::Kind::insufficient_balance);
    CHECK(store.wallet().balance == 500);
    // Emptied, it takes the next currency.
    CHECK_FALSE(store.withdraw(501, "EUR", 0, "too much", at_seconds(4)).ok);
    CHECK(store.withdraw(500, "EUR", 0, "paid back", at_seconds(4)).balance == 0);
    CHECK(store.wallet().currency == "EUR");  // its last row's
    CHECK(store.top_up(300, "USD", 0, "restart", at_seconds(5)).balance == 300);
    CHECK(store.insert_messages({&priced_before, 1}, at_seconds(6), true).at(0).kind ==
          InsertResult::Kind::inserted);
    CHECK(store.wallet().balance == 200);
    CHECK(store.wallet().currency == "USD");
    std::vector<std::string> currencies;
    for (const auto& e : store.ledger(std::nullopt, 10)) currencies.push_back(e.currency);
    CHECK(currencies == std::vector<std::string>{"USD", "USD", "EUR", "EUR"});
}

TEST_CASE("sms.currency changes only with the wallet empty and no charge left to refund",
          "[store][wallet][settings]") {
    TempDir dir;
    Store store(dir.file("w.db"));
    // Nothing in the wallet, nothing charged: changed at once, logged as any setting.
    CHECK_FALSE(store.change_currency(R"("PLN")", 1000, t0()));
    CHECK(store.get_setting("sms.currency")->value == R"("PLN")");
    CHECK(store.get_setting("sms.currency")->updated_by == 1000);

    store.top_up(1000, "PLN", 0, "start", t0());
    NewMessage m = message("+4917001", 2);
    m.cost = 200;
    m.currency = "PLN";
    const auto id = store.insert_messages({&m, 1}, at_seconds(1), true).at(0).message_id;
    auto hold = store.change_currency(R"("EUR")", 1000, at_seconds(2));
    REQUIRE(hold);
    CHECK(hold->wallet.balance == 800);
    CHECK(hold->wallet.currency == "PLN");
    store.withdraw(800, "PLN", 0, "paid back", at_seconds(3));
    // Empty, but the message may still be refunded, in PLN.
    hold = store.change_currency(R"("EUR")", 1000, at_seconds(4));
    REQUIRE(hold);
    CHECK(hold->wallet.balance == 0);
    CHECK(hold->open_charges == 1);
    CHECK(hold->first_open_charge == id);
    // One part sent, one refused: the message has nothing more to refund.
    const auto parts = store.claim_next_parts("m1", at_seconds(5), 2);
    REQUIRE(parts.size() == 2);
    store.mark_sent(parts[0].id, 1, at_seconds(6));
    hold = store.change_currency(R"("EUR")", 1000, at_seconds(7));
    REQUIRE(hold);  // the second part is still in AT+CMGS
    store.mark_failed(parts[1].id, "+CMS ERROR: 21", FailureKind::permanent, at_seconds(8));
    const auto refund = store.ledger(std::nullopt, 1).at(0);
    CHECK(refund.reason == "refund");
    CHECK(refund.amount == 100);
    CHECK(refund.currency == "PLN");
    hold = store.change_currency(R"("EUR")", 1000, at_seconds(9));
    REQUIRE(hold);
    CHECK(hold->wallet.balance == 100);
    store.withdraw(100, "PLN", 0, "paid back", at_seconds(10));
    CHECK(store.get_setting("sms.currency")->value == R"("PLN")");
    CHECK_FALSE(store.change_currency(R"("EUR")", 1001, at_seconds(11)));
    CHECK(store.get_setting("sms.currency")->value == R"("EUR")");
    CHECK(store.get_message(id)->message.currency == "PLN");
    Statement st = store.database().prepare(
        "SELECT old_value, new_value, uid FROM settings_changes WHERE key = 'sms.currency' "
        "ORDER BY id DESC LIMIT 1");
    REQUIRE(st.step());
    CHECK(st.text(0) == R"("PLN")");
    CHECK(st.text(1) == R"("EUR")");
    CHECK(st.int64(2) == 1001);
}
