// The typed readers of yaml_reader.hpp. Type rules are strict on purpose: a
// config that says `baud: fast` or `enabled: maybe` stops the daemon at start
// rather than running with a value nobody chose.
#include "config/yaml_reader.hpp"

#include <algorithm>

#include <charconv>
#include <set>

namespace smsgw::config {

namespace {

// Cut long scalars in messages, without splitting a UTF-8 sequence.
std::string shorten(const std::string& s) {
    constexpr std::size_t max = 40;
    if (s.size() <= max) return s;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return s.substr(0, cut) + "…";
}

}  // namespace

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return "nothing";
        case YAML::NodeType::Sequence:
            if (node.size() == 0) return "an empty list";
            return "a list of " + std::to_string(node.size()) + (node.size() == 1 ? " item" : " items");
        case YAML::NodeType::Map:
            return node.size() == 0 ? "an empty mapping" : "a mapping";
        case YAML::NodeType::Scalar:
            break;
    }
    return "\"" + shorten(node.Scalar()) + "\"";
}

Location Reader::where(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {};
    return {mark.line + 1, mark.column + 1};
}

void Reader::error(Location at, std::string path, std::string message) {
    errors_.push_back({file_, at.line, at.column, std::move(path), std::move(message)});
}

void Reader::expected(const YAML::Node& at, const std::string& path, std::string_view what) {
    error(at, path, "expected " + std::string(what) + ", found " + describe(at));
}

Location Reader::location_of(const std::string& path) const {
    // Fall back to the closest enclosing key that was read: `modems[1]` for
    // `modems[1].port` when the port was never given.
    std::string p = path;
    while (!p.empty()) {
        if (auto it = seen_.find(p); it != seen_.end()) return it->second;
        const auto cut = p.find_last_of(".[");
        if (cut == std::string::npos) break;
        p.resize(cut);
    }
    return {};
}

bool Reader::is_map(const YAML::Node& node, const std::string& path) {
    if (node.IsMap()) return true;
    expected(node, path, "a mapping of keys");
    return false;
}

bool Reader::is_list(const YAML::Node& node, const std::string& path) {
    if (node.IsSequence()) return true;
    expected(node, path, "a list");
    return false;
}

std::optional<std::string> Reader::text(const YAML::Node& node, const std::string& path) {
    if (!node.IsScalar()) {
        expected(node, path, "a text value");
        return std::nullopt;
    }
    std::string out, problem;
    if (!expand_placeholders(node.Scalar(), options_, out, problem)) {
        error(node, path, problem);
        return std::nullopt;
    }
    if (out.empty()) {
        error(node, path, "expected a value, found empty text");
        return std::nullopt;
    }
    return out;
}

std::optional<std::string> Reader::absolute_path(const YAML::Node& node, const std::string& path) {
    auto value = text(node, path);
    if (value && value->front() != '/') {
        // The daemon runs from / under systemd: a relative path would surprise.
        error(node, path, "expected an absolute path, found \"" + shorten(*value) + "\"");
        return std::nullopt;
    }
    return value;
}

// YAML 1.2: a quoted scalar is text (yaml-cpp tags it "!"), `"5"` is not 5.
static bool quoted(const YAML::Node& node) {
    return node.Tag() == "!";
}

std::optional<long long> Reader::integer(const YAML::Node& node, const std::string& path,
                                         long long min, long long max) {
    const std::string range = std::to_string(min) + ".." + std::to_string(max);
    if (!node.IsScalar()) {
        expected(node, path, "a whole number in " + range);
        return std::nullopt;
    }
    if (quoted(node)) {
        error(node, path,
              "expected a whole number in " + range + ", found the text " + describe(node) +
                  " (a number is written without quotes)");
        return std::nullopt;
    }
    const std::string& s = node.Scalar();
    long long value = 0;
    const bool plus = s.size() > 1 && s[0] == '+' && s[1] != '-';
    const char* begin = s.data() + (plus ? 1 : 0);
    const auto [end, ec] = std::from_chars(begin, s.data() + s.size(), value);
    if (s.empty() || ec == std::errc::invalid_argument || end != s.data() + s.size()) {
        expected(node, path, "a whole number in " + range);
        return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range || value < min || value > max) {
        error(node, path, "expected a whole number in " + range + ", found " + shorten(s));
        return std::nullopt;
    }
    return value;
}

std::optional<bool> Reader::boolean(const YAML::Node& node, const std::string& path) {
    // YAML 1.2 core schema spellings only; yaml-cpp's `as<bool>` would also take
    // y/n/on/off, which YAML 1.2 reads as text.
    if (node.IsScalar() && quoted(node)) {
        error(node, path,
              "expected true or false, found the text " + describe(node) +
                  " (written without quotes)");
        return std::nullopt;
    }
    if (node.IsScalar()) {
        const std::string& s = node.Scalar();
        if (s == "true" || s == "True" || s == "TRUE") return true;
        if (s == "false" || s == "False" || s == "FALSE") return false;
    }
    expected(node, path, "true or false");
    return std::nullopt;
}

std::optional<std::vector<std::string>> Reader::text_list(
    const YAML::Node& node, const std::string& path,
    bool (*item_check)(std::string_view, std::string& expected)) {
    if (!is_list(node, path)) return std::nullopt;
    std::vector<std::string> out;
    std::set<std::string, std::less<>> distinct;
    bool good = true;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node item = node[i];
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        auto value = text(item, item_path);
        if (!value) {
            good = false;
            continue;
        }
        std::string what;
        if (item_check && !item_check(*value, what)) {
            error(item, item_path, "expected " + what + ", found \"" + shorten(*value) + "\"");
            good = false;
        } else if (!distinct.insert(*value).second) {
            error(item, item_path, "\"" + shorten(*value) + "\" is listed twice");
            good = false;
        }
        remember(item_path, item);
        out.push_back(std::move(*value));
    }
    if (!good) return std::nullopt;
    return out;
}

bool Reader::refused(std::string_view path) const {
    return std::any_of(errors_.begin(), errors_.end(), [path](const Diagnostic& d) {
        if (!d.path.starts_with(path)) return false;
        return d.path.size() == path.size() || d.path[path.size()] == '[' ||
               d.path[path.size()] == '.';
    });
}

std::vector<Diagnostic> Reader::take_errors() {
    return std::move(errors_);
}

}  // namespace smsgw::config
