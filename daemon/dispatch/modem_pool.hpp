// The daemon's modems: one drivers::Modem per enabled `modems:` entry, built
// from its config (the PIN read from pin_file, a port or an IMEI/USB-serial
// match), with the pool as its observer. The pool turns what a modem reports
// into the rest of dispatch:
//   - ready: modem.up, and the OutboundScheduler attaches a sender to it;
//   - leaving ready (recovering, down, failed…): modem.down, and the sender
//     finishes the AT+CMGS in flight, then requeues what the modem held;
//   - each inbound PDU / status report goes to the InboundPipeline and is
//     deleted from the modem (confirm_committed) only once it is committed.
// The drivers log one info line per state change ("modem[x] a → b (why)");
// the pool logs what the change means for traffic.
//
// apply() is SIGHUP's reload: new modems start, removed (or disabled) ones
// stop, ones whose driver settings changed restart (after their AT+CMGS in
// flight), ones whose only change is rate/cap/routes/status_reports keep
// running with the new values, unchanged ones are left alone. stop() is
// SIGTERM's drain.
//
// Construction order in the app: Store, SettingsCache, EventPublisher,
// OutboundScheduler, InboundPipeline, ModemPool; then scheduler.startup(),
// scheduler.start(), inbound.start(), pool.apply(config.modems).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "drivers/asio.hpp"
#include "drivers/modem.hpp"
#include "daemon/dispatch/routing.hpp"
#include "daemon/store/types.hpp"
#include "pdu/expected.hpp"

namespace smsgw::core {
class EventPublisher;
}

namespace smsgw::dispatch {

class OutboundScheduler;
class InboundPipeline;

using namespace std::chrono_literals;

struct PoolOptions {
    // Timeouts, periods and candidate port globs for every modem (the defaults
    // suit real sticks; tests shorten them). name, port, match, baud, pin and
    // smsc are taken from each ModemConfig.
    drivers::ModemSettings defaults;
    // stop(): how long the AT+CMGS in flight may take before the modems are
    // stopped anyway (their part then becomes uncertain).
    std::chrono::milliseconds drain_timeout = 70s;
};

// Why a configured modem cannot be started: its modem.list last_error
// ("pin_file_unreadable", "pin_file_invalid") and the text that says why.
struct ModemSettingsError {
    std::string code;
    std::string text;
};

// The driver settings for one configured modem: `defaults` with the config's
// name, port, match, baud, smsc and PIN (pin_file read and trimmed). Fails when
// the pin file cannot be read or holds no PIN (config::read_pin_file).
Expected<drivers::ModemSettings, ModemSettingsError> modem_settings(
    const config::ModemConfig& config, const drivers::ModemSettings& defaults);

// What apply() did, for the reload's log line.
struct ApplyResult {
    std::vector<std::string> started, stopped, restarted, updated, unchanged;
    // Kept as they were, but failed or down: tried again at once.
    std::vector<std::string> tried_again;
};

class ModemPool {
  public:
    // Every reference must outlive the pool. No modem starts before apply().
    ModemPool(drivers::asio::io_context& io, core::EventPublisher& events,
              OutboundScheduler& scheduler, InboundPipeline& inbound, PoolOptions options = {});
    ~ModemPool();  // stops every modem at once (use stop() to drain first)
    ModemPool(const ModemPool&) = delete;
    ModemPool& operator=(const ModemPool&) = delete;

    // The configured modems, at start and on SIGHUP (see above). Ignored while stopping.
    ApplyResult apply(const std::vector<config::ModemConfig>& modems);

    // modem.list: one object per configured modem, in config order —
    // core::modem_json(status) plus enabled, route_prefixes,
    // send_rate_per_minute, max_per_day, sent, sent_today and received as the
    // store counts them (see load_counters), failed/uncertain/status_reports
    // since start, capped, in_flight (the part id in AT+CMGS or null).
    nlohmann::json list() const;
    // At start, before any modem: the store's totals (Store::modem_totals
    // since the local day's start), counted on in memory from then on.
    void load_counters(const std::vector<store::ModemTotals>& totals, store::Time now);
    // A configured, enabled modem of this name (for `send`'s `modem` parameter).
    bool has(std::string_view name) const;
    // Every configured modem's name, enabled or not, in the config's order.
    std::vector<std::string> names() const;
    std::optional<drivers::ModemStatus> status(std::string_view name) const;
    // Why no modem may take a due part to `recipient` now (see routing.hpp's
    // why_waiting), from every configured modem's state, routes and cap.
    std::optional<std::string> why_waiting(std::string_view recipient,
                                           const std::optional<BoundTo>& bound) const;

    // SIGTERM: stop taking new parts (scheduler.drain), let the AT+CMGS in flight
    // finish (at most drain_timeout), stop every modem, then call `done`.
    void stop(std::function<void()> done);
    bool stopping() const;

  private:
    class Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace smsgw::dispatch
