#include "daemon/core/event_publisher.hpp"

#include <nlohmann/json.hpp>

#include <optional>

#include "daemon/core/views.hpp"
#include "daemon/server/event_bus.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::core {

using api::EventName;
using nlohmann::json;

bool EventPublisher::listening(EventName event) const {
    return bus_ != nullptr && bus_->wanted(server::event_bit(event));
}

bool EventPublisher::listening_to_updates() const {
    using server::event_bit;
    return bus_ != nullptr &&
           bus_->wanted(event_bit(EventName::message_sent) | event_bit(EventName::message_delivered) |
                        event_bit(EventName::message_failed));
}

void EventPublisher::message_queued(const store::Message& message) {
    if (!listening(EventName::message_queued)) return;
    bus_->publish(EventName::message_queued, message_json(message, false));
}

namespace {

std::optional<EventName> event_for(store::State state) {
    switch (state) {
        case store::State::sent: return EventName::message_sent;
        case store::State::delivered: return EventName::message_delivered;
        case store::State::failed:
        case store::State::expired:
        case store::State::cancelled:
        case store::State::uncertain: return EventName::message_failed;
        default: return std::nullopt;  // queued/sending: not an event of the protocol
    }
}

}  // namespace

bool EventPublisher::has_event(const store::StateUpdate& update) {
    return update.message_changed() && event_for(update.message_to).has_value();
}

bool EventPublisher::listening_to(const store::StateUpdate& update) const {
    return has_event(update) && listening(*event_for(update.message_to));
}

void EventPublisher::message_update(store::Store& store, const store::StateUpdate& update) {
    if (!listening_to(update)) return;
    if (const auto message = store.find_message(update.message_id))
        publish_update(update, *message);
}

void EventPublisher::message_update(const store::StateUpdate& update,
                                    const store::Message& message) {
    if (listening_to(update)) publish_update(update, message);
}

void EventPublisher::publish_update(const store::StateUpdate& update,
                                    const store::Message& message) {
    json fields = message_json(message, false);
    fields["previous_state"] = store::to_string(update.message_from);
    bus_->publish(*event_for(update.message_to), fields);
}

void EventPublisher::inbound_received(const store::Inbound& inbound) {
    if (inbound_stored_) inbound_stored_(inbound);
    if (!listening(EventName::inbound_received)) return;
    json fields = inbound_json(inbound);
    fields.erase("raw_pdus");
    bus_->publish(EventName::inbound_received, fields);
}

void EventPublisher::optout_added(const store::OptOut& optout) {
    if (!listening(EventName::optout_added)) return;
    // An event line carries no "id": a client matches responses by it.
    json fields = optout_json(optout);
    fields.erase("id");
    fields["optout_id"] = optout.id;
    bus_->publish(EventName::optout_added, fields);
}

void EventPublisher::optout_removed(std::string_view number, std::string_view source,
                                    store::Time at, std::optional<std::int64_t> source_inbound_id,
                                    std::optional<std::int64_t> uid) {
    if (!listening(EventName::optout_removed)) return;
    bus_->publish(EventName::optout_removed,
                  {{"number", number},
                   {"source", source},
                   {"at", format_time(at)},
                   {"source_inbound_id", optional_json(source_inbound_id)},
                   {"uid", optional_json(uid)}});
}

void EventPublisher::modem_up(const drivers::ModemStatus& status) {
    if (!listening(EventName::modem_up)) return;
    bus_->publish(EventName::modem_up, modem_json(status));
}

void EventPublisher::modem_down(const drivers::ModemStatus& status, std::string_view why) {
    if (!listening(EventName::modem_down)) return;
    json fields = modem_json(status);
    fields["why"] = why;
    bus_->publish(EventName::modem_down, fields);
}

}  // namespace smsgw::core
