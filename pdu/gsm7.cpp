// GSM 7-bit default alphabet and extension table, TS 23.038 §6.2.1 and §6.2.1.1.
#include "pdu/gsm7.hpp"

#include <algorithm>
#include <array>

namespace smsgw::pdu {
namespace {

// TS 23.038 §6.2.1, figure "GSM 7 bit default alphabet". 0x09 is the capital
// C-cedilla as the spec draws it; 0x1B (escape) is shown as NBSP here and
// handled by callers before any lookup.
constexpr std::array<char32_t, 128> kDefault = {
    U'@',    U'£',    U'$',    U'¥',    U'è',    U'é',    U'ù',    U'ì',     // 0x00
    U'ò',    U'Ç',    U'\n',   U'Ø',    U'ø',    U'\r',   U'Å',    U'å',     // 0x08
    U'Δ',    U'_',    U'Φ',    U'Γ',    U'Λ',    U'Ω',    U'Π',    U'Ψ',     // 0x10
    U'Σ',    U'Θ',    U'Ξ',    U'\xA0', U'Æ',    U'æ',    U'ß',    U'É',     // 0x18
    U' ',    U'!',    U'"',    U'#',    U'¤',    U'%',    U'&',    U'\'',    // 0x20
    U'(',    U')',    U'*',    U'+',    U',',    U'-',    U'.',    U'/',     // 0x28
    U'0',    U'1',    U'2',    U'3',    U'4',    U'5',    U'6',    U'7',     // 0x30
    U'8',    U'9',    U':',    U';',    U'<',    U'=',    U'>',    U'?',     // 0x38
    U'¡',    U'A',    U'B',    U'C',    U'D',    U'E',    U'F',    U'G',     // 0x40
    U'H',    U'I',    U'J',    U'K',    U'L',    U'M',    U'N',    U'O',     // 0x48
    U'P',    U'Q',    U'R',    U'S',    U'T',    U'U',    U'V',    U'W',     // 0x50
    U'X',    U'Y',    U'Z',    U'Ä',    U'Ö',    U'Ñ',    U'Ü',    U'§',     // 0x58
    U'¿',    U'a',    U'b',    U'c',    U'd',    U'e',    U'f',    U'g',     // 0x60
    U'h',    U'i',    U'j',    U'k',    U'l',    U'm',    U'n',    U'o',     // 0x68
    U'p',    U'q',    U'r',    U's',    U't',    U'u',    U'v',    U'w',     // 0x70
    U'x',    U'y',    U'z',    U'ä',    U'ö',    U'ñ',    U'ü',    U'à',     // 0x78
};

// TS 23.038 §6.2.1.1, the default extension table: position → character.
struct ExtensionRow {
    std::uint8_t septet;
    char32_t cp;
};
constexpr ExtensionRow kExtension[] = {
    {0x0A, U'\f'},  // page break, shown as form feed
    {0x14, U'^'},  {0x28, U'{'}, {0x29, U'}'}, {0x2F, U'\\'}, {0x3C, U'['},
    {0x3D, U'~'},  {0x3E, U']'}, {0x40, U'|'}, {0x65, U'€'},
};

// Encoding index: every code point below U+0100 in a flat table (see
// gsm7.hpp), the few above it (Greek capitals, €) in a short list.
constexpr std::uint16_t encode_entry(std::size_t septet, bool escaped) {
    return static_cast<std::uint16_t>(septet | (escaped ? 0x80u : 0u) | 0x100u);
}

constexpr std::array<std::uint16_t, 256> make_latin_table() {
    std::array<std::uint16_t, 256> codes{};
    for (std::size_t i = 0; i < kDefault.size(); ++i)
        if (i != kGsm7Escape && kDefault[i] < 0x100 && !codes[kDefault[i]]) codes[kDefault[i]] = encode_entry(i, false);
    for (const auto& row : kExtension)
        if (row.cp < 0x100) codes[row.cp] = encode_entry(row.septet, true);
    return codes;
}

}  // namespace

char32_t gsm7_default_char(std::uint8_t septet) { return kDefault[septet & 0x7F]; }

char32_t gsm7_extension_char(std::uint8_t septet) {
    for (const auto& row : kExtension)
        if (row.septet == septet) return row.cp;
    return 0;
}

namespace detail {

const std::array<std::uint16_t, 256> kGsm7Latin = make_latin_table();

Gsm7Code gsm7_lookup_wide(char32_t cp) {
    for (std::size_t i = 0; i < kDefault.size(); ++i)
        if (kDefault[i] == cp && i != kGsm7Escape) return {static_cast<std::uint8_t>(i), false, true};
    for (const auto& row : kExtension)
        if (row.cp == cp) return {row.septet, true, true};
    return {};
}

}  // namespace detail

}  // namespace smsgw::pdu
