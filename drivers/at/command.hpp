// What the engine asks the Session to send: one AT command line, optionally with
// the PDU of the two-step TS 27.005 §3.5.1 exchange (AT+CMGS=<length>, wait for
// "> ", send <hex PDU><Ctrl-Z>). Time is injected by the caller as a steady-clock
// time point so that tests can drive the Session with a fake clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace smsgw::at {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Millis = std::chrono::milliseconds;

using CommandId = std::uint64_t;

struct Command {
    std::string text;   // "AT+CSQ", "AT+CMGS=23"; no trailing <CR>
    Millis timeout{0};  // 0: the timer table's default (T-command, or T-send with a PDU)
    std::optional<std::string> pdu;  // hex, SMSC field first; sent after the "> " prompt
    bool sensitive = false;          // a PIN/PUK: traces and logs show "AT+CPIN=****"
    // The modem was set up with its echo off and has answered without it: an
    // echo of this command means it restarted, back at its defaults (perhaps
    // in text mode, where AT+CMGS's length is taken for a number), so its
    // PDU is not written at the prompt.
    bool echo_off = false;
    // Asked when the command's turn comes, before it is written: a reason
    // completes it not_sent instead. What was true when it was queued may not
    // be by then: a command ahead of it may have found the modem restarted,
    // back at its defaults, or not answering.
    std::function<std::string()> hold;
};

// The command as logs may show it: arguments of a sensitive command are masked.
std::string shown_command(const Command& cmd);

}  // namespace smsgw::at
