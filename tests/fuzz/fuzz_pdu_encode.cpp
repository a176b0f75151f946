// libFuzzer target for the encoder on arbitrary text (the bytes taken as UTF-8),
// decomposed accents above all. Composing (pdu/compose.hpp) must be idempotent,
// never lengthen the text, leave each run of marks in canonical order, and give
// the same on code points and on UTF-8. encode_submit must send exactly the
// composed text (encode → decode), in GSM-7 exactly when the composed text fits
// it, and agree with preview_text on the encoding and the part count; invalid
// UTF-8 is refused, never composed. Transliteration composes first (so the text
// and its composed form transliterate alike) and always yields GSM-7.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "pdu/compose.hpp"
#include "pdu/pdu_codec.hpp"
#include "pdu/preview.hpp"
#include "pdu/segmenter.hpp"
#include "pdu/transliterate.hpp"
#include "pdu/utf8.hpp"

using namespace smsgw::pdu;

namespace {

void check_composition(const std::string& text, const std::u32string& code_points,
                       std::u32string& once) {
    once = code_points;
    compose_canonical(once);
    if (once.size() > code_points.size()) std::abort();
    std::u32string twice = once;
    if (compose_canonical(twice) || twice != once) std::abort();
    for (std::size_t i = 1; i < once.size(); ++i) {
        const auto a = combining_class(once[i - 1]);
        const auto b = combining_class(once[i]);
        if (a != 0 && b != 0 && a > b) std::abort();  // a run of marks out of canonical order
    }
    std::string utf8 = text;
    compose_canonical_utf8(utf8);
    if (utf8 != utf8_encode(once) || utf8.size() > text.size()) std::abort();
}

void check_encoding(const std::string& text, const std::u32string& composed) {
    const auto encoded = encode_submit("+4917012345678", text);
    if (!encoded) std::abort();  // at most 4096 bytes: always fits 255 parts
    if ((encoded->alphabet == Alphabet::gsm7) != fits_gsm7(composed)) std::abort();
    std::string joined;
    for (const auto& part : encoded->parts) {
        const auto back = decode_pdu(part.hex);
        if (!back) std::abort();
        joined += std::get<SmsSubmit>(back->tpdu).user_data.text;
    }
    if (joined != utf8_encode(composed)) std::abort();
    const auto preview = preview_text(text);
    if (!preview || preview->count.encoding != encoded->alphabet ||
        preview->count.segments != static_cast<int>(encoded->parts.size()))
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::u32string code_points;
    if (utf8_decode(text, code_points)) {
        std::string untouched = text;
        if (compose_canonical_utf8(untouched) || untouched != text) std::abort();
        const auto refused = encode_submit("+4917012345678", text);
        if (refused || refused.error().code != EncodeErrorCode::invalid_text) std::abort();
        return 0;
    }
    std::u32string composed;
    check_composition(text, code_points, composed);
    if (!text.empty()) check_encoding(text, composed);
    const std::u32string transliterated = transliterate_to_gsm7(code_points);
    if (!fits_gsm7(transliterated) || transliterated != transliterate_to_gsm7(composed))
        std::abort();
    return 0;
}
