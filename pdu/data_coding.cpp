// TP-DCS, TS 23.038 §4 "SMS Data Coding Scheme".
#include "pdu/data_coding.hpp"

namespace smsgw::pdu {

const char* to_string(Alphabet a) {
    switch (a) {
        case Alphabet::gsm7: return "gsm7";
        case Alphabet::eight_bit: return "8bit";
        case Alphabet::ucs2: return "ucs2";
    }
    return "gsm7";
}

const char* to_string(Encoding e) {
    switch (e) {
        case Encoding::automatic: return "auto";
        case Encoding::gsm7: return "gsm7";
        case Encoding::ucs2: return "ucs2";
    }
    return "auto";
}

std::optional<Encoding> encoding_from_string(std::string_view name) {
    if (name == "auto") return Encoding::automatic;
    if (name == "gsm7") return Encoding::gsm7;
    if (name == "ucs2") return Encoding::ucs2;
    return std::nullopt;
}

Expected<DataCoding, std::string> parse_data_coding(std::uint8_t dcs) {
    DataCoding dc;
    dc.raw = dcs;
    const unsigned group = dcs >> 4;
    if (group <= 0x7) {
        // 00xx: general data coding; 01xx: the same, marked for automatic deletion.
        dc.compressed = (dcs & 0x20) != 0;
        if (dcs & 0x10) dc.message_class = dcs & 0x03;
        switch ((dcs >> 2) & 0x03) {
            case 0: dc.alphabet = Alphabet::gsm7; break;
            case 1: dc.alphabet = Alphabet::eight_bit; break;
            case 2: dc.alphabet = Alphabet::ucs2; break;
            default: return unexpected(std::string("character set bits 11 are reserved (TS 23.038 §4)"));
        }
        if (dc.compressed) return unexpected(std::string("compressed user data (TS 23.042) is not supported"));
        return dc;
    }
    if (group <= 0xB) {
        static const char* const names[] = {"1000", "1001", "1010", "1011"};
        return unexpected(std::string("coding group ") + names[group - 8] + " is reserved (TS 23.038 §4)");
    }
    if (group <= 0xE) {
        // Message waiting indication: 1100 discard (GSM-7), 1101 store (GSM-7), 1110 store (UCS-2).
        dc.message_waiting = (dcs & 0x08) != 0;
        dc.alphabet = group == 0xE ? Alphabet::ucs2 : Alphabet::gsm7;
        return dc;
    }
    // 1111: data coding / message class. Bit 3 is reserved; it is ignored as
    // TS 23.038 asks receivers to, rather than refusing the message.
    dc.alphabet = (dcs & 0x04) ? Alphabet::eight_bit : Alphabet::gsm7;
    dc.message_class = dcs & 0x03;
    return dc;
}

std::uint8_t make_data_coding(Alphabet alphabet, bool flash) {
    std::uint8_t dcs = 0;
    if (alphabet == Alphabet::eight_bit) dcs = 0x04;
    if (alphabet == Alphabet::ucs2) dcs = 0x08;
    if (flash) dcs |= 0x10;  // class 0
    return dcs;
}

}  // namespace smsgw::pdu
