// Hex text ↔ octets. PDUs travel as hex over AT; bad hex is named by position.
#include <string>

#include "pdu/pdu_codec.hpp"

namespace smsgw::pdu {
namespace {

int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

}  // namespace

Expected<std::vector<std::uint8_t>, DecodeError> hex_to_octets(std::string_view hex) {
    if (hex.size() % 2 != 0)
        return unexpected(DecodeError{hex.size() / 2, "hex",
                                      "odd number of hex digits (" + std::to_string(hex.size()) +
                                          "): a PDU is whole octets, two hex digits each"});
    std::vector<std::uint8_t> out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = nibble(hex[2 * i]);
        const int lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            const std::size_t at = hi < 0 ? 2 * i : 2 * i + 1;
            const unsigned char c = static_cast<unsigned char>(hex[at]);
            std::string shown = (c >= 0x21 && c < 0x7F) ? std::string("'") + static_cast<char>(c) + "'"
                                                        : "byte " + std::to_string(c);
            return unexpected(DecodeError{i, "hex",
                                          "character " + shown + " at position " + std::to_string(at) +
                                              " is not a hex digit (expected 0-9, A-F)"});
        }
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return out;
}

std::string octets_to_hex(std::span<const std::uint8_t> octets) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out(octets.size() * 2, '0');
    for (std::size_t i = 0; i < octets.size(); ++i) {
        out[2 * i] = digits[octets[i] >> 4];
        out[2 * i + 1] = digits[octets[i] & 0xF];
    }
    return out;
}

}  // namespace smsgw::pdu
