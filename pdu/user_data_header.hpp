// User Data Header (TS 23.040 §9.2.3.24): information elements in front of the
// user data. smsgw uses concatenation (8- and 16-bit references) and reads the
// national language shifts; every other element is kept raw and skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace smsgw::pdu {

// Information element identifiers used by smsgw (TS 23.040 §9.2.3.24).
inline constexpr std::uint8_t kIeiConcat8 = 0x00;
inline constexpr std::uint8_t kIeiConcat16 = 0x08;
inline constexpr std::uint8_t kIeiSingleShift = 0x24;
inline constexpr std::uint8_t kIeiLockingShift = 0x25;

struct Concatenation {
    std::uint16_t reference = 0;
    std::uint8_t total = 1;     // parts in the whole message
    std::uint8_t sequence = 1;  // this part, 1-based
    bool reference_16bit = false;
    bool operator==(const Concatenation&) const = default;
};

struct InformationElement {
    std::uint8_t iei = 0;
    std::vector<std::uint8_t> data;
};

struct UserDataHeader {
    std::vector<InformationElement> elements;  // in order, as received
    std::optional<Concatenation> concat;
    std::uint8_t single_shift = 0;   // national language id, 0 = none
    std::uint8_t locking_shift = 0;  // national language id, 0 = none
};

// Octets a concatenation UDH takes, including the UDHL octet: 6 or 7.
inline constexpr int concat_udh_octets(bool reference_16bit) { return reference_16bit ? 7 : 6; }

}  // namespace smsgw::pdu
