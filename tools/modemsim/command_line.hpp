// Splitting one AT command line (V.250 §5.2, what follows "AT" up to <CR>)
// into its commands: basic ones ("E0", "&F", "S7=50") run together, extended
// ones ("+CMGF=0", "^CURC=0") are separated by ';'. Written apart from
// drivers/at on purpose: the simulator must not share the client's parser.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smsgw::modemsim {

// ATX (action), AT+X? (query), AT+X=? (test), AT+X=<args> (set).
enum class CommandForm { action, query, test, set };

struct AtCommand {
    std::string name;  // upper case: "E", "&F", "S7", "+CMGS", "^CURC"
    CommandForm form = CommandForm::action;
    std::string args;  // set: the text after '='; basic commands: their digits
};

// The commands of a line given without its "AT" prefix; nullopt when the line
// is malformed (an unterminated string, a character that starts no command).
std::optional<std::vector<AtCommand>> split_command_line(std::string_view body);

// One parameter of a set command: `"SM"` is quoted, `1` is not, `,,` is empty.
struct AtArg {
    std::string text;
    bool quoted = false;
    bool empty() const { return text.empty() && !quoted; }
};

// Parameters separated by commas outside quotes; nullopt for an unterminated string.
std::optional<std::vector<AtArg>> split_args(std::string_view args);

// A decimal parameter; nullopt when empty, quoted or not a number.
std::optional<int> arg_int(const std::vector<AtArg>& args, std::size_t i);
// The first parameter of `args` when it is a number in [lo, hi]: the shape of
// every on/off and mode switch (AT+CMEE=2, AT+CREG=1, AT^CURC=0).
std::optional<int> first_int_in(std::string_view args, int lo, int hi);
// A string parameter (quoted or not); nullopt when absent.
std::optional<std::string> arg_string(const std::vector<AtArg>& args, std::size_t i);

}  // namespace smsgw::modemsim
