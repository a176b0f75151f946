// V.250 §5.2–5.4 command line syntax, as far as modems in the field follow it:
// spaces outside strings are ignored, names are case-insensitive, strings keep
// their case, and a basic command's parameter is its trailing digits.
#include "tools/modemsim/command_line.hpp"

#include <cctype>
#include <charconv>

namespace smsgw::modemsim {
namespace {

char upper(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// Removes spaces outside double quotes; nullopt on an unterminated string.
std::optional<std::string> strip_spaces(std::string_view body) {
    std::string out;
    bool quoted = false;
    for (char c : body) {
        if (c == '"') quoted = !quoted;
        if (!quoted && c == ' ') continue;
        out += c;
    }
    if (quoted) return std::nullopt;
    return out;
}

}  // namespace

std::optional<std::vector<AtCommand>> split_command_line(std::string_view raw) {
    auto stripped = strip_spaces(raw);
    if (!stripped) return std::nullopt;
    std::string_view s = *stripped;
    std::vector<AtCommand> out;
    std::size_t i = 0;
    while (i < s.size()) {
        char c = s[i];
        if (c == ';') {
            ++i;
            continue;
        }
        AtCommand cmd;
        if (c == '+' || c == '^' || c == '$' || c == '%' || c == '*') {
            // Extended command: prefix, name, then ?, =?, =args or nothing.
            std::size_t start = i++;
            while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_'))
                ++i;
            if (i == start + 1) return std::nullopt;
            for (std::size_t k = start; k < i; ++k) cmd.name += upper(s[k]);
            if (i < s.size() && s[i] == '?') {
                cmd.form = CommandForm::query;
                ++i;
            } else if (i + 1 < s.size() && s[i] == '=' && s[i + 1] == '?') {
                cmd.form = CommandForm::test;
                i += 2;
            } else if (i < s.size() && s[i] == '=') {
                cmd.form = CommandForm::set;
                ++i;
                bool quoted = false;
                std::size_t arg_start = i;
                while (i < s.size() && (quoted || s[i] != ';')) {
                    if (s[i] == '"') quoted = !quoted;
                    ++i;
                }
                cmd.args = std::string(s.substr(arg_start, i - arg_start));
            }
            if (i < s.size() && s[i] != ';') return std::nullopt;
        } else if (upper(c) == 'S' && i + 1 < s.size() && is_digit(s[i + 1])) {
            // S-register: S<n>? or S<n>=<value>.
            std::size_t start = i++;
            while (i < s.size() && is_digit(s[i])) ++i;
            cmd.name = "S" + std::string(s.substr(start + 1, i - start - 1));
            if (i < s.size() && s[i] == '?') {
                cmd.form = CommandForm::query;
                ++i;
            } else if (i < s.size() && s[i] == '=') {
                cmd.form = CommandForm::set;
                std::size_t v = ++i;
                while (i < s.size() && is_digit(s[i])) ++i;
                cmd.args = std::string(s.substr(v, i - v));
            } else {
                return std::nullopt;
            }
        } else if (upper(c) == 'D') {
            // Dial takes the rest of the line.
            cmd.name = "D";
            cmd.form = CommandForm::set;
            cmd.args = std::string(s.substr(i + 1));
            i = s.size();
        } else if (is_alpha(c) || c == '&') {
            if (c == '&') {
                if (i + 1 >= s.size() || !is_alpha(s[i + 1])) return std::nullopt;
                cmd.name = std::string("&") + upper(s[i + 1]);
                i += 2;
            } else {
                cmd.name = std::string(1, upper(c));
                ++i;
            }
            std::size_t v = i;
            while (i < s.size() && is_digit(s[i])) ++i;
            cmd.args = std::string(s.substr(v, i - v));
            if (!cmd.args.empty()) cmd.form = CommandForm::set;
            if (i < s.size() && s[i] == '?') {  // ATE? / ATV? on some firmwares
                cmd.form = CommandForm::query;
                ++i;
            }
        } else {
            return std::nullopt;
        }
        out.push_back(std::move(cmd));
    }
    return out;
}

std::optional<std::vector<AtArg>> split_args(std::string_view args) {
    std::vector<AtArg> out;
    AtArg cur;
    bool quoted = false;
    for (char c : args) {
        if (c == '"') {
            quoted = !quoted;
            cur.quoted = true;
        } else if (c == ',' && !quoted) {
            out.push_back(std::move(cur));
            cur = AtArg{};
        } else {
            cur.text += c;
        }
    }
    if (quoted) return std::nullopt;
    if (!args.empty()) out.push_back(std::move(cur));
    return out;
}

std::optional<int> arg_int(const std::vector<AtArg>& args, std::size_t i) {
    if (i >= args.size() || args[i].quoted || args[i].text.empty()) return std::nullopt;
    const std::string& t = args[i].text;
    int value = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec != std::errc{} || end != t.data() + t.size()) return std::nullopt;
    return value;
}

std::optional<int> first_int_in(std::string_view args, int lo, int hi) {
    auto split = split_args(args);
    auto v = split ? arg_int(*split, 0) : std::nullopt;
    if (!v || *v < lo || *v > hi) return std::nullopt;
    return v;
}

std::optional<std::string> arg_string(const std::vector<AtArg>& args, std::size_t i) {
    if (i >= args.size() || args[i].empty()) return std::nullopt;
    return args[i].text;
}

}  // namespace smsgw::modemsim
