// The one error type of the PDU decoder: which octet was wrong and what was
// expected there. Technicians read these ("octet 23 (TP-UDL): …"), so every
// message names the field, the value found and the value allowed.
#pragma once

#include <cstddef>
#include <string>

namespace smsgw::pdu {

struct DecodeError {
    std::size_t octet = 0;  // 0-based index into the PDU as given (SMSC field included)
    std::string field;      // e.g. "TP-UDL", "TP-DCS", "hex"
    std::string message;    // what was expected and what was found

    // "octet 23 (TP-UDL): user data length 200 exceeds the 140 octets left"
    std::string to_string() const {
        return "octet " + std::to_string(octet) + " (" + field + "): " + message;
    }
};

}  // namespace smsgw::pdu
