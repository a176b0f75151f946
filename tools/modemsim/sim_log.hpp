// The simulator's own log: one line per event on stderr, quiet unless asked.
// Events (link up/down, a part sent, a message stored) always print; every AT
// line only with -v, since a benchmark would drown in them.
#pragma once

#include <iostream>
#include <string_view>

namespace smsgw::modemsim {

inline bool& log_verbose() {
    static bool verbose = false;
    return verbose;
}

inline void log_event(std::string_view line) { std::cerr << "modemsim: " << line << '\n'; }

inline void log_at(std::string_view direction, std::string_view line) {
    if (log_verbose()) std::cerr << "modemsim: " << direction << ' ' << line << '\n';
}

}  // namespace smsgw::modemsim
