// Socket file handling with plain POSIX calls: this runs once at start, before
// the io_context, so blocking calls are fine and errors become exceptions.
#include "daemon/server/socket_file.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>
#include <vector>

#include "daemon/server/nss.hpp"

namespace smsgw::server {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int err) {
    throw std::runtime_error("socket " + path + ": " + what + ": " + std::strerror(err));
}

sockaddr_un address_of(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path))
        throw std::runtime_error("socket " + path + ": path must be 1 to " +
                                 std::to_string(sizeof(addr.sun_path) - 1) + " bytes long");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

  private:
    int fd_;
};

// An existing file at `path`: a live daemon's socket is refused, a stale one removed.
void clear_stale(const std::string& path, const sockaddr_un& addr) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return;
        fail(path, "cannot inspect the existing file", errno);
    }
    if (!S_ISSOCK(st.st_mode))
        throw std::runtime_error("socket " + path +
                                 ": the path exists and is not a socket; refusing to replace it");
    Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (probe.get() < 0) fail(path, "socket()", errno);
    if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0)
        throw std::runtime_error("socket " + path +
                                 ": another daemon is listening on it; refusing to start");
    if (errno != ECONNREFUSED) fail(path, "cannot tell whether the existing socket is live", errno);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail(path, "cannot remove stale socket", errno);
}

// The group to give the socket; none (-1) when the group does not exist.
gid_t socket_group(const std::string& path, const std::string& name) {
    int error = 0;
    if (const auto gid = group_id(name, &error)) return *gid;
    if (error != 0) fail(path, "looking up group " + name, error);
    return static_cast<gid_t>(-1);
}

}  // namespace

ListeningSocket open_listening_socket(const config::SocketConfig& config, int backlog) {
    const std::string& path = config.path;
    const sockaddr_un addr = address_of(path);
    const gid_t gid = config.group.empty() ? static_cast<gid_t>(-1) : socket_group(path, config.group);
    const bool group_missing = !config.group.empty() && gid == static_cast<gid_t>(-1);
    const mode_t mode = static_cast<mode_t>(config.mode & (group_missing ? 0700 : 07777));
    clear_stale(path, addr);

    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) fail(path, "socket()", errno);
    // Created owner-only, so no one connects before chmod/chown set the real mode.
    const mode_t old_mask = ::umask(0177);
    const int bound = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
    const int bind_errno = errno;
    ::umask(old_mask);
    if (bound != 0) {
        const std::string dir = std::filesystem::path(path).parent_path().string();
        if (bind_errno == ENOENT)
            throw std::runtime_error("socket " + path + ": its directory " + dir +
                                     " does not exist: create it (smsgwd.service's "
                                     "RuntimeDirectory= does), or set socket.path to a directory "
                                     "that exists");
        if (bind_errno == EACCES)
            throw std::runtime_error("socket " + path + ": bind: " + std::strerror(bind_errno) +
                                     ": the user smsgwd runs as (uid " +
                                     std::to_string(::getuid()) + ") cannot create files in " + dir);
        fail(path, "bind", bind_errno);
    }

    ListeningSocket out{-1, path, 0, 0, mode, group_missing ? "" : config.group};
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) fail(path, "stat after bind", errno);
    out.dev = st.st_dev;
    out.ino = st.st_ino;
    const auto undo = [&] { ::unlink(path.c_str()); };
    if (gid != static_cast<gid_t>(-1) && ::chown(path.c_str(), static_cast<uid_t>(-1), gid) != 0) {
        const int err = errno;
        undo();
        fail(path, "chown to group " + config.group, err);
    }
    if (::chmod(path.c_str(), mode) != 0) {
        const int err = errno;
        undo();
        fail(path, "chmod", err);
    }
    if (::listen(fd.get(), backlog) != 0) {
        const int err = errno;
        undo();
        fail(path, "listen", err);
    }
    out.fd = fd.release();
    return out;
}

void remove_socket_file(const ListeningSocket& socket) {
    struct stat st {};
    if (socket.path.empty() || ::lstat(socket.path.c_str(), &st) != 0) return;
    if (st.st_dev == socket.dev && st.st_ino == socket.ino) ::unlink(socket.path.c_str());
}

}  // namespace smsgw::server
