// 7-bit packing, TS 23.038 §6.1.2.1.1. Eight septets are 56 bits: the fast
// paths move them through one 64-bit word (little-endian octet order, as the
// packing itself is), so the cost per septet is a shift and a mask.
#include "pdu/septets.hpp"

#include <bit>
#include <cstring>

namespace smsgw::pdu {
namespace {

inline std::uint64_t load_le64(const std::uint8_t* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    return v;
}

inline void store_le64(std::uint8_t* p, std::uint64_t v) {
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    std::memcpy(p, &v, 8);
}

}  // namespace

void pack_septets(std::span<const std::uint8_t> septets, int fill_bits, std::vector<std::uint8_t>& out) {
    const std::size_t base = out.size();
    const std::size_t size = packed_octets(septets.size(), fill_bits);
    out.resize(base + size + 8);  // slack for the 8-byte stores, trimmed below
    std::uint8_t* o = out.data() + base;
    std::size_t i = 0;
    std::uint64_t acc = 0;
    unsigned bits = static_cast<unsigned>(fill_bits);
    if (bits == 0) {
        for (; i + 8 <= septets.size(); i += 8) {
            std::uint64_t word = 0;
            for (int k = 0; k < 8; ++k) word |= static_cast<std::uint64_t>(septets[i + k] & 0x7Fu) << (7 * k);
            store_le64(o, word);
            o += 7;
        }
    }
    for (; i < septets.size(); ++i) {
        acc |= static_cast<std::uint64_t>(septets[i] & 0x7Fu) << bits;
        bits += 7;
        if (bits >= 8) {
            *o++ = static_cast<std::uint8_t>(acc);
            acc >>= 8;
            bits -= 8;
        }
    }
    if (bits > 0) *o++ = static_cast<std::uint8_t>(acc);
    out.resize(base + size);
}

void unpack_septets(std::span<const std::uint8_t> octets, std::size_t bit_offset, std::size_t count,
                    std::vector<std::uint8_t>& out) {
    if (count == 0) return;
    const std::size_t base = out.size();
    out.resize(base + count);
    std::uint8_t* o = out.data() + base;
    const std::uint8_t* in = octets.data();
    std::size_t i = 0;
    // Fast path: eight septets (56 bits) from one 64-bit window, while the
    // window stays inside the octets; at most 7 bits of it are skipped.
    for (std::size_t bit = bit_offset; i + 8 <= count && (bit >> 3) + 8 <= octets.size(); i += 8, bit += 56) {
        const std::uint64_t w = load_le64(in + (bit >> 3)) >> (bit & 7);
        for (int k = 0; k < 8; ++k) o[i + k] = static_cast<std::uint8_t>((w >> (7 * k)) & 0x7Fu);
    }
    // Tail: octets are loaded only when the next septet needs their bits, so
    // the read never goes past packed_octets(count, bit_offset).
    if (i == count) return;
    const std::size_t bit = bit_offset + 7 * i;
    const std::uint8_t* p = in + (bit >> 3);
    std::uint64_t acc = static_cast<std::uint64_t>(*p++) >> (bit & 7);
    unsigned bits = 8 - static_cast<unsigned>(bit & 7);
    for (; i < count; ++i) {
        if (bits < 7) {
            acc |= static_cast<std::uint64_t>(*p++) << bits;
            bits += 8;
        }
        o[i] = static_cast<std::uint8_t>(acc & 0x7Fu);
        acc >>= 7;
        bits -= 7;
    }
}

}  // namespace smsgw::pdu
