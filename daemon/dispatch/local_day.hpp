// The local calendar day that `max_per_day` counts in (pure: no I/O but the
// C library's time zone). mktime stats /etc/localtime on every call, which a
// modem sending at full speed would pay for twice per part, so LocalDayCache
// works the day out again only when the time leaves it.
#pragma once

#include <cstdint>
#include <optional>

#include "daemon/store/types.hpp"

namespace smsgw::dispatch {

// A number that changes at local midnight, when the day started and when the
// next one starts (mktime handles the 23- and 25-hour days of DST changes).
struct LocalDay {
    std::int64_t number = 0;  // year * 1000 + day of the year
    store::Time start{};
    store::Time next{};
};

LocalDay local_day(store::Time t);

class LocalDayCache {
  public:
    // The day of `t`; a clock set back or forward leaves the cached day too.
    // A change of time zone takes effect from the next day.
    const LocalDay& at(store::Time t) {
        if (!day_ || t < day_->start || t >= day_->next) day_ = local_day(t);
        return *day_;
    }

  private:
    std::optional<LocalDay> day_;
};

}  // namespace smsgw::dispatch
