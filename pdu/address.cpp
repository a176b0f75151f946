// Address fields, TS 23.040 §9.1.2.5 (and TS 24.011 §8.2.5.1 for the SMSC).
#include "pdu/address.hpp"

namespace smsgw::pdu {

const char* to_string(TypeOfNumber ton) {
    switch (ton) {
        case TypeOfNumber::unknown: return "unknown";
        case TypeOfNumber::international: return "international";
        case TypeOfNumber::national: return "national";
        case TypeOfNumber::network_specific: return "network-specific";
        case TypeOfNumber::subscriber: return "subscriber";
        case TypeOfNumber::alphanumeric: return "alphanumeric";
        case TypeOfNumber::abbreviated: return "abbreviated";
        case TypeOfNumber::reserved: return "reserved";
    }
    return "reserved";
}

std::string Address::display() const {
    if (ton == TypeOfNumber::international && !value.empty()) return "+" + value;
    return value;
}

Expected<Address, std::string> parse_phone_number(std::string_view text) {
    Address a;
    std::size_t i = 0;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i < text.size() && text[i] == '+') {
        a.ton = TypeOfNumber::international;
        ++i;
    }
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            a.value.push_back(c);
        } else if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')') {
            continue;
        } else {
            std::string shown = (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F)
                                    ? std::string("'") + c + "'"
                                    : "byte 0x" + std::string(1, "0123456789ABCDEF"[(c >> 4) & 0xF]) +
                                          "0123456789ABCDEF"[c & 0xF];
            return unexpected("character " + shown + " at position " + std::to_string(i) +
                              " is not part of a phone number (expected digits, optionally a leading '+')");
        }
    }
    if (a.value.empty()) return unexpected(std::string("no digits: expected a phone number such as +4917012345678"));
    if (a.value.size() > 20)
        return unexpected("a phone number has at most 20 digits, this one has " + std::to_string(a.value.size()));
    if (a.ton == TypeOfNumber::international && a.value[0] == '0')
        return unexpected(std::string("an international number cannot start with 0 after '+'"));
    return a;
}

}  // namespace smsgw::pdu
