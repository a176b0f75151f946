// What the Session asks of its shell, in order: bytes to write, a command's result,
// an unsolicited result, a line nobody claimed, a state change to log. The shell
// performs Writes and hands the rest to whoever waits; nothing here is an error of
// the Session itself — a modem that says nothing sensible produces Stray lines and
// timeouts, never an exception.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "drivers/at/command.hpp"
#include "drivers/at/error_table.hpp"
#include "drivers/at/urc.hpp"

namespace smsgw::at {

enum class Outcome {
    ok,         // OK (or CONNECT)
    error,      // ERROR / +CME ERROR / +CMS ERROR / NO CARRIER …: `error` says which
    timeout,    // no final result in time; the session resynchronises before the next command
    uncertain,  // timeout after the PDU and Ctrl-Z: the network may have taken the SMS — never
                // resend silently
    not_sent,   // dropped before it was written (modem unresponsive, session reset)
    rejected,   // malformed command (control characters, PDU not hex); nothing was written
};
std::string_view to_string(Outcome o);

struct Final {
    Outcome outcome = Outcome::ok;
    std::string line;                 // the final result line as received; empty if none
    std::optional<ModemError> error;  // for Outcome::error
    std::string reason;               // for timeout / uncertain / not_sent / rejected, and
                                      // an AT+CMGS's late answer (ok, error): says so

    // A bare V.250 ERROR: refused with no +CME/+CMS code to say why.
    bool bare_error() const {
        return error && error->domain == ErrorDomain::v250 && error->entry().name == "error";
    }
};

enum class SessionState {
    idle,             // nothing in flight
    awaiting_reply,   // command written, collecting its lines until a final result
    awaiting_prompt,  // AT+CMGS=<len> written, waiting for "> "
    prompt_pause,     // prompt seen, waiting the vendor's delay before the PDU
    awaiting_send,    // PDU and Ctrl-Z written, waiting for +CMGS and the final result
    resync_quiet,     // after a timeout: waiting for the line to go quiet
    resync_probe,     // "AT" written; only its OK releases the queue
    resync_settle,    // the probe's OK came: the line must stay quiet before the queue goes
};
std::string_view to_string(SessionState s);

struct Write {
    std::string bytes;  // exactly what goes to the port
    std::string shown;  // printable, PIN masked: for logs and traces
};
struct Complete {
    CommandId id = 0;
    std::string command;             // shown form (masked)
    std::vector<std::string> lines;  // information lines, echo and URCs removed
    Final final;
    bool echoed = false;  // the modem repeated the command line (not a PDU): its echo is on
};
struct Urc {
    UrcKind kind;
    std::vector<std::string> lines;  // the URC line, and its PDU line for +CMT/+CDS/+CBM
    bool noise = false;              // vendor chatter the quirk table says to drop
};
struct Stray {
    std::string line;
    std::string why;
};
struct Transition {
    SessionState from;
    SessionState to;
    std::string why;
};

using Action = std::variant<Write, Complete, Urc, Stray, Transition>;

}  // namespace smsgw::at
