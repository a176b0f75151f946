// Splitting a connection's byte stream into request lines. A line longer than
// the limit is reported as soon as the limit is passed, and the rest of it is
// dropped as it arrives, so a client cannot make the daemon buffer more than
// the limit. `\r\n` endings are accepted and blank lines skipped (people type
// requests with socat).
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/api/protocol.hpp"

namespace smsgw::api {

struct SplitItem {
    enum class Kind { line, too_long };
    Kind kind = Kind::line;
    std::string line;  // the line without its ending (Kind::line only)
};

class LineSplitter {
  public:
    explicit LineSplitter(std::size_t max_line = max_line_bytes) : max_(max_line) {}

    void feed(std::string_view bytes);
    // The next complete line or oversize report, in stream order.
    std::optional<SplitItem> next();
    // At end of stream: a last line that had no newline, if any.
    std::optional<SplitItem> finish();

    std::size_t buffered() const { return partial_.size(); }

  private:
    void complete(std::string line);

    std::size_t max_;
    std::string partial_;
    bool discarding_ = false;  // inside an oversize line, until its newline
    std::deque<SplitItem> ready_;
};

}  // namespace smsgw::api
