#include "daemon/service/submit_queue.hpp"

#include <boost/asio/post.hpp>

#include "daemon/core/clock.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::service {

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
};

SubmitQueue::SubmitQueue(asio::io_context& io, store::Store& store) : io_(io), store_(store) {}

SubmitQueue::~SubmitQueue() = default;

awaitable<std::vector<store::InsertResult>> SubmitQueue::submit(
    std::vector<store::NewMessage> messages, bool charge_wallet) {
    auto waiter = std::make_shared<Waiter>(io_);
    waiter->messages = std::move(messages);
    waiter->charge_wallet = charge_wallet;
    pending_.push_back(waiter);
    if (!flush_posted_) {
        flush_posted_ = true;
        asio::post(io_, [this] { flush(); });
    }
    while (!waiter->finished) {
        boost::system::error_code ec;
        co_await waiter->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (waiter->failure) std::rethrow_exception(waiter->failure);
    co_return std::move(waiter->results);
}

void SubmitQueue::flush() {
    flush_posted_ = false;
    auto group = std::move(pending_);
    pending_.clear();
    if (group.empty()) return;

    // Waiters that charge and waiters that do not (the wallet was switched in
    // between) cannot share a call; each kind is one transaction.
    for (const bool charge : {false, true}) {
        std::vector<store::NewMessage> all;
        std::vector<Waiter*> members;
        for (auto& w : group) {
            if (w->charge_wallet != charge) continue;
            members.push_back(w.get());
            for (auto& m : w->messages) all.push_back(std::move(m));
        }
        if (members.empty()) continue;
        try {
            auto results = store_.insert_messages(all, core::now(), charge);
            std::size_t at = 0;
            for (Waiter* w : members) {
                const std::size_t n = w->messages.size();
                w->results.assign(results.begin() + static_cast<std::ptrdiff_t>(at),
                                  results.begin() + static_cast<std::ptrdiff_t>(at + n));
                at += n;
            }
            ++stats_.commits;
            stats_.messages += all.size();
            stats_.largest_group = std::max(stats_.largest_group, all.size());
        } catch (...) {
            for (Waiter* w : members) w->failure = std::current_exception();
        }
    }
    for (auto& w : group) {
        w->finished = true;
        w->done.cancel();
    }
}

}  // namespace smsgw::service
