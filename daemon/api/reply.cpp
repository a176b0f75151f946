// Reply and event serialisation. Invalid UTF-8 can only reach here through a
// daemon bug (requests are validated), so it is replaced rather than thrown:
// a reply must always go out.
#include "daemon/api/reply.hpp"

#include <nlohmann/json.hpp>

namespace smsgw::api {

namespace {

std::string compact(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// {"id":<id>,"ok":<ok>,"<key>":<body>}\n with the id spliced in as given.
std::string reply_line(std::string_view id, bool ok, std::string_view key,
                       const nlohmann::json& body) {
    std::string out = "{\"id\":";
    out += id;
    out += ok ? ",\"ok\":true,\"" : ",\"ok\":false,\"";
    out += key;
    out += "\":";
    out += compact(body);
    out += "}\n";
    return out;
}

}  // namespace

std::string success_reply(std::string_view id, const nlohmann::json& result) {
    return reply_line(id, true, "result", result);
}

std::string error_reply(std::string_view id, const Error& error) {
    nlohmann::json body = {{"code", to_string(error.code)}, {"message", error.message}};
    if (!error.field.empty()) body["field"] = error.field;
    return reply_line(id, false, "error", body);
}

std::string error_reply(const RequestError& error) {
    return error_reply(error.id, error.error);
}

std::string event_line(EventName event, const nlohmann::json& fields) {
    // The fields are serialised as they are and spliced in after the name:
    // copying a message's twenty fields into a new object only to put "event"
    // among them cost more than the serialisation itself.
    std::string out = "{\"event\":\"";
    out += to_string(event);
    out += '"';
    std::string rest;
    if (fields.is_object() && fields.contains("event")) {  // cannot rename the event
        nlohmann::json without = fields;
        without.erase("event");
        rest = compact(without);
    } else if (fields.is_object()) {
        rest = compact(fields);
    }
    if (rest.size() > 2) {  // not "{}": its members follow the name
        out += ',';
        out.append(rest, 1);
    } else {
        out += '}';
    }
    out += '\n';
    return out;
}

}  // namespace smsgw::api
