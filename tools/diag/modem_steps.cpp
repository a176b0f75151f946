// Shared AT sequences of smsgw-diag; see modem_steps.hpp.
#include "tools/diag/modem_steps.hpp"

#include <CLI/CLI.hpp>

namespace smsgw::diag {

using namespace std::chrono_literals;

awaitable<Answer> ask(PortLink& link, std::string text, at::Millis timeout) {
    auto reply = co_await link.ask(std::move(text), timeout);
    co_return Answer{std::move(reply.lines), std::move(reply.final)};
}

awaitable<void> pause(at::Millis d) {
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    co_await timer.async_wait(asio::use_awaitable);
}

awaitable<void> set_up_session(PortLink& link) {
    co_await ask(link, "ATE0");
    co_await ask(link, "AT+CMEE=1");
}

awaitable<Identity> identify(PortLink& link) {
    Identity id;
    id.cgmi = co_await ask(link, "AT+CGMI");
    id.cgmm = co_await ask(link, "AT+CGMM");
    auto text = [](const Answer& a) {
        return a.ok() && !a.lines.empty() ? a.lines.front() : std::string();
    };
    id.quirks = &at::find_quirks(text(id.cgmi), text(id.cgmm));
    link.engine().set_config(at::session_config(*id.quirks));
    co_return id;
}

awaitable<SimState> read_sim(PortLink& link, const at::Quirks& quirks, std::chrono::seconds wait) {
    SimState s;
    // A SIM that is still starting answers "SIM busy" or "NOT READY" for a few seconds.
    const auto deadline = at::Clock::now() + wait;
    for (;;) {
        auto a = co_await ask(link, "AT+CPIN?");
        s.cpin = a.final;
        s.state.reset();
        if (a.ok())
            for (const auto& l : a.lines)
                if (auto st = at::parse_cpin(l)) s.state = *st;
        const bool starting = s.state == at::PinState::not_ready ||
                              (a.final.error && a.final.error->entry().name == "sim_busy");
        if (!starting || at::Clock::now() >= deadline) break;
        co_await pause(500ms);
    }
    if (!quirks.pin_retries_command.empty()) {
        auto r = co_await ask(link, std::string(quirks.pin_retries_command));
        if (r.ok())
            if (auto parsed = at::parse_pin_retries(r.lines)) s.retries = *parsed;
    }
    co_return s;
}

awaitable<Unlock> unlock_sim(PortLink& link, const at::Quirks& quirks,
                             const std::optional<std::string>& pin, bool force,
                             std::chrono::seconds wait) {
    Unlock u;
    u.sim = co_await read_sim(link, quirks, wait);
    if (u.sim.state != at::PinState::sim_pin || !pin) co_return u;
    if (last_pin_attempt(u.sim) && !force) {
        u.refused_last_try = true;
        co_return u;
    }
    at::Command cmd;
    cmd.text = "AT+CPIN=\"" + *pin + "\"";
    cmd.sensitive = true;  // masked in every log and transcript
    auto reply = co_await link.ask(std::move(cmd));
    if (!reply.ok()) {
        u.rejected = reply.final;
        u.sim = co_await read_sim(link, quirks, wait);
        co_return u;
    }
    u.entered = true;
    // The SIM answers READY once it has checked the PIN; some take seconds.
    const auto deadline = at::Clock::now() + wait;
    for (;;) {
        u.sim = co_await read_sim(link, quirks, wait);
        if (u.sim.state == at::PinState::ready || at::Clock::now() >= deadline) break;
        co_await pause(500ms);
    }
    co_return u;
}

namespace {

awaitable<RegistrationRead> read_registration(PortLink& link) {
    RegistrationRead out;
    bool first = true;
    for (const char* cmd : {"AT+CREG?", "AT+CEREG?", "AT+CGREG?"}) {
        auto a = co_await ask(link, cmd);
        if (first) out.answer = a;
        first = false;
        if (!a.ok()) continue;
        auto& best = out.registration;
        for (const auto& l : a.lines)
            if (auto r = at::parse_registration(l))
                if (!best || (at::is_registered(r->status) && !at::is_registered(best->status)))
                    best = *r;
        if (best && at::is_registered(best->status)) break;
    }
    co_return out;
}

}  // namespace

awaitable<RegistrationRead> wait_registration(PortLink& link, bool just_unlocked,
                                              std::chrono::seconds wait) {
    auto read = co_await read_registration(link);
    const auto deadline = at::Clock::now() + wait;
    auto settling = [&] {
        const auto& r = read.registration;
        return r && (r->status == at::RegStatus::searching ||
                     (just_unlocked && r->status == at::RegStatus::not_registered));
    };
    while (settling() && at::Clock::now() < deadline) {
        co_await pause(1000ms);
        read = co_await read_registration(link);
    }
    co_return read;
}

void add_modem_options(CLI::App& cmd, ModemOptions& o) {
    cmd.add_option("--baud", o.baud, "line speed")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd.add_option("--pin", o.pin,
                   "SIM PIN to enter when the SIM asks for it (never with 1 try left)");
    cmd.add_flag("--force", o.force, "send --pin even when only one try is left");
    cmd.add_option("--wait", o.wait_seconds,
                   "seconds to wait for a starting SIM or a searching modem")
        ->capture_default_str()
        ->check(CLI::Range(0, 300));
    cmd.add_flag("-v,--verbose", o.verbose, "log every AT exchange of the engine to stderr");
}

}  // namespace smsgw::diag
