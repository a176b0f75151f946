// National language shift tables (TS 23.038 Annex A): spot checks of positions
// against the spec's tables, the shape every table must have, and the rule that
// a table never lists one character twice (a decoder could not tell the
// positions apart, and an encoder would have two codes for one character).
#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string_view>
#include <vector>

#include "pdu/gsm7.hpp"
#include "pdu/gsm7_national.hpp"

using namespace smsgw::pdu;

namespace {

constexpr std::uint8_t kTurkish = 1;
constexpr std::uint8_t kSpanish = 2;
constexpr std::uint8_t kPortuguese = 3;

const Gsm7Table& locking(std::uint8_t language) {
    const Gsm7Table* table = gsm7_locking_shift_table(language);
    REQUIRE(table != nullptr);
    return *table;
}

const Gsm7Table& single(std::uint8_t language) {
    const Gsm7Table* table = gsm7_single_shift_table(language);
    REQUIRE(table != nullptr);
    return *table;
}

// Positions (other than 0) whose character appears elsewhere in the table.
std::vector<int> duplicated_positions(const Gsm7Table& table) {
    std::set<char32_t> seen;
    std::vector<int> duplicates;
    for (int i = 0; i < 128; ++i) {
        const char32_t cp = table[static_cast<std::size_t>(i)];
        if (cp != 0 && !seen.insert(cp).second) duplicates.push_back(i);
    }
    return duplicates;
}

int defined_positions(const Gsm7Table& table) {
    int n = 0;
    for (const char32_t cp : table) n += cp != 0;
    return n;
}

}  // namespace

TEST_CASE("national tables exist for Turkish, Spanish (single shift only) and Portuguese") {
    CHECK(gsm7_locking_shift_table(kTurkish) != nullptr);
    CHECK(gsm7_locking_shift_table(kPortuguese) != nullptr);
    // TS 23.038 A.3.2 is void: there is no Spanish locking-shift table.
    CHECK(gsm7_locking_shift_table(kSpanish) == nullptr);

    CHECK(gsm7_single_shift_table(kTurkish) != nullptr);
    CHECK(gsm7_single_shift_table(kSpanish) != nullptr);
    CHECK(gsm7_single_shift_table(kPortuguese) != nullptr);

    // 0 is the default alphabet (gsm7.hpp), not a national table; 14..255 are
    // reserved identifiers (§6.2.1.2.4).
    CHECK(gsm7_locking_shift_table(0) == nullptr);
    CHECK(gsm7_single_shift_table(0) == nullptr);
    CHECK(gsm7_locking_shift_table(14) == nullptr);
    CHECK(gsm7_single_shift_table(200) == nullptr);
    CHECK(gsm7_locking_shift_table(255) == nullptr);
}

TEST_CASE("Turkish locking-shift table, TS 23.038 A.3.1") {
    const Gsm7Table& t = locking(kTurkish);
    CHECK(t.size() == 128);
    CHECK(t[0x04] == U'€');
    CHECK(t[0x07] == U'ı');  // dotless i
    CHECK(t[0x0B] == U'Ğ');
    CHECK(t[0x0C] == U'ğ');
    CHECK(t[0x1C] == U'Ş');
    CHECK(t[0x1D] == U'ş');
    CHECK(t[0x40] == U'İ');  // dotted capital I
    CHECK(t[0x60] == U'ç');
    CHECK(t[0x1B] == 0);  // escape to the single-shift table, no character

    // Every other position is the default alphabet's character.
    const std::set<int> national = {0x04, 0x07, 0x0B, 0x0C, 0x1B, 0x1C, 0x1D, 0x40, 0x60};
    for (int i = 0; i < 128; ++i) {
        if (national.count(i)) continue;
        INFO("position 0x" << std::hex << i);
        CHECK(t[static_cast<std::size_t>(i)] == gsm7_default_char(static_cast<std::uint8_t>(i)));
    }
    CHECK(defined_positions(t) == 127);
    CHECK(duplicated_positions(t).empty());
}

TEST_CASE("Portuguese locking-shift table, TS 23.038 A.3.3") {
    const Gsm7Table& t = locking(kPortuguese);
    CHECK(t[0x04] == U'ê');
    CHECK(t[0x06] == U'ú');
    CHECK(t[0x07] == U'í');
    CHECK(t[0x08] == U'ó');
    CHECK(t[0x09] == U'ç');  // small, unlike the default alphabet's Ç
    CHECK(t[0x0B] == U'Ô');
    CHECK(t[0x0C] == U'ô');
    CHECK(t[0x0E] == U'Á');
    CHECK(t[0x0F] == U'á');
    CHECK(t[0x10] == U'Δ');  // the one Greek capital that stays
    CHECK(t[0x12] == U'ª');
    CHECK(t[0x13] == U'Ç');
    CHECK(t[0x14] == U'À');
    CHECK(t[0x15] == U'∞');
    CHECK(t[0x16] == U'^');
    CHECK(t[0x17] == U'\\');
    CHECK(t[0x18] == U'€');
    CHECK(t[0x19] == U'Ó');
    CHECK(t[0x1A] == U'|');
    CHECK(t[0x1B] == 0);
    CHECK(t[0x1C] == U'Â');
    CHECK(t[0x1D] == U'â');
    CHECK(t[0x1E] == U'Ê');
    CHECK(t[0x1F] == U'É');
    CHECK(t[0x24] == U'º');
    CHECK(t[0x40] == U'Í');
    CHECK(t[0x5B] == U'Ã');
    CHECK(t[0x5C] == U'Õ');
    CHECK(t[0x5D] == U'Ú');
    CHECK(t[0x5E] == U'Ü');
    CHECK(t[0x5F] == U'§');
    CHECK(t[0x60] == U'~');
    CHECK(t[0x7B] == U'ã');
    CHECK(t[0x7C] == U'õ');
    CHECK(t[0x7D] == U'`');
    CHECK(t[0x7E] == U'ü');
    CHECK(t[0x7F] == U'à');
    // Letters, digits and ASCII punctuation keep their places.
    CHECK(t[0x41] == U'A');
    CHECK(t[0x5A] == U'Z');
    CHECK(t[0x61] == U'a');
    CHECK(t[0x7A] == U'z');
    CHECK(t[0x30] == U'0');
    CHECK(t[0x3F] == U'?');
    CHECK(t[0x00] == U'@');
    CHECK(t[0x0A] == U'\n');
    CHECK(t[0x0D] == U'\r');
    CHECK(defined_positions(t) == 127);
    CHECK(duplicated_positions(t).empty());
}

TEST_CASE("Turkish single-shift table, TS 23.038 A.2.1") {
    const Gsm7Table& t = single(kTurkish);
    CHECK(t[0x47] == U'Ğ');
    CHECK(t[0x49] == U'İ');
    CHECK(t[0x53] == U'Ş');
    CHECK(t[0x63] == U'ç');
    CHECK(t[0x67] == U'ğ');
    CHECK(t[0x69] == U'ı');
    CHECK(t[0x73] == U'ş');
    CHECK(t[0x65] == U'€');
    CHECK(t[0x0A] == U'\f');  // page break
    CHECK(t[0x0D] == 0);      // CR2, reserved
    CHECK(t[0x1B] == 0);      // SS2, escape to a further table
    CHECK(t[0x41] == 0);      // not in the table: the receiver shows the locking-table A
    CHECK(defined_positions(t) == 17);
    CHECK(duplicated_positions(t).empty());
}

TEST_CASE("Spanish single-shift table, TS 23.038 A.2.2") {
    const Gsm7Table& t = single(kSpanish);
    CHECK(t[0x09] == U'ç');
    CHECK(t[0x41] == U'Á');
    CHECK(t[0x49] == U'Í');
    CHECK(t[0x4F] == U'Ó');
    CHECK(t[0x55] == U'Ú');
    CHECK(t[0x61] == U'á');
    CHECK(t[0x69] == U'í');
    CHECK(t[0x6F] == U'ó');
    CHECK(t[0x75] == U'ú');
    CHECK(t[0x65] == U'€');
    CHECK(t[0x0A] == U'\f');
    CHECK(t[0x0D] == 0);
    CHECK(t[0x1B] == 0);
    CHECK(defined_positions(t) == 19);
    CHECK(duplicated_positions(t).empty());
}

TEST_CASE("Portuguese single-shift table, TS 23.038 A.2.3") {
    const Gsm7Table& t = single(kPortuguese);
    CHECK(t[0x05] == U'ê');
    CHECK(t[0x09] == U'ç');
    CHECK(t[0x0A] == U'\f');
    CHECK(t[0x0B] == U'Ô');
    CHECK(t[0x0C] == U'ô');
    CHECK(t[0x0D] == 0);
    CHECK(t[0x0E] == U'Á');
    CHECK(t[0x0F] == U'á');
    CHECK(t[0x12] == U'Φ');
    CHECK(t[0x13] == U'Γ');
    CHECK(t[0x14] == U'^');
    CHECK(t[0x15] == U'Ω');
    CHECK(t[0x16] == U'Π');
    CHECK(t[0x17] == U'Ψ');
    CHECK(t[0x18] == U'Σ');
    CHECK(t[0x19] == U'Θ');
    CHECK(t[0x1B] == 0);
    CHECK(t[0x1F] == U'Ê');
    CHECK(t[0x41] == U'À');
    CHECK(t[0x49] == U'Í');
    CHECK(t[0x4F] == U'Ó');
    CHECK(t[0x55] == U'Ú');
    CHECK(t[0x5B] == U'Ã');
    CHECK(t[0x5C] == U'Õ');
    CHECK(t[0x61] == U'Â');
    CHECK(t[0x65] == U'€');
    CHECK(t[0x69] == U'í');
    CHECK(t[0x6F] == U'ó');
    CHECK(t[0x75] == U'ú');
    CHECK(t[0x7B] == U'ã');
    CHECK(t[0x7C] == U'õ');
    CHECK(t[0x7F] == U'â');
    CHECK(defined_positions(t) == 37);
    CHECK(duplicated_positions(t).empty());
}

TEST_CASE("every single-shift table keeps the default extension table's characters in place") {
    // TS 23.038 Annex A.2: the national single-shift tables for Turkish,
    // Spanish and Portuguese repeat §6.2.1.1's characters at the same
    // positions, so a sender using them loses none of ^ { } \ [ ~ ] | €.
    for (const std::uint8_t language : {kTurkish, kSpanish, kPortuguese}) {
        INFO("language " << int(language));
        const Gsm7Table& t = single(language);
        for (int i = 0; i < 128; ++i) {
            const char32_t ext = gsm7_extension_char(static_cast<std::uint8_t>(i));
            if (ext == 0) continue;
            INFO("position 0x" << std::hex << i);
            CHECK(t[static_cast<std::size_t>(i)] == ext);
        }
    }
}

TEST_CASE("the national tables together with their partner cover the language's letters") {
    // A Turkish sender with both Turkish tables can write every Turkish letter.
    const Gsm7Table& tl = locking(kTurkish);
    const Gsm7Table& ts = single(kTurkish);
    for (const char32_t letter : std::u32string_view(U"çÇğĞıİöÖşŞüÜ")) {
        INFO("U+" << std::hex << static_cast<std::uint32_t>(letter));
        bool found = false;
        for (int i = 0; i < 128; ++i)
            found = found || tl[static_cast<std::size_t>(i)] == letter ||
                    ts[static_cast<std::size_t>(i)] == letter;
        CHECK(found);
    }
    // Portuguese accented letters, with the Portuguese locking table alone.
    const Gsm7Table& pl = locking(kPortuguese);
    for (const char32_t letter : std::u32string_view(U"áàâãéêíóôõúçÁÀÂÃÉÊÍÓÔÕÚÇ")) {
        INFO("U+" << std::hex << static_cast<std::uint32_t>(letter));
        bool found = false;
        for (int i = 0; i < 128; ++i) found = found || pl[static_cast<std::size_t>(i)] == letter;
        CHECK(found);
    }
}
