#include "daemon/dispatch/group_commit.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/store/store.hpp"

namespace smsgw::dispatch {

namespace {
constexpr int give_up_after = 3;  // failures of one operation on its own
constexpr auto retry_after = std::chrono::seconds(1);
}  // namespace

GroupCommit::GroupCommit(drivers::asio::io_context& io, store::Store& store)
    : io_(io), store_(store), timer_(io) {}

void GroupCommit::submit(Run run, Done done, Clock::time_point deadline) {
    if (closed_) return;
    queue_.push_back(Op{std::move(run), std::move(done), deadline, 0});
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
        self->flush();
    });
}

void GroupCommit::flush() {
    if (closed_ || queue_.empty()) return;
    if (flushing_) {  // called from a done() callback: the next turn commits it
        arm(Clock::now());
        return;
    }
    struct Flushing {
        bool& flag;
        explicit Flushing(bool& f) : flag(f) { flag = true; }
        ~Flushing() { flag = false; }
    } flushing(flushing_);
    std::deque<Op> ops;
    ops.swap(queue_);
    const auto started = Clock::now();
    const std::size_t batch_size = ops.size();
    std::size_t failed_op = batch_size;  // batch_size: the commit itself failed
    std::string error;
    bool committed = false;
    try {
        store::Store::Batch batch(store_);
        for (std::size_t i = 0; i < ops.size(); ++i) {
            try {
                ops[i].run(store_);
            } catch (const std::exception& e) {
                failed_op = i;
                error = e.what();
                break;
            }
        }
        if (failed_op == batch_size) {
            batch.commit();
            committed = true;
        }
    } catch (const std::exception& e) {
        error = e.what();
    }
    if (committed) {
        commit_time_ = (commit_time_ * 4 + (Clock::now() - started)) / 5;
        if (failing_) spdlog::info("dispatch: the store commits again");
        failing_ = false;
        for (auto& op : ops)
            if (op.done) op.done(true);
        return;
    }
    // Nothing of this batch is on disk; every operation waits for the next try,
    // in the same order. A commit that failed (disk full, I/O error) is tried
    // again in a second; an operation that threw is tried again at once and,
    // the third time, given up so that it cannot hold up the others.
    for (auto& op : queue_) ops.push_back(std::move(op));  // queued meanwhile
    queue_.swap(ops);
    armed_ = false;
    if (failed_op == batch_size) {
        spdlog::error("dispatch: store commit of {} operation(s) failed: {}; retrying in {} s",
                      queue_.size(), error, retry_after.count());
        failing_ = true;
        arm(Clock::now() + retry_after);
        return;
    }
    Op& culprit = queue_[failed_op];
    if (++culprit.failures < give_up_after) {
        spdlog::warn("dispatch: a store operation failed ({}); trying again", error);
        arm(Clock::now());
        return;
    }
    spdlog::error("dispatch: a store operation failed {} times and is given up: {}", give_up_after,
                  error);
    Op dropped = std::move(culprit);
    queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(failed_op));
    arm(Clock::now());
    if (dropped.done) dropped.done(false);
}

void GroupCommit::close() {
    closed_ = true;
    queue_.clear();
    timer_.cancel();
}

}  // namespace smsgw::dispatch
