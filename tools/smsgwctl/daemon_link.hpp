// smsgwctl's end of the socket: connect, write one request line, read lines
// back. Blocking calls are right for a command-line client; a signal (SIGINT
// during `events`) interrupts a read so the caller can exit cleanly.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "pdu/expected.hpp"

namespace smsgw::ctl {

class DaemonLink {
  public:
    using Clock = std::chrono::steady_clock;

    // A reason naming the path when the daemon cannot be reached. A nonzero
    // `send_timeout` bounds the connect and every write: a daemon that is
    // stopped or stuck fills its backlog and its socket buffer, and a script
    // must not hang on it.
    static Expected<DaemonLink, std::string> connect(const std::string& path,
                                                     std::chrono::milliseconds send_timeout = {});

    DaemonLink(DaemonLink&& other) noexcept;
    DaemonLink& operator=(DaemonLink&&) = delete;
    ~DaemonLink();

    // Writes all of `line` (newline included); a reason on failure.
    Expected<bool, std::string> write(const std::string& line);

    enum class Read { line, closed, interrupted, failed, timed_out };
    // The next line without its newline. `closed`: the daemon hung up;
    // `interrupted`: a signal arrived (only when interruptible is set);
    // `timed_out`: no whole line by `deadline`.
    Read read_line(std::string& line, bool interruptible = false,
                   std::optional<Clock::time_point> deadline = std::nullopt);
    const std::string& failure() const { return failure_; }
    int fd() const { return fd_; }

  private:
    explicit DaemonLink(int fd) : fd_(fd) {}

    int fd_ = -1;
    std::string buffer_;
    std::string failure_;
};

}  // namespace smsgw::ctl
