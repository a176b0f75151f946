// UTF-8 <-> Unicode code points. Texts cross every API of smsgw as UTF-8; the
// codec works on code points (char32_t). Invalid UTF-8 is reported with the
// byte offset, never silently replaced, because a mangled text must not be sent.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace smsgw::pdu {

struct Utf8Error {
    std::size_t byte_offset;
    std::string message;
};

// Decodes `text` into code points. Returns the offset of the first invalid
// sequence (overlong forms, surrogates, values above U+10FFFF are invalid).
std::optional<Utf8Error> utf8_decode(std::string_view text, std::u32string& out);

// Appends the UTF-8 form of `cp` (which must be a valid scalar value) to `out`.
void utf8_append(std::string& out, char32_t cp);

std::string utf8_encode(std::u32string_view text);

}  // namespace smsgw::pdu
