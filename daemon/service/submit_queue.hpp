// Group commit for submissions (issue 4: "a send is acknowledged only after its
// transaction commits; concurrent submissions are group-committed so
// throughput does not die on fsync"). Every `send` and `send_batch` waiting in
// the same turn of the io_context goes into ONE store transaction: the first
// submission posts a flush, later ones join it until it runs. A commit costs one
// fsync however many messages it carries, so 16 clients or a pipelining client
// share the disk's latency instead of paying it per message. While a flush's
// fsync runs, new requests queue up in the kernel and form the next group.
#pragma once

#include <memory>
#include <vector>

#include "daemon/store/types.hpp"
#include "drivers/asio.hpp"

namespace smsgw::store {
class Store;
}

namespace smsgw::service {

namespace asio = boost::asio;
template <typename T>
using awaitable = drivers::awaitable<T>;

struct SubmitStats {
    std::uint64_t commits = 0;
    std::uint64_t messages = 0;
    std::size_t largest_group = 0;
};

class SubmitQueue {
  public:
    SubmitQueue(asio::io_context& io, store::Store& store);
    ~SubmitQueue();
    SubmitQueue(const SubmitQueue&) = delete;
    SubmitQueue& operator=(const SubmitQueue&) = delete;

    // Completes once `messages` are committed, one result per message in order.
    // With charge_wallet each message's cost is charged in the same transaction.
    // A store failure is rethrown in every waiter of that group.
    awaitable<std::vector<store::InsertResult>> submit(std::vector<store::NewMessage> messages,
                                                       bool charge_wallet);

    const SubmitStats& stats() const { return stats_; }

  private:
    struct Waiter;
    void flush();

    asio::io_context& io_;
    store::Store& store_;
    std::vector<std::shared_ptr<Waiter>> pending_;
    bool flush_posted_ = false;
    SubmitStats stats_;
};

}  // namespace smsgw::service
