// Hex text ↔ octets. PDUs travel as hex over AT; bad hex is named by position.
#include <array>
#include <cstring>
#include <string>

#include "pdu/pdu_codec.hpp"

namespace smsgw::pdu {
namespace {

// Hex digit values by character, -1 for anything else.
constexpr std::array<std::int8_t, 256> kNibble = [] {
    std::array<std::int8_t, 256> t{};
    for (auto& v : t) v = -1;
    for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<std::int8_t>(c - '0');
    for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<std::int8_t>(c - 'A' + 10);
    for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<std::int8_t>(c - 'a' + 10);
    return t;
}();

int nibble(char c) { return kNibble[static_cast<unsigned char>(c)]; }

// The two hex digits of every octet, so encoding copies two characters per octet.
constexpr std::array<char, 512> kHexPairs = [] {
    constexpr char digits[] = "0123456789ABCDEF";
    std::array<char, 512> t{};
    for (int i = 0; i < 256; ++i) {
        t[2 * i] = digits[i >> 4];
        t[2 * i + 1] = digits[i & 0xF];
    }
    return t;
}();

}  // namespace

Expected<std::vector<std::uint8_t>, DecodeError> hex_to_octets(std::string_view hex) {
    if (hex.size() % 2 != 0)
        return unexpected(DecodeError{hex.size() / 2, "hex",
                                      "odd number of hex digits (" + std::to_string(hex.size()) +
                                          "): a PDU is whole octets, two hex digits each"});
    std::vector<std::uint8_t> out(hex.size() / 2);
    std::uint8_t* o = out.data();
    const char* h = hex.data();
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = nibble(h[2 * i]);
        const int lo = nibble(h[2 * i + 1]);
        if ((hi | lo) < 0) {
            const std::size_t at = hi < 0 ? 2 * i : 2 * i + 1;
            const unsigned char c = static_cast<unsigned char>(hex[at]);
            std::string shown = (c >= 0x21 && c < 0x7F) ? std::string("'") + static_cast<char>(c) + "'"
                                                        : "byte " + std::to_string(c);
            return unexpected(DecodeError{i, "hex",
                                          "character " + shown + " at position " + std::to_string(at) +
                                              " is not a hex digit (expected 0-9, A-F)"});
        }
        o[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return out;
}

std::string octets_to_hex(std::span<const std::uint8_t> octets) {
    std::string out;
    append_hex(octets, out);
    return out;
}

void append_hex(std::span<const std::uint8_t> octets, std::string& out) {
    const std::size_t base = out.size();
    out.resize(base + 2 * octets.size());
    char* o = out.data() + base;
    for (const std::uint8_t b : octets) {
        std::memcpy(o, &kHexPairs[2 * b], 2);
        o += 2;
    }
}

}  // namespace smsgw::pdu
