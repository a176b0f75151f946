// The outbound queue: idempotency, claim order, modem binding, retries,
// crash recovery, status reports, derived states, cancel and expiry.
#include <catch2/catch.hpp>

#include "store_test_util.hpp"

using namespace smsgw::store;
using namespace smsgw::store::test;
using namespace std::chrono_literals;
using Kind = InsertResult::Kind;

namespace {

std::int64_t insert(Store& store, NewMessage m, Time at = t0()) {
    auto r = store.insert_messages({&m, 1}, at);
    REQUIRE(r.at(0).kind == Kind::inserted);
    return r[0].message_id;
}

State message_state(Store& store, std::int64_t id) {
    auto m = store.get_message(id);
    REQUIRE(m);
    return m->message.state;
}

}  // namespace

TEST_CASE("a message is stored with its parts in order and starts queued", "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    NewMessage m = message("+491701111111", 3, 7);
    m.report = true;
    m.validity_minutes = 60;
    m.caller_uid = 1000;
    const auto id = insert(store, m);
    auto got = store.get_message(id);
    REQUIRE(got);
    CHECK(got->message.state == State::queued);
    CHECK(got->message.priority == 7);
    CHECK(got->message.report);
    CHECK(got->message.validity_minutes == 60);
    CHECK(got->message.caller_uid == 1000);
    CHECK(got->message.parts_total == 3);
    CHECK(got->message.created_at == t0());
    REQUIRE(got->parts.size() == 3);
    for (int i = 0; i < 3; ++i) {
        CHECK(got->parts[static_cast<std::size_t>(i)].seq == i + 1);
        CHECK(got->parts[static_cast<std::size_t>(i)].total == 3);
        CHECK(got->parts[static_cast<std::size_t>(i)].pdu ==
              m.parts[static_cast<std::size_t>(i)].pdu);
        CHECK(got->parts[static_cast<std::size_t>(i)].concat_ref == 42);
    }
    auto history = store.message_history(id);
    REQUIRE(history.size() == 1);
    CHECK(history[0].entity == "message");
    CHECK(!history[0].from);
    CHECK(history[0].to == State::queued);
    CHECK(store.queue_length() == 1);
}

TEST_CASE("an idempotency key returns the first message, across and within batches",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    NewMessage a = message("+491701111111");
    a.idempotency_key = "order-17";
    const auto first = insert(store, a);

    NewMessage b = message("+491702222222");
    NewMessage c = message("+491703333333");
    c.idempotency_key = "order-18";
    NewMessage d = message("+491704444444");
    d.idempotency_key = "order-18";
    std::vector<NewMessage> batch = {a, b, c, d};
    auto r = store.insert_messages(batch, at_seconds(1));
    REQUIRE(r.size() == 4);
    CHECK(r[0].kind == Kind::existing);
    CHECK(r[0].message_id == first);
    CHECK(r[1].kind == Kind::inserted);
    CHECK(r[2].kind == Kind::inserted);
    CHECK(r[3].kind == Kind::duplicate_in_batch);
    CHECK(r[3].message_id == r[2].message_id);
    // a again is a repeat; d, another number under c's key, is not.
    CHECK(r[0].same_request);
    CHECK_FALSE(r[3].same_request);
    CHECK(store.find_by_idempotency_key("order-18")->recipient == "+491703333333");
    CHECK(store.stats().messages[static_cast<std::size_t>(State::queued)] == 3);
    // Another number or text under a key: told apart from a repeat, whether
    // the key was committed before or given earlier in the same batch.
    NewMessage other_text = a;
    other_text.text = "your parcel has shipped";
    NewMessage e = message("+491705555555");
    e.idempotency_key = "order-19";
    NewMessage e_again = e;
    e_again.recipient = "+491706666666";
    std::vector<NewMessage> reused = {other_text, e, e_again};
    auto rr = store.insert_messages(reused, at_seconds(3));
    CHECK(rr[0].kind == Kind::existing);
    CHECK_FALSE(rr[0].same_request);
    CHECK(rr[2].kind == Kind::duplicate_in_batch);
    CHECK_FALSE(rr[2].same_request);
    // Messages without a key never collide.
    auto again = store.insert_messages({&b, 1}, at_seconds(2));
    CHECK(again[0].kind == Kind::inserted);
}

TEST_CASE("an opted-out recipient is refused in the insert's transaction, unless allowed",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    REQUIRE(store.add_optout({0, "+491701111111", "STOP", at_seconds(1), std::nullopt, "keyword", std::nullopt, std::nullopt}, false).added);
    NewMessage refused = message("+491701111111");
    NewMessage allowed = message("+491701111111");
    allowed.refuse_if_opted_out = false;  // e.g. the STOP confirmation
    NewMessage other = message("+491702222222");
    std::vector<NewMessage> batch = {refused, allowed, other};
    auto r = store.insert_messages(batch, at_seconds(2));
    REQUIRE(r.size() == 3);
    CHECK(r[0].kind == Kind::opted_out);
    CHECK(r[0].message_id == 0);
    REQUIRE(r[0].optout);
    CHECK(r[0].optout->keyword == "STOP");
    CHECK(r[0].optout->at == at_seconds(1));
    CHECK(r[1].kind == Kind::inserted);
    CHECK_FALSE(r[1].optout);
    CHECK(r[2].kind == Kind::inserted);
    CHECK(store.stats().messages[static_cast<std::size_t>(State::queued)] == 2);
}

TEST_CASE("a batch with a bad item is rolled back as a whole", "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    NewMessage ok = message("+491701111111");
    NewMessage bad = message("+491702222222");
    bad.encoding = "ebcdic";  // refused by the schema's CHECK
    std::vector<NewMessage> batch = {ok, bad};
    CHECK_THROWS_AS(store.insert_messages(batch, t0()), StoreError);
    CHECK(store.list_messages({}, std::nullopt, 10).empty());
    NewMessage empty = message("+491703333333");
    empty.parts.clear();
    CHECK_THROWS_AS(store.insert_messages({&empty, 1}, t0()), std::invalid_argument);
}

TEST_CASE("claims go by priority, then age, and wait for not_before", "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto low_old = insert(store, message("+491700000001", 1, 1), at_seconds(0));
    const auto high_new = insert(store, message("+491700000002", 1, 9), at_seconds(5));
    const auto mid = insert(store, message("+491700000003", 1, 5), at_seconds(1));
    NewMessage later = message("+491700000004", 1, 9);
    later.not_before = at_seconds(100);
    const auto scheduled = insert(store, later, at_seconds(2));
    const auto low_new = insert(store, message("+491700000005", 1, 1), at_seconds(6));

    auto claimed = store.claim_next_parts("m1", at_seconds(10), 10);
    REQUIRE(claimed.size() == 4);
    CHECK(claimed[0].message_id == high_new);
    CHECK(claimed[1].message_id == mid);
    CHECK(claimed[2].message_id == low_old);
    CHECK(claimed[3].message_id == low_new);
    for (const auto& p : claimed) {
        CHECK(p.state == State::sending);
        CHECK(p.modem == "m1");
        CHECK(p.attempts == 1);
        CHECK(message_state(store, p.message_id) == State::sending);
    }
    CHECK(store.claim_next_parts("m1", at_seconds(99), 10).empty());
    auto due = store.claim_next_parts("m1", at_seconds(100), 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].message_id == scheduled);
}

TEST_CASE("a claim records each part's and each message's move to sending, in order",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto single = insert(store, message("+491700000001", 1), at_seconds(0));
    const auto three = insert(store, message("+491700000002", 3), at_seconds(1));
    const auto other = insert(store, message("+491700000003", 1), at_seconds(2));
    const auto claimed =
        store.claim_next_parts("m1", at_seconds(5), 10, {}, {}, Store::Written::with_claim);
    REQUIRE(claimed.size() == 5);
    for (const auto& p : claimed) {
        CHECK(p.state == State::sending);
        CHECK(p.modem == "m1");
        CHECK(p.attempts == 1);
        CHECK(p.written);
    }
    for (const auto id : {single, three, other}) {
        const auto got = store.get_message(id);
        REQUIRE(got);
        CHECK(got->message.state == State::sending);
        CHECK(got->message.modem == "m1");
        CHECK(got->message.updated_at == at_seconds(5));
        for (const auto& p : got->parts) {
            CHECK(p.state == State::sending);
            CHECK(p.attempts == 1);
            CHECK(p.written);
        }
    }
    // The history: queued, then every part's move, then the message's.
    const auto expect = [&](std::int64_t id, int parts) {
        const auto history = store.message_history(id);
        REQUIRE(history.size() == static_cast<std::size_t>(parts + 2));
        CHECK(history.front().to == State::queued);
        const auto detail = store.get_message(id);
        for (int i = 0; i < parts; ++i) {
            const auto& c = history[static_cast<std::size_t>(1 + i)];
            CHECK(c.entity == "part");
            CHECK(c.entity_id == detail->parts[static_cast<std::size_t>(i)].id);
            CHECK(c.from == State::queued);
            CHECK(c.to == State::sending);
            CHECK(c.at == at_seconds(5));
            CHECK(c.detail == "m1");
        }
        CHECK(history.back().entity == "message");
        CHECK(history.back().from == State::queued);
        CHECK(history.back().to == State::sending);
    };
    expect(single, 1);
    expect(three, 3);
    expect(other, 1);

    // A retry claimed again counts a second attempt; its message, back in the
    // queue with it, moves to sending once more.
    store.mark_failed(claimed[0].id, "+CMS ERROR: 42", FailureKind::temporary, at_seconds(6));
    CHECK(message_state(store, single) == State::queued);
    const auto again = store.claim_next_parts("m1", at_seconds(3600), 10);
    REQUIRE(again.size() == 1);
    CHECK(again[0].id == claimed[0].id);
    CHECK(again[0].attempts == 2);
    CHECK_FALSE(again[0].written);
    CHECK(message_state(store, single) == State::sending);
    const auto history = store.message_history(single);
    REQUIRE(history.size() == 7);  // + part and message back to queued, and both out again
    CHECK(history[5].entity == "part");
    CHECK(history[5].to == State::sending);
    CHECK(history[6].entity == "message");
    CHECK(history[6].from == State::queued);
    CHECK(history[6].to == State::sending);
}

TEST_CASE("sent results of many parts: each part's TP-MR and history, a message's change once",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto single = insert(store, message("+491700000001", 1), at_seconds(0));
    const auto two = insert(store, message("+491700000002", 2), at_seconds(1));
    const auto three = insert(store, message("+491700000003", 3), at_seconds(2));
    const auto ended = insert(store, message("+491700000004", 1), at_seconds(3));
    const auto claimed = store.claim_next_parts("m1", at_seconds(5), 10);
    REQUIRE(claimed.size() == 7);
    const auto part_of = [&](std::int64_t message, int seq) {
        for (const auto& p : claimed)
            if (p.message_id == message && p.seq == seq) return p.id;
        FAIL("no part " << seq << " of message " << message);
        return std::int64_t{0};
    };
    // The last message's part ends before its result comes: no longer sending.
    store.mark_failed(part_of(ended, 1), "+CMS ERROR: 500", FailureKind::permanent,
                      at_seconds(6));
    const Store::SentPart sent[] = {
        {part_of(two, 1), 7},     {part_of(single, 1), 8}, {part_of(three, 1), 9},
        {part_of(ended, 1), 10},  {part_of(two, 2), 255 + 12},  // the TP-MR is a byte
        {part_of(single, 1), 13},  // given twice: moved once, by its first entry
    };
    const auto updates = store.mark_sent_many(sent, at_seconds(7));
    REQUIRE(updates.size() == 6);
    CHECK_FALSE(updates[3]);
    CHECK_FALSE(updates[5]);
    for (const std::size_t i : {0u, 1u, 2u, 4u}) {
        REQUIRE(updates[i]);
        CHECK(updates[i]->part_id == sent[i].part_id);
        CHECK(updates[i]->part_state == State::sent);
    }
    // The single message went sending → sent; the two-part one changes on its
    // last part's update, its first says it stayed in sending; the three-part
    // one, two parts still to go, stays in sending.
    CHECK(updates[1]->message_id == single);
    CHECK(updates[1]->message_from == State::sending);
    CHECK(updates[1]->message_to == State::sent);
    CHECK(updates[0]->message_id == two);
    CHECK_FALSE(updates[0]->message_changed());
    CHECK(updates[0]->message_from == State::sending);
    CHECK(updates[4]->message_id == two);
    CHECK(updates[4]->message_from == State::sending);
    CHECK(updates[4]->message_to == State::sent);
    CHECK(updates[2]->message_id == three);
    CHECK_FALSE(updates[2]->message_changed());
    CHECK(updates[2]->message_to == State::sending);

    CHECK(message_state(store, single) == State::sent);
    CHECK(message_state(store, two) == State::sent);
    CHECK(message_state(store, three) == State::sending);
    CHECK(message_state(store, ended) == State::failed);
    const auto two_detail = store.get_message(two);
    CHECK(two_detail->parts[0].tp_mr == 7);
    CHECK(two_detail->parts[1].tp_mr == 11);
    CHECK(two_detail->parts[1].sent_at == at_seconds(7));
    CHECK(two_detail->message.updated_at == at_seconds(7));
    CHECK(store.get_message(single)->parts[0].tp_mr == 8);
    CHECK_FALSE(store.get_message(ended)->parts[0].tp_mr);

    // Each part's move with its TP-MR, then the message's, once.
    const auto history = store.message_history(two);
    REQUIRE(history.size() == 7);  // queued; 2 parts and the message to sending; 2 parts sent; sent
    CHECK(history[4].entity == "part");
    CHECK(history[4].from == State::sending);
    CHECK(history[4].to == State::sent);
    CHECK(history[4].detail == "TP-MR 7");
    CHECK(history[4].at == at_seconds(7));
    CHECK(history[5].detail == "TP-MR 11");
    CHECK(history[6].entity == "message");
    CHECK(history[6].from == State::sending);
    CHECK(history[6].to == State::sent);
    const auto single_history = store.message_history(single);
    REQUIRE(single_history.size() == 5);
    CHECK(single_history[3].detail == "TP-MR 8");
    CHECK(single_history[4].entity == "message");
    CHECK(single_history[4].to == State::sent);
    CHECK(store.message_history(ended).size() == 5);  // nothing added by the late result

    // One part at a time (mark_sent) takes the same path, and refuses a part
    // no longer sending, saying what it is.
    const auto last = store.mark_sent(part_of(three, 2), 14, at_seconds(8));
    CHECK_FALSE(last.message_changed());
    try {
        store.mark_sent(part_of(ended, 1), 15, at_seconds(8));
        FAIL("mark_sent accepted a failed part");
    } catch (const StoreError& e) {
        CHECK_THAT(e.what(), Catch::Contains("is failed, not sending"));
    }
    CHECK(store.mark_sent_many({}, at_seconds(9)).empty());
}

TEST_CASE("all parts of a message go through the modem that took its first part",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto three = insert(store, message("+491700000001", 3));
    const auto other = insert(store, message("+491700000002", 1), at_seconds(1));

    auto first = store.claim_next_parts("m1", at_seconds(2), 1);
    REQUIRE(first.size() == 1);
    CHECK(first[0].message_id == three);
    CHECK(first[0].seq == 1);
    CHECK(store.get_message(three)->message.modem == "m1");

    // m2 may not take part 2 or 3: it gets the other message.
    auto second = store.claim_next_parts("m2", at_seconds(2), 10);
    REQUIRE(second.size() == 1);
    CHECK(second[0].message_id == other);

    store.mark_sent(first[0].id, 1, at_seconds(3));
    auto rest = store.claim_next_parts("m1", at_seconds(4), 10);
    REQUIRE(rest.size() == 2);
    CHECK(rest[0].seq == 2);
    CHECK(rest[1].seq == 3);
    CHECK(rest[0].modem == "m1");
}

TEST_CASE("a message is bound to the SIM its modem held when it took the first part",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto two = insert(store, message("+491700000001", 2), at_seconds(0));
    const auto first = store.claim_next_parts("m1", at_seconds(1), 1, {}, {},
                                              Store::Written::later, "262011111111111");
    REQUIRE(first.size() == 1);
    store.mark_sent(first[0].id, 1, at_seconds(1));
    CHECK(store.get_message(two)->message.sim == std::optional<std::string>("262011111111111"));
    // The same modem with another SIM: the rest is not taken; a new message is.
    const auto fresh = insert(store, message("+491700000002", 1), at_seconds(2));
    const auto other = store.claim_next_parts("m1", at_seconds(3), 10, {}, {},
                                              Store::Written::later, "262022222222222");
    REQUIRE(other.size() == 1);
    CHECK(other[0].message_id == fresh);
    store.mark_sent(other[0].id, 2, at_seconds(3));
    CHECK(store.sims_awaited("m1", "262022222222222") ==
          std::vector<std::string>{"262011111111111"});
    CHECK(store.sims_awaited("m1", "262011111111111").empty());
    // A modem that does not tell its IMSI is taken for the same.
    const auto unknown = store.claim_next_parts("m1", at_seconds(4), 10);
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].message_id == two);
    // Back in the queue unsent (the modem went down): a requeue of a message
    // nothing of which went out releases the modem and the SIM with it.
    const auto loose = insert(store, message("+491700000003", 1), at_seconds(5));
    store.claim_next_parts("m1", at_seconds(6), 1, {}, {}, Store::Written::later,
                           "262022222222222");
    CHECK(store.get_message(loose)->message.sim == std::optional<std::string>("262022222222222"));
    store.requeue_modem_parts("m1", at_seconds(7), "");
    CHECK_FALSE(store.get_message(loose)->message.modem);
    CHECK_FALSE(store.get_message(loose)->message.sim);
    // The SIM stays away: the rest of what it began fails.
    const auto three = insert(store, message("+491700000004", 3), at_seconds(8));
    const auto begun = store.claim_next_parts("m2", at_seconds(9), 2, {}, {},
                                              Store::Written::later, "262033333333333");
    REQUIRE(begun.size() == 2);  // the one put back, and the first part of three
    CHECK(begun[0].message_id == loose);
    CHECK(begun[1].message_id == three);
    for (const auto& p : begun) store.mark_sent(p.id, 3, at_seconds(9));
    const auto updates = store.fail_bound_to_sim("m2", "262033333333333", "the SIM stayed away",
                                                 at_seconds(10));
    REQUIRE(updates.size() == 1);
    CHECK(updates[0].message_id == three);
    CHECK(message_state(store, three) == State::failed);
    CHECK(message_state(store, loose) == State::sent);
    // Asked for a modem by name and refused before anything went out: it keeps
    // its modem, and any SIM of it will do for the retry.
    NewMessage asked = message("+491700000005", 1);
    asked.requested_modem = "m3";
    const auto named = insert(store, asked, at_seconds(11));
    const auto tried = store.claim_next_parts("m3", at_seconds(12), 1, {}, {},
                                              Store::Written::later, "262044444444444");
    REQUIRE(tried.size() == 1);
    store.mark_failed(tried[0].id, "+CMS ERROR: 42", FailureKind::temporary, at_seconds(12));
    CHECK(store.get_message(named)->message.modem == std::optional<std::string>("m3"));
    CHECK_FALSE(store.get_message(named)->message.sim);
}

TEST_CASE("a requested modem is the only one that sends the message", "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    NewMessage m = message("+491700000001");
    m.requested_modem = "office-2";
    const auto id = insert(store, m);
    CHECK(store.claim_next_parts("office-1", at_seconds(1), 10).empty());
    auto claimed = store.claim_next_parts("office-2", at_seconds(1), 10);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].message_id == id);
}

TEST_CASE("route prefixes limit what a modem claims", "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto de = insert(store, message("+491700000001"));
    const auto at = insert(store, message("+436641234567"), at_seconds(1));
    std::vector<std::string> german = {"+49"};
    std::vector<std::string> austrian_or_swiss = {"+41", "+43"};
    auto claimed = store.claim_next_parts("de-modem", at_seconds(2), 10, german);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].message_id == de);
    claimed = store.claim_next_parts("at-modem", at_seconds(2), 10, austrian_or_swiss);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].message_id == at);
}

TEST_CASE("a temporary failure retries after the policy's backoff, then gives up",
          "[store][outbound]") {
    TempDir dir;
    StoreOptions options;
    options.retry.attempts = 3;
    options.retry.backoff = {10s, 60s};
    Store store(dir.file("q.db"), options);
    const auto id = insert(store, message("+491700000001", 2));

    auto p = store.claim_next_parts("m1", at_seconds(0), 1).at(0);
    CHECK(p.seq == 1);
    auto u =
        store.mark_failed(p.id, "+CMS ERROR: 42 congestion", FailureKind::temporary, at_seconds(0));
    CHECK(u.part_state == State::queued);
    REQUIRE(u.retry_at);
    CHECK(*u.retry_at == at_seconds(10));
    CHECK(u.message_to == State::queued);
    // Nothing of the message went out: it is free for any modem again.
    CHECK(!store.get_message(id)->message.modem);
    // Part 1 waits for its backoff; part 2 is due and binds the message to m2.
    auto second = store.claim_next_parts("m2", at_seconds(9), 10);
    REQUIRE(second.size() == 1);
    CHECK(second[0].seq == 2);
    store.mark_sent(second[0].id, 9, at_seconds(9));

    CHECK(store.claim_next_parts("m1", at_seconds(10), 10).empty());
    p = store.claim_next_parts("m2", at_seconds(10), 1).at(0);
    CHECK(p.seq == 1);
    CHECK(p.attempts == 2);
    u = store.mark_failed(p.id, "+CMS ERROR: 42 congestion", FailureKind::temporary,
                          at_seconds(10));
    CHECK(*u.retry_at == at_seconds(70));                 // the last backoff step repeats
    CHECK(store.get_message(id)->message.modem == "m2");  // partly sent: stays bound

    CHECK(store.claim_next_parts("m2", at_seconds(69), 1).empty());
    p = store.claim_next_parts("m2", at_seconds(70), 1).at(0);
    CHECK(p.attempts == 3);
    u = store.mark_failed(p.id, "+CMS ERROR: 42 congestion", FailureKind::temporary,
                          at_seconds(70));
    CHECK(u.part_state == State::failed);
    CHECK(!u.retry_at);
    CHECK(u.message_to == State::failed);
    auto got = store.get_message(id);
    CHECK_THAT(*got->message.error, Catch::Contains("gave up after 3 attempts"));
    CHECK_THAT(*got->message.error, Catch::Contains("part 1/2"));
    CHECK(store.claim_next_parts("m2", at_seconds(1000), 10).empty());
}

TEST_CASE("the rest of a message bound to a modem fails when the modem stays away",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto partly = insert(store, message("+491700000001", 3));
    const auto other = insert(store, message("+491700000002", 1));
    CHECK(store.modems_holding_messages().empty());
    auto p = store.claim_next_parts("m1", t0(), 1).at(0);
    REQUIRE(p.message_id == partly);
    store.mark_sent(p.id, 7, t0());
    store.requeue_modem_parts("m1", at_seconds(1));
    CHECK(store.modems_holding_messages() == std::vector<std::string>{"m1"});

    const auto updates = store.fail_bound_to("m1", "modem m1 unavailable", at_seconds(2), at_seconds(2));
    REQUIRE(updates.size() == 1);
    CHECK(updates[0].message_id == partly);
    CHECK(updates[0].message_to == State::failed);
    const auto got = store.get_message(partly);
    CHECK(got->message.state == State::failed);
    CHECK(got->message.error == "part 2/3: modem m1 unavailable");
    CHECK(got->parts[0].state == State::sent);
    CHECK(got->parts[1].state == State::failed);
    CHECK(got->parts[2].state == State::failed);
    CHECK(message_state(store, other) == State::queued);  // never bound: any modem sends it
    CHECK(store.modems_holding_messages().empty());
    CHECK(store.fail_bound_to("m1", "again", at_seconds(3), at_seconds(3)).empty());
}

namespace {
// A message whose send named a modem.
NewMessage asking_for(const std::string& modem, const std::string& recipient, int parts) {
    auto m = message(recipient, parts);
    m.requested_modem = modem;
    return m;
}
}  // namespace

TEST_CASE("a message that asked for a modem fails when that modem stays away, once it was due",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    auto later = asking_for("m1", "+491700000002", 1);
    later.not_before = at_seconds(100);  // scheduled: it waits from then
    const auto a = insert(store, asking_for("m1", "+491700000001", 2));
    const auto l = insert(store, later);
    const auto e = insert(store, asking_for("m2", "+491700000003", 1));
    const auto free = insert(store, message("+491700000004", 1));
    // Never claimed by any modem, yet waiting for one.
    CHECK(store.modems_holding_messages() == std::vector<std::string>{"m1", "m2"});

    const auto updates = store.fail_bound_to("m1", "modem m1 unavailable", at_seconds(50),
                                             at_seconds(10));
    REQUIRE(updates.size() == 1);
    CHECK(updates[0].message_id == a);
    CHECK(updates[0].message_to == State::failed);
    const auto got = store.get_message(a);
    CHECK(got->message.state == State::failed);
    CHECK_THAT(*got->message.error, Catch::Contains("modem m1 unavailable"));
    CHECK(got->parts[0].state == State::failed);
    CHECK(got->parts[1].state == State::failed);
    CHECK(message_state(store, l) == State::queued);
    CHECK(message_state(store, e) == State::queued);
    CHECK(message_state(store, free) == State::queued);
    CHECK(store.modems_holding_messages() == std::vector<std::string>{"m1", "m2"});

    // Due by then: it goes too.
    const auto again = store.fail_bound_to("m1", "modem m1 unavailable", at_seconds(200),
                                           at_seconds(100));
    REQUIRE(again.size() == 1);
    CHECK(again[0].message_id == l);
    CHECK(store.modems_holding_messages() == std::vector<std::string>{"m2"});
}

TEST_CASE("a message that asked for a modem and was sent part-way through it fails once",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto id = insert(store, asking_for("m1", "+491700000001", 3));
    auto p = store.claim_next_parts("m1", t0(), 1).at(0);
    REQUIRE(p.message_id == id);
    store.mark_sent(p.id, 7, t0());
    store.requeue_modem_parts("m1", at_seconds(1));
    // Bound to m1 and asking for it: one message, one update.
    const auto updates = store.fail_bound_to("m1", "gone", at_seconds(2), at_seconds(2));
    REQUIRE(updates.size() == 1);
    CHECK(updates[0].message_id == id);
    const auto got = store.get_message(id);
    CHECK(got->parts[0].state == State::sent);
    CHECK(got->parts[2].state == State::failed);
}

TEST_CASE("a permanent failure fails the message and its unsent parts at once",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto id = insert(store, message("+491700000001", 3));
    auto p = store.claim_next_parts("m1", t0(), 1).at(0);
    auto u = store.mark_failed(p.id, "+CMS ERROR: 21 short message transfer rejected",
                               FailureKind::permanent, t0());
    CHECK(u.part_state == State::failed);
    CHECK(u.message_from == State::sending);
    CHECK(u.message_to == State::failed);
    auto got = store.get_message(id);
    CHECK_THAT(*got->message.error, Catch::Contains("rejected"));
    CHECK(got->parts[0].attempts == 1);
    for (std::size_t i = 1; i < 3; ++i) {
        CHECK(got->parts[i].state == State::failed);
        CHECK(got->parts[i].error == "part 1/3 failed");
        CHECK(got->parts[i].attempts == 0);  // claimed ahead, never written
    }
    CHECK(store.claim_next_parts("m1", at_seconds(1), 10).empty());
}

TEST_CASE("a final failure also fails the siblings claimed with it, a retry leaves them claimed",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    // Claimed together (a fast modem claims ahead); the first is refused for good.
    const auto id = insert(store, message("+491700000001", 3));
    auto parts = store.claim_next_parts("m1", t0(), 3);
    REQUIRE(parts.size() == 3);
    store.mark_failed(parts[0].id, "+CMS ERROR: 21", FailureKind::permanent, t0());
    auto got = store.get_message(id);
    CHECK(got->message.state == State::failed);
    for (std::size_t i = 1; i < 3; ++i) {
        CHECK(got->parts[i].state == State::failed);
        CHECK(got->parts[i].error == "part 1/3 failed");
    }
    // The scheduler drops what it held: sending one now is refused.
    CHECK_THROWS_AS(store.mark_sent(parts[1].id, 3, t0()), StoreError);
    CHECK(store.requeue_modem_parts("m1", t0()).empty());
    CHECK(store.claim_next_parts("m1", at_seconds(1), 10).empty());

    // A temporary failure with attempts left: the siblings stay claimed until
    // the scheduler puts them back, then all three wait for the retry.
    const auto retried = insert(store, message("+491700000002", 3));
    parts = store.claim_next_parts("m1", t0(), 3);
    REQUIRE(parts.size() == 3);
    store.mark_failed(parts[0].id, "+CMS ERROR: 42", FailureKind::temporary, t0());
    CHECK(store.get_message(retried)->parts[1].state == State::sending);
    store.requeue_modem_parts("m1", t0());
    got = store.get_message(retried);
    CHECK(got->message.state == State::queued);
    for (const auto& part : got->parts) CHECK(part.state == State::queued);
}

TEST_CASE("a status report of failure stops the parts of its message still queued",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto window = std::chrono::milliseconds(24h);
    const auto id = insert(store, message("+4917001", 3));
    auto first = store.claim_next_parts("m1", t0(), 1).at(0);
    store.mark_sent(first.id, 7, at_seconds(1));
    auto r = store.match_status_report(report("m1", 7, "+4917001", 0x41), at_seconds(2), window);
    REQUIRE(r);
    CHECK(r->part_state == State::failed);
    CHECK(r->message_to == State::failed);
    auto got = store.get_message(id);
    for (std::size_t i = 1; i < 3; ++i) {
        CHECK(got->parts[i].state == State::failed);
        CHECK_THAT(got->parts[i].error.value_or(""), Catch::Contains("part 1/3 failed"));
    }
    CHECK(store.claim_next_parts("m1", at_seconds(3), 10).empty());

    // Expired at the SMSC: the rest expires with it. A part in AT+CMGS at that
    // moment ends on its own outcome.
    const auto late = insert(store, message("+4917002", 3));
    auto two = store.claim_next_parts("m1", at_seconds(4), 2);
    REQUIRE(two.size() == 2);
    store.mark_sent(two[0].id, 8, at_seconds(5));
    r = store.match_status_report(report("m1", 8, "+4917002", 0x46), at_seconds(6), window);
    REQUIRE(r);
    got = store.get_message(late);
    CHECK(got->parts[1].state == State::sending);
    CHECK(got->parts[2].state == State::expired);
    store.mark_sent(two[1].id, 9, at_seconds(7));
    CHECK(store.get_message(late)->message.state == State::expired);

    // Parts a fast modem claimed ahead and puts back unwritten end with the
    // message instead of going back to the queue; when the first part expired
    // at the SMSC (the message still says sending while parts are claimed),
    // they expire with it.
    struct Ending {
        std::string to;
        int tp_st, mr;
        State state;
        const char* reason;
    };
    for (const Ending& e : {Ending{"+4917003", 0x41, 10, State::failed, "not sent: part 1/3 failed"},
                            Ending{"+4917005", 0x46, 12, State::expired,
                                   "not sent: part 1/3 expired"}}) {
        INFO(e.reason);
        const auto ahead = insert(store, message(e.to, 3));
        const auto three = store.claim_next_parts("m1", at_seconds(8), 3);
        REQUIRE(three.size() == 3);
        store.mark_sent(three[0].id, e.mr, at_seconds(9));
        REQUIRE(store.match_status_report(report("m1", e.mr, e.to, e.tp_st), at_seconds(10), window));
        CHECK(store.get_message(ahead)->parts[1].state == State::sending);
        if (e.state == State::expired)
            CHECK(store.get_message(ahead)->message.state == State::sending);
        store.requeue_modem_parts("m1", at_seconds(11));
        got = store.get_message(ahead);
        CHECK(got->message.state == e.state);
        for (std::size_t i = 1; i < 3; ++i) {
            CHECK(got->parts[i].state == e.state);
            CHECK_THAT(got->parts[i].error.value_or(""), Catch::Contains(e.reason));
        }
        CHECK(store.claim_next_parts("m1", at_seconds(12), 10).empty());
    }

    // A part in AT+CMGS when the report came, refused for a while: not tried
    // again, the message can never be whole.
    const auto retried = insert(store, message("+4917004", 3));
    auto pair = store.claim_next_parts("m1", at_seconds(13), 2);
    REQUIRE(pair.size() == 2);
    store.mark_sent(pair[0].id, 11, at_seconds(14));
    REQUIRE(store.match_status_report(report("m1", 11, "+4917004", 0x41), at_seconds(15), window));
    const auto u = store.mark_failed(pair[1].id, "+CMS ERROR: 42", FailureKind::temporary,
                                     at_seconds(16));
    CHECK(u.part_state == State::failed);
    CHECK_FALSE(u.retry_at);
    got = store.get_message(retried);
    CHECK(got->message.state == State::failed);
    CHECK_THAT(got->parts[1].error.value_or(""), Catch::Contains("not tried again: part 1/3 failed"));
    CHECK(store.claim_next_parts("m1", at_seconds(3600), 10).empty());
}

TEST_CASE("a retry of a partly sent message stays on its modem", "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto id = insert(store, message("+491700000001", 2));
    auto parts = store.claim_next_parts("m1", t0(), 2);
    store.mark_sent(parts[0].id, 5, t0());
    store.mark_failed(parts[1].id, "+CMS ERROR: 42", FailureKind::temporary, t0());
    CHECK(store.get_message(id)->message.modem == "m1");
    CHECK(store.claim_next_parts("m2", at_seconds(3600), 10).empty());
    CHECK(store.claim_next_parts("m1", at_seconds(3600), 10).size() == 1);
}

TEST_CASE("transitions from the wrong state are refused", "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto id = insert(store, message("+491700000001"));
    const auto part = store.get_message(id)->parts[0].id;
    CHECK_THROWS_AS(store.mark_sent(part, 1, t0()), StoreError);  // still queued
    CHECK_THROWS_AS(store.mark_sent(987654, 1, t0()), StoreError);
}

TEST_CASE("a modem going down releases its messages of which nothing was sent",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto partly = insert(store, message("+491700000001", 2));
    const auto in_flight = insert(store, message("+491700000002"), at_seconds(1));
    const auto prefetched = insert(store, message("+491700000003", 2), at_seconds(2));
    const auto elsewhere = insert(store, message("+491700000004"), at_seconds(3));
    auto p1 = store.claim_next_parts("m1", at_seconds(4), 1).at(0);
    CHECK(p1.message_id == partly);
    store.mark_sent(p1.id, 1, at_seconds(5));
    // m1 claims three more parts: part 2 of `partly`, `in_flight`, and part 1 of
    // `prefetched`; m2 takes `elsewhere`.
    auto batch = store.claim_next_parts("m1", at_seconds(6), 3);
    REQUIRE(batch.size() == 3);
    CHECK(store.claim_next_parts("m2", at_seconds(6), 10).at(0).message_id == elsewhere);
    // m1 dies with `in_flight` in AT+CMGS; the daemon resolves that part first.
    store.mark_uncertain(batch[1].id, "modem unplugged during AT+CMGS", at_seconds(7));

    auto released = store.requeue_modem_parts("m1", at_seconds(8));
    REQUIRE(released.size() == 1);
    CHECK(released[0] == prefetched);
    auto pre = store.get_message(prefetched);
    CHECK(!pre->message.modem);
    CHECK(pre->message.state == State::queued);
    CHECK(pre->parts[0].attempts == 0);  // claimed but never written: no attempt
    // Partly sent stays bound to m1 with its unsent part queued for m1 only.
    auto part = store.get_message(partly);
    CHECK(part->message.modem == "m1");
    CHECK(part->parts[1].state == State::queued);
    CHECK(store.get_message(in_flight)->message.state == State::uncertain);
    // The message says why, as a failed one does: the user decides on a resend.
    CHECK(store.get_message(in_flight)->message.error ==
          "part 1/1: modem unplugged during AT+CMGS");
    CHECK(store.get_message(elsewhere)->parts[0].state == State::sending);  // m2's claim untouched

    auto m2 = store.claim_next_parts("m2", at_seconds(9), 10);
    REQUIRE(m2.size() == 2);
    CHECK(m2[0].message_id == prefetched);
    CHECK(m2[1].message_id == prefetched);
    auto m1 = store.claim_next_parts("m1", at_seconds(9), 10);
    REQUIRE(m1.size() == 1);
    CHECK(m1[0].message_id == partly);
}

TEST_CASE("after a crash every part written to a modem becomes uncertain and is never re-sent",
          "[store][outbound]") {
    TempDir dir;
    std::int64_t in_flight_message = 0, sent_message = 0, queued_message = 0;
    {
        Store store(dir.file("q.db"));
        in_flight_message = insert(store, message("+491700000001", 2));
        sent_message = insert(store, message("+491700000002"), at_seconds(1));
        queued_message = insert(store, message("+491700000003"), at_seconds(2));
        auto parts = store.claim_next_parts("m1", at_seconds(3), 3);
        REQUIRE(parts.size() == 3);
        CHECK_FALSE(parts[0].written);
        REQUIRE(store.mark_written(parts[0].id));
        store.mark_sent(parts[0].id, 1, at_seconds(4));  // part 1 of in_flight_message
        REQUIRE(store.mark_written(parts[2].id));
        store.mark_sent(parts[2].id, 2, at_seconds(4));  // sent_message
        // parts[1] (part 2/2) is "in AT+CMGS" when the process dies: the Store is
        // closed without any further call.
        REQUIRE(store.mark_written(parts[1].id));
        CHECK(store.get_message(in_flight_message)->parts[1].written);
        CHECK_FALSE(store.get_message(in_flight_message)->parts[0].written);  // sent: over
    }
    Store store(dir.file("q.db"));
    auto uncertain = store.recover_after_crash(at_seconds(60));
    REQUIRE(uncertain.size() == 1);
    CHECK(uncertain[0].message_id == in_flight_message);
    CHECK(uncertain[0].seq == 2);
    CHECK(uncertain[0].state == State::uncertain);
    CHECK(message_state(store, in_flight_message) == State::uncertain);
    CHECK(message_state(store, sent_message) == State::sent);
    CHECK(message_state(store, queued_message) == State::queued);
    // Nothing uncertain is handed out again, nor marked written; the queued message still is.
    CHECK_FALSE(store.mark_written(uncertain[0].id));
    auto next = store.claim_next_parts("m1", at_seconds(61), 10);
    REQUIRE(next.size() == 1);
    CHECK(next[0].message_id == queued_message);
    REQUIRE(store.mark_written(next[0].id));
    CHECK(store.recover_after_crash(at_seconds(62)).size() ==
          1);  // the claim above, in flight again
    auto history = store.message_history(in_flight_message);
    REQUIRE(history.size() >= 2);
    const auto& part_change = history[history.size() - 2];
    CHECK(part_change.entity == "part");
    CHECK(part_change.from == State::sending);
    CHECK(part_change.to == State::uncertain);
    REQUIRE(part_change.detail);
    CHECK_THAT(*part_change.detail, Catch::Contains("AT+CMGS"));
    CHECK(history.back().entity == "message");
    CHECK(history.back().to == State::uncertain);
}

TEST_CASE("after a crash a part claimed but never written goes back to the queue",
          "[store][outbound]") {
    TempDir dir;
    std::int64_t waiting = 0, partly = 0, ahead = 0;
    {
        Store store(dir.file("q.db"));
        waiting = insert(store, message("+491700000001"));  // behind an AT+CMGR
        partly = insert(store, message("+491700000002", 2), at_seconds(1));
        ahead = insert(store, message("+491700000003"), at_seconds(2));
        auto parts = store.claim_next_parts("m1", at_seconds(3), 3);
        REQUIRE(parts.size() == 3);  // waiting, partly 1/2, partly 2/2
        REQUIRE(store.mark_written(parts[1].id));
        store.mark_sent(parts[1].id, 9, at_seconds(4));
        // A fast modem's claim ahead is written with the claim.
        auto fast = store.claim_next_parts("m2", at_seconds(5), 1, {}, {},
                                           Store::Written::with_claim);
        REQUIRE(fast.size() == 1);
        CHECK(fast[0].message_id == ahead);
        CHECK(fast[0].written);
    }
    Store store(dir.file("q.db"));
    auto uncertain = store.recover_after_crash(at_seconds(60));
    REQUIRE(uncertain.size() == 1);
    CHECK(uncertain[0].message_id == ahead);
    // Back in the queue with no attempt counted; a message nothing of which went
    // out is free for any modem, a partly sent one stays with the modem that sent its start.
    auto first = store.get_message(waiting);
    CHECK(first->message.state == State::queued);
    CHECK(first->parts[0].state == State::queued);
    CHECK(first->parts[0].attempts == 0);
    CHECK_FALSE(first->parts[0].written);
    CHECK_FALSE(first->message.modem);
    auto second = store.get_message(partly);
    CHECK(second->parts[1].state == State::queued);
    CHECK(second->parts[1].attempts == 0);
    CHECK(second->message.modem == "m1");
    auto history = store.message_history(waiting);
    const auto back = std::find_if(history.rbegin(), history.rend(), [](const auto& c) {
        return c.entity == "part" && c.to == State::queued;
    });
    REQUIRE(back != history.rend());
    REQUIRE(back->detail);
    CHECK_THAT(*back->detail, Catch::Contains("not yet written") && Catch::Contains("m1"));
    // They are sent after the restart: m2 may take the free one, m1 the bound one.
    auto m2 = store.claim_next_parts("m2", at_seconds(61), 10);
    REQUIRE(m2.size() == 1);
    CHECK(m2[0].message_id == waiting);
    auto m1 = store.claim_next_parts("m1", at_seconds(61), 10);
    REQUIRE(m1.size() == 1);
    CHECK(m1[0].message_id == partly);
}

TEST_CASE("status reports match the most recent part with that MR and recipient",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto window = std::chrono::milliseconds(48h);
    // Message A to +4917001 gets MR 255, then 256 sends later MR wraps to 0 …
    const auto a = insert(store, message("+4917001"));
    const auto b = insert(store, message("+4917002"), at_seconds(1));
    const auto c = insert(store, message("+4917001"), at_seconds(2));
    auto parts = store.claim_next_parts("m1", at_seconds(3), 3);
    REQUIRE(parts.size() == 3);
    store.mark_sent(parts[0].id, 255, at_seconds(10));      // a
    store.mark_sent(parts[1].id, 256 + 7, at_seconds(20));  // b: MR wraps to 7
    store.mark_sent(parts[2].id, 7, at_seconds(30));        // c: the same MR 7, another recipient
    CHECK(store.get_message(b)->parts[0].tp_mr == 7);

    // Two recipients share MR 7: the recipient decides.
    auto rb = store.match_status_report(report("m1", 7, "+4917002", 0x00), at_seconds(40), window);
    REQUIRE(rb);
    CHECK(rb->message_id == b);
    CHECK(rb->part_state == State::delivered);
    CHECK(rb->message_to == State::delivered);
    auto rc = store.match_status_report(report("m1", 7, "+4917001", 0x00), at_seconds(41), window);
    REQUIRE(rc);
    CHECK(rc->message_id == c);

    // Wrong modem, unknown MR, or outside the window: no match.
    CHECK(!store.match_status_report(report("m2", 255, "+4917001", 0), at_seconds(42), window));
    CHECK(!store.match_status_report(report("m1", 100, "+4917001", 0), at_seconds(42), window));
    CHECK(!store.match_status_report(report("m1", 255, "+4917001", 0), at_seconds(10) + 49h, window));

    // SC still trying (TP-ST 0x21): recorded, still sent; then a permanent error.
    auto trying = store.match_status_report(report("m1", 255, "+4917001", 0x21), at_seconds(50), window);
    REQUIRE(trying);
    CHECK(trying->message_id == a);
    CHECK(trying->part_state == State::sent);
    CHECK(!trying->message_changed());
    CHECK(store.get_message(a)->parts[0].status == 0x21);
    auto failed = store.match_status_report(report("m1", 255, "+4917001", 0x41), at_seconds(60), window);
    REQUIRE(failed);
    CHECK(failed->part_state == State::failed);
    CHECK(failed->message_to == State::failed);
    CHECK_THAT(*store.get_message(a)->message.error, Catch::Contains("TP-ST 0x41"));
}

TEST_CASE("after the MR wraps, a report goes to the newer of two sends with the same MR",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto old_msg = insert(store, message("+4917001"));
    const auto new_msg = insert(store, message("+4917001"), at_seconds(1));
    auto parts = store.claim_next_parts("m1", at_seconds(2), 2);
    store.mark_sent(parts[0].id, 3, at_seconds(10));
    store.mark_sent(parts[1].id, 256 + 3, at_seconds(500));  // 256 sends later, MR 3 again
    auto r = store.match_status_report(report("m1", 3, "+4917001", 0), at_seconds(600),
                                       std::chrono::milliseconds(24h));
    REQUIRE(r);
    CHECK(r->message_id == new_msg);
    CHECK(message_state(store, old_msg) == State::sent);
    // A short window that no longer reaches the old send cannot pick it either.
    auto late = store.match_status_report(report("m1", 3, "+4917001", 0), at_seconds(700),
                                          std::chrono::milliseconds(100s));
    CHECK(!late);
}

TEST_CASE("a report goes to the part sent closest to the time the SMSC says it took it",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto window = std::chrono::milliseconds(24h * 8);
    const auto old_msg = insert(store, message("+4917001"));
    const auto new_msg = insert(store, message("+4917001"), at_seconds(1));
    auto parts = store.claim_next_parts("m1", at_seconds(2), 2);
    store.mark_sent(parts[0].id, 3, at_seconds(10));
    store.mark_sent(parts[1].id, 256 + 3, at_seconds(10) + 4 * 24h);  // 4 days and 256 sends later
    // The old part's report, four days late: its TP-SCTS (the SMSC's clock a
    // few minutes off) points at the old send, not at the latest.
    StatusReport late = report("m1", 3, "+4917001", 0);
    late.submitted_at = at_seconds(10) + 3min;
    auto r = store.match_status_report(late, at_seconds(10) + 5 * 24h, window);
    REQUIRE(r);
    CHECK(r->message_id == old_msg);
    CHECK(message_state(store, new_msg) == State::sent);
    StatusReport recent = report("m1", 3, "+4917001", 0);
    recent.submitted_at = at_seconds(10) + 4 * 24h - 2min;
    r = store.match_status_report(recent, at_seconds(10) + 5 * 24h, window);
    REQUIRE(r);
    CHECK(r->message_id == new_msg);
    // The recipient as an SMSC may write it (TON unknown, read as national)
    // with its international reading beside it.
    const auto third = insert(store, message("+4917002"), at_seconds(3));
    const auto part = store.claim_next_parts("m1", at_seconds(4), 1).at(0);
    store.mark_sent(part.id, 9, at_seconds(20));
    StatusReport unknown_ton = report("m1", 9, "+494917002", 0);
    CHECK_FALSE(store.match_status_report(unknown_ton, at_seconds(30), window));
    unknown_ton.recipient_alternative = "+4917002";
    r = store.match_status_report(unknown_ton, at_seconds(30), window);
    REQUIRE(r);
    CHECK(r->message_id == third);
}

TEST_CASE("a report that the validity period expired (TP-ST 0x46) makes the part expired",
          "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto id = insert(store, message("+4917001"));
    auto parts = store.claim_next_parts("m1", at_seconds(2), 1);
    store.mark_sent(parts[0].id, 9, at_seconds(10));
    auto r = store.match_status_report(report("m1", 9, "+4917001", 0x46), at_seconds(20),
                                       std::chrono::milliseconds(24h));
    REQUIRE(r);
    CHECK(r->part_state == State::expired);
    CHECK(r->message_to == State::expired);
    CHECK_THAT(store.get_message(id)->parts[0].error.value_or(""),
               Catch::Contains("TP-ST 0x46 (the validity period expired before delivery)"));
}

TEST_CASE("a message's state is derived from its parts", "[store][outbound]") {
    using S = State;
    auto derive = [](std::initializer_list<State> parts) {
        std::vector<State> v(parts);
        return derive_message_state(v);
    };
    CHECK(derive({S::queued, S::queued}) == S::queued);
    CHECK(derive({S::sending, S::queued}) == S::sending);
    CHECK(derive({S::sent, S::queued}) == S::sending);
    CHECK(derive({S::sent, S::sent}) == S::sent);
    CHECK(derive({S::delivered, S::sent}) == S::sent);
    CHECK(derive({S::delivered, S::delivered}) == S::delivered);
    CHECK(derive({S::delivered, S::failed}) == S::failed);
    CHECK(derive({S::sending, S::failed}) == S::failed);
    CHECK(derive({S::sent, S::uncertain}) == S::uncertain);
    CHECK(derive({S::uncertain, S::queued}) == S::sending);
    CHECK(derive({S::sent, S::expired}) == S::expired);
    CHECK(derive({S::cancelled, S::cancelled}) == S::cancelled);

    TempDir dir;
    Store store(dir.file("q.db"));
    const auto id = insert(store, message("+4917001", 2));
    auto parts = store.claim_next_parts("m1", t0(), 2);
    auto u = store.mark_sent(parts[0].id, 1, at_seconds(1));
    CHECK(u.message_to == State::sending);
    CHECK(!u.message_changed());
    u = store.mark_sent(parts[1].id, 2, at_seconds(2));
    CHECK(u.message_from == State::sending);
    CHECK(u.message_to == State::sent);
    u = *store.match_status_report(report("m1", 1, "+4917001", 0), at_seconds(3),
                                   std::chrono::milliseconds(1h));
    CHECK(u.message_to == State::sent);
    u = *store.match_status_report(report("m1", 2, "+4917001", 0), at_seconds(4),
                                   std::chrono::milliseconds(1h));
    CHECK(u.message_to == State::delivered);
    std::vector<State> message_states;
    for (const auto& c : store.message_history(id))
        if (c.entity == "message") message_states.push_back(c.to);
    CHECK(message_states ==
          std::vector<State>{State::queued, State::sending, State::sent, State::delivered});
}

TEST_CASE("cancel works only while nothing was handed to a modem", "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto waiting = insert(store, message("+4917001", 2));
    const auto started = insert(store, message("+4917002", 2), at_seconds(1));
    CHECK(store.cancel(waiting, at_seconds(2)) == CancelResult::cancelled);
    CHECK(message_state(store, waiting) == State::cancelled);
    auto cancelled = store.get_message(waiting);
    for (const auto& p : cancelled->parts) CHECK(p.state == State::cancelled);
    CHECK(store.cancel(waiting, at_seconds(3)) == CancelResult::already_final);

    auto p = store.claim_next_parts("m1", at_seconds(3), 1).at(0);
    CHECK(p.message_id == started);
    CHECK(store.cancel(started, at_seconds(4)) == CancelResult::already_sending);
    // Back in the queue after a temporary failure, still never sent: cancellable.
    store.mark_failed(p.id, "+CMS ERROR: 42", FailureKind::temporary, at_seconds(5));
    CHECK(store.cancel(started, at_seconds(6)) == CancelResult::cancelled);
    CHECK(store.cancel(424242, at_seconds(7)) == CancelResult::not_found);
    // A member's cancel: only what its uid submitted, checked before the state.
    auto own = message("+4917003");
    own.caller_uid = 1000;
    const auto owned = insert(store, own, at_seconds(7));
    CHECK(store.cancel(owned, at_seconds(8), 1001) == CancelResult::not_submitter);
    CHECK(store.cancel(waiting, at_seconds(8), 1000) == CancelResult::not_submitter);
    CHECK(message_state(store, owned) == State::queued);
    CHECK(store.cancel(owned, at_seconds(9), 1000) == CancelResult::cancelled);
    CHECK(store.claim_next_parts("m1", at_seconds(3600), 10).empty());
    CHECK(to_string(CancelResult::already_sending) == "already_sending");
}

TEST_CASE("expiry takes queued parts of messages past their expires_at", "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    NewMessage m = message("+4917001", 2);
    m.expires_at = at_seconds(60);
    const auto partly = insert(store, m);
    NewMessage n = message("+4917002");
    n.expires_at = at_seconds(60);
    const auto untouched = insert(store, n, at_seconds(1));
    NewMessage forever = message("+4917003");
    const auto no_expiry = insert(store, forever, at_seconds(2));

    auto p = store.claim_next_parts("m1", at_seconds(10), 1).at(0);
    store.mark_sent(p.id, 1, at_seconds(11));
    CHECK(store.expire(at_seconds(59)).empty());
    // Expired messages are not claimed even before expire() ran.
    auto claimable = store.claim_next_parts("m2", at_seconds(60), 10);
    REQUIRE(claimable.size() == 1);
    CHECK(claimable[0].message_id == no_expiry);

    auto updates = store.expire(at_seconds(60));
    REQUIRE(updates.size() == 2);
    CHECK(updates[0].message_id == partly);
    CHECK(updates[0].message_to == State::expired);
    CHECK(updates[1].message_id == untouched);
    CHECK(message_state(store, untouched) == State::expired);
    CHECK(store.expire(at_seconds(61)).empty());
}

TEST_CASE("message.list pages newest first with before_id and filters", "[store][outbound]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 25; ++i)
        ids.push_back(insert(store, message(i % 2 ? "+4917001" : "+4917002"), at_seconds(i)));
    std::vector<std::int64_t> seen;
    std::optional<std::int64_t> before;
    for (;;) {
        auto page = store.list_messages({}, before, 10);
        if (page.empty()) break;
        CHECK(page.size() <= 10);
        for (const auto& m : page) seen.push_back(m.id);
        before = page.back().id;
    }
    std::vector<std::int64_t> expected(ids.rbegin(), ids.rend());
    CHECK(seen == expected);

    MessageFilter to_one;
    to_one.recipient = "+4917001";
    auto odd = store.list_messages(to_one, std::nullopt, 100);
    CHECK(odd.size() == 12);
    for (const auto& m : odd) CHECK(m.recipient == "+4917001");

    store.claim_next_parts("m1", at_seconds(100), 3);
    MessageFilter sending;
    sending.state = State::sending;
    auto s = store.list_messages(sending, std::nullopt, 2);
    REQUIRE(s.size() == 2);
    CHECK(s[0].id == ids[2]);
    CHECK(s[1].id == ids[1]);
    CHECK(store.list_messages(sending, s[1].id, 10).size() == 1);

    MessageFilter window;
    window.since = at_seconds(5);
    window.until = at_seconds(8);
    CHECK(store.list_messages(window, std::nullopt, 100).size() == 3);
    CHECK(store.queue_length() == 25);
    auto stats = store.stats();
    CHECK(stats.messages[static_cast<std::size_t>(State::sending)] == 3);
    CHECK(stats.parts_queued == 22);
}

TEST_CASE("a report settles an uncertain part by the TP-MRs sent just before and after it",
          "[store][outbound][reports]") {
    TempDir dir;
    Store store(dir.file("s.db"));
    // 300 earlier sends on m1 whose TP-MRs wrap past 255, then 20, the part
    // whose answer was lost, and 22. The neighbours are the sends next to it
    // in time, whatever their TP-MR values.
    std::vector<NewMessage> batch;
    for (int i = 0; i < 303; ++i) batch.push_back(message("+4917001" + std::to_string(1000 + i)));
    store.insert_messages(batch, t0());
    const auto parts = store.claim_next_parts("m1", at_seconds(1), 303);
    REQUIRE(parts.size() == 303);
    for (int i = 0; i < 300; ++i)
        store.mark_sent(parts[static_cast<std::size_t>(i)].id, (i + 100) % 256, at_seconds(10 + i));
    store.mark_sent(parts[300].id, 20, at_seconds(400));
    store.mark_uncertain(parts[301].id, "no answer", at_seconds(401));
    store.mark_sent(parts[302].id, 22, at_seconds(402));
    const std::string recipient = "+49170011301";
    const auto lost = [&] { return store.get_message(parts[301].message_id)->parts.at(0); };
    REQUIRE(lost().state == State::uncertain);

    // TP-MR 30 follows neither neighbour: left for a person to decide.
    CHECK_FALSE(store.match_status_report(report("m1", 30, recipient, 0), at_seconds(403), 1h));
    CHECK(lost().state == State::uncertain);
    // 21 follows 20 (and precedes 22): the network took it, and delivered it.
    const auto settled = store.match_status_report(report("m1", 21, recipient, 0), at_seconds(404), 1h);
    REQUIRE(settled);
    CHECK(settled->part_id == parts[301].id);
    const Part part = lost();
    CHECK(part.state == State::delivered);
    CHECK(part.tp_mr == 21);
}
