// National language single-shift and locking-shift tables (3GPP TS 23.038
// Annex A.2 and A.3). Used only for decoding: smsgw sends the default alphabet
// or UCS-2, but a received message may announce a national table in its UDH
// (TS 23.040 §9.2.3.24.15 and §9.2.3.24.16).
#pragma once

#include <array>
#include <cstdint>

namespace smsgw::pdu {

// National language identifiers (TS 23.038 §6.2.1.2.4).
enum class NationalLanguage : std::uint8_t {
    reserved = 0,
    turkish = 1,
    spanish = 2,
    portuguese = 3,
    bengali = 4,
    gujarati = 5,
    hindi = 6,
    kannada = 7,
    malayalam = 8,
    oriya = 9,
    punjabi = 10,
    tamil = 11,
    telugu = 12,
    urdu = 13,
};

// A 128-entry table of code points; 0 marks a position the spec leaves empty.
using Gsm7Table = std::array<char32_t, 128>;

// The locking-shift table that replaces the default alphabet for `language`,
// or nullptr when smsgw has no table for it (the caller then reports it).
// Spanish has no locking-shift table in the spec (it uses the default one).
const Gsm7Table* gsm7_locking_shift_table(std::uint8_t language);

// The single-shift table that replaces the extension table for `language`,
// or nullptr when smsgw has no table for it.
const Gsm7Table* gsm7_single_shift_table(std::uint8_t language);

}  // namespace smsgw::pdu
