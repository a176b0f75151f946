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

}  // namespace smsgw::store
