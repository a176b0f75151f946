#include "daemon/service/failure_log.hpp"

#include <algorithm>

namespace smsgw::service {

namespace {
// Failures differ by operation and cause, a handful at a time; a bound keeps
// a stream of distinct texts (a path in each) from growing the map.
constexpr std::size_t max_kinds = 64;
}  // namespace

FailureLog::FailureLog(std::chrono::seconds window) : window_(window) {}

std::optional<std::string> FailureLog::line(const std::string& what, Clock::time_point now) {
    auto it = seen_.find(what);
    if (it != seen_.end() && now - it->second.logged < window_) {
        ++it->second.unlogged;
        return std::nullopt;
    }
    std::string out = what;
    if (it != seen_.end() && it->second.unlogged > 0) {
        const auto seconds =
            std::chrono::duration_cast<std::chrono::seconds>(now - it->second.logged).count();
        out += " (" + std::to_string(it->second.unlogged) + " more failed the same way in the " +
               std::to_string(seconds) + " s before, not logged)";
    } else if (it == seen_.end()) {
        out +=
            " (repeats within " + std::to_string(window_.count()) + " s are counted, not logged)";
    }
    if (it == seen_.end()) {
        if (seen_.size() >= max_kinds)  // the kind logged longest ago gives way
            seen_.erase(std::min_element(seen_.begin(), seen_.end(), [](const auto& a, const auto& b) {
                return a.second.logged < b.second.logged;
            }));
        it = seen_.emplace(what, Seen{}).first;
    }
    it->second = Seen{now, 0};
    return out;
}

}  // namespace smsgw::service
