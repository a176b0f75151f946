// Store::modem_totals, modem.list's counters at start: parts the network took
// per modem (in total and since a time), inbound messages per modem, read
// from indexes alone so that a start on a million rows stays quick.
#include <catch2/catch.hpp>

#include "store_test_util.hpp"

using namespace smsgw::store;
using namespace smsgw::store::test;

namespace {

// Sends `count` one-part messages through `modem` at `at`; `sent` of them
// are taken by the network, the others refused for good.
void send_through(Store& store, const std::string& modem, int count, int sent, Time at) {
    for (int i = 0; i < count; ++i) {
        NewMessage m = message("+4917012345" + std::to_string(i));
        store.insert_messages({&m, 1}, at);
        auto parts = store.claim_next_parts(modem, at, 1);
        REQUIRE(parts.size() == 1);
        if (i < sent)
            store.mark_sent(parts[0].id, i, at);
        else
            store.mark_failed(parts[0].id, "+CMS ERROR: 21", FailureKind::permanent, at);
    }
}

void receive_on(Store& store, const std::string& modem, int count, Time at) {
    for (int i = 0; i < count; ++i)
        store.insert_inbound({modem, "+4917099", "hello", at, {"AA"}, true, std::nullopt, 1, "gsm7",
                              std::nullopt});
}

}  // namespace

TEST_CASE("modem_totals counts each modem's sent parts, those since a time, and its inbound",
          "[store][modem_totals]") {
    TempDir dir;
    Store store(dir.file("smsgw.db"));
    CHECK(store.modem_totals(t0()).empty());

    send_through(store, "office-1", 3, 2, at_seconds(10));   // yesterday, say
    send_through(store, "office-1", 4, 4, at_seconds(100));  // today
    send_through(store, "office-2", 2, 0, at_seconds(100));  // refused: nothing sent
    receive_on(store, "office-2", 5, at_seconds(50));
    receive_on(store, "office-3", 1, at_seconds(50));  // received only

    const auto totals = store.modem_totals(at_seconds(100));
    REQUIRE(totals.size() == 3);
    CHECK(totals[0].modem == "office-1");
    CHECK(totals[0].sent == 6);
    CHECK(totals[0].sent_since == 4);
    CHECK(totals[0].received == 0);
    CHECK(totals[1].modem == "office-2");
    CHECK(totals[1].sent == 0);
    CHECK(totals[1].sent_since == 0);
    CHECK(totals[1].received == 5);
    CHECK(totals[2].modem == "office-3");
    CHECK(totals[2].received == 1);
}

TEST_CASE("modem_totals reads two covering indexes, never the tables, and sorts nothing",
          "[store][modem_totals][plans]") {
    TempDir dir;
    Store store(dir.file("smsgw.db"));
    store.modem_totals(t0());
    std::string all;
    for (const auto& sql : store.database().prepared_sql()) {
        if (sql.find("GROUP BY modem") == std::string::npos) continue;
        Statement st = store.database().prepare("EXPLAIN QUERY PLAN " + sql);
        while (st.step()) all += st.text(3) + "\n";
    }
    INFO(all);
    CHECK_THAT(all, Catch::Contains("parts USING COVERING INDEX parts_report"));
    CHECK_THAT(all, Catch::Contains("inbound USING COVERING INDEX inbound_modem"));
    CHECK_THAT(all, !Catch::Contains("TEMP B-TREE"));
}
