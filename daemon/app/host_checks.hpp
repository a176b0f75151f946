// What --check (and the start) can know only on this machine, not from the
// file: that the socket's group exists, that a modem's pin_file can be read,
// that the users and groups named in roles: exist. All are warnings: the
// daemon may run as another user than --check, a user or group may be
// created later, and a socket whose group is missing admits its owner alone.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace smsgw::app {

// A warning (see above).
struct HostProblem {
    std::string key;  // "socket.group", "modems[1].pin_file", "roles.admin.users"
    std::string message;
};

std::vector<HostProblem> check_host(const config::Config& config);

}  // namespace smsgw::app
