// See dispatch_harness.hpp.
#include "tests/integration/dispatch_harness.hpp"

#include <fstream>
#include <stdexcept>

#include "daemon/api/params.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/message_builder.hpp"
#include "tests/integration/drivers_harness.hpp"

namespace smsgw::test {

DispatchOptions::DispatchOptions() {
    inbound.default_country = "DE";
    inbound.optout.keywords = config::default_optout_keywords();
    inbound.optout.resubscribe_keywords = config::default_resubscribe_keywords();
    inbound.sweep_interval = std::chrono::milliseconds(200);
    // Every send must come from a wake-up or a due time, not from the safety
    // net: a missed wake-up fails a test instead of costing a few seconds.
    scheduler.idle_recheck = std::chrono::minutes(10);
}

config::ModemConfig sim_modem(const std::string& name, const SimProcess& sim,
                              std::vector<std::string> route_prefixes, int send_rate_per_minute) {
    config::ModemConfig c;
    c.name = name;
    c.port = sim.link();
    c.send_rate_per_minute = send_rate_per_minute;
    c.route_prefixes = std::move(route_prefixes);
    return c;
}

void RecordingSink::deliver_event(const std::shared_ptr<const std::string>& line) {
    events.push_back(nlohmann::json::parse(*line));
}

std::vector<nlohmann::json> RecordingSink::named(const std::string& event) const {
    std::vector<nlohmann::json> out;
    for (const auto& e : events)
        if (e.value("event", "") == event) out.push_back(e);
    return out;
}

DispatchRig::DispatchRig(DispatchOptions options) {
    bus.subscribe(sink, ~server::EventMask{0});
    store::StoreOptions so;
    so.retry = options.retry;
    store = std::make_unique<store::Store>(dir.path() + "/smsgw.db", so);
    settings = std::make_unique<core::SettingsCache>(*store);
    scheduler =
        std::make_unique<dispatch::OutboundScheduler>(io, *store, events, options.scheduler);
    inbound = std::make_unique<dispatch::InboundPipeline>(io, *store, events, *settings, *scheduler,
                                                          options.inbound);
    dispatch::PoolOptions po;
    po.defaults = test_settings("", "");
    if (options.modem_backoff_max > std::chrono::milliseconds(0))
        po.defaults.backoff_max = options.modem_backoff_max;
    po.drain_timeout = std::chrono::seconds(5);
    pool = std::make_unique<dispatch::ModemPool>(io, events, *scheduler, *inbound, po);
    scheduler->startup();
    scheduler->start();
    inbound->start();
}

DispatchRig::~DispatchRig() {
    bool stopped = false;
    pool->stop([&] { stopped = true; });
    run_until([&] { return stopped; }, std::chrono::seconds(10));
    pool.reset();
    inbound.reset();
    scheduler.reset();
    bus.unsubscribe(sink);
    io.restart();
    io.run_for(std::chrono::milliseconds(50));  // let the coroutines unwind
}

bool DispatchRig::run_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        io.restart();
        io.run_for(std::chrono::milliseconds(1));
    }
    return true;
}

bool DispatchRig::ready(const std::string& modem, std::chrono::milliseconds timeout) {
    return run_until(
        [&] {
            auto s = pool->status(modem);
            return s && s->state == drivers::ModemState::ready && scheduler->info(modem).attached;
        },
        timeout);
}

std::int64_t DispatchRig::queue(const std::string& to, const std::string& text,
                                std::optional<std::string> modem, bool report) {
    api::SendParams p;
    p.to = to;
    p.text = text;
    p.modem = std::move(modem);
    p.report = report;
    const core::BuildContext ctx{"DE", settings->get(), 10, core::now()};
    auto m = core::build_message(p, ctx, std::nullopt);
    if (!m) throw std::runtime_error("build_message: " + m.error().message);
    const auto r = store->insert_messages({&*m, 1}, core::now());
    scheduler->wake();
    return r.at(0).message_id;
}

store::MessageDetail DispatchRig::message(std::int64_t id) {
    auto d = store->get_message(id);
    if (!d) throw std::runtime_error("no message " + std::to_string(id));
    return *d;
}

store::State DispatchRig::state(std::int64_t id) {
    return message(id).message.state;
}

void DispatchRig::set_setting(const std::string& key, const std::string& json) {
    store->set_setting(key, json, std::nullopt, core::now());
    settings->reload();
}

std::vector<nlohmann::json> sim_sent(const SimProcess& sim) {
    std::vector<nlohmann::json> out;
    std::ifstream in(sim.sent_log());
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
}

}  // namespace smsgw::test
