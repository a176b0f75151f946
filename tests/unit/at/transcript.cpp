// Transcript reader; see transcript.hpp.
#include "transcript.hpp"

#include "drivers/at/text.hpp"

namespace smsgw::at::test {

std::string unescape_c(std::string_view text, bool* ok) {
    std::string out;
    bool good = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 >= text.size()) {
            out += text[i];
            continue;
        }
        const char e = text[++i];
        switch (e) {
            case 'r':
                out += '\r';
                break;
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case '\\':
                out += '\\';
                break;
            case '"':
                out += '"';
                break;
            case 'x':
                if (i + 2 < text.size() && is_hex(text.substr(i + 1, 2))) {
                    out += static_cast<char>(*to_hex_ulong(text.substr(i + 1, 2)));
                    i += 2;
                } else {
                    good = false;
                }
                break;
            default:
                good = false;
                out += e;
        }
    }
    if (ok) *ok = good;
    return out;
}

Transcript parse_transcript(std::string_view text) {
    Transcript t;
    int number = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        if (line.front() == '#') {
            const auto colon = line.find(':');
            const std::string_view key =
                trim(line.substr(1, colon == std::string_view::npos ? 0 : colon - 1));
            if (colon != std::string_view::npos && !key.empty() &&
                key.find(' ') == std::string_view::npos &&
                t.headers.find(std::string(key)) == t.headers.end())
                t.headers[std::string(key)] = std::string(trim(line.substr(colon + 1)));
            continue;
        }
        bool ok = true;
        if (line.starts_with("> ")) {
            t.steps.push_back(
                {TranscriptStep::Kind::send, unescape_c(line.substr(2), &ok), {}, number});
        } else if (line.starts_with("< ")) {
            t.steps.push_back(
                {TranscriptStep::Kind::receive, unescape_c(line.substr(2), &ok), {}, number});
        } else if (line.starts_with("@ +") && line.ends_with("ms") &&
                   to_long(line.substr(3, line.size() - 5))) {
            t.steps.push_back({TranscriptStep::Kind::advance,
                               {},
                               std::chrono::milliseconds(*to_long(line.substr(3, line.size() - 5))),
                               number});
        } else {
            ok = false;
        }
        if (!ok)
            t.errors.push_back("line " + std::to_string(number) + ": cannot read '" +
                               std::string(line) + "'");
    }
    return t;
}

}  // namespace smsgw::at::test
