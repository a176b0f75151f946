// Transcript; see transcript.hpp.
#include "tools/diag/transcript.hpp"

#include "tools/diag/output.hpp"

namespace smsgw::diag {

Transcript::Transcript(std::ostream* out, bool echo_commands)
    : out_(out), echo_commands_(echo_commands) {
    on_engine_trace([this](std::string_view l) { trace(l); });
}

Transcript::~Transcript() {
    on_engine_trace(nullptr);
}

void Transcript::line(std::string text) {
    if (out_) *out_ << text << std::endl;  // live: a send may wait seconds for the network
    lines_.push_back(std::move(text));
}

void Transcript::command(const at::Command& cmd) {
    if (echo_commands_) line("> " + at::shown_command(cmd));
    pdu_ = cmd.pdu.value_or("");
    prompted_ = false;
}

void Transcript::trace(std::string_view engine_line) {
    // at::trace_line of a Transition: "state <from> -> awaiting_send: PDU and Ctrl-Z written".
    if (pdu_.empty() || prompted_ ||
        engine_line.find(" -> awaiting_send") == std::string_view::npos)
        return;
    prompted_ = true;
    line("< > ");
    line("> " + pdu_ + "<Ctrl-Z>");
}

void Transcript::reply(const drivers::Reply& reply) {
    for (const auto& l : reply.lines) line("< " + l);
    if (!reply.final.line.empty())
        line("< " + reply.final.line);
    else
        line("! " + std::string(at::to_string(reply.final.outcome)) +
             (reply.final.reason.empty() ? "" : ": " + reply.final.reason));
    pdu_.clear();
}

void Transcript::urc(const at::Urc& urc) {
    for (const auto& l : urc.lines) line("< " + l + "   (unsolicited)");
}

}  // namespace smsgw::diag
