// The simulator's single-threaded event loop: poll() over the pty master, the
// control socket and a self-pipe for signals, with the TimerQueue's next
// deadline as the timeout. It owns every file descriptor; ModemCore owns the
// modem's behaviour. Output is dropped while no client holds the port.
#pragma once

#include <chrono>
#include <fstream>
#include <memory>
#include <string>

#include "tools/modemsim/control_ops.hpp"
#include "tools/modemsim/control_server.hpp"
#include "tools/modemsim/modem_core.hpp"
#include "tools/modemsim/pty_link.hpp"
#include "tools/modemsim/timer_queue.hpp"

namespace smsgw::modemsim {

struct SimPaths {
    std::string link;     // symlink to the pty slave
    std::string control;  // Unix socket; empty: none
    std::string log;      // JSON lines of sent parts; empty: none
};

class Simulator {
public:
    Simulator(SimConfig config, SimPaths paths);
    // Runs until SIGINT or SIGTERM; returns the exit status.
    int run();

private:
    void unplug(std::chrono::milliseconds duration);
    void check_client();
    void read_pty();
    void pump_output();

    SimPaths paths_;
    TimerQueue timers_;
    ModemCore core_;
    PtyLink pty_;
    ControlOps ops_;
    std::unique_ptr<ControlServer> control_;
    std::ofstream log_;
    bool attached_ = false;
    std::string out_pending_;
};

}  // namespace smsgw::modemsim
