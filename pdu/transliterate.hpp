// Transliteration to the GSM 7-bit alphabet: an optional step that turns a text
// needing UCS-2 (70 characters per SMS) into one that fits GSM-7 (160), e.g.
// Polish "zażółć" → "zazolc", Romanian "ș" → "s", smart quotes → ", Greek small
// letters → the Greek capitals that GSM-7 has. A real table, one row per
// character, covering Latin-1/Extended-A/B, Greek, Cyrillic and punctuation.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smsgw::pdu {

// The GSM-7-representable replacement for one code point (UTF-8, possibly
// several characters, e.g. "ß" → "ss", "…" → "..."), or nullopt when the
// table has no row for it. Characters already in GSM-7 have no row.
std::optional<std::string_view> transliteration_of(char32_t cp);

// The transliterated text: decomposed accents are composed first (compose.hpp,
// so "e" + U+0301 is é and stays), then characters already in GSM-7 (default
// alphabet or extension table) are kept, the others replaced from the table,
// and any character with no row becomes '?'.
std::u32string transliterate_to_gsm7(std::u32string_view text);

}  // namespace smsgw::pdu
