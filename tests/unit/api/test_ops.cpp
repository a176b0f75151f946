// The other core ops: one typed struct each, their parameters and bounds, and
// the op table itself (every op of DESIGN.md and of the feature issues, roles
// as DESIGN.md gives them).
#include <set>

#include "api_test_util.hpp"
#include "daemon/api/op_table.hpp"

using namespace smsgw::api;
using smsgw::api::test::parsed;
using smsgw::api::test::refused;

TEST_CASE("the op table covers every core op of DESIGN.md with its role") {
    const std::set<std::string_view> expected = {
        "hello",          "send",         "send_batch",     "message.get", "message.list",
        "message.cancel", "inbound.list", "optout.list",    "optout.add",  "optout.remove",
        "settings.get",   "settings.set", "modem.list",     "preview",     "subscribe",
        "wallet.get",     "wallet.topup", "wallet.withdraw"};
    std::set<std::string_view> names;
    for (const OpInfo& op : op_table()) {
        names.insert(op.name);
        CHECK(&op_info(op.op) == &op);
        CHECK(find_op(op.name) == &op);
        for (const ParamSpec& p : op.params) {
            INFO(op.name << "." << p.name);
            CHECK(!p.name.empty());
            if (p.type == ParamType::enumeration || p.type == ParamType::enum_list)
                CHECK(!p.choices.empty());
            if (p.type == ParamType::object_list)
                CHECK(p.item_params.size() == op_info(Op::send).params.size());
        }
    }
    CHECK(names == expected);
    CHECK(op_info(Op::send).min_role == Role::member);
    CHECK(op_info(Op::optout_add).min_role == Role::manager);
    CHECK(op_info(Op::settings_set).min_role == Role::manager);
    CHECK(op_info(Op::wallet_get).min_role == Role::admin);
    CHECK(op_info(Op::modem_list).min_role == Role::admin);
    CHECK(op_info(Op::wallet_topup).min_role == Role::admin);
    CHECK(op_info(Op::wallet_withdraw).min_role == Role::admin);
    CHECK(find_op("nope") == nullptr);
}

TEST_CASE("hello") {
    CHECK(parsed<HelloParams>(R"({"id":1,"op":"hello","client":"erp","protocol":1})") ==
          HelloParams{"erp", 1});
    CHECK(refused(R"({"id":1,"op":"hello","protocol":2})").field == "protocol");
    // The one version there is, not a range of one.
    CHECK(refused(R"({"id":1,"op":"hello","protocol":2})").message ==
          "protocol: expected 1, found the number 2");
}

TEST_CASE("message.get and message.cancel need a positive message_id") {
    CHECK(parsed<MessageGetParams>(R"({"id":1,"op":"message.get","message_id":42})").message_id ==
          42);
    CHECK(parsed<MessageCancelParams>(R"({"id":1,"op":"message.cancel","message_id":9})")
              .message_id == 9);
    CHECK(refused(R"({"id":1,"op":"message.get","message_id":0})").field == "message_id");
    CHECK(refused(R"({"id":1,"op":"message.cancel","message_id":"9"})").field == "message_id");
    CHECK(refused(R"({"id":1,"op":"message.get"})").message ==
          "message_id: required parameter is missing");
}

TEST_CASE("message.list filters and pagination") {
    const auto p = parsed<MessageListParams>(
        R"({"id":1,"op":"message.list","state":"uncertain","to":"+491701234567","modem":"office-1",)"
        R"("category":"marketing","since":"2024-01-01T00:00:00Z","until":"2024-02-01T00:00:00Z",)"
        R"("limit":50,"before_id":1000})");
    CHECK(p.state == MessageState::uncertain);
    CHECK(p.to == "+491701234567");
    CHECK(p.modem == "office-1");
    CHECK(p.category == Category::marketing);
    CHECK(p.since->unix_seconds == 1704067200);
    CHECK(p.until->unix_seconds == 1706745600);
    CHECK(p.limit == 50);
    CHECK(p.before_id == 1000);
    CHECK(parsed<MessageListParams>(R"({"id":1,"op":"message.list"})").limit == 100);
    CHECK(refused(R"({"id":1,"op":"message.list","limit":1001})").field == "limit");
    CHECK(refused(R"({"id":1,"op":"message.list","state":"lost"})").message ==
          "state: expected one of queued, sending, sent, delivered, failed, expired, cancelled, "
          "uncertain, found "
          "\"lost\"");
}

TEST_CASE("inbound.list accepts alphanumeric senders, refuses what can be no sender") {
    const auto p =
        parsed<InboundListParams>(R"({"id":1,"op":"inbound.list","from":"DHL","limit":10})");
    CHECK(p.from == "DHL");
    CHECK(p.limit == 10);
    // As written: the daemon normalises it as it stores senders.
    for (const char* from : {"+49 176 1234-5678", " ACME ", "3200", "Bäckerei Ö"})
        CHECK(parsed<InboundListParams>(std::string(R"({"id":1,"op":"inbound.list","from":")") +
                                        from + "\"}")
                  .from == from);
    const Error blank = refused(R"({"id":1,"op":"inbound.list","from":" \t "})");
    CHECK(blank.code == ErrorCode::bad_request);
    CHECK(blank.field == "from");
    CHECK(blank.message ==
          "from: expected a sender: a phone number, a short code or a name such as \"ACME\", "
          "found \" \\t \"");
    // White space around it is a copied value's; inside it, a control
    // character (a line break too) is no sender's.
    const Error inside = refused(R"({"id":1,"op":"inbound.list","from":"  AC\nME"})");
    CHECK(inside.field == "from");
    CHECK(inside.message ==
          "from: expected a sender: a phone number, a short code or a name such as \"ACME\" "
          "without control characters, found U+000A at character 5");
    CHECK(refused(R"({"id":1,"op":"inbound.list","from":"\u0000"})").field == "from");
}

TEST_CASE("opt-out ops") {
    CHECK(parsed<OptoutListParams>(R"({"id":1,"op":"optout.list","number":"+491701234567"})")
              .number == "+491701234567");
    const auto add = parsed<OptoutAddParams>(
        R"({"id":1,"op":"optout.add","number":"+491701234567","note":"phone"})");
    CHECK(add.note == "phone");
    CHECK(refused(R"({"id":1,"op":"optout.add","number":"x"})").code == ErrorCode::invalid_number);
    CHECK(parsed<OptoutRemoveParams>(R"({"id":1,"op":"optout.remove","number":"+491701234567"})")
              .number == "+491701234567");
}

TEST_CASE("settings.get and settings.set") {
    CHECK(parsed<SettingsGetParams>(R"({"id":1,"op":"settings.get"})").keys.empty());
    CHECK(parsed<SettingsGetParams>(
              R"({"id":1,"op":"settings.get","keys":["quiet_hours.start","a"]})")
              .keys == std::vector<std::string>{"quiet_hours.start", "a"});
    CHECK(refused(R"({"id":1,"op":"settings.get","keys":["Bad Key"]})").field == "keys[0]");
    CHECK(refused(R"({"id":1,"op":"settings.get","keys":[1]})").field == "keys[0]");
    CHECK(std::get<std::string>(
              parsed<SettingsSetParams>(R"({"id":1,"op":"settings.set","key":"a.b","value":"x"})")
                  .value) == "x");
    CHECK(std::get<std::int64_t>(
              parsed<SettingsSetParams>(R"({"id":1,"op":"settings.set","key":"a","value":-3})")
                  .value) == -3);
    CHECK(std::get<bool>(
        parsed<SettingsSetParams>(R"({"id":1,"op":"settings.set","key":"a","value":true})").value));
    CHECK(refused(R"({"id":1,"op":"settings.set","key":"a","value":[1]})").field == "value");
    CHECK(refused(R"({"id":1,"op":"settings.set","key":"a","value":1.5})").field == "value");
    CHECK(refused(R"({"id":1,"op":"settings.set","key":"a"})").field == "value");
}

TEST_CASE("modem.list takes no parameters") {
    parsed<ModemListParams>(R"({"id":1,"op":"modem.list"})");
    CHECK(refused(R"({"id":1,"op":"modem.list","all":true})").message ==
          "all: unknown parameter for modem.list");
}

TEST_CASE("preview") {
    const auto p = parsed<PreviewParams>(
        R"({"id":1,"op":"preview","text":"€ 5","encoding":"gsm7","to":"+4917012345"})");
    CHECK(p.text == "€ 5");
    CHECK(p.encoding == Encoding::gsm7);
    CHECK(refused(R"({"id":1,"op":"preview"})").field == "text");
}

TEST_CASE("subscribe takes distinct known event names") {
    const auto p = parsed<SubscribeParams>(
        R"({"id":1,"op":"subscribe","events":["message.delivered","modem.down"]})");
    CHECK(p.events == std::vector<EventName>{EventName::message_delivered, EventName::modem_down});
    CHECK(refused(R"({"id":1,"op":"subscribe","events":["message.lost"]})").field == "events[0]");
    CHECK(refused(R"({"id":1,"op":"subscribe","events":["modem.up","modem.up"]})").field ==
          "events[1]");
    CHECK(refused(R"({"id":1,"op":"subscribe","events":[]})").field == "events");
    CHECK(refused(R"({"id":1,"op":"subscribe"})").field == "events");
}

TEST_CASE("an event needs the role of the op that shows its data") {
    for (std::size_t i = 0; i < event_names.size(); ++i) {
        const auto event = static_cast<EventName>(i);
        INFO(event_names[i]);
        CHECK(event_min_role(event) == op_info(event_source_op(event)).min_role);
    }
    CHECK(event_source_op(EventName::optout_added) == Op::optout_list);
    CHECK(event_source_op(EventName::inbound_received) == Op::inbound_list);
    CHECK(event_source_op(EventName::message_failed) == Op::message_get);
    CHECK(event_min_role(EventName::optout_removed) == Role::manager);
    CHECK(event_min_role(EventName::modem_down) == Role::admin);

    // A member's subscription naming an opt-out event is refused whole.
    const std::string line =
        R"({"id":1,"op":"subscribe","events":["message.sent","optout.removed"]})";
    auto member = parse_request(line, Role::member);
    REQUIRE_FALSE(member.has_value());
    CHECK(member.error().id == "1");
    CHECK(member.error().error.code == ErrorCode::forbidden);
    CHECK(member.error().error.field == "events[1]");
    CHECK(member.error().error.message ==
          "events[1]: optout.removed needs the manager role (as optout.list does); the caller is "
          "member");
    CHECK(parse_request(line, Role::manager).has_value());
    CHECK(parse_request(R"({"id":1,"op":"subscribe","events":["message.sent","inbound.received"]})",
                        Role::member)
              .has_value());
    // The modems' events are an admin's, as their list is.
    CHECK_FALSE(parse_request(R"({"id":1,"op":"subscribe","events":["modem.up"]})", Role::manager)
                    .has_value());
}
