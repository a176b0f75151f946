// Splitting a byte stream into request lines: any chunking gives the same
// lines, CRLF and blank lines are tolerated, oversize lines are reported once
// without being buffered whole.
#include <catch2/catch.hpp>

#include <random>

#include "daemon/api/line_splitter.hpp"

using namespace smsgw::api;

namespace {

std::vector<SplitItem> drain(LineSplitter& s) {
    std::vector<SplitItem> out;
    while (auto item = s.next()) out.push_back(std::move(*item));
    return out;
}

std::vector<std::string> describe(const std::vector<SplitItem>& items) {
    std::vector<std::string> out;
    for (const auto& i : items)
        out.push_back(i.kind == SplitItem::Kind::line ? i.line : "<too long>");
    return out;
}

}  // namespace

TEST_CASE("lines come out in order, endings removed") {
    LineSplitter s;
    s.feed("{\"a\":1}\n{\"b\":2}\r\n\n\r\n{\"c\"");
    CHECK(describe(drain(s)) == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
    s.feed(":3}\n");
    CHECK(describe(drain(s)) == std::vector<std::string>{"{\"c\":3}"});
    CHECK(s.buffered() == 0);
}

TEST_CASE("any chunking of the stream gives the same lines") {
    const std::string stream =
        "one\ntwo\r\n\nthree " + std::string(50, 'x') + "\n" + std::string(70, 'y') + "\nfour\n";
    LineSplitter whole(64);
    whole.feed(stream);
    const auto expected = describe(drain(whole));
    CHECK(expected == std::vector<std::string>{"one", "two", "three " + std::string(50, 'x'),
                                               "<too long>", "four"});
    std::mt19937 rng(7);
    for (int round = 0; round < 200; ++round) {
        LineSplitter s(64);
        std::vector<SplitItem> got;
        for (std::size_t pos = 0; pos < stream.size();) {
            const std::size_t n = 1 + rng() % 9;
            s.feed(std::string_view(stream).substr(pos, n));
            for (auto& i : drain(s)) got.push_back(std::move(i));
            pos += n;
        }
        CHECK(describe(got) == expected);
    }
}

TEST_CASE("the limit is on the content: max bytes pass, max + 1 do not") {
    LineSplitter s(8);
    s.feed("12345678\n12345678\r\n123456789\n");
    CHECK(describe(drain(s)) == std::vector<std::string>{"12345678", "12345678", "<too long>"});
}

TEST_CASE("an oversize line is reported as soon as it passes the limit, then skipped") {
    LineSplitter s(16);
    s.feed(std::string(17, 'a'));  // may still be followed by a \r\n
    CHECK(drain(s).empty());
    s.feed("b");
    auto items = drain(s);
    REQUIRE(items.size() == 1);
    CHECK(items[0].kind == SplitItem::Kind::too_long);
    for (int i = 0; i < 1000; ++i) s.feed(std::string(1000, 'c'));  // a million more bytes
    CHECK(drain(s).empty());
    CHECK(s.buffered() == 0);
    s.feed("tail\nnext\n");
    CHECK(describe(drain(s)) == std::vector<std::string>{"next"});
}

TEST_CASE("the default limit is the protocol's 256 KiB") {
    LineSplitter s;
    s.feed(std::string(max_line_bytes, 'a') + "\n" + std::string(max_line_bytes + 1, 'b') + "\n");
    const auto items = drain(s);
    REQUIRE(items.size() == 2);
    CHECK(items[0].line.size() == max_line_bytes);
    CHECK(items[1].kind == SplitItem::Kind::too_long);
}

TEST_CASE("finish delivers a last line without newline") {
    LineSplitter s;
    s.feed("{\"id\":1}\r");
    CHECK_FALSE(s.next());
    auto last = s.finish();
    REQUIRE(last);
    CHECK(last->line == "{\"id\":1}");
    CHECK_FALSE(s.finish());
}
