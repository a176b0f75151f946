// 7-bit packing, TS 23.038 §6.1.2.1.1.
#include "pdu/septets.hpp"

namespace smsgw::pdu {

void pack_septets(std::span<const std::uint8_t> septets, int fill_bits, std::vector<std::uint8_t>& out) {
    const std::size_t base = out.size();
    out.resize(base + packed_octets(septets.size(), fill_bits), 0);
    std::uint8_t* o = out.data() + base;
    std::size_t bit = static_cast<std::size_t>(fill_bits);
    for (const std::uint8_t s7 : septets) {
        const unsigned s = s7 & 0x7Fu;
        const std::size_t index = bit >> 3;
        const unsigned shift = bit & 7u;
        o[index] = static_cast<std::uint8_t>(o[index] | (s << shift));
        if (shift > 1) o[index + 1] = static_cast<std::uint8_t>(s >> (8 - shift));
        bit += 7;
    }
}

void unpack_septets(std::span<const std::uint8_t> octets, std::size_t bit_offset, std::size_t count,
                    std::vector<std::uint8_t>& out) {
    out.reserve(out.size() + count);
    std::size_t bit = bit_offset;
    for (std::size_t i = 0; i < count; ++i, bit += 7) {
        const std::size_t index = bit >> 3;
        const unsigned shift = bit & 7u;
        unsigned v = octets[index] >> shift;
        if (shift > 1) v |= static_cast<unsigned>(octets[index + 1]) << (8 - shift);
        out.push_back(static_cast<std::uint8_t>(v & 0x7Fu));
    }
}

}  // namespace smsgw::pdu
