// posix_openpt/grantpt/unlockpt, cfmakeraw and the symlink dance. The slave is
// opened and closed once right after creation: from then on the master
// signals POLLHUP whenever no client holds the slave, which is how the loop
// tells "nobody listening" apart from "listening but quiet".
#include "tools/modemsim/pty_link.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace smsgw::modemsim {
namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

void PtyLink::plug() {
    if (master_ >= 0) return;
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) fail("posix_openpt");
    if (grantpt(fd) != 0 || unlockpt(fd) != 0) {
        int saved = errno;
        ::close(fd);
        errno = saved;
        fail("grantpt/unlockpt");
    }
    const char* name = ptsname(fd);
    if (name == nullptr) {
        ::close(fd);
        fail("ptsname");
    }
    slave_ = name;
    termios tio{};
    if (tcgetattr(fd, &tio) == 0) {
        cfmakeraw(&tio);
        cfsetspeed(&tio, B115200);
        tcsetattr(fd, TCSANOW, &tio);
    }
    // Open and close the slave once so that POLLHUP means "no client" from now on.
    int slave = ::open(slave_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (slave >= 0) ::close(slave);
    ::unlink(link_.c_str());
    if (::symlink(slave_.c_str(), link_.c_str()) != 0) {
        ::close(fd);
        fail("symlink " + link_ + " → " + slave_);
    }
    master_ = fd;
}

void PtyLink::unplug() {
    if (master_ < 0) return;
    // Only remove the link if it is still ours (a test may have replaced it).
    char target[4096];
    ssize_t n = ::readlink(link_.c_str(), target, sizeof target - 1);
    if (n >= 0 && std::string(target, static_cast<std::size_t>(n)) == slave_) ::unlink(link_.c_str());
    ::close(master_);
    master_ = -1;
}

bool PtyLink::client_attached() const {
    if (master_ < 0) return false;
    pollfd p{master_, 0, 0};
    if (::poll(&p, 1, 0) < 0) return false;
    return (p.revents & POLLHUP) == 0;
}

void PtyLink::discard_queued() const {
    if (master_ >= 0) tcflush(master_, TCIOFLUSH);
}

}  // namespace smsgw::modemsim
