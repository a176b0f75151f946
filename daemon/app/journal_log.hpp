// spdlog set up for where smsgwd runs: under systemd (JOURNAL_STREAM set) each
// line starts with the syslog priority "<6>" so journald files it at the right
// level and adds its own timestamp; on a terminal, time and level in clear.
#pragma once

#include "config/config.hpp"

namespace smsgw::app {

void setup_logging(config::LogLevel level);
void set_log_level(config::LogLevel level);  // SIGHUP

}  // namespace smsgw::app
