// InboundPipeline against a real Store, without modems: PDUs come from pdu/'s
// encoder as a modem would report them, and the reassembly timeout is driven
// by passing the sweep a later time (no sleeping).
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <map>

#include "daemon/core/clock.hpp"
#include "daemon/core/event_publisher.hpp"
#include "daemon/core/settings_cache.hpp"
#include "daemon/dispatch/inbound_pipeline.hpp"
#include "daemon/dispatch/outbound_scheduler.hpp"
#include "daemon/store/store.hpp"
#include "pdu/pdu_codec.hpp"
#include "pdu/reassembly.hpp"
#include "tests/unit/dispatch/dispatch_test_util.hpp"

using namespace smsgw;
using namespace std::chrono_literals;
using dispatch::test::ScratchDir;

namespace {

dispatch::InboundOptions options() {
    dispatch::InboundOptions o;
    o.default_country = "DE";
    o.optout.keywords = config::default_optout_keywords();
    o.optout.resubscribe_keywords = config::default_resubscribe_keywords();
    o.reassembly_timeout = 10min;
    return o;
}

// A lock held by another connection fails a write quickly.
store::StoreOptions store_options() {
    store::StoreOptions o;
    o.busy_timeout = 100ms;
    return o;
}

struct Rig {
    ScratchDir dir;
    boost::asio::io_context io;
    store::Store store{dir.file("inbound.db"), store_options()};
    core::EventPublisher events{nullptr};
    core::SettingsCache settings{store};
    dispatch::OutboundScheduler scheduler{io, store, events};
    dispatch::InboundPipeline pipeline{io, store, events, settings, scheduler, options()};

    void set(const std::string& key, const std::string& json) {
        store.set_setting(key, json, std::nullopt, core::now());
        settings.reload();
    }
    std::vector<store::Inbound> inbound() { return store.list_inbound({}, std::nullopt, 100); }
    std::vector<store::Message> messages() { return store.list_messages({}, std::nullopt, 100); }
};

int next_index = 0;

// The PDUs a modem would report for `text` from `from`, in part order.
std::vector<drivers::InboundPdu> deliver(const std::string& from, const std::string& text,
                                         int second = 0, bool reference_16bit = false) {
    pdu::DeliverOptions o;
    o.service_centre_time.year = 2024;
    o.service_centre_time.month = 5;
    o.service_centre_time.day = 17;
    o.service_centre_time.hour = 10;
    o.service_centre_time.second = second;
    o.reference = 77;
    o.reference_16bit = reference_16bit;
    auto m = pdu::encode_deliver(from, text, o);
    REQUIRE(m.has_value());
    std::vector<drivers::InboundPdu> out;
    for (const auto& p : m->parts) {
        drivers::InboundPdu in;
        in.modem = "office-1";
        in.storage = "SM";
        in.index = ++next_index;
        in.hex = p.hex;
        in.tpdu_length = p.tpdu_length;
        out.push_back(in);
    }
    return out;
}

const std::string long_text =
    "Dear team, thank you for the reminder about Tuesday. I cannot come at 10:30 because of "
    "a meeting at work that was moved; could we make it Wednesday afternoon instead, or "
    "Thursday morning before nine? Please call me back on this number when you can. Regards";
const std::string three_part_text = long_text + " " + long_text.substr(0, 100);

// A one-part message to +4917099887766 that office-1 sent with this TP-MR.
std::int64_t sent_with_mr(Rig& rig, int mr) {
    store::NewMessage m;
    m.recipient = "+4917099887766";
    m.text = "Your code is 4711";
    m.parts.push_back({"0011000C919471997866770000FF0B", 11, std::nullopt});
    const auto now = core::now();
    const auto id = rig.store.insert_messages({&m, 1}, now).at(0).message_id;
    auto parts = rig.store.claim_next_parts("office-1", now, 1);
    REQUIRE(parts.size() == 1);
    rig.store.mark_sent(parts[0].id, mr, now);
    return id;
}

// office-1's status report: the message with this TP-MR was delivered.
drivers::InboundPdu delivered_report(int mr) {
    drivers::InboundPdu report;
    report.modem = "office-1";
    report.storage = "SR";
    report.index = 1;
    // Not a real PDU, but one of its own for each TP-MR, as real reports are.
    static const char* const digits = "0123456789ABCDEF";
    report.hex = std::string("0006") + digits[(mr >> 4) & 0xF] + digits[mr & 0xF];
    report.status_report = drivers::StatusReport{mr, "+4917099887766", 0, true, true, "delivered", std::nullopt};
    return report;
}

}  // namespace

TEST_CASE("a single-part message is stored with its sender in E.164 and its raw PDU",
          "[dispatch][inbound]") {
    Rig rig;
    const auto pdus = deliver("015112345678", "Running late, sorry");
    REQUIRE(pdus.size() == 1);
    CHECK(rig.pipeline.on_inbound(pdus[0]));
    const auto in = rig.inbound();
    REQUIRE(in.size() == 1);
    CHECK(in[0].sender == "+4915112345678");
    CHECK(in[0].text == "Running late, sorry");
    CHECK(in[0].modem == "office-1");
    CHECK(in[0].complete);
    CHECK(in[0].raw_pdus == std::vector<std::string>{pdus[0].hex});
    CHECK(rig.store.list_optouts(std::nullopt, 10).empty());
}

TEST_CASE("a concatenated message arriving out of order becomes one message with the last part",
          "[dispatch][inbound]") {
    Rig rig;
    const auto three = deliver("+4915112345678", three_part_text, 1);
    REQUIRE(three.size() == 3);
    CHECK(rig.pipeline.on_inbound(three[2]));
    CHECK(rig.pipeline.on_inbound(three[0]));
    CHECK(rig.inbound().empty());
    CHECK(rig.store.stats().fragments_waiting == 2);
    CHECK(rig.pipeline.on_inbound(three[0]));  // read twice: the first copy is kept
    CHECK(rig.pipeline.on_inbound(three[1]));
    const auto in = rig.inbound();
    REQUIRE(in.size() == 1);
    CHECK(in[0].text == three_part_text);
    CHECK(in[0].complete);
    CHECK(in[0].parts_total == 3);
    CHECK(in[0].concat_ref == 77);
    CHECK(in[0].raw_pdus == std::vector<std::string>{three[0].hex, three[1].hex, three[2].hex});
    CHECK(rig.store.stats().fragments_waiting == 0);
}

TEST_CASE("an incomplete message is released after the timeout with its gap marked",
          "[dispatch][inbound]") {
    Rig rig;
    const auto three = deliver("+4915112345678", three_part_text);
    REQUIRE(three.size() == 3);
    CHECK(rig.pipeline.on_inbound(three[0]));
    CHECK(rig.pipeline.on_inbound(three[2]));
    const auto now = core::now();
    CHECK(rig.pipeline.sweep(now + 9min) == 0);
    CHECK(rig.inbound().empty());
    CHECK(rig.pipeline.sweep(now + 11min) == 1);
    const auto in = rig.inbound();
    REQUIRE(in.size() == 1);
    CHECK_FALSE(in[0].complete);
    CHECK(in[0].parts_total == 3);
    CHECK(in[0].parts_received == 2);
    CHECK(in[0].raw_pdus == std::vector<std::string>{three[0].hex, three[2].hex});
    CHECK_THAT(in[0].text, Catch::Contains(pdu::Reassembler::kGapMarker));
    CHECK_THAT(in[0].text, Catch::StartsWith("Dear team"));
    CHECK(rig.store.stats().fragments_waiting == 0);
    CHECK(rig.pipeline.sweep(now + 20min) == 0);
}

TEST_CASE("STOP adds the opt-out and queues the confirmation to the opted-out number",
          "[dispatch][inbound][optout]") {
    Rig rig;
    rig.set("optout.confirmation_enabled", "true");
    rig.set("optout.confirmation_text", R"("You will get no more messages. Reply START to undo.")");
    const auto pdus = deliver("0151 12345678", "Stop!");
    CHECK(rig.pipeline.on_inbound(pdus[0]));
    const auto in = rig.inbound();
    REQUIRE(in.size() == 1);
    const auto o = rig.store.get_optout("+4915112345678");
    REQUIRE(o);
    CHECK(o->source == "keyword");
    CHECK(o->keyword == "STOP");
    CHECK(o->source_inbound_id == in[0].id);
    const auto queued = rig.messages();
    REQUIRE(queued.size() == 1);
    CHECK(queued[0].recipient == "+4915112345678");
    CHECK(queued[0].text == "You will get no more messages. Reply START to undo.");
    CHECK(queued[0].category == "transactional");
    CHECK(queued[0].state == store::State::queued);

    // The same PDU again (re-read after a crash): no second opt-out, no second reply.
    CHECK(rig.pipeline.on_inbound(pdus[0]));
    CHECK(rig.messages().size() == 1);
    CHECK(rig.store.list_optouts(std::nullopt, 10).size() == 1);
}

namespace {
// A message to `to` queued as a send would queue it.
std::int64_t queue_to(Rig& rig, const std::string& to, const std::string& category, int parts = 1) {
    store::NewMessage m;
    m.recipient = to;
    m.text = "Weekend sale";
    m.category = category;
    for (int i = 0; i < parts; ++i) m.parts.push_back({"0011000C919471997866770000FF0B", 11, std::nullopt});
    return rig.store.insert_messages({&m, 1}, core::now()).at(0).message_id;
}
}  // namespace

TEST_CASE("STOP cancels what is queued to the number and would now be refused",
          "[dispatch][inbound][optout]") {
    const bool allow_transactional = GENERATE(false, true);
    CAPTURE(allow_transactional);
    Rig rig;
    rig.set("optout.allow_transactional", allow_transactional ? "true" : "false");
    rig.set("optout.confirmation_enabled", "true");
    rig.set("optout.confirmation_text", R"("No more messages.")");
    // Two parts, the first already with a modem: it is left to finish whole.
    const auto started = queue_to(rig, "+4915112345678", "marketing", 2);
    const auto claimed = rig.store.claim_next_parts("office-1", core::now(), 1);
    REQUIRE(claimed.size() == 1);
    REQUIRE(claimed[0].message_id == started);
    const auto sale = queue_to(rig, "+4915112345678", "marketing");
    const auto code = queue_to(rig, "+4915112345678", "transactional");
    const auto other = queue_to(rig, "+4915112345679", "marketing");

    CHECK(rig.pipeline.on_inbound(deliver("+4915112345678", "STOP")[0]));
    const auto state = [&](std::int64_t id) { return rig.store.get_message(id)->message.state; };
    CHECK(state(sale) == store::State::cancelled);
    const auto history = rig.store.message_history(sale);
    CHECK(std::any_of(history.begin(), history.end(), [](const store::StateChange& c) {
        return c.to == store::State::cancelled &&
               c.detail.value_or("") == "cancelled: the recipient opted out with \"STOP\"";
    }));
    CHECK(state(code) == (allow_transactional ? store::State::queued : store::State::cancelled));
    CHECK(state(other) == store::State::queued);
    CHECK(state(started) == store::State::sending);
    // The confirmation, queued after the cancellation, is not caught by it.
    const auto all = rig.messages();
    const auto confirmation = std::find_if(all.begin(), all.end(), [](const store::Message& m) {
        return m.text == "No more messages.";
    });
    REQUIRE(confirmation != all.end());
    CHECK(confirmation->state == store::State::queued);
}

TEST_CASE("STOP without the confirmation setting queues nothing", "[dispatch][inbound][optout]") {
    Rig rig;
    CHECK(rig.pipeline.on_inbound(deliver("+4915112345678", "STOP")[0]));
    CHECK(rig.store.get_optout("+4915112345678"));
    CHECK(rig.messages().empty());
}

TEST_CASE("START removes the opt-out, HELP stores nothing and answers when enabled",
          "[dispatch][inbound][optout]") {
    Rig rig;
    CHECK(rig.pipeline.on_inbound(deliver("+4915112345678", "STOP")[0]));
    REQUIRE(rig.store.get_optout("+4915112345678"));
    CHECK(rig.pipeline.on_inbound(deliver("+4915112345678", "start", 1)[0]));
    CHECK_FALSE(rig.store.get_optout("+4915112345678"));

    rig.set("optout.help_enabled", "true");
    CHECK(rig.pipeline.on_inbound(deliver("+4915112345678", "HELP", 2)[0]));
    CHECK(rig.store.list_optouts(std::nullopt, 10).empty());
    const auto queued = rig.messages();
    REQUIRE(queued.size() == 1);
    CHECK(queued[0].recipient == "+4915112345678");
    CHECK(queued[0].text == rig.settings.get().optout_help_text);
    // Each message keeps what it was to the matcher, as inbound.list shows it
    // (newest first).
    const auto in = rig.inbound();
    REQUIRE(in.size() == 3);
    CHECK(in[0].keyword == "help");
    CHECK(in[1].keyword == "resubscribe");
    CHECK(in[2].keyword == "opt_out");
}

TEST_CASE("a number gets one automatic reply of each kind an hour, however often it asks",
          "[dispatch][inbound][optout]") {
    Rig rig;
    rig.set("optout.help_enabled", "true");
    rig.set("optout.confirmation_enabled", "true");
    // An auto-responder answering our HELP text with HELP, and so on.
    for (int i = 0; i < 5; ++i)
        CHECK(rig.pipeline.on_inbound(deliver("+4915112345678", "HELP", i)[0]));
    CHECK(rig.messages().size() == 1);
    // Another kind is still answered, once; another number is answered too.
    CHECK(rig.pipeline.on_inbound(deliver("+4915112345678", "STOP", 10)[0]));
    CHECK(rig.pipeline.on_inbound(deliver("+4915112345678", "STOP", 11)[0]));
    CHECK(rig.pipeline.on_inbound(deliver("+4915199999999", "HELP", 12)[0]));
    const auto queued = rig.messages();
    REQUIRE(queued.size() == 3);
    CHECK(queued[0].recipient == "+4915199999999");
    CHECK(queued[1].text == rig.settings.get().optout_confirmation_text);
    CHECK(queued[2].text == rig.settings.get().optout_help_text);
    // Every message is kept all the same.
    CHECK(rig.inbound().size() == 8);
}

TEST_CASE("a longer text with STOP in it is a conversation, not an opt-out",
          "[dispatch][inbound][optout]") {
    Rig rig;
    CHECK(rig.pipeline.on_inbound(deliver("+4915112345678", "please stop calling me at work")[0]));
    CHECK_FALSE(rig.store.get_optout("+4915112345678"));
    REQUIRE(rig.inbound().size() == 1);
    CHECK_FALSE(rig.inbound()[0].keyword);
}

TEST_CASE("STOP from an alphanumeric sender is recorded but not answered",
          "[dispatch][inbound][optout]") {
    Rig rig;
    rig.set("optout.confirmation_enabled", "true");
    CHECK(rig.pipeline.on_inbound(deliver("MyBank", "STOP")[0]));
    CHECK(rig.store.get_optout("MyBank"));
    CHECK(rig.messages().empty());
}

TEST_CASE("a PDU that does not decode is kept raw with the reason", "[dispatch][inbound]") {
    Rig rig;
    drivers::InboundPdu bad;
    bad.modem = "office-1";
    bad.storage = "SM";
    bad.index = 3;
    bad.hex = "0791947122723033240C9194";
    bad.tpdu_length = 4;
    auto decoded = pdu::decode_pdu(bad.hex);
    REQUIRE_FALSE(decoded.has_value());
    bad.decode_error = decoded.error().to_string();
    CHECK(rig.pipeline.on_inbound(bad));
    const auto in = rig.inbound();
    REQUIRE(in.size() == 1);
    CHECK(in[0].sender.empty());
    CHECK_FALSE(in[0].complete);
    CHECK(in[0].raw_pdus == std::vector<std::string>{bad.hex});
    CHECK_THAT(in[0].text, Catch::StartsWith("[undecodable PDU: octet"));
}

// A PDU as a modem reports it, from its hex.
drivers::InboundPdu raw_pdu(const std::string& hex) {
    drivers::InboundPdu in;
    in.modem = "office-1";
    in.storage = "SM";
    in.index = ++next_index;
    in.hex = hex;
    in.tpdu_length = static_cast<int>(hex.size() / 2) - 1;
    return in;
}

TEST_CASE("a PDU whose user data does not decode keeps its sender, and is never an opt-out",
          "[dispatch][inbound][optout]") {
    Rig rig;
    // "STOP" from 017612345678 (national, as some networks write it) whose
    // TP-UDL says 10 septets where 4 follow.
    CHECK(rig.pipeline.on_inbound(raw_pdu("0004" "0C81106721436587" "0000" "42507101000000"
                                          "0A" "53EA130A")));
    const auto in = rig.inbound();
    REQUIRE(in.size() == 1);
    // Normalised as a decoded message's sender is.
    CHECK(in[0].sender == "+4917612345678");
    CHECK_FALSE(in[0].complete);
    CHECK_FALSE(in[0].encoding);
    CHECK_THAT(in[0].text, Catch::StartsWith("[undecodable PDU: octet 19 (TP-UDL)"));
    CHECK_FALSE(rig.store.get_optout("+4917612345678"));
    CHECK(rig.messages().empty());
}

TEST_CASE("each stored message has the encoding of its PDUs", "[dispatch][inbound]") {
    Rig rig;
    CHECK(rig.pipeline.on_inbound(deliver("+4915112345601", "Running late")[0]));
    CHECK(rig.pipeline.on_inbound(deliver("+4915112345602", "Опаздываю")[0]));
    CHECK(rig.pipeline.on_inbound(raw_pdu("0004" "0D91945111325406F3" "0004" "42507101000000"
                                          "04" "CAFE0102")));
    for (const auto& p : deliver("+4915112345604", three_part_text)) CHECK(rig.pipeline.on_inbound(p));
    std::map<std::string, store::Inbound> by_sender;
    for (auto& i : rig.inbound()) by_sender[i.sender] = i;
    REQUIRE(by_sender.size() == 4);
    CHECK(by_sender["+4915112345601"].encoding == "gsm7");
    CHECK(by_sender["+4915112345602"].encoding == "ucs2");
    CHECK(by_sender["+4915112345603"].encoding == "8bit");
    CHECK(by_sender["+4915112345603"].text == "CAFE0102");
    CHECK(by_sender["+4915112345604"].encoding == "gsm7");
    CHECK(by_sender["+4915112345604"].parts_total == 3);
}

TEST_CASE("a GSM-7 escape ending one part is joined with the next part's first septet",
          "[dispatch][inbound]") {
    Rig rig;
    // "Price: 5€ each": part 1 ends with 0x1B, part 2 begins with 0x65.
    CHECK(rig.pipeline.on_inbound(raw_pdu("00440D91945111325476F80000425071010000000D050003070202"
                                          "CAA072788C06")));
    CHECK(rig.pipeline.on_inbound(raw_pdu("00440D91945111325476F8000042507101000000100500030702"
                                          "01A0F2F4B8AC03D536")));
    const auto in = rig.inbound();
    REQUIRE(in.size() == 1);
    CHECK(in[0].text == "Price: 5€ each");
    CHECK(in[0].complete);
    CHECK(in[0].encoding == "gsm7");
}

TEST_CASE("a status report marks the part with that TP-MR delivered", "[dispatch][inbound]") {
    Rig rig;
    const auto id = sent_with_mr(rig, 41);
    auto report = delivered_report(41);
    // No result of this modem waits for its commit: matched at once.
    std::vector<bool> settled;
    const auto settle = [&](bool stored) { settled.push_back(stored); };
    rig.pipeline.on_status_report(report, settle);
    CHECK(settled == std::vector<bool>{true});
    CHECK(rig.store.get_message(id)->message.state == store::State::delivered);

    // One nobody sent: dropped, but the modem may delete it.
    report.status_report->mr = 42;
    rig.pipeline.on_status_report(report, settle);
    CHECK(settled == std::vector<bool>{true, true});
}

TEST_CASE("a status report read again is not matched again to a later part with its TP-MR",
          "[dispatch][inbound]") {
    // The report for the first part was matched, then smsgwd stopped before
    // AT+CMGD; meanwhile a second part to the same number got the same TP-MR
    // (the counter came round, or the modem restarted it).
    Rig rig;
    const auto first = sent_with_mr(rig, 7);
    const auto report = delivered_report(7);
    std::vector<bool> settled;
    const auto settle = [&](bool stored) { settled.push_back(stored); };
    rig.pipeline.on_status_report(report, settle);
    CHECK(rig.store.get_message(first)->message.state == store::State::delivered);
    const auto second = sent_with_mr(rig, 7);
    rig.pipeline.on_status_report(report, settle);
    CHECK(settled == std::vector<bool>{true, true});  // deleted from the modem all the same
    CHECK(rig.store.get_message(second)->message.state == store::State::sent);
}

TEST_CASE("what the store cannot take is settled unstored and taken when offered again",
          "[dispatch][inbound]") {
    Rig rig;
    const auto id = sent_with_mr(rig, 41);
    auto report = delivered_report(41);
    const auto stop = deliver("+4915112345678", "Stop").at(0);

    // Another program holds the database's write lock: nothing is stored,
    // and the modem is told so (it keeps both PDUs and offers them again).
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open(rig.dir.file("inbound.db").c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    std::vector<bool> settled;
    const auto settle = [&](bool stored) { settled.push_back(stored); };
    rig.pipeline.on_status_report(report, settle);
    CHECK_FALSE(rig.pipeline.on_inbound(stop));
    CHECK(settled == std::vector<bool>{false});
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
    CHECK(rig.store.get_message(id)->message.state == store::State::sent);
    CHECK(rig.inbound().empty());
    CHECK_FALSE(rig.store.get_optout("+4915112345678").has_value());

    // Offered again once the lock is gone: stored once each.
    rig.pipeline.on_status_report(report, settle);
    CHECK(rig.pipeline.on_inbound(stop));
    CHECK(settled == std::vector<bool>{false, true});
    CHECK(rig.store.get_message(id)->message.state == store::State::delivered);
    CHECK(rig.inbound().size() == 1);
    CHECK(rig.store.get_optout("+4915112345678").has_value());
}

namespace {

// Makes every write to `table` fail, from another connection, until dropped.
void refuse_inserts(Rig& rig, const std::string& table, bool refuse) {
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open(rig.dir.file("inbound.db").c_str(), &other) == SQLITE_OK);
    const std::string sql =
        refuse ? "CREATE TRIGGER refuse_" + table + " BEFORE INSERT ON " + table +
                     " BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
               : "DROP TRIGGER refuse_" + table;
    CHECK(sqlite3_exec(other, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(other);
}

}  // namespace

TEST_CASE("a STOP whose opt-out cannot be stored keeps neither its message nor its seen PDU",
          "[dispatch][inbound][optout]") {
    Rig rig;
    rig.set("optout.confirmation_enabled", "true");
    const auto stop = deliver("+4915112345678", "STOP").at(0);
    refuse_inserts(rig, "optouts", true);
    CHECK_FALSE(rig.pipeline.on_inbound(stop));
    CHECK(rig.inbound().empty());
    CHECK(rig.messages().empty());
    CHECK_FALSE(rig.store.inbound_pdu_seen("office-1", stop.hex));

    // Read again once the store takes it: the opt-out is not skipped as a
    // PDU stored before.
    refuse_inserts(rig, "optouts", false);
    CHECK(rig.pipeline.on_inbound(stop));
    CHECK(rig.inbound().size() == 1);
    CHECK(rig.store.get_optout("+4915112345678").has_value());
    CHECK(rig.messages().size() == 1);
}

TEST_CASE("the part that completes a message is kept only with the message",
          "[dispatch][inbound]") {
    Rig rig;
    const auto two = deliver("+4915112345678", long_text);
    REQUIRE(two.size() == 2);
    CHECK(rig.pipeline.on_inbound(two[0]));
    refuse_inserts(rig, "inbound", true);
    CHECK_FALSE(rig.pipeline.on_inbound(two[1]));
    CHECK(rig.store.stats().fragments_waiting == 1);
    CHECK_FALSE(rig.store.inbound_pdu_seen("office-1", two[1].hex));
    refuse_inserts(rig, "inbound", false);
    CHECK(rig.pipeline.on_inbound(two[1]));
    const auto in = rig.inbound();
    REQUIRE(in.size() == 1);
    CHECK(in[0].text == long_text);
    CHECK(in[0].complete);
    CHECK(rig.store.stats().fragments_waiting == 0);
}

TEST_CASE("a reference reused by the sender's next message does not mix the two",
          "[dispatch][inbound]") {
    Rig rig;
    const std::string other_text = "Second thoughts: " + long_text;
    const auto first = deliver("+4915112345678", long_text);
    const auto second = deliver("+4915112345678", other_text);
    REQUIRE(first.size() == 2);
    REQUIRE(second.size() == 2);
    // Part 2 of the first message never comes; the phone's next long message
    // carries the same reference.
    CHECK(rig.pipeline.on_inbound(first[0]));
    CHECK(rig.pipeline.on_inbound(second[0]));
    CHECK(rig.pipeline.on_inbound(second[1]));
    auto in = rig.inbound();
    REQUIRE(in.size() == 2);
    std::sort(in.begin(), in.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    CHECK_FALSE(in[0].complete);
    CHECK(in[0].raw_pdus == std::vector<std::string>{first[0].hex});
    CHECK_THAT(in[0].text, Catch::StartsWith("Dear team"));
    CHECK(in[1].complete);
    CHECK(in[1].text == other_text);
    CHECK(in[1].raw_pdus == std::vector<std::string>{second[0].hex, second[1].hex});
    CHECK(rig.store.stats().fragments_waiting == 0);
}

TEST_CASE("an 8-bit and a 16-bit reference of the same value are two messages",
          "[dispatch][inbound]") {
    // One sender's messages through two routes (a phone and an SMS service
    // sending in its name), their parts interleaved: both use reference 77,
    // one in the 8-bit element, the other in the 16-bit one.
    Rig rig;
    const std::string other_text = "Second thoughts: " + long_text;
    const auto eight = deliver("+4915112345678", long_text);
    const auto sixteen = deliver("+4915112345678", other_text, 0, true);
    REQUIRE(eight.size() == 2);
    REQUIRE(sixteen.size() == 2);
    REQUIRE(eight[0].hex != sixteen[0].hex);
    CHECK(rig.pipeline.on_inbound(eight[0]));
    CHECK(rig.pipeline.on_inbound(sixteen[0]));
    CHECK(rig.pipeline.on_inbound(eight[1]));
    CHECK(rig.pipeline.on_inbound(sixteen[1]));
    auto in = rig.inbound();
    REQUIRE(in.size() == 2);
    std::sort(in.begin(), in.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    CHECK(in[0].complete);
    CHECK(in[0].text == long_text);
    CHECK(in[0].raw_pdus == std::vector<std::string>{eight[0].hex, eight[1].hex});
    CHECK(in[0].concat_ref == 77);
    CHECK(in[1].complete);
    CHECK(in[1].text == other_text);
    CHECK(in[1].raw_pdus == std::vector<std::string>{sixteen[0].hex, sixteen[1].hex});
    CHECK(in[1].concat_ref == 77);  // the reference as sent, not the group's key
    CHECK(rig.store.stats().fragments_waiting == 0);
}

TEST_CASE("a 16-bit group released incomplete shows its reference as sent",
          "[dispatch][inbound]") {
    Rig rig;
    const auto sixteen = deliver("+4915112345678", three_part_text, 0, true);
    REQUIRE(sixteen.size() == 3);
    CHECK(rig.pipeline.on_inbound(sixteen[0]));
    rig.pipeline.sweep(core::now() + 11min);
    const auto in = rig.inbound();
    REQUIRE(in.size() == 1);
    CHECK_FALSE(in[0].complete);
    CHECK(in[0].concat_ref == 77);
    CHECK(in[0].parts_total == 3);
}

namespace {
// "Hi 😀!" as the first two UCS-2 parts of a message of `total` parts, with
// U+1F600's surrogate halves on either side of the split, as a phone that
// splits by UTF-16 code units sends it; each handed to the pipeline.
void receive_split_emoji(Rig& rig, int total) {
    const std::string head = "0044" "0D91945111325476F8" "0008" "42507101000000";
    const std::string of = "0" + std::to_string(total);
    std::vector<drivers::InboundPdu> parts(2);
    parts[0].hex = head + "0E" "05000307" + of + "01" "004800690020D83D";
    parts[1].hex = head + "0A" "05000307" + of + "02" "DE000021";
    for (auto& p : parts) {
        p.modem = "office-1";
        p.storage = "SM";
        p.index = ++next_index;
        p.tpdu_length = static_cast<int>(p.hex.size() / 2 - 1);
        CHECK(rig.pipeline.on_inbound(p));
    }
}
}  // namespace

TEST_CASE("an emoji the sender's phone split between two parts arrives whole",
          "[dispatch][inbound]") {
    Rig rig;
    receive_split_emoji(rig, 2);
    const auto in = rig.inbound();
    REQUIRE(in.size() == 1);
    CHECK(in[0].text == "Hi \U0001F600!");
    CHECK(in[0].complete);
}

TEST_CASE("an emoji split between two parts of a message released incomplete arrives whole",
          "[dispatch][inbound]") {
    Rig rig;
    receive_split_emoji(rig, 3);  // the third part never comes
    CHECK(rig.pipeline.sweep(core::now() + 11min) == 1);
    const auto in = rig.inbound();
    REQUIRE(in.size() == 1);
    CHECK_FALSE(in[0].complete);
    CHECK(in[0].text == std::string("Hi \U0001F600!") + pdu::Reassembler::kGapMarker);
}
