// See modem_pool.hpp. Each running Modem has its own Link (its observer), so a
// modem being retired — finishing its AT+CMGS before a reload stops it — is
// told apart from its successor under the same name: its state changes no
// longer count, its inbound PDUs are still committed and confirmed on it.
#include "daemon/dispatch/modem_pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "config/pin_file.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/event_publisher.hpp"
#include "daemon/core/views.hpp"
#include "daemon/dispatch/inbound_pipeline.hpp"
#include "daemon/dispatch/modem_counters.hpp"
#include "daemon/dispatch/outbound_scheduler.hpp"

namespace smsgw::dispatch {

namespace asio = drivers::asio;
using nlohmann::json;

Expected<drivers::ModemSettings, ModemSettingsError> modem_settings(
    const config::ModemConfig& config, const drivers::ModemSettings& defaults) {
    drivers::ModemSettings s = defaults;
    s.name = config.name;
    s.port = config.port;
    s.imei = config.match.imei;
    s.usb_serial = config.match.usb_serial;
    s.baud = config.baud;
    s.smsc = config.smsc;
    s.pin = config.pin;
    if (!config.pin_file.empty()) {
        // Read at each start: the file may have changed since the config was
        // checked, and what is no PIN must not cost the SIM an attempt.
        auto read = config::read_pin_file(config.pin_file);
        if (!read.pin)
            return unexpected(ModemSettingsError{
                read.unreadable ? "pin_file_unreadable" : "pin_file_invalid", read.problem});
        s.pin = std::move(*read.pin);
    }
    return s;
}

namespace {

// Settings the Modem itself uses: a change restarts it.
bool same_driver(const config::ModemConfig& a, const config::ModemConfig& b) {
    return a.port == b.port && a.match.imei == b.match.imei &&
           a.match.usb_serial == b.match.usb_serial && a.baud == b.baud && a.pin == b.pin &&
           a.pin_file == b.pin_file && a.smsc == b.smsc && a.enabled == b.enabled;
}

// Settings only the sender uses: a change is applied in place.
bool same_sending(const config::ModemConfig& a, const config::ModemConfig& b) {
    return a.send_rate_per_minute == b.send_rate_per_minute && a.max_per_day == b.max_per_day &&
           a.route_prefixes == b.route_prefixes && a.status_reports == b.status_reports;
}

// What a reload changed of the sending settings, as the log says it:
// "send_rate_per_minute 20 → 30, route_prefixes +49 → +49, +43".
std::string sending_changes(const config::ModemConfig& a, const config::ModemConfig& b) {
    std::string out;
    const auto add = [&out](std::string_view key, const std::string& from, const std::string& to) {
        if (from == to) return;
        if (!out.empty()) out += ", ";
        out += std::string(key) + " " + from + " → " + to;
    };
    const auto list = [](const std::vector<std::string>& items) {
        return items.empty() ? std::string("(none)") : joined(items, ", ");
    };
    add("send_rate_per_minute", std::to_string(a.send_rate_per_minute),
        std::to_string(b.send_rate_per_minute));
    add("max_per_day", std::to_string(a.max_per_day), std::to_string(b.max_per_day));
    add("route_prefixes", list(a.route_prefixes), list(b.route_prefixes));
    add("status_reports", a.status_reports ? "true" : "false", b.status_reports ? "true" : "false");
    return out;
}

}  // namespace

struct Slot;
struct Running;
struct Link;

// What a Link reports to (the pool's Impl, which is private to ModemPool).
struct LinkTarget {
    virtual ~LinkTarget() = default;
    virtual void on_state(Link& link, const drivers::ModemStatus& status,
                          const std::string& why) = 0;
    virtual void on_inbound(Link& link, const drivers::InboundPdu& pdu, bool report) = 0;
};

struct Link final : drivers::ModemObserver {
    LinkTarget* pool = nullptr;
    Slot* slot = nullptr;
    Running* running = nullptr;
    void on_state(const drivers::ModemStatus& status, drivers::ModemState from,
                  const std::string& why) override;
    void on_inbound(const drivers::InboundPdu& pdu) override;
    void on_status_report(const drivers::InboundPdu& pdu) override;
};

// One started Modem and its observer; alive until the modem is stopped.
struct Running {
    Link link;
    std::shared_ptr<drivers::Modem> modem;
};

struct Slot {
    std::string name;
    config::ModemConfig config;
    std::shared_ptr<Running> current;             // null: disabled, unstartable or restarting
    std::optional<drivers::ModemStatus> offline;  // why it is not running
    bool ready = false;
    std::int64_t reports = 0;  // status reports since start
};

class ModemPool::Impl : public std::enable_shared_from_this<ModemPool::Impl>, public LinkTarget {
  public:
    Impl(asio::io_context& io, core::EventPublisher& events, OutboundScheduler& scheduler,
         InboundPipeline& inbound, PoolOptions options)
        : io_(io),
          events_(events),
          scheduler_(scheduler),
          inbound_(inbound),
          options_(std::move(options)),
          drain_timer_(io) {}

    ApplyResult apply(const std::vector<config::ModemConfig>& modems);
    json list() const;
    ModemCounters& counters() { return counters_; }
    bool has(std::string_view name) const;
    std::vector<std::string> names() const;
    std::optional<drivers::ModemStatus> status(std::string_view name) const;
    std::optional<std::string> why_waiting(std::string_view recipient,
                                           const std::optional<BoundTo>& bound) const;
    void stop(std::function<void()> done);
    bool stopping() const { return stopping_; }
    void close();

    void on_state(Link& link, const drivers::ModemStatus& status, const std::string& why) override;
    void on_inbound(Link& link, const drivers::InboundPdu& pdu, bool report) override;

  private:
    std::shared_ptr<Slot> find(std::string_view name) const;
    // What a slot's modem reports, or why it is not running (disabled, unstartable).
    static drivers::ModemStatus slot_status(const Slot& s);
    void start_slot(Slot& s);
    void went_down(Slot& s, const drivers::ModemStatus& status, const std::string& why);
    // Stops `old` once its sender has nothing in AT+CMGS, then runs `then`.
    void retire(const std::shared_ptr<Slot>& s, std::shared_ptr<Running> old, std::string why,
                std::function<void()> then);
    void finish_stop(bool timed_out);

    asio::io_context& io_;
    core::EventPublisher& events_;
    OutboundScheduler& scheduler_;
    InboundPipeline& inbound_;
    PoolOptions options_;
    std::vector<std::shared_ptr<Slot>> slots_;  // config order
    std::vector<std::shared_ptr<Running>> retiring_;
    asio::steady_timer drain_timer_;
    bool stopping_ = false;
    bool stopped_ = false;
    std::vector<std::function<void()>> on_stopped_;
    // list() reads them; a new local day starts TODAY again on the way.
    mutable ModemCounters counters_;
};

// ---- Link ----------------------------------------------------------------------------

void Link::on_state(const drivers::ModemStatus& status, drivers::ModemState,
                    const std::string& why) {
    pool->on_state(*this, status, why);
}
void Link::on_inbound(const drivers::InboundPdu& pdu) {
    pool->on_inbound(*this, pdu, false);
}
void Link::on_status_report(const drivers::InboundPdu& pdu) {
    pool->on_inbound(*this, pdu, true);
}

// ---- public handle ------------------------------------------------------------------

ModemPool::ModemPool(asio::io_context& io, core::EventPublisher& events,
                     OutboundScheduler& scheduler, InboundPipeline& inbound, PoolOptions options)
    : impl_(std::make_shared<Impl>(io, events, scheduler, inbound, std::move(options))) {
    // modem.list counts on from the store's totals (load_counters) with every
    // part the network took and every received message stored.
    std::weak_ptr<Impl> weak = impl_;
    scheduler.on_part_sent([weak](std::string_view modem) {
        if (auto self = weak.lock()) self->counters().count_sent(modem, core::now());
    });
    events.on_inbound_stored([weak](const store::Inbound& stored) {
        if (auto self = weak.lock()) self->counters().count_received(stored.modem);
    });
}
void ModemPool::load_counters(const std::vector<store::ModemTotals>& totals, store::Time now) {
    impl_->counters().load(totals, now);
}
ModemPool::~ModemPool() {
    impl_->close();
}
ApplyResult ModemPool::apply(const std::vector<config::ModemConfig>& modems) {
    return impl_->apply(modems);
}
json ModemPool::list() const {
    return impl_->list();
}
bool ModemPool::has(std::string_view name) const {
    return impl_->has(name);
}

std::vector<std::string> ModemPool::names() const {
    return impl_->names();
}

std::optional<std::string> ModemPool::why_waiting(std::string_view recipient,
                                                  const std::optional<BoundTo>& bound) const {
    return impl_->why_waiting(recipient, bound);
}
std::optional<drivers::ModemStatus> ModemPool::status(std::string_view name) const {
    return impl_->status(name);
}
void ModemPool::stop(std::function<void()> done) {
    impl_->stop(std::move(done));
}
bool ModemPool::stopping() const {
    return impl_->stopping();
}

// ---- Impl ----------------------------------------------------------------------------

std::shared_ptr<Slot> ModemPool::Impl::find(std::string_view name) const {
    for (const auto& s : slots_)
        if (s->name == name) return s;
    return nullptr;
}

void ModemPool::Impl::start_slot(Slot& s) {
    s.ready = false;
    s.current.reset();
    if (!s.config.enabled) {
        drivers::ModemStatus st;
        st.name = s.name;
        st.last_error = "disabled";
        st.last_error_text = "enabled: false in the config";
        s.offline = st;
        return;
    }
    auto settings = modem_settings(s.config, options_.defaults);
    if (!settings) {
        drivers::ModemStatus st;
        st.name = s.name;
        st.state = drivers::ModemState::failed;
        st.last_error = settings.error().code;
        st.last_error_text = settings.error().text;
        s.offline = st;
        spdlog::error("modem[{}] not started: {}", s.name, settings.error().text);
        return;
    }
    s.offline.reset();
    auto running = std::make_shared<Running>();
    running->link.pool = this;
    running->link.slot = &s;
    running->link.running = running.get();
    running->modem = std::make_shared<drivers::Modem>(io_, std::move(*settings), &running->link);
    s.current = running;
    running->modem->start();
}

ApplyResult ModemPool::Impl::apply(const std::vector<config::ModemConfig>& modems) {
    ApplyResult result;
    if (stopping_) return result;
    std::weak_ptr<Impl> weak = shared_from_this();
    std::vector<std::shared_ptr<Slot>> next;
    for (const auto& cfg : modems) {
        if (std::any_of(next.begin(), next.end(),
                        [&](const auto& s) { return s->name == cfg.name; })) {
            spdlog::error("modem[{}] configured twice; the second entry is ignored", cfg.name);
            continue;
        }
        auto s = find(cfg.name);
        if (!s) {
            s = std::make_shared<Slot>();
            s->name = cfg.name;
            s->config = cfg;
            start_slot(*s);
            (cfg.enabled ? result.started : result.stopped).push_back(cfg.name);
        } else if (same_driver(s->config, cfg) && (s->current || !cfg.enabled)) {
            // A reload is what a technician does after fixing a SIM or a
            // cable: a modem waiting for its next retry is tried now.
            if (s->current) {
                const auto state = s->current->modem->status().state;
                if (state == drivers::ModemState::failed || state == drivers::ModemState::down) {
                    s->current->modem->try_again_now();
                    result.tried_again.push_back(cfg.name);
                }
            }
            if (same_sending(s->config, cfg)) {
                result.unchanged.push_back(cfg.name);
            } else {
                spdlog::info("modem[{}] updated in place: {}", cfg.name,
                             sending_changes(s->config, cfg));
                s->config = cfg;
                scheduler_.update(cfg);
                result.updated.push_back(cfg.name);
            }
        } else {
            s->config = cfg;
            auto old = std::move(s->current);
            s->current.reset();
            if (s->ready) {
                drivers::ModemStatus st = old->modem->status();
                st.last_error = cfg.enabled ? "config_reload" : "disabled";
                st.last_error_text = cfg.enabled
                                         ? "its settings changed in a config reload: starting it again"
                                         : "enabled: false in the config";
                went_down(*s, st,
                          cfg.enabled ? "restarted by a config reload"
                                      : "disabled by a config reload (enabled: false)");
            }
            std::weak_ptr<Slot> weak_slot = s;
            retire(s, std::move(old), "config changed", [weak, weak_slot] {
                auto self = weak.lock();
                auto slot = weak_slot.lock();
                if (!self || !slot || self->stopping_ || slot->current) return;
                if (self->find(slot->name) != slot) return;  // removed meanwhile
                self->start_slot(*slot);
            });
            (cfg.enabled ? result.restarted : result.stopped).push_back(cfg.name);
            if (!cfg.enabled) {
                drivers::ModemStatus st;
                st.name = s->name;
                st.last_error = "disabled";
                st.last_error_text = "enabled: false in the config";
                s->offline = st;
            }
        }
        next.push_back(s);
    }
    for (const auto& s : slots_) {
        if (std::find(next.begin(), next.end(), s) != next.end()) continue;
        auto old = std::move(s->current);
        if (s->ready && old) went_down(*s, old->modem->status(), "removed from the config");
        retire(s, std::move(old), "removed from the config", nullptr);
        result.stopped.push_back(s->name);
    }
    slots_ = std::move(next);
    return result;
}

void ModemPool::Impl::retire(const std::shared_ptr<Slot>& s, std::shared_ptr<Running> old,
                             std::string why, std::function<void()> then) {
    if (!old) {
        if (then) then();
        return;
    }
    retiring_.push_back(old);
    spdlog::info("modem[{}] stopping: {}", s->name, why);
    std::weak_ptr<Impl> weak = shared_from_this();
    scheduler_.detach(s->name, [weak, s, old, then = std::move(then)] {
        old->modem->stop();
        auto self = weak.lock();
        if (!self) return;
        auto& r = self->retiring_;
        r.erase(std::remove(r.begin(), r.end(), old), r.end());
        if (then) then();
    });
}

void ModemPool::Impl::went_down(Slot& s, const drivers::ModemStatus& status,
                                const std::string& why) {
    s.ready = false;
    spdlog::info("modem[{}] no longer sending ({}): its unsent messages go to the other modems, "
                 "except those sent for it by name and those it sent part of, which wait for it",
                 s.name, why.empty() ? std::string(drivers::to_string(status.state)) : why);
    events_.modem_down(status, why);
    scheduler_.detach(s.name);
}

void ModemPool::Impl::on_state(Link& link, const drivers::ModemStatus& status,
                               const std::string& why) {
    Slot& s = *link.slot;
    if (s.current.get() != link.running) return;  // a retiring modem: its successor counts
    const bool ready = status.state == drivers::ModemState::ready;
    if (ready && !s.ready) {
        s.ready = true;
        events_.modem_up(status);
        scheduler_.attach(link.running->modem, s.config);
    } else if (!ready && s.ready) {
        went_down(s, status, why);
    }
}

void ModemPool::Impl::on_inbound(Link& link, const drivers::InboundPdu& pdu, bool report) {
    Slot& s = *link.slot;
    // A received message is counted once stored (whole, or released
    // incomplete): see the constructor.
    if (report) ++s.reports;
    // Deleted from the modem once committed; offered again later if the
    // store failed. A report may settle later (see on_status_report), when
    // the modem may have gone.
    auto settle = [modem = std::weak_ptr(link.running->modem), pdu](bool stored) {
        auto m = modem.lock();
        if (!m) return;
        if (stored)
            m->confirm_committed(pdu);
        else
            m->release(pdu);
    };
    if (report)
        inbound_.on_status_report(pdu, std::move(settle));
    else
        settle(inbound_.on_inbound(pdu));
}

json ModemPool::Impl::list() const {
    json out = json::array();
    for (const auto& s : slots_) {
        json j = core::modem_json(slot_status(*s));
        j["name"] = s->name;
        j["enabled"] = s->config.enabled;
        j["route_prefixes"] = s->config.route_prefixes;
        j["send_rate_per_minute"] = s->config.send_rate_per_minute;
        j["max_per_day"] = s->config.max_per_day;
        const SenderInfo info = scheduler_.info(s->name);
        const ModemCount count = counters_.get(s->name, core::now());
        j["sent"] = count.sent;
        j["sent_today"] = count.sent_today;
        j["received"] = count.received;
        j["failed"] = info.counters.failed;
        j["uncertain"] = info.counters.uncertain;
        j["status_reports"] = s->reports;
        j["capped"] = info.capped;
        j["resting"] = info.resting.empty() ? json(nullptr) : json(info.resting);
        j["in_flight"] = info.in_flight ? json(*info.in_flight) : json(nullptr);
        out.push_back(std::move(j));
    }
    return out;
}

bool ModemPool::Impl::has(std::string_view name) const {
    auto s = find(name);
    return s && s->config.enabled;
}

std::vector<std::string> ModemPool::Impl::names() const {
    std::vector<std::string> out;
    out.reserve(slots_.size());
    for (const auto& s : slots_) out.push_back(s->config.name);
    return out;
}

std::optional<drivers::ModemStatus> ModemPool::Impl::status(std::string_view name) const {
    auto s = find(name);
    if (!s) return std::nullopt;
    return slot_status(*s);
}

drivers::ModemStatus ModemPool::Impl::slot_status(const Slot& s) {
    if (s.current) return s.current->modem->status();
    if (s.offline) return *s.offline;
    drivers::ModemStatus st;
    st.name = s.name;
    return st;
}

std::optional<std::string> ModemPool::Impl::why_waiting(
    std::string_view recipient, const std::optional<BoundTo>& bound) const {
    if (stopping_) return "the daemon is stopping";
    if (!scheduler_.held().empty()) return scheduler_.held();
    std::vector<ModemAvailability> modems;
    modems.reserve(slots_.size());
    for (const auto& s : slots_) {
        const SenderInfo info = scheduler_.info(s->name);
        ModemAvailability m;
        m.name = s->name;
        m.route_prefixes = s->config.route_prefixes;
        m.enabled = s->config.enabled;
        m.sending = info.attached;
        m.capped = info.capped;
        m.resting = info.resting;
        const drivers::ModemStatus st = slot_status(*s);
        m.condition = std::string(drivers::to_string(st.state));
        if (!st.last_error_text.empty()) m.condition += ": " + st.last_error_text;
        m.sim = st.imsi;
        modems.push_back(std::move(m));
    }
    return dispatch::why_waiting(recipient, bound, modems);
}

void ModemPool::Impl::stop(std::function<void()> done) {
    if (done) on_stopped_.push_back(std::move(done));
    if (stopped_) {
        finish_stop(false);
        return;
    }
    if (stopping_) return;
    stopping_ = true;
    std::weak_ptr<Impl> weak = shared_from_this();
    drain_timer_.expires_after(options_.drain_timeout);
    drain_timer_.async_wait([weak](const boost::system::error_code& ec) {
        if (ec) return;
        if (auto self = weak.lock()) self->finish_stop(true);
    });
    scheduler_.drain([weak] {
        if (auto self = weak.lock()) self->finish_stop(false);
    });
}

void ModemPool::Impl::finish_stop(bool timed_out) {
    if (!stopped_) {
        stopped_ = true;
        drain_timer_.cancel();
        if (timed_out)
            spdlog::warn(
                "dispatch: AT+CMGS still in flight after {} ms; stopping the modems "
                "anyway (the part becomes uncertain)",
                options_.drain_timeout.count());
        for (const auto& s : slots_) {
            if (!s->current) continue;
            const auto status = s->current->modem->status();
            s->current->modem->stop();
            if (s->ready) {
                s->ready = false;
                events_.modem_down(status, "smsgwd stopping");
            }
        }
        for (const auto& r : retiring_) r->modem->stop();
        spdlog::info("dispatch: modems stopped");
    }
    auto callbacks = std::move(on_stopped_);
    on_stopped_.clear();
    for (auto& cb : callbacks) cb();
}

void ModemPool::Impl::close() {
    stopping_ = stopped_ = true;
    drain_timer_.cancel();
    for (const auto& s : slots_)
        if (s->current) s->current->modem->stop();
    for (const auto& r : retiring_) r->modem->stop();
}

}  // namespace smsgw::dispatch
