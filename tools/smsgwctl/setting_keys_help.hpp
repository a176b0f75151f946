// `smsgwctl settings set --help` lists the keys it takes, from the daemon's
// own key table (daemon/api/setting_keys.hpp), so the list cannot drift from
// what smsgwd accepts.
#pragma once

#include <string>

namespace smsgw::ctl {

// Every key with the value it takes and the least role that may change it,
// then what it does, wrapped for a terminal.
std::string setting_keys_help();

}  // namespace smsgw::ctl
