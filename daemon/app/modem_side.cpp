#include "daemon/app/modem_side.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "daemon/core/clock.hpp"
#include "daemon/core/settings_cache.hpp"
#include "daemon/dispatch/inbound_pipeline.hpp"
#include "daemon/dispatch/local_day.hpp"
#include "daemon/dispatch/modem_pool.hpp"
#include "daemon/dispatch/outbound_scheduler.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::app {

namespace {

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "-" : out;
}

}  // namespace

struct ModemSide::Impl {
    Impl(asio::io_context& io, store::Store& store, core::SettingsCache& settings,
         core::EventPublisher& events, const config::Config& c)
        : config(c),
          db(store),
          run_time(settings),
          scheduler(io, store, events, dispatch::SchedulerOptions::from(c)),
          inbound(io, store, events, settings, scheduler, dispatch::InboundOptions::from(c)),
          pool(io, events, scheduler, inbound) {}

    config::Config config;
    store::Store& db;  // modem.list's counters, read once at start
    const core::SettingsCache& run_time;  // settings.set's values (sms.enabled)
    dispatch::OutboundScheduler scheduler;
    dispatch::InboundPipeline inbound;
    dispatch::ModemPool pool;
};

ModemSide::ModemSide(asio::io_context& io, store::Store& store, core::SettingsCache& settings,
                     core::EventPublisher& events, const config::Config& config)
    : impl_(std::make_unique<Impl>(io, store, settings, events, config)) {}

ModemSide::~ModemSide() = default;

void ModemSide::start() {
    // Parts that were in AT+CMGS when the daemon last stopped become uncertain
    // before any modem can claim anything.
    impl_->scheduler.startup();
    // modem.list's SENT, TODAY and RECEIVED: what the database holds.
    const store::Time now = core::now();
    impl_->pool.load_counters(impl_->db.modem_totals(dispatch::local_day(now).start), now);
    impl_->scheduler.start();
    settings_changed();
    impl_->inbound.start();
    auto r = impl_->pool.apply(impl_->config.modems);
    spdlog::info("modems started: {}", joined(r.started));
}

void ModemSide::settings_changed() {
    // A kill switch: with SMS switched off nothing already queued goes out
    // either (a runaway campaign stops); the queue keeps it, validity runs on.
    if (impl_->run_time.get().sms_enabled)
        impl_->scheduler.release();
    else
        impl_->scheduler.hold("sending is switched off (setting sms.enabled is false)");
}

void ModemSide::reload(const config::Config& config) {
    try {
        impl_->inbound.reconfigure(dispatch::InboundOptions::from(config));
    } catch (const std::exception& e) {
        spdlog::error("SIGHUP: inbound settings kept: {}", e.what());
    }
    impl_->scheduler.reconfigure(dispatch::SchedulerOptions::from(config));
    auto r = impl_->pool.apply(config.modems);
    impl_->config = config;
    spdlog::info("SIGHUP: modems started: {}; stopped: {}; restarted: {}; updated: {}; failed "
                 "or down, tried again now: {}",
                 joined(r.started), joined(r.stopped), joined(r.restarted), joined(r.updated),
                 joined(r.tried_again));
    impl_->scheduler.wake();
}

void ModemSide::stop(std::function<void()> done) {
    impl_->pool.stop(std::move(done));
}

nlohmann::json ModemSide::list() const {
    return impl_->pool.list();
}

bool ModemSide::has(std::string_view name) const {
    return impl_->pool.has(name);
}

std::vector<std::string> ModemSide::names() const {
    return impl_->pool.names();
}

std::optional<std::string> ModemSide::why_waiting(std::string_view recipient,
                                                  std::string_view bound_modem,
                                                  std::string_view because,
                                                  std::string_view bound_sim) const {
    std::optional<dispatch::BoundTo> bound;
    if (!bound_modem.empty())
        bound = dispatch::BoundTo{std::string(bound_modem), std::string(because),
                                  std::string(bound_sim)};
    return impl_->pool.why_waiting(recipient, bound);
}

void ModemSide::wake() {
    impl_->scheduler.wake();
}

const std::string& ModemSide::held() const {
    return impl_->scheduler.held();
}

int ModemSide::ready_count() const {
    int ready = 0;
    for (const auto& m : impl_->pool.list())
        if (m.value("state", "") == "ready") ++ready;
    return ready;
}

int ModemSide::count() const {
    return static_cast<int>(impl_->config.modems.size());
}

}  // namespace smsgw::app
