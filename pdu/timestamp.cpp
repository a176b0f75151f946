// TP-SCTS / TP-DT rendering, TS 23.040 §9.2.3.11.
#include "pdu/timestamp.hpp"

#include <cstdio>
#include <cstdlib>

namespace smsgw::pdu {

std::string Timestamp::to_iso8601() const {
    const int q = std::abs(tz_quarters);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, month, day, hour, minute,
                  second, tz_quarters < 0 ? '-' : '+', q / 4, (q % 4) * 15);
    return buf;
}

std::optional<std::chrono::sys_seconds> Timestamp::to_utc() const {
    using namespace std::chrono;
    const year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                              std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok() || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 ||
        second > 59)
        return std::nullopt;
    return sys_days{date} + hours{hour} + minutes{minute} + seconds{second} -
           minutes{15 * tz_quarters};
}

}  // namespace smsgw::pdu
