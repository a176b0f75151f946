// decode_pdu_partial: what a PDU that does not decode still says. Real captures
// from shared/vectors whose user data (or what follows it) is broken keep the
// sender, coding and time stamp read before the error; on every public vector
// it agrees with decode_pdu on whether and why a PDU is refused.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "pdu/partial_pdu.hpp"
#include "pdu/pdu_codec.hpp"

using namespace smsgw::pdu;

namespace {

PartialPdu refused(const std::string& hex) {
    auto decoded = decode_pdu_partial(hex);
    REQUIRE_FALSE(decoded.has_value());
    // The same reason decode_pdu gives.
    const auto plain = decode_pdu(hex);
    REQUIRE_FALSE(plain.has_value());
    CHECK(decoded.error().error.to_string() == plain.error().to_string());
    return decoded.error();
}

// An SMS-DELIVER refused after its TP-SCTS: every field before the user data kept.
void check_kept(const PartialPdu& p, const std::string& from, const std::string& scts) {
    CHECK(p.deliver);
    REQUIRE(p.originator);
    CHECK(p.originator->display() == from);
    CHECK(p.protocol_id == 0);
    REQUIRE(p.coding);
    CHECK(p.coding->alphabet == Alphabet::gsm7);
    REQUIRE(p.service_centre_time);
    CHECK(p.service_centre_time->to_iso8601() == scts);
}

// The "pdu" of each line of shared/vectors/pdus.jsonl, with its "id".
std::vector<std::pair<std::string, std::string>> vector_pdus() {
    std::ifstream in(std::string(SMSGW_SHARED_DIR) + "/vectors/pdus.jsonl");
    std::vector<std::pair<std::string, std::string>> out;
    const auto field = [](const std::string& line, const std::string& key) {
        const std::string open = "\"" + key + "\": \"";
        const auto at = line.find(open);
        if (at == std::string::npos) return std::string();
        const auto begin = at + open.size();
        return line.substr(begin, line.find('"', begin) - begin);
    };
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.emplace_back(field(line, "id"), field(line, "pdu"));
    return out;
}

}  // namespace

TEST_CASE("gammu-at-sms-39, an SMS-DELIVER with 30 octets after it: sender, coding and time kept",
          "[pdu][partial]") {
    // A real phone's AT+CMGR answer (gammu tests/at-sms/39.dump): an SMSC's
    // missed-call notice from "9494" followed by 30 octets of something else.
    const auto partial = refused(
        "07914336120011F10404A14949000021807001253040356C76B81D268741F0B29C9C268741E4B20EB49AD16CB"
        "19BAD368BD96EA0B71B04BBBD603810284C078162315D2CE70289EBFAE1AC0CB2BFF52C10FC2D0799C3F6B71C"
        "C46687DB6550980D8AC962");
    CHECK(partial.error.field == "PDU");
    REQUIRE(partial.smsc);
    CHECK(partial.smsc->display() == "+34632100111");
    check_kept(partial, "9494", "2012-08-07T10:52:03+01:00");
}

TEST_CASE("mm-pdu_insufficient_data, a TP-UDL longer than the user data: sender and time kept",
          "[pdu][partial]") {
    const auto partial =
        refused("07912143658709F1040B918100551512F20000111010214365000BE8329BFD4697D9EC37");
    CHECK(partial.error.field == "TP-UDL");
    check_kept(partial, "+18005551212", "2011-01-01T12:34:56+00:00");
}

TEST_CASE("gammu-at-sms-failing-35, compressed user data: the sender, nothing after TP-DCS",
          "[pdu][partial]") {
    // TP-DCS 0x39 announces TS 23.042 compression, which smsgw refuses: the
    // fields from TP-DCS on are not taken.
    const auto partial = refused(
        "07916307996905F0040B916307779872F4003901406041433180353058AC6CCBCD64B05BB80C2000760000000"
        "00020006F0074007400000000006F00630000006900760061006C002000");
    CHECK(partial.error.field == "TP-DCS");
    REQUIRE(partial.originator);
    CHECK(partial.originator->display() == "+36707789274");
    CHECK(partial.protocol_id == 0);
    CHECK_FALSE(partial.coding);
    CHECK_FALSE(partial.service_centre_time);
}

TEST_CASE("a PDU cut inside TP-OA has an SMSC but no sender", "[pdu][partial]") {
    const auto partial = refused("0791947122723033240C9194");
    CHECK(partial.error.field == "TP-OA");
    REQUIRE(partial.smsc);
    CHECK(partial.smsc->display() == "+491722270333");
    CHECK(partial.deliver);
    CHECK_FALSE(partial.originator);
    CHECK_FALSE(partial.protocol_id);
}

TEST_CASE("a refused SMS-SUBMIT or bad hex gives no SMS-DELIVER fields", "[pdu][partial]") {
    // gammu-at-sms-failing-01: TP-DA length 129.
    const auto submit = refused(
        "0791246030500200110481643000007030427132500047D6B0BEECCE83F4E17558EF4EAFEB2CD09C5DD78BC32"
        "07519447E8FC3737719D44EB7DF20B8FC6D7FEB5D2062795D5797DB65903E0C82BFC7E837BCEC4EBB00");
    CHECK_FALSE(submit.deliver);
    CHECK_FALSE(submit.originator);
    const auto hex = refused("0004G");
    CHECK(hex.error.field == "hex");
    CHECK_FALSE(hex.deliver);
    CHECK_FALSE(hex.smsc);
}

TEST_CASE("decode_pdu_partial agrees with decode_pdu on every public vector", "[pdu][partial]") {
    const auto vectors = vector_pdus();
    REQUIRE(vectors.size() >= 300);
    for (const auto& [id, hex] : vectors) {
        INFO(id << " " << hex);
        const auto plain = decode_pdu(hex);
        const auto partial = decode_pdu_partial(hex);
        REQUIRE(partial.has_value() == plain.has_value());
        if (plain) {
            CHECK(type_name(partial->tpdu) == std::string(type_name(plain->tpdu)));
            if (const auto* d = std::get_if<SmsDeliver>(&plain->tpdu)) {
                const auto& p = std::get<SmsDeliver>(partial->tpdu);
                CHECK(p.originator == d->originator);
                CHECK(p.user_data.text == d->user_data.text);
            }
            continue;
        }
        CHECK(partial.error().error.to_string() == plain.error().to_string());
        // A field is only there when every field before it decoded.
        const auto& p = partial.error();
        if (p.service_centre_time) CHECK(p.coding);
        if (p.coding) CHECK(p.protocol_id);
        if (p.protocol_id) CHECK(p.originator);
        if (p.originator) CHECK(p.deliver);
    }
}
