// Group commit for submissions (issue 4: "a send is acknowledged only after its
// transaction commits; concurrent submissions are group-committed so
// throughput does not die on fsync"). Every `send` and `send_batch` parsed in
// the same turn of the io_context forms a group, committed as one transaction:
// one fsync however many messages it carries.
//
// Groups go to a writer thread with its own SQLite connection, and every
// group formed while it writes waits for its NEXT transaction. The commit runs
// off the io_context's thread, so the daemon keeps reading, parsing and
// validating the next requests while the disk syncs instead of stalling every
// connection for the fsync; the replies go out on the io_context once the
// commit returned. A submission alone in its turn while the writer is idle —
// one client waiting for each reply — is committed on the spot instead: there
// is nobody to share its fsync with, and two thread hand-overs would only add
// their wake-up latency to its reply. A large send_batch is streamed to the
// writer while it is validated (Stream), so its inserts overlap its checks.
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
    std::uint64_t commits = 0;       // transactions, on the writer or on the spot
    std::uint64_t lone_commits = 0;  // of which committed on the io_context's thread
    std::uint64_t messages = 0;
    std::size_t largest_group = 0;  // messages in the largest transaction
};

class SubmitQueue {
    struct Waiter;  // a submission until its commit; private, named here for Stream

  public:
    // Opens a second connection to store's database for the writer thread.
    SubmitQueue(asio::io_context& io, store::Store& store);
    // Stops the writer after the transaction it is in; submissions not yet
    // written are dropped unanswered (never acknowledged, never stored).
    ~SubmitQueue();
    SubmitQueue(const SubmitQueue&) = delete;
    SubmitQueue& operator=(const SubmitQueue&) = delete;

    // Completes on the io_context once `messages` are committed, one result per
    // message in order. With charge_wallet each message's cost is charged in the
    // same transaction. A store failure is rethrown in every waiter of that group.
    awaitable<std::vector<store::InsertResult>> submit(std::vector<store::NewMessage> messages,
                                                       bool charge_wallet);

    // A send_batch handed over while it is still being validated: every
    // `stream_chunk` messages added go to the writer, which inserts them into
    // one open transaction while the io_context validates the next ones, and
    // commits at finish(); a batch smaller than a chunk goes the way of
    // submit(). The open transaction holds the store's write gate, so between
    // the first add() and finish() the io_context must not write to the store:
    // add the whole batch without yielding. Destroyed unfinished (an exception
    // while validating), it stores nothing.
    class Stream {
      public:
        Stream(const Stream&) = delete;
        Stream& operator=(const Stream&) = delete;
        ~Stream();
        void add(store::NewMessage message);
        // Completes once everything added is committed: one result per message.
        awaitable<std::vector<store::InsertResult>> finish();

      private:
        friend class SubmitQueue;
        Stream(SubmitQueue& queue, bool charge_wallet)
            : queue_(queue), charge_wallet_(charge_wallet) {}
        void hand_over(bool last);

        SubmitQueue& queue_;
        bool charge_wallet_;
        std::vector<store::NewMessage> buffer_;
        std::shared_ptr<Waiter> waiter_;  // once the first chunk is handed over
        bool sealed_ = false;
    };
    static constexpr std::size_t stream_chunk = 100;
    Stream stream(bool charge_wallet) { return Stream(*this, charge_wallet); }

    SubmitStats stats() const;
    // Nothing is being written or waits for the writer.
    bool idle() const;

  private:
    struct Writer;
    using Group = std::vector<std::shared_ptr<Waiter>>;
    void dispatch();  // at the end of the turn: commit here or hand to the writer
    // Commits the group's messages and fills each waiter's results or failure.
    static void write_group(store::Store& store, const Group& group, Writer& writer, bool lone);
    // Inserts a Stream's chunks as they come into one transaction, committed
    // when it is sealed; rolled back when it is abandoned or the queue stops.
    static void write_stream(Waiter& waiter, Writer& writer);
    static void finish(const Group& group);  // on the io_context: wakes the waiters
    // Completes when the waiter is finished: its results, or its failure rethrown.
    static awaitable<std::vector<store::InsertResult>> outcome(std::shared_ptr<Waiter> waiter);

    asio::io_context& io_;
    store::Store& store_;  // the io_context thread's connection, for lone submissions
    std::unique_ptr<Writer> writer_;
    Group turn_;  // submitted in this turn of the io_context
    bool dispatch_posted_ = false;
};

}  // namespace smsgw::service
