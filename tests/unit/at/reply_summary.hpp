// What the reply parsers make of a command's answer or a URC, as one line for the
// golden traces of the transcript replays: a parser change shows up as a diff.
// Test support; picks the parser by the command, as the modem lifecycle will.
#pragma once

#include <optional>
#include <string>

#include "drivers/at/action.hpp"

namespace smsgw::at::test {

// nullopt when no parser applies to this command or URC.
std::optional<std::string> summarize(const Complete& done);
std::optional<std::string> summarize(const Urc& urc);

}  // namespace smsgw::at::test
