#include "daemon/dispatch/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace smsgw::dispatch {

RateLimiter::RateLimiter(int per_minute, int max_per_day, Clock::time_point now) {
    set_limits(per_minute, max_per_day, now);
    tokens_ = capacity();
}

void RateLimiter::set_limits(int per_minute, int max_per_day, Clock::time_point now) {
    refill(now);
    per_minute_ = per_minute;
    max_per_day_ = max_per_day;
    refilled_ = now;
    tokens_ = std::min(tokens_, capacity());
}

double RateLimiter::capacity() const {
    return std::max(1.0, per_minute_ / 60.0);
}

void RateLimiter::refill(Clock::time_point now) {
    if (per_minute_ <= 0) return;
    if (now > refilled_) {
        const double seconds = std::chrono::duration<double>(now - refilled_).count();
        tokens_ = std::min(capacity(), tokens_ + seconds * per_minute_ / 60.0);
    }
    refilled_ = now;
}

RateLimiter::Clock::duration RateLimiter::wait(Clock::time_point now) {
    if (per_minute_ <= 0) return Clock::duration::zero();
    refill(now);
    // A little slack: floating-point refill must not leave 0.9999999 tokens.
    if (tokens_ >= 1.0 - 1e-9) return Clock::duration::zero();
    const double seconds = (1.0 - tokens_) * 60.0 / per_minute_;
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)) +
           std::chrono::milliseconds(1);
}

void RateLimiter::take(Clock::time_point now) {
    if (per_minute_ <= 0) return;
    refill(now);
    tokens_ = std::max(0.0, tokens_ - 1.0);
}

void RateLimiter::give_back() {
    if (per_minute_ <= 0) return;
    tokens_ = std::min(capacity(), tokens_ + 1.0);
}

void RateLimiter::sent_before(Clock::time_point when, Clock::time_point now) {
    if (per_minute_ <= 0) return;
    refill(now);
    const double since = std::max(0.0, std::chrono::duration<double>(now - when).count());
    tokens_ = std::min(tokens_, since * per_minute_ / 60.0);
}

void RateLimiter::set_day(std::int64_t day, std::int64_t sent) {
    day_ = day;
    sent_ = sent;
}

void RateLimiter::count_sent(std::int64_t day) {
    if (day != day_) set_day(day, 0);
    ++sent_;
}

bool RateLimiter::capped(std::int64_t day) const {
    return max_per_day_ > 0 && day == day_ && sent_ >= max_per_day_;
}

}  // namespace smsgw::dispatch
