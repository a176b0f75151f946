// What reaches a subscriber, and what is built for nobody: an event no
// connection subscribed to is never serialised, and a message event goes out
// with the message's fields and the state it left.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "daemon/core/event_publisher.hpp"
#include "daemon/server/event_bus.hpp"

using namespace smsgw;
using api::EventName;
using nlohmann::json;
using server::event_bit;

namespace {

struct RecordingSink : server::EventSink {
    std::vector<json> lines;
    void deliver_event(const std::shared_ptr<const std::string>& line) override {
        REQUIRE(!line->empty());
        CHECK(line->back() == '\n');
        lines.push_back(json::parse(*line));
    }
};

store::Message sent_message() {
    store::Message m;
    m.id = 42;
    m.recipient = "+4917612345678";
    m.state = store::State::sent;
    m.encoding = "gsm7";
    m.category = "transactional";
    m.parts_total = 2;
    m.currency = "EUR";
    m.cost = 180'000;
    return m;
}

store::StateUpdate sending_to_sent() {
    store::StateUpdate u;
    u.part_id = 7;
    u.message_id = 42;
    u.part_state = store::State::sent;
    u.message_from = store::State::sending;
    u.message_to = store::State::sent;
    return u;
}

}  // namespace

TEST_CASE("events: only what someone subscribed to is built and delivered") {
    server::EventBus bus;
    core::EventPublisher events(&bus);
    RecordingSink sink;
    CHECK_FALSE(events.listening(EventName::message_queued));
    CHECK_FALSE(events.listening_to_updates());

    bus.subscribe(sink, event_bit(EventName::message_sent));
    CHECK(bus.wanted(event_bit(EventName::message_sent)));
    CHECK_FALSE(bus.wanted(event_bit(EventName::message_queued)));
    CHECK_FALSE(events.listening(EventName::message_queued));
    CHECK(events.listening(EventName::message_sent));
    CHECK(events.listening_to_updates());

    events.message_queued(sent_message());  // nobody asked for message.queued
    events.modem_down(drivers::ModemStatus{}, "unplugged");
    CHECK(sink.lines.empty());

    events.message_update(sending_to_sent(), sent_message());
    REQUIRE(sink.lines.size() == 1);
    const json& e = sink.lines[0];
    CHECK(e["event"] == "message.sent");
    CHECK(e["message_id"] == 42);
    CHECK(e["state"] == "sent");
    CHECK(e["previous_state"] == "sending");
    CHECK(e["segments"] == 2);
    CHECK(e["cost"] == "0.18");
    CHECK(e["currency"] == "EUR");

    store::StateUpdate one_of_two = sending_to_sent();
    one_of_two.message_to = store::State::sending;  // one part of two sent: no event
    events.message_update(one_of_two, sent_message());
    CHECK(sink.lines.size() == 1);

    bus.unsubscribe(sink);
    CHECK_FALSE(events.listening_to_updates());
    events.message_update(sending_to_sent(), sent_message());
    CHECK(sink.lines.size() == 1);
}

TEST_CASE("events: subscriptions combine, and an unsubscribed event is no longer wanted") {
    server::EventBus bus;
    RecordingSink a;
    RecordingSink b;
    bus.subscribe(a, event_bit(EventName::message_sent));
    bus.subscribe(b, event_bit(EventName::inbound_received) | event_bit(EventName::message_sent));
    CHECK(bus.wanted(event_bit(EventName::inbound_received)));
    bus.publish(EventName::inbound_received, json{{"from", "+4917012345"}, {"text", "STOP"}});
    CHECK(a.lines.empty());
    REQUIRE(b.lines.size() == 1);
    CHECK(b.lines[0]["text"] == "STOP");
    bus.unsubscribe(b);
    CHECK_FALSE(bus.wanted(event_bit(EventName::inbound_received)));
    CHECK(bus.wanted(event_bit(EventName::message_sent)));
    bus.subscribe(a, 0);
    CHECK_FALSE(bus.wanted(event_bit(EventName::message_sent)));
}
