// Shared by the store tests: a fresh temporary folder per test, a Store on a
// real SQLite file in it, and builders for messages at a fixed fake time.
#pragma once

#include <filesystem>
#include <string>

#include "daemon/store/sqlite.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::store::test {

// A folder under the system temp dir, removed with everything in it.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

// A fixed base time, so every test reads the same clock.
inline Time t0() {
    return from_millis(1'700'000'000'000);
}
inline Time at_seconds(long long s) {
    return t0() + std::chrono::seconds(s);
}

// A message to recipient with n parts whose PDUs name the message and part.
NewMessage message(const std::string& recipient, int parts = 1, int priority = 5);

// A status report as the pipeline hands it over: no PDU, no TP-SCTS.
inline StatusReport report(std::string modem, int mr, std::string recipient, int status) {
    StatusReport r;
    r.modem = std::move(modem);
    r.tp_mr = mr;
    r.recipient = std::move(recipient);
    r.status = status;
    return r;
}

}  // namespace smsgw::store::test
