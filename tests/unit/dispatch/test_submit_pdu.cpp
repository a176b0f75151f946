// TP-SRR cleared for a modem with status_reports: false, nothing else touched.
#include <catch2/catch.hpp>

#include "daemon/dispatch/submit_pdu.hpp"
#include "pdu/pdu_codec.hpp"

using smsgw::dispatch::without_status_report_request;
namespace pdu = smsgw::pdu;

namespace {

const pdu::SmsSubmit& submit_of(const pdu::Pdu& p) {
    return std::get<pdu::SmsSubmit>(p.tpdu);
}

}  // namespace

TEST_CASE("TP-SRR is cleared, with and without an SMSC field", "[dispatch][pdu]") {
    for (const std::string smsc : {"", "+491722270333"}) {
        pdu::SubmitOptions o;
        o.status_report = true;
        o.smsc = smsc;
        o.validity_minutes = 60;
        const auto m = pdu::encode_submit("+4917012345678", "report me", o);
        REQUIRE(m.has_value());
        const std::string& hex = m->parts.at(0).hex;
        const auto before = pdu::decode_pdu(hex);
        REQUIRE(before.has_value());
        REQUIRE(submit_of(*before).status_report_request);

        const std::string cleared = without_status_report_request(hex);
        REQUIRE(cleared.size() == hex.size());
        const auto after = pdu::decode_pdu(cleared);
        REQUIRE(after.has_value());
        const auto& s = submit_of(*after);
        CHECK_FALSE(s.status_report_request);
        CHECK(s.user_data.text == "report me");
        CHECK(s.destination.display() == "+4917012345678");
        CHECK(s.validity.format == submit_of(*before).validity.format);
        CHECK(without_status_report_request(cleared) == cleared);
    }
}

TEST_CASE("text that is no SMS-SUBMIT is left alone", "[dispatch][pdu]") {
    CHECK(without_status_report_request("") == "");
    CHECK(without_status_report_request("00") == "00");
    CHECK(without_status_report_request("ZZ31") == "ZZ31");
    CHECK(without_status_report_request("0524") == "0524");  // SMSC field longer than the text
    CHECK(without_status_report_request("0024") == "0024");  // TP-MTI 00: an SMS-DELIVER
}
