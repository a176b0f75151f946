// Output shared by the modem commands of smsgw-diag: a plain text table for
// people (columns sized to their widest cell, the last column never cut) and
// the switch that shows every AT exchange of the engine on stderr.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace smsgw::diag {

class TextTable {
  public:
    explicit TextTable(std::vector<std::string> header);
    void add(std::vector<std::string> row);
    void print(std::ostream& out) const;

  private:
    std::vector<std::vector<std::string>> rows_;
};

// Logs go to stderr (stdout is for results); `verbose` shows the AT engine's
// debug lines: every write, reply and state change, PINs masked.
void set_verbose(bool verbose);

// Calls `observer` with every debug line of the AT engine (at::trace_line
// form), whatever the verbosity; null stops it. Set before the engine runs.
void on_engine_trace(std::function<void(std::string_view)> observer);

}  // namespace smsgw::diag
