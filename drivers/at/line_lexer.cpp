// Byte stream → lines and prompts; see line_lexer.hpp.
#include "drivers/at/line_lexer.hpp"

#include "drivers/at/text.hpp"

namespace smsgw::at {

void LineLexer::reset() {
    partial_.clear();
    after_cr_ = false;
}

void LineLexer::finish_line(std::vector<LexToken>& out) {
    const std::string_view text = trim(partial_);
    if (!text.empty()) out.push_back({LexToken::Kind::line, std::string(text)});
    partial_.clear();
}

void LineLexer::feed(std::string_view bytes, std::vector<LexToken>& out) {
    for (const char c : bytes) {
        const bool lf_of_crlf = after_cr_ && c == '\n';
        after_cr_ = c == '\r';
        if (lf_of_crlf) continue;
        // Ctrl-Z is the echo of our PDU's terminator: what follows is the
        // modem's own answer, even where no line break comes first (a modem
        // answering in digits, ATV0, starts its text without one).
        if (c == '\r' || c == '\n' || c == '\x1A') {
            finish_line(out);
            continue;
        }
        // NUL, ESC and other C0 controls carry no meaning in an answer; tabs
        // become spaces.
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\t') continue;
        partial_.push_back(c == '\t' ? ' ' : c);
        // TS 27.005 §3.5.1: "the TA shall send a four character sequence
        // <CR><LF><greater_than><space>" and then waits: no terminator follows.
        if (partial_ == "> ") {
            out.push_back({LexToken::Kind::prompt, {}});
            partial_.clear();
        } else if (partial_.size() >= max_line) {
            finish_line(out);
        }
    }
    // Some firmware sends the prompt without its space; a lone '>' at the start of a
    // line with nothing after it in this read is taken as the prompt too.
    if (partial_ == ">") {
        out.push_back({LexToken::Kind::prompt, {}});
        partial_.clear();
    }
}

}  // namespace smsgw::at
