// The modem lifecycle as one coroutine, top to bottom: open → identify →
// unlock → register → configure → ready → recover. Every state change is one
// info line, "modem[office-1] registering → ready (+CREG: 0,1)"; every AT
// exchange is at debug (AtEngine). Hang recovery is a ladder, each rung logged:
// ESC and AT (the Session resynchronises), then a port re-open, then AT+CFUN=1,1.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "drivers/at/identity_replies.hpp"
#include "drivers/at/network_replies.hpp"
#include "drivers/at/sim_replies.hpp"
#include "drivers/at/sms_replies.hpp"
#include "drivers/at/text.hpp"
#include "drivers/modem_impl.hpp"

namespace smsgw::drivers {

namespace {

struct StateName {
    ModemState state;
    std::string_view name;
};
constexpr StateName state_names[] = {
    {ModemState::stopped, "stopped"},         {ModemState::opening, "opening"},
    {ModemState::identifying, "identifying"}, {ModemState::unlocking, "unlocking"},
    {ModemState::registering, "registering"}, {ModemState::configuring, "configuring"},
    {ModemState::ready, "ready"},             {ModemState::recovering, "recovering"},
    {ModemState::down, "down"},               {ModemState::failed, "failed"},
};

constexpr char esc[] = "\x1B";

std::string first_line(const Reply& r) {
    return r.lines.empty() ? std::string() : r.lines.front();
}

}  // namespace

std::string_view to_string(ModemState s) {
    for (const auto& row : state_names)
        if (row.state == s) return row.name;
    return "unknown";
}

std::string_view to_string(SendResult::Status s) {
    switch (s) {
        case SendResult::Status::sent: return "sent";
        case SendResult::Status::failed: return "failed";
        case SendResult::Status::uncertain: return "uncertain";
        case SendResult::Status::not_ready: return "not_ready";
    }
    return "unknown";
}

// ---- Modem: the owner's handle ---------------------------------------------------

Modem::Modem(asio::io_context& io, ModemSettings settings, ModemObserver* observer)
    : impl_(std::make_shared<Impl>(io, std::move(settings), observer)) {}
Modem::~Modem() {
    impl_->stop();
}
void Modem::start() {
    impl_->start();
}
void Modem::stop() {
    impl_->stop();
}
awaitable<void> Modem::run() {
    auto keep = impl_;
    co_await keep->run();
}
awaitable<SendResult> Modem::send(std::string pdu_hex, int tpdu_length, SendGate before_write) {
    auto keep = impl_;
    co_return co_await keep->send(std::move(pdu_hex), tpdu_length, std::move(before_write));
}
void Modem::confirm_committed(const InboundPdu& pdu) {
    impl_->confirm_committed(pdu);
}

void Modem::release(const InboundPdu& pdu) {
    impl_->release(pdu);
}
void Modem::try_again_now() {
    impl_->try_again_now();
}
const ModemStatus& Modem::status() const {
    return impl_->status_;
}
const ModemSettings& Modem::settings() const {
    return impl_->settings_;
}

// ---- Impl: helpers -------------------------------------------------------------

namespace {

// "60 s", "1.5 s", "400 ms": a retry interval as people read it.
std::string seconds_text(std::chrono::milliseconds d) {
    if (d < std::chrono::seconds(1)) return std::to_string(d.count()) + " ms";
    if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
    return std::to_string(d.count() / 1000) + "." + std::to_string(d.count() % 1000 / 100) + " s";
}

}  // namespace

void Modem::Impl::try_again_now() {
    if (status_.state != ModemState::failed && status_.state != ModemState::down) return;
    spdlog::info("{} {}: tried again now", log_name(), to_string(status_.state));
    wake();
}

Modem::Impl::Impl(asio::io_context& io, ModemSettings settings, ModemObserver* observer)
    : settings_(std::move(settings)),
      io_(io),
      observer_(observer),
      wake_(io),
      quirks_(&at::generic_quirks()),
      inbound_read_(io) {
    status_.name = settings_.name;
    engine_ = std::make_shared<AtEngine>(io.get_executor(), log_name(), session_config());
    // The engine is ours and its handlers are cleared in stop(), so `this` is safe.
    engine_->on_urc([this](const at::Urc& u) { on_urc(u); });
    engine_->on_gone([this](const std::string& why) {
        gone_ = why.empty() ? "gone" : why;
        set_error("port_gone", "port gone: " + gone_ + " (unplugged, or the USB link reset)");
        wake();
    });
    engine_->on_complete([this](const at::Complete& c) {
        // The session gave up on the modem. A single command's timeout is for
        // whoever sent it to judge: cmd() asks once more, send() never.
        if (c.final.outcome == at::Outcome::not_sent && engine_->session().unresponsive())
            no_answer(c.command, c.final.reason);
        note_echo(c);
    });
}

void Modem::Impl::note_echo(const at::Complete& c) {
    // Set-up turns the echo off (ATE0), and only a restart turns it back on: a
    // modem at its power-up defaults. Some restart without a start-up line we
    // know (Huawei says only ^BOOT, its heartbeat), and until the next health
    // check their new messages would sit on the SIM unannounced. A modem that
    // echoes whatever it is told never answered without echo, so it is not
    // taken for one that restarts at every command.
    if (status_.state != ModemState::ready) return;
    if (!c.echoed) {
        if (c.final.outcome == at::Outcome::ok || c.final.outcome == at::Outcome::error)
            echo_seen_off_ = true;
        return;
    }
    if (!echo_seen_off_ || !restarted_.empty()) return;
    if (!may_set_up_anew()) {
        // A second restart meanwhile is the health check's to find. The
        // echo still counts as a restart for sending: each AT+CMGS it echoes
        // is cancelled at its prompt, as the modem may be in text mode.
        if (!echo_after_restart_told_)
            spdlog::warn("{} echoed {} after answering without echo (set up anew less than 10 "
                         "min ago: left to the health check; no PDU is written while it echoes)",
                         log_name(), c.command);
        echo_after_restart_told_ = true;
        return;
    }
    spdlog::warn("{} echoed {} after answering without echo: the modem restarted", log_name(),
                 c.command);
    set_up_anew("its echo came back on");
    wake();
}

bool Modem::Impl::may_set_up_anew() const {
    return !last_settings_restart_ ||
           std::chrono::steady_clock::now() - *last_settings_restart_ >= std::chrono::minutes(10);
}

void Modem::Impl::set_up_anew(std::string why) {
    last_settings_restart_ = std::chrono::steady_clock::now();
    restarted_ = std::move(why);
}

at::SessionConfig Modem::Impl::session_config() const {
    at::SessionConfig base;
    base.timers.set(at::TimerId::command, settings_.command_timeout);
    base.timers.set(at::TimerId::prompt, settings_.command_timeout);
    base.timers.set(at::TimerId::send, settings_.send_timeout);
    base.timers.set(at::TimerId::quiet, settings_.resync_quiet);
    base.timers.set(at::TimerId::probe, settings_.resync_probe);
    return at::session_config(*quirks_, base);
}

void Modem::Impl::start() {
    if (running_) return;
    running_ = true;
    stopping_ = false;
    auto self = shared_from_this();
    asio::co_spawn(io_, run(), [self](std::exception_ptr e) {
        self->running_ = false;
        if (!e || self->stopping_) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            spdlog::error("{} lifecycle ended by an exception: {}; restarting", self->log_name(),
                          ex.what());
        } catch (...) {
            spdlog::error("{} lifecycle ended by an unknown exception; restarting", self->log_name());
        }
        self->close_port();
        auto timer = std::make_shared<asio::steady_timer>(self->io_, self->settings_.backoff_min);
        timer->async_wait([self, timer](const boost::system::error_code&) {
            if (!self->stopping_) self->start();
        });
    });
}

void Modem::Impl::stop() {
    if (stopping_) return;
    stopping_ = true;
    observer_ = nullptr;
    engine_->shutdown();
    engine_->on_urc(nullptr);
    engine_->on_gone(nullptr);
    engine_->on_complete(nullptr);
    if (port_) port_->close();
    wake_.cancel();
    inbound_read_.cancel();
    if (status_.state != ModemState::stopped) {
        spdlog::info("{} {} → stopped (stop requested)", log_name(), to_string(status_.state));
        status_.state = ModemState::stopped;
    }
}

void Modem::Impl::wake() {
    wake_.cancel();
    inbound_read_.cancel();  // a send waiting for a read looks again (gone, hang, …)
}

awaitable<bool> Modem::Impl::sleep(std::chrono::milliseconds d) {
    if (stopping_) co_return false;
    wake_.expires_after(d);
    boost::system::error_code ec;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return !stopping_;
}

awaitable<Reply> Modem::Impl::cmd(std::string text, std::chrono::milliseconds timeout,
                                  bool sensitive) {
    at::Command c;
    c.text = std::move(text);
    c.timeout = timeout;
    c.sensitive = sensitive;
    auto engine = engine_;
    Reply r = co_await engine->command(c);
    // Nor a delete: one carried out whose answer was lost, repeated, would
    // delete the next message the modem stores in the freed slot
    // (delete_stored looks at the slot after the recovery instead).
    const bool retry = !sensitive && !c.text.starts_with("AT+CFUN=1,1") &&
                       !c.text.starts_with("AT+CMGD");
    if (r.final.outcome == at::Outcome::timeout && retry && !stopping_ && gone_.empty() &&
        hang_.empty()) {
        spdlog::warn("{} no answer to {} ({}); asking once more", log_name(), c.text,
                     r.final.reason);
        r = co_await engine->command(c);
    }
    if (r.final.outcome == at::Outcome::timeout) no_answer(at::shown_command(c), r.final.reason);
    co_return r;
}

void Modem::Impl::no_answer(const std::string& command, const std::string& reason) {
    if (!hang_.empty() || !gone_.empty()) return;
    hang_ = "no answer to " + command + " (" + reason + ")";
    set_error("no_answer", hang_);  // shown while it recovers; cleared once ready
    // The lifecycle recovers now, not at its next health check: until then
    // send() refuses, so no AT+CMGS is in flight when it starts.
    wake();
}

void Modem::Impl::set_state(ModemState to, const std::string& why) {
    if (stopping_) return;
    const ModemState from = status_.state;
    status_.state = to;
    // Leaving ready: a send waiting for a read (see send()) must not wait for a
    // lifecycle that no longer reads.
    if (from != to) inbound_read_.cancel();
    if (from != to)
        spdlog::info("{} {} → {}{}", log_name(), to_string(from), to_string(to),
                     why.empty() ? std::string() : " (" + why + ")");
    if (observer_) observer_->on_state(status_, from, why);
}

void Modem::Impl::publish(const std::string& why) {
    if (observer_ && !stopping_) observer_->on_state(status_, status_.state, why);
}

void Modem::Impl::set_error(std::string name, std::string text) {
    status_.last_error = std::move(name);
    status_.last_error_text = std::move(text);
}

Exit Modem::Impl::exit_for(const Reply& r) const {
    if (stopping_) return Exit::stopped;
    if (!gone_.empty()) return Exit::gone;
    if (r.final.outcome == at::Outcome::timeout || r.final.outcome == at::Outcome::uncertain ||
        r.final.outcome == at::Outcome::not_sent)
        return Exit::hang;
    return Exit::ok;
}

void Modem::Impl::close_port() {
    engine_->detach();
    if (port_) port_->close();
}

// ---- the lifecycle ---------------------------------------------------------------

awaitable<void> Modem::Impl::run() {
    auto self = shared_from_this();
    auto backoff = settings_.backoff_min;
    bool have_port = false;
    while (!stopping_) {
        if (!have_port) {
            // A port that is not there is looked for again every few seconds,
            // for as long as it takes: it stays down meanwhile rather than
            // logging two state changes each time.
            if (status_.state != ModemState::down || status_.last_error != "port_not_found")
                set_state(ModemState::opening, settings_.port.empty()
                                                   ? "looking for IMEI " + settings_.imei
                                                   : settings_.port);
            const Exit e = co_await open_port();
            if (e == Exit::stopped) break;
            if (e != Exit::ok) {
                set_state(e == Exit::failed ? ModemState::failed : ModemState::down,
                          status_.last_error_text + "; retry in " +
                              std::to_string(backoff.count()) + " ms");
                if (!co_await sleep(backoff)) break;
                // A device that is not there costs nothing to look for again, and
                // a stick plugged back in should not wait a minute for it.
                constexpr std::chrono::milliseconds absent_port_poll = 5s;
                const auto ceiling = status_.last_error == "port_not_found"
                                         ? std::min(settings_.backoff_max, absent_port_poll)
                                         : settings_.backoff_max;
                backoff = std::min(backoff * 2, ceiling);
                continue;
            }
            have_port = true;
        }
        Exit e = co_await identify();
        if (e == Exit::ok) e = co_await unlock();
        while (e == Exit::ok || e == Exit::reregister || e == Exit::sim) {
            if (e == Exit::sim) {
                const std::string why = std::move(sim_attention_);
                sim_attention_.clear();
                spdlog::warn("{} {}: unlocking the SIM again", log_name(), why);
                set_error("sim_attention", why + ": unlocking the SIM again");
                e = co_await unlock();
                if (e != Exit::ok) break;
                // Shown until it is ready: what happened, and what it waits for now.
                set_error("sim_attention",
                          why + ": the SIM is unlocked again; waiting for the network");
            }
            e = co_await register_network();
            if (e == Exit::ok) e = co_await configure();
            if (e == Exit::ok) e = co_await ready_loop();
        }
        if (e == Exit::stopped || stopping_) break;
        if (e == Exit::restarted) {
            set_error("modem_restarted", "the modem restarted by itself (" + restarted_ +
                                             "): setting it up again");
            in_recovery_ = true;  // echo, error format: everything from the start
            continue;             // port open and answering: identify again
        }
        if (e == Exit::hang) {
            const std::string why = hang_.empty() ? "no answer" : hang_;
            e = co_await recover(why);
            if (e == Exit::ok) {
                backoff = settings_.backoff_min;
                continue;  // port open and answering: identify again
            }
            if (e == Exit::stopped) break;
        }
        close_port();
        have_port = false;
        if (e == Exit::gone || e == Exit::hang) {
            set_state(ModemState::down,
                      gone_.empty() ? status_.last_error_text : "port gone: " + gone_);
            // A replugged stick takes a moment to enumerate: the first retry is quick.
            backoff = settings_.backoff_min;
            if (!co_await sleep(backoff)) break;
            continue;
        }
        // failed: a technician must act. Retry slowly (a SIM may be inserted, a PIN
        // entered by hand) but never with a PIN the SIM refused; at once when
        // the owner asks (try_again_now: a reload).
        // A PIN the SIM refused, or its last attempt, is never tried again by
        // itself: its text says what to do, and a retry would change nothing.
        const bool pin_held_back =
            status_.last_error == "pin_rejected" || status_.last_error == "pin_last_attempt";
        const std::string when = "; tried again every " + seconds_text(settings_.backoff_max) +
                                 ", and at once after a config reload (SIGHUP)";
        if (!pin_held_back && !status_.last_error_text.ends_with(when))
            status_.last_error_text += when;
        set_state(ModemState::failed, status_.last_error_text);
        if (!co_await sleep(settings_.backoff_max)) break;
    }
    close_port();
}

// Opens the fixed port or scans the candidates for the IMEI; leaves the engine
// attached to an answering modem whose IMEI is known.
awaitable<Exit> Modem::Impl::open_port() {
    gone_.clear();
    hang_.clear();
    if (!settings_.port.empty()) co_return co_await try_port(settings_.port, !settings_.imei.empty());
    const auto candidates = expand_globs(settings_.candidates);
    for (const auto& path : candidates) {
        if (stopping_) co_return Exit::stopped;
        if (!settings_.usb_serial.empty()) {
            // The USB serial number comes from sysfs without opening the port.
            const auto serial = usb_serial_of(path);
            if (!serial || *serial != settings_.usb_serial) continue;
        }
        const Exit e = co_await try_port(path, !settings_.imei.empty());
        if (e == Exit::ok || e == Exit::stopped) co_return e;
    }
    set_error("port_not_found",
              "no port with " +
                  (settings_.imei.empty() ? "USB serial " + settings_.usb_serial
                                          : "IMEI " + settings_.imei) +
                  " among " + std::to_string(candidates.size()) + " candidate(s)");
    co_return Exit::gone;
}

awaitable<Exit> Modem::Impl::try_port(const std::string& path, bool must_match) {
    if (!port_) port_ = std::make_unique<SerialPort>(io_.get_executor());
    std::string detail;
    const SerialOptions options{settings_.baud,
                                settings_.rtscts ? FlowControl::rtscts : FlowControl::none};
    if (const auto ec = port_->open(path, options, &detail)) {
        const bool busy = ec == SerialError::busy;
        const bool absent = ec == SerialError::not_found;
        // What to look at first, for the one a technician meets most.
        set_error(busy ? "port_busy" : absent ? "port_not_found" : "port_error",
                  ec.message() + ": " + detail +
                      (absent ? " (is the stick plugged in? its /dev/ttyUSB name may have "
                                "changed: ls -l /dev/serial/by-id/, and name the port by that link)"
                              : ""));
        spdlog::debug("{} {}", log_name(), status_.last_error_text);
        co_return Exit::gone;
    }
    gone_.clear();
    hang_.clear();
    status_.port = path;
    quirks_ = &at::generic_quirks();
    engine_->set_config(session_config());
    engine_->attach(port_->stream(), AtEngine::FirstCommand::after_sync);
    const Exit e = co_await identify_basic();
    if (e == Exit::ok && must_match && status_.imei != settings_.imei) {
        set_error("wrong_modem",
                  path + " has IMEI " + status_.imei + ", not " + settings_.imei);
        spdlog::debug("{} {}", log_name(), status_.last_error_text);
        close_port();
        co_return settings_.port.empty() ? Exit::gone : Exit::failed;
    }
    if (e != Exit::ok) {
        if (e != Exit::stopped) {
            // Why, when the open's resync gave up: no OK at all, or answers
            // that kept coming after it.
            const auto& session = engine_->session();
            std::string why = path + " does not answer AT";
            if (session.unresponsive()) why += " (" + session.unresponsive_why() + ")";
            set_error("no_answer", why);
        }
        close_port();
        co_return e == Exit::stopped ? e : Exit::gone;
    }
    co_return Exit::ok;
}

// AT, echo off, numeric errors, IMEI: enough to know which modem this is.
awaitable<Exit> Modem::Impl::identify_basic() {
    if (!co_await responds()) {
        co_return stopping_ ? Exit::stopped : gone_.empty() ? Exit::hang : Exit::gone;
    }
    for (const char* c : {"ATE0", "AT+CMEE=1"}) {
        const Reply r = co_await cmd(c);
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    }
    const Reply imei = co_await cmd("AT+CGSN");
    if (const Exit e = exit_for(imei); e != Exit::ok) co_return e;
    if (auto v = at::parse_identity(imei.lines, at::IdentityKind::imei)) {
        if (!status_.imei.empty() && status_.imei != *v)
            spdlog::warn("{} a different modem is now on {}: IMEI {} (was {})", log_name(),
                         status_.port, *v, status_.imei);
        status_.imei = *v;
    }
    co_return Exit::ok;
}

// ESC (a modem may sit in PDU entry), then AT up to three times. A port just
// opened is resynchronised by the Session first (AtEngine::FirstCommand), so
// this AT is not the first thing the modem's answers are matched to.
awaitable<bool> Modem::Impl::responds() {
    const int restored_before = engine_->session().result_codes_restored();
    for (int attempt = 0; attempt < 3 && !stopping_ && gone_.empty(); ++attempt) {
        // ESC leaves a PDU entry the modem may be stuck in. Never while a command
        // is in flight: to a modem that has just sent "> " for an AT+CMGS, ESC
        // cancels that message and its "OK" would read as the send's success.
        // A command in flight ends (or times out and resynchronises) before
        // the AT queued behind it.
        if (engine_->session().state() == at::SessionState::idle) engine_->write_raw(esc);
        const Reply r = co_await cmd("AT");
        if (r.ok()) {
            hang_.clear();
            if (engine_->session().result_codes_restored() != restored_before)
                spdlog::warn("{} answered only once its result codes were turned back on "
                             "(ATQ0V1): the profile it powers up with has them off (ATQ1) or "
                             "as digits (ATV0); smsgwd turns them on each time, AT&W would "
                             "keep them",
                             log_name());
            co_return true;
        }
    }
    co_return false;
}

awaitable<Exit> Modem::Impl::identify() {
    set_state(ModemState::identifying, status_.port);
    restarted_.clear();  // whatever announced a restart, this sets the modem up anew
    reregister_ = false;  // the set-up registers anyway
    echo_seen_off_ = false;
    echo_after_restart_told_ = false;
    if (status_.imei.empty() || in_recovery_) {
        if (const Exit e = co_await identify_basic(); e != Exit::ok) co_return e;
    }
    in_recovery_ = false;
    auto text = [&](const Reply& r) {
        auto v = at::parse_text_answer(r.lines);
        return v ? *v : std::string();
    };
    Reply r = co_await cmd("AT+CGMI");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    status_.manufacturer = text(r);
    r = co_await cmd("AT+CGMM");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    status_.model = text(r);
    r = co_await cmd("AT+CGMR");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    status_.firmware = text(r);
    quirks_ = &at::find_quirks(status_.manufacturer, status_.model);
    engine_->set_config(session_config());
    needs_cnma_ = quirks_->needs_cnma;
    for (const auto& step : quirks_->init) {
        r = co_await cmd(std::string(step.command));
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
        if (!r.ok())
            spdlog::debug("{} {} refused ({}): {}", log_name(), step.command, step.why,
                          r.final.line);
    }
    spdlog::debug("{} {} {} {} IMEI {}, quirks {}", log_name(), status_.manufacturer,
                  status_.model, status_.firmware, status_.imei, quirks_->name);
    co_return Exit::ok;
}

awaitable<Exit> Modem::Impl::unlock() {
    set_state(ModemState::unlocking, status_.manufacturer + " " + status_.model);
    for (int attempt = 0; attempt < 10; ++attempt) {
        const Reply r = co_await cmd("AT+CPIN?");
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
        if (!r.ok()) {
            const auto& entry = r.final.error ? r.final.error->entry() : at::ModemError{}.entry();
            if (entry.name == "sim_not_inserted" || entry.name == "sim_failure") {
                set_error("sim_missing", r.final.line + ": " + std::string(entry.text) +
                                             (entry.hint.empty() ? "" : "; " + std::string(entry.hint)));
                co_return Exit::failed;
            }
            if (!co_await sleep(settings_.register_poll)) co_return Exit::stopped;  // SIM busy
            continue;
        }
        const auto state = at::parse_cpin(r.line("+CPIN:"));
        if (!state) {
            set_error("cpin_unreadable", "AT+CPIN? answer not understood: " + first_line(r));
            co_return Exit::failed;
        }
        switch (*state) {
            case at::PinState::ready: {
                const Reply imsi = co_await cmd("AT+CIMI");
                if (const Exit e = exit_for(imsi); e != Exit::ok) co_return e;
                if (auto v = at::parse_identity(imsi.lines, at::IdentityKind::imsi)) status_.imsi = *v;
                if (!quirks_->iccid_command.empty()) {
                    const Reply iccid = co_await cmd(std::string(quirks_->iccid_command));
                    if (const Exit e = exit_for(iccid); e != Exit::ok) co_return e;
                    if (auto v = at::parse_identity(iccid.lines, at::IdentityKind::iccid))
                        status_.iccid = *v;
                }
                co_return Exit::ok;
            }
            case at::PinState::not_ready:
                if (!co_await sleep(settings_.register_poll)) co_return Exit::stopped;
                continue;
            case at::PinState::sim_pin: {
                if (!quirks_->pin_retries_command.empty()) {
                    const Reply left = co_await cmd(std::string(quirks_->pin_retries_command));
                    if (const Exit e = exit_for(left); e != Exit::ok) co_return e;
                    if (auto v = at::parse_pin_retries(left.lines)) status_.pin_retries = v->pin;
                }
                const std::string left_text =
                    status_.pin_retries ? std::to_string(*status_.pin_retries) + " attempt(s) left"
                                        : "attempts left unknown";
                if (settings_.pin.empty()) {
                    set_error("pin_required", "the SIM needs a PIN and none is configured (" +
                                                  left_text + ")");
                    co_return Exit::failed;
                }
                if (pin_rejected_) {
                    set_error("pin_rejected", "the configured PIN was refused before; not tried again (" +
                                                  left_text + "): fix the PIN in the config");
                    co_return Exit::failed;
                }
                if (status_.pin_retries && *status_.pin_retries <= 1) {
                    set_error("pin_last_attempt",
                              "only 1 PIN attempt left: not spent automatically; enter the PIN by "
                              "hand (smsgw-diag at) once you are sure of it");
                    co_return Exit::failed;
                }
                const Reply entered = co_await cmd("AT+CPIN=\"" + settings_.pin + "\"", {}, true);
                if (const Exit e = exit_for(entered); e != Exit::ok) co_return e;
                if (!entered.ok()) {
                    pin_rejected_ = true;
                    if (!quirks_->pin_retries_command.empty()) {
                        const Reply left = co_await cmd(std::string(quirks_->pin_retries_command));
                        if (auto v = at::parse_pin_retries(left.lines)) status_.pin_retries = v->pin;
                    }
                    set_error("pin_rejected",
                              "the SIM refused the configured PIN (" + entered.final.line + "); " +
                                  (status_.pin_retries
                                       ? std::to_string(*status_.pin_retries) + " attempt(s) left"
                                       : std::string("attempts left unknown")) +
                                  "; not retried: fix the PIN in the config");
                    co_return Exit::failed;
                }
                spdlog::info("{} PIN accepted", log_name());
                continue;  // AT+CPIN? again until READY
            }
            case at::PinState::sim_puk:
                set_error("puk_required",
                          "the SIM is blocked and needs its PUK (too many wrong PINs): unlock it "
                          "with the PUK from the SIM's card holder — in `smsgw-diag at`: "
                          "AT+CPIN=\"<PUK>\",\"<new PIN>\" — and put the new PIN in the config");
                co_return Exit::failed;
            case at::PinState::not_inserted:
                set_error("sim_missing", "no SIM card inserted");
                co_return Exit::failed;
            default:
                set_error("sim_locked", "the SIM waits for " + std::string(at::to_string(*state)));
                co_return Exit::failed;
        }
    }
    set_error("sim_not_ready", "the SIM did not become ready");
    co_return Exit::failed;
}

namespace {

bool says_registered(const std::optional<at::RegStatus>& s) {
    return s && at::is_registered(*s);
}

}  // namespace

void Modem::Impl::note_registration(const at::Registration& reg) {
    if (reg.domain == at::RegDomain::gprs) return;
    (reg.domain == at::RegDomain::eps ? eps_reg_ : circuit_reg_) = reg.status;
    // Shown: the registered domain (circuit first), else what circuit said.
    const auto& shown = says_registered(circuit_reg_) ? circuit_reg_
                        : says_registered(eps_reg_)   ? eps_reg_
                        : circuit_reg_                ? circuit_reg_
                                                      : eps_reg_;
    status_.registration = std::string(at::to_string(*shown));
}

bool Modem::Impl::registered() const {
    return says_registered(circuit_reg_) || says_registered(eps_reg_);
}

awaitable<Exit> Modem::Impl::register_network() {
    // Back from ready: say why (the technician's first question), not only which SIM.
    const std::string imsi = status_.imsi.empty() ? "" : "IMSI " + status_.imsi;
    if (reregister_)
        set_error("registration_lost",
                  "network registration lost (" + status_.registration + "): waiting for the "
                  "network again");
    set_state(ModemState::registering,
              reregister_ ? "network registration lost (" + status_.registration + ")" +
                                (imsi.empty() ? "" : ", " + imsi)
                          : imsi);
    const bool lost = reregister_;
    reregister_ = false;
    // Lost again soon after it was last found: the modem's answers disagree
    // (one domain registered and another not, a cell at the edge of reach).
    // A poll's pause, unless a registration URC ends it, so that the set-up
    // and the health check cannot take turns as fast as the modem answers.
    const auto now = std::chrono::steady_clock::now();
    if (lost && last_reregister_ && now - *last_reregister_ < 5 * settings_.register_poll) {
        if (!co_await sleep(settings_.register_poll)) co_return Exit::stopped;
        if (!gone_.empty()) co_return Exit::gone;
    }
    if (lost) last_reregister_ = std::chrono::steady_clock::now();
    circuit_reg_.reset();  // each domain is asked anew
    eps_reg_.reset();
    // Registration URCs with location wake us as soon as the network answers,
    // on 2G/3G and, where the modem has it, on LTE (a modem without LTE
    // refuses AT+CEREG, which changes nothing).
    Reply r = co_await cmd("AT+CREG=2");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    if (!r.ok()) (void)co_await cmd("AT+CREG=1");
    r = co_await cmd("AT+CEREG=2");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    const auto deadline = std::chrono::steady_clock::now() + settings_.register_timeout;
    bool denied_logged = false;
    for (;;) {
        for (const char* query : {"AT+CREG?", "AT+CEREG?"}) {
            r = co_await cmd(query);
            if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
            if (!r.ok() || r.lines.empty()) continue;
            const auto reg = at::parse_registration(r.lines.front());
            if (!reg) continue;
            note_registration(*reg);
            if (registered()) {
                hang_.clear();
                co_return Exit::ok;
            }
            if (reg->status == at::RegStatus::denied && !denied_logged) {
                denied_logged = true;
                set_error("registration_denied",
                          "the network denied registration (" + r.lines.front() +
                              "): SIM barred, not activated or roaming not allowed; try the "
                              "SIM in a phone, or ask the operator");
                spdlog::warn("{} {}", log_name(), status_.last_error_text);
                publish(r.lines.front());
            }
        }
        // A SIM re-seated or reset asks for its PIN again, and one pulled is
        // gone: the modem then registers nowhere, and waiting for the network
        // would never end (nor say why).
        if (const Exit e = co_await check_sim_while_unregistered(); e != Exit::ok) co_return e;
        if (std::chrono::steady_clock::now() >= deadline) {
            if (status_.last_error != "registration_denied")
                set_error("not_registered", "not registered after " +
                                                std::to_string(settings_.register_timeout.count()) +
                                                " ms (" + status_.registration +
                                                "): check antenna, coverage and SIM");
            co_return Exit::failed;
        }
        if (!co_await sleep(settings_.register_poll)) co_return Exit::stopped;
        if (!gone_.empty()) co_return Exit::gone;
    }
}

bool Modem::Impl::asks_for_code(std::string_view name) {
    return name.ends_with("pin_required") || name.ends_with("puk_required");
}

bool Modem::Impl::is_sim_state_error(std::string_view name) {
    return name == "sim_not_inserted" || name == "sim_failure" || name == "sim_wrong" ||
           asks_for_code(name);
}

awaitable<Exit> Modem::Impl::check_sim_while_unregistered() {
    const Reply r = co_await cmd("AT+CPIN?");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    if (!r.ok()) {
        // Busy, or a modem that does not say: the registration goes on.
        if (!r.final.error || !is_sim_state_error(r.final.error->entry().name)) co_return Exit::ok;
        sim_attention_ = "AT+CPIN? answers " + r.final.line;
        co_return Exit::sim;
    }
    const auto state = at::parse_cpin(r.line("+CPIN:"));
    if (!state || *state == at::PinState::ready || *state == at::PinState::not_ready)
        co_return Exit::ok;  // NOT READY: the SIM is starting; asked again at the next poll
    sim_attention_ = "AT+CPIN? answers " + r.line("+CPIN:");
    co_return Exit::sim;
}

// A modem that has just started refuses SMS commands until its SMS service is
// up (SIM800 says "SMS Ready", Quectel "+QIND: SMS DONE", seconds after the
// SIM is ready): a refusal at set-up is final only once that time has passed.
awaitable<Exit> Modem::Impl::wait_for_sms_service(SmsServiceWait& wait, const std::string& why) {
    if (std::chrono::steady_clock::now() >= wait.deadline) co_return Exit::failed;
    if (!wait.waited)
        set_state(ModemState::configuring, "waiting for the SMS service to start (" + why + ")");
    wait.waited = true;
    co_return co_await sleep(settings_.register_poll) ? Exit::ok : Exit::stopped;
}

awaitable<Exit> Modem::Impl::enter_pdu_mode(SmsServiceWait& wait) {
    for (;;) {
        const Reply r = co_await cmd("AT+CMGF=0");
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
        if (r.ok()) co_return Exit::ok;
        const Exit e = co_await wait_for_sms_service(wait, "AT+CMGF=0: " + r.final.line);
        if (e == Exit::failed) {
            const auto waited =
                std::chrono::duration_cast<std::chrono::seconds>(settings_.sms_service_wait);
            set_error("no_pdu_mode", "the modem refuses PDU mode (AT+CMGF=0: " + r.final.line +
                                         ", still after " + std::to_string(waited.count()) + " s)");
        }
        if (e != Exit::ok) co_return e;
    }
}

namespace {

std::optional<at::StorageUse> received_use(const at::ParseResult<std::vector<at::StorageUse>>& use) {
    if (!use || use->empty()) return std::nullopt;
    return at::received_storage_use(*use);
}

}  // namespace

void Modem::Impl::use_storage(const std::string& name, const Reply& cpms_set) {
    mem1_ = received_storage_ = name;
    status_.storage = name;
    if (const auto received = received_use(at::parse_cpms_set(cpms_set.line("+CPMS:")))) {
        status_.storage_used = received->used;
        status_.storage_total = received->total;
    }
}

// "SM" for everything, the SIM's storage. A SIM that holds no messages (some
// data-only SIMs and modules) refuses it, or takes it and shows 0 slots: the
// modem's own storage keeps what is received instead, which the drains then
// read (with no room at all the network would hold every message back). A
// modem that answers neither way has not started its SMS service yet.
awaitable<Exit> Modem::Impl::choose_storage(SmsServiceWait& wait) {
    for (;;) {
        Reply r = co_await cmd("AT+CPMS=\"SM\",\"SM\",\"SM\"");
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
        if (r.ok()) {
            const auto sim = received_use(at::parse_cpms_set(r.line("+CPMS:")));
            if (!sim || sim->total > 0) {
                use_storage("SM", r);
                co_return Exit::ok;
            }
            const Reply own = co_await cmd("AT+CPMS=\"ME\",\"ME\",\"ME\"");
            if (const Exit e = exit_for(own); e != Exit::ok) co_return e;
            const auto flash = received_use(at::parse_cpms_set(own.line("+CPMS:")));
            if (own.ok() && (!flash || flash->total > 0)) {
                spdlog::info("{} the SIM has no message slots ({}): received messages are kept "
                             "in the modem's own storage, ME",
                             log_name(), r.line("+CPMS:"));
                use_storage("ME", own);
                co_return Exit::ok;
            }
            // Named, not built in the co_await's argument: g++ 12 destroys a
            // conditional's temporary twice across a suspension.
            const std::string why = "AT+CPMS=\"SM\",…: no message slots; \"ME\": " +
                                    (own.ok() ? std::string("no message slots") : own.final.line);
            const Exit e = co_await wait_for_sms_service(wait, why);
            if (e == Exit::failed) {
                spdlog::warn("{} neither the SIM nor the modem has room for a received message "
                             "({}): the network holds them back until there is",
                             log_name(), r.line("+CPMS:"));
                r = co_await cmd("AT+CPMS=\"SM\",\"SM\",\"SM\"");
                if (const Exit back = exit_for(r); back != Exit::ok) co_return back;
                use_storage("SM", r);
                co_return Exit::ok;
            }
            if (e != Exit::ok) co_return e;
            continue;
        }
        const std::string refused = r.final.line;
        r = co_await cmd("AT+CPMS?");
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
        if (auto use = at::parse_cpms_query(r.line("+CPMS:")); r.ok() && use && !use->empty()) {
            spdlog::info("{} AT+CPMS=\"SM\",… refused ({}): using the modem's own storages",
                         log_name(), refused);
            const at::StorageUse received = *received_use(use);
            mem1_ = at::to_upper(use->front().storage);
            received_storage_ = at::to_upper(received.storage);
            status_.storage = received.storage;
            status_.storage_used = received.used;
            status_.storage_total = received.total;
            co_return Exit::ok;
        }
        const Exit e = co_await wait_for_sms_service(wait, "AT+CPMS?: " + r.final.line);
        if (e == Exit::failed) {
            spdlog::warn("{} the message storage cannot be chosen (AT+CPMS?: {}): messages are "
                         "read as they are announced, stored ones may be missed",
                         log_name(), r.final.line);
            co_return Exit::ok;
        }
        if (e != Exit::ok) co_return e;
    }
}

awaitable<Exit> Modem::Impl::configure() {
    set_state(ModemState::configuring, status_.registration);
    // No automatic answering (V.250 §6.3.8): a modem whose saved profile picks
    // up after some rings would take a voice call and tie the line up, or a
    // data call and leave command mode. A modem without S0 refuses: no matter.
    Reply r = co_await cmd("ATS0=0");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    SmsServiceWait wait{std::chrono::steady_clock::now() + settings_.sms_service_wait};
    if (const Exit e = co_await enter_pdu_mode(wait); e != Exit::ok) co_return e;
    if (quirks_->sms_storage) {
        if (const Exit e = co_await choose_storage(wait); e != Exit::ok) co_return e;
        // A modem that keeps status reports in "SR" whatever <mem3> is lists it
        // among the storages to read: drained too, so a report whose +CDSI
        // was lost, or that came while smsgwd was not running, is found.
        r = co_await cmd("AT+CPMS=?");
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
        if (auto lists = at::parse_cpms_test(r.line("+CPMS:")); lists && !lists->empty()) {
            for (const auto& storage : lists->front())
                if (at::iequals(storage, "SR")) drained_storages_.insert("SR");
        }
    }
    if (wait.waited) spdlog::info("{} the SMS service has started", log_name());
    if (!settings_.smsc.empty()) {
        r = co_await cmd("AT+CSCA=\"" + settings_.smsc + "\"," +
                         (settings_.smsc.front() == '+' ? "145" : "129"));
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
        if (!r.ok()) spdlog::warn("{} setting the SMSC refused: {}", log_name(), r.final.line);
    }
    r = co_await cmd("AT+CSCA?");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    if (auto sca = at::parse_csca(r.line("+CSCA:")); sca && !sca->number.empty())
        status_.smsc = sca->number;
    else
        spdlog::warn("{} no SMS centre on the SIM and none configured: sending will fail",
                     log_name());
    if (needs_cnma_) {
        r = co_await cmd("AT+CSMS=1");
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
        needs_cnma_ = r.ok();
    } else {
        // TS 27.005 §3.2.1: with service 1 every +CMT/+CDS must be acknowledged
        // (AT+CNMA) or the modem switches routing off. Some modems keep service
        // 1 in NV memory, and a status report may come directly (+CDS) when the
        // modem stores none: ask for service 0, which needs no acknowledgement.
        r = co_await cmd("AT+CSMS=0");
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
        if (!r.ok())
            spdlog::debug("{} AT+CSMS=0 refused ({}): keeping the modem's service",
                          log_name(), r.final.line);
    }
    // +CNMI: the first candidate the modem lists, then the later ones if refused.
    r = co_await cmd("AT+CNMI=?");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    const auto candidates = quirks_->cnmi_candidates;
    std::size_t first = 0;
    if (auto support = at::parse_cnmi_test(r.line("+CNMI:"))) {
        if (auto chosen = at::choose_cnmi(candidates, *support))
            for (std::size_t i = 0; i < candidates.size(); ++i)
                if (candidates[i].command == chosen->command) first = i;
    }
    status_.cnmi.clear();
    cnmi_as_set_.clear();
    for (std::size_t i = first; i < candidates.size(); ++i) {
        r = co_await cmd(std::string(candidates[i].command));
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
        if (r.ok()) {
            status_.cnmi = std::string(candidates[i].command);
            spdlog::debug("{} {}: {}", log_name(), candidates[i].command, candidates[i].why);
            break;
        }
    }
    if (status_.cnmi.empty()) {
        spdlog::warn("{} no +CNMI setting accepted: new messages are found by reading the storage "
                     "every {} s, and status reports do not come",
                     log_name(), std::chrono::duration_cast<std::chrono::seconds>(drain_every()).count());
    } else {
        if (!at::announces_messages(status_.cnmi))
            spdlog::warn("{} the modem announces no new message ({}): they are found by reading "
                         "the storage every {} s",
                         log_name(), status_.cnmi,
                         std::chrono::duration_cast<std::chrono::seconds>(drain_every()).count());
        // What the modem shows for it, in its own words: the health check
        // compares against this, not against the command (modems normalise
        // fields they ignore).
        r = co_await cmd("AT+CNMI?");
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
        cnmi_as_set_ = cnmi_shown(r);
    }
    co_return Exit::ok;
}

std::chrono::milliseconds Modem::Impl::drain_every() const {
    if (!status_.cnmi.empty() && at::announces_messages(status_.cnmi))
        return settings_.drain_interval;
    return std::min(settings_.drain_interval, settings_.poll_interval);
}

awaitable<Exit> Modem::Impl::ready_loop() {
    // Signal, registration, operator and storage before the modem is called
    // ready: registration does not read the operator's name, health() does.
    if (const Exit e = co_await health(); e != Exit::ok) co_return e;
    set_error("", "");
    set_state(ModemState::ready, status_.registration + (status_.operator_name.empty()
                                                             ? std::string()
                                                             : ", " + status_.operator_name));
    using clock = std::chrono::steady_clock;
    drain_requested_ = true;  // stored messages from before we came
    auto next_health = clock::now() + settings_.health_interval;
    auto next_drain = clock::now() + drain_every();
    for (;;) {
        if (stopping_) co_return Exit::stopped;
        if (!gone_.empty()) co_return Exit::gone;
        if (!hang_.empty()) co_return Exit::hang;
        // A restart first: its set-up registers too, and unlocks the SIM
        // before, which a restarted modem may ask for again.
        if (!restarted_.empty()) co_return Exit::restarted;
        if (!sim_attention_.empty()) co_return Exit::sim;
        if (reregister_) co_return Exit::reregister;
        // Reads first: an announced message may be a STOP, and a delete only
        // frees a slot that nobody waits for. The deletes of a burst's
        // messages, confirmed as each is reported, wait until every message
        // announced meanwhile is read, the STOP at its end included.
        if (!to_read_.empty()) {
            {
                Reading guard(*this);
                co_await read_announced();
            }
            continue;
        }
        if (!to_delete_.empty()) {
            InboundPdu pdu = std::move(to_delete_.front());
            to_delete_.pop_front();
            co_await delete_stored(std::move(pdu));
            continue;
        }
        const auto now = clock::now();
        if (drain_requested_ || now >= next_drain) {
            drain_requested_ = false;
            co_await drain();
            next_drain = clock::now() + drain_every();
            continue;
        }
        if (now >= next_health) {
            co_await health();
            next_health = clock::now() + settings_.health_interval;
            // What the owner could not store meanwhile is offered again
            // (read_stored skips any a drain has reported since).
            to_read_.insert(to_read_.end(), not_stored_.begin(), not_stored_.end());
            not_stored_.clear();
            to_delete_.insert(to_delete_.end(), std::make_move_iterator(delete_later_.begin()),
                              std::make_move_iterator(delete_later_.end()));
            delete_later_.clear();
            continue;
        }
        const auto until = std::min(next_health, next_drain);
        if (!co_await sleep(std::chrono::duration_cast<std::chrono::milliseconds>(until - now) +
                            1ms))
            co_return Exit::stopped;
    }
}

bool Modem::Impl::reopen(const std::string& path) {
    close_port();
    std::string detail;
    const SerialOptions options{settings_.baud,
                                settings_.rtscts ? FlowControl::rtscts : FlowControl::none};
    if (port_->open(path, options, &detail)) {
        spdlog::warn("{} cannot re-open {}: {}", log_name(), path, detail);
        return false;
    }
    gone_.clear();
    engine_->attach(port_->stream(), AtEngine::FirstCommand::after_sync);
    return true;
}

awaitable<bool> Modem::Impl::answered_after_recovery() {
    hang_.clear();
    const bool ok = co_await responds();
    hang_.clear();
    co_return ok;
}

// The hang ladder. Each rung is logged; the first that gets an OK to AT wins and
// the lifecycle identifies the modem again (a reboot may have reset its settings).
awaitable<Exit> Modem::Impl::recover(std::string why) {
    set_state(ModemState::recovering, why);
    in_recovery_ = true;
    const std::string path = status_.port;
    spdlog::warn("{} recovery 1/3: ESC and AT", log_name());
    if (!gone_.empty()) co_return Exit::gone;
    if (co_await answered_after_recovery()) {
        spdlog::warn("{} recovery 1/3: the modem answers again", log_name());
        co_return Exit::ok;
    }
    if (stopping_) co_return Exit::stopped;
    if (!gone_.empty()) co_return Exit::gone;

    spdlog::warn("{} recovery 2/3: re-opening {}", log_name(), path);
    if (reopen(path) && co_await answered_after_recovery()) {
        spdlog::warn("{} recovery 2/3: the modem answers after the re-open", log_name());
        co_return Exit::ok;
    }
    if (stopping_) co_return Exit::stopped;

    spdlog::warn("{} recovery 3/3: AT+CFUN=1,1 (modem reset)", log_name());
    if (port_->is_open() && gone_.empty()) {
        // A fresh Session: the reset must not queue behind a resync.
        engine_->attach(port_->stream(), AtEngine::FirstCommand::at_once);
        engine_->write_raw(esc);
        (void)co_await cmd("AT+CFUN=1,1");
        hang_.clear();
    }
    // URCs may wake sleep(): sleep until the deadline all the same.
    const auto rebooted = std::chrono::steady_clock::now() + settings_.reboot_wait;
    for (auto now = std::chrono::steady_clock::now(); now < rebooted;
         now = std::chrono::steady_clock::now())
        if (!co_await sleep(std::chrono::duration_cast<std::chrono::milliseconds>(rebooted - now) +
                            1ms))
            co_return Exit::stopped;
    if (reopen(path) && co_await answered_after_recovery()) {
        spdlog::warn("{} recovery 3/3: the modem answers after the reset", log_name());
        co_return Exit::ok;
    }
    set_error("unresponsive", "no answer to AT after ESC, a port re-open and AT+CFUN=1,1");
    co_return Exit::hang;
}

}  // namespace smsgw::drivers
