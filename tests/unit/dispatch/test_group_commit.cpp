// GroupCommit against a real Store: operations queued together share one
// commit and learn of it afterwards, a deadline decides when, an operation
// that keeps failing is given up without taking the others with it; and the
// scheduler's startup() turns parts left in sending into uncertain ones.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <thread>

#include "daemon/core/clock.hpp"
#include "daemon/core/event_publisher.hpp"
#include "daemon/dispatch/group_commit.hpp"
#include "daemon/dispatch/outbound_scheduler.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/dispatch/dispatch_test_util.hpp"

using namespace smsgw;
using namespace std::chrono_literals;
using dispatch::GroupCommit;
using dispatch::test::run_until;
using dispatch::test::ScratchDir;

namespace {

store::NewMessage message(const std::string& to) {
    store::NewMessage m;
    m.recipient = to;
    m.text = "hello";
    m.parts.push_back({"0011000C9194710000000000FF0568656C6C6F", 18, std::nullopt});
    return m;
}

// An operation that queues one message to `to`.
GroupCommit::Run insert_to(const std::string& to) {
    return [to](store::Store& st) {
        auto m = message(to);
        st.insert_messages({&m, 1}, core::now());
    };
}

// A store file, its GroupCommit and the io_context it reports on.
struct CommitRig {
    ScratchDir dir;
    boost::asio::io_context io;
    store::Store store{dir.file("q.db")};
    std::shared_ptr<GroupCommit> commits = std::make_shared<GroupCommit>(io, store);
};

}  // namespace

TEST_CASE_METHOD(CommitRig, "operations queued together share one commit, done after it",
                 "[dispatch][commit]") {
    store::Store reader(dir.file("q.db"));
    std::vector<int> done;
    for (int i = 0; i < 3; ++i)
        commits->submit(
            insert_to("+4917000000" + std::to_string(i)),
            [&done, &reader, i](bool ok) {
                CHECK(ok);
                CHECK(reader.queue_length() == 3);  // all three are on disk
                done.push_back(i);
            },
            GroupCommit::Clock::now() + 50ms);
    CHECK(reader.queue_length() == 0);  // nothing before the deadline
    REQUIRE(run_until(io, [&] { return done.size() == 3; }));
    CHECK(done == std::vector<int>{0, 1, 2});
    CHECK(commits->idle());
}

TEST_CASE_METHOD(CommitRig,
                 "prepare reads the caller's state as the batch forms, run is on the writer thread",
                 "[dispatch][commit]") {
    store::Store reader(dir.file("q.db"));
    int state = 1;  // the dispatcher's, which only the io_context's thread touches
    int seen = 0;
    std::thread::id prepared_on, run_on;
    std::vector<std::string> order;
    commits->submit(
        [&, insert = insert_to("+491700000001")](store::Store& st) {
            run_on = std::this_thread::get_id();
            insert(st);
        },
        [&](bool ok) {
            CHECK(ok);
            order.push_back("done");
        },
        GroupCommit::Clock::now() + 1h,
        [&] {
            prepared_on = std::this_thread::get_id();
            seen = state;
        });
    state = 2;  // changed after submit, before the batch forms
    commits->flush([&] { order.push_back("flushed"); });
    REQUIRE(run_until(
        io, [&] { return order.size() == 2; }, 5s));
    CHECK(order == std::vector<std::string>{"done", "flushed"});
    CHECK(seen == 2);
    CHECK(prepared_on == std::this_thread::get_id());
    CHECK(run_on != std::this_thread::get_id());
    CHECK(reader.queue_length() == 1);
    CHECK(commits->idle());
}

TEST_CASE_METHOD(CommitRig, "what is queued while a batch is written forms the next one",
                 "[dispatch][commit]") {
    store::Store reader(dir.file("q.db"));
    std::vector<int> done;
    std::vector<std::int64_t> on_disk_at_done;
    const auto submit = [&](int i) {
        commits->submit(
            insert_to("+4917000000" + std::to_string(i)),
            [&, i](bool ok) {
                CHECK(ok);
                done.push_back(i);
                on_disk_at_done.push_back(reader.queue_length());
            },
            GroupCommit::Clock::now());
    };
    submit(0);
    // Runs the timer: the first batch is with the writer; the next two queue.
    io.poll();
    submit(1);
    submit(2);
    REQUIRE(run_until(
        io, [&] { return done.size() == 3; }, 5s));
    CHECK(done == std::vector<int>{0, 1, 2});
    CHECK(on_disk_at_done.front() >= 1);
    CHECK(on_disk_at_done.back() == 3);
    CHECK(commits->idle());
}

TEST_CASE_METHOD(CommitRig, "an earlier deadline brings the whole queue forward",
                 "[dispatch][commit]") {
    int done = 0;
    auto noop = [](store::Store&) {};
    commits->submit(
        noop, [&](bool) { ++done; }, GroupCommit::Clock::now() + 1h);
    commits->submit(
        noop, [&](bool) { ++done; }, GroupCommit::Clock::now());
    REQUIRE(run_until(
        io, [&] { return done == 2; }, 2s));
}

TEST_CASE_METHOD(CommitRig, "an operation that keeps failing is given up, the others commit",
                 "[dispatch][commit]") {
    std::optional<bool> bad_done, good_done;
    commits->submit(
        insert_to("+491700000001"), [&](bool ok) { good_done = ok; }, GroupCommit::Clock::now());
    commits->submit([](store::Store&) { throw std::runtime_error("broken"); },
                    [&](bool ok) { bad_done = ok; }, GroupCommit::Clock::now());
    REQUIRE(run_until(
        io, [&] { return good_done.has_value(); }, 10s));
    CHECK(*good_done);
    REQUIRE(bad_done.has_value());
    CHECK_FALSE(*bad_done);
    CHECK(store.queue_length() == 1);  // committed once, not once per retry
    CHECK_FALSE(commits->failing());
}

TEST_CASE_METHOD(CommitRig,
                 "an I/O error of the database is waited out, not blamed on the operation",
                 "[dispatch][commit]") {
    int tries = 0;
    std::optional<bool> done;
    commits->submit(
        [&tries](store::Store& st) {
            if (++tries <= 4) throw store::StoreError("disk I/O error", SQLITE_IOERR_WRITE);
            insert_to("+491700000001")(st);
        },
        [&](bool ok) { done = ok; }, GroupCommit::Clock::now());
    REQUIRE(run_until(
        io, [&] { return done.has_value(); }, 15s));
    CHECK(*done);  // more tries than an operation's own failures are allowed
    CHECK(tries == 5);
    CHECK(store.queue_length() == 1);
    CHECK_FALSE(commits->failing());
}

TEST_CASE_METHOD(CommitRig, "an operation that meets a lock is its own fault and is given up",
                 "[dispatch][commit]") {
    std::optional<bool> locked_done, good_done;
    commits->submit(
        [](store::Store&) { throw store::StoreError("database is locked", SQLITE_BUSY); },
        [&](bool ok) { locked_done = ok; }, GroupCommit::Clock::now());
    commits->submit(
        insert_to("+491700000001"), [&](bool ok) { good_done = ok; }, GroupCommit::Clock::now());
    REQUIRE(run_until(
        io, [&] { return good_done.has_value() && locked_done.has_value(); }, 10s));
    CHECK(*good_done);
    CHECK_FALSE(*locked_done);
    CHECK_FALSE(commits->failing());
}

TEST_CASE("startup makes every part left written in sending uncertain, and requeues the rest",
          "[dispatch][startup]") {
    ScratchDir dir;
    boost::asio::io_context io;
    store::Store store(dir.file("q.db"));
    core::EventPublisher events(nullptr);
    auto m = message("+491700000001");
    auto n = message("+491700000002");
    const auto id = store.insert_messages({&m, 1}, core::now()).at(0).message_id;
    const auto unwritten = store.insert_messages({&n, 1}, core::now()).at(0).message_id;
    const auto claimed = store.claim_next_parts("office-1", core::now(), 2);
    REQUIRE(claimed.size() == 2);
    REQUIRE(store.mark_written(claimed[0].id));  // in AT+CMGS, then a crash
    dispatch::OutboundScheduler scheduler(io, store, events);
    const auto parts = scheduler.startup();
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].message_id == id);
    CHECK(store.get_message(id)->message.state == store::State::uncertain);
    CHECK(store.get_message(unwritten)->message.state == store::State::queued);
}
