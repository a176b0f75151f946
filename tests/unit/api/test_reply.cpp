// Replies and events: one line, newline terminated, id echoed exactly, error
// fields only when set.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "daemon/api/reply.hpp"

using namespace smsgw::api;
using nlohmann::json;

TEST_CASE("success reply echoes the id text and carries the result") {
    CHECK(success_reply("\"req-1\"", json{{"message_id", 5}}) ==
          "{\"id\":\"req-1\",\"ok\":true,\"result\":{\"message_id\":5}}\n");
    CHECK(success_reply("{\"a\":[1,2]}", json::object()) ==
          "{\"id\":{\"a\":[1,2]},\"ok\":true,\"result\":{}}\n");
}

TEST_CASE("error reply names code, message and field") {
    CHECK(error_reply("7", Error{ErrorCode::invalid_number, "to: bad", "to"}) ==
          "{\"id\":7,\"ok\":false,\"error\":{\"code\":\"invalid_number\",\"field\":\"to\","
          "\"message\":\"to: bad\"}}\n");
    CHECK(error_reply(RequestError{"null", {ErrorCode::bad_request, "malformed JSON", ""}}) ==
          "{\"id\":null,\"ok\":false,\"error\":{\"code\":\"bad_request\",\"message\":\"malformed "
          "JSON\"}}\n");
}

TEST_CASE("text with newlines and non-ASCII stays on one line as UTF-8") {
    const std::string line = success_reply("1", json{{"text", "Grüße\nzweite Zeile"}});
    CHECK(line.find('\n') == line.size() - 1);
    CHECK(line.find("Grüße\\nzweite") != std::string::npos);
}

TEST_CASE("invalid UTF-8 from a bug is replaced, never thrown") {
    const std::string line = success_reply("1", json{{"text", std::string("a\xFF"
                                                                          "b")}});
    CHECK(line.find("a\xEF\xBF\xBD"
                    "b") != std::string::npos);  // U+FFFD
}

TEST_CASE("event lines start with the event name") {
    CHECK(event_line(EventName::message_delivered, json{{"message_id", 3}}) ==
          "{\"event\":\"message.delivered\",\"message_id\":3}\n");
    CHECK(event_line(EventName::modem_down, json::object()) == "{\"event\":\"modem.down\"}\n");
    // A stray "event" field cannot rename the event.
    CHECK(event_line(EventName::modem_up, json{{"event", "x"}, {"modem", "a"}}) ==
          "{\"event\":\"modem.up\",\"modem\":\"a\"}\n");
}

TEST_CASE("names of roles, codes and vocabulary round-trip") {
    for (Role r : {Role::member, Role::manager, Role::admin})
        CHECK(role_from_string(to_string(r)) == r);
    CHECK(Role::member < Role::manager);
    CHECK(Role::manager < Role::admin);
    CHECK_FALSE(role_from_string("root"));
    for (int c = 0; c <= static_cast<int>(ErrorCode::internal); ++c)
        CHECK(error_code_from_string(to_string(static_cast<ErrorCode>(c))) ==
              static_cast<ErrorCode>(c));
    CHECK(to_string(ErrorCode::insufficient_balance) == "insufficient_balance");
    CHECK(to_string(Op::message_cancel) == "message.cancel");
    CHECK(to_string(EventName::inbound_received) == "inbound.received");
    CHECK(to_string(Encoding::auto_detect) == "auto");
}
