// One log line per kind of failure per window. When the disk is full or the
// database damaged, every request fails the same way; at thousands of
// requests a second a line each would flood the journal (often on the same
// full disk) and bury the first line, the one that says what to do. Repeats
// within the window are counted and the count rides on the next line logged.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace smsgw::service {

class FailureLog {
  public:
    using Clock = std::chrono::steady_clock;
    explicit FailureLog(std::chrono::seconds window = std::chrono::seconds(60));

    // The line to log for `what` at `now`, or nullopt when the same failure
    // was logged less than a window ago (it is counted instead). The line is
    // `what`, followed by how many repeats went unlogged since the last line.
    std::optional<std::string> line(const std::string& what, Clock::time_point now);

  private:
    struct Seen {
        Clock::time_point logged;
        long unlogged = 0;
    };
    std::chrono::seconds window_;
    std::map<std::string, Seen, std::less<>> seen_;
};

}  // namespace smsgw::service
