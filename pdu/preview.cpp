// Segment and cost preview of a text, with the transliterated GSM-7 alternative.
#include "pdu/preview.hpp"

#include "pdu/compose.hpp"
#include "pdu/gsm7.hpp"
#include "pdu/segmenter.hpp"
#include "pdu/transliterate.hpp"
#include "pdu/utf8.hpp"

namespace smsgw::pdu {

SegmentCount count_segments(std::u32string_view text, Alphabet alphabet) {
    SegmentCount c;
    c.encoding = alphabet;
    const auto segments = plan_segments(text, alphabet);
    for (const auto& s : segments) c.units += s.units;
    c.segments = static_cast<int>(segments.size());
    c.units_per_segment = segment_capacity(alphabet, segments.size() > 1);
    c.units_left = c.units_per_segment - segments.back().units;
    return c;
}

Expected<Preview, std::string> preview_text(std::string_view text, Encoding requested) {
    std::u32string cps;
    if (auto bad = utf8_decode(text, cps)) return unexpected(bad->message);
    compose_canonical(cps);
    Preview p;
    for (std::size_t i = 0; i < cps.size(); ++i) {
        if (!gsm7_representable(cps[i])) p.ucs2_characters.push_back({utf8_encode(cps.substr(i, 1)), i});
    }
    if (requested == Encoding::gsm7 && !p.ucs2_characters.empty()) {
        const auto& first = p.ucs2_characters.front();
        return unexpected("character '" + first.character + "' at position " + std::to_string(first.position) +
                          " is not in the GSM 7-bit alphabet");
    }
    const bool ucs2 = requested == Encoding::ucs2 || !p.ucs2_characters.empty();
    p.count = count_segments(cps, ucs2 ? Alphabet::ucs2 : Alphabet::gsm7);
    const std::u32string alternative = transliterate_to_gsm7(cps);
    p.transliterated = utf8_encode(alternative);
    p.transliterated_count = count_segments(alternative, Alphabet::gsm7);
    return p;
}

}  // namespace smsgw::pdu
