// The line lexer: every framing real modems use, the prompt, and line noise.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "drivers/at/line_lexer.hpp"

using namespace smsgw::at;

namespace {
// Feeds the chunks in order; lines as text, prompts as "<prompt>".
std::vector<std::string> lex(std::initializer_list<std::string_view> chunks) {
    LineLexer lexer;
    std::vector<LexToken> tokens;
    for (auto c : chunks) lexer.feed(c, tokens);
    std::vector<std::string> out;
    for (const auto& t : tokens)
        out.push_back(t.kind == LexToken::Kind::prompt ? "<prompt>" : t.text);
    return out;
}
using Lines = std::vector<std::string>;
}  // namespace

TEST_CASE("lexer: V.250 framing, lone CR, lone LF and empty lines") {
    CHECK(lex({"\r\n+CSQ: 20,99\r\n\r\nOK\r\n"}) == Lines{"+CSQ: 20,99", "OK"});
    CHECK(lex({"+CSQ: 20,99\rOK\r"}) == Lines{"+CSQ: 20,99", "OK"});
    CHECK(lex({"AT+CREG?\n+CREG: 0,0\nOK\n\n"}) == Lines{"AT+CREG?", "+CREG: 0,0", "OK"});
    // gammu at-model/06.dump: the echo ends with CR CR LF
    CHECK(lex({"AT+CGMM\r\r\n MULTIBAND  900E  1800 \r\n\r\nOK\r\n"}) ==
          Lines{"AT+CGMM", "MULTIBAND  900E  1800", "OK"});
}

TEST_CASE("lexer: lines and CRLF split across reads") {
    CHECK(lex({"\r\n+CS", "Q: 2", "0,99\r", "\n\r\nO", "K", "\r\n"}) == Lines{"+CSQ: 20,99", "OK"});
    CHECK(lex({"AT+C", "SQ\r", "\r\nOK\r\n"}) == Lines{"AT+CSQ", "OK"});
}

TEST_CASE("lexer: NUL and other control bytes are dropped, Ctrl-Z ends the echoed PDU") {
    CHECK(lex({std::string_view("\0\0OK\r\n", 6)}) == Lines{"OK"});
    CHECK(lex({"0011000B\x1A\r\n+CMGS: 5\r\n"}) == Lines{"0011000B", "+CMGS: 5"});
    // A modem answering in digits (ATV0) starts its text without a line break.
    CHECK(lex({"0011000B\x1A+CMGS: 5\r\n0\r"}) == Lines{"0011000B", "+CMGS: 5", "0"});
    CHECK(lex({"\x1B\x07\r\n\tRING\t\r\n"}) == Lines{"RING"});
    CHECK(lex({"\xFF\xFE\r\nOK\r\n"}) == Lines{"\xFF\xFE", "OK"});
}

TEST_CASE("lexer: the SMS prompt has no terminator") {
    CHECK(lex({"\r\n> "}) == Lines{"<prompt>"});
    CHECK(lex({"AT+CMGS=18\r\r\n> "}) == Lines{"AT+CMGS=18", "<prompt>"});
    // a read that ends after '>' still yields the prompt; the space is then nothing
    CHECK(lex({"\r\n>", " "}) == Lines{"<prompt>"});
    CHECK(lex({"\r\n> 0011\x1A\r\n"}) == Lines{"<prompt>", "0011"});
    // '>' inside a line is just text
    CHECK(lex({"a > b\r\n"}) == Lines{"a > b"});
}

TEST_CASE("lexer: a run without terminator is cut at max_line") {
    LineLexer lexer;
    std::vector<LexToken> tokens;
    const std::string run(LineLexer::max_line + 10, 'A');
    lexer.feed(run, tokens);
    REQUIRE(tokens.size() == 1);
    CHECK(tokens[0].text.size() == LineLexer::max_line);
    CHECK(lexer.pending() == 10);
    lexer.reset();
    CHECK(lexer.pending() == 0);
}
