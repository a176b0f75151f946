// Building what the daemon writes on a connection: success and error replies
// and event lines, each one line of compact UTF-8 JSON ending in '\n'. The id
// is spliced in as the JSON text the request carried, so it comes back exactly
// whatever type it was (string, number, object, null).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

#include "daemon/api/error.hpp"
#include "daemon/api/request_parser.hpp"
#include "daemon/api/vocabulary.hpp"

namespace smsgw::api {

// `id` is JSON text (Request::id); `result` is usually an object.
std::string success_reply(std::string_view id, const nlohmann::json& result);
std::string error_reply(std::string_view id, const Error& error);
std::string error_reply(const RequestError& error);

// {"event":"<name>", …fields}; `fields` must be an object (it may be empty).
std::string event_line(EventName event, const nlohmann::json& fields);

}  // namespace smsgw::api
