// The closed sets of names the protocol uses — operations, encodings, message
// categories and states, event names — each an enum class with its wire names
// in one array, in enum order. The op table uses the same arrays to validate
// parameters, so a name is spelt in exactly one place.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace smsgw::api {

// In the order of Params (params.hpp): Op's value is the variant's index.
// New ops go at the end, so the numbers of the existing ones never change.
enum class Op {
    hello,
    send,
    send_batch,
    message_get,
    message_list,
    message_cancel,
    inbound_list,
    optout_list,
    optout_add,
    optout_remove,
    settings_get,
    settings_set,
    modem_list,
    preview,
    subscribe,
    wallet_get,
    wallet_topup,
    wallet_withdraw,
};
inline constexpr std::array<std::string_view, 18> op_names = {
    "hello",        "send",        "send_batch", "message.get",   "message.list", "message.cancel",
    "inbound.list", "optout.list", "optout.add", "optout.remove", "settings.get", "settings.set",
    "modem.list",   "preview",     "subscribe",  "wallet.get",    "wallet.topup", "wallet.withdraw",
};

enum class Encoding { auto_detect, gsm7, ucs2 };
inline constexpr std::array<std::string_view, 3> encoding_names = {"auto", "gsm7", "ucs2"};

enum class Category { transactional, marketing };
inline constexpr std::array<std::string_view, 2> category_names = {"transactional", "marketing"};

// DESIGN.md, "Message states".
enum class MessageState { queued, sending, sent, delivered, failed, expired, cancelled, uncertain };
inline constexpr std::array<std::string_view, 8> message_state_names = {
    "queued", "sending", "sent", "delivered", "failed", "expired", "cancelled", "uncertain"};

enum class EventName {
    message_queued,
    message_sent,
    message_delivered,
    message_failed,
    inbound_received,
    optout_added,
    optout_removed,
    modem_up,
    modem_down,
};
inline constexpr std::array<std::string_view, 9> event_names = {
    "message.queued", "message.sent",   "message.delivered", "message.failed", "inbound.received",
    "optout.added",   "optout.removed", "modem.up",          "modem.down"};

inline std::string_view to_string(Op v) {
    return op_names[static_cast<std::size_t>(v)];
}
inline std::string_view to_string(Encoding v) {
    return encoding_names[static_cast<std::size_t>(v)];
}
inline std::string_view to_string(Category v) {
    return category_names[static_cast<std::size_t>(v)];
}
inline std::string_view to_string(MessageState v) {
    return message_state_names[static_cast<std::size_t>(v)];
}
inline std::string_view to_string(EventName v) {
    return event_names[static_cast<std::size_t>(v)];
}

// Index of `name` in `names`, as the enum E.
template <typename E, std::size_t N>
std::optional<E> from_name(const std::array<std::string_view, N>& names, std::string_view name) {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == name) return static_cast<E>(i);
    return std::nullopt;
}

}  // namespace smsgw::api
