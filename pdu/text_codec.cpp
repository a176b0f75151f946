// GSM-7 and UCS-2 text conversion, TS 23.038 §6.2.1, §6.2.1.2 and §6.2.3.
#include "pdu/text_codec.hpp"

#include "pdu/gsm7.hpp"
#include "pdu/gsm7_national.hpp"
#include "pdu/utf8.hpp"

#include <array>
#include <cstring>

namespace smsgw::pdu {
namespace {

// The UTF-8 bytes of each default-alphabet septet (at most 2 bytes each),
// so decoding Latin text is a table copy per septet.
struct Utf8Entry {
    char bytes[3];
    std::uint8_t length;
};

std::array<Utf8Entry, 128> make_default_utf8() {
    std::array<Utf8Entry, 128> t{};
    for (unsigned s = 0; s < 128; ++s) {
        std::string u;
        utf8_append(u, gsm7_default_char(static_cast<std::uint8_t>(s)));
        std::memcpy(t[s].bytes, u.data(), u.size());
        t[s].length = static_cast<std::uint8_t>(u.size());
    }
    return t;
}

const std::array<Utf8Entry, 128>& default_utf8() {
    static const std::array<Utf8Entry, 128> table = make_default_utf8();
    return table;
}

}  // namespace

bool utf8_to_gsm7(std::string_view text, std::vector<std::uint8_t>& septets) {
    // Worst case two septets per byte (every character escaped).
    const std::size_t base = septets.size();
    septets.resize(base + 2 * text.size());
    std::uint8_t* o = septets.data() + base;
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        // ASCII run: one table load per byte.
        while (i < n && s[i] < 0x80) {
            const std::uint16_t v = detail::kGsm7Latin[s[i]];
            if (!(v & 0x100)) return false;
            if (v & 0x80) *o++ = kGsm7Escape;
            *o++ = static_cast<std::uint8_t>(v & 0x7F);
            ++i;
        }
        if (i == n) break;
        char32_t cp = s[i];
        if (cp < 0x80) {
            ++i;
        } else if ((cp & 0xE0) == 0xC0 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
            cp = (cp & 0x1F) << 6 | (s[i + 1] & 0x3F);
            if (cp < 0x80) return false;
            i += 2;
        } else if ((cp & 0xF0) == 0xE0 && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) {
            // Three-byte forms in GSM-7 are the Greek capitals and €; anything
            // unusual (overlong, surrogates) goes to the strict path.
            cp = (cp & 0x0F) << 12 | (s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F);
            if (cp < 0x800) return false;
            i += 3;
        } else {
            return false;  // four-byte forms are never GSM-7; invalid bytes need the strict path
        }
        const Gsm7Code code = gsm7_lookup(cp);
        if (!code.valid) return false;
        if (code.escaped) *o++ = kGsm7Escape;
        *o++ = code.septet;
    }
    septets.resize(static_cast<std::size_t>(o - septets.data()));
    return true;
}

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
    const auto& utf8_of = default_utf8();
    // Every septet yields at most 4 UTF-8 bytes (an escape pair at most 4 for
    // its two septets): write into a pre-sized buffer, then trim.
    const std::size_t base = out.size();
    out.resize(base + 4 * septets.size() + 4);
    char* o = out.data() + base;
    auto put_cp = [&](char32_t cp) {
        char buf[4];
        std::size_t len;
        if (cp < 0x80) {
            *o++ = static_cast<char>(cp);
            return;
        } else if (cp < 0x800) {
            buf[0] = static_cast<char>(0xC0 | (cp >> 6)), buf[1] = static_cast<char>(0x80 | (cp & 0x3F)), len = 2;
        } else if (cp < 0x10000) {
            buf[0] = static_cast<char>(0xE0 | (cp >> 12)), buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            buf[2] = static_cast<char>(0x80 | (cp & 0x3F)), len = 3;
        } else {
            buf[0] = static_cast<char>(0xF0 | (cp >> 18)), buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
            len = 4;
        }
        std::memcpy(o, buf, len);
        o += len;
    };
    auto put_base = [&](std::uint8_t s) {
        if (locking && (*locking)[s]) {
            put_cp((*locking)[s]);
            return;
        }
        std::memcpy(o, utf8_of[s].bytes, 2);
        o += utf8_of[s].length;
    };
    for (std::size_t i = 0; i < septets.size(); ++i) {
        if (!locking) {
            // The common case: runs of default-alphabet septets, one table copy each.
            while (i < septets.size() && (septets[i] & 0x7F) != kGsm7Escape) {
                const Utf8Entry& e = utf8_of[septets[i] & 0x7F];
                std::memcpy(o, e.bytes, 2);
                o += e.length;
                ++i;
            }
            if (i == septets.size()) break;
        }
        const std::uint8_t s = septets[i] & 0x7F;
        if (s != kGsm7Escape) {
            put_base(s);
            continue;
        }
        if (i + 1 == septets.size()) {  // a trailing escape has nothing to escape
            *o++ = ' ';
            break;
        }
        const std::uint8_t next = septets[++i] & 0x7F;
        char32_t cp = single ? (*single)[next] : gsm7_extension_char(next);
        if (cp == 0 && single) cp = gsm7_extension_char(next);
        if (cp != 0) {
            put_cp(cp);
        } else if (next == kGsm7Escape) {
            *o++ = ' ';  // escape to a further table: shown as a space (§6.2.1.1 note)
        } else {
            *o++ = ' ';
            put_base(next);
        }
    }
    out.resize(static_cast<std::size_t>(o - out.data()));
}

bool ends_in_escape(std::span<const std::uint8_t> septets) {
    std::size_t run = 0;
    while (run < septets.size() && septets[septets.size() - 1 - run] == kGsm7Escape) ++run;
    return run % 2 == 1;
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
