#include "daemon/app/system_notify.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace smsgw::app {

SystemNotify::SystemNotify(asio::io_context& io) : timer_(io) {}

void SystemNotify::starting(std::string_view status, std::chrono::seconds more) {
    const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(more).count();
    const std::string msg =
        "EXTEND_TIMEOUT_USEC=" + std::to_string(usec) + "\nSTATUS=" + std::string(status);
    sd_notify(0, msg.c_str());
}

void SystemNotify::ready(std::string_view status) {
    const std::string msg = "READY=1\nSTATUS=" + std::string(status);
    sd_notify(0, msg.c_str());
}

void SystemNotify::status(std::string_view status) {
    const std::string msg = "STATUS=" + std::string(status);
    sd_notify(0, msg.c_str());
}

void SystemNotify::reloading() {
    sd_notify(0, "RELOADING=1\nSTATUS=reloading the configuration");
}

void SystemNotify::reloaded(std::string_view status) {
    ready(status);
}

void SystemNotify::stopping() {
    sd_notify(0, "STOPPING=1\nSTATUS=finishing the command in flight");
}

void SystemNotify::start_watchdog() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
    interval_ = std::chrono::microseconds(usec / 2);
    running_ = true;
    ping();
}

void SystemNotify::stop_watchdog() {
    running_ = false;
    timer_.cancel();
}

void SystemNotify::ping() {
    if (!running_) return;
    sd_notify(0, "WATCHDOG=1");
    timer_.expires_after(interval_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) ping();
    });
}

}  // namespace smsgw::app
