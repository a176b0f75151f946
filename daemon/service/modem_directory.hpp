// What request handling needs from the modem side, without depending on it:
// the daemon's dispatch implements this (daemon/app wires it).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smsgw::service {

class ModemDirectory {
  public:
    virtual ~ModemDirectory() = default;
    // The `modems` array of modem.list.
    virtual nlohmann::json list() const = 0;
    // A configured modem of that name that is enabled (send's `modem` parameter).
    virtual bool has(std::string_view name) const = 0;
    // Every configured modem's name, enabled or not: what a refusal offers.
    virtual std::vector<std::string> names() const = 0;
    // Why a due part to `recipient` waits — no modem may take it now — or
    // nullopt when one may. `bound_modem` (empty: none) is the modem the message
    // must go through, `because` says why ("the send asked for it"), and
    // `bound_sim` the IMSI it must hold there (empty: any).
    virtual std::optional<std::string> why_waiting(std::string_view recipient,
                                                   std::string_view bound_modem,
                                                   std::string_view because,
                                                   std::string_view bound_sim) const = 0;
    // New parts were committed to the queue: look for work now.
    virtual void wake() = 0;
    // A run-time setting changed (settings.set): sms.enabled holds or releases
    // the queue.
    virtual void settings_changed() = 0;
};

}  // namespace smsgw::service
