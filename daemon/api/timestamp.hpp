// ISO-8601 times in requests (`not_before`, `since`, `until`). The offset is
// required: a daemon and its clients may sit in different time zones, and a
// local time is ambiguous once a year. Accepted: `2024-06-01T14:30:00Z`,
// `2024-06-01T14:30+02:00`, fractions of a second (kept to the millisecond,
// the daemon's precision).
#pragma once

#include <optional>
#include <string_view>

#include "daemon/api/params.hpp"

namespace smsgw::api {

std::optional<Timestamp> parse_timestamp(std::string_view text);

}  // namespace smsgw::api
