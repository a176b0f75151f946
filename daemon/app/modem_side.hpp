// The daemon's modem side as one object: the modem pool, the outbound
// scheduler and the inbound pipeline of daemon/dispatch, built from the config
// and driven by the app (start, SIGHUP reload, SIGTERM drain).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "drivers/asio.hpp"

namespace smsgw::store {
class Store;
}
namespace smsgw::core {
class SettingsCache;
class EventPublisher;
}  // namespace smsgw::core

namespace smsgw::app {

namespace asio = boost::asio;

class ModemSide {
  public:
    ModemSide(asio::io_context& io, store::Store& store, core::SettingsCache& settings,
              core::EventPublisher& events, const config::Config& config);
    ~ModemSide();

    void start();
    void reload(const config::Config& config);
    // Stops taking parts, lets each AT+CMGS in flight finish, stops the modems,
    // then calls `done` on the io_context.
    void stop(std::function<void()> done);

    nlohmann::json list() const;
    bool has(std::string_view name) const;
    std::vector<std::string> names() const;
    std::optional<std::string> why_waiting(std::string_view recipient,
                                           std::string_view bound_modem,
                                           std::string_view because,
                                           std::string_view bound_sim) const;
    void wake();
    // Run-time settings changed: sms.enabled off holds every send.
    void settings_changed();
    // Why no part goes to a modem at all; empty: parts go.
    const std::string& held() const;
    int ready_count() const;
    int count() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace smsgw::app
