// Property tests over thousands of random texts: encode → decode is exact,
// every part fits its PDU, and part boundaries fall exactly where TS 23.040
// puts them (153/154, 160/161, 67/68, 70/71), with escapes and surrogate
// pairs never split.
#include <catch2/catch.hpp>

#include <random>

#include "pdu/gsm7.hpp"
#include "pdu/pdu_codec.hpp"
#include "pdu/segmenter.hpp"
#include "pdu/text_codec.hpp"
#include "pdu/utf8.hpp"

using namespace smsgw::pdu;

namespace {

// Character pools that exercise every path: plain GSM-7, the extension table
// (two septets), GSM-7 Greek capitals, Latin letters outside GSM-7, CJK (one
// UTF-16 unit) and emoji (surrogate pairs).
const std::u32string kGsm7Basic = U"abcXYZ 0123456789.,!?@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤%&'()*+-/:;<=>¡ÄÖÑÜ§¿äöñüà\n\r\"#";
const std::u32string kGsm7Extension = U"^{}\\[~]|€\f";
const std::u32string kOutside = U"ąćęłńóśźżșțőűčřžğıİ“”–…";
const std::u32string kCjk = U"日本語中文한국어";
const std::u32string kEmoji = U"😀🎉👍🏽🚀";

std::u32string random_text(std::mt19937& rng, std::size_t length, bool allow_ucs2) {
    std::u32string out;
    std::uniform_int_distribution<int> pool(0, allow_ucs2 ? 9 : 5);
    for (std::size_t i = 0; i < length; ++i) {
        const int p = pool(rng);
        const std::u32string& src = p < 4 ? kGsm7Basic : p < 6 ? kGsm7Extension : p < 7 ? kOutside : p < 8 ? kCjk : kEmoji;
        out.push_back(src[std::uniform_int_distribution<std::size_t>(0, src.size() - 1)(rng)]);
    }
    return out;
}

// Encodes, decodes every part, and checks structure; returns the parts' texts joined.
std::string round_trip(const std::string& to, const std::string& text, const SubmitOptions& options,
                       EncodedMessage* out = nullptr) {
    auto m = encode_submit(to, text, options);
    REQUIRE(m);
    std::string joined;
    const std::size_t total = m->parts.size();
    REQUIRE(total >= 1);
    for (std::size_t i = 0; i < total; ++i) {
        const auto& part = m->parts[i];
        const auto octets = hex_to_octets(part.hex);
        REQUIRE(octets);
        const std::size_t smsc_octets = 1 + (*octets)[0];
        CHECK(static_cast<std::size_t>(part.tpdu_length) == octets->size() - smsc_octets);
        CHECK(part.tpdu_length <= 7 + 12 + 1 + 140 + 1);  // header fields + UD: never over 176
        auto p = decode_pdu(part.hex);
        if (!p) FAIL("part " << i + 1 << " does not decode: " << p.error().to_string() << " " << part.hex);
        const auto& s = std::get<SmsSubmit>(p->tpdu);
        CHECK(s.coding.alphabet == m->alphabet);
        if (total == 1) {
            CHECK_FALSE(s.user_data.header.has_value());
        } else {
            REQUIRE(s.user_data.header);
            REQUIRE(s.user_data.header->concat);
            CHECK(s.user_data.header->concat->total == total);
            CHECK(s.user_data.header->concat->sequence == i + 1);
            CHECK(s.user_data.header->concat->reference == m->reference);
        }
        joined += s.user_data.text;
    }
    // The encoder's split and the preview's plan agree on every boundary.
    std::u32string cps;
    utf8_decode(text, cps);
    CHECK(plan_segments(cps, m->alphabet, options.reference_16bit).size() == total);
    if (out) *out = *m;
    return joined;
}

}  // namespace

TEST_CASE("random texts round-trip exactly through SMS-SUBMIT", "[property]") {
    std::mt19937 rng(20261123);
    for (int i = 0; i < 3000; ++i) {
        const bool ucs2 = i % 2 == 1;
        const std::size_t length = std::uniform_int_distribution<std::size_t>(1, 700)(rng);
        const std::string text = utf8_encode(random_text(rng, length, ucs2));
        SubmitOptions o;
        o.reference_16bit = i % 5 == 0;
        if (i % 3 == 0) o.smsc = "+491722270333";
        EncodedMessage m;
        INFO("iteration " << i << " text " << text);
        CHECK(round_trip("+4917012345678", text, o, &m) == text);
        std::u32string cps;
        utf8_decode(text, cps);
        CHECK((m.alphabet == Alphabet::gsm7) == fits_gsm7(cps));
    }
}

TEST_CASE("random texts round-trip through SMS-DELIVER", "[property]") {
    std::mt19937 rng(7);
    for (int i = 0; i < 1000; ++i) {
        const std::string text = utf8_encode(random_text(rng, std::uniform_int_distribution<std::size_t>(1, 400)(rng), i % 2));
        DeliverOptions o;
        o.service_centre_time = Timestamp{2026, 11, 23, 9, 0, 0, 4};
        auto m = encode_deliver("+48600700800", text, o);
        REQUIRE(m);
        std::string joined;
        for (const auto& part : m->parts) {
            auto p = decode_pdu(part.hex);
            REQUIRE(p);
            joined += std::get<SmsDeliver>(p->tpdu).user_data.text;
        }
        CHECK(joined == text);
    }
}

TEST_CASE("GSM-7 part boundaries: 160/161 and 153/154 septets", "[property][segments]") {
    auto parts = [](const std::string& text) {
        auto m = encode_submit("+1234", text);
        REQUIRE(m);
        return m->parts.size();
    };
    CHECK(parts(std::string(160, 'a')) == 1);
    CHECK(parts(std::string(161, 'a')) == 2);
    CHECK(parts(std::string(306, 'a')) == 2);
    CHECK(parts(std::string(307, 'a')) == 3);
    // 153 septets fill part 1 exactly; the 154th starts part 2.
    const auto segs = plan_segments(std::u32string(154 + 153, U'a'), Alphabet::gsm7);
    REQUIRE(segs.size() == 3);
    CHECK(segs[0].units == 153);
    CHECK(segs[1].units == 153);
    CHECK(segs[2].units == 1);
    // € takes two septets: 159 'a' + € = 161 septets → two parts.
    CHECK(parts(std::string(158, 'a') + "€") == 1);
    CHECK(parts(std::string(159, 'a') + "€") == 2);
}

TEST_CASE("an escape pair on a part boundary moves whole to the next part", "[property][segments]") {
    // 152 'a' + '€' would need septets 153 and 154: the pair goes to part 2.
    const std::string text = std::string(152, 'a') + "€" + std::string(10, 'b');
    EncodedMessage m;
    CHECK(round_trip("+1234", text, {}, &m) == text);
    REQUIRE(m.parts.size() == 2);
    auto first = decode_pdu(m.parts[0].hex);
    REQUIRE(first);
    CHECK(std::get<SmsSubmit>(first->tpdu).user_data.text == std::string(152, 'a'));
    const auto segs = plan_segments(U"" + std::u32string(152, U'a') + U"€" + std::u32string(10, U'b'), Alphabet::gsm7);
    CHECK(segs[0].units == 152);
    CHECK(segs[1].units == 12);
}

TEST_CASE("no part ends in an escape: each extension character on each part boundary",
          "[property][segments][escape]") {
    // TS 23.038 §6.2.1.1: ESC and the character it escapes are one character.
    // A part ending in ESC shows a space on phones that do not join across
    // parts, then the character's default-table look-alike ('e' for '€').
    for (const bool ref16 : {false, true}) {
        const std::size_t capacity = ref16 ? 152 : 153;
        for (const char32_t c : kGsm7Extension) {
            for (std::size_t before = capacity - 2; before <= capacity + 1; ++before) {
                const std::u32string text = std::u32string(before, U'a') + c +
                                            std::u32string(capacity - 1, U'b') + c + U"z";
                INFO("16-bit ref " << ref16 << ", U+" << std::hex << static_cast<unsigned>(c)
                                   << std::dec << " after " << before << " septets");
                SubmitOptions o;
                o.reference_16bit = ref16;
                EncodedMessage m;
                CHECK(round_trip("+1234", utf8_encode(text), o, &m) == utf8_encode(text));
                CHECK(m.parts.size() >= 2);
                for (const auto& part : m.parts) {
                    const auto p = decode_pdu(part.hex);
                    REQUIRE(p);
                    CHECK_FALSE(ends_in_escape(std::get<SmsSubmit>(p->tpdu).user_data.septets));
                }
                // The simulator's SMS-DELIVERs are split by the same rule.
                DeliverOptions d;
                d.reference_16bit = ref16;
                const auto delivered = encode_deliver("+4915112345678", utf8_encode(text), d);
                REQUIRE(delivered);
                for (const auto& part : delivered->parts) {
                    const auto p = decode_pdu(part.hex);
                    REQUIRE(p);
                    CHECK_FALSE(ends_in_escape(std::get<SmsDeliver>(p->tpdu).user_data.septets));
                }
            }
        }
    }
}

TEST_CASE("UCS-2 part boundaries: 70/71 and 67/68 units", "[property][segments]") {
    auto parts = [](const std::u32string& text) {
        auto m = encode_submit("+1234", utf8_encode(text));
        REQUIRE(m);
        CHECK(m->alphabet == Alphabet::ucs2);
        return m->parts.size();
    };
    CHECK(parts(std::u32string(70, U'ą')) == 1);
    CHECK(parts(std::u32string(71, U'ą')) == 2);
    CHECK(parts(std::u32string(134, U'ą')) == 2);
    CHECK(parts(std::u32string(135, U'ą')) == 3);
    const auto segs = plan_segments(std::u32string(71, U'ą'), Alphabet::ucs2);
    REQUIRE(segs.size() == 2);
    CHECK(segs[0].units == 67);
    CHECK(segs[1].units == 4);
    // 16-bit references leave 66 units per part.
    CHECK(plan_segments(std::u32string(67, U'ą') + std::u32string(70, U'x'), Alphabet::ucs2, true)[0].units == 66);
}

TEST_CASE("a surrogate pair on a part boundary is never split", "[property][segments]") {
    // 66 units + emoji (2 units) = 68 > 67: the emoji starts part 2.
    const std::u32string text = std::u32string(66, U'ą') + U"😀" + std::u32string(10, U'ż');
    const auto segs = plan_segments(text, Alphabet::ucs2);
    REQUIRE(segs.size() == 2);
    CHECK(segs[0].units == 66);
    CHECK(segs[1].begin == 66);
    EncodedMessage m;
    CHECK(round_trip("+1234", utf8_encode(text), {}, &m) == utf8_encode(text));
    // An emoji exactly filling 70 units keeps a single part.
    CHECK(plan_segments(std::u32string(68, U'ą') + U"😀", Alphabet::ucs2).size() == 1);
    CHECK(plan_segments(std::u32string(69, U'ą') + U"😀", Alphabet::ucs2).size() == 2);
}

TEST_CASE("every GSM-7 character survives encode and decode", "[property]") {
    std::u32string all;
    for (int s = 0; s < 128; ++s)
        if (s != kGsm7Escape) all.push_back(gsm7_default_char(static_cast<std::uint8_t>(s)));
    all += kGsm7Extension;
    const std::string text = utf8_encode(all);
    EncodedMessage m;
    CHECK(round_trip("+1234", text, {}, &m) == text);
    CHECK(m.alphabet == Alphabet::gsm7);
}
