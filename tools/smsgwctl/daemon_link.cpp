// DaemonLink over a plain AF_UNIX stream socket. Writes use MSG_NOSIGNAL, so a
// daemon going away is an error message, not a SIGPIPE death.
#include "tools/smsgwctl/daemon_link.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace smsgw::ctl {

Expected<DaemonLink, std::string> DaemonLink::connect(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path))
        return unexpected("cannot reach the daemon at " + path + ": not a usable socket path");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return unexpected(std::string("cannot create a socket: ") + std::strerror(errno));
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
        if (n < 0) return unexpected(std::string(std::strerror(errno)));
        done += static_cast<std::size_t>(n);
    }
    return true;
}

DaemonLink::Read DaemonLink::read_line(std::string& line, bool interruptible) {
    for (;;) {
        if (const auto newline = buffer_.find('\n'); newline != std::string::npos) {
            line.assign(buffer_, 0, newline);
            buffer_.erase(0, newline + 1);
            return Read::line;
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
