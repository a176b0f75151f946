// What a text will cost before it is sent: the encoding it needs, the segment
// count, units used and left in the last segment, each character that forces
// UCS-2, and the transliterated GSM-7 alternative with its own count.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "pdu/data_coding.hpp"
#include "pdu/expected.hpp"

namespace smsgw::pdu {

struct SegmentCount {
    Alphabet encoding = Alphabet::gsm7;
    int segments = 0;
    int units = 0;            // total septets / UTF-16 units of the text
    int units_per_segment = 0;  // capacity of each segment (160, 153, 70, 67)
    int units_left = 0;       // free units in the last segment
};

struct ForcingCharacter {
    std::string character;  // UTF-8
    std::size_t position = 0;  // 0-based code point index in the composed text
};

struct Preview {
    SegmentCount count;
    std::vector<ForcingCharacter> ucs2_characters;  // empty when GSM-7 fits
    std::string transliterated;                   // GSM-7 alternative (UTF-8)
    SegmentCount transliterated_count;
};

// Counts `text` in `alphabet` (which must be able to carry it).
SegmentCount count_segments(std::u32string_view text, Alphabet alphabet);

// Preview for a UTF-8 text with the requested encoding; the error names the
// byte offset of invalid UTF-8 or the first character GSM-7 cannot carry. The
// text is composed first (compose.hpp), as encode_submit sends it: counts,
// forcing characters and the transliteration are those of the composed text.
Expected<Preview, std::string> preview_text(std::string_view text,
                                            Encoding requested = Encoding::automatic);

}  // namespace smsgw::pdu
