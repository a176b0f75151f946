// Character-level helpers shared by the lexer and the reply parsers. Modems answer
// in ASCII with arbitrary case, stray spaces and the odd NUL; these functions keep
// that tolerance in one place so each parser can stay a short, spec-shaped function.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smsgw::at {

std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
bool is_hex_digit(char c);
bool is_hex(std::string_view s);     // non-empty, hex digits only
bool is_digits(std::string_view s);  // non-empty, decimal digits only
std::string to_upper(std::string_view s);
// Without spaces: "+CNMI: 2,1,0,2,0" and "+CNMI:2, 1,0,2,0" compare equal.
std::string without_spaces(std::string_view s);

// Lower-case letters and digits only: "SIM not inserted" and "SIM_NOT-INSERTED"
// both become "simnotinserted" (verbose +CME ERROR texts vary in case and spacing).
std::string normalize_words(std::string_view s);

// Decimal integer, optionally quoted and padded with spaces; rejects overflow.
std::optional<long> to_long(std::string_view s);
// Hexadecimal integer (lac/ci in +CREG), optionally quoted, up to 32 bits.
std::optional<unsigned long> to_hex_ulong(std::string_view s);

}  // namespace smsgw::at

namespace smsgw::at {
// C escapes for logs and transcripts: \r \n \t \\ \" and \xHH for other bytes
// outside printable ASCII, so a trace line never carries raw control bytes.
std::string c_escape(std::string_view bytes);
}  // namespace smsgw::at
