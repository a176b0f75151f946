// Two connections of one process (the daemon's io_context and its submission
// writer) write at the same time: with SQLite's busy timeout at zero, every
// collision on the write lock would be an error, so none surfacing shows they
// take turns through the shared write gate. Idempotency keys hold across them.
#include <catch2/catch.hpp>

#include <thread>

#include "store_test_util.hpp"

using namespace smsgw::store;
using namespace smsgw::store::test;
using Kind = InsertResult::Kind;

TEST_CASE("two connections of one process take turns to write", "[store][connections]") {
    TempDir dir;
    StoreOptions options;
    options.busy_timeout = std::chrono::milliseconds(0);
    Store first(dir.file("q.db"), options);
    auto second = first.another_connection();
    CHECK(second->schema_version() == Store::latest_schema_version());

    constexpr int per_thread = 200;
    std::vector<std::int64_t> ids_first, ids_second;
    const auto writer = [](Store& store, const std::string& prefix,
                           std::vector<std::int64_t>& ids) {
        for (int i = 0; i < per_thread; ++i) {
            NewMessage m = message(prefix + std::to_string(1000 + i));
            // Every tenth key is shared by both writers: stored once.
            if (i % 10 == 0) m.idempotency_key = "shared-" + std::to_string(i);
            auto r = store.insert_messages({&m, 1}, t0());
            ids.push_back(r.at(0).message_id);
        }
    };
    std::string error;
    std::thread other([&] {
        try {
            writer(*second, "+4917100", ids_second);
        } catch (const std::exception& e) {
            error = e.what();
        }
    });
    writer(first, "+4917000", ids_first);
    other.join();
    REQUIRE(error.empty());

    CHECK(first.queue_length() == 2 * per_thread - per_thread / 10);
    for (int i = 0; i < per_thread; i += 10) {
        const auto k = static_cast<std::size_t>(i);
        CHECK(ids_first[k] == ids_second[k]);  // the same message for the same key
    }
    // Each connection reads what the other committed.
    CHECK(second->get_message(ids_first.back()));
    CHECK(first.get_message(ids_second.back()));
}

TEST_CASE("a retry policy set on one connection holds on the others", "[store][connections]") {
    TempDir dir;
    StoreOptions options;
    options.retry.attempts = 1;  // the start's: give up at the first temporary error
    Store first(dir.file("q.db"), options);
    auto second = first.another_connection();
    auto third = second->another_connection();  // made from a sibling: the same policy
    RetryPolicy reloaded;
    reloaded.attempts = 3;
    reloaded.backoff = {std::chrono::seconds(7)};
    first.set_retry_policy(reloaded);
    CHECK(third->retry_policy().attempts == 3);

    const NewMessage m = message("+491700000001");
    const auto id = first.insert_messages({&m, 1}, t0()).at(0).message_id;
    auto p = second->claim_next_parts("m1", t0(), 1).at(0);
    REQUIRE(p.message_id == id);
    const auto u = second->mark_failed(p.id, "+CMS ERROR: 42", FailureKind::temporary, t0());
    CHECK(u.part_state == State::queued);  // retried, as the new policy says
    REQUIRE(u.retry_at);
    CHECK(*u.retry_at == t0() + std::chrono::seconds(7));
}
