// What --check (and the start) can know only on this machine, not from the
// file: that the socket's group exists, that a modem's pin_file can be read
// and holds a PIN, that the users and groups named in roles: exist. Warnings,
// but for one: the daemon may run as another user than --check, a user or
// group may be created later, and a socket whose group is missing admits its
// owner alone. A pin_file that can be read and holds no PIN is an error, as an
// inline `pin` that is no PIN is: it is wrong whoever reads it.
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
