// Deadlines of the single-threaded simulator: CMGS latency, status reports due,
// +CNMA timeouts, noise, the end of a hang, a re-plug. The poll() loop sleeps
// until next() and then calls run_due(); nothing else keeps time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>

namespace smsgw::modemsim {

class TimerQueue {
public:
    using Clock = std::chrono::steady_clock;
    using Id = std::uint64_t;

    Id at(Clock::time_point due, std::function<void()> fn) {
        Id id = ++last_id_;
        timers_.emplace(std::pair{due, id}, std::move(fn));
        return id;
    }
    Id after(std::chrono::milliseconds delay, std::function<void()> fn) {
        return at(Clock::now() + delay, std::move(fn));
    }
    void cancel(Id id) {
        for (auto it = timers_.begin(); it != timers_.end(); ++it)
            if (it->first.second == id) {
                timers_.erase(it);
                return;
            }
    }
    std::optional<Clock::time_point> next() const {
        if (timers_.empty()) return std::nullopt;
        return timers_.begin()->first.first;
    }
    // Runs every timer due by `now`, in deadline order; a callback may add timers.
    void run_due(Clock::time_point now) {
        while (!timers_.empty() && timers_.begin()->first.first <= now) {
            auto fn = std::move(timers_.begin()->second);
            timers_.erase(timers_.begin());
            fn();
        }
    }

private:
    std::map<std::pair<Clock::time_point, Id>, std::function<void()>> timers_;
    Id last_id_ = 0;
};

}  // namespace smsgw::modemsim
