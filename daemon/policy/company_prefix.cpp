// Company-name prefix of marketing messages.
#include "daemon/policy/company_prefix.hpp"

#include "daemon/policy/text_fold.hpp"
#include "pdu/utf8.hpp"

namespace smsgw::policy {
namespace {

std::string_view trim(std::string_view s, std::string_view ws = " \t\r\n") {
    const auto first = s.find_first_not_of(ws);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(ws) - first + 1);
}

// Whether `text` begins with the folded `name_key` followed by a word boundary.
bool starts_with_name(std::string_view text, const std::u32string& name_key) {
    std::u32string cps;
    if (pdu::utf8_decode(text, cps)) return false;
    std::u32string key;
    std::size_t i = 0;
    for (; i < cps.size() && key.size() < name_key.size(); ++i) fold_code_point(cps[i], key);
    if (key != name_key) return false;
    // The next character must not continue a word ("ACMEcorp").
    std::u32string next;
    return i == cps.size() || !fold_code_point(cps[i], next);
}

}  // namespace

std::string with_company_prefix(std::string_view text, std::string_view company) {
    const std::string_view name = trim(company);
    const std::string_view body = trim(text, " \t");
    if (name.empty() || body.empty()) return std::string(text);

    std::u32string name_cps;
    if (pdu::utf8_decode(name, name_cps)) return std::string(text);
    std::u32string name_key;
    for (char32_t cp : name_cps) fold_code_point(cp, name_key);
    if (!name_key.empty() && starts_with_name(body, name_key)) return std::string(text);

    std::string out(name);
    out += name.ends_with(':') ? " " : company_separator;
    // Only leading whitespace goes; the text's own ending is the sender's.
    out += text.substr(text.find_first_not_of(" \t"));
    return out;
}

std::string apply_company_prefix(std::string_view text, api::Category category,
                                 const Settings& settings) {
    if (!settings.prefix_company_name || category != api::Category::marketing)
        return std::string(text);
    return with_company_prefix(text, settings.company_name);
}

}  // namespace smsgw::policy
