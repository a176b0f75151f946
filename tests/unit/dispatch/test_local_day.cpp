// The local day behind max_per_day: midnight in the configured time zone, the
// short and the long day of DST, and the cache that spares mktime per part.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <ctime>
#include <string>

#include "daemon/dispatch/local_day.hpp"

using namespace smsgw;
using namespace smsgw::dispatch;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

// Runs the test in one time zone and restores the process's afterwards.
class TimeZone {
  public:
    explicit TimeZone(const char* tz) {
        if (const char* old = std::getenv("TZ")) old_ = old;
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~TimeZone() {
        if (old_)
            ::setenv("TZ", old_->c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }

  private:
    std::optional<std::string> old_;
};

store::Time utc(int year, int month, int day, int hour, int minute) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    return store::from_millis(static_cast<std::int64_t>(::timegm(&tm)) * 1000);
}

}  // namespace

TEST_CASE("a local day runs from local midnight to the next, 23 or 25 hours at DST",
          "[dispatch][local_day]") {
    TimeZone berlin("Europe/Berlin");
    // 2026-03-29: clocks go from 02:00 to 03:00 (CET → CEST).
    const LocalDay spring = local_day(utc(2026, 3, 29, 12, 0));
    CHECK(spring.start == utc(2026, 3, 28, 23, 0));  // 00:00 CET
    CHECK(spring.next == utc(2026, 3, 29, 22, 0));   // 00:00 CEST
    CHECK(spring.next - spring.start == hours(23));
    // 2026-10-25: from 03:00 back to 02:00.
    const LocalDay autumn = local_day(utc(2026, 10, 25, 12, 0));
    CHECK(autumn.next - autumn.start == hours(25));
    // 23:30 UTC on 28 March is already the 29th in Berlin.
    CHECK(local_day(utc(2026, 3, 28, 23, 30)).number == spring.number);
    CHECK(local_day(utc(2026, 3, 28, 22, 59)).number == spring.number - 1);
}

TEST_CASE("the cached day is worked out again only when the time leaves it",
          "[dispatch][local_day]") {
    TimeZone warsaw("Europe/Warsaw");
    LocalDayCache cache;
    const store::Time noon = utc(2026, 12, 2, 11, 0);
    const LocalDay first = cache.at(noon);
    const LocalDay* held = &cache.at(noon + hours(10));  // 22:00 local, same day
    CHECK(held->number == first.number);
    CHECK(held->start == first.start);
    // One minute past local midnight: the next day.
    const LocalDay& next = cache.at(first.next + minutes(1));
    CHECK(next.number == first.number + 1);
    CHECK(next.start == first.next);
    // The clock set back a day: the earlier day again, not the cached one.
    CHECK(cache.at(noon).number == first.number);
    // At the first millisecond of the next day exactly.
    CHECK(cache.at(first.next).number == first.number + 1);
    CHECK(cache.at(first.next - std::chrono::milliseconds(1)).number == first.number);
}
