#include "daemon/app/daemon.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <nlohmann/json.hpp>

#include "daemon/app/host_checks.hpp"
#include "daemon/app/journal_log.hpp"
#include "daemon/app/system_notify.hpp"
#include "daemon/core/event_publisher.hpp"
#include "daemon/core/settings_cache.hpp"
#include "daemon/app/modem_side.hpp"
#include "daemon/server/server.hpp"
#include "daemon/service/modem_directory.hpp"
#include "daemon/service/service.hpp"
#include "daemon/store/database_lock.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::app {

namespace {

store::StoreOptions store_options(const config::Config& c) {
    store::StoreOptions o;
    o.retry.attempts = c.retry.attempts;
    o.retry.backoff.clear();
    for (int s : c.retry.backoff_seconds) o.retry.backoff.emplace_back(s);
    return o;
}

// Longest a SIGTERM waits for the AT+CMGS in flight and the last replies
// before the daemon exits regardless: longer than a send's 120 s for the
// network's answer (drivers/modem.hpp), shorter than the unit's TimeoutStopSec.
constexpr auto drain_limit = std::chrono::seconds(130);

}  // namespace

struct Daemon::Parts : service::ModemDirectory {
    Parts(std::string path, config::LoadOptions options, config::Config c)
        : config_path(std::move(path)),
          load_options(std::move(options)),
          config(std::make_shared<const config::Config>(std::move(c))),
          signals(io, SIGTERM, SIGINT, SIGHUP),
          notify(io),
          status_timer(io),
          drain_timer(io) {}

    std::string config_path;
    config::LoadOptions load_options;
    std::shared_ptr<const config::Config> config;
    asio::io_context io;
    asio::signal_set signals;
    SystemNotify notify;
    asio::steady_timer status_timer;
    asio::steady_timer drain_timer;

    std::unique_ptr<store::DatabaseLock> database_lock;  // before the store, released after it
    std::string database_in_use;  // the path it was opened with: a reload cannot change it
    std::unique_ptr<store::Store> store;
    std::unique_ptr<core::SettingsCache> settings;
    core::EventPublisher events;
    std::unique_ptr<service::Service> service;
    std::unique_ptr<server::Server> server;
    std::unique_ptr<ModemSide> modems;
    bool stopping = false;
    // Why the last SIGHUP was refused (the running configuration kept); empty
    // when the last one was taken. systemd's STATUS says it until a reload works.
    std::string reload_refused;
    // What STATUS said last: a change of the modems ready or of what holds
    // sending is told within a second, the queue's length every 15 s.
    struct Shown {
        std::size_t ready = 0;
        std::string held;
        std::string refused;
        int ticks = 0;
    } shown;

    // service::ModemDirectory
    nlohmann::json list() const override { return modems->list(); }
    bool has(std::string_view name) const override { return modems->has(name); }
    std::vector<std::string> names() const override { return modems->names(); }
    std::optional<std::string> why_waiting(std::string_view recipient, std::string_view bound_modem,
                                           std::string_view because,
                                           std::string_view bound_sim) const override {
        return modems->why_waiting(recipient, bound_modem, because, bound_sim);
    }
    void wake() override { modems->wake(); }
    void settings_changed() override { modems->settings_changed(); }

    std::string status_line() const;
    void schedule_status();
    void wait_signal();
    void reload();
    void shutdown();
};

std::string Daemon::Parts::status_line() const {
    const std::string& held = modems->held();
    return std::to_string(modems->ready_count()) + "/" + std::to_string(modems->count()) +
           " modems ready, " + std::to_string(store->queue_length()) + " messages queued" +
           (held.empty() ? std::string() : "; " + held) +
           (reload_refused.empty() ? std::string() : "; " + reload_refused);
}

void Daemon::Parts::schedule_status() {
    // Counting the queue costs ~50 ms with a million queued: every 15 s. The
    // rest is cheap to look at every second.
    status_timer.expires_after(std::chrono::seconds(1));
    status_timer.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping) return;
        const std::size_t ready = modems->ready_count();
        const std::string& held = modems->held();
        if (ready != shown.ready || held != shown.held || reload_refused != shown.refused ||
            ++shown.ticks >= 15) {
            notify.status(status_line());
            shown = Shown{ready, held, reload_refused, 0};
        }
        schedule_status();
    });
}

void Daemon::Parts::wait_signal() {
    signals.async_wait([this](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        if (signo == SIGHUP) {
            reload();
        } else {
            spdlog::info("{}: stopping: no new messages; finishing the commands in flight",
                         signo == SIGTERM ? "SIGTERM" : "SIGINT");
            shutdown();
        }
        wait_signal();
    });
}

void Daemon::Parts::reload() {
    notify.reloading();
    auto loaded = config::load_file(config_path, load_options);
    const std::string refused =
        "SIGHUP refused: " + config_path + " is not valid (see the log); running the previous one";
    if (!loaded.ok()) {
        spdlog::error("SIGHUP: {} is not valid; keeping the running configuration:\n{}",
                      config_path, config::to_string(loaded.errors));
        reload_refused = refused;
        notify.reloaded(status_line());
        return;
    }
    // What --check says of this machine: its warnings logged, its errors
    // (a PIN file without a PIN, one device under two ports) refuse the reload.
    bool host_error = false;
    for (const auto& p : check_host(loaded.config)) {
        if (p.error)
            spdlog::error("SIGHUP: {}: {}: {}", config_path, p.key, p.message);
        else
            spdlog::warn("SIGHUP: {}: {}: {}", config_path, p.key, p.message);
        host_error |= p.error;
    }
    if (host_error) {
        spdlog::error("SIGHUP: {} is not valid on this machine; keeping the running configuration",
                      config_path);
        reload_refused = refused;
        notify.reloaded(status_line());
        return;
    }
    reload_refused.clear();
    auto fresh = std::make_shared<const config::Config>(std::move(loaded.config));
    if (fresh->database != config->database) {
        if (fresh->database == database_in_use)
            spdlog::info("SIGHUP: database back to {}, the one in use", fresh->database);
        else
            spdlog::warn("SIGHUP: database changed to {}; takes effect at the next start",
                         fresh->database);
    }
    if (fresh->socket.path != config->socket.path || fresh->socket.mode != config->socket.mode ||
        fresh->socket.group != config->socket.group)
        spdlog::warn("SIGHUP: socket settings changed; they take effect at the next start");
    if (fresh->retry != config->retry) {
        // Every store connection (each thread has one) shares the policy; the
        // scheduler takes the bound-modem wait in modems->reload.
        store->set_retry_policy(store_options(*fresh).retry);
        spdlog::info("SIGHUP: retry settings changed: {} attempts, backoff {} s, bound-modem "
                     "wait {} min (parts already waiting keep their retry time)",
                     fresh->retry.attempts, fmt::join(fresh->retry.backoff_seconds, "/"),
                     fresh->retry.bound_modem_wait_minutes);
    }
    set_log_level(fresh->log_level);
    service->set_config(fresh);
    server->reconfigure(server::ServerOptions::from_config(*fresh));
    modems->reload(*fresh);
    config = std::move(fresh);
    spdlog::info("SIGHUP: configuration reloaded from {} ({} modem{})", config_path,
                 config->modems.size(), config->modems.size() == 1 ? "" : "s");
    notify.reloaded(status_line());
}

void Daemon::Parts::shutdown() {
    if (stopping) return;
    stopping = true;
    notify.stopping();
    service->stop_accepting();
    status_timer.cancel();
    drain_timer.expires_after(drain_limit);
    drain_timer.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        spdlog::warn("stopping: drain took longer than {} s; exiting regardless",
                     drain_limit.count());
        io.stop();
    });
    // Modems first (the part in AT+CMGS gets its answer and is recorded), then
    // the socket, so clients waiting on a commit still get their replies.
    modems->stop([this] {
        server->stop([this] {
            notify.stop_watchdog();
            signals.cancel();
            drain_timer.cancel();
            const auto submits = service->submit_stats();
            spdlog::info("submissions: {} messages in {} commits ({} on the spot), largest {}",
                         submits.messages, submits.commits, submits.lone_commits,
                         submits.largest_group);
            spdlog::info("stopped");
            // Periodic sweeps (expiry, reassembly) would keep the loop alive.
            io.stop();
        });
    });
}

Daemon::Daemon(std::string config_path, config::LoadOptions load_options, config::Config config)
    : parts_(std::make_unique<Parts>(std::move(config_path), std::move(load_options),
                                     std::move(config))) {
    Parts& p = *parts_;
    const config::Config& c = *p.config;
    // A schema upgrade may rebuild tables (migration 0005: 12–19 s per million
    // messages on a small VM); systemd's start timeout must not cut it off.
    p.notify.starting("opening the database " + c.database, std::chrono::minutes(30));
    const auto opening = std::chrono::steady_clock::now();
    p.database_lock = std::make_unique<store::DatabaseLock>(c.database);
    p.store = std::make_unique<store::Store>(c.database, store_options(c));
    p.database_in_use = c.database;
    const int found = p.store->schema_version_found();
    if (found != 0 && found != p.store->schema_version())
        spdlog::info("database {} upgraded from schema version {} to {} in {:.1f} s", c.database,
                     found, p.store->schema_version(),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - opening)
                         .count());
    spdlog::info("database {} (schema version {})", c.database, p.store->schema_version());
    p.settings = std::make_unique<core::SettingsCache>(*p.store);
    p.service = std::make_unique<service::Service>(
        service::ServiceDeps{p.io, *p.store, *p.settings, p.events, p}, p.config);
    p.server = std::make_unique<server::Server>(p.io, server::ServerOptions::from_config(c),
                                                *p.service);
    p.events.attach(&p.server->events());
    p.modems = std::make_unique<ModemSide>(p.io, *p.store, *p.settings, p.events, c);
}

Daemon::~Daemon() = default;

int Daemon::run() {
    Parts& p = *parts_;
    p.server->start();
    spdlog::info("listening on {}", p.server->socket_path());
    p.modems->start();
    p.wait_signal();
    p.notify.ready(p.status_line());
    p.notify.start_watchdog();
    p.schedule_status();
    p.io.run();
    return 0;
}

}  // namespace smsgw::app
