// Shared AT sequences of smsgw-diag; see modem_steps.hpp.
#include "tools/diag/modem_steps.hpp"

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
    auto text = [](const Answer& a) { return a.ok() && !a.lines.empty() ? a.lines.front() : std::string(); };
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

awaitable<Unlock> unlock_sim(PortLink& link, const at::Quirks& quirks, const std::optional<std::string>& pin,
                             bool force, std::chrono::seconds wait) {
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

}  // namespace smsgw::diag
