// `${SMSGW_NAME}` placeholders in string values. The demo (and packagers) need
// one config whose paths point into a folder chosen at run time; expanding only
// names given by the caller and starting with SMSGW_ keeps a config from
// reading arbitrary environment (`${HOME}`) and makes a typo an error, not an
// empty path. A `$` not followed by `{` is ordinary text.
#include <cctype>

#include "config/yaml_reader.hpp"

namespace smsgw::config {

bool expand_placeholders(std::string_view in, const LoadOptions& options, std::string& out,
                         std::string& problem) {
    constexpr std::string_view prefix = "SMSGW_";
    out.clear();
    std::size_t pos = 0;
    while (pos < in.size()) {
        const auto start = in.find("${", pos);
        if (start == std::string_view::npos) break;
        out.append(in.substr(pos, start - pos));
        const auto close = in.find('}', start + 2);
        const std::string_view name = close == std::string_view::npos
                                          ? in.substr(start + 2)
                                          : in.substr(start + 2, close - start - 2);
        bool well_formed = close != std::string_view::npos && name.size() > prefix.size() &&
                           name.substr(0, prefix.size()) == prefix;
        for (char c : name)
            if (!(std::isupper(static_cast<unsigned char>(c)) ||
                  std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
                well_formed = false;
        if (!well_formed) {
            problem =
                "expected a placeholder like ${SMSGW_DEMO_DIR} (upper case, SMSGW_ prefix), found "
                "\"" +
                std::string(
                    in.substr(start, close == std::string_view::npos ? 16 : close - start + 1)) +
                "\"";
            return false;
        }
        const auto value = options.variables.find(name);
        if (value == options.variables.end()) {
            problem =
                "${" + std::string(name) + "} is not set; expected it in the environment of smsgwd";
            return false;
        }
        out.append(value->second);
        pos = close + 1;
    }
    out.append(in.substr(pos));
    return true;
}

std::map<std::string, std::string, std::less<>> variables_from_environment(
    const char* const* envp) {
    std::map<std::string, std::string, std::less<>> out;
    for (; envp && *envp; ++envp) {
        const std::string_view entry = *envp;
        const auto eq = entry.find('=');
        if (eq == std::string_view::npos || entry.substr(0, 6) != "SMSGW_") continue;
        out.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
    return out;
}

}  // namespace smsgw::config
