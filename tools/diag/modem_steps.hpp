// The AT sequences that more than one smsgw-diag command needs: asking with
// the answer in the judges' form, waiting between polls of a state that
// changes by itself (always under a deadline), choosing the vendor quirks
// from +CGMI/+CGMM as the daemon does, reading the SIM lock with its tries
// left, and entering a PIN without ever burning the last try unasked.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "drivers/at/quirks.hpp"
#include "tools/diag/port_link.hpp"
#include "tools/diag/probe_checks.hpp"

namespace CLI {
class App;
}

namespace smsgw::diag {

awaitable<Answer> ask(PortLink& link, std::string text, at::Millis timeout = at::Millis{0});
awaitable<void> pause(at::Millis d);

// Echo off and numeric errors: answers read the same on every modem and
// failures map onto the error table (the daemon sets both too).
awaitable<void> set_up_session(PortLink& link);

// +CGMI/+CGMM → the quirk row; the engine takes its session settings (vendor
// +CMS codes, noise, prompt delay). The answers are returned for the caller's judge.
struct Identity {
    Answer cgmi, cgmm;
    const at::Quirks* quirks = &at::generic_quirks();
};
awaitable<Identity> identify(PortLink& link);

// +CPIN? (polled while the SIM starts, up to `wait`) and the vendor's tries-left command.
awaitable<SimState> read_sim(PortLink& link, const at::Quirks& quirks, std::chrono::seconds wait);

// What came of offering a PIN.
struct Unlock {
    SimState sim;                       // the state afterwards
    bool entered = false;               // AT+CPIN=<pin> was sent and accepted
    bool refused_last_try = false;      // not sent: one try left and no --force
    std::optional<at::Final> rejected;  // sent and refused: its final result
};
// Enters `pin` when the SIM asks for one (not with one try left unless
// `force`), then waits (up to `wait`) for READY.
awaitable<Unlock> unlock_sim(PortLink& link, const at::Quirks& quirks,
                             const std::optional<std::string>& pin, bool force,
                             std::chrono::seconds wait);

// The best of +CREG/+CEREG/+CGREG (LTE-only modems register, and carry SMS,
// in the EPS domain and may leave +CREG at "not registered"), polled while
// the modem searches — or, `just_unlocked`, has not begun yet — up to `wait`.
struct RegistrationRead {
    std::optional<at::Registration> registration;
    Answer answer;  // the +CREG? answer, for the judge's failure text
};
awaitable<RegistrationRead> wait_registration(PortLink& link, bool just_unlocked,
                                              std::chrono::seconds wait);

// The options every command that works a modem takes: --baud, --pin,
// --force, --wait, -v.
struct ModemOptions {
    int baud = 115200;
    std::optional<std::string> pin;
    bool force = false;
    int wait_seconds = 15;
    bool verbose = false;
};
void add_modem_options(CLI::App& cmd, ModemOptions& options);

}  // namespace smsgw::diag
