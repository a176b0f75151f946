// Text ↔ user-data units: GSM-7 septets (default alphabet, extension table and,
// when receiving, the national shift tables of TS 23.038 §6.2.1.2) and UCS-2 /
// UTF-16BE (TS 23.038 §6.2.3, surrogate pairs included).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smsgw::pdu {

// Appends the septets of `text` (every character must be GSM-7 representable;
// characters that are not are written as '?').
void gsm7_encode_text(std::u32string_view text, std::vector<std::uint8_t>& septets);

// The one-pass path for outbound text: appends the septets of UTF-8 `text`
// and returns true, or returns false (leaving `septets` in an unspecified
// state) when the text is not valid UTF-8 or has a character outside GSM-7.
bool utf8_to_gsm7(std::string_view text, std::vector<std::uint8_t>& septets);

// Appends the UTF-8 text of `septets`. `locking_shift`/`single_shift` are
// national language ids from the UDH (0 = default tables). An escape followed
// by a code the extension table does not define is shown as a space followed
// by the default-table character, so nothing the sender typed disappears.
void gsm7_decode_text(std::span<const std::uint8_t> septets, std::string& out,
                      std::uint8_t locking_shift = 0, std::uint8_t single_shift = 0);

// Whether `septets` end with an escape (0x1B) that escapes nothing yet: the
// last of an odd run of escapes, since within a run prefixes and escaped
// septets alternate (TS 23.038 §6.2.1.1).
bool ends_in_escape(std::span<const std::uint8_t> septets);

// Appends UTF-16BE octets of `text`.
void ucs2_encode_text(std::u32string_view text, std::vector<std::uint8_t>& octets);

// Appends the UTF-8 text of UTF-16BE `octets` (an even count). A lone
// surrogate, which UTF-8 cannot carry, is shown as U+FFFD.
void ucs2_decode_text(std::span<const std::uint8_t> octets, std::string& out);

// UTF-16 code units a code point takes (2 for a surrogate pair).
inline int utf16_units(char32_t cp) { return cp > 0xFFFF ? 2 : 1; }

}  // namespace smsgw::pdu
