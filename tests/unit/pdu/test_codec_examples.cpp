// Worked examples from the specifications and public sources, checked by hand.
#include <catch2/catch.hpp>

#include "pdu/pdu_codec.hpp"
#include "pdu/septets.hpp"
#include "pdu/status_report.hpp"
#include "pdu/text_codec.hpp"

using namespace smsgw::pdu;

namespace {

Pdu decode_ok(std::string_view hex) {
    auto p = decode_pdu(hex);
    INFO(hex);
    if (!p) FAIL(p.error().to_string());
    return *p;
}

std::string decode_error(std::string_view hex) {
    auto p = decode_pdu(hex);
    INFO(hex);
    REQUIRE_FALSE(p.has_value());
    return p.error().to_string();
}

}  // namespace

TEST_CASE("septet packing: 'hellohello' (TS 23.038 §6.1.2.1.1 example)", "[septets]") {
    std::vector<std::uint8_t> septets;
    gsm7_encode_text(U"hellohello", septets);
    std::vector<std::uint8_t> packed;
    pack_septets(septets, 0, packed);
    CHECK(octets_to_hex(packed) == "E8329BFD4697D9EC37");
    std::vector<std::uint8_t> back;
    unpack_septets(packed, 0, septets.size(), back);
    CHECK(back == septets);
}

TEST_CASE("septet packing after a UDH uses fill bits", "[septets]") {
    // 6-octet concatenation UDH = 48 bits: 1 fill bit to reach 49 (7 septets).
    std::vector<std::uint8_t> out{0xFF};
    const std::vector<std::uint8_t> septets{0x41, 0x42};
    pack_septets(septets, 1, out);
    std::vector<std::uint8_t> back;
    unpack_septets(std::span<const std::uint8_t>(out).subspan(1), 1, 2, back);
    CHECK(back == septets);
}

TEST_CASE("SMS-SUBMIT 'hellohello' to +1234 (the classic example)", "[encode]") {
    auto m = encode_submit("+1234", "hellohello");
    REQUIRE(m);
    REQUIRE(m->parts.size() == 1);
    CHECK(m->alphabet == Alphabet::gsm7);
    // 00 SMSC default; 01 SUBMIT; 00 MR; 04 91 2143 DA; 00 PID; 00 DCS; 0A UDL; packed text
    CHECK(m->parts[0].hex == "0001000491214300000AE8329BFD4697D9EC37");
    CHECK(m->parts[0].tpdu_length == 18);
}

TEST_CASE("SMS-SUBMIT with SMSC, status report and relative validity", "[encode]") {
    SubmitOptions o;
    o.smsc = "+491722270333";
    o.status_report = true;
    o.validity_minutes = 24 * 60;  // one day: TP-VP 167
    auto m = encode_submit("+4917012345678", "Hi", o);
    REQUIRE(m);
    // 07 91 947122723033 SMSC; 31 = SUBMIT | VPF relative | SRR; 00 MR;
    // 0D 91 947110325476F8 DA; 00 PID; 00 DCS; A7 VP; 02 UDL; C834 "Hi"
    CHECK(m->parts[0].hex == "0791947122723033" "3100" "0D91947110325476F8" "0000A702C834");
    const Pdu p = decode_ok(m->parts[0].hex);
    const auto& s = std::get<SmsSubmit>(p.tpdu);
    CHECK(s.status_report_request);
    CHECK(s.validity.format == ValidityPeriod::Format::relative);
    CHECK(relative_validity_minutes(s.validity.relative) == 24 * 60);
    CHECK(p.smsc->display() == "+491722270333");
}

TEST_CASE("relative validity period octets (TS 23.040 §9.2.3.12.1)", "[encode]") {
    CHECK(relative_validity_octet(5) == 0);
    CHECK(relative_validity_octet(6) == 1);
    CHECK(relative_validity_octet(12 * 60) == 143);
    CHECK(relative_validity_octet(12 * 60 + 1) == 144);
    CHECK(relative_validity_octet(24 * 60) == 167);
    CHECK(relative_validity_octet(2 * 24 * 60) == 168);
    CHECK(relative_validity_octet(30 * 24 * 60) == 196);
    CHECK(relative_validity_octet(5 * 7 * 24 * 60) == 197);
    CHECK(relative_validity_octet(10'000'000) == 255);
    CHECK(relative_validity_minutes(255) == 63 * 7 * 24 * 60);
}

TEST_CASE("flash message is class 0", "[encode]") {
    SubmitOptions o;
    o.flash = true;
    auto m = encode_submit("+1234", "hi", o);
    REQUIRE(m);
    const auto s = std::get<SmsSubmit>(decode_ok(m->parts[0].hex).tpdu);
    REQUIRE(s.coding.message_class.has_value());
    CHECK(*s.coding.message_class == 0);
    CHECK(s.coding.raw == 0x10);
}

TEST_CASE("national and short-code destinations", "[encode][address]") {
    auto m = encode_submit("3200", "Pontos");
    REQUIRE(m);
    const auto s = std::get<SmsSubmit>(decode_ok(m->parts[0].hex).tpdu);
    CHECK(s.destination.value == "3200");
    CHECK(s.destination.ton == TypeOfNumber::unknown);
    CHECK(s.destination.display() == "3200");
    auto national = encode_submit("0170 123-45 67", "x");
    REQUIRE(national);
    CHECK(std::get<SmsSubmit>(decode_ok(national->parts[0].hex).tpdu).destination.value == "01701234567");
}

TEST_CASE("invalid destinations are refused with invalid_number and the reason", "[encode][address]") {
    for (const char* bad : {"", "+", "abc", "+49 170 12x4", "+0049170", "123456789012345678901", "☎123"}) {
        INFO(bad);
        auto m = encode_submit(bad, "hi");
        REQUIRE_FALSE(m.has_value());
        CHECK(m.error().code == EncodeErrorCode::invalid_number);
        CHECK(m.error().field == "to");
        CHECK_FALSE(m.error().message.empty());
    }
    SubmitOptions o;
    o.smsc = "12a";
    auto smsc = encode_submit("+1234", "hi", o);
    REQUIRE_FALSE(smsc.has_value());
    CHECK(smsc.error().field == "smsc");
}

TEST_CASE("gsm7 requested for a text outside GSM-7 names the character", "[encode]") {
    SubmitOptions o;
    o.encoding = Encoding::gsm7;
    auto m = encode_submit("+1234", "Zażółć", o);
    REQUIRE_FALSE(m.has_value());
    CHECK(m.error().code == EncodeErrorCode::not_encodable);
    CHECK(m.error().message.find("'ż' at position 2") != std::string::npos);
}

TEST_CASE("invalid UTF-8 text is refused", "[encode]") {
    auto m = encode_submit("+1234", std::string("ab\xC3", 3));
    REQUIRE_FALSE(m.has_value());
    CHECK(m.error().code == EncodeErrorCode::invalid_text);
}

TEST_CASE("an 8-bit reference above 255 is refused", "[encode]") {
    SubmitOptions o;
    o.reference = 300;
    auto m = encode_submit("+1234", std::string(200, 'a'), o);
    REQUIRE_FALSE(m.has_value());
    CHECK(m.error().field == "ref");
    o.reference_16bit = true;
    auto ok = encode_submit("+1234", std::string(200, 'a'), o);
    REQUIRE(ok);
    const auto s = std::get<SmsSubmit>(decode_ok(ok->parts[1].hex).tpdu);
    REQUIRE(s.user_data.header->concat);
    CHECK(s.user_data.header->concat->reference == 300);
    CHECK(s.user_data.header->concat->reference_16bit);
}

TEST_CASE("too many parts is text_too_long", "[encode]") {
    SubmitOptions o;
    o.max_parts = 3;
    auto m = encode_submit("+1234", std::string(153 * 3 + 1, 'a'), o);
    REQUIRE_FALSE(m.has_value());
    CHECK(m.error().code == EncodeErrorCode::text_too_long);
    auto huge = encode_submit("+1234", std::string(153 * 255 + 1, 'a'));
    REQUIRE_FALSE(huge.has_value());
    CHECK(huge.error().code == EncodeErrorCode::text_too_long);
}

TEST_CASE("SMS-DELIVER with an alphanumeric sender round-trips", "[encode][deliver]") {
    DeliverOptions o;
    o.service_centre_time = Timestamp{2024, 2, 29, 23, 59, 58, -20};
    auto m = encode_deliver("MyBank", "Your code is 1234", o);
    REQUIRE(m);
    const Pdu p = decode_ok(m->parts[0].hex);
    const auto& d = std::get<SmsDeliver>(p.tpdu);
    CHECK(d.originator.ton == TypeOfNumber::alphanumeric);
    CHECK(d.originator.display() == "MyBank");
    CHECK(d.user_data.text == "Your code is 1234");
    CHECK(d.service_centre_time.to_iso8601() == "2024-02-29T23:59:58-05:00");
    CHECK_FALSE(encode_deliver("ThisNameIsTooLong", "x").has_value());
}

TEST_CASE("SMS-STATUS-REPORT encode and decode", "[encode][status]") {
    StatusReportOptions o;
    o.service_centre_time = Timestamp{2010, 6, 21, 14, 3, 43, -20};
    o.discharge_time = Timestamp{2010, 6, 21, 14, 3, 45, -20};
    auto part = encode_status_report(4, "+4915259911630", 0x00, o);
    REQUIRE(part);
    const auto p = decode_ok(part->hex);
    const auto& r = std::get<SmsStatusReport>(p.tpdu);
    CHECK(r.message_reference == 4);
    CHECK(r.recipient.display() == "+4915259911630");
    CHECK(r.status == 0);
    CHECK(r.discharge_time.second == 45);
    CHECK(describe_status(r.status).outcome == DeliveryOutcome::delivered);
}

TEST_CASE("TP-ST meanings by range (TS 23.040 §9.2.3.15)", "[status]") {
    CHECK(describe_status(0x00).outcome == DeliveryOutcome::delivered);
    CHECK(describe_status(0x21).outcome == DeliveryOutcome::pending);
    CHECK(describe_status(0x41).outcome == DeliveryOutcome::failed_permanent);
    CHECK(describe_status(0x46).text == std::string("validity period expired"));
    CHECK(describe_status(0x62).outcome == DeliveryOutcome::failed_temporary);
    CHECK(describe_status(0x1F).outcome == DeliveryOutcome::delivered);
    CHECK(describe_status(0x5A).outcome == DeliveryOutcome::failed_permanent);
    CHECK(describe_status(0xFF).outcome == DeliveryOutcome::failed_permanent);
}

TEST_CASE("SCTS time zones positive and negative", "[decode]") {
    for (int q : {-48, -20, -1, 0, 1, 22, 48, 56}) {
        DeliverOptions o;
        o.service_centre_time = Timestamp{2013, 7, 26, 14, 29, 27, q};
        auto m = encode_deliver("+4912345", "t", o);
        REQUIRE(m);
        CHECK(std::get<SmsDeliver>(decode_ok(m->parts[0].hex).tpdu).service_centre_time.tz_quarters == q);
    }
    CHECK(Timestamp{2013, 7, 26, 14, 29, 27, 22}.to_iso8601() == "2013-07-26T14:29:27+05:30");
    CHECK(Timestamp{1999, 12, 31, 23, 59, 59, -14}.to_iso8601() == "1999-12-31T23:59:59-03:30");
    // In UTC: the offset taken off; a date that does not exist is none.
    using std::chrono::sys_days;
    using namespace std::chrono_literals;
    CHECK(Timestamp{2013, 7, 26, 14, 29, 27, 22}.to_utc() ==
          sys_days{std::chrono::year{2013} / 7 / 26} + 8h + 59min + 27s);
    CHECK(Timestamp{1999, 12, 31, 23, 59, 59, -14}.to_utc() ==
          sys_days{std::chrono::year{2000} / 1 / 1} + 3h + 29min + 59s);
    CHECK(Timestamp::from_utc(sys_days{std::chrono::year{2000} / 1 / 1} + 3h + 29min + 59s) ==
          Timestamp{2000, 1, 1, 3, 29, 59, 0});
    CHECK_FALSE(Timestamp{2023, 2, 29, 0, 0, 0, 0}.to_utc());
    CHECK_FALSE(Timestamp{2024, 1, 1, 24, 0, 0, 0}.to_utc());
}

TEST_CASE("data coding groups (TS 23.038 §4)", "[dcs]") {
    CHECK(parse_data_coding(0x00)->alphabet == Alphabet::gsm7);
    CHECK(parse_data_coding(0x04)->alphabet == Alphabet::eight_bit);
    CHECK(parse_data_coding(0x08)->alphabet == Alphabet::ucs2);
    CHECK(parse_data_coding(0x18)->message_class == 0);
    CHECK(parse_data_coding(0xF1)->message_class == 1);
    CHECK(parse_data_coding(0xF4)->alphabet == Alphabet::eight_bit);
    CHECK(parse_data_coding(0xE0)->alphabet == Alphabet::ucs2);
    CHECK(parse_data_coding(0xC8)->message_waiting);
    CHECK(parse_data_coding(0x48)->alphabet == Alphabet::ucs2);  // automatic deletion group
    auto reserved = parse_data_coding(0x0C);
    REQUIRE_FALSE(reserved.has_value());
    CHECK(reserved.error().find("reserved") != std::string::npos);
    auto compressed = parse_data_coding(0x20);
    REQUIRE_FALSE(compressed.has_value());
    CHECK(compressed.error().find("compressed") != std::string::npos);
    for (int g : {0x80, 0x90, 0xA0, 0xB0}) CHECK_FALSE(parse_data_coding(static_cast<std::uint8_t>(g)).has_value());
}

TEST_CASE("decode errors name the octet and what was expected", "[decode][errors]") {
    CHECK(decode_error("0").find("odd number of hex digits") != std::string::npos);
    CHECK(decode_error("00G1").find("'G' at position 2 is not a hex digit") != std::string::npos);
    CHECK(decode_error("").find("SMSC length") != std::string::npos);
    CHECK(decode_error("0C").find("exceeds 11 octets") != std::string::npos);
    CHECK(decode_error("0003").find("TP-MTI") != std::string::npos);
    // SUBMIT cut inside the destination address
    CHECK(decode_error("0001000B9121").find("octet 5 (TP-DA)") != std::string::npos);
    // UDL that lies: 10 septets announced, 2 octets present
    CHECK(decode_error("0001000491214300000AE832").find("TP-UDL") != std::string::npos);
    // trailing octets after the user data
    CHECK(decode_error("0001000491214300000AE8329BFD4697D9EC3700").find("after the end") != std::string::npos);
    // reserved coding group
    CHECK(decode_error("000100049121430080").find("TP-DCS") != std::string::npos);
    // UDHI set, UDH length longer than the user data
    CHECK(decode_error("0041000491214300080409AABBCC").find("TP-UDHL") != std::string::npos);
    // information element running past the header
    CHECK(decode_error("00410004912143000805" "040009AABB").find("TP-UDH") != std::string::npos);
    // month 13 in a timestamp
    CHECK(decode_error("0004049121430000013132313131310000").find("month 13") != std::string::npos);
}

TEST_CASE("unknown UDH information elements are skipped", "[decode][udh]") {
    // UDH: IE 0x05 (port addressing, 4 octets) then IE 0x00 concat ref 7, 2 parts, part 1; 8-bit data "AB".
    const auto p = decode_ok("004100049121430004" "0E" "0B" "050412345678" "0003070201" "4142");
    const auto& s = std::get<SmsSubmit>(p.tpdu);
    REQUIRE(s.user_data.header);
    CHECK(s.user_data.header->elements.size() == 2);
    REQUIRE(s.user_data.header->concat);
    CHECK(s.user_data.header->concat->reference == 7);
    CHECK(s.user_data.text == "4142");
}

TEST_CASE("concatenation IE with total 0 or seq > total is ignored", "[decode][udh]") {
    const auto p = decode_ok("00410004912143000408" "050003070001" "4142");
    CHECK_FALSE(std::get<SmsSubmit>(p.tpdu).user_data.header->concat.has_value());
}
