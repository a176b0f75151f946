// Parsers for the identification answers; see identity_replies.hpp.
#include "drivers/at/identity_replies.hpp"

#include "drivers/at/enum_names.hpp"
#include "drivers/at/text.hpp"

namespace smsgw::at {

namespace {

constexpr EnumName<IdentityKind> kind_names[] = {
    {IdentityKind::imei, "imei"}, {IdentityKind::imsi, "imsi"}, {IdentityKind::iccid, "iccid"}};

struct DigitRule {
    IdentityKind kind;
    std::size_t min, max;
};
// IMEI 15 digits, IMEISV 16 (TS 23.003 §6.2); IMSI at most 15 (§2.2); ICCID 18–20
// digits (ITU-T E.118), some SIMs pad to 20 with 'F'.
constexpr DigitRule rules[] = {
    {IdentityKind::imei, 14, 17}, {IdentityKind::imsi, 6, 15}, {IdentityKind::iccid, 18, 20}};

// "+CCID: "8944…"", "^ICCID: 98…", "+CGSN: 3569…", "8944…" → the value text.
// "+CRSM: 144,0,"98…"" (TS 27.007 §8.18, EF_ICCID read) → the data of a 90 00 answer.
std::string_view strip_tag(std::string_view line) {
    line = trim(line);
    if (const auto crsm = info_body(line, "+CRSM")) {
        const auto args = split_args(*crsm);
        if (args.size() < 3 || to_long(args[0]) != 144) return {};
        line = args[2];
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && colon < 12 && !line.empty() &&
        !is_digits(line.substr(0, 1)))
        line = trim(line.substr(colon + 1));
    if (line.size() >= 2 && line.front() == '"' && line.back() == '"')
        line = trim(line.substr(1, line.size() - 2));
    return line;
}

std::string swap_nibbles(std::string_view s) {
    std::string out(s);
    for (std::size_t i = 0; i + 1 < out.size(); i += 2) std::swap(out[i], out[i + 1]);
    return out;
}

}  // namespace

std::string_view to_string(IdentityKind k) {
    return enum_name(kind_names, k);
}

ParseResult<std::string> parse_identity(std::span<const std::string> lines, IdentityKind kind) {
    const DigitRule* rule = &rules[0];
    for (const auto& r : rules)
        if (r.kind == kind) rule = &r;
    std::string last_reason = "no answer line";
    for (const std::string& line : lines) {
        std::string value(strip_tag(line));
        if (value.empty()) continue;
        if (kind == IdentityKind::iccid) {
            if (value.size() % 2 == 0 && value.starts_with("98")) value = swap_nibbles(value);
            while (!value.empty() && (value.back() == 'F' || value.back() == 'f')) value.pop_back();
        }
        if (!is_digits(value)) {
            last_reason = std::string(to_string(kind)) + " '" + value + "' is not digits only";
            continue;
        }
        if (value.size() < rule->min || value.size() > rule->max) {
            last_reason = std::string(to_string(kind)) + " '" + value + "' has " +
                          std::to_string(value.size()) + " digits, expected " +
                          std::to_string(rule->min) + "-" + std::to_string(rule->max);
            continue;
        }
        return value;
    }
    return parse_error(last_reason);
}

ParseResult<std::string> parse_text_answer(std::span<const std::string> lines) {
    std::string out;
    for (const std::string& line : lines) {
        std::string_view text = trim(line);
        for (std::string_view tag : {"+CGMI", "+CGMM", "+CGMR", "+GMI", "+GMM", "+GMR"})
            if (const auto body = info_body(text, tag)) text = *body;
        if (text.empty()) continue;
        if (!out.empty()) out += ' ';
        out += unquote(text);
    }
    if (out.empty()) return parse_error("empty answer");
    return out;
}

}  // namespace smsgw::at
