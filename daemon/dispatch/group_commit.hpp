// The dispatcher's writes to the store, committed in groups. Every commit of
// the store is an fsync (synchronous=FULL, see daemon/store/store.cpp), which
// costs milliseconds and blocks the one io_context thread: one per claim and
// one per result would cap eight modems far below their combined speed. Each
// queued operation says by when it must be durable — a claim before its part
// may be written to a modem, a result within a short delay — and the queue is
// committed as one Store::Batch at the earliest deadline, so the operations of
// every modem that arrived meanwhile share one fsync. Operations run in the
// order they were queued. A failed commit keeps them all and tries again; an
// operation that throws three times on its own is given up (done(false)).
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>

#include "drivers/asio.hpp"

namespace smsgw::store {
class Store;
}

namespace smsgw::dispatch {

class GroupCommit : public std::enable_shared_from_this<GroupCommit> {
  public:
    using Clock = std::chrono::steady_clock;
    using Run = std::function<void(store::Store&)>;    // inside the batch
    using Done = std::function<void(bool committed)>;  // after it

    GroupCommit(drivers::asio::io_context& io, store::Store& store);

    // Queues `run`; it is committed no later than `deadline` allows (a deadline
    // already past: as soon as the io_context has run what is ready now, so
    // everything arriving in the same turn joins the same commit).
    void submit(Run run, Done done, Clock::time_point deadline);
    // Someone waits for what is queued: commit it in this io_context turn.
    void hurry() {
        if (!queue_.empty() && !failing_) arm(Clock::now());
    }
    // Commits what is queued, now.
    void flush();
    // No more commits; queued operations are dropped without done().
    void close();

    bool idle() const { return queue_.empty(); }
    bool failing() const { return failing_; }
    // A moving average of one commit's duration (fsync included).
    Clock::duration commit_time() const { return commit_time_; }

  private:
    struct Op {
        Run run;
        Done done;
        Clock::time_point deadline;
        int failures = 0;
    };
    void arm(Clock::time_point at);

    drivers::asio::io_context& io_;
    store::Store& store_;
    std::deque<Op> queue_;
    drivers::asio::steady_timer timer_;
    bool armed_ = false;
    Clock::time_point armed_at_{};
    std::uint64_t generation_ = 0;
    bool failing_ = false;
    bool flushing_ = false;  // done() callbacks run inside flush()
    bool closed_ = false;
    Clock::duration commit_time_ = std::chrono::milliseconds(5);
};

}  // namespace smsgw::dispatch
