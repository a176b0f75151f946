// Segmentation for concatenated SMS, TS 23.040 §9.2.3.24.1 and TS 23.038 §6.1.2.
#include "pdu/segmenter.hpp"

#include <algorithm>

#include "pdu/gsm7.hpp"
#include "pdu/text_codec.hpp"
#include "pdu/user_data_header.hpp"

namespace smsgw::pdu {

int segment_capacity(Alphabet alphabet, bool concatenated, bool reference_16bit) {
    const int udh = concatenated ? concat_udh_octets(reference_16bit) : 0;
    switch (alphabet) {
        case Alphabet::gsm7: return (140 - udh) * 8 / 7;  // 160, 153, 152
        case Alphabet::ucs2: return (140 - udh) / 2;      // 70, 67, 66
        case Alphabet::eight_bit: return 140 - udh;       // 140, 134, 133
    }
    return 0;
}

int char_units(Alphabet alphabet, char32_t cp) {
    switch (alphabet) {
        case Alphabet::gsm7: {
            const int units = gsm7_lookup(cp).units();
            return units ? units : 1;  // unrepresentable characters are sent as '?'
        }
        case Alphabet::ucs2: return utf16_units(cp);
        case Alphabet::eight_bit: return 1;
    }
    return 1;
}

bool fits_gsm7(std::u32string_view text) {
    for (const char32_t cp : text)
        if (!gsm7_representable(cp)) return false;
    return true;
}

std::vector<Segment> plan_segments(std::u32string_view text, Alphabet alphabet, bool reference_16bit) {
    int total = 0;
    for (const char32_t cp : text) total += char_units(alphabet, cp);
    std::vector<Segment> segments;
    if (total <= segment_capacity(alphabet, false)) {
        segments.push_back({0, text.size(), total});
        return segments;
    }
    // Greedy fill: a character that does not fit whole (escape pair, surrogate
    // pair) starts the next segment, so neither is ever split.
    const int capacity = segment_capacity(alphabet, true, reference_16bit);
    Segment current;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const int units = char_units(alphabet, text[i]);
        if (current.units + units > capacity) {
            current.end = i;
            segments.push_back(current);
            current = Segment{i, i, 0};
        }
        current.units += units;
    }
    current.end = text.size();
    segments.push_back(current);
    return segments;
}

namespace {

// Greedy split of `count` units: a part ends early when its last unit would
// be the first half of a pair (`starts_pair(i)`), so pairs are never split.
template <typename StartsPair>
std::vector<UnitRange> split_units(std::size_t count, int single_capacity, int capacity, StartsPair&& starts_pair) {
    std::vector<UnitRange> parts;
    if (count <= static_cast<std::size_t>(single_capacity)) {
        parts.push_back({0, count});
        return parts;
    }
    std::size_t begin = 0;
    while (begin < count) {
        std::size_t end = std::min(count, begin + static_cast<std::size_t>(capacity));
        if (end < count && starts_pair(end - 1)) --end;
        parts.push_back({begin, end});
        begin = end;
    }
    return parts;
}

}  // namespace

std::vector<UnitRange> split_septets(std::span<const std::uint8_t> septets, bool reference_16bit) {
    // Escapes come in pairs; a part boundary after an escape prefix would split
    // one (TS 23.038 §6.2.1.1), and a receiver would show a space and the
    // escaped septet's default-table character.
    return split_units(septets.size(), segment_capacity(Alphabet::gsm7, false),
                       segment_capacity(Alphabet::gsm7, true, reference_16bit),
                       [&](std::size_t i) { return ends_in_escape(septets.first(i + 1)); });
}

std::vector<UnitRange> split_utf16(std::span<const std::uint16_t> units, bool reference_16bit) {
    return split_units(units.size(), segment_capacity(Alphabet::ucs2, false),
                       segment_capacity(Alphabet::ucs2, true, reference_16bit),
                       [&](std::size_t i) { return units[i] >= 0xD800 && units[i] <= 0xDBFF; });
}

}  // namespace smsgw::pdu
