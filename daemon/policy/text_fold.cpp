// Case folding and accent stripping by table, for the scripts whose opt-out
// words smsgw knows (Latin, Greek, Cyrillic). A table instead of ICU: the
// project depends only on the packages DESIGN.md lists, the rules are ours to
// decide (see text_fold.hpp), and the table is small enough to review whole.
#include "daemon/policy/text_fold.hpp"

#include <algorithm>
#include <array>
#include <iterator>

#include "pdu/utf8.hpp"

namespace smsgw::policy {
namespace {

// A run of consecutive code points that all fold to the same text.
struct Run {
    char32_t first;
    char32_t last;
    std::u32string_view to;
};

// Sorted by code point; searched by bisection. Latin-1 Supplement (U+00C0–
// U+00FF), Latin Extended-A (U+0100–U+017F), the Romanian comma-below letters,
// Greek with tonos/dialytika, the Cyrillic letters with accents, capital
// sharp s. Plain case pairs (Greek, Cyrillic, fullwidth) are offsets below.
constexpr Run runs[] = {
    {0x00C0, 0x00C5, U"A"},  {0x00C6, 0x00C6, U"AE"},
    {0x00C7, 0x00C7, U"C"},  {0x00C8, 0x00CB, U"E"},
    {0x00CC, 0x00CF, U"I"},  {0x00D0, 0x00D0, U"D"},
    {0x00D1, 0x00D1, U"N"},  {0x00D2, 0x00D6, U"O"},
    {0x00D8, 0x00D8, U"O"},  {0x00D9, 0x00DC, U"U"},
    {0x00DD, 0x00DD, U"Y"},  {0x00DE, 0x00DE, U"TH"},
    {0x00DF, 0x00DF, U"SS"}, {0x00E0, 0x00E5, U"A"},
    {0x00E6, 0x00E6, U"AE"}, {0x00E7, 0x00E7, U"C"},
    {0x00E8, 0x00EB, U"E"},  {0x00EC, 0x00EF, U"I"},
    {0x00F0, 0x00F0, U"D"},  {0x00F1, 0x00F1, U"N"},
    {0x00F2, 0x00F6, U"O"},  {0x00F8, 0x00F8, U"O"},
    {0x00F9, 0x00FC, U"U"},  {0x00FD, 0x00FD, U"Y"},
    {0x00FE, 0x00FE, U"TH"}, {0x00FF, 0x00FF, U"Y"},
    {0x0100, 0x0105, U"A"},  {0x0106, 0x010D, U"C"},
    {0x010E, 0x0111, U"D"},  {0x0112, 0x011B, U"E"},
    {0x011C, 0x0123, U"G"},  {0x0124, 0x0127, U"H"},
    {0x0128, 0x0131, U"I"},  // includes Turkish İ (U+0130) and ı (U+0131)
    {0x0132, 0x0133, U"IJ"}, {0x0134, 0x0135, U"J"},
    {0x0136, 0x0138, U"K"},  {0x0139, 0x0142, U"L"},  // includes Polish Ł/ł
    {0x0143, 0x014B, U"N"},  {0x014C, 0x0151, U"O"},
    {0x0152, 0x0153, U"OE"}, {0x0154, 0x0159, U"R"},
    {0x015A, 0x0161, U"S"},  {0x0162, 0x0167, U"T"},
    {0x0168, 0x0173, U"U"},  {0x0174, 0x0175, U"W"},
    {0x0176, 0x0178, U"Y"},  {0x0179, 0x017E, U"Z"},
    {0x017F, 0x017F, U"S"},                           // long s
    {0x0218, 0x0219, U"S"},  {0x021A, 0x021B, U"T"},  // Romanian Ș ș Ț ț
    {0x0386, 0x0386, U"Α"},  {0x0388, 0x0388, U"Ε"},
    {0x0389, 0x0389, U"Η"},  {0x038A, 0x038A, U"Ι"},
    {0x038C, 0x038C, U"Ο"},  {0x038E, 0x038E, U"Υ"},
    {0x038F, 0x038F, U"Ω"},  {0x0390, 0x0390, U"Ι"},
    {0x03AA, 0x03AA, U"Ι"},  {0x03AB, 0x03AB, U"Υ"},
    {0x03AC, 0x03AC, U"Α"},  {0x03AD, 0x03AD, U"Ε"},
    {0x03AE, 0x03AE, U"Η"},  {0x03AF, 0x03AF, U"Ι"},
    {0x03B0, 0x03B0, U"Υ"},  {0x03C2, 0x03C2, U"Σ"},  // final sigma
    {0x03CA, 0x03CA, U"Ι"},  {0x03CB, 0x03CB, U"Υ"},
    {0x03CC, 0x03CC, U"Ο"},  {0x03CD, 0x03CD, U"Υ"},
    {0x03CE, 0x03CE, U"Ω"},  {0x0400, 0x0401, U"Е"},
    {0x040D, 0x040D, U"И"},  {0x0450, 0x0451, U"Е"},
    {0x045D, 0x045D, U"И"},  {0x1E9E, 0x1E9E, U"SS"},
};

constexpr bool runs_sorted_and_disjoint() {
    for (std::size_t i = 1; i < std::size(runs); ++i)
        if (runs[i - 1].last >= runs[i].first || runs[i].first > runs[i].last) return false;
    return true;
}
static_assert(runs_sorted_and_disjoint(), "find_run() bisects: keep runs sorted");

// Separators: no letter or digit of any script lives in these blocks.
constexpr std::array<std::pair<char32_t, char32_t>, 14> separator_blocks = {{
    {0x0080, 0x00BF},    // C1 controls, NBSP, Latin-1 punctuation, ¡ ¿ « » ° ·
    {0x00D7, 0x00D7},    // ×
    {0x00F7, 0x00F7},    // ÷
    {0x02B0, 0x036F},    // spacing modifiers, combining diacritical marks
    {0x1AB0, 0x1AFF},    // combining diacritical marks extended
    {0x1DC0, 0x1DFF},    // combining diacritical marks supplement
    {0x2000, 0x2BFF},    // general punctuation … misc symbols and arrows
    {0x2E00, 0x2E7F},    // supplemental punctuation
    {0x3000, 0x303F},    // CJK symbols and punctuation (ideographic space)
    {0xFE00, 0xFE0F},    // variation selectors (emoji presentation)
    {0xFE30, 0xFE6F},    // CJK compatibility forms, small form variants
    {0xFEFF, 0xFEFF},    // zero-width no-break space (BOM)
    {0x1F000, 0x1FAFF},  // mahjong … emoji and pictographs
    {0xE0000, 0xE007F},  // tags (flag sequences)
}};

bool is_separator(char32_t cp) {
    if (cp < 0x80) {
        const bool alnum =
            (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
        return !alnum;
    }
    // Fullwidth punctuation between the fullwidth digits and letters.
    if ((cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
        (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65))
        return true;
    return std::any_of(separator_blocks.begin(), separator_blocks.end(),
                       [cp](const auto& b) { return cp >= b.first && cp <= b.second; });
}

const Run* find_run(char32_t cp) {
    const auto* it = std::upper_bound(std::begin(runs), std::end(runs), cp,
                                      [](char32_t c, const Run& r) { return c < r.first; });
    if (it == std::begin(runs)) return nullptr;
    --it;
    return cp <= it->last ? it : nullptr;
}

// Plain case pairs: the capital for a small letter, else the code point itself.
char32_t to_capital(char32_t cp) {
    if (cp >= 'a' && cp <= 'z') return cp - 0x20;
    if (cp >= 0x03B1 && cp <= 0x03C9) return cp - 0x20;  // Greek α–ω (ς handled by table)
    if (cp >= 0x0430 && cp <= 0x044F) return cp - 0x20;  // Cyrillic а–я
    if (cp >= 0x0450 && cp <= 0x045F) return cp - 0x50;  // Cyrillic ѐ–џ (і ї є ў …)
    if (cp >= 0x0460 && cp <= 0x04FF && (cp & 1) == 1 && cp != 0x04CF)
        return cp - 1;  // Cyrillic extended pairs: ѡ, ґ, ғ, қ, ң, ү, …
    if (cp >= 0xFF21 && cp <= 0xFF3A) return cp - 0xFF21 + 'A';  // fullwidth Ａ–Ｚ
    if (cp >= 0xFF41 && cp <= 0xFF5A) return cp - 0xFF41 + 'A';  // fullwidth ａ–ｚ
    if (cp >= 0xFF10 && cp <= 0xFF19) return cp - 0xFF10 + '0';  // fullwidth ０–９
    return cp;
}

}  // namespace

bool fold_code_point(char32_t cp, std::u32string& out) {
    if (is_separator(cp)) return false;
    if (const Run* run = find_run(cp)) {
        out += run->to;
        return true;
    }
    out += to_capital(cp);
    return true;
}

std::string fold_key(std::string_view utf8, std::size_t max_key_chars) {
    std::u32string text;
    if (pdu::utf8_decode(utf8, text)) return {};
    std::u32string key;
    for (char32_t cp : text) {
        fold_code_point(cp, key);
        if (max_key_chars != 0 && key.size() > max_key_chars) return {};
    }
    return pdu::utf8_encode(key);
}

}  // namespace smsgw::policy
