#include "daemon/store/database_lock.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "daemon/store/error.hpp"

namespace smsgw::store {

DatabaseLock::DatabaseLock(const std::string& database) {
    const std::string path = database + ".lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0)
        throw StoreError("cannot create its lock file " + path + ": " + std::strerror(errno),
                         SQLITE_CANTOPEN);
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK)
            throw std::runtime_error(
                "database " + database + " is in use by another smsgwd (it holds " + path +
                "): stop that one first, or give this one its own `database` in the config; two "
                "daemons must never share one queue");
        throw std::runtime_error("database " + database + ": cannot lock " + path + ": " +
                                 std::strerror(err));
    }
}

DatabaseLock::~DatabaseLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace smsgw::store
