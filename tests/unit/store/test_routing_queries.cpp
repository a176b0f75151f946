// What the dispatcher adds to the store: exclusion prefixes (a modem without
// routes leaves another ready modem's recipients alone), the next due time the
// scheduler sleeps until, a modem's sent count for its daily cap, and Batch
// (group commit: several operations, one fsync).
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>

#include "store_test_util.hpp"

using namespace smsgw::store;
using namespace smsgw::store::test;
using namespace std::chrono_literals;

namespace {

std::int64_t insert(Store& store, NewMessage m, Time at = t0()) {
    auto r = store.insert_messages({&m, 1}, at);
    REQUIRE(r.at(0).kind == InsertResult::Kind::inserted);
    return r[0].message_id;
}

}  // namespace

TEST_CASE("exclusion prefixes keep a modem off another modem's recipients", "[store][routing]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto de = insert(store, message("+491700000001"));
    const auto at = insert(store, message("+436641234567"), at_seconds(1));
    const std::vector<std::string> german = {"+49"};
    auto claimed = store.claim_next_parts("any", at_seconds(2), 10, {}, german);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].message_id == at);
    claimed = store.claim_next_parts("any", at_seconds(2), 10);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].message_id == de);
}

TEST_CASE("exclusion prefixes combine with routes: the more specific route wins",
          "[store][routing]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto mobile = insert(store, message("+491511234567"));
    const auto landline = insert(store, message("+493012345678"), at_seconds(1));
    const std::vector<std::string> german = {"+49"};
    const std::vector<std::string> german_mobile = {"+4915"};
    auto claimed = store.claim_next_parts("de", at_seconds(2), 10, german, german_mobile);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].message_id == landline);
    claimed = store.claim_next_parts("de-mobile", at_seconds(2), 10, german_mobile);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].message_id == mobile);
}

TEST_CASE("exclusion prefixes do not apply to a message requested for or bound to the modem",
          "[store][routing]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    NewMessage requested = message("+491700000001");
    requested.requested_modem = "any";
    const auto asked = insert(store, requested);
    const auto two_parts = insert(store, message("+491700000002", 2), at_seconds(1));
    const std::vector<std::string> german = {"+49"};

    auto claimed = store.claim_next_parts("any", at_seconds(2), 1, {}, german);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].message_id == asked);

    // Part 1 went out through "any" while no other modem routed +49; part 2
    // follows it even now that one does.
    claimed = store.claim_next_parts("any", at_seconds(2), 1);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].message_id == two_parts);
    store.mark_sent(claimed[0].id, 7, at_seconds(3));
    claimed = store.claim_next_parts("any", at_seconds(4), 10, {}, german);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].message_id == two_parts);
    CHECK(claimed[0].seq == 2);
}

TEST_CASE("next_due_time is the earliest not_before or retry still ahead", "[store][routing]") {
    TempDir dir;
    StoreOptions options;
    options.retry.backoff = {30s};
    Store store(dir.file("q.db"), options);
    CHECK_FALSE(store.next_due_time(t0()));

    insert(store, message("+491700000001"));  // due at once
    CHECK_FALSE(store.next_due_time(t0()));   // nothing *after* now

    NewMessage later = message("+491700000002");
    later.not_before = at_seconds(100);
    insert(store, later);
    CHECK(store.next_due_time(t0()) == at_seconds(100));

    auto p = store.claim_next_parts("m1", at_seconds(1), 1).at(0);
    store.mark_failed(p.id, "+CMS ERROR: 42", FailureKind::temporary, at_seconds(1));
    CHECK(store.next_due_time(at_seconds(1)) == at_seconds(31));
    CHECK(store.next_due_time(at_seconds(31)) == at_seconds(100));
    CHECK_FALSE(store.next_due_time(at_seconds(100)));
}

TEST_CASE("sent_count counts the parts a modem handed over since a time", "[store][routing]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    insert(store, message("+491700000001", 3));
    insert(store, message("+491700000002", 1), at_seconds(1));
    auto parts = store.claim_next_parts("m1", at_seconds(1), 3);
    REQUIRE(parts.size() == 3);
    store.mark_sent(parts[0].id, 1, at_seconds(2));
    store.mark_sent(parts[1].id, 2, at_seconds(5));
    store.mark_failed(parts[2].id, "+CMS ERROR: 21", FailureKind::permanent, at_seconds(5));
    auto other = store.claim_next_parts("m2", at_seconds(6), 1);
    REQUIRE(other.size() == 1);
    store.mark_sent(other[0].id, 1, at_seconds(6));
    CHECK(store.sent_count("m1", t0()) == 2);
    CHECK(store.sent_count("m1", at_seconds(3)) == 1);
    CHECK(store.sent_count("m2", t0()) == 1);
    CHECK(store.sent_count("m3", t0()) == 0);
}

TEST_CASE("a Batch commits several operations together", "[store][batch]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    Store reader(dir.file("q.db"));
    {
        Store::Batch batch(store);
        insert(store, message("+491700000001"));
        insert(store, message("+491700000002"), at_seconds(1));
        auto claimed = store.claim_next_parts("m1", at_seconds(2), 1);
        REQUIRE(claimed.size() == 1);
        CHECK(store.queue_length() == 2);   // the batch sees its own writes…
        CHECK(reader.queue_length() == 0);  // …nobody else does before the commit
        batch.commit();
    }
    CHECK(reader.queue_length() == 2);
    CHECK(reader.get_message(1)->message.state == State::sending);
}

TEST_CASE("an operation that throws inside a Batch undoes only itself", "[store][batch]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto id = insert(store, message("+491700000001", 2));
    {
        Store::Batch batch(store);
        auto claimed = store.claim_next_parts("m1", at_seconds(1), 1);
        REQUIRE(claimed.size() == 1);
        const auto queued_part = store.get_message(id)->parts.at(1).id;
        // Part 2 is queued, not sending: refused, and nothing of it is kept.
        CHECK_THROWS_AS(store.mark_sent(queued_part, 3, at_seconds(2)), StoreError);
        store.mark_sent(claimed[0].id, 2, at_seconds(2));
        batch.commit();
    }
    const auto d = store.get_message(id);
    CHECK(d->parts[0].state == State::sent);
    CHECK(d->parts[1].state == State::queued);
    CHECK_FALSE(d->parts[1].tp_mr);
}

TEST_CASE("a Batch destroyed without commit undoes everything", "[store][batch]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    {
        Store::Batch batch(store);
        insert(store, message("+491700000001"));
        store.add_optout({0, "+491700000009", "STOP", t0(), std::nullopt, "keyword", std::nullopt, std::nullopt}, false);
    }
    CHECK(store.queue_length() == 0);
    CHECK_FALSE(store.get_optout("+491700000009"));
    // The connection is usable again afterwards.
    insert(store, message("+491700000001"));
    CHECK(store.queue_length() == 1);
}

TEST_CASE("an all-or-nothing Batch opens no savepoints and still undoes everything",
          "[store][batch]") {
    TempDir dir;
    Store store(dir.file("q.db"));
    const auto savepoints = [&] {
        const auto sql = store.database().prepared_sql();
        return std::count(sql.begin(), sql.end(), std::string("SAVEPOINT op"));
    };
    const auto id = insert(store, message("+491700000001", 2));
    {
        Store::Batch batch(store, Store::Atomicity::all_or_nothing);
        auto claimed = store.claim_next_parts("m1", at_seconds(1), 2);
        REQUIRE(claimed.size() == 2);
        store.mark_sent(claimed[0].id, 2, at_seconds(2));
        batch.commit();
    }
    CHECK(savepoints() == 0);
    CHECK(store.get_message(id)->parts[0].state == State::sent);
    {
        Store::Batch batch(store, Store::Atomicity::all_or_nothing);
        store.mark_sent(store.get_message(id)->parts[1].id, 3, at_seconds(3));
        insert(store, message("+491700000002"));
        // not committed: the caller rolls the whole batch back
    }
    CHECK(savepoints() == 0);
    CHECK(store.get_message(id)->parts[1].state == State::sending);
    {
        // A committed Batch still alive does not reset the mode of the next one.
        std::optional<Store::Batch> first(std::in_place, store, Store::Atomicity::all_or_nothing);
        first->commit();
        Store::Batch second(store, Store::Atomicity::all_or_nothing);
        first.reset();
        insert(store, message("+491700000004"));
        // not committed either
    }
    CHECK(savepoints() == 0);
    CHECK(store.queue_length() == 1);
    // The next Batch nests with savepoints again, and a lone operation is its own transaction.
    {
        Store::Batch batch(store);
        store.mark_sent(store.get_message(id)->parts[1].id, 3, at_seconds(3));
        batch.commit();
    }
    CHECK(savepoints() == 1);
    CHECK(store.get_message(id)->message.state == State::sent);
    insert(store, message("+491700000003"));
    CHECK(store.queue_length() == 1);
}
