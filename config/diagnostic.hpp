// One problem found in a config file, located so an operator can go straight to
// it: file, line and column (1-based), the key path (`modems[1].baud`) and what
// was expected versus found. Loading collects all of them, not just the first,
// so one `smsgwd --check` run shows everything to fix.
#pragma once

#include <string>
#include <vector>

namespace smsgw::config {

struct Diagnostic {
    std::string file;
    int line = 0;  // 0: the file as a whole (unreadable, say)
    int column = 0;
    std::string path;  // empty: not about one key (a YAML syntax error)
    std::string message;

    // "file:line:column: path: message", leaving out what is unknown.
    std::string to_string() const;
};

std::string to_string(const std::vector<Diagnostic>& diagnostics);  // one per line

}  // namespace smsgw::config
