#include "daemon/service/submit_queue.hpp"

#include <boost/asio/post.hpp>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include <pthread.h>

#include "daemon/core/clock.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::service {

// Owned by the io_context's thread except for messages, charge_wallet, results
// and failure, which the writer reads and fills between taking the waiter from
// `pending` and posting its completion back, and the Stream fields, which the
// Writer's mutex guards.
struct SubmitQueue::Waiter {
    explicit Waiter(asio::io_context& io) : done(io) {
        done.expires_at(asio::steady_timer::time_point::max());
    }
    std::vector<store::NewMessage> messages;
    bool charge_wallet = false;
    std::vector<store::InsertResult> results;
    std::exception_ptr failure;
    bool finished = false;
    asio::steady_timer done;  // cancelled when finished: a timer used as an event

    // A Stream: messages arrive in `incoming` until sealed (or abandoned).
    bool streamed = false;
    std::vector<store::NewMessage> incoming;
    bool sealed = false;
    bool abandoned = false;
};

struct SubmitQueue::Writer {
    std::unique_ptr<store::Store> store;
    mutable std::mutex mutex;  // guards everything below
    std::condition_variable wake;
    Group pending;
    bool writing = false;
    bool stopping = false;
    SubmitStats stats;
    std::thread thread;  // last: started once the rest exists

    void count(std::size_t messages, bool lone) {
        std::lock_guard lock(mutex);
        ++stats.commits;
        if (lone) ++stats.lone_commits;
        stats.messages += messages;
        stats.largest_group = std::max(stats.largest_group, messages);
    }

    void run(asio::io_context& io) {
        for (;;) {
            Group taken;
            {
                std::unique_lock lock(mutex);
                writing = false;
                wake.wait(lock, [&] { return stopping || !pending.empty(); });
                if (stopping) return;
                taken.swap(pending);
                writing = true;
            }
            // Submissions share a transaction; a Stream has its own.
            Group group;
            const auto commit_group = [&] {
                if (group.empty()) return;
                write_group(*store, group, *this, false);
                asio::post(io, [done = std::move(group)] { finish(done); });
                group.clear();
            };
            for (auto& w : taken) {
                if (!w->streamed) {
                    group.push_back(std::move(w));
                    continue;
                }
                commit_group();
                write_stream(*w, *this);
                asio::post(io, [done = Group{std::move(w)}] { finish(done); });
            }
            commit_group();
        }
    }
};

// Waiters that charge and waiters that do not (the wallet was switched in
// between) cannot share a call; each kind is one transaction.
void SubmitQueue::write_group(store::Store& store, const Group& group, Writer& writer,
                              bool lone) {
    for (const bool charge : {false, true}) {
        std::vector<store::NewMessage> all;
        all.reserve(group.size());
        std::vector<Waiter*> members;
        for (const auto& w : group) {
            if (w->charge_wallet != charge) continue;
            members.push_back(w.get());
            for (auto& m : w->messages) all.push_back(std::move(m));
        }
        if (members.empty()) continue;
        try {
            auto results = store.insert_messages(all, core::now(), charge);
            std::size_t at = 0;
            for (Waiter* w : members) {
                const std::size_t n = w->messages.size();
                w->results.assign(results.begin() + static_cast<std::ptrdiff_t>(at),
                                  results.begin() + static_cast<std::ptrdiff_t>(at + n));
                at += n;
            }
            writer.count(all.size(), lone);
        } catch (...) {
            for (Waiter* w : members) w->failure = std::current_exception();
        }
    }
}

void SubmitQueue::write_stream(Waiter& waiter, Writer& writer) {
    const auto now = core::now();
    std::vector<store::InsertResult> results;
    try {
        std::optional<store::Store::Batch> batch;  // opened with the first chunk
        for (;;) {
            std::vector<store::NewMessage> chunk;
            {
                std::unique_lock lock(writer.mutex);
                writer.wake.wait(lock, [&] {
                    return writer.stopping || waiter.abandoned || waiter.sealed ||
                           !waiter.incoming.empty();
                });
                if (writer.stopping || waiter.abandoned) {  // rolled back
                    // Whoever still waits learns that nothing was stored,
                    // rather than finding no result for its messages.
                    waiter.failure = std::make_exception_ptr(std::runtime_error(
                        "the batch was not stored: smsgwd is stopping"));
                    return;
                }
                chunk.swap(waiter.incoming);
                if (chunk.empty()) break;  // sealed, and everything is inserted
            }
            if (!batch) batch.emplace(*writer.store);
            auto inserted = writer.store->insert_messages(chunk, now, waiter.charge_wallet);
            results.insert(results.end(), std::make_move_iterator(inserted.begin()),
                           std::make_move_iterator(inserted.end()));
        }
        if (batch) batch->commit();
        writer.count(results.size(), false);
        waiter.results = std::move(results);
    } catch (...) {
        waiter.failure = std::current_exception();
    }
}

void SubmitQueue::finish(const Group& group) {
    for (const auto& w : group) {
        w->finished = true;
        w->done.cancel();
    }
}

SubmitQueue::SubmitQueue(asio::io_context& io, store::Store& store)
    : io_(io), store_(store), writer_(std::make_unique<Writer>()) {
    writer_->store = store.another_connection();
    writer_->thread = std::thread([this] {
        ::pthread_setname_np(::pthread_self(), "smsgwd-submit");  // for top -H, perf
        writer_->run(io_);
    });
}

SubmitQueue::~SubmitQueue() {
    {
        std::lock_guard lock(writer_->mutex);
        writer_->stopping = true;
        writer_->pending.clear();
    }
    writer_->wake.notify_one();
    writer_->thread.join();
}

awaitable<std::vector<store::InsertResult>> SubmitQueue::submit(
    std::vector<store::NewMessage> messages, bool charge_wallet) {
    auto waiter = std::make_shared<Waiter>(io_);
    waiter->messages = std::move(messages);
    waiter->charge_wallet = charge_wallet;
    turn_.push_back(waiter);
    if (!dispatch_posted_) {
        dispatch_posted_ = true;
        asio::post(io_, [this] { dispatch(); });
    }
    co_return co_await outcome(std::move(waiter));
}

awaitable<std::vector<store::InsertResult>> SubmitQueue::outcome(std::shared_ptr<Waiter> waiter) {
    while (!waiter->finished) {
        boost::system::error_code ec;
        co_await waiter->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (waiter->failure) std::rethrow_exception(waiter->failure);
    co_return std::move(waiter->results);
}

void SubmitQueue::dispatch() {
    dispatch_posted_ = false;
    Group group;
    group.swap(turn_);
    if (group.empty()) return;
    {
        std::lock_guard lock(writer_->mutex);
        if (group.size() > 1 || writer_->writing || !writer_->pending.empty()) {
            for (auto& w : group) writer_->pending.push_back(std::move(w));
            group.clear();
        }
    }
    if (group.empty()) {
        writer_->wake.notify_one();
        return;
    }
    write_group(store_, group, *writer_, true);
    finish(group);
}

SubmitQueue::Stream::~Stream() {
    if (!waiter_ || sealed_) return;
    {
        std::lock_guard lock(queue_.writer_->mutex);
        waiter_->abandoned = true;
    }
    queue_.writer_->wake.notify_one();
}

void SubmitQueue::Stream::add(store::NewMessage message) {
    buffer_.push_back(std::move(message));
    if (buffer_.size() >= stream_chunk) hand_over(false);
}

void SubmitQueue::Stream::hand_over(bool last) {
    Writer& writer = *queue_.writer_;
    {
        std::lock_guard lock(writer.mutex);
        if (!waiter_) {
            waiter_ = std::make_shared<Waiter>(queue_.io_);
            waiter_->streamed = true;
            waiter_->charge_wallet = charge_wallet_;
            writer.pending.push_back(waiter_);
        }
        for (auto& m : buffer_) waiter_->incoming.push_back(std::move(m));
        waiter_->sealed = last;
    }
    buffer_.clear();
    sealed_ = last;
    writer.wake.notify_one();
}

awaitable<std::vector<store::InsertResult>> SubmitQueue::Stream::finish() {
    if (!waiter_) {  // smaller than a chunk: an ordinary submission
        sealed_ = true;
        if (buffer_.empty()) co_return std::vector<store::InsertResult>{};
        co_return co_await queue_.submit(std::move(buffer_), charge_wallet_);
    }
    hand_over(true);
    co_return co_await outcome(waiter_);
}

bool SubmitQueue::idle() const {
    std::lock_guard lock(writer_->mutex);
    return !writer_->writing && writer_->pending.empty() && turn_.empty();
}

SubmitStats SubmitQueue::stats() const {
    std::lock_guard lock(writer_->mutex);
    return writer_->stats;
}

}  // namespace smsgw::service
