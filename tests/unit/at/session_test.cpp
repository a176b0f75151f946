// The Session with bytes and a fake clock: no sleeping, no port (STYLE habit 8).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "drivers/at/quirks.hpp"
#include "drivers/at/session.hpp"
#include "drivers/at/sms_replies.hpp"
#include "drivers/at/trace.hpp"

using namespace smsgw::at;
using namespace std::chrono_literals;

namespace {

const std::string pdu = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37";

Command command(std::string text, std::optional<std::string> payload = std::nullopt,
                Millis timeout = Millis{0}, bool sensitive = false) {
    Command cmd;
    cmd.text = std::move(text);
    cmd.pdu = std::move(payload);
    cmd.timeout = timeout;
    cmd.sensitive = sensitive;
    return cmd;
}

// Drives a Session and keeps every action it produced.
struct Rig {
    explicit Rig(SessionConfig config = {}) : session(std::move(config)) {}

    Session session;
    TimePoint now{};
    std::vector<Action> actions;

    void pump() {
        for (auto& a : session.take_actions()) actions.push_back(std::move(a));
    }
    CommandId submit(Command cmd) {
        const auto id = session.submit(std::move(cmd), now);
        pump();
        return id;
    }
    CommandId submit(std::string text) { return submit(command(std::move(text))); }
    void feed(std::string_view bytes) {
        session.on_bytes(bytes, now);
        pump();
    }
    void advance(Millis ms) {
        now += ms;
        session.on_tick(now);
        pump();
    }
    void open() {
        session.open(now, "port opened");
        pump();
    }

    template <typename T>
    std::vector<T> all() const {
        std::vector<T> out;
        for (const auto& a : actions)
            if (const auto* x = std::get_if<T>(&a)) out.push_back(*x);
        return out;
    }
    std::vector<std::string> writes() const {
        std::vector<std::string> out;
        for (const auto& w : all<Write>()) out.push_back(w.bytes);
        return out;
    }
    Complete result(CommandId id) const {
        for (const auto& c : all<Complete>())
            if (c.id == id) return c;
        FAIL("command #" << id << " did not complete");
        return {};
    }
    bool completed(CommandId id) const {
        const auto done = all<Complete>();
        return std::any_of(done.begin(), done.end(), [&](const Complete& c) { return c.id == id; });
    }
    std::string trace() const {
        std::string out;
        for (const auto& a : actions) out += trace_line(a) + "\n";
        return out;
    }
};

using Lines = std::vector<std::string>;

// AT+CGMI, written and answered: its answer is its own, not one behind.
void check_cgmi_answered(Rig& rig, CommandId cgmi) {
    CHECK(rig.writes().back() == "AT+CGMI\r");
    rig.feed("\r\nQuectel\r\n\r\nOK\r\n");
    CHECK(rig.result(cgmi).final.outcome == Outcome::ok);
    CHECK(rig.result(cgmi).lines == Lines{"Quectel"});
}

// A port opened, AT+CGMI queued, the line quiet for T-quiet, the probe
// written and 100 ms gone by without its answer.
CommandId open_and_probe(Rig& rig) {
    rig.open();
    const auto cgmi = rig.submit("AT+CGMI");
    rig.advance(500ms);
    REQUIRE(rig.writes() == Lines{"\x1B", "AT\r"});
    rig.advance(100ms);
    return cgmi;
}

}  // namespace

TEST_CASE("session: a command, its answer and OK") {
    Rig rig;
    const auto id = rig.submit("AT+CSQ");
    CHECK(rig.writes() == Lines{"AT+CSQ\r"});
    CHECK(rig.session.state() == SessionState::awaiting_reply);
    CHECK(rig.session.next_deadline() == rig.now + 5s);
    rig.feed("\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
    const auto done = rig.result(id);
    CHECK(done.final.outcome == Outcome::ok);
    CHECK(done.lines == Lines{"+CSQ: 20,99"});
    CHECK(done.final.line == "OK");
    CHECK(rig.session.state() == SessionState::idle);
    CHECK_FALSE(rig.session.next_deadline());
}

TEST_CASE("session: a second final result read with the first does not answer the next command") {
    // A modem that says ERROR and then OK to one command: the OK came before
    // the queued AT+CMGS was written, so it is a stray, not the AT+CMGS's answer.
    Rig rig;
    const auto first = rig.submit("AT+CMGL=4");
    const auto send = rig.submit(command("AT+CMGS=23", pdu));
    rig.feed("\r\nERROR\r\n\r\nOK\r\n");
    CHECK(rig.result(first).final.outcome == Outcome::error);
    CHECK_FALSE(rig.completed(send));
    REQUIRE(rig.all<Stray>().size() == 1);
    CHECK(rig.all<Stray>()[0].line == "OK");
    CHECK(rig.writes() == Lines{"AT+CMGL=4\r", "AT+CMGS=23\r"});
    CHECK(rig.session.state() == SessionState::awaiting_prompt);
    rig.feed("\r\n> ");
    rig.feed("\r\n+CMGS: 7\r\n\r\nOK\r\n");
    CHECK(rig.result(send).final.outcome == Outcome::ok);
    CHECK(rig.result(send).lines == Lines{"+CMGS: 7"});
}

TEST_CASE("session: a held command is not written when its turn comes") {
    // The hold is asked at the command's turn, not when it was queued: the
    // command ahead found the modem restarted meanwhile.
    Rig rig;
    std::string why;
    const auto first = rig.submit("AT+CMGD=1");
    Command send = command("AT+CMGS=23", pdu);
    send.hold = [&] { return why; };
    const auto held = rig.submit(send);
    const auto next = rig.submit("AT+CSQ");
    why = "restarted (RDY): setting it up again";
    rig.feed("\r\nOK\r\n");
    CHECK(rig.result(first).final.outcome == Outcome::ok);
    CHECK(rig.result(held).final.outcome == Outcome::not_sent);
    CHECK(rig.result(held).final.reason == "not written: restarted (RDY): setting it up again");
    CHECK(rig.writes() == Lines{"AT+CMGD=1\r", "AT+CSQ\r"});
    CHECK_FALSE(rig.completed(next));
    // With nothing to hold it, it is written as usual.
    why.clear();
    const auto sent = rig.submit(send);
    rig.feed("\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
    CHECK(rig.result(next).final.outcome == Outcome::ok);
    CHECK_FALSE(rig.completed(sent));
    CHECK(rig.writes().back() == "AT+CMGS=23\r");
}

TEST_CASE("session: +CMTI between +CSQ: 20,99 and OK is routed as a URC") {
    Rig rig;
    const auto id = rig.submit("AT+CSQ");
    rig.feed("\r\n+CSQ: 20,99\r\n\r\n+CMTI: \"SM\",3\r\n\r\nOK\r\n");
    CHECK(rig.result(id).lines == Lines{"+CSQ: 20,99"});
    const auto urcs = rig.all<Urc>();
    REQUIRE(urcs.size() == 1);
    CHECK(urcs[0].kind == UrcKind::sms_stored);
    CHECK(urcs[0].lines == Lines{"+CMTI: \"SM\",3"});
    CHECK_FALSE(urcs[0].noise);
    const auto ind = parse_message_indication(urcs[0].lines[0]);
    REQUIRE(ind);
    CHECK(ind->storage == "SM");
    CHECK(ind->index == 3);
}

TEST_CASE("session: echo split across reads is not part of the answer") {
    Rig rig;
    const auto id = rig.submit("AT+CSQ");
    for (auto chunk : {"AT+C", "SQ\r", "\r\n+CSQ: 1", "5,99\r\n\r\nO", "K\r\n"}) rig.feed(chunk);
    CHECK(rig.result(id).lines == Lines{"+CSQ: 15,99"});
    CHECK(rig.result(id).echoed);  // the driver's sign of a modem back at its defaults
    CHECK(rig.all<Stray>().empty());
}

TEST_CASE("session: echo on with LF only (gammu at-creg/huawei.dump)") {
    Rig rig;
    const auto id = rig.submit("AT+CREG?");
    rig.feed("AT+CREG?\n+CREG: 2,1,4CA,81DE445\nOK\n");
    CHECK(rig.result(id).lines == Lines{"+CREG: 2,1,4CA,81DE445"});
    CHECK(rig.all<Urc>().empty());
}

TEST_CASE("session: +CPIN: READY answers AT+CPIN? but is a URC when idle") {
    Rig rig;
    const auto id = rig.submit("AT+CPIN?");
    rig.feed("\r\n+CPIN: READY\r\n\r\nOK\r\n");
    CHECK(rig.result(id).lines == Lines{"+CPIN: READY"});
    CHECK(rig.all<Urc>().empty());
    rig.feed("\r\n+CPIN: READY\r\n");
    REQUIRE(rig.all<Urc>().size() == 1);
    CHECK(rig.all<Urc>()[0].kind == UrcKind::pin_state);
}

TEST_CASE("session: a +CREG URC after AT+CREG=2 stays a URC") {
    Rig rig;
    const auto id = rig.submit("AT+CREG=2");
    rig.feed("\r\n+CREG: 1,\"5E25\",\"605F\"\r\n\r\nOK\r\n");
    CHECK(rig.result(id).lines.empty());
    REQUIRE(rig.all<Urc>().size() == 1);
    CHECK(rig.all<Urc>()[0].kind == UrcKind::registration);
}

TEST_CASE("session: CMGS two-step with prompt, echo off") {
    Rig rig;
    const auto id = rig.submit(command("AT+CMGS=23", pdu));
    CHECK(rig.writes() == Lines{"AT+CMGS=23\r"});
    CHECK(rig.session.state() == SessionState::awaiting_prompt);
    rig.feed("\r\n> ");
    CHECK(rig.writes() == Lines{"AT+CMGS=23\r", pdu + "\x1A"});
    CHECK(rig.session.state() == SessionState::awaiting_send);
    CHECK(rig.session.next_deadline() == rig.now + 120s);
    rig.feed("\r\n+CMGS: 12\r\n\r\nOK\r\n");
    const auto done = rig.result(id);
    CHECK(done.final.outcome == Outcome::ok);
    CHECK_FALSE(done.echoed);
    REQUIRE(done.lines.size() == 1);
    CHECK(*parse_cmgs(done.lines[0]) == 12);
}

TEST_CASE("session: CMGS with the PDU echoed back, the command line echoed or not") {
    // SIMCom's A7672 echoes what is typed after "> " even after ATE0: only the
    // command line's echo says the echo is on.
    const bool line_echoed = GENERATE(true, false);
    INFO("command line echoed: " << line_echoed);
    Rig rig;
    const auto id = rig.submit(command("AT+CMGS=23", pdu));
    rig.feed(line_echoed ? "AT+CMGS=23\r\r\n> " : "\r\n> ");
    rig.feed(pdu + "\x1A");
    rig.feed("\r\n+CMGS: 7\r\n\r\nOK\r\n");
    CHECK(rig.result(id).lines == Lines{"+CMGS: 7"});
    CHECK(rig.result(id).echoed == line_echoed);
    CHECK(rig.all<Stray>().empty());
}

TEST_CASE("session: an AT+CMGS echoed by a modem set up with its echo off gets no PDU") {
    // Back at its defaults after a silent restart (echo on, perhaps text
    // mode, where "23" would be taken for the number): ESC at the prompt.
    Rig rig;
    Command c = command("AT+CMGS=23", pdu);
    c.echo_off = true;
    const auto id = rig.submit(std::move(c));
    rig.feed("AT+CMGS=23\r\r\n> ");
    CHECK(rig.writes() == Lines{"AT+CMGS=23\r", "\x1B"});
    const auto done = rig.result(id);
    CHECK(done.final.outcome == Outcome::not_sent);
    CHECK(done.echoed);
    CHECK_THAT(done.final.reason, Catch::Contains("though its echo was off: it restarted") &&
                                      Catch::EndsWith("cancelled with ESC, PDU not sent"));
    // The line is resynchronised before the next command (the ESC may be answered).
    CHECK(rig.session.state() == SessionState::resync_quiet);

    // Not echoed, or a modem never seen with its echo off: the PDU goes out.
    for (const bool echo_off : {true, false}) {
        Rig other;
        Command d = command("AT+CMGS=23", pdu);
        d.echo_off = echo_off;
        other.submit(std::move(d));
        other.feed(echo_off ? "\r\n> " : "AT+CMGS=23\r\r\n> ");
        CHECK(other.writes() == Lines{"AT+CMGS=23\r", pdu + "\x1A"});
    }
}

TEST_CASE("session: a +CMGS: <mr> whose OK is lost ends after a command timeout, not the network's") {
    Rig rig;
    const auto id = rig.submit(command("AT+CMGS=23", pdu));
    rig.feed("\r\n> ");
    CHECK(rig.session.next_deadline() == rig.now + 120s);
    rig.advance(2s);
    rig.feed("\r\n+CMGS: 12\r\n");
    CHECK(rig.session.next_deadline() == rig.now + 5s);
    rig.advance(4s);
    CHECK_FALSE(rig.completed(id));
    rig.advance(1s);
    const auto done = rig.result(id);
    CHECK(done.final.outcome == Outcome::uncertain);
    CHECK(done.lines == Lines{"+CMGS: 12"});
    CHECK(done.final.reason == "no final result within 5000 ms of \"+CMGS: 12\"");
}

TEST_CASE("session: a caller hanging up during a send is news, not the send's answer") {
    // SIMCom and Quectel modems say RING while a call comes in and NO CARRIER
    // when the caller hangs up, whatever command is running. Taken for the
    // AT+CMGS's answer, the message the network took would be sent again.
    const std::string when = GENERATE("before the prompt", "after the PDU");
    INFO(when);
    Rig rig;
    const auto id = rig.submit(command("AT+CMGS=23", pdu));
    if (when == "before the prompt") rig.feed("\r\nRING\r\n\r\nNO CARRIER\r\n");
    rig.feed("\r\n> ");
    if (when == "after the PDU") rig.feed("\r\nRING\r\n\r\nNO CARRIER\r\n");
    CHECK_FALSE(rig.completed(id));
    rig.feed("\r\n+CMGS: 12\r\n\r\nOK\r\n");
    const auto done = rig.result(id);
    CHECK(done.final.outcome == Outcome::ok);
    CHECK(done.lines == Lines{"+CMGS: 12"});
    const auto urcs = rig.all<Urc>();
    REQUIRE(urcs.size() == 2);
    CHECK(urcs[0].kind == UrcKind::ring);
    CHECK(urcs[1].kind == UrcKind::call_ended);
    CHECK(urcs[1].lines == Lines{"NO CARRIER"});
    CHECK(rig.all<Stray>().empty());
}

TEST_CASE("session: call results answer the commands that make or take a call") {
    const std::string cmd = GENERATE("ATD+4917012345678;", "ATA", "ATO");
    const std::string answer = GENERATE("NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE");
    INFO(cmd << " → " << answer);
    Rig rig;
    const auto id = rig.submit(cmd);
    rig.feed("\r\n" + answer + "\r\n");
    const auto done = rig.result(id);
    CHECK(done.final.outcome == Outcome::error);
    CHECK(done.final.line == answer);
    CHECK(rig.all<Urc>().empty());
    // Idle, the same line is the modem's own news.
    rig.feed("\r\n" + answer + "\r\n");
    REQUIRE(rig.all<Urc>().size() == 1);
    CHECK(rig.all<Urc>()[0].kind == UrcKind::call_ended);
    CHECK(rig.all<Stray>().empty());
}

TEST_CASE("session: CMGS refused before the prompt") {
    Rig rig;
    const auto id = rig.submit(command("AT+CMGS=23", pdu));
    rig.feed("\r\n+CMS ERROR: 330\r\n");
    const auto done = rig.result(id);
    CHECK(done.final.outcome == Outcome::error);
    REQUIRE(done.final.error);
    CHECK(done.final.error->entry().name == "smsc_address_unknown");
    CHECK(rig.writes().size() == 1);
}

TEST_CASE("session: a +CMGS answered after 90 s is sent, not uncertain") {
    // The network may take up to 120 s to answer a submit (Quectel's "maximum
    // response time 120 s, determined by network"); an earlier timeout would
    // make a slow but successful send a message a person must look at.
    Rig rig;
    const auto id = rig.submit(command("AT+CMGS=23", pdu));
    rig.feed("\r\n> ");
    rig.advance(90s);
    CHECK_FALSE(rig.completed(id));
    rig.feed("\r\n+CMGS: 42\r\n\r\nOK\r\n");
    const auto done = rig.result(id);
    CHECK(done.final.outcome == Outcome::ok);
    REQUIRE(done.lines.size() == 1);
    CHECK(*parse_cmgs(done.lines[0]) == 42);
}

// The resync over, the AT+CSQ queued behind the send goes out and gets its
// own answer; the PDU was written exactly once: nothing is retried silently.
void check_sent_once_then_next(Rig& rig, CommandId next) {
    CHECK(rig.writes().back() == "AT+CSQ\r");
    rig.feed("\r\n+CSQ: 3,99\r\nOK\r\n");
    CHECK(rig.result(next).final.outcome == Outcome::ok);
    const auto writes = rig.writes();
    CHECK(std::count(writes.begin(), writes.end(), pdu + "\x1A") == 1);
}

// An AT+CMGS whose PDU is written, an AT+CSQ queued behind it.
std::pair<CommandId, CommandId> send_with_next_queued(Rig& rig) {
    const auto id = rig.submit(command("AT+CMGS=23", pdu));
    const auto next = rig.submit("AT+CSQ");
    rig.feed("\r\n> ");
    return {id, next};
}

TEST_CASE("session: CMGS timeout after Ctrl-Z is uncertain, then resync") {
    Rig rig;
    const auto [id, next] = send_with_next_queued(rig);
    rig.advance(119s);
    CHECK_FALSE(rig.completed(id));
    rig.advance(1s);
    // Held while the line is resynchronised: a late answer would still count.
    CHECK_FALSE(rig.completed(id));
    CHECK(rig.session.state() == SessionState::resync_quiet);
    rig.advance(500ms);
    CHECK(rig.writes().back() == "AT\r");
    rig.feed("\r\nOK\r\n");
    CHECK_FALSE(rig.completed(id));
    rig.advance(500ms);  // the line stays quiet after the OK
    const auto done = rig.result(id);
    CHECK(done.final.outcome == Outcome::uncertain);
    CHECK(done.final.reason ==
          "no answer within 120000 ms after the PDU: the network may have taken the message");
    check_sent_once_then_next(rig, next);
}

TEST_CASE("session: no prompt in time: ESC, timeout, PDU never sent") {
    Rig rig;
    const auto id = rig.submit(command("AT+CMGS=23", pdu));
    rig.advance(5s);
    CHECK(rig.result(id).final.outcome == Outcome::timeout);
    CHECK(rig.writes() == Lines{"AT+CMGS=23\r", "\x1B"});
    // A late prompt during the resync is cancelled too, the PDU still not sent.
    rig.feed("\r\n> ");
    CHECK(rig.writes().back() == "\x1B");
    CHECK(rig.all<Stray>().size() == 1);
}

TEST_CASE("session: per-command timeout for a CMGS") {
    Rig rig;
    const auto id = rig.submit(command("AT+CMGS=23", pdu, 120s));
    rig.feed("\r\n> ");
    CHECK(rig.session.next_deadline() == rig.now + 120s);
    rig.advance(119s);
    CHECK_FALSE(rig.completed(id));
    rig.advance(1s);
    rig.advance(500ms);  // the resync's quiet gap, then its probe
    rig.feed("\r\nOK\r\n");
    rig.advance(500ms);
    CHECK(rig.result(id).final.outcome == Outcome::uncertain);
}

// A modem (or its network) slower than the send timeout: the answer comes
// while the line is resynchronised, before the answer to the probe, as the
// modem takes one command at a time.
TEST_CASE("session: a +CMGS answered after the send timeout, during the resync, is sent") {
    Rig rig;
    const auto [id, next] = send_with_next_queued(rig);
    rig.advance(120s);
    CHECK_FALSE(rig.completed(id));
    SECTION("in the quiet gap before the probe") {
        rig.advance(300ms);
        rig.feed("\r\n+CMGS: 77\r\n\r\nOK\r\n");
        const auto done = rig.result(id);
        CHECK(done.final.outcome == Outcome::ok);
        REQUIRE(done.lines.size() == 1);
        CHECK(*parse_cmgs(done.lines[0]) == 77);
        CHECK(done.final.reason == "after the send timeout, while the line was resynchronised");
        rig.advance(500ms);
        CHECK(rig.writes().back() == "AT\r");
        rig.feed("\r\nOK\r\n");
    }
    SECTION("after the probe was written: its OK is the one after the send's") {
        rig.advance(500ms);
        CHECK(rig.writes().back() == "AT\r");
        rig.feed("\r\n+CMGS: 78\r\n\r\nOK\r\n");
        CHECK(*parse_cmgs(rig.result(id).lines.at(0)) == 78);
        // The OK that ended the send's answer was not taken for the probe's:
        // the queue waits for it (T-probe is 2 s).
        rig.advance(1s);
        CHECK(rig.writes().back() != "AT+CSQ\r");
        rig.feed("\r\nOK\r\n");
    }
    rig.advance(500ms);
    check_sent_once_then_next(rig, next);
}

TEST_CASE("session: a refusal after the send timeout fails the send: it was not taken") {
    Rig rig;
    const auto id = rig.submit(command("AT+CMGS=23", pdu));
    rig.feed("\r\n> ");
    rig.advance(120s);
    SECTION("before the probe") {
        rig.advance(100ms);
        rig.feed("\r\n+CMS ERROR: 38\r\n");
    }
    SECTION("after the probe, as +CMS ERROR (never a probe's answer)") {
        rig.advance(500ms);
        CHECK(rig.writes().back() == "AT\r");
        rig.feed("\r\n+CMS ERROR: 38\r\n");
    }
    const auto done = rig.result(id);
    CHECK(done.final.outcome == Outcome::error);
    REQUIRE(done.final.error);
    CHECK(done.final.error->code == 38);
    CHECK(done.final.line == "+CMS ERROR: 38");
}

TEST_CASE("session: a bare ERROR once a probe was written is not taken for the late send's refusal") {
    // After the probe's OK, an ERROR may be the probe's answer (the OK the
    // send's): the part stays uncertain, never retried, and the line is
    // probed again.
    Rig rig;
    const auto id = rig.submit(command("AT+CMGS=23", pdu));
    rig.feed("\r\n> ");
    rig.advance(120s);
    rig.advance(500ms);
    REQUIRE(rig.writes().back() == "AT\r");
    rig.feed("\r\nOK\r\n\r\nERROR\r\n");
    CHECK_FALSE(rig.completed(id));
    rig.advance(500ms);
    REQUIRE(rig.writes().back() == "AT\r");
    rig.feed("\r\nOK\r\n");
    rig.advance(500ms);
    CHECK(rig.result(id).final.outcome == Outcome::uncertain);
}

TEST_CASE("session: a send timed out with no answer at all stays uncertain whatever ends the resync") {
    Rig rig;
    const auto id = rig.submit(command("AT+CMGS=23", pdu));
    rig.feed("\r\n> ");
    rig.advance(120s);
    std::string then;
    SECTION("the modem stops answering") {
        for (int i = 0; i < 6 && !rig.completed(id); ++i) rig.advance(2500ms);
        CHECK(rig.session.unresponsive());
    }
    SECTION("the port is closed") {
        rig.session.reset(rig.now, "port closed");
        rig.pump();
        then = " (then port closed)";
    }
    const auto done = rig.result(id);
    CHECK(done.final.outcome == Outcome::uncertain);
    CHECK(done.final.reason ==
          "no answer within 120000 ms after the PDU: the network may have taken the message" + then);
}

TEST_CASE("session: timeout, then resync ignores the late reply") {
    Rig rig;
    const auto first = rig.submit("AT+COPS?");
    const auto second = rig.submit("AT+CPIN?");
    rig.advance(5s);
    CHECK(rig.result(first).final.outcome == Outcome::timeout);
    CHECK_FALSE(rig.completed(second));
    // The late reply arrives during the quiet gap: stray lines, and the gap restarts.
    rig.advance(300ms);
    rig.feed("\r\n+COPS: 0,0,\"Vodafone.de\",2\r\n\r\nOK\r\n");
    const auto strays = rig.all<Stray>();
    REQUIRE(strays.size() == 2);
    CHECK(strays[1].line == "OK");
    rig.advance(300ms);
    CHECK(rig.writes() == Lines{"AT+COPS?\r"});  // the gap started over at the late bytes
    rig.advance(200ms);
    CHECK(rig.writes() == Lines{"AT+COPS?\r", "AT\r"});
    rig.feed("AT\r\r\nOK\r\n");  // echo of the probe, then its OK
    rig.advance(500ms);
    CHECK(rig.writes().back() == "AT+CPIN?\r");
    rig.feed("\r\n+CPIN: READY\r\n\r\nOK\r\n");
    const auto done = rig.result(second);
    CHECK(done.final.outcome == Outcome::ok);
    CHECK(done.lines == Lines{"+CPIN: READY"});
}

TEST_CASE("session: an answer still coming line by line outlasts the command timeout") {
    // AT+CMGL over a full SIM: a record every few hundred ms, 12 s in all.
    Rig rig;
    const auto id = rig.submit("AT+CMGL=4");
    for (int i = 1; i <= 4; ++i) {
        rig.advance(3s);
        REQUIRE_FALSE(rig.completed(id));
        rig.feed("\r\n+CMGL: " + std::to_string(i) + ",1,,22\r\n" + pdu + "\r\n");
    }
    CHECK(rig.session.next_deadline() == rig.now + 5s);  // from the last line
    rig.advance(3s);
    rig.feed("\r\nOK\r\n");
    const auto done = rig.result(id);
    CHECK(done.final.outcome == Outcome::ok);
    CHECK(done.lines.size() == 8);
}

TEST_CASE("session: an answer that stops before its final result times out after its last line") {
    Rig rig;
    const auto id = rig.submit("AT+CMGL=4");
    rig.advance(4s);
    rig.feed("\r\n+CMGL: 1,1,,22\r\n" + pdu + "\r\n");
    rig.advance(4s);
    CHECK_FALSE(rig.completed(id));
    rig.advance(1s);
    CHECK(rig.result(id).final.outcome == Outcome::timeout);
    CHECK(rig.result(id).final.reason == "no final result within 5000 ms of its last answer line");
    CHECK(rig.session.state() != SessionState::awaiting_reply);
}

TEST_CASE("session: an answer that never ends is cut off at 24 command timeouts") {
    Rig rig;
    const auto id = rig.submit(command("AT+CMGL=4", std::nullopt, 1s));
    for (int i = 0; i < 30 && !rig.completed(id); ++i) {
        rig.advance(900ms);
        rig.feed("\r\n+CMGL: 1,1,,22\r\n");
    }
    REQUIRE(rig.completed(id));
    CHECK(rig.result(id).final.outcome == Outcome::timeout);
    CHECK(rig.result(id).final.reason == "no final result within 24000 ms of answer lines");
    CHECK(rig.now <= TimePoint{} + 25s);
}

TEST_CASE("session: only OK releases the queue during the probe") {
    Rig rig;
    rig.submit("AT+CSQ");
    const auto next = rig.submit("AT+CGSN");
    rig.advance(5s);
    rig.advance(500ms);
    REQUIRE(rig.session.state() == SessionState::resync_probe);
    rig.feed("\r\nERROR\r\n");
    CHECK(rig.session.state() == SessionState::resync_probe);
    CHECK_FALSE(rig.completed(next));
    rig.feed("\r\nOK\r\n");
    CHECK(rig.session.state() == SessionState::resync_settle);
    rig.advance(500ms);
    CHECK(rig.session.state() == SessionState::awaiting_reply);
    CHECK(rig.writes().back() == "AT+CGSN\r");
}

TEST_CASE("session: a modem that refuses ATQ0V1 has answered the probe all the same") {
    Rig rig;
    rig.submit("AT+CSQ");
    const auto next = rig.submit("AT+CGSN");
    rig.advance(5s);
    for (int probe = 0; probe < 2; ++probe) {  // AT, then ESC and AT: no answer
        rig.advance(500ms);
        rig.advance(2s);
    }
    rig.advance(500ms);
    REQUIRE(rig.writes().back() == "ATQ0V1\r");
    rig.feed("\r\n+CME ERROR: 3\r\n");
    CHECK(rig.session.state() == SessionState::resync_settle);
    CHECK(rig.session.result_codes_restored() == 0);
    CHECK_FALSE(rig.session.unresponsive());
    // Two earlier probes are unanswered: this may be a slow modem's answer to
    // one of them, so the queue waits the last probe's T-probe out.
    rig.advance(500ms);
    CHECK(rig.session.state() == SessionState::resync_settle);
    rig.advance(2s);
    CHECK(rig.writes().back() == "AT+CGSN\r");
    rig.feed("\r\n356938035643809\r\n\r\nOK\r\n");
    CHECK(rig.result(next).final.outcome == Outcome::ok);
}

TEST_CASE("session: a burst of late answers after a timeout lands on no later command") {
    // A modem that queues what it is sent while busy (a slow AT+CMGS) answers
    // the command, then the resync probes written meanwhile, all at once.
    Rig rig;
    const auto sent = rig.submit(command("AT+CMGS=23", pdu));
    const auto next = rig.submit("AT+CSQ");
    rig.feed("\r\n> ");
    rig.advance(120s);
    rig.advance(500ms);  // probe 1
    rig.advance(2s);     // no answer
    rig.advance(500ms);  // probe 2 (ESC, AT)
    rig.feed("\r\n+CMGS: 1\r\n\r\nOK\r\n");  // the send's own answer, late
    // It still tells that the network took the message.
    CHECK(rig.result(sent).final.outcome == Outcome::ok);
    CHECK(*parse_cmgs(rig.result(sent).lines.at(0)) == 1);
    rig.advance(20ms);
    rig.feed("\r\nOK\r\n\r\nOK\r\n");  // the two probes'
    CHECK(rig.session.state() == SessionState::resync_settle);
    CHECK_FALSE(rig.completed(next));
    rig.advance(500ms);
    CHECK(rig.writes().back() == "AT+CSQ\r");
    rig.feed("\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
    const auto csq = rig.result(next);
    CHECK(csq.final.outcome == Outcome::ok);
    CHECK(csq.lines == Lines{"+CSQ: 21,99"});
}

TEST_CASE("session: a slow modem's late answer to the first probe does not release the queue") {
    // Answers take about 2.5 s: the first probe's OK comes just after the
    // second probe is written, the second's two seconds later. The next
    // command goes out only after that, so the second OK is no answer to it.
    Rig rig;
    rig.submit("AT+CMGR=1");
    const auto next = rig.submit(command("AT+CMGS=23", pdu));
    rig.advance(5s);
    rig.advance(500ms);  // probe 1
    rig.advance(2s);     // not answered yet
    rig.advance(500ms);  // probe 2 (ESC, AT)
    REQUIRE(rig.writes().back() == "AT\r");
    rig.advance(45ms);
    rig.feed("\r\nOK\r\n");  // probe 1's
    CHECK(rig.session.state() == SessionState::resync_settle);
    rig.advance(1500ms);
    CHECK(rig.session.state() == SessionState::resync_settle);
    CHECK_FALSE(rig.writes().back() == "AT+CMGS=23\r");
    rig.advance(513ms);
    rig.feed("\r\nOK\r\n");  // probe 2's, 2.058 s after it was written
    CHECK(rig.session.state() == SessionState::resync_settle);
    rig.advance(500ms);
    CHECK(rig.writes().back() == "AT+CMGS=23\r");
    rig.feed("\r\n> ");
    rig.feed("\r\n+CMGS: 5\r\n\r\nOK\r\n");
    CHECK(rig.result(next).final.outcome == Outcome::ok);
}

TEST_CASE("session: a port just opened drains a killed process's late answer before the first command") {
    // smsgwd was killed while its AT+CMGR was unanswered and restarted at
    // once: the modem's answer to it arrives after the new open.
    Rig rig;
    rig.open();
    const auto at = rig.submit("AT");
    CHECK(rig.writes() == Lines{"\x1B"});  // a PDU entry left open ends first
    CHECK(rig.session.state() == SessionState::resync_quiet);
    rig.advance(460ms);
    rig.feed("\r\n+CMGR: 0,,24\r\n" + pdu + "\r\n\r\nOK\r\n");
    CHECK_FALSE(rig.completed(at));
    CHECK(rig.all<Stray>().size() == 3);
    rig.advance(499ms);
    CHECK(rig.writes() == Lines{"\x1B"});  // the quiet gap started over at the late bytes
    rig.advance(1ms);
    CHECK(rig.writes() == Lines{"\x1B", "AT\r"});
    rig.advance(500ms);
    rig.feed("\r\nOK\r\n");  // the probe's
    CHECK(rig.session.state() == SessionState::resync_settle);
    rig.advance(500ms);
    CHECK(rig.writes().back() == "AT\r");
    CHECK(rig.session.state() == SessionState::awaiting_reply);
    rig.advance(500ms);
    rig.feed("\r\nOK\r\n");
    CHECK(rig.result(at).final.outcome == Outcome::ok);
    CHECK(rig.result(at).lines.empty());
    check_cgmi_answered(rig, rig.submit("AT+CGMI"));
}

TEST_CASE("session: after an open, an OK that ends another answer is not the probe's") {
    // The late answer comes only after the probe is written: its OK follows
    // information lines, which the answer to AT never has.
    Rig rig;
    const auto cgmi = open_and_probe(rig);
    rig.feed("\r\n+CMGR: 0,,24\r\n");
    rig.feed(pdu + "\r\n\r\nOK\r\n");
    CHECK(rig.session.state() == SessionState::resync_probe);
    rig.advance(500ms);
    rig.feed("\r\nOK\r\n");  // the probe's, bare
    CHECK(rig.session.state() == SessionState::resync_settle);
    rig.advance(500ms);
    check_cgmi_answered(rig, cgmi);
}

TEST_CASE("session: after an open, a final result nobody owed after the probe's OK means probe again") {
    // The killed process's command was answered with a bare OK (AT+CMGD),
    // after the probe was written: that OK looked like the probe's, and the
    // probe's own came during the quiet gap after it.
    Rig rig;
    const auto cgmi = open_and_probe(rig);
    rig.feed("\r\nOK\r\n");  // AT+CMGD's
    CHECK(rig.session.state() == SessionState::resync_settle);
    rig.advance(300ms);
    rig.feed("\r\nOK\r\n");  // the probe's
    CHECK(rig.session.state() == SessionState::resync_quiet);
    CHECK_FALSE(rig.completed(cgmi));
    rig.advance(500ms);
    CHECK(rig.writes() == Lines{"\x1B", "AT\r", "AT\r"});
    rig.feed("\r\nOK\r\n");
    rig.advance(500ms);
    check_cgmi_answered(rig, cgmi);
}

TEST_CASE("session: after an open, a modem whose answers keep coming fails the queue with why") {
    Rig rig;
    rig.open();
    const auto queued = rig.submit("AT");
    for (int round = 0; round < 3; ++round) {
        rig.advance(500ms);
        REQUIRE(rig.writes().back() == "AT\r");
        rig.feed("\r\nOK\r\n");
        rig.advance(100ms);
        rig.feed("\r\nOK\r\n");
    }
    CHECK(rig.session.unresponsive());
    CHECK(rig.result(queued).final.outcome == Outcome::not_sent);
    CHECK(rig.result(queued).final.reason ==
          "modem unresponsive: answers nobody owed kept coming after 3 resync OKs");
    CHECK(rig.session.unresponsive_why() == rig.result(queued).final.reason);
    // It still answers probes: once the line stays quiet, it is taken again.
    rig.advance(500ms);
    rig.feed("\r\nOK\r\n");
    CHECK_FALSE(rig.session.unresponsive());
    rig.advance(500ms);
    CHECK(rig.session.state() == SessionState::idle);
    check_cgmi_answered(rig, rig.submit("AT+CGMI"));
}

TEST_CASE("session: an answer line with no command in flight is never the next command's") {
    // Its final result may come in a later read: the command queued meanwhile
    // waits for a quiet line, so that final result is a stray.
    Rig rig;
    rig.feed("\r\n+CMGR: 0,,24\r\n");
    const auto cgmi = rig.submit("AT+CGMI");
    CHECK(rig.writes().empty());
    rig.advance(300ms);
    rig.feed(pdu + "\r\n\r\nOK\r\n");
    CHECK(rig.writes().empty());
    REQUIRE(rig.all<Stray>().size() == 3);
    CHECK(rig.all<Stray>()[2].why == "end of an answer to no command in flight");
    rig.advance(500ms);
    CHECK(rig.writes() == Lines{"AT+CGMI\r"});
    check_cgmi_answered(rig, cgmi);
}

TEST_CASE("session: an unresponsive modem fails the queue, and recovers on OK") {
    Rig rig;
    rig.submit("AT+CSQ");
    const auto queued = rig.submit("AT+CGSN");
    rig.advance(5s);
    for (int probe = 0; probe < 3; ++probe) {
        rig.advance(500ms);  // quiet gap → AT
        rig.advance(2s);     // no OK
    }
    CHECK(rig.session.unresponsive());
    CHECK(rig.result(queued).final.outcome == Outcome::not_sent);
    const auto refused = rig.submit("AT+CPIN?");
    CHECK(rig.result(refused).final.outcome == Outcome::not_sent);
    // Later probes start with ESC in case the modem sits in PDU entry; the
    // third also turned result codes back on.
    CHECK(rig.writes().back() == "ATQ0V1\r");
    rig.advance(500ms);
    CHECK(rig.writes()[rig.writes().size() - 2] == "\x1B");
    CHECK(rig.writes().back() == "AT\r");
    rig.feed("\r\nOK\r\n");
    CHECK(rig.session.result_codes_restored() == 0);
    CHECK_FALSE(rig.session.unresponsive());
    rig.advance(2500ms);  // the last probe's T-probe, as earlier ones are unanswered
    CHECK(rig.session.state() == SessionState::idle);
}

TEST_CASE("session: an echoed PDU with the answer run on is still a sent part") {
    // An echoing modem answering in digits (ATV0) puts no line break between
    // the PDU's echo and "+CMGS: <mr>", and its "0" is no OK.
    Rig rig;
    const auto id = rig.submit(command("AT+CMGS=23", pdu));
    rig.feed("AT+CMGS=23\r> ");
    rig.feed(pdu + "+CMGS: 77\r\n0\r");
    rig.advance(5s);
    const auto done = rig.result(id);
    CHECK(done.lines == Lines{"+CMGS: 77", "0"});
    CHECK(done.final.reason == "no final result within 5000 ms of \"+CMGS: 77\"");
}

TEST_CASE("session: a modem answering in digits (ATV0) is brought back to words by the probe") {
    // A modem that rebooted into a profile saved with ATV0 answers "0<CR>"
    // where "OK" was expected; the second probe turns words back on.
    Rig rig;
    const auto first = rig.submit("AT");
    const auto next = rig.submit("AT+CSQ");
    rig.feed("0\r");
    rig.advance(5s);
    CHECK(rig.result(first).final.outcome == Outcome::timeout);
    for (int probe = 0; probe < 2; ++probe) {  // AT, then ESC and AT
        rig.advance(500ms);
        CHECK(rig.writes().back() == "AT\r");
        rig.feed("0\r");  // still in digits: not an OK
        CHECK(rig.session.state() == SessionState::resync_probe);
        rig.advance(2s);
    }
    rig.advance(500ms);
    CHECK(rig.writes()[rig.writes().size() - 2] == "\x1B");
    CHECK(rig.writes().back() == "ATQ0V1\r");
    rig.feed("ATQ0V1\r\r\nOK\r\n");  // its echo, then OK in the new format
    CHECK(rig.session.result_codes_restored() == 1);
    CHECK_FALSE(rig.session.unresponsive());
    rig.advance(2500ms);  // the last probe's T-probe, as earlier ones are unanswered
    CHECK(rig.writes().back() == "AT+CSQ\r");
    rig.feed("\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
    CHECK(rig.result(next).final.outcome == Outcome::ok);
}

TEST_CASE("session: error codes numeric and verbose") {
    Rig rig;
    const auto a = rig.submit("AT+CMGR=9");
    rig.feed("\r\n+CMS ERROR: 321\r\n");
    const auto b = rig.submit("AT+CPIN?");
    rig.feed("\r\n+CME ERROR: SIM not inserted\r\n");
    const auto c = rig.submit("AT+CPIN?");
    rig.feed("\r\n+CME ERROR: 10\r\n");
    const auto c_err = *rig.result(c).final.error;
    const auto b_err = *rig.result(b).final.error;
    CHECK(rig.result(a).final.error->entry().name == "invalid_memory_index");
    CHECK(b_err.code == 10);
    CHECK(&b_err.entry() == &c_err.entry());
    CHECK(rig.result(b).final.outcome == Outcome::error);
}

TEST_CASE("session: two-line URCs carry their PDU line") {
    Rig rig;
    rig.feed(
        "\r\n+CMT: ,24\r\n07914140279505F6040B914140123456F7000041303210658040054CBE9C0E00\r\n");
    rig.feed(
        "\r\n+CDS: 25\r\n07914140279505F606A10B914140123456F7413032106580404130321065804000\r\n");
    const auto urcs = rig.all<Urc>();
    REQUIRE(urcs.size() == 2);
    CHECK(urcs[0].kind == UrcKind::sms_deliver);
    CHECK(urcs[0].lines.size() == 2);
    CHECK(parse_pdu_urc_header(urcs[0].lines[0])->length == 24);
    CHECK(urcs[1].kind == UrcKind::status_report);
    CHECK(urcs[1].lines.size() == 2);
}

TEST_CASE("session: +CMT in the middle of an answer keeps its PDU out of the answer") {
    Rig rig;
    const auto id = rig.submit("AT+CSQ");
    rig.feed("\r\n+CMT: \"\",24\r\n0791414027950500\r\n+CSQ: 20,99\r\nOK\r\n");
    CHECK(rig.result(id).lines == Lines{"+CSQ: 20,99"});
    REQUIRE(rig.all<Urc>().size() == 1);
    CHECK(rig.all<Urc>()[0].lines.back() == "0791414027950500");
}

TEST_CASE("session: a +CMT header without PDU line is delivered alone") {
    Rig rig;
    rig.feed("\r\n+CMT: ,24\r\nOK\r\n");
    REQUIRE(rig.all<Urc>().size() == 1);
    CHECK(rig.all<Urc>()[0].lines.size() == 1);
    REQUIRE(rig.all<Stray>().size() == 1);
    CHECK(rig.all<Stray>()[0].line == "OK");
}

TEST_CASE("session: Huawei noise is marked, unknown lines are stray, never fatal") {
    Rig rig(session_config(find_quirks("huawei", "E1752")));
    rig.feed("\r\n^RSSI: 12\r\n\r\n^BOOT:20952548,0,0,0,75\r\n\r\n^MODE: 5,4\r\n");
    const auto urcs = rig.all<Urc>();
    REQUIRE(urcs.size() == 3);
    CHECK(std::all_of(urcs.begin(), urcs.end(), [](const Urc& u) { return u.noise; }));
    rig.feed("\r\n^WEIRD: 1\r\n\xFF\xFE\r\n");
    CHECK(rig.all<Stray>().size() == 2);
    // Lines with no command in flight may be an answer whose final result is
    // still to come: the next command waits for a quiet line.
    CHECK(rig.session.state() == SessionState::resync_settle);
    rig.advance(500ms);
    CHECK(rig.session.state() == SessionState::idle);
    const auto id = rig.submit("AT+CSQ");
    rig.feed("\r\n^RSSI: 13\r\n+CSQ: 13,99\r\nOK\r\n");
    CHECK(rig.result(id).lines == Lines{"+CSQ: 13,99"});
}

TEST_CASE("session: a PIN is masked in writes and traces") {
    Rig rig;
    const auto id = rig.submit(command("AT+CPIN=\"1234\"", std::nullopt, Millis{0}, true));
    const auto w = rig.all<Write>().at(0);
    CHECK(w.bytes == "AT+CPIN=\"1234\"\r");
    CHECK(w.shown == "AT+CPIN=****\r");
    rig.feed("AT+CPIN=\"1234\"\r\r\n+CME ERROR: 16\r\n");
    CHECK(rig.result(id).command == "AT+CPIN=****");
    CHECK(rig.result(id).final.error->entry().name == "incorrect_password");
    CHECK(rig.trace().find("1234") == std::string::npos);
}

TEST_CASE("session: a prompt nobody asked for is cancelled with ESC") {
    Rig rig;
    const auto id = rig.submit("AT+CMGW");
    rig.feed("\r\n> ");
    CHECK(rig.writes() == Lines{"AT+CMGW\r", "\x1B"});
    rig.feed("\r\n+CMS ERROR: 304\r\n");
    CHECK(rig.result(id).final.outcome == Outcome::error);
}

TEST_CASE("session: malformed commands are rejected without a write") {
    Rig rig;
    const auto a = rig.submit("AT+CMGF=0\rAT");
    const auto b = rig.submit(command("AT+CMGS=5", std::string("00ZZ")));
    const auto c = rig.submit("   ");
    CHECK(rig.result(a).final.outcome == Outcome::rejected);
    CHECK(rig.result(b).final.outcome == Outcome::rejected);
    CHECK(rig.result(c).final.outcome == Outcome::rejected);
    CHECK(rig.writes().empty());
}

TEST_CASE("session: SIMCom pauses between prompt and PDU") {
    Rig rig(session_config(find_quirks("SIMCOM_Ltd", "SIMCOM_SIM800")));
    rig.submit(command("AT+CMGS=23", pdu));
    rig.feed("\r\n> ");
    CHECK(rig.session.state() == SessionState::prompt_pause);
    CHECK(rig.writes().size() == 1);
    rig.advance(49ms);
    CHECK(rig.writes().size() == 1);
    rig.advance(1ms);
    CHECK(rig.writes().back() == pdu + "\x1A");
    CHECK(rig.session.state() == SessionState::awaiting_send);
}

TEST_CASE("session: reset completes everything") {
    Rig rig;
    const auto sending = rig.submit(command("AT+CMGS=23", pdu));
    const auto queued = rig.submit("AT+CSQ");
    rig.feed("\r\n> ");
    rig.session.reset(rig.now, "port closed");
    rig.pump();
    CHECK(rig.result(sending).final.outcome == Outcome::uncertain);
    CHECK(rig.result(sending).final.reason ==
          "port closed after the PDU was written: the network may have taken the message");
    CHECK(rig.result(queued).final.outcome == Outcome::not_sent);
    CHECK(rig.result(queued).final.reason == "port closed");
    CHECK(rig.session.state() == SessionState::idle);
    CHECK(rig.session.queued() == 0);
}

TEST_CASE("session: commands wait their turn, one in flight") {
    Rig rig;
    const auto a = rig.submit("AT+CGMI");
    const auto b = rig.submit("AT+CGMM");
    CHECK(rig.writes() == Lines{"AT+CGMI\r"});
    CHECK(rig.session.queued() == 1);
    rig.feed("huawei\r\nOK\r\n");
    CHECK(rig.writes() == Lines{"AT+CGMI\r", "AT+CGMM\r"});
    rig.feed("E1752\r\nOK\r\n");
    CHECK(rig.result(a).lines == Lines{"huawei"});
    CHECK(rig.result(b).lines == Lines{"E1752"});
}

TEST_CASE("session: the trace names every transition") {
    Rig rig;
    rig.submit("AT");
    rig.feed("\r\nOK\r\n");
    CHECK(rig.trace() ==
          "write \"AT\\r\"\n"
          "state idle -> awaiting_reply: #1 AT\n"
          "complete #1 \"AT\" [] \"OK\" => ok\n"
          "state awaiting_reply -> idle: OK\n");
}
