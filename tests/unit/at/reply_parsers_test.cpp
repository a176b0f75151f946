// Reply parsers, one case per device and answer, pasted as the device sent it
// (garbage included). Sources: gammu tests/at-* dumps, python-gsmmodem
// fakemodems.py tables, vendor AT manuals.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "drivers/at/identity_replies.hpp"
#include "drivers/at/network_replies.hpp"
#include "drivers/at/sim_replies.hpp"
#include "drivers/at/sms_replies.hpp"

using namespace smsgw::at;

TEST_CASE("Huawei E160G CREG=2") {
    // gammu at-creg/huawei.dump: lac and ci in hex without quotes
    const auto r = parse_registration("+CREG: 2,1,4CA,81DE445");
    REQUIRE(r);
    CHECK_FALSE(r->unsolicited);
    CHECK(r->n == 2);
    CHECK(r->status == RegStatus::home);
    CHECK(r->lac == 0x4CAu);
    CHECK(r->ci == 0x81DE445u);
    CHECK_FALSE(r->act);
}

TEST_CASE("Siemens CREG read with quoted lac and ci") {
    const auto r = parse_registration("+CREG: 0,1,\"5E25\",\"605F\"");
    REQUIRE(r);
    CHECK(r->n == 0);
    CHECK(r->lac == 0x5E25u);
    CHECK(r->ci == 0x605Fu);
}

TEST_CASE("Sierra 312U CREG roaming with AcT") {
    const auto r = parse_registration("+CREG: 2,5,\"2AF5\",\"0B88E350\",2");
    REQUIRE(r);
    CHECK(r->status == RegStatus::roaming);
    CHECK(is_registered(r->status));
    CHECK(r->act == AccessTech::utran);
    CHECK(r->ci == 0x0B88E350u);
}

TEST_CASE("Telit CREG with AcT and n=0") {
    const auto r = parse_registration("+CREG: 0,1,\"5E25\",\"605F\",2");
    REQUIRE(r);
    CHECK(r->n == 0);
    CHECK(r->act == AccessTech::utran);
}

TEST_CASE("gammu at-creg/none: not registered, not searching") {
    const auto r = parse_registration("+CREG: 0,0");
    REQUIRE(r);
    CHECK(r->status == RegStatus::not_registered);
    CHECK_FALSE(is_registered(r->status));
}

TEST_CASE("registration URC forms") {
    auto r = parse_registration("+CREG: 1");
    REQUIRE(r);
    CHECK(r->unsolicited);
    CHECK(r->status == RegStatus::home);
    r = parse_registration("+CREG: 5,\"2AF5\",\"0B88E350\"");
    REQUIRE(r);
    CHECK(r->unsolicited);
    CHECK(r->status == RegStatus::roaming);
    CHECK(r->lac == 0x2AF5u);
    r = parse_registration("+CGREG: 3,\"2AF5\",\"0B88E350\",7");
    REQUIRE(r);
    CHECK(r->domain == RegDomain::gprs);
    CHECK(r->unsolicited);
    CHECK(r->status == RegStatus::denied);
    CHECK(r->act == AccessTech::eutran);
    r = parse_registration("+CEREG: 2,1,\"1A2B\",\"01A2B3C\",7,,,\"00000000\",\"00000000\"");
    REQUIRE(r);
    CHECK(r->domain == RegDomain::eps);
    CHECK(r->n == 2);
    CHECK(r->lac == 0x1A2Bu);
    CHECK(r->act == AccessTech::eutran);
    r = parse_registration("+CREG: 2");
    REQUIRE(r);
    CHECK(r->status == RegStatus::searching);
}

TEST_CASE("registration garbage is refused with a reason") {
    CHECK_FALSE(parse_registration("+CREG:"));
    CHECK_FALSE(parse_registration("+CREG: 0,42"));
    CHECK_FALSE(parse_registration("+CREG: 0,1,\"ZZZZ\",\"605F\""));
    CHECK_FALSE(parse_registration("+CREG: 0,1,\"5E25\",\"zz\""));
    CHECK_FALSE(parse_registration("+CSQ: 1,2"));
    const auto r = parse_registration("+CREG: 9,1");
    REQUIRE_FALSE(r);
    CHECK(r.error().reason.find("<n>") != std::string::npos);
}

TEST_CASE("CSQ: rssi to dBm and bars") {
    auto q = parse_csq("+CSQ: 20,99");
    REQUIRE(q);
    CHECK(q->rssi == 20);
    CHECK(q->dbm == -73);
    CHECK(q->bars == 5);
    CHECK_FALSE(q->ber);
    q = parse_csq("+CSQ: 0,0");
    REQUIRE(q);
    CHECK(q->dbm == -113);
    CHECK(q->bars == 0);
    CHECK(q->ber == 0);
    q = parse_csq("+CSQ: 31,99");
    CHECK(q->dbm == -51);
    q = parse_csq("+CSQ: 9,3");
    CHECK(q->dbm == -95);
    CHECK(q->bars == 2);
    q = parse_csq("+CSQ: 99,99");
    REQUIRE(q);
    CHECK_FALSE(q->dbm);
    CHECK(q->bars == 0);
    CHECK_FALSE(parse_csq("+CSQ: 45,99"));
    CHECK_FALSE(parse_csq("+CSQ: ,"));
    CHECK_FALSE(parse_csq("+CSQ: 20,x"));
}

TEST_CASE("COPS: long name, numeric, not registered") {
    auto op = parse_cops("+COPS: 0,0,\"Vodafone.de\",2");
    REQUIRE(op);
    CHECK(op->mode == 0);
    CHECK(op->format == 0);
    CHECK(op->name == "Vodafone.de");
    CHECK(op->act == AccessTech::utran);
    op = parse_cops("+COPS: 0,2,\"26202\",7");
    REQUIRE(op);
    CHECK(op->name == "26202");
    op = parse_cops("+COPS: 0");
    REQUIRE(op);
    CHECK(op->name.empty());
    CHECK_FALSE(parse_cops("+COPS: 0,0"));
    CHECK_FALSE(parse_cops("+COPS: 7,0,\"x\""));
}

TEST_CASE("CPIN states including quoted and non-standard ones") {
    CHECK(*parse_cpin("+CPIN: READY") == PinState::ready);
    CHECK(*parse_cpin("+CPIN: SIM PIN") == PinState::sim_pin);
    CHECK(*parse_cpin("+CPIN: SIM PUK") == PinState::sim_puk);
    CHECK(*parse_cpin("+CPIN: \"SIM PIN\"") == PinState::sim_pin);
    CHECK(*parse_cpin("+CPIN: PH-NET PIN") == PinState::ph_net_pin);
    CHECK(*parse_cpin("+CPIN: NOT INSERTED") == PinState::not_inserted);
    CHECK(*parse_cpin("+CPIN: SIM not inserted") == PinState::not_inserted);
    CHECK_FALSE(parse_cpin("+CPIN: BANANA"));
    CHECK_FALSE(parse_cpin("READY"));
    CHECK(to_string(PinState::ph_netsub_puk) == "ph_netsub_puk");
}

TEST_CASE("PIN retries: +CPINR, Huawei ^CPIN, Quectel +QPINC, SIMCom +SPIC") {
    const std::vector<std::string> cpinr{"+CPINR: SIM PIN,3,3", "+CPINR: SIM PUK,10,10"};
    auto r = parse_pin_retries(cpinr);
    REQUIRE(r);
    CHECK(r->pin == 3);
    CHECK(r->puk == 10);
    const std::vector<std::string> huawei{"^CPIN: SIM PIN,3,10,3,10,3"};
    r = parse_pin_retries(huawei);
    REQUIRE(r);
    CHECK(r->pin == 3);
    CHECK(r->puk == 10);
    CHECK(r->pin2 == 3);
    CHECK(r->puk2 == 10);
    const std::vector<std::string> huawei_ready{"^CPIN: READY,,10,2,10,3"};
    r = parse_pin_retries(huawei_ready);
    REQUIRE(r);
    CHECK(r->pin == 2);
    const std::vector<std::string> quectel{"+QPINC: \"SC\",3,10"};
    r = parse_pin_retries(quectel);
    REQUIRE(r);
    CHECK(r->pin == 3);
    CHECK(r->puk == 10);
    const std::vector<std::string> simcom{"+SPIC: 1,10,3,10"};
    r = parse_pin_retries(simcom);
    REQUIRE(r);
    CHECK(r->pin == 1);
    const std::vector<std::string> nothing{"+CSQ: 1,1"};
    CHECK_FALSE(parse_pin_retries(nothing));
    const std::vector<std::string> short_huawei{"^CPIN: READY,,10"};
    CHECK_FALSE(parse_pin_retries(short_huawei));
}

TEST_CASE("identities: IMEI, IMSI and the ICCID forms") {
    using V = std::vector<std::string>;
    CHECK(*parse_identity(V{"356938035643809"}, IdentityKind::imei) == "356938035643809");
    CHECK(*parse_identity(V{"+CGSN: \"356938035643809\""}, IdentityKind::imei) ==
          "356938035643809");
    CHECK(*parse_identity(V{"111111111111111"}, IdentityKind::imsi) == "111111111111111");
    // SIMCom SIM800: AT+CCID answers the bare digits, some with a trailing F
    CHECK(*parse_identity(V{"8949020000012345678F"}, IdentityKind::iccid) == "8949020000012345678");
    CHECK(*parse_identity(V{"+CCID: \"89440000000000000017\""}, IdentityKind::iccid) ==
          "89440000000000000017");
    CHECK(*parse_identity(V{"+QCCID: 89860318760123456789"}, IdentityKind::iccid) ==
          "89860318760123456789");
    // Huawei ^ICCID? on some firmware returns the nibble-swapped EF_ICCID bytes
    CHECK(*parse_identity(V{"^ICCID: 98683081670132547698"}, IdentityKind::iccid) ==
          "89860318761023456789");
    // ZTE: EF_ICCID read through +CRSM, swapped, 90 00
    CHECK(*parse_identity(V{"+CRSM: 144,0,\"98940000000000000071\""}, IdentityKind::iccid) ==
          "89490000000000000017");
    // Telit #CCID, Sierra !ICCID, Siemens ^SCID
    CHECK(*parse_identity(V{"#CCID: 89390100001234567890"}, IdentityKind::iccid) == "89390100001234567890");
    CHECK(*parse_identity(V{"!ICCID: 89014104212345678901"}, IdentityKind::iccid) == "89014104212345678901");
    CHECK(*parse_identity(V{"^SCID: 8949222074512345678"}, IdentityKind::iccid) == "8949222074512345678");
    CHECK_FALSE(parse_identity(V{"+CRSM: 106,130,\"\""}, IdentityKind::iccid));
    CHECK_FALSE(parse_identity(V{"ERROR"}, IdentityKind::imei));
    CHECK_FALSE(parse_identity(V{"12345"}, IdentityKind::imei));
    CHECK_FALSE(parse_identity(V{}, IdentityKind::imsi));
}

TEST_CASE("model answers of gammu at-model") {
    using V = std::vector<std::string>;
    CHECK(*parse_text_answer(V{"MULTIBAND  900E  1800"}) == "MULTIBAND  900E  1800");
    CHECK(*parse_text_answer(V{"Nokia 5210"}) == "Nokia 5210");
    CHECK(*parse_text_answer(V{"+CGMM: \"E1752\""}) == "E1752");
    CHECK_FALSE(parse_text_answer(V{}));
}

TEST_CASE("CMGS message reference") {
    CHECK(*parse_cmgs("+CMGS: 12") == 12);
    CHECK(*parse_cmgs("+CMGS: 255,\"07911326040000F0\"") == 255);
    CHECK_FALSE(parse_cmgs("+CMGS: 256"));
    CHECK_FALSE(parse_cmgs("+CMGS:"));
    CHECK_FALSE(parse_cmgs("+CMGR: 1"));
}

TEST_CASE("gammu at-sms/02: CMGR stored-sent with empty alpha") {
    const auto m =
        parse_cmgr("+CMGR: 3,,29",
                   "0791361907001003B17A0C913619397750320000AD11CD701E340FB3C3F23CC81D0689C3BF");
    REQUIRE(m);
    CHECK(m->status == MessageStatus::stored_sent);
    CHECK(m->length == 29);
    CHECK(m->length_consistent);
    CHECK(m->pdu.starts_with("07913619"));
}

TEST_CASE("gammu at-sms/10: CMGR with two fields and no alpha") {
    const auto m =
        parse_cmgr("+CMGR: 0,23",
                   "07912374151616F6040B912374786468F30000201003024550400B54C29E2E1F8300A0800B");
    REQUIRE(m);
    CHECK(m->status == MessageStatus::received_unread);
    CHECK(m->length == 23);
    // The modem says 23 TPDU octets; after the 8-octet SMSC field there are 29.
    CHECK_FALSE(m->length_consistent);
}

TEST_CASE("gammu at-sms/26: CMGR with a leading index, gammu at-sms/38: length only") {
    auto m = parse_cmgr(
        "+CMGR: 4,1,,151",
        "0791539111161616640C915391616175500000902012117215408C0B05040B8423F00003A40201");
    REQUIRE(m);
    CHECK(m->index == 4);
    CHECK(m->status == MessageStatus::received_read);
    CHECK(m->length == 151);
    CHECK_FALSE(m->length_consistent);  // this excerpt of the PDU is shorter than 151 octets
    m = parse_cmgr("+CMGR: 24", "079124602009999006B4098106326906F2212041");
    REQUIRE(m);
    CHECK_FALSE(m->status);
    CHECK(m->length == 24);
    CHECK_FALSE(parse_cmgr("+CMGR: 1,2,3,4,5", "00"));
}

TEST_CASE("ZTE status report: CMGR without stat") {
    const auto m =
        parse_cmgr("+CMGR: ,,27", "0297F1061C0F910B487228297020F5317062419272803170624192138000");
    REQUIRE(m);
    CHECK_FALSE(m->status);
    CHECK(m->length == 27);
    CHECK(m->length_consistent);
}

TEST_CASE("CMGR garbage") {
    CHECK_FALSE(parse_cmgr("+CMGR: 1,,29", "07913619XZ"));
    CHECK_FALSE(parse_cmgr("+CMGR: 1,,29", "0791361"));
    CHECK_FALSE(parse_cmgr("+CMGR: 9,,29", "00"));
    CHECK_FALSE(parse_cmgr("+CMGR: 1,,999", "00"));
    CHECK_FALSE(parse_cmgr("+CMGR: ", "00"));
    CHECK_FALSE(parse_cmgr("+CMGR: x", "00"));
    const auto short_pdu = parse_cmgr("+CMGR: 1,,29", "0011");
    REQUIRE(short_pdu);
    CHECK_FALSE(short_pdu->length_consistent);
}

TEST_CASE("python-gsmmodem CMGL listing in PDU mode") {
    const std::vector<std::string> lines{
        "+CMGL: 1,1,,161",
        "07917248010080F020109172480010359099990000312070101344809FCEF21D14769341E8B2BC0CA2BF41737A"
        "381F0211DFEE131DA4AECFE"
        "92079798C0ECBCF65D0B40A0D0E9141E9B1080ABBC9A073990ECABFEB7290BC3C4687E5E73219144ECBE9E9767"
        "96594168BA06199CD1E82E"
        "86FD0B0CC660F41EDB47B0E3281A6CDE97C659497CB2072981E06D1DFA0FABC0C0ABBF3F474BBEC02514D43501"
        "80E67E75DA06199CD060D01",
        "+CMGL: 2,1,,159",
        "07917248010080F0240B917248001064F30000312070604220809F537AD84D0ECBC92061D8BDD681B2EFBA1C14"
        "1E8FDF75377D0E0ACBCB20F7"
        "1BC47EBBCF6539C8981C0641E3771BCE4E87DD741708CA2E87E76590589E769F414922C80482CBDF6F33E86D06"
        "C9CBF334B9EC1E9741F4372"
        "8ECCE83C4F2B07B8C06D1DF2079393CA6A7ED617A19947FD7E5A0F078FCAEBBE97317285A2FCBD3E5F90F04C3D"
        "96030D88C2693B900",
    };
    const auto list = parse_cmgl(lines);
    REQUIRE(list);
    REQUIRE(list->size() == 2);
    CHECK((*list)[0].index == 1);
    CHECK((*list)[0].status == MessageStatus::received_read);
    CHECK((*list)[0].length == 161);
    CHECK((*list)[1].index == 2);
    CHECK((*list)[1].length_consistent);
    const std::vector<std::string> missing_pdu{"+CMGL: 0,0,,35"};
    CHECK_FALSE(parse_cmgl(missing_pdu));
    const std::vector<std::string> empty{};
    CHECK(parse_cmgl(empty)->empty());
}

TEST_CASE("CPMS test answers: Alcatel S320, Huawei E3372, Wavecom, Nokia N79, Samsung J700") {
    auto t = parse_cpms_test(
        "+CPMS: (\"SM\", \"ME\", \"SM_P\", \"ME_P\", \"MT\"), (\"SM\", \"ME\", \"SM_P\", \"ME_P\", "
        "\"MT\"), (\"SM\", "
        "\"ME\", \"SM_P\", \"ME_P\", \"MT\")");
    REQUIRE(t);
    REQUIRE(t->size() == 3);
    CHECK((*t)[0].size() == 5);
    CHECK((*t)[2][4] == "MT");
    t = parse_cpms_test("+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")");
    REQUIRE(t);
    CHECK((*t)[1] == std::vector<std::string>{"SM", "ME"});
    t = parse_cpms_test("+CPMS: ((\"SM\",\"BM\",\"SR\"),(\"SM\"))");
    REQUIRE(t);
    REQUIRE(t->size() == 2);
    CHECK((*t)[0].size() == 3);
    CHECK((*t)[1] == std::vector<std::string>{"SM"});
    t = parse_cpms_test("+CPMS: (),(),()");
    REQUIRE(t);
    CHECK(t->size() == 3);
    CHECK((*t)[0].empty());
    const auto samsung = parse_cpms_test("+CPMS: ");
    REQUIRE_FALSE(samsung);
    CHECK(samsung.error().reason.find("Samsung") != std::string::npos);
    CHECK_FALSE(parse_cpms_test("+CPMS: (SM,ME)"));
}

TEST_CASE("CPMS query and set answers") {
    auto q = parse_cpms_query("+CPMS: \"SM\",5,50,\"SM\",5,50,\"SR\",0,20");
    REQUIRE(q);
    REQUIRE(q->size() == 3);
    CHECK((*q)[0].storage == "SM");
    CHECK((*q)[0].used == 5);
    CHECK((*q)[2].total == 20);
    // Nokia N79
    CHECK_FALSE(parse_cpms_query("+CPMS: ,,,,,,,,"));
    CHECK_FALSE(parse_cpms_query("+CPMS: \"SM\",5"));
    // Wavecom Multiband 900E: AT+CPMS="SM","SM"
    auto s = parse_cpms_set("+CPMS: 14,50,14,50");
    REQUIRE(s);
    REQUIRE(s->size() == 2);
    CHECK((*s)[1].used == 14);
    CHECK((*s)[1].total == 50);
    CHECK_FALSE(parse_cpms_set("+CPMS: 14,50,14"));
}

TEST_CASE("CSCA: quoted, bare and UCS-2 hex (gammu at-smsc)") {
    auto sc = parse_csca("+CSCA: \"+79168999100\",145");
    REQUIRE(sc);
    CHECK(sc->number == "+79168999100");
    CHECK(sc->type == 145);
    sc = parse_csca("+CSCA: 002B00390037003200350034003100320030003000330032,145");
    REQUIRE(sc);
    CHECK(sc->number == "+97254120032");
    sc = parse_csca("+CSCA: \"002B003400340037003800300032003000390032003000330035\",145");
    REQUIRE(sc);
    CHECK(sc->number == "+447802092035");
    sc = parse_csca("+CSCA: \"6281100000\",145");
    REQUIRE(sc);
    CHECK(sc->number == "6281100000");
    CHECK_FALSE(parse_csca("+CSCA: \"\",129"));
    CHECK_FALSE(parse_csca("+CSCA: \"+49 172\",145"));
}

TEST_CASE("CNMI test ranges (gammu at-cnmi)") {
    auto c = parse_cnmi_test("+CNMI: (2),(0-1,3),(0,2),(0-1),(0)");
    REQUIRE(c);
    CHECK(c->mode.contains(2));
    CHECK_FALSE(c->mode.contains(1));
    CHECK(c->mt.contains(3));
    CHECK_FALSE(c->mt.contains(2));
    CHECK(c->supports(2, 1, 0, 1, 0));
    CHECK_FALSE(c->supports(2, 1, 0, 2, 0));
    CHECK(c->mt.to_string() == "0-1,3");
    c = parse_cnmi_test("+CNMI:(0-3),(0-3),(0-3),(0,1),(0,1)");
    REQUIRE(c);
    CHECK(c->supports(3, 3, 3, 1, 1));
    CHECK_FALSE(parse_cnmi_test("+CNMI: (0-2),(0,1,3),(0),(0,1)"));
    CHECK_FALSE(parse_cnmi_test("+CNMI: (2-1),(0),(0),(0),(0)"));
    CHECK_FALSE(parse_cnmi_test("+CNMI: (a),(0),(0),(0),(0)"));
}
