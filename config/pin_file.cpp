#include "config/pin_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace smsgw::config {

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string pin_problem(std::string_view pin) {
    const bool digits = all_digits(pin);
    if (digits && pin.size() >= 4 && pin.size() <= 8) return {};
    return "expected a PIN of 4 to 8 digits, found " + std::to_string(pin.size()) + " characters" +
           (digits || pin.empty() ? "" : " that are not all digits");
}

PinFile read_pin_file(const std::string& path) {
    PinFile out;
    std::ifstream in(path);
    if (!in) {
        const int err = errno;
        out.unreadable = true;
        out.problem = "cannot read pin_file " + path + ": " + std::strerror(err);
        return out;
    }
    std::stringstream content;
    content << in.rdbuf();
    std::string pin = content.str();
    const auto first = pin.find_first_not_of(" \t\r\n");
    const auto last = pin.find_last_not_of(" \t\r\n");
    pin = first == std::string::npos ? std::string() : pin.substr(first, last - first + 1);
    if (pin.empty()) {
        out.problem = "pin_file " + path + " is empty: expected a PIN of 4 to 8 digits";
        return out;
    }
    if (const std::string problem = pin_problem(pin); !problem.empty()) {
        out.problem = "pin_file " + path + ": " + problem +
                      " (the SIM is not tried with it: three wrong PINs lock it)";
        return out;
    }
    out.pin = std::move(pin);
    return out;
}

}  // namespace smsgw::config
