// TP-Data-Coding-Scheme (TS 23.038 §4) and the alphabets smsgw speaks.
// Decoding reports compressed text and reserved coding groups as errors rather
// than guessing at an alphabet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pdu/expected.hpp"

namespace smsgw::pdu {

enum class Alphabet : std::uint8_t { gsm7, eight_bit, ucs2 };
// "gsm7", "8bit", "ucs2" — the names of the socket and diag JSON.
const char* to_string(Alphabet a);

// What the caller asks for; `automatic` picks GSM-7 when every character fits
// the default alphabet and its extension table (once decomposed accents are
// composed, see compose.hpp), else UCS-2.
enum class Encoding : std::uint8_t { automatic, gsm7, ucs2 };
const char* to_string(Encoding e);
std::optional<Encoding> encoding_from_string(std::string_view name);

struct DataCoding {
    Alphabet alphabet = Alphabet::gsm7;
    std::optional<int> message_class;  // 0 (flash) .. 3
    bool compressed = false;
    // Message waiting indication groups (1100–1110): indication active and type.
    bool message_waiting = false;
    std::uint8_t raw = 0;
};

// TS 23.038 §4: the coding groups. Error text names the reserved group.
Expected<DataCoding, std::string> parse_data_coding(std::uint8_t dcs);

// The DCS octet for an outbound message: general data coding group, no
// compression, class 0 when `flash`, otherwise no class.
std::uint8_t make_data_coding(Alphabet alphabet, bool flash);

}  // namespace smsgw::pdu
