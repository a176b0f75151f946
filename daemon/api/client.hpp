// The client side of the protocol, for smsgwctl and tests: turn a typed
// Request into its request line (through the same op table the daemon parses
// with) and read what the daemon sends back — replies and event lines.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "daemon/api/error.hpp"
#include "daemon/api/params.hpp"
#include "pdu/expected.hpp"

namespace smsgw::api {

// One request line, '\n' terminated; optional parameters at their default are
// left out. `request.id` must be JSON text ("1", "\"a\""). Texts must be UTF-8:
// ill-formed bytes become U+FFFD, so check command-line input before this.
std::string request_line(const Request& request);
Request make_request(std::int64_t id, Params params);

struct Reply {
    std::string id;  // JSON text
    bool ok = false;
    nlohmann::json result;  // when ok
    Error error;            // when not ok; a code this client does not know is `internal`
};

struct EventMessage {
    std::string name;  // as sent, so events of newer daemons are not lost
    nlohmann::json fields;
};

using ServerLine = std::variant<Reply, EventMessage>;

// A line from the daemon; a reason when it is not one of the two shapes.
Expected<ServerLine, std::string> parse_server_line(std::string_view line);

}  // namespace smsgw::api
