// The daemon's Unix-socket server for protocol version 1 (DESIGN.md, "Socket
// protocol"): it owns the socket file, accepts connections, maps each peer to a
// role with SO_PEERCRED, splits and parses request lines with smsgw_api, answers
// `hello` and `subscribe` itself and hands every other request to the daemon's
// RequestHandler. Events published on events() reach the subscribed
// connections. Everything runs on one io_context thread; what the service does
// with a request is none of this library's business.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "daemon/api/protocol.hpp"
#include "daemon/server/event_bus.hpp"
#include "daemon/server/handler.hpp"

namespace smsgw::server {

struct ServerOptions {
    config::SocketConfig socket;
    config::RolesConfig roles;
    std::size_t max_connections = 64;  // one more is answered `overloaded` and closed
    std::size_t max_line_bytes = api::max_line_bytes;
    // Per connection. Reading pauses while any bound is exceeded and resumes when
    // the unsent output has drained to half its bound, so a client that sends but
    // never reads costs at most these amounts and stalls nobody else.
    std::size_t max_in_flight = 128;               // requests being handled
    std::size_t max_in_flight_bytes = 4u << 20;    // their request lines' bytes
    std::size_t output_high_water = 1u << 20;      // unsent reply bytes
    // A subscriber whose unsent event lines would exceed this is sent a last
    // `subscription.dropped` event and closed; events are never discarded silently.
    std::size_t event_backlog_limit = 1u << 20;
    // Time a last line (`overloaded`, `subscription.dropped`) gets to go out
    // before the connection is closed regardless.
    std::chrono::milliseconds linger{5000};
    // Graceful stop: time for in-flight requests to finish and their replies to
    // be written before the remaining connections are closed regardless.
    std::chrono::milliseconds drain_timeout{30000};

    // socket:, roles: and limits: of the daemon's config.
    static ServerOptions from_config(const config::Config& config);
};

// Counters for logs, sd_notify STATUS and the tests.
struct ServerStats {
    std::size_t connections = 0;             // open now
    std::uint64_t accepted = 0;              // connections served
    std::uint64_t refused_overloaded = 0;    // over max_connections
    std::uint64_t requests = 0;              // request lines answered or in flight
    std::uint64_t handler_calls = 0;         // requests given to the RequestHandler
    std::uint64_t read_pauses = 0;           // times a connection's reading paused
    std::uint64_t subscribers_dropped = 0;   // slow subscribers closed
    std::size_t max_unsent_bytes = 0;        // largest unsent output of any connection
};

class Server {
  public:
    // `handler` must outlive the server. Nothing happens until start().
    Server(asio::io_context& io, ServerOptions options, RequestHandler& handler);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Creates the socket file (socket_file.hpp) and starts accepting. Throws
    // std::runtime_error when the socket cannot be set up or another daemon
    // listens on it.
    void start();

    // Graceful stop: stop accepting (the socket file is removed), stop reading
    // every connection, let in-flight requests finish and their replies go out
    // (bounded by drain_timeout), close. `on_stopped` runs on the io_context once
    // the last connection is closed. Calling it again only adds no callback.
    void stop(std::function<void()> on_stopped = {});

    // SIGHUP: roles: and limits: take effect at once. Every open connection's
    // role is worked out again from the new roles (and the peer's current
    // groups); new connections get the new limits. socket: changes need a
    // restart (the daemon says so).
    void reconfigure(const ServerOptions& fresh);

    EventBus& events();
    ServerStats stats() const;
    const std::string& socket_path() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The version `hello` reports (the project's version).
std::string_view daemon_version();

}  // namespace smsgw::server
