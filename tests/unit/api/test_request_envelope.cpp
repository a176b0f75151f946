// The request envelope: length, JSON, object, id, op, role — each failure is
// the right code with the field named and the id echoed when it was readable.
#include <catch2/catch.hpp>

#include "daemon/api/protocol.hpp"
#include "daemon/api/request_parser.hpp"

using namespace smsgw::api;

namespace {

RequestError refused(std::string_view line, Role role = Role::admin) {
    auto r = parse_request(line, role);
    INFO(line);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

}  // namespace

TEST_CASE("a minimal request parses with its id kept as JSON text") {
    auto r = parse_request(R"({"id":7,"op":"hello"})", Role::member);
    REQUIRE(r.has_value());
    CHECK(r->id == "7");
    CHECK(r->op() == Op::hello);
    CHECK(std::get<HelloParams>(r->params) == HelloParams{});
}

TEST_CASE("ids of every JSON type are kept exactly") {
    for (const char* id :
         {R"("abc")", "-12", "3.5", "null", "true", R"({"a":[1,"x"]})", "[]", R"("ü\n")"}) {
        auto r = parse_request(std::string(R"({"op":"modem.list","id":)") + id + "}", Role::admin);
        INFO(id);
        REQUIRE(r.has_value());
        CHECK(r->id == id);
    }
}

TEST_CASE("a number id that is not a 64-bit integer comes back as the client wrote it") {
    // Dumped from its double, the first would come back as 1e+20, the third
    // as 1000.0: a client matching replies by id would find none.
    for (const char* id : {"99999999999999999999", "-18446744073709551616", "1e3", "1.50",
                           "2.5E-3", "18446744073709551615", "-9223372036854775808"}) {
        const std::string line = std::string(R"({"op":"modem.list","x":{"id":0.1},"id":)") + id + "}";
        INFO(line);
        auto r = parse_request(line, Role::admin);
        REQUIRE(r.has_value() == false);  // "x" is not a parameter of modem.list
        CHECK(r.error().id == id);
        auto ok = parse_request(std::string(R"({"id":)") + id + R"(,"op":"modem.list"})", Role::admin);
        REQUIRE(ok.has_value());
        CHECK(ok->id == id);
    }
}

TEST_CASE("malformed JSON is bad_request with a null id") {
    const RequestError e = refused(R"({"id":1,"op":"hello")");
    CHECK(e.id == "null");
    CHECK(e.error.code == ErrorCode::bad_request);
    CHECK(e.error.message.rfind("malformed JSON: ", 0) == 0);
    CHECK(e.error.field.empty());
}

TEST_CASE("a number beyond a double is malformed JSON, not an exception") {
    for (const char* line : {R"({"id":1,"op":"send","validity_minutes":1e400})",
                             "\x02" "1111e1111110000\x02{\"id\":00"}) {
        INFO(line);
        const RequestError e = refused(line);
        CHECK(e.id == "null");
        CHECK(e.error.code == ErrorCode::bad_request);
        CHECK(e.error.message.rfind("malformed JSON: ", 0) == 0);
    }
    const RequestError e = refused(R"({"id":1,"op":"hello","x":1e400})");
    CHECK(e.error.message == "malformed JSON: number overflow parsing '1e400'");
}

TEST_CASE("ill-formed UTF-8 is malformed JSON") {
    const RequestError e =
        refused("{\"id\":1,\"op\":\"send\",\"to\":\"+4917\",\"text\":\"\xC3\x28\"}");
    CHECK(e.error.code == ErrorCode::bad_request);
}

TEST_CASE("a NUL byte anywhere in the line is refused with its column, nothing after it ignored") {
    using namespace std::string_literals;
    // The JSON parser would stop at the NUL and run the hello before it.
    const RequestError e = refused("{\"id\":1,\"op\":\"hello\"}\0{\"id\":2,\"op\":\"wallet.topup\"}"s);
    CHECK(e.id == "null");
    CHECK(e.error.code == ErrorCode::bad_request);
    CHECK(e.error.message ==
          "a NUL byte is not allowed in a request line (found at column 22, byte offset 21); "
          "inside a JSON string write it as \\u0000");
    CHECK(refused("\0"s).error.message.find("column 1,") != std::string::npos);
    CHECK(refused("{\"id\":1,\"op\":\"send\",\"text\":\"a\0b\"}"s).error.message.find("column 30,") !=
          std::string::npos);
    // Written as an escape, a NUL is an ordinary character of a string.
    CHECK(parse_request(R"({"id":"a\u0000b","op":"hello"})", Role::member).has_value());
}

TEST_CASE("a request must be an object") {
    for (const char* line : {"[1,2]", "\"hello\"", "42", "null"}) {
        const RequestError e = refused(line);
        CHECK(e.error.code == ErrorCode::bad_request);
        CHECK(e.error.message.rfind("expected a JSON object", 0) == 0);
    }
}

TEST_CASE("missing id") {
    const RequestError e = refused(R"({"op":"hello"})");
    CHECK(e.id == "null");
    CHECK(e.error.code == ErrorCode::bad_request);
    CHECK(e.error.field == "id");
}

TEST_CASE("missing, non-string and unknown op") {
    CHECK(refused(R"({"id":"a"})").error.field == "op");
    const RequestError not_string = refused(R"({"id":"a","op":5})");
    CHECK(not_string.id == "\"a\"");
    CHECK(not_string.error.code == ErrorCode::bad_request);
    CHECK(not_string.error.field == "op");
    const RequestError unknown = refused(R"({"id":"a","op":"sned"})");
    CHECK(unknown.error.code == ErrorCode::unknown_op);
    CHECK(unknown.error.field == "op");
    CHECK(unknown.error.message == "op: unknown operation \"sned\"; did you mean `send`?");
    CHECK(refused(R"({"id":1,"op":"frobnicate"})").error.message ==
          "op: unknown operation \"frobnicate\"");
}

TEST_CASE("role below the op's least role is forbidden, before parameters are looked at") {
    const RequestError e = refused(R"({"id":1,"op":"optout.add","bogus":1})", Role::member);
    CHECK(e.error.code == ErrorCode::forbidden);
    CHECK(e.error.message == "optout.add needs the manager role; the caller is member");
    CHECK(e.id == "1");
    CHECK(parse_request(R"({"id":1,"op":"optout.add","number":"+491701234567"})", Role::manager)
              .has_value());
    CHECK(parse_request(R"({"id":1,"op":"optout.add","number":"+491701234567"})", Role::admin)
              .has_value());
}

TEST_CASE("duplicate keys are refused") {
    const RequestError e =
        refused(R"({"id":1,"op":"send","to":"+491701234567","to":"+491709999999","text":"x"})");
    CHECK(e.error.code == ErrorCode::bad_request);
    CHECK(e.error.field == "to");
    // The same key in different objects is fine.
    CHECK(parse_request(R"({"id":{"to":1},"op":"send","to":"+491701234567","text":"x"})",
                        Role::member)
              .has_value());
    // Nested, named by its path.
    const RequestError nested = refused(R"({"id":1,"op":"subscribe","events":["message.sent"],)"
                                        R"("x":[1,{"a":[{"b":1,"b":2}]}]})");
    CHECK(nested.error.field == "x[1].a[0].b");
    CHECK(nested.error.message == "x[1].a[0].b: given more than once");
}

TEST_CASE("a key twice in a send_batch item refuses that item alone, named by its path") {
    auto r = parse_request(R"({"id":1,"op":"send_batch","messages":[)"
                           R"({"to":"+491701234567","text":"first"},)"
                           R"({"to":"+491701234567","text":"x","to":"+491709999999"},)"
                           R"("not an object",)"
                           R"({"text":"y","text":"z","to":"+491701234568"}]})",
                           Role::member);
    REQUIRE(r.has_value());
    const auto& items = std::get<SendBatchParams>(r->params).messages;
    REQUIRE(items.size() == 4);
    CHECK_FALSE(items[0].refused);
    CHECK(items[0].params.text == "first");
    REQUIRE(items[1].refused);
    CHECK(items[1].refused->field == "messages[1].to");
    CHECK(items[1].refused->message == "messages[1].to: given more than once");
    CHECK(items[1].raw.find("+491709999999") != std::string::npos);
    REQUIRE(items[2].refused);  // its own fault, counted as an item
    REQUIRE(items[3].refused);
    CHECK(items[3].refused->field == "messages[3].text");
    // Outside the items, the request.
    const RequestError top = refused(R"({"id":1,"op":"send_batch","messages":[],"messages":[]})");
    CHECK(top.error.field == "messages");
}

TEST_CASE("line length and nesting are bounded") {
    std::string long_line = R"({"id":1,"op":"send","to":"+491701234567","text":")";
    long_line += std::string(max_line_bytes, 'a') + "\"}";
    CHECK(refused(long_line).error.message == "request line longer than 262144 bytes");
    const std::string deep =
        R"({"id":)" + std::string(40, '[') + std::string(40, ']') + R"(,"op":"hello"})";
    CHECK(refused(deep).error.message == "JSON nested deeper than 32 levels");
    // Brackets inside strings do not count.
    CHECK(parse_request(R"({"id":")" + std::string(40, '[') + R"(","op":"hello"})", Role::member)
              .has_value());
}
