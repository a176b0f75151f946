// The probe's judgements, pure: the lines a modem answered go in, one checklist
// row comes out (status, the value a technician reads, and what to do about
// it). No I/O here, so every verdict can be tested from pasted replies; the
// order the checks run in, and why each is there, is the table in probe_command.cpp.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/at/action.hpp"
#include "drivers/at/network_replies.hpp"
#include "drivers/at/quirks.hpp"
#include "drivers/at/sim_replies.hpp"

namespace smsgw::diag {

enum class Status { ok, warn, fail, skip };
std::string_view to_string(Status s);  // "OK", "WARN", "FAIL", "SKIP"

struct Check {
    std::string item;
    Status status = Status::ok;
    std::string value;
    std::string hint;
};

// Signal below this is WARN: SMS still works, but retries and losses start.
constexpr int weak_signal_dbm = -95;

// The answer to one command: its information lines and final result.
struct Answer {
    std::vector<std::string> lines;
    at::Final final;
    bool ok() const { return final.outcome == at::Outcome::ok; }
};

// Each takes the answers of the commands its row sends, in order.
Check judge_identity(const Answer& cgmi, const Answer& cgmm, const Answer& cgmr);
Check judge_imei(const Answer& cgsn);
Check judge_sim_identity(const Answer& cimi, const Answer& iccid);
Check judge_registration(const std::optional<at::Registration>& reg, const Answer& creg);
Check judge_operator(const Answer& cops, bool registered);
// `registered`: the registration step found the modem on a network, so an
// unknown signal (rssi 99) is a modem not reporting it (common on LTE), not
// a dead antenna.
Check judge_signal(const Answer& csq, bool registered);
Check judge_smsc(const Answer& csca);
Check judge_storage(const Answer& cpms);
Check judge_pdu_mode(const Answer& cmgf_test);
Check judge_cnmi(const Answer& cnmi_test, std::span<const at::AtStep> candidates);

// What the SIM wants, and the attempts left, as +CPIN? and the vendor's
// attempts command answered; `pin_given` says whether --pin was passed.
struct SimState {
    std::optional<at::PinState> state;  // nullopt: +CPIN? failed (see `cpin`)
    std::optional<at::PinRetries> retries;
    at::Final cpin;  // the final result of +CPIN? (SIM missing arrives as +CME ERROR 10)
};
std::string describe_sim(const SimState& sim);
// The verdict when nothing more is to be done: READY, SIM missing, PUK, a
// PIN wanted but not given, device locks.
Check judge_sim(const SimState& sim, bool pin_given, bool pin_was_entered);
// After AT+CPIN=<pin> failed: wrong PIN with the attempts now left, or the PUK.
Check judge_wrong_pin(const SimState& after, const at::Final& cpin_set);
// True when entering a PIN could burn the last attempt.
bool last_pin_attempt(const SimState& sim);

}  // namespace smsgw::diag
