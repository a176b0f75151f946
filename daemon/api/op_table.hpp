// The op table (STYLE.md habit 9): every operation with the least role that
// may call it and the schema of its parameters — name, type, required, bounds,
// allowed values. Request parsing validates against it, the client helper
// serialises from it, and smsgwctl can print usage from it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "daemon/api/role.hpp"
#include "daemon/api/vocabulary.hpp"

namespace smsgw::api {

enum class ParamType {
    string,   // length in bytes within [min, max]
    integer,  // value within [min, max]
    boolean,
    timestamp,    // ISO-8601 with offset
    enumeration,  // one of `choices`
    string_list,  // [min, max] strings, each passing `check`
    enum_list,    // [min, max] distinct values of `choices`
    object_list,  // [min, max] objects with `item_params`
    scalar,       // string, integer or boolean (a setting's value)
    amount,       // money: a decimal string ("10.50") or a whole integer; [min, max] in
                  // micro-units; a JSON number with a fraction is refused (amount.hpp)
};

// Checks beyond the type; each says which error code a failure gets.
enum class ParamCheck {
    none,
    phone_number,  // plausible number, else invalid_number (full check: the daemon)
    sender,        // an inbound originator (a number, a short code, a name such as
                   // "ACME"): not blank, no control character inside
    sms_text,      // non-empty; over 255 parts' worth of characters, composed as sent
                   // (pdu/compose.hpp), is text_too_long
    name,          // letters, digits, `_`, `-`, `.` (modem names)
    setting_key,   // lower-case dotted name
    client_key,    // an idempotency key a client may choose: not the daemon's "smsgwd:" ones
};

// The prefix of the idempotency keys smsgwd gives its own automatic replies
// ("smsgwd:help:…"), which it also counts to send one of a kind an hour: a
// client's key with it would suppress them.
inline constexpr std::string_view daemon_key_prefix = "smsgwd:";

struct ParamSpec {
    std::string_view name;
    ParamType type;
    bool required = false;
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::span<const std::string_view> choices = {};
    ParamCheck check = ParamCheck::none;
    std::span<const ParamSpec> item_params = {};  // object_list only
};

struct OpInfo {
    std::string_view name;
    Op op;
    Role min_role;
    std::span<const ParamSpec> params;
};

std::span<const OpInfo> op_table();
const OpInfo* find_op(std::string_view name);
const OpInfo& op_info(Op op);

// An event carries the data of one op's answer, so it reaches only the roles
// that may call that op: message.* → message.get, inbound.received →
// inbound.list, optout.* → optout.list, modem.* → modem.list.
Op event_source_op(EventName event);
Role event_min_role(EventName event);
// Every event `role` may receive, in EventName order.
std::vector<EventName> events_visible_to(Role role);

}  // namespace smsgw::api
