// Client helper: serialising typed requests and reading replies strictly
// enough that a broken or foreign peer is reported, not misread.
#include "daemon/api/client.hpp"

#include "daemon/api/param_io.hpp"

namespace smsgw::api {

using nlohmann::json;

std::string request_line(const Request& request) {
    json params = json::object();
    write_op_params(request.params, params);
    std::string out = "{\"id\":" + request.id + ",\"op\":" + json(to_string(request.op())).dump();
    constexpr auto replace = json::error_handler_t::replace;
    for (const auto& [key, value] : params.items())
        out += "," + json(key).dump() + ":" + value.dump(-1, ' ', false, replace);
    return out + "}\n";
}

Request make_request(std::int64_t id, Params params) {
    return Request{std::to_string(id), std::move(params)};
}

Expected<ServerLine, std::string> parse_server_line(std::string_view line) {
    json j = json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded()) return unexpected(std::string("not JSON"));
    if (!j.is_object()) return unexpected(std::string("not a JSON object"));
    if (const auto event = j.find("event"); event != j.end()) {
        if (!event->is_string()) return unexpected(std::string("event name is not a string"));
        EventMessage out{event->get<std::string>(), j};
        out.fields.erase("event");
        return ServerLine{std::move(out)};
    }
    const auto id = j.find("id");
    const auto ok = j.find("ok");
    if (id == j.end() || ok == j.end() || !ok->is_boolean())
        return unexpected(std::string("neither a reply nor an event"));
    Reply reply;
    reply.id = id->dump();
    reply.ok = ok->get<bool>();
    if (reply.ok) {
        const auto result = j.find("result");
        if (result == j.end()) return unexpected(std::string("success reply without result"));
        reply.result = *result;
        return ServerLine{std::move(reply)};
    }
    const auto error = j.find("error");
    if (error == j.end() || !error->is_object())
        return unexpected(std::string("error reply without error object"));
    const auto text = [&](const char* key) {
        const auto it = error->find(key);
        return it != error->end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const std::string code = text("code");
    const auto known = error_code_from_string(code);
    reply.error.code = known.value_or(ErrorCode::internal);
    reply.error.message = text("message");
    if (!known) reply.error.message = code + ": " + reply.error.message;
    reply.error.field = text("field");
    return ServerLine{std::move(reply)};
}

}  // namespace smsgw::api
