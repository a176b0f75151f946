// EventBus: one serialisation per event, then a pointer copy per subscriber.
#include "daemon/server/event_bus.hpp"

#include <nlohmann/json.hpp>

#include <vector>

#include "daemon/api/op_table.hpp"
#include "daemon/api/reply.hpp"

namespace smsgw::server {

EventMask events_for(api::Role role) {
    EventMask mask = 0;
    for (const api::EventName event : api::events_visible_to(role)) mask |= event_bit(event);
    return mask;
}

void EventBus::publish(api::EventName event, const nlohmann::json& fields) {
    ++published_;
    const EventMask bit = event_bit(event);
    // Collected first: a sink may unsubscribe itself (dropped) while delivering.
    std::vector<EventSink*> targets;
    for (const auto& [sink, mask] : subscribers_)
        if (mask & bit) targets.push_back(sink);
    if (targets.empty()) return;
    const auto line = std::make_shared<const std::string>(
        api::event_line(event, fields.is_object() ? fields : nlohmann::json::object()));
    for (EventSink* sink : targets)
        if (subscribers_.contains(sink)) sink->deliver_event(line);
}

void EventBus::subscribe(EventSink& sink, EventMask events) {
    if (events == 0)
        subscribers_.erase(&sink);
    else
        subscribers_[&sink] = events;
    wanted_ = 0;
    for (const auto& [_, mask] : subscribers_) wanted_ |= mask;
}

}  // namespace smsgw::server
