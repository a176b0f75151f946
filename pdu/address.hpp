// Phone numbers as they travel in SMS PDUs (TS 23.040 §9.1.2.5 address fields,
// TS 24.011 §8.2.5.1 for the SMSC) and as users write them. Numeric addresses
// are semi-octets with a type of number; alphanumeric originators ("MyBank")
// are GSM-7 septets (TON 5).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pdu/expected.hpp"

namespace smsgw::pdu {

// Type of number, TS 23.040 §9.1.2.5.
enum class TypeOfNumber : std::uint8_t {
    unknown = 0,
    international = 1,
    national = 2,
    network_specific = 3,
    subscriber = 4,
    alphanumeric = 5,
    abbreviated = 6,
    reserved = 7,
};
const char* to_string(TypeOfNumber ton);

struct Address {
    // Numeric: the digits (0-9 and * # a b c for semi-octets 0xA..0xE), no '+'.
    // Alphanumeric: the decoded text (UTF-8).
    std::string value;
    TypeOfNumber ton = TypeOfNumber::unknown;
    std::uint8_t npi = 1;  // numbering plan; 1 = ISDN/E.164

    // "+4917012345678" for international numbers, the digits or text otherwise.
    std::string display() const;
    bool operator==(const Address&) const = default;
};

// Parses a number as a user writes it: "+49 170 1234-567", "0049…" is left as
// digits (national conventions belong to the daemon's E.164 normalisation),
// "3200" (short code). Spaces, dashes, dots, slashes and parentheses are
// ignored; anything else, an empty number or more than 20 digits is refused
// with a reason naming the character. Used for TP-DA and the SMSC.
Expected<Address, std::string> parse_phone_number(std::string_view text);

}  // namespace smsgw::pdu
