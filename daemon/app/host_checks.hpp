// What --check (and the start) can know only on this machine, not from the
// file: that the socket's group exists, that a modem's pin_file can be read
// and holds a PIN, that its port is there and no other modem's under another
// name, that the users and groups named in roles: exist. Warnings, but for
// two: the daemon may run as another user than --check, a user or group may
// be created later, a stick may be plugged in later, and a socket whose group
// is missing admits its owner alone. A pin_file that can be read and holds no
// PIN is an error, as an inline `pin` that is no PIN is, and so is one device
// under two modems' ports: they are wrong whoever reads them.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace smsgw::app {

struct HostProblem {
    std::string key;  // "socket.group", "modems[1].pin_file", "roles.admin.users"
    std::string message;
    bool error = false;  // a warning unless set (see above)
};

std::vector<HostProblem> check_host(const config::Config& config);

}  // namespace smsgw::app
