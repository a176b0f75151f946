// What the socket server hands the daemon: one parsed, role-checked request and
// who sent it; what it wants back: a result object or an Error. The handler is a
// coroutine on the server's io_context, one per request, so an op that waits (a
// `send` waiting for its transaction to commit, a list hitting the disk) holds
// up neither the later requests of its connection nor other connections. The
// server answers `hello` and `subscribe` itself; the handler never sees them.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "daemon/api/error.hpp"
#include "daemon/api/params.hpp"
#include "daemon/api/role.hpp"
#include "drivers/asio.hpp"
#include "pdu/expected.hpp"

namespace smsgw::server {

namespace asio = boost::asio;
template <typename T>
using awaitable = drivers::awaitable<T>;

// The peer of a connection, from SO_PEERCRED when it connected.
struct CallerInfo {
    std::uint64_t connection_id = 0;  // unique for the daemon's lifetime, for logs
    uid_t uid = 0;
    gid_t gid = 0;
    pid_t pid = 0;
    std::string user;  // the user name, or the uid as text when it has none
    api::Role role = api::Role::member;  // callers without a role never reach a handler
};

// The `result` object of a success reply, or the error to answer.
using HandlerResult = Expected<nlohmann::json, api::Error>;

class RequestHandler {
  public:
    virtual ~RequestHandler() = default;

    // Called on the server's io_context thread with every request except hello
    // and subscribe. `request` and `caller` stay valid until the coroutine
    // completes. Completing late is fine: the reply goes out when it does, and
    // other replies on the same connection may overtake it (clients match by id).
    // An exception is answered as `internal` and logged; it closes nothing.
    virtual awaitable<HandlerResult> handle(const api::Request& request,
                                            const CallerInfo& caller) = 0;
};

}  // namespace smsgw::server
