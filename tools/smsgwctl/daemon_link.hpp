// smsgwctl's end of the socket: connect, write one request line, read lines
// back. Blocking calls are right for a command-line client; a signal (SIGINT
// during `events`) interrupts a read so the caller can exit cleanly.
#pragma once

#include <string>

#include "pdu/expected.hpp"

namespace smsgw::ctl {

class DaemonLink {
  public:
    // A reason naming the path when the daemon cannot be reached.
    static Expected<DaemonLink, std::string> connect(const std::string& path);

    DaemonLink(DaemonLink&& other) noexcept;
    DaemonLink& operator=(DaemonLink&&) = delete;
    ~DaemonLink();

    // Writes all of `line` (newline included); a reason on failure.
    Expected<bool, std::string> write(const std::string& line);

    enum class Read { line, closed, interrupted, failed };
    // The next line without its newline. `closed`: the daemon hung up;
    // `interrupted`: a signal arrived (only when interruptible is set).
    Read read_line(std::string& line, bool interruptible = false);
    const std::string& failure() const { return failure_; }
    int fd() const { return fd_; }

  private:
    explicit DaemonLink(int fd) : fd_(fd) {}

    int fd_ = -1;
    std::string buffer_;
    std::string failure_;
};

}  // namespace smsgw::ctl
