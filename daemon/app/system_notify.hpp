// sd_notify(3) for Type=notify: READY once the socket listens and modems are
// started, STATUS with modems up and the queue, WATCHDOG pings at half the
// unit's WatchdogSec (only while the io_context turns, so a hung loop gets
// the daemon restarted), RELOADING/STOPPING around SIGHUP and SIGTERM. Does
// nothing when not started by systemd.
#pragma once

#include <chrono>
#include <string_view>

#include "drivers/asio.hpp"

namespace smsgw::app {

namespace asio = boost::asio;

class SystemNotify {
  public:
    explicit SystemNotify(asio::io_context& io);
    // Before READY: what the start is doing, and at least `more` from now
    // before systemd's start timeout may give up on it (EXTEND_TIMEOUT_USEC).
    void starting(std::string_view status, std::chrono::seconds more);
    void ready(std::string_view status);
    void status(std::string_view status);
    void reloading();
    void reloaded(std::string_view status);
    void stopping();
    // Starts the watchdog pings when the unit asks for them.
    void start_watchdog();
    void stop_watchdog();

  private:
    void ping();
    asio::steady_timer timer_;
    std::chrono::microseconds interval_{0};
    bool running_ = false;
};

}  // namespace smsgw::app
