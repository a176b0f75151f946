// smsgwd assembled: the store, the run-time settings, the socket server and
// its request handling, the modems with their scheduler and inbound pipeline,
// all on one io_context thread; plus signals (SIGTERM drain, SIGHUP reload)
// and systemd notifications.
#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "config/load.hpp"

namespace smsgw::app {

class Daemon {
  public:
    // Opens the database (running migrations) — throws when it cannot.
    Daemon(std::string config_path, config::LoadOptions load_options, config::Config config);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Starts the socket and the modems, notifies READY and runs until SIGTERM or
    // SIGINT has drained everything. Returns the exit status.
    int run();

  private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

}  // namespace smsgw::app
