// Server: the acceptor, the table of open connections and graceful stop.
// Connections are identified by a number so the map can drop them when their
// writer finishes; a connection keeps itself alive (shared_ptr) while any of
// its coroutines runs.
#include "daemon/server/server.hpp"

#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>

#include <map>
#include <vector>

#include "daemon/api/reply.hpp"
#include "daemon/server/connection.hpp"
#include "daemon/server/peer_role.hpp"
#include "daemon/server/socket_file.hpp"

namespace smsgw::server {

namespace {
using boost::system::error_code;
using Acceptor = asio::local::stream_protocol::acceptor;
}  // namespace

std::string_view daemon_version() {
    return SMSGW_VERSION;
}

ServerOptions ServerOptions::from_config(const config::Config& config) {
    ServerOptions o;
    o.socket = config.socket;
    o.roles = config.roles;
    o.max_connections = static_cast<std::size_t>(std::max(config.limits.max_connections, 1));
    o.max_line_bytes = static_cast<std::size_t>(std::max(config.limits.max_line_bytes, 1));
    return o;
}

struct Server::Impl {
    Impl(asio::io_context& io_, ServerOptions options_, RequestHandler& handler)
        : io(io_), options(std::move(options_)), core{options, handler, {}, {}, {}},
          acceptor(io_), retry(io_) {}

    // Who is at the other end of a new connection (SO_PEERCRED) and its role.
    struct Peer {
        ucred cred{};
        PeerIdentity identity;
        std::optional<api::Role> role;
    };

    awaitable<void> accept_loop();
    awaitable<void> refuse(std::shared_ptr<UnixSocket> socket);
    std::optional<Peer> peer_of(UnixSocket& socket) const;
    bool make_room_for(const Peer& newcomer);
    void admit(UnixSocket socket, const Peer& peer);
    void check_stopped();

    asio::io_context& io;
    ServerOptions options;
    ServerCore core;
    Acceptor acceptor;
    asio::steady_timer retry;
    ListeningSocket listening;
    std::map<std::uint64_t, std::shared_ptr<Connection>> connections;
    std::uint64_t next_id = 1;
    std::size_t refusing = 0;
    bool stopping = false;
    std::vector<std::function<void()>> on_stopped;
};

Server::Server(asio::io_context& io, ServerOptions options, RequestHandler& handler)
    : impl_(std::make_unique<Impl>(io, std::move(options), handler)) {
    impl_->core.connection_closed = [impl = impl_.get()](std::uint64_t id) {
        impl->connections.erase(id);
        impl->check_stopped();
    };
}

Server::~Server() {
    error_code ec;
    impl_->acceptor.close(ec);
    if (impl_->listening.fd >= 0) remove_socket_file(impl_->listening);
}

void Server::start() {
    Impl& s = *impl_;
    s.listening = open_listening_socket(s.options.socket, SOMAXCONN);
    error_code ec;
    s.acceptor.assign(asio::local::stream_protocol(), s.listening.fd, ec);
    if (ec) {
        remove_socket_file(s.listening);
        throw std::runtime_error("socket " + s.listening.path + ": " + ec.message());
    }
    spdlog::info("socket: listening on {} (mode {:04o}{}{})", s.listening.path, s.listening.mode,
                 s.listening.group.empty() ? "" : ", group ", s.listening.group);
    asio::co_spawn(s.io, s.accept_loop(), [](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            spdlog::critical("socket: accept loop ended: {}", ex.what());
        }
    });
}

awaitable<void> Server::Impl::accept_loop() {
    while (!stopping) {
        error_code ec;
        UnixSocket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping) break;
        if (ec) {
            // EMFILE/ENFILE/ENOBUFS: pause rather than spin until a descriptor frees.
            spdlog::warn("socket: accept: {}", ec.message());
            retry.expires_after(std::chrono::milliseconds(100));
            co_await retry.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        const std::optional<Peer> peer = peer_of(socket);
        if (!peer) continue;
        if (connections.size() >= options.max_connections && !make_room_for(*peer)) {
            ++core.stats.refused_overloaded;
            // Refusals linger briefly; beyond as many again they are just closed.
            if (refusing < options.max_connections)
                asio::co_spawn(io, refuse(std::make_shared<UnixSocket>(std::move(socket))),
                               asio::detached);
            continue;
        }
        admit(std::move(socket), *peer);
    }
}

void Server::reconfigure(const ServerOptions& fresh) {
    Impl& s = *impl_;
    s.options.roles = fresh.roles;
    s.options.max_connections = fresh.max_connections;
    s.options.max_line_bytes = fresh.max_line_bytes;
    for (const auto& [id, connection] : s.connections) {
        const CallerInfo& caller = connection->caller();
        const std::optional<api::Role> role =
            role_for(s.options.roles, lookup_peer(caller.uid, caller.gid));
        if (role == connection->role()) continue;
        if (role)
            spdlog::info("socket: connection {} from {} is now {} (roles: reloaded)", id,
                         caller.user, api::to_string(*role));
        else
            spdlog::warn("socket: connection {} from {} has no role any more (roles: reloaded); "
                         "every request is answered forbidden",
                         id, caller.user);
        connection->set_role(role);
    }
}

std::optional<Server::Impl::Peer> Server::Impl::peer_of(UnixSocket& socket) const {
    Peer peer;
    socklen_t len = sizeof(peer.cred);
    if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &peer.cred, &len) != 0) {
        spdlog::warn("socket: SO_PEERCRED failed ({}); connection closed", std::strerror(errno));
        return std::nullopt;
    }
    peer.identity = lookup_peer(peer.cred.uid, peer.cred.gid);
    peer.role = role_for(options.roles, peer.identity);
    return peer;
}

// A full daemon closes its oldest connection without a role for a newcomer
// with one: connections that can only be answered forbidden (a socket mode
// that lets everyone connect) must not lock out the users the config names.
bool Server::Impl::make_room_for(const Peer& newcomer) {
    if (!newcomer.role) return false;
    // It stays in the table until it has closed, as every connection does, so
    // that a graceful stop still waits for it.
    for (const auto& [id, connection] : connections) {
        if (connection->role() || connection->closing()) continue;
        spdlog::warn("socket: connection {} from {} has no role: closed to make room for {} "
                     "(limits.max_connections {})",
                     id, connection->caller().user,
                     newcomer.identity.user.empty() ? std::to_string(newcomer.cred.uid)
                                                    : newcomer.identity.user,
                     options.max_connections);
        connection->stop();
        return true;
    }
    return false;
}

void Server::Impl::admit(UnixSocket socket, const Peer& peer) {
    const ucred& cred = peer.cred;
    const std::optional<api::Role> role = peer.role;
    const std::uint64_t id = next_id++;
    CallerInfo caller{id,   cred.uid, cred.gid, cred.pid,
                      peer.identity.user.empty() ? std::to_string(cred.uid) : peer.identity.user,
                      role.value_or(api::Role::member)};
    if (role)
        spdlog::debug("socket: connection {} from {} (uid {}, pid {}) as {}", id, caller.user,
                      cred.uid, cred.pid, api::to_string(*role));
    else
        spdlog::warn("socket: connection {} from {} (uid {}, pid {}) has no role; every request "
                     "is answered forbidden",
                     id, caller.user, cred.uid, cred.pid);
    ++core.stats.accepted;
    auto connection = std::make_shared<Connection>(core, std::move(socket), std::move(caller), role);
    connections.emplace(id, connection);
    connection->start();
}

awaitable<void> Server::Impl::refuse(std::shared_ptr<UnixSocket> socket) {
    ++refusing;
    asio::steady_timer linger(io, options.linger);
    linger.async_wait([socket](error_code ec) {
        if (!ec) socket->close(ec);
    });
    const std::string line = api::error_reply(
        "null", {api::ErrorCode::overloaded,
                 "the daemon serves at most " + std::to_string(options.max_connections) +
                     " connections at once (limits.max_connections); try again later",
                 {}});
    error_code ec;
    co_await asio::async_write(*socket, asio::buffer(line), asio::redirect_error(asio::use_awaitable, ec));
    socket->shutdown(UnixSocket::shutdown_send, ec);
    // Read what the client sent until it hangs up: closing with unread input
    // would reset the connection and could lose the line just written.
    char sink[4096];
    while (!ec)
        co_await socket->async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
    linger.cancel();
    socket->close(ec);
    --refusing;
}

void Server::Impl::check_stopped() {
    if (!stopping || !connections.empty() || on_stopped.empty()) return;
    auto callbacks = std::move(on_stopped);
    on_stopped.clear();
    for (auto& callback : callbacks) asio::post(io, std::move(callback));
}

void Server::stop(std::function<void()> on_stopped) {
    Impl& s = *impl_;
    if (on_stopped) s.on_stopped.push_back(std::move(on_stopped));
    if (!s.stopping) {
        s.stopping = true;
        error_code ec;
        s.acceptor.close(ec);
        s.retry.cancel();
        if (s.listening.fd >= 0) remove_socket_file(s.listening);
        // A client that does not read its replies holds the stop up to the limit.
        if (s.connections.empty())
            spdlog::info("socket: stopping");
        else
            spdlog::info("socket: stopping; {} connection(s) finishing: their requests in flight "
                         "are answered and the replies written, for at most {} s",
                         s.connections.size(),
                         std::chrono::duration_cast<std::chrono::seconds>(s.options.drain_timeout)
                             .count());
        std::vector<std::shared_ptr<Connection>> open;
        for (const auto& [id, connection] : s.connections) open.push_back(connection);
        for (const auto& connection : open) connection->stop();
    }
    s.check_stopped();
}

EventBus& Server::events() {
    return impl_->core.bus;
}

ServerStats Server::stats() const {
    ServerStats out = impl_->core.stats;
    out.connections = impl_->connections.size();
    return out;
}

const std::string& Server::socket_path() const {
    return impl_->options.socket.path;
}

}  // namespace smsgw::server
