// State names and the rule that derives a message's state from its parts'.
#include <algorithm>

#include "daemon/store/types.hpp"

namespace smsgw::store {

std::string_view to_string(State state) {
    return state_names[static_cast<std::size_t>(state)];
}

std::optional<State> state_from_string(std::string_view name) {
    for (std::size_t i = 0; i < state_names.size(); ++i)
        if (state_names[i] == name) return static_cast<State>(i);
    return std::nullopt;
}

// In order of precedence:
//   failed     any part failed — the recipient can never get the whole text;
//   queued     every part queued;
//   sending    something is still queued or in flight, and something moved;
//   expired    nothing left to send and a part expired before it went out;
//   uncertain  nothing left to send and a part's AT+CMGS outcome is unknown;
//   cancelled  nothing left to send and a part was cancelled;
//   delivered  every part's status report said delivered;
//   sent       every part sent (some may already be delivered).
State derive_message_state(std::span<const State> parts) {
    auto count = [&](State s) { return std::count(parts.begin(), parts.end(), s); };
    const auto n = static_cast<std::ptrdiff_t>(parts.size());
    if (count(State::failed) > 0) return State::failed;
    const auto queued = count(State::queued);
    if (queued == n) return State::queued;
    if (queued + count(State::sending) > 0) return State::sending;
    if (count(State::expired) > 0) return State::expired;
    if (count(State::uncertain) > 0) return State::uncertain;
    if (count(State::cancelled) > 0) return State::cancelled;
    if (count(State::delivered) == n) return State::delivered;
    return State::sent;
}

std::string_view to_string(CancelResult result) {
    static constexpr std::string_view names[] = {"cancelled", "not_found", "already_sending",
                                                 "already_final", "not_submitter"};
    return names[static_cast<std::size_t>(result)];
}

}  // namespace smsgw::store
