// GSM-7 and UCS-2 text conversion, TS 23.038 §6.2.1, §6.2.1.2 and §6.2.3.
#include "pdu/text_codec.hpp"

#include "pdu/gsm7.hpp"
#include "pdu/gsm7_national.hpp"
#include "pdu/utf8.hpp"

namespace smsgw::pdu {

void gsm7_encode_text(std::u32string_view text, std::vector<std::uint8_t>& septets) {
    septets.reserve(septets.size() + text.size());
    for (const char32_t cp : text) {
        const Gsm7Code code = gsm7_lookup(cp);
        if (!code.valid) {
            septets.push_back(0x3F);  // '?'
            continue;
        }
        if (code.escaped) septets.push_back(kGsm7Escape);
        septets.push_back(code.septet);
    }
}

void gsm7_decode_text(std::span<const std::uint8_t> septets, std::string& out, std::uint8_t locking_shift,
                      std::uint8_t single_shift) {
    const Gsm7Table* locking = locking_shift ? gsm7_locking_shift_table(locking_shift) : nullptr;
    const Gsm7Table* single = single_shift ? gsm7_single_shift_table(single_shift) : nullptr;
    auto base_char = [&](std::uint8_t s) -> char32_t {
        if (locking) {
            const char32_t cp = (*locking)[s & 0x7F];
            if (cp) return cp;
        }
        return gsm7_default_char(s);
    };
    out.reserve(out.size() + septets.size());
    for (std::size_t i = 0; i < septets.size(); ++i) {
        const std::uint8_t s = septets[i] & 0x7F;
        if (s != kGsm7Escape) {
            utf8_append(out, base_char(s));
            continue;
        }
        if (i + 1 == septets.size()) {  // a trailing escape has nothing to escape
            out.push_back(' ');
            break;
        }
        const std::uint8_t next = septets[++i] & 0x7F;
        char32_t cp = single ? (*single)[next] : gsm7_extension_char(next);
        if (cp == 0 && single) cp = gsm7_extension_char(next);
        if (cp != 0) {
            utf8_append(out, cp);
        } else if (next == kGsm7Escape) {
            out.push_back(' ');  // escape to a further table: shown as a space (§6.2.1.1 note)
        } else {
            out.push_back(' ');
            utf8_append(out, base_char(next));
        }
    }
}

void ucs2_encode_text(std::u32string_view text, std::vector<std::uint8_t>& octets) {
    octets.reserve(octets.size() + 2 * text.size());
    auto unit = [&](unsigned u) {
        octets.push_back(static_cast<std::uint8_t>(u >> 8));
        octets.push_back(static_cast<std::uint8_t>(u & 0xFF));
    };
    for (const char32_t cp : text) {
        if (cp > 0xFFFF) {
            const unsigned v = static_cast<unsigned>(cp) - 0x10000;
            unit(0xD800 + (v >> 10));
            unit(0xDC00 + (v & 0x3FF));
        } else {
            unit(static_cast<unsigned>(cp));
        }
    }
}

void ucs2_decode_text(std::span<const std::uint8_t> octets, std::string& out) {
    out.reserve(out.size() + octets.size());
    const std::size_t units = octets.size() / 2;
    for (std::size_t i = 0; i < units; ++i) {
        const char32_t u = static_cast<char32_t>(octets[2 * i] << 8 | octets[2 * i + 1]);
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
            const char32_t low = static_cast<char32_t>(octets[2 * i + 2] << 8 | octets[2 * i + 3]);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                utf8_append(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
                ++i;
                continue;
            }
        }
        utf8_append(out, (u >= 0xD800 && u <= 0xDFFF) ? U'\uFFFD' : u);
    }
}

}  // namespace smsgw::pdu
