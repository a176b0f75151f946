// See drivers_harness.hpp.
#include "tests/integration/drivers_harness.hpp"

namespace smsgw::test {

using namespace std::chrono_literals;

drivers::ModemSettings test_settings(const std::string& name, const std::string& port) {
    drivers::ModemSettings s;
    s.name = name;
    s.port = port;
    s.command_timeout = 400ms;
    s.send_timeout = 2s;
    s.register_timeout = 3s;
    s.register_poll = 100ms;
    s.sms_service_wait = 3s;
    s.health_interval = 300ms;
    s.drain_interval = 2s;
    s.backoff_min = 100ms;
    s.backoff_max = 400ms;
    s.reboot_wait = 700ms;
    s.resync_quiet = 100ms;
    s.resync_probe = 300ms;
    return s;
}

bool run_until(boost::asio::io_context& io, const std::function<bool()>& pred,
               std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        io.restart();
        io.run_for(10ms);  // handles I/O and timers; returns early when idle
    }
    return true;
}

}  // namespace smsgw::test
