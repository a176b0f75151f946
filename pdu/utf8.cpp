// UTF-8 decoding and encoding (RFC 3629): strict, with byte offsets in errors.
#include "pdu/utf8.hpp"

namespace smsgw::pdu {

std::optional<Utf8Error> utf8_decode(std::string_view text, std::u32string& out) {
    out.clear();
    out.reserve(text.size());
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            out.push_back(c);
            ++i;
            continue;
        }
        int len;
        char32_t cp;
        char32_t min;
        if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return Utf8Error{i, "byte " + std::to_string(i) + ": invalid UTF-8 lead byte"};
        }
        if (i + len > n) return Utf8Error{i, "byte " + std::to_string(i) + ": truncated UTF-8 sequence"};
        for (int k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80)
                return Utf8Error{i, "byte " + std::to_string(i + k) + ": expected a UTF-8 continuation byte"};
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min) return Utf8Error{i, "byte " + std::to_string(i) + ": overlong UTF-8 sequence"};
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return Utf8Error{i, "byte " + std::to_string(i) + ": not a Unicode scalar value"};
        out.push_back(cp);
        i += len;
    }
    return std::nullopt;
}

void utf8_append(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string utf8_encode(std::u32string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t cp : text) utf8_append(out, cp);
    return out;
}

}  // namespace smsgw::pdu
