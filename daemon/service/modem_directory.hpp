// What request handling needs from the modem side, without depending on it:
// the daemon's dispatch implements this (daemon/app wires it).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace smsgw::service {

class ModemDirectory {
  public:
    virtual ~ModemDirectory() = default;
    // The `modems` array of modem.list.
    virtual nlohmann::json list() const = 0;
    // A configured modem of that name (send's `modem` parameter).
    virtual bool has(std::string_view name) const = 0;
    // New parts were committed to the queue: look for work now.
    virtual void wake() = 0;
};

}  // namespace smsgw::service
