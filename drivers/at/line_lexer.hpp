// Splits the byte stream of a modem into lines. V.250 §5.7.1 frames every result
// as <CR><LF>text<CR><LF>, but real modems also send lone <CR> or <LF>, doubled
// <CR><CR><LF> after an echo, empty lines, NULs and other line noise; and the SMS
// input prompt "> " (TS 27.005 §3.5.1) has no terminator at all. The lexer keeps the
// unfinished tail between reads, so a line or an echo split across reads comes out
// whole. It knows nothing about commands: echo and meaning are the Session's job.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace smsgw::at {

struct LexToken {
    enum class Kind { line, prompt };
    Kind kind = Kind::line;
    std::string text;  // trimmed line text; empty for a prompt
};

class LineLexer {
  public:
    // Longest line kept; a longer run without a terminator is cut into lines of
    // this size (no AT answer is that long: a +CMGL PDU line is under 400 chars).
    static constexpr std::size_t max_line = 4096;

    // Appends the lines (and prompts) completed by `bytes` to `out`.
    void feed(std::string_view bytes, std::vector<LexToken>& out);
    // Forgets the unfinished tail (after a port reopen).
    void reset();
    // Bytes received since the last terminator.
    std::size_t pending() const { return partial_.size(); }

  private:
    void finish_line(std::vector<LexToken>& out);

    std::string partial_;
    bool after_cr_ = false;  // a '\n' right after '\r' ends nothing new
};

}  // namespace smsgw::at
