// FailureLog: the first failure of a kind is logged, repeats within the window
// are counted, and the next line after the window carries their count.
#include <catch2/catch.hpp>

#include "daemon/service/failure_log.hpp"

using smsgw::service::FailureLog;
using namespace std::chrono_literals;

TEST_CASE("a failure repeated within the window is counted, not logged", "[failure_log]") {
    FailureLog log(60s);
    const FailureLog::Clock::time_point t0{};
    const std::string full = "send failed: database /var/lib/smsgw/smsgw.db cannot grow";

    const auto first = log.line(full, t0);
    REQUIRE(first);
    CHECK(*first == full + " (repeats within 60 s are counted, not logged)");
    for (int i = 1; i <= 4999; ++i) CHECK_FALSE(log.line(full, t0 + 10ms * i));

    SECTION("a different failure is logged at once") {
        const auto other = log.line("settings.set failed: locked", t0 + 1s);
        REQUIRE(other);
        CHECK(other->starts_with("settings.set failed: locked"));
    }
    SECTION("after the window, the next line says how many were not logged") {
        const auto later = log.line(full, t0 + 61s);
        REQUIRE(later);
        CHECK(*later == full + " (4999 more failed the same way in the 61 s before, not logged)");
        CHECK_FALSE(log.line(full, t0 + 62s));
        const auto quiet = log.line(full, t0 + 200s);
        REQUIRE(quiet);
        CHECK(*quiet == full + " (1 more failed the same way in the 139 s before, not logged)");
        const auto clean = log.line(full, t0 + 300s);
        REQUIRE(clean);
        CHECK(*clean == full);
    }
}

TEST_CASE("many distinct failures do not grow the log's memory without bound", "[failure_log]") {
    FailureLog log(60s);
    const FailureLog::Clock::time_point t0{};
    for (int i = 0; i < 1000; ++i) CHECK(log.line("failure " + std::to_string(i), t0 + 1ms * i));
    // The most recent kinds are still remembered and counted; the oldest gave way.
    CHECK_FALSE(log.line("failure 999", t0 + 2s));
    CHECK_FALSE(log.line("failure 950", t0 + 2s));
    CHECK(log.line("failure 0", t0 + 2s));
}
