// Non-blocking accept/read/write on the control socket, driven by the same
// poll() loop as the pty, so a request and the AT traffic it causes are
// ordered exactly as they happen.
#include "tools/modemsim/control_server.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "tools/modemsim/sim_log.hpp"

namespace smsgw::modemsim {
namespace {

constexpr std::size_t kMaxLine = 256 * 1024;  // as the daemon's socket protocol

}  // namespace

ControlServer::ControlServer(std::string path, Handler handler)
    : path_(std::move(path)), handler_(std::move(handler)) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof addr.sun_path)
        throw std::system_error(ENAMETOOLONG, std::generic_category(), "control socket " + path_);
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
    ::unlink(path_.c_str());
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
        int saved = errno;
        ::close(listen_fd_);
        throw std::system_error(saved, std::generic_category(), "bind/listen " + path_);
    }
}

ControlServer::~ControlServer() {
    for (auto& c : clients_) ::close(c.fd);
    if (listen_fd_ >= 0) {
        ::close(listen_fd_);
        ::unlink(path_.c_str());
    }
}

void ControlServer::add_pollfds(std::vector<pollfd>& fds) const {
    fds.push_back({listen_fd_, POLLIN, 0});
    // After EOF a client is polled for output only: POLLIN would stay ready.
    for (const auto& c : clients_)
        fds.push_back(
            {c.fd, static_cast<short>((c.eof ? 0 : POLLIN) | (c.out.empty() ? 0 : POLLOUT)), 0});
}

void ControlServer::on_events(const std::vector<pollfd>& fds) {
    std::vector<int> ready_in, ready_out, gone;
    bool accept_ready = false;
    for (const auto& p : fds) {
        if (p.revents == 0) continue;
        if (p.fd == listen_fd_) {
            accept_ready = true;
            continue;
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) ready_in.push_back(p.fd);
        if (p.revents & POLLOUT) ready_out.push_back(p.fd);
    }
    for (auto& c : clients_) {
        bool alive = true;
        if (!c.eof && std::find(ready_in.begin(), ready_in.end(), c.fd) != ready_in.end())
            alive = read_client(c);
        if (alive) alive = flush_client(c);
        if (alive && c.eof && c.out.empty()) alive = false;  // every answer written
        if (!alive) gone.push_back(c.fd);
    }
    for (int fd : gone) {
        ::close(fd);
        clients_.erase(std::remove_if(clients_.begin(), clients_.end(),
                                      [fd](const Client& c) { return c.fd == fd; }),
                       clients_.end());
    }
    if (accept_ready) accept_clients();
}

void ControlServer::accept_clients() {
    for (;;) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        clients_.push_back({fd, {}, {}});
    }
}

bool ControlServer::read_client(Client& c) {
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(c.fd, buf, sizeof buf);
        if (n == 0) {
            // A last request without its newline is still a request.
            c.eof = true;
            answer_line(c, std::exchange(c.in, {}));
            return true;
        }
        if (n < 0) return errno == EAGAIN || errno == EINTR;
        c.in.append(buf, static_cast<std::size_t>(n));
        std::size_t nl;
        while ((nl = c.in.find('\n')) != std::string::npos) {
            std::string line = c.in.substr(0, nl);
            c.in.erase(0, nl + 1);
            answer_line(c, std::move(line));
        }
        if (c.in.size() > kMaxLine) {
            c.out += R"({"ok":false,"error":"request line longer than 256 KiB"})" "\n";
            c.in.clear();
        }
    }
}

void ControlServer::answer_line(Client& c, std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return;
    c.out += handler_(line) + "\n";
}

bool ControlServer::flush_client(Client& c) {
    while (!c.out.empty()) {
        ssize_t n = ::write(c.fd, c.out.data(), c.out.size());
        if (n < 0) return errno == EAGAIN || errno == EINTR;
        c.out.erase(0, static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace smsgw::modemsim
