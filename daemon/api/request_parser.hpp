// Parsing one request line of the socket protocol into a typed Request: the
// envelope (JSON object, `id`, `op`), the caller's role against the op's least
// role, then every parameter against the op table. Whatever is wrong becomes
// one Error with its code and, when a parameter is at fault, its path, plus the
// id to echo — so the daemon answers without ever looking at raw JSON.
#pragma once

#include <string>
#include <string_view>

#include "daemon/api/error.hpp"
#include "daemon/api/params.hpp"
#include "daemon/api/role.hpp"
#include "pdu/expected.hpp"

namespace smsgw::api {

struct RequestError {
    std::string id = "null";  // the request's id as JSON text, or null if unreadable
    Error error;
};

// `line` is one line without its newline. The order of checks is: length,
// NUL bytes, JSON, object, id, op known, role, parameters, then for
// `subscribe` the role of each event (op_table.hpp, event_min_role) — so a
// caller without the role learns nothing about an op's parameters.
Expected<Request, RequestError> parse_request(std::string_view line, Role caller);

}  // namespace smsgw::api
