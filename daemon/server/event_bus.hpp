// Fan-out of daemon events to the connections that subscribed to them. An event
// is serialised once and the same line is queued on every matching connection;
// publishing never waits for a reader: a connection whose backlog of unsent
// events grows past its bound is dropped by the connection itself (see
// connection.hpp), so one slow subscriber cannot slow the daemon. Not
// thread-safe: publish on the server's io_context thread.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "daemon/api/role.hpp"
#include "daemon/api/vocabulary.hpp"

namespace smsgw::server {

// A set of event names as bits, in EventName order.
using EventMask = std::uint32_t;
static_assert(api::event_names.size() <= 32);
inline constexpr EventMask event_bit(api::EventName e) {
    return EventMask{1} << static_cast<unsigned>(e);
}

// The events `role` may receive: those whose op it may call
// (api::event_min_role). A role changed by a reload narrows a subscription
// to these.
EventMask events_for(api::Role role);

// Where the bus puts a line; implemented by the server's connections.
class EventSink {
  public:
    virtual void deliver_event(const std::shared_ptr<const std::string>& line) = 0;

  protected:
    virtual ~EventSink() = default;
};

class EventBus {
  public:
    // `fields` is an object (may be empty); "event" is set from `event`.
    void publish(api::EventName event, const nlohmann::json& fields);

    // Replaces the sink's subscription; an empty mask unsubscribes.
    void subscribe(EventSink& sink, EventMask events);
    void unsubscribe(EventSink& sink) { subscribe(sink, 0); }

    std::size_t subscriber_count() const { return subscribers_.size(); }
    // Some subscriber takes one of `events`: worth building such an event.
    bool wanted(EventMask events) const { return (wanted_ & events) != 0; }
    std::uint64_t published() const { return published_; }

  private:
    std::map<EventSink*, EventMask> subscribers_;
    EventMask wanted_ = 0;  // the union of subscribers_' masks
    std::uint64_t published_ = 0;
};

}  // namespace smsgw::server
