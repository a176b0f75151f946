// Turns what the daemon did into the protocol's events (DESIGN.md, "Events").
// message.* events fire when a message's derived state changes: message.sent
// once every part is sent, message.delivered once every part is delivered, and
// message.failed for every end that did not reach the handset — failed,
// expired, cancelled and uncertain (its `state` says which), so a client that
// waits for "sent or failed" never waits forever.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "daemon/api/vocabulary.hpp"
#include "daemon/store/types.hpp"
#include "drivers/modem.hpp"

namespace smsgw::store {
class Store;
}
namespace smsgw::server {
class EventBus;
}

namespace smsgw::core {

class EventPublisher {
  public:
    // bus may be null (tools and tests that run without a server).
    explicit EventPublisher(server::EventBus* bus = nullptr) : bus_(bus) {}
    // The server is built after its request handler, which publishes through
    // this object: the bus is attached once the server exists.
    void attach(server::EventBus* bus) { bus_ = bus; }
    // Someone subscribed to `event`: worth building its fields. An event
    // nobody asked for costs nothing (an application that waits for
    // message.delivered does not pay for a message.queued per submission).
    bool listening(api::EventName event) const;
    // Someone subscribed to an event a message's state change may make
    // (message.sent, message.delivered, message.failed).
    bool listening_to_updates() const;

    void message_queued(const store::Message& message);
    // Reads the message when the update changed its state and someone listens.
    void message_update(store::Store& store, const store::StateUpdate& update);
    // The same with the message already read (by the dispatcher's writer, in
    // the transaction that made the update).
    void message_update(const store::StateUpdate& update, const store::Message& message);
    // The update changed the message's state to one the protocol has an event
    // for (pure: any thread may ask).
    static bool has_event(const store::StateUpdate& update);
    void inbound_received(const store::Inbound& inbound);
    // Told of every received message stored, whether or not a client
    // subscribed: the daemon's own count of what each modem received.
    void on_inbound_stored(std::function<void(const store::Inbound&)> listener) {
        inbound_stored_ = std::move(listener);
    }
    void optout_added(const store::OptOut& optout);
    // An opt-out lifted: by a resubscribe keyword (source "keyword", the
    // inbound row that asked) or over the socket (source "api", the caller's uid).
    void optout_removed(std::string_view number, std::string_view source, store::Time at,
                        std::optional<std::int64_t> source_inbound_id,
                        std::optional<std::int64_t> uid);
    void modem_up(const drivers::ModemStatus& status);
    void modem_down(const drivers::ModemStatus& status, std::string_view why);

  private:
    // An update has_event() that someone subscribed to.
    bool listening_to(const store::StateUpdate& update) const;
    // An update someone listens to: the event goes out.
    void publish_update(const store::StateUpdate& update, const store::Message& message);

    server::EventBus* bus_;
    std::function<void(const store::Inbound&)> inbound_stored_;
};

}  // namespace smsgw::core
