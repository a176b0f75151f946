// The value checks of the op table: one function per ParamType, each error
// naming the parameter path and what was expected. Only the checks with a
// code of their own (invalid_number, text_too_long) differ from bad_request.
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <utility>

#include "daemon/api/amount.hpp"
#include "daemon/api/param_io.hpp"
#include "daemon/api/timestamp.hpp"
#include "pdu/compose.hpp"

namespace smsgw::api {

namespace {

using nlohmann::json;

// 255 parts × 153 GSM-7 characters (TS 23.040 §9.2.3.24.1 caps a concatenated
// message at 255 parts), counted on the text as it is sent: decomposed accents
// composed (pdu/compose.hpp), as the daemon's encoder does. Anything longer can
// never be sent; the daemon applies the configured, lower limit once it knows
// the encoding.
constexpr std::size_t max_text_chars = 255 * 153;

std::string range(const ParamSpec& s) {
    return std::to_string(s.min) + ".." + std::to_string(s.max);
}

// "an integer in 1..100", or for a range of one value ("protocol": 1) "1".
std::string integer_range(const ParamSpec& s) {
    return s.min == s.max ? std::to_string(s.min) : "an integer in " + range(s);
}

std::size_t utf8_chars(const std::string& s) {
    // nlohmann's parser has already refused ill-formed UTF-8.
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string one_of(std::span<const std::string_view> choices) {
    std::string out;
    for (std::string_view c : choices) out += (out.empty() ? "" : ", ") + std::string(c);
    return "one of " + out;
}

Error bad(const std::string& path, const std::string& expected, const json& found) {
    return {ErrorCode::bad_request, path + ": expected " + expected + ", found " + describe(found),
            path};
}

// Digits with the usual separators and at most one leading `+`; 3 to 17 digits
// (E.164's 15 plus room for a national trunk prefix). libphonenumber in the
// daemon decides whether the number really exists.
// A number or a sender within the white space a value copied from a document
// or a spreadsheet cell brings along (" +4917… ", "+4917…\n"), and where it
// starts; nullopt when there is nothing else.
std::optional<std::pair<std::string_view, std::size_t>> within_white_space(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return std::nullopt;
    return std::pair{s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1), first};
}

bool plausible_number(const std::string& s) {
    const auto trimmed = within_white_space(s);
    if (!trimmed) return false;
    const std::string_view number = trimmed->first;
    std::size_t digit_count = 0;
    bool beyond_ascii = false;
    for (std::size_t i = 0; i < number.size(); ++i) {
        const char c = number[i];
        if (c >= '0' && c <= '9')
            ++digit_count;
        else if (static_cast<unsigned char>(c) >= 0x80)
            beyond_ascii = true;
        else if (c == '+' ? i != 0 : std::string_view(" -()./").find(c) == std::string_view::npos)
            return false;
    }
    // A no-break or thin space, a dash or fullwidth digits, as a number pasted
    // from a web page or an office document has them: the daemon's number
    // rules read those, and name any other character in their refusal.
    if (beyond_ascii) return true;
    return digit_count >= 3 && digit_count <= 17;
}

// The first control character of an SMS text a handset would show as junk or
// not at all, and its position in characters (1-based): C0 controls but
// TAB, LF, FF and CR (line breaks and a form feed are in GSM 03.38; a tab
// is common in pasted text), DEL and the C1 controls. A NUL in particular
// would end the text early in many handsets' displays. Without `layout`,
// TAB, LF, FF and CR count as control characters too.
std::optional<std::pair<char32_t, std::size_t>> control_character(std::string_view s,
                                                                  bool layout = true) {
    const auto is_layout = [](unsigned char b) {
        return b == '\t' || b == '\n' || b == '\f' || b == '\r';
    };
    std::size_t position = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if ((b & 0xC0) == 0x80) continue;  // inside a character
        ++position;
        if (b < 0x20 && !(layout && is_layout(b))) return {{b, position}};
        if (b == 0x7F) return {{b, position}};
        // U+0080..U+009F are 0xC2 0x80..0x9F in UTF-8.
        if (b == 0xC2 && i + 1 < s.size()) {
            const auto next = static_cast<unsigned char>(s[i + 1]);
            if (next >= 0x80 && next <= 0x9F) return {{next, position}};
        }
    }
    return std::nullopt;
}

std::string code_point(char32_t c) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out = "U+0000";
    for (int i = 0; i < 4; ++i) out[5 - i] = hex[(c >> (4 * i)) & 0xF];
    return out;
}

bool plain_name(const std::string& s, bool setting_key) {
    return std::all_of(s.begin(), s.end(), [&](char c) {
        const auto u = static_cast<unsigned char>(c);
        if (setting_key) return std::islower(u) || std::isdigit(u) || c == '_' || c == '.';
        return std::isalnum(u) || c == '_' || c == '-' || c == '.';
    });
}

std::optional<Error> check_string(const json& v, const ParamSpec& s, const std::string& path) {
    const auto& text = v.get_ref<const std::string&>();
    switch (s.check) {
        case ParamCheck::sms_text:
            if (text.empty()) return bad(path, "a text of at least one character", v);
            if (text.find_first_not_of(" \t\r\n\f") == std::string::npos)
                return Error{ErrorCode::bad_request,
                             path + ": expected a text with something to read, found only white space",
                             path};
            if (const auto c = control_character(text))
                return Error{ErrorCode::bad_request,
                             path + ": expected a text without control characters, found " +
                                 code_point(c->first) + " at character " +
                                 std::to_string(c->second) +
                                 " (line breaks, tabs and form feeds are allowed)",
                             path};
            if (utf8_chars(text) > max_text_chars) {
                // Only a text this long pays for the copy: "e" + U+0301 is one
                // character once composed, and so it is sent and stored.
                std::string composed = text;
                pdu::compose_canonical_utf8(composed);
                if (const std::size_t n = utf8_chars(composed); n > max_text_chars)
                    return Error{ErrorCode::text_too_long,
                                 path + ": " + std::to_string(n) +
                                     " characters do not fit in 255 parts (at most " +
                                     std::to_string(max_text_chars) + ")",
                                 path};
            }
            return std::nullopt;
        case ParamCheck::phone_number:
            if (!plausible_number(text))
                return Error{
                    ErrorCode::invalid_number,
                    path + ": expected a phone number such as +491701234567, found " + describe(v),
                    path};
            break;
        case ParamCheck::sender: {
            // What normalize_sender keeps of an originator: the text within
            // the white space a copied value brings along. A name or number
            // has no line break or other control character inside.
            constexpr std::string_view expected =
                "a sender: a phone number, a short code or a name such as \"ACME\"";
            const auto trimmed = within_white_space(text);
            if (!trimmed) return bad(path, std::string(expected), v);
            const auto [sender, first] = *trimmed;
            if (const auto c = control_character(sender, false))
                return Error{ErrorCode::bad_request,
                             path + ": expected " + std::string(expected) +
                                 " without control characters, found " + code_point(c->first) +
                                 " at character " + std::to_string(first + c->second),
                             path};
            break;
        }
        case ParamCheck::name:
        case ParamCheck::setting_key:
            if (!plain_name(text, s.check == ParamCheck::setting_key))
                return bad(path,
                           s.check == ParamCheck::name
                               ? "a name of letters, digits, `_`, `-` and `.`"
                               : "a setting key of lower-case letters, digits, `_` and `.`",
                           v);
            break;
        case ParamCheck::client_key:
            if (text.starts_with(daemon_key_prefix))
                return bad(path,
                           "a key not beginning with \"" + std::string(daemon_key_prefix) +
                               "\" (smsgwd's own automatic replies use those)",
                           v);
            break;
        case ParamCheck::none:
            break;
    }
    if (text.size() < static_cast<std::size_t>(s.min) ||
        text.size() > static_cast<std::size_t>(s.max))
        return bad(path, "a string of " + range(s) + " bytes", v);
    return std::nullopt;
}

std::optional<Error> check_list(const json& v, const ParamSpec& s, const std::string& path) {
    if (!v.is_array()) return bad(path, "a list", v);
    // Only the bound that was crossed: a list's upper bound here may be above
    // the one the daemon applies (send_batch's limits.max_batch_messages), and
    // quoting it to a client that sent too few would mislead.
    if (v.size() < static_cast<std::size_t>(s.min))
        return Error{ErrorCode::bad_request,
                     path + ": expected at least " + std::to_string(s.min) +
                         (s.min == 1 ? " item" : " items") + ", found " + std::to_string(v.size()),
                     path};
    if (v.size() > static_cast<std::size_t>(s.max))
        return Error{ErrorCode::bad_request,
                     path + ": expected at most " + std::to_string(s.max) + " items, found " +
                         std::to_string(v.size()),
                     path};
    std::set<std::string> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const json& item = v[i];
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        if (s.type == ParamType::object_list) continue;  // each item refused on its own
        if (!item.is_string()) return bad(item_path, "a string", item);
        if (s.type == ParamType::enum_list) {
            const auto& name = item.get_ref<const std::string&>();
            if (std::find(s.choices.begin(), s.choices.end(), name) == s.choices.end())
                return bad(item_path, one_of(s.choices), item);
            if (!seen.insert(name).second) return bad(item_path, "each value once", item);
            continue;
        }
        // string_list: each item a string of 1..128 bytes passing the check
        ParamSpec item_spec = s;
        item_spec.type = ParamType::string;
        item_spec.min = 1;
        item_spec.max = 128;
        if (auto e = check_string(item, item_spec, item_path)) return e;
    }
    return std::nullopt;
}

// Money: exact decimal text, or whole units as a JSON integer. A JSON number
// with a fraction is refused with the reason, since the double a client's
// encoder wrote for 0.1 or 19.99 is not that amount.
std::optional<Error> check_amount(const json& v, const ParamSpec& s, const std::string& path) {
    constexpr const char* expected = "a decimal string such as \"10.50\" or a whole number";
    const auto out_of_range = [&] {
        return bad(path, "an amount from " + format_amount(s.min) + " to " + format_amount(s.max),
                   v);
    };
    std::int64_t micros = 0;
    if (v.is_string()) {
        auto parsed = parse_amount(v.get_ref<const std::string&>());
        if (!parsed) return bad(path, parsed.error(), v);
        micros = *parsed;
    } else if (v.is_number_float()) {
        return Error{ErrorCode::bad_request,
                     path + ": expected " + expected + ", found " + describe(v) +
                         " (write amounts as strings: a JSON number with a fraction is binary "
                         "floating point and may not be the amount meant)",
                     path};
    } else if (v.is_number_integer()) {
        const bool in_units =
            v.is_number_unsigned()
                ? v.get<std::uint64_t>() <= max_amount_micros / micros_per_unit
                : v.get<std::int64_t>() >= 0 &&
                      v.get<std::int64_t>() <= max_amount_micros / micros_per_unit;
        if (!in_units) return out_of_range();
        micros = v.get<std::int64_t>() * micros_per_unit;
    } else {
        return bad(path, expected, v);
    }
    if (micros < s.min || micros > s.max) return out_of_range();
    return std::nullopt;
}

}  // namespace

std::string describe(const json& v) {
    switch (v.type()) {
        case json::value_t::string: {
            const auto& s = v.get_ref<const std::string&>();
            // Cut long values without splitting a UTF-8 sequence.
            std::size_t cut = std::min<std::size_t>(s.size(), 40);
            while (cut < s.size() && cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
                --cut;
            return json(s.substr(0, cut) + (cut < s.size() ? "…" : "")).dump();
        }
        case json::value_t::null:
            return "null";
        case json::value_t::boolean:
            return v.get<bool>() ? "true" : "false";
        case json::value_t::object:
            return "an object";
        case json::value_t::array:
            return "a list";
        default:
            return "the number " + v.dump();
    }
}

std::optional<Error> check_value(const json& v, const ParamSpec& s, const std::string& path) {
    switch (s.type) {
        case ParamType::string:
            if (!v.is_string()) return bad(path, "a string", v);
            return check_string(v, s, path);
        case ParamType::integer: {
            if (!v.is_number_integer()) return bad(path, integer_range(s), v);
            // Non-negative numbers parse as unsigned; above INT64_MAX they are
            // out of every range we have.
            const bool fits = !v.is_number_unsigned() || v.get<std::uint64_t>() <= INT64_MAX;
            const bool in_range =
                fits && v.get<std::int64_t>() >= s.min && v.get<std::int64_t>() <= s.max;
            if (!in_range) return bad(path, integer_range(s), v);
            return std::nullopt;
        }
        case ParamType::boolean:
            if (!v.is_boolean()) return bad(path, "true or false", v);
            return std::nullopt;
        case ParamType::timestamp:
            if (!v.is_string() || !parse_timestamp(v.get_ref<const std::string&>()))
                return bad(path,
                           "an ISO-8601 time with offset such as \"2024-06-01T14:30:00+02:00\"", v);
            return std::nullopt;
        case ParamType::enumeration:
            if (!v.is_string() || std::find(s.choices.begin(), s.choices.end(),
                                            v.get_ref<const std::string&>()) == s.choices.end())
                return bad(path, one_of(s.choices), v);
            return std::nullopt;
        case ParamType::string_list:
        case ParamType::enum_list:
        case ParamType::object_list:
            return check_list(v, s, path);
        case ParamType::scalar:
            if (v.is_string()) return check_string(v, s, path);
            if (v.is_boolean() || (v.is_number_integer() && !v.is_number_unsigned()))
                return std::nullopt;
            if (v.is_number_unsigned() && v.get<std::uint64_t>() <= INT64_MAX) return std::nullopt;
            return bad(path, "a string, an integer or true/false", v);
        case ParamType::amount:
            return check_amount(v, s, path);
    }
    return std::nullopt;
}

}  // namespace smsgw::api
