// The hot paths never scan messages or parts: every statement the Store
// prepared while doing them is run through EXPLAIN QUERY PLAN, and no step may
// be a SCAN of a table (a SEARCH through an index, or the rowid, is fine).
#include <catch2/catch.hpp>

#include "store_test_util.hpp"

using namespace smsgw::store;
using namespace smsgw::store::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> plan(Database& db, const std::string& sql) {
    std::vector<std::string> steps;
    Statement st = db.prepare("EXPLAIN QUERY PLAN " + sql);
    while (st.step()) steps.push_back(st.text(3));
    return steps;
}

bool is_table_scan(const std::string& step) {
    if (!step.starts_with("SCAN ")) return false;
    // Virtual tables (json_each over a bound parameter) and constant rows are not tables.
    return step.find("VIRTUAL TABLE") == std::string::npos &&
           step.find("CONSTANT ROW") == std::string::npos;
}

void exercise_hot_paths(Store& store) {
    std::vector<NewMessage> batch;
    for (int i = 0; i < 50; ++i) {
        batch.push_back(message("+49170" + std::to_string(1000 + i), 1 + i % 3, i % 10));
        batch.back().idempotency_key = "k" + std::to_string(i);
        batch.back().expires_at = at_seconds(3600);
        batch.back().cost = 1;
        if (i % 7 == 0) batch.back().requested_modem = "m" + std::to_string(1 + i % 4);
    }
    store.top_up(1000, "EUR", 0, "start", t0());
    store.insert_messages(batch, t0(), true);
    std::vector<std::string> prefixes = {"+49"};
    auto parts = store.claim_next_parts("m1", at_seconds(1), 4);
    auto routed = store.claim_next_parts("m2", at_seconds(1), 4, prefixes);
    std::vector<std::string> others = {"+4915"};
    store.claim_next_parts("m3", at_seconds(1), 1, {}, others);
    store.claim_next_parts("m4", at_seconds(1), 1, prefixes, others);
    store.next_due_time(at_seconds(1));
    store.sent_count("m1", t0());
    store.mark_sent(parts.at(0).id, 1, at_seconds(2));
    store.mark_failed(parts.at(1).id, "+CMS ERROR: 42", FailureKind::temporary, at_seconds(2));
    store.mark_failed(parts.at(2).id, "+CMS ERROR: 21", FailureKind::permanent, at_seconds(2));
    store.mark_uncertain(parts.at(3).id, "timeout", at_seconds(2));
    store.match_status_report(report("m1", 1, "+491701000", 0), at_seconds(3), 1h);
    store.requeue_modem_parts("m2", at_seconds(4));
    store.recover_after_crash(at_seconds(5));
    store.expire(at_seconds(6));
    store.modems_holding_messages();
    store.fail_bound_to("m4", "unavailable", at_seconds(6), at_seconds(6));
    store.inbound_pdu_seen("m1", "AA");
    store.forget_seen_pdus(at_seconds(6));
    store.cancel(routed.at(0).message_id, at_seconds(7));
    store.find_by_idempotency_key("k7");
    store.queued_since("+491701007", "smsgwd:help:", t0());
    store.get_message(3);
    store.message_history(3);
    MessageFilter by_state;
    by_state.state = State::queued;
    store.list_messages(by_state, 40, 10);
    MessageFilter by_recipient;
    by_recipient.recipient = "+491701001";
    store.list_messages(by_recipient, 40, 10);
    store.list_messages({}, 40, 10);
    store.store_fragment({0, "m1", "+4917001", 5, 2, 1, "a", "AA", at_seconds(8)});
    auto waiting = store.fragments_for("m1", "+4917001", 5, 2);
    store.insert_inbound({"m1", "+4917001", "ab", at_seconds(9), {"AA", "BB"}, true, 5, 2, "gsm7",
                          std::nullopt},
                         {&waiting[0].id, 1});
    store.expired_fragments(at_seconds(10));
    InboundFilter since;
    since.since = at_seconds(9);
    store.list_inbound(since, std::nullopt, 10);
    store.add_optout({0, "+4917001", "STOP", at_seconds(9), std::nullopt, "keyword", std::nullopt, std::nullopt}, false);
    store.get_optout("+4917001");
    store.list_optouts(std::nullopt, 10);
    store.charge(1, "EUR", std::nullopt, 0, at_seconds(10));
    store.balance();
    store.set_setting("sms.enabled", "true", 0, at_seconds(11));
    store.get_setting("sms.enabled");
    // A refund finds the message's charge in the ledger by message.
    store.top_up(1000, "EUR", 0, "start", at_seconds(12));
    NewMessage charged = message("+4917009");
    charged.cost = 9;
    const auto id = store.insert_messages({&charged, 1}, at_seconds(12), true).at(0).message_id;
    REQUIRE(store.cancel(id, at_seconds(13)) == CancelResult::cancelled);
    REQUIRE(store.ledger(std::nullopt, 1).at(0).reason == "refund");
    // A change of currency looks for charges that may still be refunded.
    REQUIRE(store.withdraw(store.balance(), "EUR", 0, "empty", at_seconds(14)).ok);
    store.change_currency("\"USD\"", 0, at_seconds(15));
}

}  // namespace

TEST_CASE("no hot-path statement scans a table", "[store][plans]") {
    TempDir dir;
    Store store(dir.file("plans.db"));
    exercise_hot_paths(store);
    auto statements = store.database().prepared_sql();
    int explained = 0;
    for (const auto& sql : statements) {
        if (sql.starts_with("PRAGMA") || sql.starts_with("BEGIN") || sql.starts_with("COMMIT") ||
            sql.starts_with("EXPLAIN"))
            continue;
        ++explained;
        for (const auto& step : plan(store.database(), sql)) {
            INFO(sql);
            CHECK_FALSE(is_table_scan(step));
        }
    }
    CHECK(explained >= 30);
}

TEST_CASE("the claim walks parts_queue in order without sorting", "[store][plans]") {
    TempDir dir;
    Store store(dir.file("plans.db"));
    NewMessage m = message("+4917001");
    store.insert_messages({&m, 1}, t0());
    store.claim_next_parts("m1", t0(), 1);
    bool found = false;
    for (const auto& sql : store.database().prepared_sql()) {
        if (!sql.starts_with("SELECT") ||
            sql.find("p.state = 'queued' AND p.next_attempt_at") == std::string::npos)
            continue;
        found = true;
        auto steps = plan(store.database(), sql);
        std::string all;
        for (const auto& s : steps) all += s + "\n";
        INFO(all);
        CHECK_THAT(all, Catch::Contains("USING INDEX parts_queue (state=?)"));
        CHECK_THAT(all, !Catch::Contains("TEMP B-TREE"));
        CHECK_THAT(all, Catch::Contains("INTEGER PRIMARY KEY"));  // the message by its id
    }
    CHECK(found);
}

TEST_CASE("an uncertain part's neighbours are found by one seek per TP-MR", "[store][plans]") {
    TempDir dir;
    Store store(dir.file("plans.db"));
    std::vector<NewMessage> batch = {message("+4917001"), message("+4917002"), message("+4917003")};
    store.insert_messages(batch, t0());
    const auto parts = store.claim_next_parts("m1", t0(), 3);
    REQUIRE(parts.size() == 3);
    store.mark_sent(parts[0].id, 20, at_seconds(1));
    store.mark_uncertain(parts[1].id, "no answer", at_seconds(2));
    store.mark_sent(parts[2].id, 22, at_seconds(3));
    REQUIRE(store.match_status_report(report("m1", 21, "+4917002", 0), at_seconds(4), 1h));
    int found = 0;
    for (const auto& sql : store.database().prepared_sql()) {
        if (sql.find("WITH RECURSIVE mrs") == std::string::npos) continue;
        ++found;
        std::string all;
        for (const auto& s : plan(store.database(), sql)) all += s + "\n";
        INFO(all);
        // The modem's history is never walked: each value is a range of one index.
        CHECK_THAT(all, Catch::Contains("USING COVERING INDEX parts_report (modem=? AND tp_mr=? AND sent_at"));
        CHECK_THAT(all, !Catch::Contains("SCAN parts"));
    }
    CHECK(found == 2);
}
