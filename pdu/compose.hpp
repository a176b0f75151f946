// Canonical composition (the "C" of Unicode NFC, UAX #15) of the letters
// smsgw's alphabets deal with. Text in decomposed form — "Cafe" + U+0301 COMBINING
// ACUTE ACCENT, as macOS and some apps write accents — has a character outside
// GSM-7 and so needs UCS-2 (70 characters per SMS instead of 160), although its
// composed form "Café", canonically equivalent and shown the same, is all GSM-7.
// The encoder, the preview and transliteration therefore compose first. The pairs
// come from the Unicode Character Database (pdu/compose_table.py); a mark with
// no composite is kept as it is, and then the text needs UCS-2 as before.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace smsgw::pdu {

// One canonical decomposition mapping of two code points (UnicodeData.txt).
struct CompositionPair {
    char16_t base;       // a starter (canonical combining class 0)
    char16_t mark;       // a combining mark of U+0300..U+036F
    char16_t composite;  // NFC of base + mark
};

// The table, sorted by base then mark (for tests and tools).
std::span<const CompositionPair> composition_pairs();

// Canonical combining class of `cp` as far as this file knows it: the real one
// for the Combining Diacritical Marks U+0300..U+036F, where every mark of the
// table's pairs lies, and 0 for everything else. A mark of another block
// (U+1DC0.., U+20D0..) thus counts as a starter: nothing composes across it or
// moves past it, which keeps the text canonically equivalent, only less composed.
std::uint8_t combining_class(char32_t cp);

// The composite of `base` followed by `mark`, or 0 when the table has none.
char32_t compose_pair(char32_t base, char32_t mark);

// Whether `text` has a combining mark this file knows (class above 0), i.e.
// whether compose_canonical could change it.
bool has_combining_marks(std::u32string_view text);

// Composes `text` in place: each run of known combining marks is put in
// canonical order (stable by class: the Unicode Standard §3.11, Canonical
// Ordering Algorithm), then a mark joins the last starter before it when the
// pair has a composite and no mark of the same or a higher class stands between
// them (§3.11, Canonical Composition Algorithm: the mark is not "blocked"). A text
// that starts with a mark keeps it. Precomposed input is not decomposed first
// (full NFC would, and could then come out longer, e.g. ǖ + U+0323 → ụ + two
// marks): the result never has more code points than the input, a second call
// changes nothing, and it is canonically equivalent to the input. Returns
// whether it changed the text. Allocates nothing unless a run of marks is out
// of order; a text without marks is only scanned.
bool compose_canonical(std::u32string& text);

// The same for UTF-8. A text with no lead byte of U+0300..U+037F (0xCC, 0xCD)
// is only scanned; invalid UTF-8 is left as it is for the encoder to report.
bool compose_canonical_utf8(std::string& text);

}  // namespace smsgw::pdu
