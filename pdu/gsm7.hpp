// The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1),
// in both directions. National language shift tables live in gsm7_national.hpp.
// Lookups are table-driven and allocation-free: encoding runs once per
// character of every outbound message.
#pragma once

#include <array>
#include <cstdint>

namespace smsgw::pdu {

// The escape to the extension table (TS 23.038 §6.2.1.1).
inline constexpr std::uint8_t kGsm7Escape = 0x1B;

// Code point of a septet of the default alphabet (0x00..0x7F). 0x1B, the
// escape, maps to U+00A0 (NBSP) as the spec's table shows; callers treat it
// as an escape before looking it up.
char32_t gsm7_default_char(std::uint8_t septet);

// Code point of an extension-table septet, or 0 if the position is undefined
// (the receiver then shows the default-table character, §6.2.1.1).
char32_t gsm7_extension_char(std::uint8_t septet);

// How a code point is written in GSM-7 default alphabet + extension table.
struct Gsm7Code {
    std::uint8_t septet = 0;  // position in the default or extension table
    bool escaped = false;     // true: written as 0x1B followed by `septet`
    bool valid = false;       // false: not representable in GSM-7
    // Number of septets this character takes (0 when not representable).
    int units() const { return valid ? (escaped ? 2 : 1) : 0; }
};

namespace detail {
// Code points U+0000..U+00FF, the hot path of Latin texts: bits 0-6 the
// septet, bit 7 escaped, bit 8 representable.
extern const std::array<std::uint16_t, 256> kGsm7Latin;
Gsm7Code gsm7_lookup_wide(char32_t cp);
}  // namespace detail

inline Gsm7Code gsm7_lookup(char32_t cp) {
    if (cp < 0x100) {
        const std::uint16_t v = detail::kGsm7Latin[cp];
        return Gsm7Code{static_cast<std::uint8_t>(v & 0x7F), (v & 0x80) != 0, (v & 0x100) != 0};
    }
    return detail::gsm7_lookup_wide(cp);
}

inline bool gsm7_representable(char32_t cp) { return gsm7_lookup(cp).valid; }

}  // namespace smsgw::pdu
