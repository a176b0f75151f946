// One smsgwd per database. SQLite lets two processes share a file, but two
// daemons on one queue would each take the other's parts in AT+CMGS for
// parts cut off by a crash (uncertain) and race for the same modems. An
// exclusive flock on "<database>.lock", held for the daemon's life and
// released by the kernel however it ends, keeps a second one out. The
// database file itself is not used: closing any descriptor of it would drop
// SQLite's own POSIX locks.
#pragma once

#include <string>

namespace smsgw::store {

class DatabaseLock {
  public:
    // Throws naming the lock file and what to do when another process holds
    // it, or a StoreError that explain() words as for the database itself
    // when it cannot be created.
    explicit DatabaseLock(const std::string& database);
    ~DatabaseLock();
    DatabaseLock(const DatabaseLock&) = delete;
    DatabaseLock& operator=(const DatabaseLock&) = delete;

  private:
    int fd_ = -1;
};

}  // namespace smsgw::store
