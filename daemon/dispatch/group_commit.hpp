// The dispatcher's writes to the store, committed in groups on a thread of
// their own. Every commit of the store is an fsync (synchronous=FULL, see
// daemon/store/store.cpp): one per claim and one per result would cap eight
// modems far below their combined speed. Each queued operation says by when it
// must be durable — a claim before its part may be written to a modem, a
// result within a short delay — and the queue is committed as one
// Store::Batch at the earliest deadline, so the operations of every modem that
// arrived meanwhile share one fsync.
//
// The batch runs on a writer thread with its own SQLite connection
// (Store::another_connection), so the io_context keeps driving the modems —
// the next AT+CMGS, the next prompt — while the store works and the disk
// syncs. One batch is written at a time; what is queued meanwhile forms the
// next. Operations run in the order they were queued. Each has three steps:
// `prepare` on the io_context as its batch is handed over (it reads the
// dispatcher's state, which only that thread may touch), `run` on the writer
// inside the transaction (the store only), `done` on the io_context after the
// commit. A failed commit keeps them all and tries again; an operation that
// throws three times on its own is given up (done(false)).
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "drivers/asio.hpp"

namespace smsgw::store {
class Store;
}

namespace smsgw::dispatch {

class GroupCommit : public std::enable_shared_from_this<GroupCommit> {
  public:
    using Clock = std::chrono::steady_clock;
    using Prepare = std::function<void()>;             // on the io_context, before the batch
    using Run = std::function<void(store::Store&)>;    // on the writer, inside the batch
    using Done = std::function<void(bool committed)>;  // on the io_context, after it

    // Opens a second connection to store's database for the writer thread.
    GroupCommit(drivers::asio::io_context& io, store::Store& store);
    // Waits for the batch being written, then stops the writer.
    ~GroupCommit();
    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    // Queues `run`; it is committed no later than `deadline` allows (a deadline
    // already past: as soon as the io_context has run what is ready now, so
    // everything arriving in the same turn joins the same commit).
    void submit(Run run, Done done, Clock::time_point deadline, Prepare prepare = {});
    // Someone waits for what is queued: commit it in this io_context turn.
    void hurry() {
        if (!queue_.empty() && !failing_) arm(Clock::now());
    }
    // Commits what is queued now and calls `then` once nothing is queued or
    // being written — or once the store fails, so that a stop is not held up
    // by a broken disk (what could not be committed stays uncommitted).
    void flush(std::function<void()> then);
    // No more commits; queued operations are dropped without done().
    void close();

    bool idle() const { return queue_.empty() && !writing_; }
    bool failing() const { return failing_; }
    // A moving average of one commit's duration (fsync included).
    Clock::duration commit_time() const { return commit_time_; }

  private:
    struct Op {
        Prepare prepare;
        Run run;
        Done done;
        Clock::time_point deadline;
        int failures = 0;
    };
    using Ops = std::deque<Op>;
    struct Outcome {
        bool committed = false;
        bool wrote = false;  // committed rows (an empty batch costs no fsync)
        std::size_t failed_op = 0;  // == ops.size(): the commit itself failed
        std::string error;
        Clock::duration took{};
    };
    struct Writer;

    void arm(Clock::time_point at);
    void start();  // hands what is queued to the writer
    // On the writer: the ops and the commit, as one transaction.
    static Outcome write(store::Store& store, Ops& ops);
    // Back on the io_context: done() for each, or a retry.
    void written(Ops ops, const Outcome& outcome);
    void notify_flushed();

    drivers::asio::io_context& io_;
    std::unique_ptr<Writer> writer_;
    Ops queue_;
    drivers::asio::steady_timer timer_;
    bool armed_ = false;
    Clock::time_point armed_at_{};
    std::uint64_t generation_ = 0;
    bool writing_ = false;  // a batch is with the writer
    bool failing_ = false;
    bool closed_ = false;
    std::vector<std::function<void()>> flushed_;
    Clock::duration commit_time_ = std::chrono::milliseconds(5);
};

}  // namespace smsgw::dispatch
