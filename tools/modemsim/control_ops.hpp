// The control socket's operations (one JSON request per line, one reply):
// inject_sms, inject_pdu, status_report, noise, hang, unplug, restart, set,
// stats, sent, storage. Parse → validate → apply from one op table; a bad field is
// answered {"ok":false,"error":"<field>: <what was expected>"}.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "tools/modemsim/modem_core.hpp"

namespace smsgw::modemsim {

class ControlOpsImpl;

class ControlOps {
public:
    using Unplug = std::function<void(std::chrono::milliseconds)>;

    ControlOps(ModemCore& core, Unplug unplug);
    ~ControlOps();
    ControlOps(const ControlOps&) = delete;
    ControlOps& operator=(const ControlOps&) = delete;

    // One request line in, one reply line out (without the newline).
    std::string handle(std::string_view line);

private:
    Unplug unplug_;
    std::unique_ptr<ControlOpsImpl> impl_;
};

}  // namespace smsgw::modemsim
