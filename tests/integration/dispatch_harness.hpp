// Test side of the dispatch integration tests: a real Store on a temporary
// file, the daemon's dispatch objects (OutboundScheduler, InboundPipeline,
// ModemPool) on one io_context, and smsgw-modemsim processes as the modems.
// The io_context runs in 1 ms slices until a condition holds, so a test waits
// on conditions with generous deadlines and never sleeps blindly.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "daemon/core/event_publisher.hpp"
#include "daemon/core/settings_cache.hpp"
#include "daemon/dispatch/inbound_pipeline.hpp"
#include "daemon/dispatch/modem_pool.hpp"
#include "daemon/dispatch/outbound_scheduler.hpp"
#include "daemon/server/event_bus.hpp"
#include "daemon/store/store.hpp"
#include "tests/integration/sim_harness.hpp"

namespace smsgw::test {

struct DispatchOptions {
    store::RetryPolicy retry{3, {std::chrono::seconds(1)}};
    dispatch::SchedulerOptions scheduler;
    dispatch::InboundOptions inbound;  // default_country DE, default keyword lists
    // How long a failed modem waits before it tries again; zero: the test
    // settings' (400 ms).
    std::chrono::milliseconds modem_backoff_max{0};
    DispatchOptions();
};

// A modem config for a simulator: fast rate, the given routes.
config::ModemConfig sim_modem(const std::string& name, const SimProcess& sim,
                              std::vector<std::string> route_prefixes = {},
                              int send_rate_per_minute = 60000);

// Every event the daemon publishes, as the JSON a subscriber would read.
class RecordingSink : public server::EventSink {
  public:
    void deliver_event(const std::shared_ptr<const std::string>& line) override;
    std::vector<nlohmann::json> named(const std::string& event) const;
    std::vector<nlohmann::json> events;
};

class DispatchRig {
  public:
    explicit DispatchRig(DispatchOptions options = {});
    ~DispatchRig();  // drains (pool.stop) and winds the io_context down

    boost::asio::io_context io;
    TempDir dir;
    std::unique_ptr<store::Store> store;
    server::EventBus bus;
    RecordingSink sink;  // subscribed to every event
    core::EventPublisher events{&bus};
    std::unique_ptr<core::SettingsCache> settings;
    std::unique_ptr<dispatch::OutboundScheduler> scheduler;
    std::unique_ptr<dispatch::InboundPipeline> inbound;
    std::unique_ptr<dispatch::ModemPool> pool;

    // Runs the io_context in 1 ms slices until pred holds (true) or the
    // deadline passes (false).
    bool run_until(const std::function<bool()>& pred,
                   std::chrono::milliseconds timeout = std::chrono::seconds(15));
    bool ready(const std::string& modem,
               std::chrono::milliseconds timeout = std::chrono::seconds(15));

    // A message as `send` would store it, queued and the scheduler woken.
    std::int64_t queue(const std::string& to, const std::string& text,
                       std::optional<std::string> modem = std::nullopt, bool report = true);
    store::MessageDetail message(std::int64_t id);
    store::State state(std::int64_t id);
    void set_setting(const std::string& key, const std::string& json);
};

// The parts a simulator was sent, from its JSON-lines log.
std::vector<nlohmann::json> sim_sent(const SimProcess& sim);

}  // namespace smsgw::test
