// DaemonLink over a plain AF_UNIX stream socket. Writes use MSG_NOSIGNAL, so a
// daemon going away is an error message, not a SIGPIPE death.
#include "tools/smsgwctl/daemon_link.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace smsgw::ctl {

Expected<DaemonLink, std::string> DaemonLink::connect(const std::string& path,
                                                     std::chrono::milliseconds send_timeout) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path))
        return unexpected("cannot reach the daemon at " + path + ": not a usable socket path");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return unexpected(std::string("cannot create a socket: ") + std::strerror(errno));
    if (send_timeout.count() > 0) {
        // On a Unix socket SO_SNDTIMEO bounds connect() as well as send().
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(send_timeout).count();
        const timeval tv{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    int rc;
    do rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
    while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        const int err = errno;
        ::close(fd);
        std::string hint;
        if (err == ENOENT) hint = " (is smsgwd running? --socket or $SMSGW_SOCKET chooses the path)";
        if (err == ECONNREFUSED) hint = " (no daemon is listening there)";
        if (err == EACCES) hint = " (the socket's group must include you)";
        if (err == EAGAIN || err == EWOULDBLOCK)
            return unexpected("cannot reach the daemon at " + path + ": it accepts no connection (is it stuck? systemctl status smsgwd)");
        return unexpected("cannot reach the daemon at " + path + ": " + std::strerror(err) + hint);
    }
    return DaemonLink(fd);
}

DaemonLink::DaemonLink(DaemonLink&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)) {}

DaemonLink::~DaemonLink() {
    if (fd_ >= 0) ::close(fd_);
}

Expected<bool, std::string> DaemonLink::write(const std::string& line) {
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::send(fd_, line.data() + done, line.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return unexpected(std::string("the daemon stopped reading (is it stuck?)"));
        if (n < 0) return unexpected(std::string(std::strerror(errno)));
        done += static_cast<std::size_t>(n);
    }
    return true;
}

DaemonLink::Read DaemonLink::read_line(std::string& line, bool interruptible,
                                       std::optional<Clock::time_point> deadline) {
    for (;;) {
        if (const auto newline = buffer_.find('\n'); newline != std::string::npos) {
            line.assign(buffer_, 0, newline);
            buffer_.erase(0, newline + 1);
            return Read::line;
        }
        if (deadline) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
            pollfd p{fd_, POLLIN, 0};
            const int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
            if (ready < 0 && errno == EINTR) {
                if (interruptible) return Read::interrupted;
                continue;
            }
            if (ready == 0) return Read::timed_out;
        }
        char chunk[65536];
        const ssize_t n = ::read(fd_, chunk, sizeof(chunk));
        if (n > 0) {
            buffer_.append(chunk, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) return Read::closed;
        if (errno == EINTR) {
            if (interruptible) return Read::interrupted;
            continue;
        }
        // A reset after the daemon's last line (it refused us) ends the stream too.
        if (errno == ECONNRESET) return Read::closed;
        failure_ = std::strerror(errno);
        return Read::failed;
    }
}

}  // namespace smsgw::ctl
