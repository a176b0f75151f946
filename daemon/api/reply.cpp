// Reply and event serialisation. Invalid UTF-8 can only reach here through a
// daemon bug (requests are validated), so it is replaced rather than thrown:
// a reply must always go out.
#include "daemon/api/reply.hpp"

#include <nlohmann/json.hpp>

namespace smsgw::api {

namespace {

std::string compact(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

std::string success_reply(std::string_view id, const nlohmann::json& result) {
    std::string out = "{\"id\":";
    out += id;
    out += ",\"ok\":true,\"result\":";
    out += compact(result);
    out += "}\n";
    return out;
}

std::string error_reply(std::string_view id, const Error& error) {
    nlohmann::json body = {{"code", to_string(error.code)}, {"message", error.message}};
    if (!error.field.empty()) body["field"] = error.field;
    std::string out = "{\"id\":";
    out += id;
    out += ",\"ok\":false,\"error\":";
    out += compact(body);
    out += "}\n";
    return out;
}

std::string error_reply(const RequestError& error) { return error_reply(error.id, error.error); }

std::string event_line(EventName event, const nlohmann::json& fields) {
    nlohmann::json line = {{"event", to_string(event)}};
    if (fields.is_object())
        for (const auto& [key, value] : fields.items())
            if (key != "event") line[key] = value;
    return compact(line) + "\n";
}

}  // namespace smsgw::api
