// Canonical composition of decomposed accents (pdu/compose.hpp): every GSM-7
// letter typed decomposed is sent as the GSM-7 letter, the table agrees with
// the Unicode standard's decomposition mappings, and what cannot compose stays
// as it was. Composing never lengthens a text and a second pass changes nothing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "pdu/compose.hpp"
#include "pdu/gsm7.hpp"
#include "pdu/pdu_codec.hpp"
#include "pdu/preview.hpp"
#include "pdu/transliterate.hpp"
#include "pdu/utf8.hpp"

using namespace smsgw::pdu;

namespace {

std::string composed(std::string_view utf8) {
    std::string text(utf8);
    compose_canonical_utf8(text);
    return text;
}

std::string translit(std::string_view utf8) {
    std::u32string cps;
    REQUIRE_FALSE(utf8_decode(utf8, cps).has_value());
    return utf8_encode(transliterate_to_gsm7(cps));
}

// The full decomposition of `cp` by the table itself (ǖ → ü + U+0304 → u +
// U+0308 + U+0304); a character that is no pair's composite stands for itself.
std::u32string decompose_by_table(char32_t cp) {
    const auto pairs = composition_pairs();
    const auto it = std::find_if(pairs.begin(), pairs.end(),
                                 [&](const CompositionPair& p) { return p.composite == cp; });
    if (it == pairs.end()) return std::u32string(1, cp);
    return decompose_by_table(it->base) + static_cast<char32_t>(it->mark);
}

// The text of every part of an SMS-SUBMIT, decoded again.
std::string sent_text(const EncodedMessage& m) {
    std::string joined;
    for (const auto& part : m.parts) {
        auto p = decode_pdu(part.hex);
        REQUIRE(p);
        joined += std::get<SmsSubmit>(p->tpdu).user_data.text;
    }
    return joined;
}

std::string hex_of(std::u32string_view text) {
    std::string out;
    for (const char32_t cp : text) {
        char buf[12];
        std::snprintf(buf, sizeof buf, "U+%04X ", static_cast<unsigned>(cp));
        out += buf;
    }
    return out;
}

}  // namespace

TEST_CASE("every GSM-7 letter with a decomposition is sent as GSM-7 when typed decomposed",
          "[compose]") {
    std::u32string alphabet;
    for (unsigned s = 0; s < 128; ++s)
        if (s != kGsm7Escape) alphabet.push_back(gsm7_default_char(static_cast<std::uint8_t>(s)));
    for (unsigned s = 0; s < 128; ++s)
        if (const char32_t cp = gsm7_extension_char(static_cast<std::uint8_t>(s)))
            alphabet.push_back(cp);
    std::u32string letters;
    for (const char32_t letter : alphabet) {
        const std::u32string decomposed = decompose_by_table(letter);
        if (decomposed.size() == 1) continue;
        letters.push_back(letter);
        INFO(utf8_encode(std::u32string(1, letter)) << " typed as " << hex_of(decomposed));
        std::u32string text = decomposed;
        CHECK(compose_canonical(text));
        CHECK(text == std::u32string(1, letter));

        const std::string utf8 = "x" + utf8_encode(decomposed) + "y";
        const auto p = preview_text(utf8);
        REQUIRE(p);
        CHECK(p->count.encoding == Alphabet::gsm7);
        CHECK(p->count.units == 3);
        CHECK(p->ucs2_characters.empty());
        const auto m = encode_submit("+4917012345678", utf8);
        REQUIRE(m);
        CHECK(m->alphabet == Alphabet::gsm7);
        CHECK(sent_text(*m) == "x" + utf8_encode(std::u32string(1, letter)) + "y");
        CHECK(translit(utf8) == sent_text(*m));
    }
    // The letters of TS 23.038's default alphabet with a canonical decomposition
    // (Ø ø Æ æ ß and the Greek capitals have none; the extension table neither).
    CHECK(utf8_encode(letters) == "èéùìòÇÅåÉÄÖÑÜäöñüà");
}

TEST_CASE("the table agrees with the Unicode standard's decomposition mappings", "[compose]") {
    // Rows of UnicodeData.txt (code point; decomposition mapping), typed from
    // the standard rather than taken from the table.
    const struct {
        char32_t composite, base, mark;
    } rows[] = {
        {0x00E9, 0x0065, 0x0301},  // é
        {0x00C5, 0x0041, 0x030A},  // Å (not U+212B ANGSTROM SIGN, a singleton)
        {0x00C7, 0x0043, 0x0327},  // Ç
        {0x00E7, 0x0063, 0x0327},  // ç
        {0x010D, 0x0063, 0x030C},  // č
        {0x00F1, 0x006E, 0x0303},  // ñ
        {0x01D6, 0x00FC, 0x0304},  // ǖ, from ü
        {0x0218, 0x0053, 0x0326},  // Ș
        {0x1EC7, 0x1EB9, 0x0302},  // ệ, from ẹ
        {0x0390, 0x03CA, 0x0301},  // ΐ, from ϊ
        {0x038F, 0x03A9, 0x0301},  // Ώ
        {0x1F84, 0x1F04, 0x0345},  // ᾄ, from ἄ
        {0x0419, 0x0418, 0x0306},  // Й
        {0x0451, 0x0435, 0x0308},  // ё
    };
    for (const auto& row : rows) {
        INFO("U+" << std::hex << static_cast<unsigned>(row.composite));
        CHECK(compose_pair(row.base, row.mark) == row.composite);
    }
    // No composite: composition exclusions, non-starter decompositions, pairs
    // in no row, and Hangul (composed by arithmetic, out of scope).
    CHECK(compose_pair(0x0308, 0x0301) == 0);  // U+0344 decomposes so, but is excluded
    CHECK(compose_pair(U'q', 0x0301) == 0);
    CHECK(compose_pair(U'e', U'e') == 0);
    CHECK(compose_pair(0x1100, 0x1161) == 0);  // ᄀ + ᅡ = 가 in NFC, not here
    CHECK(compose_pair(0x1F600, 0x0301) == 0);
    // Canonical combining classes (DerivedCombiningClass.txt).
    CHECK(combining_class(0x0301) == 230);
    CHECK(combining_class(0x0323) == 220);
    CHECK(combining_class(0x0327) == 202);
    CHECK(combining_class(0x031B) == 216);
    CHECK(combining_class(0x0345) == 240);
    CHECK(combining_class(0x034F) == 0);  // COMBINING GRAPHEME JOINER is a starter
    CHECK(combining_class(U'e') == 0);

    const auto pairs = composition_pairs();
    CHECK(pairs.size() == 781);
    for (const auto& p : pairs) {
        INFO("U+" << std::hex << static_cast<unsigned>(p.composite));
        CHECK(combining_class(p.base) == 0);
        CHECK(combining_class(p.mark) > 0);
        CHECK(compose_pair(p.base, p.mark) == p.composite);
    }
}

TEST_CASE("preview of decomposed accents: Cafe + U+0301, n + U+0303", "[compose][preview]") {
    const std::string text = "Cafe\u0301 n\u0303";
    auto p = preview_text(text);
    REQUIRE(p);
    CHECK(p->count.encoding == Alphabet::gsm7);
    CHECK(p->count.segments == 1);
    CHECK(p->count.units == 6);
    CHECK(p->count.units_left == 160 - 6);
    CHECK(p->ucs2_characters.empty());
    CHECK(p->transliterated == "Café ñ");  // the accents kept, not dropped with the marks
    CHECK(composed(text) == "Café ñ");
    CHECK(translit(text) == "Café ñ");

    const auto m = encode_submit("+4917012345678", text);
    REQUIRE(m);
    CHECK(m->alphabet == Alphabet::gsm7);
    CHECK(m->parts.size() == 1);
    CHECK(sent_text(*m) == "Café ñ");
    // Asked for GSM-7, the composed text is GSM-7.
    SubmitOptions gsm7;
    gsm7.encoding = Encoding::gsm7;
    CHECK(encode_submit("+4917012345678", text, gsm7));
}

TEST_CASE("decomposed letters outside GSM-7 are composed, then transliterated by their row",
          "[compose]") {
    CHECK(composed("c\u030Cesky\u0301") == "český");
    CHECK(translit("c\u030Cesky\u0301") == "cesky");
    CHECK(translit("c\u0327a") == "Ça");           // ç, then its row: GSM-7's c-cedilla
    CHECK(translit("Ω\u0301 α\u0301") == "Ω A");   // Ώ, ά
    CHECK(translit("и\u0306 е\u0308") == "y yo");  // й, ё as the rows spell them
    CHECK(translit("Arvi\u0301ztu\u030Bro\u030B") == "Arviztürö");
    // A UCS-2 message goes composed too: canonically equivalent and shorter.
    const auto m = encode_submit("+4917012345678", "c\u030Ce\u0301");
    REQUIRE(m);
    CHECK(m->alphabet == Alphabet::ucs2);
    CHECK(sent_text(*m) == "čé");
    const auto p = preview_text("c\u030Ce\u0301");
    REQUIRE(p);
    CHECK(p->count.units == 2);
    REQUIRE(p->ucs2_characters.size() == 1);
    CHECK(p->ucs2_characters[0].character == "č");
    CHECK(p->ucs2_characters[0].position == 0);
}

TEST_CASE("a mark with no composite is kept, and the text needs UCS-2 as before", "[compose]") {
    CHECK(composed("q\u0301") == "q\u0301");
    CHECK(composed("1\u20DD") == "1\u20DD");  // a mark of another block: kept, never moved
    auto p = preview_text("Iq\u0301");
    REQUIRE(p);
    CHECK(p->count.encoding == Alphabet::ucs2);
    CHECK(p->count.units == 3);
    REQUIRE(p->ucs2_characters.size() == 1);
    CHECK(p->ucs2_characters[0].character == "\u0301");
    CHECK(p->ucs2_characters[0].position == 2);
    CHECK(p->transliterated == "Iq");  // the mark's row drops it
    SubmitOptions gsm7;
    gsm7.encoding = Encoding::gsm7;
    const auto refused = encode_submit("+4917012345678", "Iq\u0301", gsm7);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == EncodeErrorCode::not_encodable);
}

TEST_CASE("a mark at the very start of the text stays there", "[compose]") {
    CHECK(composed("\u0301e") == "\u0301e");
    CHECK(composed("\u0308\u0301a\u0308") == "\u0308\u0301ä");
    std::u32string text = U"\u0301";
    CHECK_FALSE(compose_canonical(text));
    CHECK(text == U"\u0301");
    auto p = preview_text("\u0301Cafe\u0301");
    REQUIRE(p);
    CHECK(p->count.encoding == Alphabet::ucs2);
    REQUIRE(p->ucs2_characters.size() == 1);
    CHECK(p->ucs2_characters[0].position == 0);
    CHECK(p->transliterated == "Café");
}

TEST_CASE("two marks: canonical order, two levels, blocking", "[compose]") {
    // Vietnamese ậ: dot below (class 220) and circumflex (230), typed in either order.
    CHECK(composed("a\u0323\u0302") == "ậ");
    CHECK(composed("a\u0302\u0323") == "ậ");
    CHECK(composed("u\u0308\u0304") == "ǖ");  // ü first, then ü + macron
    CHECK(composed("u\u0308\u0301") == "ǘ");
    // Two marks of one class: the second is blocked by the first, not moved.
    CHECK(composed("e\u0301\u0301") == "é\u0301");
    CHECK(composed("a\u0308\u0301") == "ä\u0301");
    CHECK(composed("a\u0301\u0308") == "á\u0308");
    // A mark of a lower class with no composite does not block one of a higher class.
    CHECK(composed("e\u0331\u0301") == "é\u0331");
    CHECK(composed("e\u0301\u0331") == "é\u0331");  // and comes out in canonical order
    // A starter between them blocks: U+034F COMBINING GRAPHEME JOINER.
    CHECK(composed("e\u034F\u0301") == "e\u034F\u0301");
    // Polytonic Greek: ᾄ from four code points.
    CHECK(composed("α\u0313\u0301\u0345") == "ᾄ");
    CHECK(composed("α\u0345\u0313\u0301") == "ᾄ");  // the two of class 230 keep their order
}

TEST_CASE("texts without marks are left alone, invalid UTF-8 too", "[compose]") {
    std::string plain = "Grüße aus Köln, Ώ, 日本, 😀";
    CHECK_FALSE(compose_canonical_utf8(plain));
    CHECK(plain == "Grüße aus Köln, Ώ, 日本, 😀");
    std::string greek = "ͺ;";  // U+037A has the lead byte 0xCD, but is no mark
    CHECK_FALSE(compose_canonical_utf8(greek));
    std::string invalid("e\xCC", 2);  // a truncated U+0301
    CHECK_FALSE(compose_canonical_utf8(invalid));
    CHECK(invalid == std::string("e\xCC", 2));
    CHECK_FALSE(has_combining_marks(U"Café"));
    CHECK(has_combining_marks(U"Cafe\u0301"));
}

TEST_CASE("composing is idempotent and never lengthens: every base with two marks",
          "[compose][property]") {
    std::u32string bases = U"aeoqAZ ?\u0301";
    for (const auto& p : composition_pairs()) {
        bases.push_back(p.base);
        bases.push_back(p.composite);
    }
    std::sort(bases.begin(), bases.end());
    bases.erase(std::unique(bases.begin(), bases.end()), bases.end());
    std::u32string marks = U"\u0331\u0338\u034F\u20DD";  // no composites, a starter, another block
    for (const auto& p : composition_pairs()) marks.push_back(p.mark);
    std::sort(marks.begin(), marks.end());
    marks.erase(std::unique(marks.begin(), marks.end()), marks.end());

    std::size_t failures = 0;
    for (const char32_t base : bases)
        for (const char32_t m1 : marks)
            for (const char32_t m2 : marks) {
                const std::u32string input{base, m1, m2};
                std::u32string once = input;
                compose_canonical(once);
                std::u32string twice = once;
                const bool changed_again = compose_canonical(twice);
                bool ordered = true;
                for (std::size_t i = 1; i < once.size(); ++i) {
                    const auto a = combining_class(once[i - 1]), b = combining_class(once[i]);
                    if (a != 0 && b != 0 && a > b) ordered = false;
                }
                if (once.size() > input.size() || changed_again || twice != once || !ordered) {
                    if (++failures <= 5) FAIL_CHECK(hex_of(input) << "-> " << hex_of(once));
                }
            }
    CHECK(failures == 0);
}
