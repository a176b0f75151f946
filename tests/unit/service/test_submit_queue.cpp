// SubmitQueue against a real Store file: submissions made in one turn of the
// io_context share one transaction on the writer thread, a lone one is
// committed on the spot, each waiter gets its own results in order, charging
// and non-charging submissions are separate transactions, a store failure
// reaches every waiter of its transaction but no other; and a Stream (a large
// send_batch handed over while validated) is one transaction, all or nothing.
#include <catch2/catch.hpp>

#include <functional>
#include <optional>

#include "daemon/core/clock.hpp"
#include "daemon/service/submit_queue.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/dispatch/dispatch_test_util.hpp"

using namespace smsgw;
using dispatch::test::run_until;
using dispatch::test::ScratchDir;
using service::SubmitQueue;
using Kind = store::InsertResult::Kind;

namespace {

store::NewMessage message(const std::string& to, std::int64_t cost = 0) {
    store::NewMessage m;
    m.recipient = to;
    m.text = "hello";
    m.cost = cost;
    m.parts.push_back({"0011000C9194710000000000FF0568656C6C6F", 18, std::nullopt});
    return m;
}

// What one submit() ended with.
struct Outcome {
    std::optional<std::vector<store::InsertResult>> results;
    std::string failure;
    bool done = false;
};

void submit(boost::asio::io_context& io, SubmitQueue& queue, std::vector<store::NewMessage> batch,
            bool charge, Outcome& out) {
    boost::asio::co_spawn(
        io,
        [&queue, &out, batch = std::move(batch), charge]() mutable -> drivers::awaitable<void> {
            try {
                out.results = co_await queue.submit(std::move(batch), charge);
            } catch (const std::exception& e) {
                out.failure = e.what();
            }
            out.done = true;
        },
        boost::asio::detached);
}

// A queue on a fresh database file, and the io_context it completes on.
struct Rig {
    ScratchDir dir;
    boost::asio::io_context io;
    store::Store store{dir.file("q.db")};
    std::optional<SubmitQueue> queue;
    Rig() { queue.emplace(io, store); }
};

}  // namespace

TEST_CASE("submissions of one turn share one transaction, a lone one is committed on the spot",
          "[service][submit]") {
    Rig rig;
    auto& [dir, io, store, q] = rig;
    SubmitQueue& queue = *q;

    std::vector<Outcome> outs(5);
    for (int i = 0; i < 5; ++i) {
        std::vector<store::NewMessage> batch;
        batch.push_back(message("+4917000000" + std::to_string(i)));
        if (i == 2) batch.push_back(message("+4917100000" + std::to_string(i)));
        submit(io, queue, std::move(batch), false, outs[static_cast<std::size_t>(i)]);
    }
    REQUIRE(run_until(io, [&] {
        for (const auto& o : outs)
            if (!o.done) return false;
        return true;
    }));
    auto stats = queue.stats();
    CHECK(stats.commits == 1);
    CHECK(stats.lone_commits == 0);
    CHECK(stats.messages == 6);
    CHECK(stats.largest_group == 6);
    CHECK(store.queue_length() == 6);
    // Each waiter has its own results, in its own order, all distinct messages.
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < outs.size(); ++i) {
        REQUIRE(outs[i].results);
        REQUIRE(outs[i].results->size() == (i == 2 ? 2u : 1u));
        for (const auto& r : *outs[i].results) {
            CHECK(r.kind == Kind::inserted);
            ids.push_back(r.message_id);
        }
    }
    CHECK(std::is_sorted(ids.begin(), ids.end()));
    CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
    REQUIRE(store.get_message(ids[2]));
    CHECK(store.get_message(ids[2])->message.recipient == "+49170000002");
    CHECK(store.get_message(ids[3])->message.recipient == "+49171000002");

    // One client waiting for each reply: nothing to share the fsync with.
    REQUIRE(run_until(io, [&] { return queue.idle(); }));
    Outcome lone;
    submit(io, queue, {message("+49170000099")}, false, lone);
    REQUIRE(run_until(io, [&] { return lone.done; }));
    REQUIRE(lone.results);
    CHECK(lone.results->at(0).kind == Kind::inserted);
    stats = queue.stats();
    CHECK(stats.commits == 2);
    CHECK(stats.lone_commits == 1);
    CHECK(store.queue_length() == 7);
}

TEST_CASE("charging and non-charging submissions are separate transactions",
          "[service][submit]") {
    Rig rig;
    auto& [dir, io, store, q] = rig;
    SubmitQueue& queue = *q;
    store.top_up(150, "EUR", std::nullopt, "test", core::now());

    Outcome charged, free_of_charge;
    submit(io, queue, {message("+4917000001", 100), message("+4917000002", 100)}, true, charged);
    submit(io, queue, {message("+4917000003", 100)}, false, free_of_charge);
    REQUIRE(run_until(io, [&] { return charged.done && free_of_charge.done; }));
    REQUIRE(charged.results);
    CHECK(charged.results->at(0).kind == Kind::inserted);
    CHECK(charged.results->at(1).kind == Kind::insufficient_balance);  // 50 left
    REQUIRE(free_of_charge.results);
    CHECK(free_of_charge.results->at(0).kind == Kind::inserted);
    CHECK(store.balance() == 50);
    CHECK(queue.stats().commits == 2);
}

TEST_CASE("a store failure reaches every waiter of its transaction and no other",
          "[service][submit]") {
    Rig rig;
    auto& [dir, io, store, q] = rig;
    SubmitQueue& queue = *q;

    store::NewMessage broken = message("+4917000001");
    broken.parts.clear();  // the store refuses a message without parts
    Outcome a, b, c;
    submit(io, queue, {message("+4917000002")}, false, a);
    submit(io, queue, {std::move(broken)}, false, b);
    submit(io, queue, {message("+4917000003")}, true, c);  // the other transaction
    REQUIRE(run_until(io, [&] { return a.done && b.done && c.done; }));
    CHECK_FALSE(a.results);
    CHECK(a.failure.find("without parts") != std::string::npos);
    CHECK_FALSE(b.results);
    CHECK(b.failure.find("without parts") != std::string::npos);
    REQUIRE(c.results);
    CHECK(c.results->at(0).kind == Kind::inserted);
    CHECK(store.queue_length() == 1);  // a's message was rolled back with b's
}

namespace {

// Streams n messages (to +49170…, in order) and waits for the commit.
void stream(boost::asio::io_context& io, SubmitQueue& queue, int n, Outcome& out,
            std::function<void(store::NewMessage&, int)> edit = {}) {
    boost::asio::co_spawn(
        io,
        [&queue, &out, n, edit]() -> drivers::awaitable<void> {
            try {
                auto batch = queue.stream(false);
                for (int i = 0; i < n; ++i) {
                    auto m = message("+49170" + std::to_string(1000000 + i));
                    if (edit) edit(m, i);
                    batch.add(std::move(m));
                }
                out.results = co_await batch.finish();
            } catch (const std::exception& e) {
                out.failure = e.what();
            }
            out.done = true;
        },
        boost::asio::detached);
}

}  // namespace

TEST_CASE("a streamed batch is one transaction with its results in order", "[service][submit]") {
    Rig rig;
    auto& [dir, io, store, q] = rig;
    SubmitQueue& queue = *q;
    const int n = static_cast<int>(SubmitQueue::stream_chunk) * 2 + 7;  // 3 hand-overs
    Outcome out, other;
    stream(io, queue, n, out, [](store::NewMessage& m, int i) {
        // The same key in the first and the last chunk: one message.
        if (i == 0 || i == n - 1) m.idempotency_key = "campaign-1";
    });
    submit(io, queue, {message("+4917000001")}, false, other);  // meanwhile
    REQUIRE(run_until(io, [&] { return out.done && other.done; }));
    REQUIRE(out.results);
    REQUIRE(out.results->size() == static_cast<std::size_t>(n));
    for (int i = 0; i + 1 < n; ++i) {
        const auto& r = (*out.results)[static_cast<std::size_t>(i)];
        CHECK(r.kind == Kind::inserted);
        REQUIRE(store.get_message(r.message_id));
        CHECK(store.get_message(r.message_id)->message.recipient ==
              "+49170" + std::to_string(1000000 + i));
    }
    CHECK(out.results->back().kind != Kind::inserted);
    CHECK(out.results->back().message_id == out.results->front().message_id);
    REQUIRE(other.results);
    CHECK(store.queue_length() == n - 1 + 1);
    const auto stats = queue.stats();
    CHECK(stats.commits == 2);
    CHECK(stats.largest_group == static_cast<std::size_t>(n));
}

TEST_CASE("a streamed batch is rolled back whole when a chunk fails or it is abandoned",
          "[service][submit]") {
    Rig rig;
    auto& [dir, io, store, q] = rig;
    SubmitQueue& queue = *q;
    const int n = static_cast<int>(SubmitQueue::stream_chunk) * 3;
    Outcome failed;
    stream(io, queue, n, failed, [&](store::NewMessage& m, int i) {
        if (i == n - 5) m.parts.clear();  // the store refuses it in the last chunk
    });
    REQUIRE(run_until(io, [&] { return failed.done; }));
    CHECK_FALSE(failed.results);
    CHECK(failed.failure.find("without parts") != std::string::npos);
    CHECK(store.queue_length() == 0);

    {   // validation threw half-way: the Stream is destroyed unfinished
        auto batch = queue.stream(false);
        for (int i = 0; i < n / 2; ++i) batch.add(message("+4917100000" + std::to_string(i % 10)));
    }
    // The writer let go of the store: other submissions and this thread's
    // own transactions go on.
    Outcome after;
    submit(io, queue, {message("+4917000002")}, false, after);
    REQUIRE(run_until(io, [&] { return after.done; }));
    REQUIRE(after.results);
    store.top_up(1, "EUR", std::nullopt, "test", core::now());
    CHECK(store.queue_length() == 1);
}
