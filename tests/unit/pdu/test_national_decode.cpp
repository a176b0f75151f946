// National language tables announced in the UDH (TS 23.040 §9.2.3.24.15/16)
// change how a received GSM-7 text decodes.
#include <catch2/catch.hpp>

#include "pdu/pdu_codec.hpp"
#include "pdu/septets.hpp"

using namespace smsgw::pdu;

namespace {

// An SMS-DELIVER from 1234 whose UDH holds `udh_ies` and whose text is `septets`.
std::string deliver_with_udh(std::vector<std::uint8_t> udh_ies, const std::vector<std::uint8_t>& septets) {
    std::vector<std::uint8_t> pdu = {0x00, 0x44, 0x04, 0x91, 0x21, 0x43, 0x00, 0x00,
                                     0x62, 0x11, 0x32, 0x90, 0x00, 0x00, 0x00};
    std::vector<std::uint8_t> header;
    header.push_back(static_cast<std::uint8_t>(udh_ies.size()));
    header.insert(header.end(), udh_ies.begin(), udh_ies.end());
    const std::size_t header_septets = (header.size() * 8 + 6) / 7;
    pdu.push_back(static_cast<std::uint8_t>(header_septets + septets.size()));
    pdu.insert(pdu.end(), header.begin(), header.end());
    pack_septets(septets, static_cast<int>(header_septets * 7 - header.size() * 8), pdu);
    return octets_to_hex(pdu);
}

std::string text_of(const std::string& hex) {
    auto p = decode_pdu(hex);
    INFO(hex);
    REQUIRE(p);
    return std::get<SmsDeliver>(p->tpdu).user_data.text;
}

}  // namespace

TEST_CASE("Turkish locking and single shift announced in the UDH", "[national]") {
    // 0x07 is 'ı' in the Turkish locking-shift table, ESC 0x47 'Ğ' in its
    // single-shift table, 0x41 stays 'A'.
    const std::vector<std::uint8_t> septets = {0x07, 0x1B, 0x47, 0x41};
    CHECK(text_of(deliver_with_udh({0x25, 0x01, 0x01, 0x24, 0x01, 0x01}, septets)) == "ıĞA");
    // Without the IEs the same septets are the default alphabet: ì, then an
    // escape to an undefined extension position shown as space + 'G', then 'A'.
    CHECK(text_of(deliver_with_udh({0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0}, septets)) == "ì GA");
}

TEST_CASE("single shift alone keeps the default alphabet for other characters", "[national]") {
    // Portuguese single shift (language 3): the escaped € keeps its place and
    // the default-table characters around it are unchanged.
    const std::string text = text_of(deliver_with_udh({0x24, 0x01, 0x03}, {0x41, 0x1B, 0x65, 0x42}));
    CHECK(text.substr(0, 1) == "A");
    CHECK(text.substr(text.size() - 1) == "B");
    CHECK(text.find("€") != std::string::npos);  // 0x65 is € in every single-shift table
}

TEST_CASE("a language smsgw has no table for falls back to the default alphabet", "[national]") {
    CHECK(text_of(deliver_with_udh({0x25, 0x01, 0x0D}, {0x41, 0x42})) == "AB");
}
