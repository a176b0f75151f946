#include "daemon/dispatch/group_commit.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <pthread.h>
#include <sqlite3.h>

#include "daemon/store/sqlite.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::dispatch {

namespace {
constexpr int give_up_after = 3;  // failures of one operation on its own
constexpr auto retry_after = std::chrono::seconds(1);

// An error of the database itself, not of what an operation asked of it: the
// disk, its space, memory, a file that cannot be opened or written. It would
// fail whichever operation ran, so it is handled like a failed commit — every
// operation kept, tried again in a second, none given up (a result given up is
// a part that stays in sending and later counts as uncertain). Not BUSY or
// LOCKED: a batch holds the write lock from its BEGIN IMMEDIATE, so waiting
// for another writer fails the batch itself, and an operation that meets a
// lock afterwards has a fault of its own that would hold up every other.
bool database_failing(const std::exception& e) {
    const auto* store_error = dynamic_cast<const store::StoreError*>(&e);
    if (!store_error) return false;
    switch (store_error->sqlite_code() & 0xFF) {
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_NOMEM:
        case SQLITE_CANTOPEN:
        case SQLITE_PROTOCOL:
        case SQLITE_READONLY:
            return true;
        default:
            return false;
    }
}
}  // namespace

// The thread and its connection. The io_context hands it one batch at a time
// and learns of the outcome through a posted handler; the mutex guards `job`
// and `stopping` only.
struct GroupCommit::Writer {
    std::unique_ptr<store::Store> store;
    std::mutex mutex;
    std::condition_variable wake;
    std::optional<Ops> job;
    std::weak_ptr<GroupCommit> owner;
    bool stopping = false;
    std::thread thread;  // last: started once the rest exists

    void hand(Ops ops, std::weak_ptr<GroupCommit> to) {
        {
            std::lock_guard lock(mutex);
            job = std::move(ops);
            owner = std::move(to);
        }
        wake.notify_one();
    }

    void run(drivers::asio::io_context& io) {
        for (;;) {
            Ops ops;
            std::weak_ptr<GroupCommit> to;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [&] { return stopping || job.has_value(); });
                if (stopping) return;
                ops = std::move(*job);
                job.reset();
                to = owner;
            }
            Outcome outcome = write(*store, ops);
            boost::asio::post(io, [to, ops = std::move(ops), outcome]() mutable {
                if (auto self = to.lock()) self->written(std::move(ops), outcome);
            });
        }
    }
};

GroupCommit::GroupCommit(drivers::asio::io_context& io, store::Store& store)
    : io_(io), writer_(std::make_unique<Writer>()), timer_(io) {
    writer_->store = store.another_connection();
    writer_->thread = std::thread([w = writer_.get(), &io] {
        ::pthread_setname_np(::pthread_self(), "smsgwd-dispatch");  // for top -H, perf
        w->run(io);
    });
}

GroupCommit::~GroupCommit() {
    {
        std::lock_guard lock(writer_->mutex);
        writer_->stopping = true;
    }
    writer_->wake.notify_one();
    writer_->thread.join();
}

void GroupCommit::submit(Run run, Done done, Clock::time_point deadline, Prepare prepare) {
    if (closed_) return;
    queue_.push_back(Op{std::move(prepare), std::move(run), std::move(done), deadline, 0});
    if (!failing_) arm(deadline);
}

void GroupCommit::arm(Clock::time_point at) {
    if (armed_ && at >= armed_at_) return;
    armed_ = true;
    armed_at_ = at;
    timer_.expires_at(at);  // cancels an earlier wait; its handler sees the old generation
    std::weak_ptr<GroupCommit> weak = shared_from_this();
    timer_.async_wait([weak, generation = ++generation_](const boost::system::error_code&) {
        auto self = weak.lock();
        if (!self || generation != self->generation_) return;
        self->armed_ = false;
        self->start();
    });
}

void GroupCommit::start() {
    // Busy: written() starts the next batch with everything queued meanwhile.
    if (closed_ || queue_.empty() || writing_) return;
    Ops ops;
    ops.swap(queue_);
    for (auto& op : ops)
        if (op.prepare) op.prepare();
    writing_ = true;
    writer_->hand(std::move(ops), weak_from_this());
}

GroupCommit::Outcome GroupCommit::write(store::Store& store, Ops& ops) {
    Outcome outcome;
    outcome.failed_op = ops.size();
    const auto started = Clock::now();
    const std::int64_t changes_before = store.database().total_changes();
    try {
        // A batch in which an operation threw is rolled back whole and tried
        // again, so the operations need no savepoints of their own.
        store::Store::Batch batch(store, store::Store::Atomicity::all_or_nothing);
        for (std::size_t i = 0; i < ops.size(); ++i) {
            try {
                ops[i].run(store);
            } catch (const std::exception& e) {
                if (!database_failing(e)) outcome.failed_op = i;
                outcome.error = e.what();
                if (outcome.error.empty()) outcome.error = "an operation failed";
                break;
            }
        }
        if (outcome.error.empty()) {
            batch.commit();
            outcome.committed = true;
            outcome.wrote = store.database().total_changes() != changes_before;
        }
    } catch (const std::exception& e) {
        outcome.error = e.what();
    }
    outcome.took = Clock::now() - started;
    return outcome;
}

void GroupCommit::written(Ops ops, const Outcome& outcome) {
    writing_ = false;
    if (closed_) return;
    if (outcome.committed) {
        // Only commits that wrote: an idle sender's empty look costs no fsync.
        if (outcome.wrote) commit_time_ = (commit_time_ * 4 + outcome.took) / 5;
        if (failing_) spdlog::info("dispatch: the store commits again");
        failing_ = false;
        for (auto& op : ops)
            if (op.done) op.done(true);
        // Queued while this batch was written: its earliest deadline may be past.
        Clock::time_point due = Clock::time_point::max();
        for (const auto& op : queue_) due = std::min(due, op.deadline);
        if (!queue_.empty()) arm(due);
        notify_flushed();
        return;
    }
    // Nothing of this batch is on disk; every operation waits for the next try,
    // in the same order, before what was queued meanwhile. A commit that failed
    // (disk full, I/O error), or an operation that met such an error of the
    // database, is tried again in a second; an operation that threw for its
    // own reasons is tried again at once and, the third time, given up so that
    // it cannot hold up the others.
    const std::size_t failed_op = outcome.failed_op;
    const bool commit_failed = failed_op == ops.size();
    for (auto& op : queue_) ops.push_back(std::move(op));
    queue_.swap(ops);
    armed_ = false;  // the retry's time replaces whatever was armed
    if (commit_failed) {
        spdlog::error("dispatch: store write of {} operation(s) failed: {}; retrying in {} s",
                      queue_.size(), outcome.error, retry_after.count());
        failing_ = true;
        arm(Clock::now() + retry_after);
        notify_flushed();
        return;
    }
    Op& culprit = queue_[failed_op];
    if (++culprit.failures < give_up_after) {
        spdlog::warn("dispatch: a store operation failed ({}); trying again", outcome.error);
        arm(Clock::now());
        return;
    }
    spdlog::error("dispatch: a store operation failed {} times and is given up: {}", give_up_after,
                  outcome.error);
    Op dropped = std::move(culprit);
    queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(failed_op));
    arm(Clock::now());
    if (dropped.done) dropped.done(false);
}

void GroupCommit::flush(std::function<void()> then) {
    if (then) flushed_.push_back(std::move(then));
    if (!queue_.empty() && !failing_) arm(Clock::now());
    notify_flushed();
}

void GroupCommit::notify_flushed() {
    if (flushed_.empty() || !(idle() || failing_)) return;
    auto callbacks = std::move(flushed_);
    flushed_.clear();
    for (auto& cb : callbacks) boost::asio::post(io_, std::move(cb));
}

void GroupCommit::close() {
    closed_ = true;
    queue_.clear();
    flushed_.clear();
    timer_.cancel();
}

}  // namespace smsgw::dispatch
