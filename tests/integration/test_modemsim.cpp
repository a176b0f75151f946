// smsgw-modemsim against raw bytes: a real simulator process, a real pty in
// raw mode, AT commands typed as a client types them. Each case names the
// behaviour of a real modem it pins down (TS 27.005 / 27.007 clause or the
// device whose habit it copies). PDUs are built and read with pdu/.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "pdu/pdu_codec.hpp"
#include "tests/integration/sim_harness.hpp"

using namespace smsgw;
using namespace smsgw::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// "+CMGS: 7" → 7; the first "<prefix>N" number in `text`.
int number_after(const std::string& text, const std::string& prefix) {
    auto pos = text.find(prefix);
    REQUIRE(pos != std::string::npos);
    return std::stoi(text.substr(pos + prefix.size()));
}

// The next line the modem sends, without its <CR><LF>.
std::string read_line(PtyClient& modem) {
    std::string line = modem.expect("\r\n");
    REQUIRE(line.size() >= 2);
    return line.substr(0, line.size() - 2);
}

// Submits one encoded part through the prompt; returns the whole exchange.
std::string submit(PtyClient& modem, const pdu::EncodedPart& part) {
    modem.send("AT+CMGS=" + std::to_string(part.tpdu_length) + "\r");
    REQUIRE_FALSE(modem.expect("\r\n> ").empty());
    return modem.command(part.hex + "\x1A");
}

// The PDU line following an information line such as "+CMGR: 0,,28".
std::string pdu_after(const std::string& response, const std::string& info_prefix) {
    auto pos = response.find(info_prefix);
    REQUIRE(pos != std::string::npos);
    auto start = response.find("\r\n", pos) + 2;
    return response.substr(start, response.find("\r\n", start) - start);
}

pdu::SmsDeliver decode_deliver(const std::string& hex) {
    auto decoded = pdu::decode_pdu(hex);
    REQUIRE(decoded.has_value());
    REQUIRE(std::holds_alternative<pdu::SmsDeliver>(decoded->tpdu));
    return std::get<pdu::SmsDeliver>(decoded->tpdu);
}

}  // namespace

TEST_CASE("a stuck echo stays on after ATE0, a restart turns it on unless kept") {
    {
        SimProcess sim({"--echo-stuck"});
        PtyClient modem(sim.link());
        CHECK(modem.command("ATE0") == "ATE0\r\r\nOK\r\n");
        CHECK(modem.command("AT") == "AT\r\r\nOK\r\n");
    }
    SimProcess sim({"--reset-ms", "20"});
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0") == "ATE0\r\r\nOK\r\n");
    sim.control({{"op", "restart"}, {"quiet", true}, {"keep_echo", true}});
    std::this_thread::sleep_for(100ms);
    CHECK(modem.command("AT") == "\r\nOK\r\n");
    sim.control({{"op", "restart"}, {"quiet", true}});
    std::this_thread::sleep_for(100ms);
    CHECK(modem.command("AT") == "AT\r\r\nOK\r\n");
}

TEST_CASE("echo, V.25ter framing and verbose errors") {
    SimProcess sim;
    PtyClient modem(sim.link());
    // Echo is on after power-up: the command comes back, then \r\nOK\r\n.
    CHECK(modem.command("AT") == "AT\r\r\nOK\r\n");
    CHECK(modem.command("ATE0") == "ATE0\r\r\nOK\r\n");
    CHECK(modem.command("AT") == "\r\nOK\r\n");
    CHECK(modem.command("at+cgmi;+CGMM") == "\r\nsmsgw\r\n\r\nmodemsim\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+NOSUCH") == "\r\nERROR\r\n");
    // AT+CMEE selects plain, numeric or verbose errors, for +CME and +CMS alike.
    CHECK(modem.command("AT+CPIN=\"1234\"") == "\r\nERROR\r\n");
    CHECK(modem.command("AT+CMEE=1") == "\r\nOK\r\n");
    CHECK(modem.command("AT+CPIN=\"1234\"") == "\r\n+CME ERROR: 3\r\n");
    CHECK(modem.command("AT+CMEE=2") == "\r\nOK\r\n");
    CHECK(modem.command("AT+CMGF=1") == "\r\n+CMS ERROR: operation not supported\r\n");
    CHECK(modem.command("AT+CMGF=0") == "\r\nOK\r\n");
    CHECK(modem.command("AT+CMGF?") == "\r\n+CMGF: 0\r\n\r\nOK\r\n");
    // Identity, network and signal as a technician's probe reads them.
    CHECK(modem.command("AT+CGSN") == "\r\n356938035643809\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CIMI") == "\r\n262019876543210\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CCID") == "\r\n+CCID: 89490200001234567890\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CSQ") == "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CREG?") == "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+COPS?") == "\r\n+COPS: 0,0,\"smsgw-net\",7\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CSCA?") == "\r\n+CSCA: \"+491722270333\",145\r\n\r\nOK\r\n");
    CHECK(sim.control({{"op", "stats"}})["stats"]["errors"] == 4);
}

TEST_CASE("AT+CMGS: prompt, TP-MR, wrong length 304, ESC cancels, sent log") {
    SimProcess sim({"--first-mr", "254"});
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CMEE=1") == "ATE0;+CMEE=1\r\r\nOK\r\n");

    pdu::SubmitOptions options;
    options.status_report = true;
    auto message = pdu::encode_submit("+491701234567", "Hello from the test", options);
    REQUIRE(message.has_value());
    const auto& part = message->parts.at(0);
    // TP-MR counts up from --first-mr and wraps at 256 (TS 23.040 §9.2.3.6).
    CHECK(number_after(submit(modem, part), "+CMGS: ") == 254);
    CHECK(number_after(submit(modem, part), "+CMGS: ") == 255);
    CHECK(submit(modem, part) == "\r\n+CMGS: 0\r\n\r\nOK\r\n");

    // <length> must be the TPDU length, without the SMSC field (TS 27.005 §3.5.1).
    modem.send("AT+CMGS=" + std::to_string(part.tpdu_length + 1) + "\r");
    REQUIRE_FALSE(modem.expect("\r\n> ").empty());
    CHECK(modem.command(part.hex + "\x1A") == "\r\n+CMS ERROR: 304\r\n");

    // ESC abandons the message: OK, nothing sent.
    modem.send("AT+CMGS=" + std::to_string(part.tpdu_length) + "\r");
    REQUIRE_FALSE(modem.expect("\r\n> ").empty());
    CHECK(modem.command(part.hex.substr(0, 10) + "\x1B") == "\r\nOK\r\n");

    json sent = sim.control({{"op", "sent"}});
    REQUIRE(sent["ok"] == true);
    REQUIRE(sent["sent"].size() == 3);
    CHECK(sent["sent"][0]["to"] == "+491701234567");
    CHECK(sent["sent"][0]["text"] == "Hello from the test");
    CHECK(sent["sent"][0]["encoding"] == "gsm7");
    CHECK(sent["sent"][0]["srr"] == true);
    CHECK(sent["sent"][0]["concat"].is_null());
    CHECK(sent["sent"][2]["mr"] == 0);
    // The --log file has the same records, one JSON line each.
    std::ifstream log(sim.sent_log());
    std::string line;
    int lines = 0;
    while (std::getline(log, line)) {
        CHECK(json::parse(line)["text"] == "Hello from the test");
        ++lines;
    }
    CHECK(lines == 3);
    CHECK(sim.control({{"op", "stats"}})["stats"]["cmgs_rejected"] == 1);
}

TEST_CASE("multi-part UCS-2 submit is logged part by part with its concatenation") {
    SimProcess sim;
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0") == "ATE0\r\r\nOK\r\n");
    std::string text;
    for (int i = 0; i < 12; ++i) text += "Привет, мир! ";
    pdu::SubmitOptions options;
    options.reference = 77;
    auto message = pdu::encode_submit("+491701234567", text, options);
    REQUIRE(message.has_value());
    REQUIRE(message->parts.size() == 3);
    for (const auto& part : message->parts) CHECK(submit(modem, part).find("+CMGS: ") != std::string::npos);
    json sent = sim.control({{"op", "sent"}})["sent"];
    REQUIRE(sent.size() == 3);
    std::string joined;
    for (int i = 0; i < 3; ++i) {
        CHECK(sent[i]["encoding"] == "ucs2");
        CHECK(sent[i]["concat"]["ref"] == 77);
        CHECK(sent[i]["concat"]["total"] == 3);
        CHECK(sent[i]["concat"]["seq"] == i + 1);
        joined += sent[i]["text"].get<std::string>();
    }
    CHECK(joined == text);
}

TEST_CASE("inbound message: +CMTI, CMGR marks it read, CMGD deletes it") {
    SimProcess sim;
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CMEE=1;+CNMI=2,1,0,0,0") == "ATE0;+CMEE=1;+CNMI=2,1,0,0,0\r\r\nOK\r\n");
    json r = sim.control({{"op", "inject_sms"}, {"from", "+4917099887766"}, {"text", "Ja, passt!"}});
    REQUIRE(r["ok"] == true);
    CHECK(r["indexes"] == json::array({1}));
    CHECK(modem.expect("\r\n+CMTI: \"SM\",1\r\n") == "\r\n+CMTI: \"SM\",1\r\n");

    std::string read = modem.command("AT+CMGR=1");
    CHECK(read.rfind("\r\n+CMGR: 0,,", 0) == 0);  // stat 0: received unread
    auto deliver = decode_deliver(pdu_after(read, "+CMGR: "));
    CHECK(deliver.originator.display() == "+4917099887766");
    CHECK(deliver.user_data.text == "Ja, passt!");
    CHECK(modem.command("AT+CMGR=1").rfind("\r\n+CMGR: 1,,", 0) == 0);  // now read
    CHECK(modem.command("AT+CPMS?") == "\r\n+CPMS: \"SM\",1,20,\"SM\",1,20,\"SM\",1,20\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CMGL=0") == "\r\nOK\r\n");  // nothing unread left
    CHECK(modem.command("AT+CMGL=4").find("+CMGL: 1,1,,") != std::string::npos);
    CHECK(modem.command("AT+CMGD=1") == "\r\nOK\r\n");
    CHECK(modem.command("AT+CMGR=1") == "\r\n+CMS ERROR: 321\r\n");
    CHECK(modem.command("AT+CMGR=21") == "\r\n+CMS ERROR: 321\r\n");
    CHECK(sim.control({{"op", "stats"}})["stats"]["deleted"] == 1);
    CHECK(sim.control({{"op", "storage"}})["storage"]["SM"].empty());
}

TEST_CASE("a long inbound text arrives as concatenated parts, in the order asked for") {
    SimProcess sim;
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CNMI=2,1,0,0,0") == "ATE0;+CNMI=2,1,0,0,0\r\r\nOK\r\n");
    std::string text(400, 'x');
    json r = sim.control({{"op", "inject_sms"}, {"from", "+4917011122233"}, {"text", text},
                          {"reference", 42}, {"parts_order", "reverse"}});
    REQUIRE(r["parts"] == 3);
    REQUIRE(modem.expect("+CMTI: \"SM\",3\r\n").size() > 0);
    std::string list = modem.command("AT+CMGL=4");
    // Stored in arrival order: slot 1 holds part 3 of 3.
    auto first = decode_deliver(pdu_after(list, "+CMGL: 1,"));
    REQUIRE(first.user_data.header.has_value());
    CHECK(first.user_data.header->concat->sequence == 3);
    CHECK(first.user_data.header->concat->reference == 42);
    json storage = sim.control({{"op", "storage"}})["storage"]["SM"];
    REQUIRE(storage.size() == 3);
    CHECK(storage[2]["concat"]["seq"] == 1);
    CHECK(storage[0]["stat"] == "REC READ");
}

TEST_CASE("+CMT needs +CNMA when AT+CSMS=1, without it routing is switched off") {
    SimProcess sim({"--cnma-timeout-ms", "400"});
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CMEE=1") == "ATE0;+CMEE=1\r\r\nOK\r\n");
    CHECK(modem.command("AT+CSMS=1") == "\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CNMI=2,2,0,0,0") == "\r\nOK\r\n");
    CHECK(modem.command("AT+CNMA") == "\r\n+CMS ERROR: 340\r\n");  // nothing to acknowledge

    sim.control({{"op", "inject_sms"}, {"from", "+4915155555"}, {"text", "first"}});
    sim.control({{"op", "inject_sms"}, {"from", "+4915155555"}, {"text", "second"}});
    REQUIRE_FALSE(modem.expect("\r\n+CMT: ,").empty());
    int length = std::stoi(read_line(modem));
    std::string hex = read_line(modem);
    CHECK(static_cast<int>(hex.size()) / 2 - 1 - std::stoi(hex.substr(0, 2), nullptr, 16) == length);
    CHECK(decode_deliver(hex).user_data.text == "first");
    // TS 27.005 §3.4.1: no second +CMT before the first is acknowledged.
    CHECK(modem.drain(200ms).find("+CMT") == std::string::npos);
    CHECK(modem.command("AT+CNMA") == "\r\nOK\r\n");
    REQUIRE_FALSE(modem.expect("\r\n+CMT: ,").empty());
    // Not acknowledged: after the timeout <mt> and <ds> drop to 0 and the
    // network's redelivery lands in storage.
    CHECK(wait_for([&] { return sim.control({{"op", "stats"}})["stats"]["cnma_timeouts"] == 1; }));
    CHECK(modem.command("AT+CNMI?").find("+CNMI: 2,0,0,0,0") != std::string::npos);
    json storage = sim.control({{"op", "storage"}})["storage"]["SM"];
    REQUIRE(storage.size() == 1);
    CHECK(storage[0]["text"] == "second");
}

TEST_CASE("status reports: +CDS for <ds>=1, +CDSI for <ds>=2, and --auto-report") {
    SimProcess sim({"--auto-report", "--report-delay-ms", "50"});
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CMEE=1;+CNMI=2,1,0,1,0") == "ATE0;+CMEE=1;+CNMI=2,1,0,1,0\r\r\nOK\r\n");
    pdu::SubmitOptions options;
    options.status_report = true;
    auto message = pdu::encode_submit("+491709999999", "report me", options);
    REQUIRE(message.has_value());
    int mr = number_after(submit(modem, message->parts[0]), "+CMGS: ");

    // --auto-report: the report for the part arrives by itself.
    REQUIRE_FALSE(modem.expect("\r\n+CDS: ").empty());
    read_line(modem);  // <length>
    std::string hex = read_line(modem);
    auto decoded = pdu::decode_pdu(hex);
    REQUIRE(decoded.has_value());
    auto report = std::get<pdu::SmsStatusReport>(decoded->tpdu);
    CHECK(report.message_reference == mr);
    CHECK(report.recipient.display() == "+491709999999");
    CHECK(report.status == 0);

    // Injected report with <ds>=2: stored, announced with +CDSI.
    CHECK(modem.command("AT+CNMI=2,1,0,2,0") == "\r\nOK\r\n");
    json r = sim.control({{"op", "status_report"}, {"mr", mr}, {"status", 0x46}});
    REQUIRE(r["ok"] == true);
    CHECK(modem.expect("\r\n+CDSI: \"SM\",1\r\n").size() > 0);
    json storage = sim.control({{"op", "storage"}})["storage"]["SM"];
    REQUIRE(storage.size() == 1);
    CHECK(storage[0]["type"] == "status-report");
    CHECK(storage[0]["status"] == 0x46);
    CHECK(storage[0]["mr"] == mr);
    // A report for a TP-MR never used needs a recipient.
    CHECK(sim.control({{"op", "status_report"}, {"mr", 200}})["ok"] == false);
}

TEST_CASE("noise lines: unsolicited, and inside the next response") {
    SimProcess sim;
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0") == "ATE0\r\r\nOK\r\n");
    sim.control({{"op", "noise"}, {"line", "^RSSI: 12"}});
    CHECK(modem.expect("\r\n^RSSI: 12\r\n") == "\r\n^RSSI: 12\r\n");
    sim.control({{"op", "noise"}, {"line", "^MODE: 5,4"}, {"during_next_response", true}});
    CHECK(modem.command("AT+CGMI") == "\r\nsmsgw\r\n\r\n^MODE: 5,4\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CGMI") == "\r\nsmsgw\r\n\r\nOK\r\n");
    // Kept for the answer to the command it names, whatever comes before.
    sim.control({{"op", "noise"}, {"line", "^RSSI: 9"}, {"during_response_to", "at+cgmm"}});
    CHECK(modem.command("AT+CGMI") == "\r\nsmsgw\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CGMM") == "\r\nmodemsim\r\n\r\n^RSSI: 9\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CGMM") == "\r\nmodemsim\r\n\r\nOK\r\n");
    const json refused =
        sim.control({{"op", "noise"}, {"line", "ERROR"}, {"during_response_to", "+CGMM"}});
    CHECK_THAT(refused["error"].get<std::string>(), Catch::Contains("during_response_to"));
}

TEST_CASE("Huawei flavour: ^ICCID, ^CPIN, 0-based storage, periodic noise until ^CURC=0") {
    SimProcess sim({"--flavour", "huawei", "--noise-interval-ms", "100", "--noise-in-response", "0"});
    PtyClient modem(sim.link());
    REQUIRE_FALSE(modem.expect("\r\n^").empty());  // ^RSSI/^MODE/^BOOT arrive on their own
    CHECK(modem.command("AT^CURC=0").find("\r\nOK\r\n") != std::string::npos);
    modem.drain(50ms);  // a noise line may have raced the command
    CHECK(modem.drain(400ms).empty());
    CHECK(modem.command("ATE0").find("OK") != std::string::npos);
    CHECK(modem.command("AT+CGMI") == "\r\nhuawei\r\n\r\nOK\r\n");
    CHECK(modem.command("AT^ICCID?") == "\r\n^ICCID: 89490200001234567890\r\n\r\nOK\r\n");
    CHECK(modem.command("AT^CPIN?") == "\r\n^CPIN: READY,,10,3,10,3\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CNMI?") == "\r\n+CNMI: 0,0,0,0,0\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CNMI=2,1") == "\r\nOK\r\n");
    sim.control({{"op", "inject_sms"}, {"from", "+4917000000"}, {"text", "zero"}});
    CHECK(modem.expect("\r\n+CMTI: \"SM\",0\r\n").size() > 0);
    CHECK(modem.command("AT+CMGR=0").find("\r\n+CMGR: 0,,") == 0);
    CHECK(modem.command("AT+CMGR=20") == "\r\nERROR\r\n");  // past the end (CMEE=0)
}

TEST_CASE("Option --index-base 0 on the generic modem") {
    SimProcess sim({"--index-base", "0", "--storage-size", "5"});
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CMEE=1;+CNMI=2,1") == "ATE0;+CMEE=1;+CNMI=2,1\r\r\nOK\r\n");
    sim.control({{"op", "inject_sms"}, {"from", "+4917000000"}, {"text", "zero"}});
    CHECK(modem.expect("\r\n+CMTI: \"SM\",0\r\n").size() > 0);
    CHECK(modem.command("AT+CMGL=4").find("\r\n+CMGL: 0,0,,") == 0);
    CHECK(modem.command("AT+CMGD=5") == "\r\n+CMS ERROR: 321\r\n");
    CHECK(modem.command("AT+CMGD=0") == "\r\nOK\r\n");
    CHECK(sim.control({{"op", "storage"}})["index_base"] == 0);
}

TEST_CASE("SIM storage full: no +CMTI, the message waits until a slot frees") {
    SimProcess sim({"--storage-size", "2"});
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CMEE=1;+CNMI=2,1") == "ATE0;+CMEE=1;+CNMI=2,1\r\r\nOK\r\n");
    sim.control({{"op", "inject_sms"}, {"from", "+4912"}, {"text", "one"}});
    sim.control({{"op", "inject_sms"}, {"from", "+4913"}, {"text", "two"}});
    REQUIRE(modem.expect("+CMTI: \"SM\",2\r\n").size() > 0);
    json r = sim.control({{"op", "inject_sms"}, {"from", "+4914"}, {"text", "three"}});
    CHECK(r["waiting"] == 1);
    CHECK(r["indexes"].empty());
    CHECK(modem.drain(200ms).find("+CMTI") == std::string::npos);
    CHECK(modem.command("AT+CPMS?").find("+CPMS: \"SM\",2,2,") != std::string::npos);
    // AT+CMGW into a full memory: +CMS ERROR: 322.
    auto message = pdu::encode_submit("+4915", "draft");
    REQUIRE(message.has_value());
    modem.send("AT+CMGW=" + std::to_string(message->parts[0].tpdu_length) + "\r");
    REQUIRE_FALSE(modem.expect("> ").empty());
    CHECK(modem.command(message->parts[0].hex + "\x1A") == "\r\n+CMS ERROR: 322\r\n");
    // Deleting one lets the network deliver the held message.
    CHECK(modem.command("AT+CMGD=1") == "\r\nOK\r\n");
    CHECK(modem.expect("\r\n+CMTI: \"SM\",1\r\n").size() > 0);
    auto deliver = decode_deliver(pdu_after(modem.command("AT+CMGR=1"), "+CMGR: "));
    CHECK(deliver.user_data.text == "three");
}

TEST_CASE("Option --error-rate answers the configured +CMS ERROR codes") {
    SimProcess sim({"--error-rate", "1", "--error-codes", "42"});
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CMEE=1") == "ATE0;+CMEE=1\r\r\nOK\r\n");
    auto message = pdu::encode_submit("+491701234567", "will fail");
    REQUIRE(message.has_value());
    CHECK(submit(modem, message->parts[0]) == "\r\n+CMS ERROR: 42\r\n");
    CHECK(modem.command("AT+CMEE=2") == "\r\nOK\r\n");
    CHECK(submit(modem, message->parts[0]) == "\r\n+CMS ERROR: Congestion\r\n");
    // The control socket lowers the rate at run time.
    REQUIRE(sim.control({{"op", "set"}, {"error_rate", 0}})["ok"] == true);
    CHECK(submit(modem, message->parts[0]) == "\r\n+CMGS: 0\r\n\r\nOK\r\n");
    CHECK(sim.control({{"op", "stats"}})["stats"]["cmgs_rejected"] == 2);
}

TEST_CASE("PIN: locked SIM, wrong PIN counts down, PUK unlocks, +CREG follows") {
    SimProcess sim({"--pin", "4321"});
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CMEE=1;+CREG=1") == "ATE0;+CMEE=1;+CREG=1\r\r\nOK\r\n");
    CHECK(modem.command("AT+CPIN?") == "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CIMI") == "\r\n+CME ERROR: 11\r\n");
    CHECK(modem.command("AT+CMGL=4") == "\r\n+CMS ERROR: 311\r\n");
    CHECK(modem.command("AT+CREG?") == "\r\n+CREG: 1,0\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CPIN=\"0000\"") == "\r\n+CME ERROR: 16\r\n");
    CHECK(modem.command("AT+CPINR=\"SIM PIN\"") == "\r\n+CPINR: SIM PIN,2,3\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CPIN=\"4321\"") == "\r\nOK\r\n");
    CHECK(modem.expect("\r\n+CREG: 1\r\n").size() > 0);  // registered once unlocked
    CHECK(modem.command("AT+CPIN?") == "\r\n+CPIN: READY\r\n\r\nOK\r\n");
    // After a reset the SIM is locked again; three wrong PINs ask for the PUK.
    CHECK(modem.command("AT+CFUN=1,1") == "\r\nOK\r\n");
    CHECK(wait_for([&] { return modem.command("AT", 200ms).find("OK") != std::string::npos; }));
    modem.command("ATE0;+CMEE=1");
    for (int i = 0; i < 3; ++i) CHECK(modem.command("AT+CPIN=\"1111\"") == "\r\n+CME ERROR: 16\r\n");
    CHECK(modem.command("AT+CPIN?") == "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CPIN=\"12345678\",\"2468\"") == "\r\nOK\r\n");
    CHECK(modem.command("AT+CPIN?") == "\r\n+CPIN: READY\r\n\r\nOK\r\n");
}

TEST_CASE("registration changes: +CREG URCs and +CMS ERROR: 331 without service") {
    SimProcess sim;
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CMEE=1;+CREG=2") == "ATE0;+CMEE=1;+CREG=2\r\r\nOK\r\n");
    CHECK(modem.command("AT+CREG?") == "\r\n+CREG: 2,1,\"1A2B\",\"00C3D4E5\",7\r\n\r\nOK\r\n");
    sim.control({{"op", "set"}, {"registration", "searching"}, {"signal", 3}});
    CHECK(modem.expect("\r\n+CREG: 2\r\n").size() > 0);
    CHECK(modem.command("AT+CSQ") == "\r\n+CSQ: 3,99\r\n\r\nOK\r\n");
    auto message = pdu::encode_submit("+491701234567", "no service");
    REQUIRE(message.has_value());
    CHECK(submit(modem, message->parts[0]) == "\r\n+CMS ERROR: 331\r\n");
    sim.control({{"op", "set"}, {"registration", "roaming"}});
    CHECK(modem.expect("\r\n+CREG: 5,\"1A2B\",\"00C3D4E5\",7\r\n").size() > 0);
    CHECK(submit(modem, message->parts[0]).find("+CMGS: ") != std::string::npos);
}

TEST_CASE("Option --lte-only: +CREG searches while +CEREG is registered, and SMS go out") {
    SimProcess sim({"--lte-only"});
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CMEE=1;+CREG=1") == "ATE0;+CMEE=1;+CREG=1\r\r\nOK\r\n");
    CHECK(modem.command("AT+CREG?") == "\r\n+CREG: 1,2\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CGREG?") == "\r\n+CGREG: 0,2\r\n\r\nOK\r\n");
    CHECK(modem.command("AT+CEREG?") == "\r\n+CEREG: 0,1\r\n\r\nOK\r\n");
    auto message = pdu::encode_submit("+491701234567", "over LTE");
    REQUIRE(message.has_value());
    CHECK(submit(modem, message->parts[0]).find("+CMGS: ") != std::string::npos);
    // 2G/3G back, and gone again: a +CREG URC each time.
    sim.control({{"op", "set"}, {"lte_only", false}});
    CHECK(modem.expect("\r\n+CREG: 1\r\n").size() > 0);
    sim.control({{"op", "set"}, {"lte_only", true}});
    CHECK(modem.expect("\r\n+CREG: 2\r\n").size() > 0);
    CHECK(sim.control({{"op", "set"}, {"lte_only", "yes"}})["error"] ==
          "lte_only: expected true or false");
}

TEST_CASE("Control op sim: a SIM reset asks for its PIN again, a pulled one is not inserted") {
    SimProcess sim({"--pin", "4321"});
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CMEE=1;+CREG=1") == "ATE0;+CMEE=1;+CREG=1\r\r\nOK\r\n");
    REQUIRE(modem.command("AT+CPIN=\"4321\"") == "\r\nOK\r\n");
    CHECK(modem.expect("\r\n+CREG: 1\r\n").size() > 0);
    auto message = pdu::encode_submit("+491701234567", "locked");
    REQUIRE(message.has_value());
    // Reset, announced: the PIN again, the network lost with it, SMS refused.
    REQUIRE(sim.control({{"op", "sim"}, {"event", "reset"}, {"announce", true}})["ok"] == true);
    CHECK(modem.expect("\r\n+CREG: 0\r\n").find("+CPIN: SIM PIN") != std::string::npos);
    CHECK(modem.command("AT+CPIN?") == "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
    modem.send("AT+CMGS=" + std::to_string(message->parts[0].tpdu_length) + "\r");
    CHECK(modem.expect("\r\n+CMS ERROR: 311\r\n").size() > 0);
    REQUIRE(modem.command("AT+CPIN=\"4321\"") == "\r\nOK\r\n");
    CHECK(modem.expect("\r\n+CREG: 1\r\n").size() > 0);
    // Pulled, not announced: not inserted, to AT+CPIN? and to SMS commands.
    REQUIRE(sim.control({{"op", "sim"}, {"event", "removed"}})["ok"] == true);
    CHECK(modem.expect("\r\n+CREG: 0\r\n").find("+CPIN") == std::string::npos);
    CHECK(modem.command("AT+CPIN?") == "\r\n+CME ERROR: 10\r\n");
    modem.send("AT+CMGS=" + std::to_string(message->parts[0].tpdu_length) + "\r");
    CHECK(modem.expect("\r\n+CMS ERROR: 310\r\n").size() > 0);
    // Back in the tray: locked until its PIN is entered.
    REQUIRE(sim.control({{"op", "sim"}, {"event", "inserted"}})["ok"] == true);
    CHECK(modem.command("AT+CPIN?") == "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
    CHECK(sim.control({{"op", "sim"}, {"event", "lost"}})["error"] ==
          "event: expected reset, removed or inserted, not \"lost\"");
    CHECK(sim.control({{"op", "sim"}})["error"] == "event: expected reset, removed or inserted");
}

TEST_CASE("Option --cmgs-latency-ms: the answer comes late and input typed meanwhile waits") {
    SimProcess sim({"--cmgs-latency-ms", "300"});
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0") == "ATE0\r\r\nOK\r\n");
    auto message = pdu::encode_submit("+491701234567", "slow network");
    REQUIRE(message.has_value());
    modem.send("AT+CMGS=" + std::to_string(message->parts[0].tpdu_length) + "\r");
    REQUIRE_FALSE(modem.expect("> ").empty());
    auto start = std::chrono::steady_clock::now();
    modem.send(message->parts[0].hex + "\x1A" + "AT+CGMI\r");
    CHECK(modem.expect("\r\n+CMGS: 0\r\n\r\nOK\r\n").size() > 0);
    CHECK(std::chrono::steady_clock::now() - start >= 250ms);
    CHECK(modem.expect("\r\nsmsgw\r\n\r\nOK\r\n").size() > 0);
}

TEST_CASE("Option --answer-latency-ms: each command answered in turn, a +CMTI held until then") {
    // A modem at work on a command holds its indications and buffers what is
    // typed meanwhile: a message stored while AT+CGMI is worked on is
    // announced after its answer, before the next command's.
    SimProcess sim({"--answer-latency-ms", "200"});
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0;+CNMI=2,1,0,0,0") == "ATE0;+CNMI=2,1,0,0,0\r\r\nOK\r\n");
    modem.send("AT+CGMI\rAT+CGMI\r");
    const json stop = {{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "Stop"}};
    REQUIRE(sim.control(stop)["ok"] == true);
    CHECK(modem.expect("\r\n+CMTI: \"SM\",1\r\n") ==
          "\r\nsmsgw\r\n\r\nOK\r\n\r\n+CMTI: \"SM\",1\r\n");
    CHECK(modem.expect("OK\r\n") == "\r\nsmsgw\r\n\r\nOK\r\n");
    CHECK_THAT(sim.stderr_text(), Catch::Contains("< AT+CGMI"));
}

TEST_CASE("hang: input is swallowed, then the modem answers again") {
    SimProcess sim;
    PtyClient modem(sim.link());
    REQUIRE(modem.command("ATE0") == "ATE0\r\r\nOK\r\n");
    REQUIRE(sim.control({{"op", "hang"}, {"seconds", 1}})["ok"] == true);
    modem.send("AT\r");
    CHECK(modem.drain(500ms).empty());
    CHECK(wait_for([&] { return modem.command("AT", 150ms) == "\r\nOK\r\n"; }, 3000ms));
    CHECK(sim.control({{"op", "stats"}})["stats"]["hangs"] == 1);
}

TEST_CASE("unplug: the port goes away and a new one appears with the same IMEI") {
    SimProcess sim({"--imei", "490154203237518"});
    std::string old_target;
    {
        PtyClient modem(sim.link());
        REQUIRE(modem.command("AT") == "AT\r\r\nOK\r\n");
        char buf[256];
        ssize_t n = ::readlink(sim.link().c_str(), buf, sizeof buf);
        REQUIRE(n > 0);
        old_target.assign(buf, static_cast<std::size_t>(n));
        REQUIRE(sim.control({{"op", "unplug"}, {"seconds", 0.5}})["ok"] == true);
        CHECK(modem.wait_hangup(2000ms));
    }
    struct stat st{};
    CHECK(wait_for([&] { return ::lstat(sim.link().c_str(), &st) != 0; }, 1000ms));
    REQUIRE(wait_for([&] { return ::lstat(sim.link().c_str(), &st) == 0; }, 3000ms));
    PtyClient modem(sim.link());
    // A fresh power-up: echo is on again.
    CHECK(wait_for([&] { return modem.command("AT", 150ms) == "AT\r\r\nOK\r\n"; }));
    CHECK(modem.command("AT+CGSN") == "AT+CGSN\r\r\n490154203237518\r\n\r\nOK\r\n");
}

TEST_CASE("Quectel flavour: AT+CFUN=1,1 reboots with RDY and SMS DONE") {
    SimProcess sim({"--flavour", "quectel", "--reset-ms", "200"});
    PtyClient modem(sim.link());
    CHECK(modem.command("ATE0;+CFUN=1,1") == "ATE0;+CFUN=1,1\r\r\nOK\r\n");
    CHECK(modem.expect("\r\nRDY\r\n").size() > 0);
    CHECK(modem.expect("\r\n+QIND: SMS DONE\r\n").size() > 0);
    CHECK(modem.command("AT+CNMI?") == "AT+CNMI?\r\r\n+CNMI: 2,1,0,0,0\r\n\r\nOK\r\n");
}

TEST_CASE("control socket refuses bad requests with the field named") {
    SimProcess sim;
    CHECK(sim.control({{"op", "nope"}})["error"].get<std::string>().find("op") == 0);
    CHECK(sim.control({{"op", "inject_sms"}, {"text", "x"}})["error"].get<std::string>().find("from") == 0);
    CHECK(sim.control({{"op", "set"}, {"registration", "moon"}})["ok"] == false);
    CHECK(sim.control({{"op", "inject_pdu"}, {"pdu", "00zz"}})["ok"] == false);
    CHECK(sim.control({{"id", 7}, {"op", "stats"}})["id"] == 7);
}

TEST_CASE("control socket answers a client that half-closes after its requests") {
    // As `echo '{…}' | socat -t 5 - UNIX-CONNECT:sim0.ctl` does: write, shut the
    // write side, then read. The last request may lack its newline.
    SimProcess sim;
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, sim.control_socket().c_str(), sizeof addr.sun_path - 1);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    std::string requests = R"({"id":1,"op":"inject_sms","from":"+4917099887766","text":"hi"})"
                           "\n"
                           R"({"id":2,"op":"stats"})";
    REQUIRE(::write(fd, requests.data(), requests.size()) == static_cast<ssize_t>(requests.size()));
    REQUIRE(::shutdown(fd, SHUT_WR) == 0);
    std::string replies;
    bool closed = false;
    char buf[4096];
    while (!closed) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) break;
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0)
            closed = n == 0;
        else
            replies.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    CHECK(closed);  // the simulator closes once it has answered
    std::istringstream lines(replies);
    std::string line;
    std::vector<json> answers;
    while (std::getline(lines, line)) answers.push_back(json::parse(line));
    REQUIRE(answers.size() == 2);
    CHECK(answers[0]["id"] == 1);
    CHECK(answers[0]["ok"] == true);
    CHECK(answers[1]["id"] == 2);
    CHECK(answers[1]["ok"] == true);
    CHECK(sim.control({{"op", "storage"}})["storage"]["SM"].size() == 1);  // carried out once
}
