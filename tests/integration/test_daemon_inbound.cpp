// What `inbound list` and the inbound.received event show of received
// messages, through smsgwd as a process: the simulated network delivers the
// PDUs to smsgw-modemsim over a real pty, the client asks over the real socket.
// A PDU that does not decode keeps its sender; an escape a phone left at the
// end of one part is joined with the next part's first septet; every message
// says its encoding.
#include <catch2/catch.hpp>

#include <map>

#include "tests/integration/daemon_harness.hpp"

namespace smsgw::test {

namespace {

// The inbound.list messages by sender.
std::map<std::string, json> inbound_by_sender(DaemonProcess& d) {
    std::map<std::string, json> out;
    const json listed = d.request_ok({{"id", "in"}, {"op", "inbound.list"}});
    for (const json& m : listed.at("messages")) out[m.at("from").get<std::string>()] = m;
    return out;
}

// `field` of each row a list op answers under `rows`, in its order.
std::vector<std::string> listed(DaemonProcess& d, const json& request, const std::string& rows,
                                const std::string& field) {
    const json answer = d.request_ok(request);
    std::vector<std::string> out;
    for (const json& row : answer.at(rows)) out.push_back(row.at(field));
    return out;
}

bool wait_inbound(DaemonProcess& d, std::size_t count) {
    return wait_for([&] { return inbound_by_sender(d).size() >= count; }, 20s);
}

// The next inbound.received event on a subscribed connection.
json next_received(Client& events) {
    const auto line = events.line(20s);
    REQUIRE(line);
    json event = json::parse(*line);
    REQUIRE(event["event"] == "inbound.received");
    return event;
}

// smsgwd with one simulated modem, ready.
struct OneModem {
    SimProcess sim;
    TempDir dir;
    DaemonProcess d{dir.path(), daemon_config(dir.path(), {{"office-1", &sim, ""}})};
    OneModem() { REQUIRE(d.wait_modems_ready(1)); }
};

void subscribe(Client& events) {
    REQUIRE(events.request({{"id", 1}, {"op", "subscribe"}, {"events", {"inbound.received"}}})
                .at("ok") == true);
}

}  // namespace

TEST_CASE("inbound list shows the sender of a PDU that does not decode, and no opt-out") {
    OneModem rig;
    auto& [sim, dir, d] = rig;
    Client events(d.socket_path());
    subscribe(events);
    // "STOP" from +4917612345678 whose TP-UDL says 10 septets where 4 follow:
    // the sender decodes, the user data does not. Routed straight to the
    // daemon (+CMT), as the simulator takes no PDU it cannot decode.
    const std::string bad = "00040D91947116325476F80000425071010000000A53EA130A";
    const std::string cmt = "+CMT: ," + std::to_string(bad.size() / 2 - 1);
    bool arrived = false;
    for (int attempt = 0; attempt < 3 && !arrived; ++attempt) {
        sim.control({{"op", "noise"}, {"line", cmt}});
        sim.control({{"op", "noise"}, {"line", bad}});
        arrived = wait_for([&] { return !inbound_by_sender(d).empty(); }, 5s);
    }
    REQUIRE(arrived);
    const auto in = inbound_by_sender(d);
    REQUIRE(in.count("+4917612345678") == 1);
    const json& m = in.at("+4917612345678");
    INFO(m.dump());
    CHECK(m["text"] ==
          "[undecodable PDU: octet 20 (TP-UDL): user data length 10 septets needs 9 octets, but "
          "only 4 follow]");
    CHECK(m["complete"] == false);
    CHECK(m["encoding"].is_null());
    const json event = next_received(events);
    CHECK(event["from"] == "+4917612345678");
    CHECK(event["inbound_id"] == m["inbound_id"]);
    CHECK(event["keyword"].is_null());
    // Whatever its user data would have said, it is no opt-out.
    CHECK(d.request_ok({{"id", 2}, {"op", "optout.list"}})["optouts"].empty());
}

TEST_CASE("inbound list shows a euro sign whose escape a phone put at the end of part 1 as €") {
    OneModem rig;
    auto& [sim, dir, d] = rig;
    // "Price: 5€ each" in two GSM-7 parts (reference 7): part 1 ends with the
    // escape 0x1B, part 2 starts with 0x65, the extension table's '€'.
    sim.control({{"op", "inject_pdu"},
                 {"pdu", "00440D91945111325476F800004250710100000010050003070201A0F2F4B8AC03D536"}});
    sim.control({{"op", "inject_pdu"},
                 {"pdu", "00440D91945111325476F80000425071010000000D050003070202CAA072788C06"}});
    REQUIRE(wait_inbound(d, 1));
    const json m = inbound_by_sender(d).at("+4915112345678");
    INFO(m.dump());
    CHECK(m["text"] == "Price: 5€ each");
    CHECK(m["complete"] == true);
    CHECK(m["parts_total"] == 2);
    CHECK(m["encoding"] == "gsm7");
}

TEST_CASE("inbound list and inbound.received say each message's encoding") {
    OneModem rig;
    auto& [sim, dir, d] = rig;
    Client events(d.socket_path());
    subscribe(events);
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345601"}, {"text", "Running late"}});
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345602"}, {"text", "Опаздываю"}});
    // An 8-bit data message (TP-DCS 0x04): its text is its octets in hex.
    sim.control({{"op", "inject_pdu"},
                 {"pdu", "00040D91945111325406F300044250710100000004CAFE0102"}});
    REQUIRE(wait_inbound(d, 3));
    const auto in = inbound_by_sender(d);
    REQUIRE(in.size() == 3);
    CHECK(in.at("+4915112345601")["encoding"] == "gsm7");
    CHECK(in.at("+4915112345602")["encoding"] == "ucs2");
    CHECK(in.at("+4915112345603")["encoding"] == "8bit");
    CHECK(in.at("+4915112345603")["text"] == "CAFE0102");
    // The events spell each message as inbound.list does.
    for (int i = 0; i < 3; ++i) {
        const json event = next_received(events);
        const json& listed = in.at(event["from"].get<std::string>());
        CHECK(event["encoding"].is_string());
        CHECK(event["encoding"] == listed["encoding"]);
        CHECK(event["inbound_id"] == listed["inbound_id"]);
    }
}

TEST_CASE("inbound.list reads its `from` as senders are stored and refuses what is no sender") {
    OneModem rig;
    auto& [sim, dir, d] = rig;
    sim.control({{"op", "inject_sms"}, {"from", "+4917612345678"}, {"text", "Running late"}});
    sim.control({{"op", "inject_sms"}, {"from", "ACME"}, {"text", "Your parcel is here"}});
    // Digits that are no valid number are kept as received, without layout.
    sim.control({{"op", "inject_sms"}, {"from", "+49123"}, {"text", "Test"}});
    REQUIRE(wait_inbound(d, 3));
    const auto senders = [&](const std::string& from) {
        return listed(d, {{"id", 1}, {"op", "inbound.list"}, {"from", from}}, "messages", "from");
    };
    using Senders = std::vector<std::string>;
    // A number as a person writes it finds the sender's E.164 form
    // (default_country DE), a name the name, digits without their layout.
    for (const std::string from : {"+4917612345678", "+49 176 12345678", "0176 1234 5678",
                                   "(0176) 1234-5678", " +4917612345678\n"}) {
        INFO(from);
        CHECK(senders(from) == Senders{"+4917612345678"});
    }
    CHECK(senders("ACME") == Senders{"ACME"});
    CHECK(senders(" ACME ") == Senders{"ACME"});
    CHECK(senders("+49 123") == Senders{"+49123"});
    // A name is compared as the network delivered it, upper and lower case too.
    CHECK(senders("Acme").empty());
    // What can be no sender at all is refused with what was expected.
    for (const std::string blank : {" ", "\t\n"}) {
        const json r = d.request({{"id", 2}, {"op", "inbound.list"}, {"from", blank}});
        INFO(r.dump());
        CHECK(r["error"]["code"] == "bad_request");
        CHECK(r["error"]["field"] == "from");
        CHECK_THAT(r["error"]["message"].get<std::string>(),
                   Catch::StartsWith("from: expected a sender: a phone number, a short code or a "
                                     "name such as \"ACME\""));
    }
    const json control = d.request({{"id", 3}, {"op", "inbound.list"}, {"from", "AC\u0007ME"}});
    INFO(control.dump());
    CHECK(control["error"]["code"] == "bad_request");
    CHECK(control["error"]["field"] == "from");
    CHECK_THAT(control["error"]["message"].get<std::string>(),
               Catch::EndsWith("without control characters, found U+0007 at character 3"));

    // smsgwctl passes the sender as typed.
    const auto ctl = binary_dir() + "/tools/smsgwctl/smsgwctl";
    auto [rc, shown] = run_program({ctl, "--socket", d.socket_path(), "--json", "inbound", "list",
                                    "--from", "0176 1234 5678"});
    INFO(shown);
    CHECK(rc == 0);
    const json listed = json::parse(shown);
    REQUIRE(listed["messages"].size() == 1);
    CHECK(listed["messages"][0]["from"] == "+4917612345678");
}

TEST_CASE("a STOP from a name or a number is found and removed as the inbox shows its sender") {
    OneModem rig;
    auto& [sim, dir, d] = rig;
    sim.control({{"op", "inject_sms"}, {"from", "+4917612345678"}, {"text", "Stop"}});
    sim.control({{"op", "inject_sms"}, {"from", "ACME"}, {"text", "STOP"}});
    REQUIRE(wait_inbound(d, 2));
    REQUIRE(wait_for(
        [&] { return d.request_ok({{"id", 1}, {"op", "optout.list"}})["optouts"].size() == 2; },
        20s));
    const auto opted_out = [&](const std::string& number) {
        return listed(d, {{"id", 2}, {"op", "optout.list"}, {"number", number}}, "optouts",
                      "number");
    };
    using Numbers = std::vector<std::string>;
    CHECK(opted_out("0176 1234 5678") == Numbers{"+4917612345678"});
    CHECK(opted_out(" ACME ") == Numbers{"ACME"});
    CHECK(opted_out("Acme").empty());
    // A number no send could go to: not on the list, and removing it says why.
    CHECK(opted_out("+49 123").empty());
    const json invalid = d.request({{"id", 3}, {"op", "optout.remove"}, {"number", "+49 123"}});
    INFO(invalid.dump());
    CHECK(invalid["error"]["code"] == "invalid_number");
    CHECK(invalid["error"]["field"] == "number");
    const json absent =
        d.request({{"id", 4}, {"op", "optout.remove"}, {"number", "+4915112345678"}});
    CHECK(absent["error"]["code"] == "not_found");
    const json blank = d.request({{"id", 5}, {"op", "optout.remove"}, {"number", " "}});
    CHECK(blank["error"]["code"] == "bad_request");
    CHECK(blank["error"]["field"] == "number");

    // The name's entry is removed by its name, with smsgwctl as typed.
    const auto ctl = binary_dir() + "/tools/smsgwctl/smsgwctl";
    auto [rc, shown] =
        run_program({ctl, "--socket", d.socket_path(), "--json", "optout", "remove", "ACME"});
    INFO(shown);
    CHECK(rc == 0);
    CHECK(json::parse(shown)["number"] == "ACME");
    const json removed = d.request_ok(
        {{"id", 6}, {"op", "optout.remove"}, {"number", "(0176) 1234-5678"}});
    CHECK(removed["number"] == "+4917612345678");
    CHECK(d.request_ok({{"id", 7}, {"op", "optout.list"}})["optouts"].empty());
}

}  // namespace smsgw::test
