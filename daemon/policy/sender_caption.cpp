// Sender caption validation; see sender_caption.hpp for the rules and sources.
#include "daemon/policy/sender_caption.hpp"

#include <algorithm>

#include "pdu/utf8.hpp"

namespace smsgw::policy {
namespace {

constexpr std::size_t max_alphanumeric = 11;  // TS 23.040 §9.1.2.5: 10 octets of septets
constexpr std::size_t max_digits = 15;        // ITU-T E.164

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_letter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

}  // namespace

Expected<CaptionKind, std::string> check_sender_caption(std::string_view caption) {
    if (caption.empty()) return CaptionKind::none;

    const std::string_view digits = caption.starts_with('+') ? caption.substr(1) : caption;
    if (!digits.empty() && std::all_of(digits.begin(), digits.end(), is_digit)) {
        if (digits.size() > max_digits)
            return unexpected("a numeric caption has at most 15 digits, this one has " +
                              std::to_string(digits.size()));
        return CaptionKind::numeric;
    }
    if (caption.starts_with('+'))
        return unexpected(std::string("a caption starting with '+' must be digits only"));

    std::u32string cps;
    if (pdu::utf8_decode(caption, cps)) return unexpected(std::string("not valid UTF-8"));
    if (cps.size() > max_alphanumeric)
        return unexpected("a name caption has at most 11 characters, this one has " +
                          std::to_string(cps.size()));
    for (char32_t cp : cps) {
        const bool ok =
            cp < 0x80 && (is_letter(static_cast<char>(cp)) || is_digit(static_cast<char>(cp)) ||
                          cp == U' ' || cp == U'-' || cp == U'_');
        if (!ok) {
            std::string shown;
            pdu::utf8_append(shown, cp);
            return unexpected("'" + shown +
                              "' is not allowed in a caption (letters A-Z, digits, space, "
                              "'-' and '_' only)");
        }
    }
    if (std::none_of(caption.begin(), caption.end(), is_letter))
        return unexpected(std::string("a name caption needs at least one letter"));
    if (caption.front() == ' ' || caption.back() == ' ')
        return unexpected(std::string("a caption cannot start or end with a space"));
    if (caption.find("  ") != std::string_view::npos)
        return unexpected(std::string("a caption cannot have two spaces in a row"));
    return CaptionKind::alphanumeric;
}

}  // namespace smsgw::policy
