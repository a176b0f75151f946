// Every AT exchange of a diag command as the technician should see it:
// "> AT+CMGS=23", "< > ", "> 0011…<Ctrl-Z>", "< +CMGS: 12", "< OK". Lines are
// printed as they happen (or kept for --json). Commands and replies come from
// PortLink; the moment the modem's "> " prompt arrived is read from the AT
// engine's own trace (the Session's switch to awaiting_send), so the prompt
// line is shown only when the modem really sent it.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "drivers/at/action.hpp"
#include "drivers/at_engine.hpp"

namespace smsgw::diag {

class Transcript {
  public:
    // `out` null: only keep the lines (for --json). Without `echo_commands`
    // the commands are not printed (a terminal user sees what they typed).
    explicit Transcript(std::ostream* out, bool echo_commands = true);
    ~Transcript();
    Transcript(const Transcript&) = delete;
    Transcript& operator=(const Transcript&) = delete;

    void command(const at::Command& cmd);
    void reply(const drivers::Reply& reply);
    void urc(const at::Urc& urc);
    const std::vector<std::string>& lines() const { return lines_; }

  private:
    void line(std::string text);
    void trace(std::string_view engine_line);

    std::ostream* out_;
    bool echo_commands_;
    std::vector<std::string> lines_;
    std::string pdu_;  // the PDU of the +CMGS in flight, shown after the prompt
    bool prompted_ = false;
};

}  // namespace smsgw::diag
