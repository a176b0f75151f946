#include "daemon/dispatch/local_day.hpp"

#include <ctime>

namespace smsgw::dispatch {

LocalDay local_day(store::Time t) {
    const std::time_t secs = static_cast<std::time_t>(store::to_millis(t) / 1000);
    std::tm lt{};
    ::localtime_r(&secs, &lt);
    LocalDay d;
    d.number = (lt.tm_year + 1900) * 1000 + lt.tm_yday;
    lt.tm_hour = lt.tm_min = lt.tm_sec = 0;
    lt.tm_isdst = -1;
    std::tm next = lt;
    d.start = store::from_millis(static_cast<std::int64_t>(std::mktime(&lt)) * 1000);
    next.tm_mday += 1;
    next.tm_isdst = -1;
    d.next = store::from_millis(static_cast<std::int64_t>(std::mktime(&next)) * 1000);
    return d;
}

}  // namespace smsgw::dispatch
