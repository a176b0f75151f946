// A modem's sending budget from its config: send_rate_per_minute as a token
// bucket (refilled continuously, holding at most one second's worth and never
// less than one token, so "20 per minute" means one send every 3 s and not a
// burst of 20), and max_per_day as a count of parts handed to the network per
// local calendar day (prepaid SIMs are capped per day by their operator).
// Pure: the caller passes the steady time and the day number.
#pragma once

#include <chrono>
#include <cstdint>

namespace smsgw::dispatch {

class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    // per_minute <= 0: no rate limit; max_per_day <= 0: no daily cap.
    RateLimiter(int per_minute, int max_per_day, Clock::time_point now);
    // A reloaded config: the tokens in hand are kept, clipped to the new size.
    void set_limits(int per_minute, int max_per_day, Clock::time_point now);

    // How long until the next send may start (zero: now). Does not consider the
    // daily cap (see capped()).
    Clock::duration wait(Clock::time_point now);
    // A send starts: one token spent.
    void take(Clock::time_point now);
    // The send never reached the network (not_ready): the token comes back.
    void give_back();
    // A send made at `when`, before this limiter existed (smsgwd restarted):
    // at most what has refilled since is left, as if that send had emptied it.
    void sent_before(Clock::time_point when, Clock::time_point now);

    // The daily count. `day` is any number that changes at local midnight; a
    // new day starts from zero (or from what the store counted, via set_day).
    void set_day(std::int64_t day, std::int64_t sent);
    void count_sent(std::int64_t day);
    bool capped(std::int64_t day) const;
    std::int64_t sent_today(std::int64_t day) const { return day == day_ ? sent_ : 0; }
    int max_per_day() const { return max_per_day_; }
    int per_minute() const { return per_minute_; }

  private:
    void refill(Clock::time_point now);
    double capacity() const;

    int per_minute_ = 0;
    int max_per_day_ = 0;
    double tokens_ = 0;
    Clock::time_point refilled_{};
    std::int64_t day_ = -1;
    std::int64_t sent_ = 0;
};

}  // namespace smsgw::dispatch
