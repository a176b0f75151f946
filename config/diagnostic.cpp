// Formatting of config problems in the compiler style editors and CI logs
// understand: `file:line:column: key.path: message`.
#include "config/diagnostic.hpp"

namespace smsgw::config {

std::string Diagnostic::to_string() const {
    std::string out = file;
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    out += ": ";
    if (!path.empty()) out += path + ": ";
    out += message;
    return out;
}

std::string to_string(const std::vector<Diagnostic>& diagnostics) {
    std::string out;
    for (const Diagnostic& d : diagnostics) out += d.to_string() + "\n";
    return out;
}

}  // namespace smsgw::config
