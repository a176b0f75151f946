// Inbound: fragments waiting for siblings, reassembled and released messages
// stored with their raw PDUs in the transaction that deletes the fragments,
// and opt-outs.
#include <catch2/catch.hpp>

#include "store_test_util.hpp"

using namespace smsgw::store;
using namespace smsgw::store::test;

namespace {

Fragment fragment(const std::string& sender, int ref, int total, int seq, Time at,
                  const std::string& modem = "m1") {
    return {0,
            modem,
            sender,
            ref,
            total,
            seq,
            "part" + std::to_string(seq),
            "07911326" + std::to_string(seq),
            at};
}

std::vector<std::int64_t> ids_of(const std::vector<Fragment>& fragments) {
    std::vector<std::int64_t> ids;
    for (const auto& f : fragments) ids.push_back(f.id);
    return ids;
}

}  // namespace

TEST_CASE("fragments wait for their siblings and become one inbound message", "[store][inbound]") {
    TempDir dir;
    Store store(dir.file("in.db"));
    const auto third = store.store_fragment(fragment("+4917001", 7, 3, 3, at_seconds(1)));
    REQUIRE(third);
    const auto first = store.store_fragment(fragment("+4917001", 7, 3, 1, at_seconds(2)));
    REQUIRE(first);
    CHECK(!store.store_fragment(
        fragment("+4917001", 7, 3, 1, at_seconds(3))));  // the modem delivered it twice
    // Same sender and ref, but another total, modem or sender: another message.
    CHECK(store.store_fragment(fragment("+4917001", 7, 2, 1, at_seconds(3))));
    CHECK(store.store_fragment(fragment("+4917001", 7, 3, 1, at_seconds(3), "m2")));
    CHECK(store.store_fragment(fragment("+4917002", 7, 3, 1, at_seconds(3))));

    auto waiting = store.fragments_for("m1", "+4917001", 7, 3);
    REQUIRE(waiting.size() == 2);
    CHECK(waiting[0].seq == 1);
    CHECK(waiting[0].id == *first);  // the id store_fragment answered
    CHECK(waiting[1].seq == 3);
    CHECK(waiting[1].id == *third);
    CHECK(waiting[0].received_at == at_seconds(2));

    // Part 2 arrives: the daemon reassembles and stores it, consuming the two waiting.
    NewInbound in{"m1",
                  "+4917001",
                  "part1part2part3",
                  at_seconds(4),
                  {waiting[0].pdu,
                   "07911326"
                   "2",
                   waiting[1].pdu},
                  true,
                  7,
                  3,
                  "gsm7",
                  std::nullopt};
    const auto id = store.insert_inbound(in, ids_of(waiting));
    CHECK(store.fragments_for("m1", "+4917001", 7, 3).empty());
    CHECK(store.stats().fragments_waiting == 3);  // the other three groups
    auto got = store.get_inbound(id);
    REQUIRE(got);
    CHECK(got->text == "part1part2part3");
    CHECK(got->complete);
    CHECK(got->raw_pdus == in.raw_pdus);
    CHECK(got->parts_total == 3);
    CHECK(got->parts_received == 3);
    CHECK(got->concat_ref == 7);
    CHECK(got->received_at == at_seconds(4));
    CHECK(got->encoding == "gsm7");
}

TEST_CASE("consuming a fragment twice rolls the whole insert back", "[store][inbound]") {
    TempDir dir;
    Store store(dir.file("in.db"));
    store.store_fragment(fragment("+4917001", 9, 2, 1, at_seconds(1)));
    auto waiting = store.fragments_for("m1", "+4917001", 9, 2);
    NewInbound in{"m1", "+4917001", "ab", at_seconds(2), {"AA", "BB"}, true, 9, 2, "ucs2", std::nullopt};
    store.insert_inbound(in, ids_of(waiting));
    CHECK_THROWS_AS(store.insert_inbound(in, ids_of(waiting)), StoreError);
    CHECK(store.list_inbound({}, std::nullopt, 10).size() == 1);
}

TEST_CASE("a fragment group past the timeout is released incomplete, in one transaction",
          "[store][inbound]") {
    TempDir dir;
    Store store(dir.file("in.db"));
    store.store_fragment(fragment("+4917001", 1, 3, 1, at_seconds(0)));
    store.store_fragment(fragment("+4917001", 1, 3, 2, at_seconds(100)));
    store.store_fragment(fragment("+4917002", 2, 2, 1, at_seconds(50)));
    CHECK(store.expired_fragments(at_seconds(0)).empty());
    auto groups = store.expired_fragments(at_seconds(10));
    REQUIRE(groups.size() == 1);
    CHECK(groups[0].sender == "+4917001");
    CHECK(groups[0].ref == 1);
    CHECK(groups[0].total == 3);
    REQUIRE(groups[0].fragments.size() == 2);  // the whole group, even the newer fragment
    // Looking does not delete: a crash before insert_inbound loses nothing.
    CHECK(store.expired_fragments(at_seconds(10)).size() == 1);

    const auto& g = groups[0];
    NewInbound in{g.modem, g.sender, "part1part2", at_seconds(200), {}, false, g.ref, g.total,
                  "gsm7", std::nullopt};
    for (const auto& f : g.fragments) in.raw_pdus.push_back(f.pdu);
    const auto id = store.insert_inbound(in, ids_of(g.fragments));
    auto got = store.get_inbound(id);
    CHECK(!got->complete);
    CHECK(got->parts_total == 3);
    CHECK(got->parts_received == 2);
    auto rest = store.expired_fragments(at_seconds(1000));
    REQUIRE(rest.size() == 1);
    CHECK(rest[0].sender == "+4917002");
}

TEST_CASE("inbound lists newest first with filters and before_id", "[store][inbound]") {
    TempDir dir;
    Store store(dir.file("in.db"));
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 12; ++i)
        ids.push_back(store.insert_inbound({i % 3 ? "m1" : "m2",
                                            i % 2 ? "+4917001" : "+4917002",
                                            "hi",
                                            at_seconds(i),
                                            {"AB"},
                                            true,
                                            std::nullopt,
                                            1,
                                            i % 4 ? "gsm7" : "8bit",
                                            std::nullopt}));
    auto page = store.list_inbound({}, std::nullopt, 5);
    REQUIRE(page.size() == 5);
    CHECK(page[0].id == ids[11]);
    auto next = store.list_inbound({}, page.back().id, 100);
    CHECK(next.size() == 7);
    CHECK(next.back().id == ids[0]);
    InboundFilter from;
    from.sender = "+4917001";
    CHECK(store.list_inbound(from, std::nullopt, 100).size() == 6);
    InboundFilter recent;
    recent.since = at_seconds(9);
    recent.modem = "m2";
    auto r = store.list_inbound(recent, std::nullopt, 100);
    REQUIRE(r.size() == 1);  // i = 9
    CHECK(r[0].id == ids[9]);
    CHECK(r[0].raw_pdus == std::vector<std::string>{"AB"});
    CHECK(r[0].encoding == "gsm7");
    CHECK(page[3].encoding == "8bit");  // i = 8
}

TEST_CASE("an inbound message kept raw has no encoding", "[store][inbound]") {
    TempDir dir;
    Store store(dir.file("in.db"));
    const auto id = store.insert_inbound({"m1", "+4917001", "[undecodable PDU: octet 20 (TP-UDL): …]",
                                          at_seconds(1), {"0004"}, false, std::nullopt, 1,
                                          std::nullopt, std::nullopt});
    CHECK_FALSE(store.get_inbound(id)->encoding);
}

TEST_CASE("opt-outs are added once, found, listed and removed", "[store][optout]") {
    TempDir dir;
    Store store(dir.file("in.db"));
    const auto source = store.insert_inbound(
        {"m1", "+4917001", "Stop", at_seconds(1), {"AB"}, true, std::nullopt, 1, "gsm7", "opt_out"});
    CHECK(store.add_optout({0, "+4917001", "STOP", at_seconds(1), source, "keyword", std::nullopt, std::nullopt}, false).added);
    CHECK(!store.add_optout({0, "+4917001", "ENDE", at_seconds(2), std::nullopt, "api", std::nullopt, std::nullopt}, false).added);
    auto o = store.get_optout("+4917001");
    REQUIRE(o);
    CHECK(o->keyword == "STOP");  // the first record is kept
    CHECK(o->source == "keyword");
    CHECK(o->source_inbound_id == source);
    CHECK(o->at == at_seconds(1));
    CHECK(store.get_inbound(source)->keyword == "opt_out");
    CHECK(!store.get_optout("+4917999"));

    for (int i = 0; i < 5; ++i)
        store.add_optout({0, "+49170100" + std::to_string(i), std::nullopt, at_seconds(10 + i),
                          std::nullopt, "api", std::nullopt, std::nullopt}, false);
    auto page = store.list_optouts(std::nullopt, 4);
    REQUIRE(page.size() == 4);
    CHECK(page[0].number == "+491701004");
    auto rest = store.list_optouts(page.back().id, 10);
    REQUIRE(rest.size() == 2);
    CHECK(rest.back().number == "+4917001");

    CHECK(store.remove_optout("+4917001"));
    CHECK(!store.remove_optout("+4917001"));
    CHECK(!store.get_optout("+4917001"));
    CHECK(store.stats().optouts == 5);
    // An unknown source is refused by the schema.
    CHECK_THROWS_AS(store.add_optout({0, "+4917002", std::nullopt, t0(), std::nullopt, "rumour", std::nullopt, std::nullopt}, false),
                    StoreError);
}

TEST_CASE("an opt-out's id is never given again after a removal", "[store][optout]") {
    TempDir dir;
    Store store(dir.file("ids.db"));
    const auto add = [&](const std::string& number) {
        REQUIRE(store.add_optout({0, number, std::nullopt, at_seconds(1), std::nullopt, "api",
                                  std::nullopt, std::nullopt}, false).added);
        return store.get_optout(number)->id;
    };
    add("+4917001");
    const std::int64_t latest = add("+4917002");
    REQUIRE(store.remove_optout("+4917002"));
    // Without AUTOINCREMENT SQLite takes the largest id in the table plus one:
    // the removed opt-out's.
    CHECK(add("+4917003") > latest);
    REQUIRE(store.remove_optout("+4917003"));
    REQUIRE(store.remove_optout("+4917001"));
    CHECK(add("+4917004") > latest + 1);
}

TEST_CASE("every PDU kept is remembered per modem until forgotten", "[store][inbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    NewInbound in;
    in.modem = "office-1";
    in.sender = "+4917001";
    in.text = "Hallo";
    in.received_at = at_seconds(10);
    in.raw_pdus = {"0791AA", "0791BB"};
    store.insert_inbound(in);
    CHECK(store.inbound_pdu_seen("office-1", "0791AA"));
    CHECK(store.inbound_pdu_seen("office-1", "0791BB"));
    CHECK_FALSE(store.inbound_pdu_seen("office-2", "0791AA"));  // another SIM, another message
    CHECK_FALSE(store.inbound_pdu_seen("office-1", "0791CC"));

    Fragment f;
    f.modem = "office-1";
    f.sender = "+4917002";
    f.ref = 7;
    f.total = 2;
    f.seq = 1;
    f.text = "Teil";
    f.pdu = "0791CC";
    f.received_at = at_seconds(20);
    CHECK(store.store_fragment(f));
    CHECK(store.inbound_pdu_seen("office-1", "0791CC"));

    CHECK(store.forget_seen_pdus(at_seconds(15)) == 2);
    CHECK_FALSE(store.inbound_pdu_seen("office-1", "0791AA"));
    CHECK(store.inbound_pdu_seen("office-1", "0791CC"));
}
