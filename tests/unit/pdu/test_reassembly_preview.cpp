// Reassembly of concatenated inbound parts, and the segment/cost preview.
#include <catch2/catch.hpp>

#include "pdu/pdu_codec.hpp"
#include "pdu/preview.hpp"
#include "pdu/reassembly.hpp"

using namespace smsgw::pdu;
using namespace std::chrono_literals;

namespace {
const auto t0 = std::chrono::system_clock::time_point{} + 1000h;
InboundPart part(std::uint8_t seq, std::uint8_t total, std::string text, std::uint16_t ref = 42,
                 std::string sender = "+4917012345678", std::chrono::system_clock::time_point when = t0) {
    return InboundPart{std::move(sender), ref, total, seq, std::move(text), seq, when};
}
}  // namespace

TEST_CASE("parts arriving out of order are joined in sequence", "[reassembly]") {
    Reassembler r(24h);
    CHECK_FALSE(r.add(part(3, 3, "C")));
    CHECK_FALSE(r.add(part(1, 3, "A")));
    CHECK(r.pending() == 1);
    auto whole = r.add(part(2, 3, "B"));
    REQUIRE(whole);
    CHECK(whole->text == "ABC");
    CHECK(whole->complete);
    CHECK(whole->tokens == std::vector<std::uint64_t>{1, 2, 3});
    CHECK(r.pending() == 0);
}

TEST_CASE("a surrogate pair split between two UCS-2 parts is joined whole", "[reassembly]") {
    // "Hi 😀!" as a phone that splits by UTF-16 code units sends it: U+1F600
    // is D83D DE00, the high half ends part 1 and the low half starts part 2.
    const std::string head = "0044" "0D91945111325476F8" "0008" "42507101000000";
    const auto first = decode_pdu(head + "0E" "050003070201" "004800690020D83D");
    const auto second = decode_pdu(head + "0A" "050003070202" "DE000021");
    REQUIRE(first);
    REQUIRE(second);
    const std::vector<SmsDeliver> parts{std::get<SmsDeliver>(first->tpdu),
                                        std::get<SmsDeliver>(second->tpdu)};
    // Each part alone cannot show its half.
    CHECK(parts[0].user_data.text == "Hi \uFFFD");
    CHECK(join_texts(parts) == "Hi \U0001F600!");
    // A GSM-7 part in between ends the UTF-16 run: the halves stay apart.
    const auto gsm = decode_pdu("0004" "0D91945111325476F8" "0000" "42507101000000" "01" "41");
    REQUIRE(gsm);
    const std::vector<SmsDeliver> mixed{parts[0], std::get<SmsDeliver>(gsm->tpdu), parts[1]};
    CHECK(join_texts(mixed) == "Hi \uFFFDA\uFFFD!");
}

TEST_CASE("an escape ending one GSM-7 part is joined with the first septet of the next",
          "[reassembly][escape]") {
    // "Price: 5€ each" as some phones split it: part 1 ends with the escape
    // 0x1B, part 2 starts with 0x65, the extension table's '€'.
    const auto first = decode_pdu("00440D91945111325476F80000425071010000001005000307020"
                                  "1A0F2F4B8AC03D536");
    const auto second = decode_pdu("00440D91945111325476F80000425071010000000D05000307020"
                                   "2CAA072788C06");
    REQUIRE(first);
    REQUIRE(second);
    const std::vector<SmsDeliver> parts{std::get<SmsDeliver>(first->tpdu),
                                        std::get<SmsDeliver>(second->tpdu)};
    // Each part alone: a space for the escape with nothing to escape, and 'e'.
    CHECK(parts[0].user_data.text == "Price: 5 ");
    CHECK(parts[1].user_data.text == "e each");
    CHECK(join_texts(parts) == "Price: 5€ each");
    // Nothing follows: the escape stays a space.
    CHECK(join_texts(std::span(parts).first(1)) == "Price: 5 ");
    // A UCS-2 part next takes no GSM-7 escape.
    const auto ucs2 = decode_pdu("0044" "0D91945111325476F8" "0008" "42507101000000" "0A"
                                 "050003070202" "00650021");
    REQUIRE(ucs2);
    const std::vector<SmsDeliver> mixed{parts[0], std::get<SmsDeliver>(ucs2->tpdu)};
    CHECK(join_texts(mixed) == "Price: 5 e!");
}

TEST_CASE("an 8-bit and a 16-bit reference of the same value are two messages", "[reassembly]") {
    Reassembler r(24h);
    InboundPart wide = part(1, 2, "X");
    wide.reference_16bit = true;
    CHECK_FALSE(r.add(part(1, 2, "A")));
    CHECK_FALSE(r.add(wide));
    CHECK(r.pending() == 2);
    auto narrow_whole = r.add(part(2, 2, "B"));
    REQUIRE(narrow_whole);
    CHECK(narrow_whole->text == "AB");
    CHECK_FALSE(narrow_whole->reference_16bit);
    InboundPart wide2 = part(2, 2, "Y");
    wide2.reference_16bit = true;
    auto wide_whole = r.add(wide2);
    REQUIRE(wide_whole);
    CHECK(wide_whole->text == "XY");
    CHECK(wide_whole->reference == 42);
    CHECK(wide_whole->reference_16bit);
    CHECK(r.pending() == 0);
}

TEST_CASE("duplicates are ignored and invalid parts refused", "[reassembly]") {
    Reassembler r(24h);
    Reassembler::AddResult result{};
    r.add(part(1, 2, "A"), &result);
    CHECK(result == Reassembler::AddResult::stored);
    CHECK_FALSE(r.add(part(1, 2, "A-again"), &result));
    CHECK(result == Reassembler::AddResult::duplicate);
    CHECK_FALSE(r.add(part(3, 2, "X"), &result));
    CHECK(result == Reassembler::AddResult::invalid);
    auto whole = r.add(part(2, 2, "B"));
    REQUIRE(whole);
    CHECK(whole->text == "AB");
}

TEST_CASE("parts are keyed by sender, reference and total", "[reassembly]") {
    Reassembler r(24h);
    r.add(part(1, 2, "a1", 7, "+111"));
    r.add(part(1, 2, "b1", 7, "+222"));
    r.add(part(1, 3, "c1", 7, "+111"));
    CHECK(r.pending() == 3);
    auto a = r.add(part(2, 2, "a2", 7, "+111"));
    REQUIRE(a);
    CHECK(a->text == "a1a2");
    CHECK(r.pending() == 2);
}

TEST_CASE("single-part messages are whole at once", "[reassembly]") {
    Reassembler r(24h);
    auto whole = r.add(part(1, 1, "hello"));
    REQUIRE(whole);
    CHECK(whole->text == "hello");
    CHECK(r.pending() == 0);
}

TEST_CASE("incomplete messages are released after the timeout, marked", "[reassembly]") {
    Reassembler r(1h);
    r.add(part(1, 3, "A", 9, "+1", t0));
    r.add(part(3, 3, "C", 9, "+1", t0 + 10min));
    CHECK(r.expire(t0 + 59min).empty());
    auto released = r.expire(t0 + 1h);
    REQUIRE(released.size() == 1);
    CHECK_FALSE(released[0].complete);
    CHECK(released[0].missing == std::vector<std::uint8_t>{2});
    CHECK(released[0].text == std::string("A") + Reassembler::kGapMarker + "C");
    CHECK(r.pending() == 0);
}

TEST_CASE("preview: GSM-7 text counts septets and escapes", "[preview]") {
    auto p = preview_text("Price: 10€ [net]");
    REQUIRE(p);
    CHECK(p->count.encoding == Alphabet::gsm7);
    CHECK(p->count.segments == 1);
    CHECK(p->count.units == 19);  // 16 characters, 3 of them two septets
    CHECK(p->count.units_left == 160 - 19);
    CHECK(p->ucs2_characters.empty());
}

TEST_CASE("preview: characters forcing UCS-2 and the transliterated alternative", "[preview]") {
    auto p = preview_text("Zażółć gęślą jaźń");
    REQUIRE(p);
    CHECK(p->count.encoding == Alphabet::ucs2);
    CHECK(p->count.segments == 1);
    CHECK(p->count.units == 17);
    CHECK(p->count.units_left == 70 - 17);
    REQUIRE(p->ucs2_characters.size() >= 8);
    CHECK(p->ucs2_characters[0].character == "ż");
    CHECK(p->ucs2_characters[0].position == 2);
    CHECK(p->transliterated_count.encoding == Alphabet::gsm7);
    CHECK(p->transliterated.find("Zaz") == 0);
}

TEST_CASE("preview: multi-part counts use the concatenated capacity", "[preview]") {
    auto p = preview_text(std::string(200, 'x'));
    REQUIRE(p);
    CHECK(p->count.segments == 2);
    CHECK(p->count.units_per_segment == 153);
    CHECK(p->count.units_left == 153 - 47);
    auto forced = preview_text("abc", Encoding::ucs2);
    REQUIRE(forced);
    CHECK(forced->count.encoding == Alphabet::ucs2);
    auto refused = preview_text("ą", Encoding::gsm7);
    REQUIRE_FALSE(refused);
    auto bad = preview_text(std::string("\xFF", 1));
    REQUIRE_FALSE(bad);
}
