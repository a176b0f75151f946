// A SIM PIN, inline (`pin:`) or kept in a file of its own (`pin_file:`), checked
// the same way before it reaches a SIM: three wrong PINs lock the SIM until its
// PUK is entered, so a value that cannot be a PIN is never tried. Neither
// function quotes the PIN: it is a secret.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smsgw::config {

// Whether `s` is decimal digits only, and not empty (a PIN, an IMEI, a
// number after its `+`).
bool all_digits(std::string_view s);

// Why `pin` is not a SIM PIN (TS 51.011 §9.3: 4 to 8 decimal digits), as
// "expected a PIN of 4 to 8 digits, found …"; empty when it is one.
std::string pin_problem(std::string_view pin);

// A pin_file read, its surrounding white space trimmed.
struct PinFile {
    std::optional<std::string> pin;  // set when the file holds a PIN
    bool unreadable = false;         // could not be opened or read
    std::string problem;             // why there is no PIN, naming the file
};
PinFile read_pin_file(const std::string& path);

}  // namespace smsgw::config
