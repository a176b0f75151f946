// The client helper: typed requests serialise to lines the parser reads back
// as the same request, and daemon lines are read into replies and events.
#include <catch2/catch.hpp>

#include "daemon/api/client.hpp"
#include "daemon/api/reply.hpp"
#include "daemon/api/request_parser.hpp"

using namespace smsgw::api;

namespace {

void round_trip(const Request& request) {
    const std::string line = request_line(request);
    INFO(line);
    CHECK(line.back() == '\n');
    CHECK(line.find('\n') == line.size() - 1);
    auto back = parse_request(std::string_view(line).substr(0, line.size() - 1), Role::admin);
    if (!back) INFO(back.error().error.message);
    REQUIRE(back.has_value());
    CHECK(*back == request);
}

}  // namespace

TEST_CASE("request_line leaves defaults out") {
    SendParams p;
    p.to = "+491701234567";
    p.text = "Hi";
    CHECK(request_line(make_request(3, p)) ==
          "{\"id\":3,\"op\":\"send\",\"text\":\"Hi\",\"to\":\"+491701234567\"}\n");
    CHECK(request_line(make_request(4, ModemListParams{})) == "{\"id\":4,\"op\":\"modem.list\"}\n");
}

TEST_CASE("every op round-trips through request_line and parse_request") {
    SendParams full;
    full.to = "+491701234567";
    full.text = "Grüße € \"quoted\"\n";
    full.encoding = Encoding::ucs2;
    full.transliterate = true;
    full.report = false;
    full.validity_minutes = 120;
    full.priority = 0;
    full.not_before = Timestamp{"2024-06-01T14:30:00+02:00", 1717245000, 0};
    full.idempotency_key = "k1";
    full.modem = "office-1";
    full.category = Category::marketing;
    SendParams plain;
    plain.to = "0170 1234567";
    plain.text = "x";

    MessageListParams list;
    list.state = MessageState::failed;
    list.category = Category::transactional;
    list.since = Timestamp{"2024-01-01T00:00:00Z", 1704067200, 0};
    list.limit = 10;
    list.before_id = 99;

    const Params all[] = {
        HelloParams{"smsgwctl", 1},
        full,
        SendBatchParams{{SendItem{full, {}, {}}, SendItem{plain, {}, {}}}},
        MessageGetParams{12},
        list,
        MessageCancelParams{13},
        InboundListParams{"DHL", "office-1", std::nullopt,
                          Timestamp{"2024-02-01T00:00:00Z", 1706745600, 0}, 5, 7},
        OptoutListParams{"+491701234567", 20, std::nullopt},
        OptoutAddParams{"+491701234567", "asked by phone"},
        OptoutRemoveParams{"+491701234567"},
        SettingsGetParams{{"a.b", "c"}},
        SettingsSetParams{"quiet_hours.start", std::int64_t{22}},
        SettingsSetParams{"feature.on", true},
        ModemListParams{},
        PreviewParams{"Hallo", Encoding::gsm7, true, "+4917012345", Category::marketing},
        SubscribeParams{{EventName::message_sent, EventName::optout_added}},
        WalletGetParams{},
        WalletGetParams{0, 17},
        WalletTopupParams{Amount{12'345'678}, "invoice 2024-117"},
        WalletTopupParams{Amount{1}, std::nullopt},
        WalletWithdrawParams{Amount{1'950'000}, "paid back"},
    };
    std::int64_t id = 0;
    for (const Params& p : all) round_trip(make_request(++id, p));
    round_trip(Request{"{\"trace\":[\"x\",1]}", HelloParams{}});
}

TEST_CASE("parse_server_line reads replies") {
    auto ok = parse_server_line(success_reply("5", {{"message_id", 9}}));
    REQUIRE(ok.has_value());
    const Reply& r = std::get<Reply>(*ok);
    CHECK(r.id == "5");
    CHECK(r.ok);
    CHECK(r.result.at("message_id") == 9);

    auto err = parse_server_line(
        error_reply("\"x\"", Error{ErrorCode::opted_out, "number opted out", "to"}));
    REQUIRE(err.has_value());
    const Reply& e = std::get<Reply>(*err);
    CHECK(e.id == "\"x\"");
    CHECK_FALSE(e.ok);
    CHECK(e.error == Error{ErrorCode::opted_out, "number opted out", "to"});
}

TEST_CASE("parse_server_line keeps unknown error codes readable") {
    auto r = parse_server_line(
        R"({"id":1,"ok":false,"error":{"code":"quota_exceeded","message":"later"}})");
    REQUIRE(r.has_value());
    const Reply& e = std::get<Reply>(*r);
    CHECK(e.error.code == ErrorCode::internal);
    CHECK(e.error.message == "quota_exceeded: later");
}

TEST_CASE("parse_server_line reads events") {
    auto r = parse_server_line(
        event_line(EventName::inbound_received, {{"from", "+4917012345"}, {"text", "STOP"}}));
    REQUIRE(r.has_value());
    const EventMessage& ev = std::get<EventMessage>(*r);
    CHECK(ev.name == "inbound.received");
    CHECK(ev.fields == nlohmann::json{{"from", "+4917012345"}, {"text", "STOP"}});
}

TEST_CASE("parse_server_line refuses what is neither") {
    for (const char* bad : {"", "nope", "[1]", R"({"id":1})", R"({"id":1,"ok":"yes"})",
                            R"({"id":1,"ok":true})", R"({"id":1,"ok":false})", R"({"event":5})",
                            R"({"id":1,"ok":false,"error":{"code":5}})"}) {
        INFO(bad);
        auto r = parse_server_line(bad);
        if (r) {
            // Only the last one is readable: a reply whose code is not text.
            CHECK(std::get<Reply>(*r).error.code == ErrorCode::internal);
        } else {
            CHECK(!r.error().empty());
        }
    }
}

TEST_CASE("request_line never throws on ill-formed UTF-8, it sends U+FFFD") {
    PreviewParams p;
    p.text = std::string("a\xFF") + "b";
    std::string line;
    REQUIRE_NOTHROW(line = request_line(make_request(1, p)));
    CHECK(line.find("a\xEF\xBF\xBD"
                    "b") != std::string::npos);
    CHECK(
        parse_request(std::string_view(line).substr(0, line.size() - 1), Role::member).has_value());
}
