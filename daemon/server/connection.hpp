// One client connection (internal to smsgw_server). Three kinds of coroutine
// share it, as in Asio's chat_server.cpp: reader() splits and parses lines and
// starts a request() per handled op; writer() drains the outbox; steady_timers
// serve as events between them. Output is bounded per connection: the reader
// pauses while replies pile up unsent or too many requests are in flight, and
// an event backlog over its bound drops the subscription with a last line.
#pragma once

#include <boost/asio/local/stream_protocol.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/api/line_splitter.hpp"
#include "daemon/server/server.hpp"

namespace smsgw::server {

using UnixSocket = asio::local::stream_protocol::socket;

// What the server shares with its connections.
struct ServerCore {
    const ServerOptions& options;
    RequestHandler& handler;
    EventBus bus;
    ServerStats stats;
    std::function<void(std::uint64_t connection_id)> connection_closed;
};

class Connection : public std::enable_shared_from_this<Connection>, public EventSink {
  public:
    // `role` nullopt: the peer has none and every request is answered `forbidden`.
    Connection(ServerCore& core, UnixSocket socket, CallerInfo caller,
               std::optional<api::Role> role);
    ~Connection() override;

    void start();
    // The config's roles changed (SIGHUP): requests read from now on are
    // answered in `role`, and the subscription keeps only the events `role`
    // may see; nullopt, and every one is `forbidden` and the subscription ends.
    void set_role(std::optional<api::Role> role);
    const CallerInfo& caller() const { return caller_; }
    std::optional<api::Role> role() const { return role_; }
    // Graceful stop: no more reading; in-flight requests finish, replies flush.
    void stop();
    // Reads no more (stop(), a dropped subscriber): it closes once flushed.
    bool closing() const { return stop_reading_; }
    void deliver_event(const std::shared_ptr<const std::string>& line) override;

  private:
    struct Out {
        std::shared_ptr<const std::string> text;
        bool event = false;
    };

    awaitable<void> reader(std::shared_ptr<Connection> keep_alive);
    awaitable<void> writer(std::shared_ptr<Connection> keep_alive);
    awaitable<void> request(std::shared_ptr<Connection> keep_alive, api::Request req,
                            std::size_t line_bytes);
    void on_line(std::string line);
    void answer_locally(const api::Request& req);
    void enqueue(std::shared_ptr<const std::string> text, bool event);
    void enqueue(std::string text) { enqueue(std::make_shared<const std::string>(std::move(text)), false); }
    void drop_subscription();
    void stop_reading();
    void abort();
    void arm_deadline(std::chrono::milliseconds after);
    bool must_pause() const;
    bool may_resume() const;
    bool finished() const;
    void wake(asio::steady_timer& timer) { timer.cancel(); }

    ServerCore& core_;
    UnixSocket socket_;
    CallerInfo caller_;
    std::optional<api::Role> role_;
    api::LineSplitter splitter_;

    std::deque<Out> outbox_;
    std::size_t unsent_bytes_ = 0;  // outbox plus the batch being written
    std::size_t reply_bytes_ = 0;   // of which replies
    std::size_t event_bytes_ = 0;   // of which events
    std::size_t in_flight_ = 0;
    std::size_t in_flight_bytes_ = 0;
    EventMask subscription_ = 0;

    bool stop_reading_ = false;  // stop() or a drop: read no further
    bool read_done_ = false;     // the reader has exited
    bool dropping_ = false;      // the last event line is queued; close once written
    bool aborted_ = false;       // the socket is closed; nothing more goes out
    bool closed_ = false;        // connection_closed was called

    asio::steady_timer reader_wake_;
    asio::steady_timer writer_wake_;
    asio::steady_timer deadline_;
};

}  // namespace smsgw::server
