// Splitting a text into SMS segments (TS 23.040 §9.2.3.24.1 concatenation):
// 160/153 septets for GSM-7 (152 with a 16-bit reference), 70/67 UTF-16 units
// for UCS-2 (66), 140/134 octets for 8-bit. An escape pair and a surrogate pair
// are never split across parts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "pdu/data_coding.hpp"

namespace smsgw::pdu {

// Capacity of one segment in units of the alphabet (septets, UTF-16 units, octets).
int segment_capacity(Alphabet alphabet, bool concatenated, bool reference_16bit = false);

// Units a character takes: septets (1 or 2) for GSM-7, UTF-16 units (1 or 2) for UCS-2.
int char_units(Alphabet alphabet, char32_t cp);

struct Segment {
    std::size_t begin = 0;  // code point index of the first character
    std::size_t end = 0;    // one past the last
    int units = 0;          // septets / UTF-16 units used
};

// Plans the segments of `text` in `alphabet` (which must be able to carry it).
// One segment without a UDH when the text fits, else concatenated segments.
std::vector<Segment> plan_segments(std::u32string_view text, Alphabet alphabet,
                                   bool reference_16bit = false);

// A part as a range of already-encoded units (septets or UTF-16 code units).
struct UnitRange {
    std::size_t begin = 0;
    std::size_t end = 0;
};

// Splits encoded GSM-7 septets into parts; an escape (0x1B) and the septet it
// escapes stay together.
std::vector<UnitRange> split_septets(std::span<const std::uint8_t> septets, bool reference_16bit = false);

// Splits UTF-16 code units into parts; a surrogate pair stays together.
std::vector<UnitRange> split_utf16(std::span<const std::uint16_t> units, bool reference_16bit = false);

// Whether every character fits the GSM-7 default alphabet + extension table.
bool fits_gsm7(std::u32string_view text);

}  // namespace smsgw::pdu
