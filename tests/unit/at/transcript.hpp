// Reads the recorded modem transcripts of tests/transcripts/ (STYLE habit 1):
// "# Key: value" headers, "> " lines we send, "< " bytes the modem sends (C
// escapes), "@ +250ms" clock steps. Test support for the replay test.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace smsgw::at::test {

struct TranscriptStep {
    enum class Kind { send, receive, advance };
    Kind kind;
    std::string bytes;                  // send / receive, unescaped
    std::chrono::milliseconds step{0};  // advance
    int line = 0;                       // line number in the file
};

struct Transcript {
    std::map<std::string, std::string> headers;  // "Name", "Firmware", "Source", "Date", "Quirks"
    std::vector<TranscriptStep> steps;
    std::vector<std::string> errors;  // malformed lines, with their number
};

Transcript parse_transcript(std::string_view text);
std::string unescape_c(std::string_view text, bool* ok = nullptr);

}  // namespace smsgw::at::test
