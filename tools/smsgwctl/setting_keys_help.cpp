#include "tools/smsgwctl/setting_keys_help.hpp"

#include <sstream>
#include <string_view>

#include "daemon/api/setting_keys.hpp"

namespace smsgw::ctl {

namespace {

// What to type for a value of this type on the command line.
std::string value_hint(const api::SettingSpec& spec) {
    using T = api::SettingType;
    switch (spec.type) {
        case T::boolean:
            return "true or false";
        case T::integer:
            return "an integer from " + std::to_string(spec.min) + " to " +
                   std::to_string(spec.max);
        case T::text:
            return "text, at most " + std::to_string(spec.max) + " characters";
        case T::reply_text:
            return "text that fits in one SMS";
        case T::money:
            return "a decimal such as 0.09";
        case T::currency:
            return "an ISO 4217 code such as EUR";
        case T::sender_caption:
            return "a name, or a number of up to 15 digits";
    }
    return "text";
}

// `text` in lines of at most `width` characters, each after `indent`.
std::string wrapped(std::string_view text, std::string_view indent, std::size_t width) {
    std::string out, line;
    std::istringstream words{std::string(text)};
    for (std::string word; words >> word;) {
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            out += std::string(indent) + line + "\n";
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
    }
    if (!line.empty()) out += std::string(indent) + line + "\n";
    return out;
}

}  // namespace

std::string setting_keys_help() {
    std::string out = "Keys (the value to give; who may change it):\n";
    for (const api::SettingSpec& spec : api::setting_specs()) {
        out += "  " + std::string(spec.key) + "  (" + value_hint(spec) + "; " +
               std::string(api::to_string(spec.min_role)) + ")\n";
        out += wrapped(spec.description, "      ", 72);
    }
    return out;
}

}  // namespace smsgw::ctl
