// 7-bit packing (TS 23.038 §6.1.2.1.1): septets laid into octets least
// significant bit first, optionally after fill bits that align the text to a
// septet boundary following a User Data Header (TS 23.040 §9.2.3.24).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace smsgw::pdu {

// Octets needed for `count` septets after `fill_bits` fill bits.
inline constexpr std::size_t packed_octets(std::size_t count, int fill_bits = 0) {
    return (static_cast<std::size_t>(fill_bits) + 7 * count + 7) / 8;
}

// Appends the packed form of `septets` to `out` (a byte string), starting with
// `fill_bits` zero bits. Only the low 7 bits of each septet are used.
void pack_septets(std::span<const std::uint8_t> septets, int fill_bits, std::vector<std::uint8_t>& out);

// Unpacks `count` septets starting `bit_offset` bits into `octets` into `out`.
// The caller guarantees packed_octets(count, bit_offset) <= octets.size().
void unpack_septets(std::span<const std::uint8_t> octets, std::size_t bit_offset, std::size_t count,
                    std::vector<std::uint8_t>& out);

}  // namespace smsgw::pdu
