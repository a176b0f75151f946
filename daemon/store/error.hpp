// StoreError: what the Store throws for a failure SQLite reported or a refused
// database — startup errors and bugs, never an expected outcome (a duplicate
// idempotency key or an empty wallet are results, not exceptions).
#pragma once

#include <stdexcept>
#include <string>

namespace smsgw::store {

class StoreError : public std::runtime_error {
  public:
    explicit StoreError(const std::string& what, int sqlite_code = 0)
        : std::runtime_error(what), code_(sqlite_code) {}
    int sqlite_code() const { return code_; }

  private:
    int code_;
};

// What an operator reads about a failure of the database at `path`: what is
// wrong and what to do, for the failures a person can fix (a file that is not
// a database or is damaged, a directory missing or not writable, a lock held
// by another process, a full disk), followed by SQLite's own words.
std::string explain(const StoreError& e, const std::string& path);

// SQLite's words for the failure ("database or disk is full"), without the
// statement that met it: what a client is told.
std::string reason(const StoreError& e);

// A failure that passes by itself: another process holds a lock on the
// database longer than the busy timeout. Worth trying again later.
bool is_transient(const StoreError& e);

}  // namespace smsgw::store
