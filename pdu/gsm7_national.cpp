// National language shift tables of 3GPP TS 23.038 Annex A: a received GSM-7
// message may announce, in its UDH (TS 23.040 §9.2.3.24.15/16), a locking-shift
// table that replaces the default alphabet and a single-shift table that replaces
// the extension table. Without them a Turkish "ğ" or a Portuguese "ã" would be
// decoded as the default alphabet's character at the same position. The tables
// are data transcribed from the spec (A.3.x locking shift, A.2.x single shift)
// and cross-checked against two independent implementations; positions the spec
// leaves empty are 0.
#include "pdu/gsm7_national.hpp"

#include <cstddef>

namespace smsgw::pdu {
namespace {

// Position 0x1B is the escape to the single-shift table in every locking-shift
// table (TS 23.038 §6.2.1.2.3); it is no character, so it is 0 here and callers
// handle the escape before any lookup.

// TS 23.038 A.3.1, Turkish National Language Locking Shift Table. It differs
// from the default alphabet at 0x04 €, 0x07 ı, 0x0B Ğ, 0x0C ğ, 0x1C Ş, 0x1D ş,
// 0x40 İ and 0x60 ç; everything else is the default alphabet.
// clang-format off
constexpr Gsm7Table kTurkishLocking = {
    U'@',    U'£',    U'$',    U'¥',    U'€',    U'é',    U'ù',    U'ı',     // 0x00: € ı
    U'ò',    U'Ç',    U'\n',   U'Ğ',    U'ğ',    U'\r',   U'Å',    U'å',     // 0x08: Ğ ğ
    U'Δ',    U'_',    U'Φ',    U'Γ',    U'Λ',    U'Ω',    U'Π',    U'Ψ',     // 0x10
    U'Σ',    U'Θ',    U'Ξ',    0,       U'Ş',    U'ş',    U'ß',    U'É',     // 0x18: ESC, Ş ş
    U' ',    U'!',    U'"',    U'#',    U'¤',    U'%',    U'&',    U'\'',    // 0x20
    U'(',    U')',    U'*',    U'+',    U',',    U'-',    U'.',    U'/',     // 0x28
    U'0',    U'1',    U'2',    U'3',    U'4',    U'5',    U'6',    U'7',     // 0x30
    U'8',    U'9',    U':',    U';',    U'<',    U'=',    U'>',    U'?',     // 0x38
    U'İ',    U'A',    U'B',    U'C',    U'D',    U'E',    U'F',    U'G',     // 0x40: İ
    U'H',    U'I',    U'J',    U'K',    U'L',    U'M',    U'N',    U'O',     // 0x48
    U'P',    U'Q',    U'R',    U'S',    U'T',    U'U',    U'V',    U'W',     // 0x50
    U'X',    U'Y',    U'Z',    U'Ä',    U'Ö',    U'Ñ',    U'Ü',    U'§',     // 0x58
    U'ç',    U'a',    U'b',    U'c',    U'd',    U'e',    U'f',    U'g',     // 0x60: ç
    U'h',    U'i',    U'j',    U'k',    U'l',    U'm',    U'n',    U'o',     // 0x68
    U'p',    U'q',    U'r',    U's',    U't',    U'u',    U'v',    U'w',     // 0x70
    U'x',    U'y',    U'z',    U'ä',    U'ö',    U'ñ',    U'ü',    U'à',     // 0x78
};
// clang-format on

// TS 23.038 A.3.2 is void: Spanish has no locking-shift table.

// TS 23.038 A.3.3, Portuguese National Language Locking Shift Table. Most of
// the Greek capitals give way to Portuguese letters; ^ \ | € ~ and ` move into
// the table itself, so Portuguese text rarely needs the escape.
// clang-format off
constexpr Gsm7Table kPortugueseLocking = {
    U'@',    U'£',    U'$',    U'¥',    U'ê',    U'é',    U'ú',    U'í',     // 0x00: ê ú í
    U'ó',    U'ç',    U'\n',   U'Ô',    U'ô',    U'\r',   U'Á',    U'á',     // 0x08: ó ç Ô ô Á á
    U'Δ',    U'_',    U'ª',    U'Ç',    U'À',    U'∞',    U'^',    U'\\',    // 0x10: ª Ç À ∞ ^ backslash
    U'€',    U'Ó',    U'|',    0,       U'Â',    U'â',    U'Ê',    U'É',     // 0x18: € Ó |, ESC, Â â Ê
    U' ',    U'!',    U'"',    U'#',    U'º',    U'%',    U'&',    U'\'',    // 0x20: º
    U'(',    U')',    U'*',    U'+',    U',',    U'-',    U'.',    U'/',     // 0x28
    U'0',    U'1',    U'2',    U'3',    U'4',    U'5',    U'6',    U'7',     // 0x30
    U'8',    U'9',    U':',    U';',    U'<',    U'=',    U'>',    U'?',     // 0x38
    U'Í',    U'A',    U'B',    U'C',    U'D',    U'E',    U'F',    U'G',     // 0x40: Í
    U'H',    U'I',    U'J',    U'K',    U'L',    U'M',    U'N',    U'O',     // 0x48
    U'P',    U'Q',    U'R',    U'S',    U'T',    U'U',    U'V',    U'W',     // 0x50
    U'X',    U'Y',    U'Z',    U'Ã',    U'Õ',    U'Ú',    U'Ü',    U'§',     // 0x58: Ã Õ Ú
    U'~',    U'a',    U'b',    U'c',    U'd',    U'e',    U'f',    U'g',     // 0x60: ~
    U'h',    U'i',    U'j',    U'k',    U'l',    U'm',    U'n',    U'o',     // 0x68
    U'p',    U'q',    U'r',    U's',    U't',    U'u',    U'v',    U'w',     // 0x70
    U'x',    U'y',    U'z',    U'ã',    U'õ',    U'`',    U'ü',    U'à',     // 0x78: ã õ `
};
// clang-format on

// Single-shift tables are sparse, so they are written as (position, character)
// rows and expanded into a Gsm7Table at compile time. Every single-shift table
// of Annex A.2 keeps 0x0A as the page break (shown as form feed, as in the
// default extension table of §6.2.1.1), 0x0D as CR2 and 0x1B as SS2; CR2 and
// SS2 are reserved control positions, not characters, so they stay 0.
struct ShiftRow {
    std::uint8_t septet;
    char32_t cp;
};

template <std::size_t N>
constexpr Gsm7Table expand(const ShiftRow (&rows)[N]) {
    Gsm7Table table{};
    for (const ShiftRow& row : rows) table[row.septet] = row.cp;
    return table;
}

// TS 23.038 A.2.1, Turkish National Language Single Shift Table: the default
// extension table plus the Turkish letters and ç that the locking table lacks.
// clang-format off
constexpr ShiftRow kTurkishSingleRows[] = {
    {0x0A, U'\f'},  // page break (form feed), as in §6.2.1.1
    {0x14, U'^'},   // as in §6.2.1.1
    {0x28, U'{'},   // as in §6.2.1.1
    {0x29, U'}'},   // as in §6.2.1.1
    {0x2F, U'\\'},  // as in §6.2.1.1
    {0x3C, U'['},   // as in §6.2.1.1
    {0x3D, U'~'},   // as in §6.2.1.1
    {0x3E, U']'},   // as in §6.2.1.1
    {0x40, U'|'},   // as in §6.2.1.1
    {0x47, U'Ğ'},   // above G
    {0x49, U'İ'},   // above I
    {0x53, U'Ş'},   // above S
    {0x63, U'ç'},   // above c
    {0x65, U'€'},   // as in §6.2.1.1
    {0x67, U'ğ'},   // above g
    {0x69, U'ı'},   // above i
    {0x73, U'ş'},   // above s
};
// clang-format on

// TS 23.038 A.2.2, Spanish National Language Single Shift Table: the default
// extension table plus ç and the acute vowels the default alphabet lacks, each
// placed above its base letter.
// clang-format off
constexpr ShiftRow kSpanishSingleRows[] = {
    {0x09, U'ç'},   // above Ç
    {0x0A, U'\f'},  // page break (form feed), as in §6.2.1.1
    {0x14, U'^'},   // as in §6.2.1.1
    {0x28, U'{'},   // as in §6.2.1.1
    {0x29, U'}'},   // as in §6.2.1.1
    {0x2F, U'\\'},  // as in §6.2.1.1
    {0x3C, U'['},   // as in §6.2.1.1
    {0x3D, U'~'},   // as in §6.2.1.1
    {0x3E, U']'},   // as in §6.2.1.1
    {0x40, U'|'},   // as in §6.2.1.1
    {0x41, U'Á'},   // above A
    {0x49, U'Í'},   // above I
    {0x4F, U'Ó'},   // above O
    {0x55, U'Ú'},   // above U
    {0x61, U'á'},   // above a
    {0x65, U'€'},   // as in §6.2.1.1
    {0x69, U'í'},   // above i
    {0x6F, U'ó'},   // above o
    {0x75, U'ú'},   // above u
};
// clang-format on

// TS 23.038 A.2.3, Portuguese National Language Single Shift Table: the Greek
// capitals that the Portuguese locking table displaced come back here, next to
// the accented letters, so the default alphabet plus this table also covers
// Portuguese.
// clang-format off
constexpr ShiftRow kPortugueseSingleRows[] = {
    {0x05, U'ê'},   // above é
    {0x09, U'ç'},   // above Ç
    {0x0A, U'\f'},  // page break (form feed), as in §6.2.1.1
    {0x0B, U'Ô'},   // above Ø
    {0x0C, U'ô'},   // above ø
    {0x0E, U'Á'},   // above Å
    {0x0F, U'á'},   // above å
    {0x12, U'Φ'},   // Greek capital displaced by the locking table
    {0x13, U'Γ'},   // Greek capital displaced by the locking table
    {0x14, U'^'},   // as in §6.2.1.1
    {0x15, U'Ω'},   // Greek capital displaced by the locking table
    {0x16, U'Π'},   // Greek capital displaced by the locking table
    {0x17, U'Ψ'},   // Greek capital displaced by the locking table
    {0x18, U'Σ'},   // Greek capital displaced by the locking table
    {0x19, U'Θ'},   // Greek capital displaced by the locking table
    {0x1F, U'Ê'},   // above É
    {0x28, U'{'},   // as in §6.2.1.1
    {0x29, U'}'},   // as in §6.2.1.1
    {0x2F, U'\\'},  // as in §6.2.1.1
    {0x3C, U'['},   // as in §6.2.1.1
    {0x3D, U'~'},   // as in §6.2.1.1
    {0x3E, U']'},   // as in §6.2.1.1
    {0x40, U'|'},   // as in §6.2.1.1
    {0x41, U'À'},   // above A
    {0x49, U'Í'},   // above I
    {0x4F, U'Ó'},   // above O
    {0x55, U'Ú'},   // above U
    {0x5B, U'Ã'},   // above Ä
    {0x5C, U'Õ'},   // above Ö
    {0x61, U'Â'},   // above a
    {0x65, U'€'},   // as in §6.2.1.1
    {0x69, U'í'},   // above i
    {0x6F, U'ó'},   // above o
    {0x75, U'ú'},   // above u
    {0x7B, U'ã'},   // above ä
    {0x7C, U'õ'},   // above ö
    {0x7F, U'â'},   // above à
};
// clang-format on

constexpr Gsm7Table kTurkishSingle = expand(kTurkishSingleRows);
constexpr Gsm7Table kSpanishSingle = expand(kSpanishSingleRows);
constexpr Gsm7Table kPortugueseSingle = expand(kPortugueseSingleRows);

// The Indic tables (A.2.4–A.2.13, A.3.4–A.3.13: Bengali … Urdu) are not carried
// yet: a message announcing one gets nullptr and the caller reports it rather
// than decoding it with a guessed table.

}  // namespace

const Gsm7Table* gsm7_locking_shift_table(std::uint8_t language) {
    switch (static_cast<NationalLanguage>(language)) {
        case NationalLanguage::turkish:
            return &kTurkishLocking;
        case NationalLanguage::portuguese:
            return &kPortugueseLocking;
        default:
            return nullptr;  // includes Spanish: A.3.2 is void
    }
}

const Gsm7Table* gsm7_single_shift_table(std::uint8_t language) {
    switch (static_cast<NationalLanguage>(language)) {
        case NationalLanguage::turkish:
            return &kTurkishSingle;
        case NationalLanguage::spanish:
            return &kSpanishSingle;
        case NationalLanguage::portuguese:
            return &kPortugueseSingle;
        default:
            return nullptr;
    }
}

}  // namespace smsgw::pdu
