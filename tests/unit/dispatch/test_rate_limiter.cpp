// The per-modem budget: send_rate_per_minute as a token bucket holding one
// second's worth (at least one token), max_per_day per local day.
#include <catch2/catch.hpp>

#include "daemon/dispatch/rate_limiter.hpp"

using smsgw::dispatch::RateLimiter;
using namespace std::chrono_literals;

TEST_CASE("20 per minute is one send every 3 s, not a burst", "[dispatch][rate]") {
    const auto t = RateLimiter::Clock::time_point{} + 1h;
    RateLimiter r(20, 0, t);
    CHECK(r.wait(t) == RateLimiter::Clock::duration::zero());
    r.take(t);
    const auto w = r.wait(t);
    CHECK(w > 2900ms);
    CHECK(w <= 3001ms);
    CHECK(r.wait(t + 1500ms) > 1400ms);
    CHECK(r.wait(t + 3000ms) == RateLimiter::Clock::duration::zero());
}

TEST_CASE("600 per minute allows a burst of ten, then ten a second", "[dispatch][rate]") {
    const auto t = RateLimiter::Clock::time_point{} + 1h;
    RateLimiter r(600, 0, t);
    for (int i = 0; i < 10; ++i) {
        CHECK(r.wait(t) == RateLimiter::Clock::duration::zero());
        r.take(t);
    }
    CHECK(r.wait(t) > 90ms);
    CHECK(r.wait(t + 100ms) == RateLimiter::Clock::duration::zero());
}

TEST_CASE("a send the modem did not take gives its token back", "[dispatch][rate]") {
    const auto t = RateLimiter::Clock::time_point{} + 1h;
    RateLimiter r(1, 0, t);
    r.take(t);
    CHECK(r.wait(t) > 59s);
    r.give_back();
    CHECK(r.wait(t) == RateLimiter::Clock::duration::zero());
}

TEST_CASE("no rate configured: never waits", "[dispatch][rate]") {
    const auto t = RateLimiter::Clock::time_point{} + 1h;
    RateLimiter r(0, 0, t);
    for (int i = 0; i < 1000; ++i) r.take(t);
    CHECK(r.wait(t) == RateLimiter::Clock::duration::zero());
}

TEST_CASE("the daily cap counts from the store's figure and resets with the day",
          "[dispatch][rate]") {
    const auto t = RateLimiter::Clock::time_point{} + 1h;
    RateLimiter r(0, 3, t);
    r.set_day(100, 2);  // two sent before a restart
    CHECK_FALSE(r.capped(100));
    r.count_sent(100);
    CHECK(r.capped(100));
    CHECK(r.sent_today(100) == 3);
    CHECK_FALSE(r.capped(101));
    r.count_sent(101);
    CHECK(r.sent_today(101) == 1);
    CHECK_FALSE(r.capped(101));
    RateLimiter unlimited(0, 0, t);
    unlimited.set_day(1, 1000000);
    CHECK_FALSE(unlimited.capped(1));
}

TEST_CASE("a reloaded rate keeps the tokens in hand, clipped", "[dispatch][rate]") {
    const auto t = RateLimiter::Clock::time_point{} + 1h;
    RateLimiter r(6000, 0, t);  // 100 tokens
    r.set_limits(60, 0, t);     // 1 token at most
    r.take(t);
    CHECK(r.wait(t) > 900ms);
}

TEST_CASE("a send made before a restart still paces the next one", "[dispatch][rate]") {
    const auto t = RateLimiter::Clock::time_point{} + 1h;
    RateLimiter r(2, 0, t);  // one send every 30 s
    r.sent_before(t - 4s, t);
    const auto w = r.wait(t);
    CHECK(w > 25900ms);
    CHECK(w <= 26001ms);
    // One long ago leaves the bucket full; no rate, nothing to pace.
    RateLimiter idle(2, 0, t);
    idle.sent_before(t - 1h, t);
    CHECK(idle.wait(t) == RateLimiter::Clock::duration::zero());
    RateLimiter unlimited(0, 0, t);
    unlimited.sent_before(t, t);
    CHECK(unlimited.wait(t) == RateLimiter::Clock::duration::zero());
}
