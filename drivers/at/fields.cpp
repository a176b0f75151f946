// Argument syntax of information responses; see fields.hpp.
#include "drivers/at/fields.hpp"

#include "drivers/at/text.hpp"

namespace smsgw::at {

std::optional<std::string_view> info_body(std::string_view line, std::string_view name) {
    line = trim(line);
    if (!istarts_with(line, name)) return std::nullopt;
    line.remove_prefix(name.size());
    if (line.empty() || line.front() != ':') return std::nullopt;
    return trim(line.substr(1));
}

std::optional<int> int_field(std::string_view field, long lo, long hi) {
    const auto v = to_long(field);
    if (!v || *v < lo || *v > hi) return std::nullopt;
    return static_cast<int>(*v);
}

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

std::vector<std::string_view> split_args(std::string_view body) {
    std::vector<std::string_view> out;
    int depth = 0;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (c == '(')
            ++depth;
        else if (c == ')' && depth > 0)
            --depth;
        else if (c == ',' && depth == 0) {
            out.push_back(trim(body.substr(start, i - start)));
            start = i + 1;
        }
    }
    out.push_back(trim(body.substr(start)));
    return out;
}

std::string unquote(std::string_view field) {
    field = trim(field);
    if (!field.empty() && field.front() == '"') field.remove_prefix(1);
    if (!field.empty() && field.back() == '"') field.remove_suffix(1);
    return std::string(field);
}

bool RangeList::contains(long v) const {
    for (const auto& r : ranges)
        if (v >= r.lo && v <= r.hi) return true;
    return false;
}

std::string RangeList::to_string() const {
    std::string out;
    for (const auto& r : ranges) {
        if (!out.empty()) out += ',';
        out += std::to_string(r.lo);
        if (r.hi != r.lo) out += '-' + std::to_string(r.hi);
    }
    return out;
}

namespace {
std::string_view strip_parens(std::string_view f) {
    f = trim(f);
    if (!f.empty() && f.front() == '(') f.remove_prefix(1);
    if (!f.empty() && f.back() == ')') f.remove_suffix(1);
    return trim(f);
}
}  // namespace

ParseResult<RangeList> parse_range_list(std::string_view field) {
    RangeList list;
    const std::string_view inner = strip_parens(field);
    if (inner.empty()) return list;
    for (std::string_view item : split_args(inner)) {
        const auto dash = item.find('-');
        const auto lo = to_long(item.substr(0, dash));
        const auto hi = dash == std::string_view::npos ? lo : to_long(item.substr(dash + 1));
        if (!lo || !hi || *hi < *lo)
            return parse_error("range list item '" + std::string(item) + "' is not N or N-M");
        list.ranges.push_back({*lo, *hi});
    }
    return list;
}

ParseResult<std::vector<std::string>> parse_string_list(std::string_view field) {
    std::vector<std::string> out;
    const std::string_view inner = strip_parens(field);
    if (inner.empty()) return out;
    for (std::string_view item : split_args(inner)) {
        if (item.size() < 2 || item.front() != '"' || item.back() != '"')
            return parse_error("list item '" + std::string(item) + "' is not a quoted string");
        out.push_back(unquote(item));
    }
    return out;
}

}  // namespace smsgw::at
