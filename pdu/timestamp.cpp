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

Timestamp Timestamp::from_utc(std::chrono::sys_seconds t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day date{day};
    const hh_mm_ss time{t - day};
    return {static_cast<int>(date.year()), static_cast<int>(static_cast<unsigned>(date.month())),
            static_cast<int>(static_cast<unsigned>(date.day())),
            static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
            static_cast<int>(time.seconds().count()), 0};
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
