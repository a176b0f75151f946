// smsgw_drivers against a real smsgw-modemsim process over a real pty: the Modem
// lifecycle to ready, sending (single and concatenated), receiving (single and
// out-of-order parts), status reports matched by TP-MR, noise inside answers,
// a hang, an unplug with re-identification by IMEI on a new path, a full
// storage, PIN entry and +CMS ERROR classes. Conditions are polled with
// deadlines; timeouts in ModemSettings are short so each case takes seconds.
#include <catch2/catch.hpp>

#include <sys/file.h>
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <sys/wait.h>
#include <csignal>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "pdu/pdu_codec.hpp"
#include "drivers/serial_port.hpp"
#include "tests/integration/drivers_harness.hpp"
#include "tests/integration/sim_harness.hpp"

using namespace smsgw;
using namespace smsgw::test;
using drivers::ModemState;
using drivers::SendResult;
using nlohmann::json;

namespace {

// A Modem on `io` with a recording observer, started.
struct Rig {
    boost::asio::io_context io;
    RecordingObserver observer;
    std::unique_ptr<drivers::Modem> modem;

    explicit Rig(drivers::ModemSettings settings) {
        modem = std::make_unique<drivers::Modem>(io, std::move(settings), &observer);
        observer.modem = modem.get();
        modem->start();
    }
    ~Rig() {
        modem->stop();
        io.restart();
        io.run_for(std::chrono::milliseconds(50));  // let the coroutines unwind
    }
    bool ready(std::chrono::milliseconds t = std::chrono::milliseconds(5000)) {
        return run_until(io, [&] { return modem->status().state == ModemState::ready; }, t);
    }
    SendResult send(const pdu::EncodedPart& part) {
        return run_task(io, modem->send(part.hex, part.tpdu_length));
    }
};

pdu::EncodedMessage encode(const std::string& to, const std::string& text, bool report = false) {
    pdu::SubmitOptions options;
    options.status_report = report;
    auto m = pdu::encode_submit(to, text, options);
    REQUIRE(m.has_value());
    return *m;
}

// The texts of the parts the simulator was sent, from its JSON-lines log.
std::vector<json> sent_log(const SimProcess& sim) {
    std::vector<json> out;
    std::ifstream in(sim.sent_log());
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(json::parse(line));
    return out;
}

// Reassembles the decoded SMS-DELIVER parts by their concatenation sequence.
std::string reassemble(const std::vector<drivers::InboundPdu>& parts) {
    std::map<int, std::string> by_seq;
    for (const auto& p : parts) {
        auto decoded = pdu::decode_pdu(p.hex);
        REQUIRE(decoded.has_value());
        REQUIRE(std::holds_alternative<pdu::SmsDeliver>(decoded->tpdu));
        const auto& d = std::get<pdu::SmsDeliver>(decoded->tpdu);
        const int seq = d.user_data.header && d.user_data.header->concat
                            ? d.user_data.header->concat->sequence
                            : 1;
        by_seq[seq] = d.user_data.text;
    }
    std::string text;
    for (auto& [seq, part] : by_seq) text += part;
    return text;
}

// One single-part send that must come out sent with TP-MR `mr`, on the
// network once.
void check_sent_once(Rig& rig, const SimProcess& sim, int mr) {
    const auto r = rig.send(encode("+4917012345678", "Your table is ready").parts[0]);
    CHECK(r.status == SendResult::Status::sent);
    CHECK(r.mr == mr);
    CHECK(sent_log(sim).size() == 1);
}

std::size_t stored_count(const SimProcess& sim) {
    const json s = sim.control({{"op", "storage"}});
    std::size_t n = 0;
    for (auto& [mem, list] : s["storage"].items()) n += list.size();
    return n;
}

const std::string long_text =
    "Dear customer, your appointment on Tuesday at 10:30 is confirmed. Please bring your "
    "insurance card and arrive ten minutes early. Reply STOP to opt out of reminders. "
    "Thank you for choosing our practice - the team.";

}  // namespace

TEST_CASE("Modem: init to ready fills the status from the modem") {
    SimProcess sim;
    auto settings = test_settings("office-1", sim.link());
    settings.health_interval = std::chrono::hours(1);  // only the first poll can run
    Rig rig(settings);
    REQUIRE(rig.ready());
    const auto& st = rig.modem->status();
    CHECK(st.imei == "356938035643809");
    CHECK(st.imsi == "262019876543210");
    CHECK(st.iccid == "89490200001234567890");
    CHECK_FALSE(st.manufacturer.empty());
    CHECK(st.registration == "home");
    CHECK(st.smsc == "+491722270333");
    CHECK(st.storage_total == 20);
    CHECK(st.cnmi == "AT+CNMI=2,1,0,2,0");
    CHECK(st.signal_dbm.has_value());
    // The states in the order of the lifecycle, each reported once.
    std::vector<ModemState> seen;
    for (const auto& c : rig.observer.changes) seen.push_back(c.to);
    CHECK(seen == std::vector<ModemState>{ModemState::opening, ModemState::identifying,
                                          ModemState::unlocking, ModemState::registering,
                                          ModemState::configuring, ModemState::ready});
    // Registration does not read the operator; the first health poll, right
    // after ready rather than a health interval later, does.
    REQUIRE(run_until(rig.io, [&] { return st.operator_name == "smsgw-net"; }));
}

TEST_CASE("Modem: single and multi-part messages reach the network as encoded") {
    SimProcess sim;
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());

    const auto single = encode("+4917012345678", "Hello from smsgw");
    REQUIRE(single.parts.size() == 1);
    const auto r1 = rig.send(single.parts[0]);
    REQUIRE(r1.status == SendResult::Status::sent);
    CHECK(r1.mr >= 0);

    const auto multi = encode("+4917012345678", long_text);
    REQUIRE(multi.parts.size() == 2);
    std::vector<int> mrs;
    for (const auto& part : multi.parts) {
        const auto r = rig.send(part);
        REQUIRE(r.status == SendResult::Status::sent);
        mrs.push_back(r.mr);
    }
    CHECK(mrs[0] != mrs[1]);

    REQUIRE(wait_for([&] { return sent_log(sim).size() == 3; }));
    const auto log = sent_log(sim);
    CHECK(log[0]["text"] == "Hello from smsgw");
    CHECK(log[0]["to"] == "+4917012345678");
    CHECK(log[1]["text"].get<std::string>() + log[2]["text"].get<std::string>() == long_text);
    CHECK(log[1]["mr"] == mrs[0]);
    CHECK(log[2]["mr"] == mrs[1]);
}

TEST_CASE("Modem: inbound single and reversed multi-part, deleted only after commit") {
    SimProcess sim;
    Rig rig(test_settings("office-1", sim.link()));
    rig.observer.auto_confirm = false;
    REQUIRE(rig.ready());

    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "STOP"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 1; }));
    const auto first = rig.observer.inbound[0];
    CHECK(first.index.has_value());
    CHECK(first.storage == "SM");
    CHECK(first.decode_error.empty());
    CHECK(reassemble({first}) == "STOP");

    json r = sim.control({{"op", "inject_sms"},
                          {"from", "+4915112345678"},
                          {"text", long_text},
                          {"parts_order", "reverse"}});
    REQUIRE(r["parts"] == 2);
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 3; }));
    // Each part is reported on its own, in the order the network gave them.
    const std::vector<drivers::InboundPdu> parts(rig.observer.inbound.begin() + 1,
                                                 rig.observer.inbound.end());
    {
        auto d = pdu::decode_pdu(parts[0].hex);
        REQUIRE(d.has_value());
        CHECK(std::get<pdu::SmsDeliver>(d->tpdu).user_data.header->concat->sequence == 2);
        CHECK(std::get<pdu::SmsDeliver>(d->tpdu).user_data.header->concat->total == 2);
    }
    CHECK(reassemble(parts) == long_text);

    // Nothing is deleted before the owner commits; the periodic drain does not
    // report the same messages twice.
    CHECK(stored_count(sim) == 3);
    REQUIRE_FALSE(run_until(rig.io, [&] { return rig.observer.inbound.size() > 3; }, 2500ms));
    for (const auto& p : rig.observer.inbound) rig.modem->confirm_committed(p);
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }));
}

TEST_CASE("Modem: a message announced during AT+CMGS is read before the next part goes out") {
    // One command at a time, and on a real network an AT+CMGS takes seconds: a
    // STOP announced meanwhile (the modem holds +CMTI until the command ends)
    // must not also wait for the next part's AT+CMGS before it is read.
    SimProcess sim({"--cmgs-latency-ms", "400"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    const auto msg = encode("+4917012345678", long_text);
    REQUIRE(msg.parts.size() == 2);

    std::vector<SendResult> results;
    std::size_t inbound_when_second_done = 99;
    boost::asio::co_spawn(
        rig.io,
        [&]() -> drivers::awaitable<void> {
            for (const auto& part : msg.parts) {  // back to back, as the dispatcher sends
                results.push_back(co_await rig.modem->send(part.hex, part.tpdu_length));
            }
            inbound_when_second_done = rig.observer.inbound.size();
        },
        boost::asio::detached);
    // The first part is in AT+CMGS (400 ms) when the message arrives.
    REQUIRE_FALSE(run_until(rig.io, [&] { return !results.empty(); }, 150ms));
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "Stop"}});
    REQUIRE(run_until(rig.io, [&] { return results.size() == 2; }));
    CHECK(results[0].status == SendResult::Status::sent);
    CHECK(results[1].status == SendResult::Status::sent);
    // Read between the two parts, not after the second.
    CHECK(inbound_when_second_done == 1);
    REQUIRE(rig.observer.inbound.size() == 1);
    CHECK(reassemble(rig.observer.inbound) == "Stop");
    REQUIRE(wait_for([&] { return sent_log(sim).size() == 2; }));
}

TEST_CASE("Modem: announced messages are read before committed ones are deleted") {
    // A STOP announced while earlier messages are worked through waits for no
    // AT+CMGD: the two parts of a message are announced together, the first is
    // committed (confirmed) as soon as it is reported, and the second is read
    // before the first is deleted.
    SimProcess sim;
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    std::vector<std::size_t> stored_when_reported;
    rig.observer.each_inbound = [&](const drivers::InboundPdu&) {
        stored_when_reported.push_back(stored_count(sim));
    };
    json r = sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", long_text}});
    REQUIRE(r["parts"] == 2);
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 2; }));
    CHECK(stored_when_reported == std::vector<std::size_t>{2, 2});
    CHECK(reassemble(rig.observer.inbound) == long_text);
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }));
}

namespace {

// The simulator's AT transcript (its -v log) past `from` characters, one line
// each: "modemsim: < AT+CMGR=1" for a command as it came, "modemsim: > …" for
// what the modem answered or announced.
std::vector<std::string> transcript_lines(const SimProcess& sim, std::size_t from) {
    std::vector<std::string> lines;
    std::istringstream in(sim.stderr_text().substr(from));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

bool sent_command(const std::string& line, std::string_view prefix) {
    return line.starts_with("modemsim: < " + std::string(prefix));
}

// What the transcript shows up to the answer that carried `pdu_hex`.
struct UntilRead {
    bool read = false;        // an answer carried it
    int read_commands = 0;    // AT+CMGR and AT+CMGL sent before that answer
    int delete_commands = 0;  // AT+CMGD sent before it
};
UntilRead until_read(const std::vector<std::string>& lines, const std::string& pdu_hex) {
    UntilRead u;
    for (const auto& line : lines) {
        if (line.starts_with("modemsim: > ") && line.find(pdu_hex) != std::string::npos) {
            u.read = true;
            break;
        }
        u.read_commands += sent_command(line, "AT+CMGR") || sent_command(line, "AT+CMGL");
        u.delete_commands += sent_command(line, "AT+CMGD");
    }
    return u;
}

// The driver's first AT+CMGL=4 (what was stored before it came) answered: a
// message injected after it is read at its +CMTI, not found by that list.
bool first_drain_done(const SimProcess& sim) {
    const auto text = sim.stderr_text();
    const auto list = text.rfind("< AT+CMGL=4");
    return list != std::string::npos && text.find("> OK", list) != std::string::npos;
}

// A rig on a modem that works ~100 ms on every command, as real sticks do on
// SIM reads, ready and done with its first drain; no periodic health check
// nor drain to mix their commands in.
struct SlowModemRig {
    SimProcess sim{{"--answer-latency-ms", "100"}};
    std::chrono::milliseconds health_interval;
    Rig rig{[&] {
        auto settings = test_settings("office-1", sim.link());
        settings.health_interval = health_interval;
        settings.drain_interval = 1h;
        return settings;
    }()};
    explicit SlowModemRig(std::chrono::milliseconds health = 1h) : health_interval(health) {
        REQUIRE(rig.ready(20s));
        REQUIRE(run_until(rig.io, [&] { return first_drain_done(sim); }));
    }
};

std::string hex_of_text(const std::vector<drivers::InboundPdu>& inbound, const std::string& text) {
    for (const auto& p : inbound)
        if (reassemble({p}) == text) return p.hex;
    return {};
}

}  // namespace

TEST_CASE("Modem: a burst of announced messages is read in one exchange, its STOP with it") {
    // Five replies and then a STOP, each with its +CMTI. One AT+CMGR per slot
    // would read the STOP only with the sixth command, six round trips after
    // its +CMTI (600 ms on a modem that takes 100 ms per answer); the slots
    // waiting are listed with one AT+CMGL=4 instead. What the first read
    // confirmed is deleted only after the STOP is read.
    SlowModemRig slow;
    Rig& rig = slow.rig;
    SimProcess& sim = slow.sim;
    const auto inject = [&](const std::string& from, const std::string& text) {
        REQUIRE(sim.control({{"op", "inject_sms"}, {"from", from}, {"text", text}})["ok"] == true);
    };
    const std::size_t from = sim.stderr_text().size();
    SECTION("all announced at once") {
        for (int i = 0; i < 5; ++i)
            inject("+49151000000" + std::to_string(i), "reply " + std::to_string(i));
        inject("+4915112345678", "STOP");
    }
    SECTION("the rest announced while the first is read") {
        inject("+491510000000", "reply 0");
        // The modem works on the AT+CMGR of the first: it holds the +CMTIs of
        // those that come meanwhile until it has answered.
        REQUIRE(run_until(rig.io, [&] {
            for (const auto& line : transcript_lines(sim, from))
                if (sent_command(line, "AT+CMGR")) return true;
            return false;
        }));
        for (int i = 1; i < 5; ++i)
            inject("+49151000000" + std::to_string(i), "reply " + std::to_string(i));
        inject("+4915112345678", "STOP");
    }
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 6; }, 10s));
    const std::string stop = hex_of_text(rig.observer.inbound, "STOP");
    REQUIRE_FALSE(stop.empty());
    const UntilRead u = until_read(transcript_lines(sim, from), stop);
    REQUIRE(u.read);
    CHECK(u.read_commands <= 2);
    CHECK(u.delete_commands == 0);
    // Each read once, each deleted (after a look at its slot), none twice.
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }, 10s));
    CHECK(rig.observer.inbound.size() == 6);
    std::set<std::string> distinct;
    for (const auto& p : rig.observer.inbound) distinct.insert(p.hex);
    CHECK(distinct.size() == 6);
}

TEST_CASE("Modem: a send's gate opens at its turn, and nothing is written until it answers") {
    // The owner commits "this part is being written" in the gate: it must run
    // when the part's AT+CMGS goes out next, not while a read holds the line,
    // and no other command may slip in between the gate and the AT+CMGS.
    SlowModemRig slow;
    Rig& rig = slow.rig;
    SimProcess& sim = slow.sim;
    const std::size_t from = sim.stderr_text().size();
    const auto part = encode("+4917012345678", "Your table is ready").parts[0];
    const auto cmgs_written = [&] {
        const auto lines = transcript_lines(sim, from);
        return std::any_of(lines.begin(), lines.end(),
                           [](const auto& line) { return sent_command(line, "AT+CMGS"); });
    };

    SECTION("after the read ahead of it, holding back the read of a message that comes meanwhile") {
        REQUIRE(sim.control({{"op", "inject_sms"}, {"from", "+4915100000001"}, {"text", "one"}})["ok"] ==
                true);
        REQUIRE(run_until(rig.io, [&] {
            for (const auto& line : transcript_lines(sim, from))
                if (sent_command(line, "AT+CMGR")) return true;
            return false;
        }));
        int gates = 0;
        bool answered_at_gate = false;
        std::size_t commands_at_gate = 0;
        auto gate = [&]() -> drivers::awaitable<std::string> {
            ++gates;
            // Every command written so far has its answer in the transcript.
            const auto lines = transcript_lines(sim, from);
            std::size_t last_command = 0;
            for (std::size_t i = 0; i < lines.size(); ++i)
                if (lines[i].starts_with("modemsim: < ")) {
                    last_command = i;
                    ++commands_at_gate;
                }
            for (std::size_t i = last_command + 1; i < lines.size(); ++i)
                answered_at_gate = answered_at_gate || lines[i] == "modemsim: > OK";
            // A message announced while the gate is open is read after the part.
            sim.control({{"op", "inject_sms"}, {"from", "+4915100000002"}, {"text", "two"}});
            boost::asio::steady_timer wait(rig.io, 400ms);
            co_await wait.async_wait(boost::asio::use_awaitable);
            co_return std::string();
        };
        const auto r = run_task(rig.io, rig.modem->send(part.hex, part.tpdu_length, gate), 10s);
        CHECK(r.status == SendResult::Status::sent);
        CHECK(gates == 1);
        CHECK(answered_at_gate);
        REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 2; }, 10s));
        // The command written right after the gate is the AT+CMGS, and the
        // message announced meanwhile is read after it.
        const std::string two = hex_of_text(rig.observer.inbound, "two");
        REQUIRE_FALSE(two.empty());
        std::vector<std::string> commands;
        bool two_read_after_cmgs = false;
        for (const auto& line : transcript_lines(sim, from)) {
            if (line.starts_with("modemsim: < ")) commands.push_back(line);
            if (line.starts_with("modemsim: > ") && line.find(two) != std::string::npos)
                two_read_after_cmgs = std::any_of(commands.begin(), commands.end(), [&](auto& c) {
                    return sent_command(c, "AT+CMGS");
                });
        }
        REQUIRE(commands.size() > commands_at_gate);
        CHECK(sent_command(commands[commands_at_gate], "AT+CMGS"));
        CHECK(two_read_after_cmgs);
        CHECK(sent_log(sim).size() == 1);
    }
    SECTION("a reason keeps the part back, unwritten") {
        auto gate = []() -> drivers::awaitable<std::string> {
            co_return std::string("the store could not record it");
        };
        const auto r = run_task(rig.io, rig.modem->send(part.hex, part.tpdu_length, gate), 10s);
        CHECK(r.status == SendResult::Status::not_ready);
        CHECK(r.reason == "not written: the store could not record it");
        CHECK_FALSE(cmgs_written());
        // The modem goes on as before.
        const auto again = run_task(rig.io, rig.modem->send(part.hex, part.tpdu_length), 10s);
        CHECK(again.status == SendResult::Status::sent);
        CHECK(sent_log(sim).size() == 1);
    }
}

TEST_CASE("Modem: a message announced during a health check is read before the check goes on") {
    // The check is five commands (signal, settings, registration, operator,
    // storage); a STOP announced during the first is read after at most the
    // one command already on its way, not after the whole check.
    SlowModemRig slow(3s);
    Rig& rig = slow.rig;
    SimProcess& sim = slow.sim;
    const std::size_t from = sim.stderr_text().size();
    REQUIRE(run_until(rig.io, [&] {
        for (const auto& line : transcript_lines(sim, from))
            if (sent_command(line, "AT+CSQ")) return true;
        return false;
    }, 10s));
    REQUIRE(sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "STOP"}})["ok"] ==
            true);
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 1; }, 10s));
    REQUIRE(run_until(rig.io, [&] {
        for (const auto& line : transcript_lines(sim, from))
            if (sent_command(line, "AT+CPMS?")) return true;
        return false;
    }, 10s));
    int checks_before_read = 0;
    for (const auto& line : transcript_lines(sim, from)) {
        if (sent_command(line, "AT+CMGR")) break;
        for (const char* check : {"AT+CNMI?", "AT+CREG?", "AT+COPS?", "AT+CPMS?"})
            checks_before_read += sent_command(line, check);
    }
    CHECK(checks_before_read <= 1);
}

TEST_CASE("Modem: a send goes out while messages keep arriving, not after them") {
    // Reads go first, but a modem that receives all the time must still send:
    // a part whose wait for the reads is over takes its place in line, and the
    // reads and deletes that come after it wait for its AT+CMGS.
    SlowModemRig slow;
    Rig& rig = slow.rig;
    SimProcess& sim = slow.sim;
    const auto part = encode("+4917012345678", "Your table is ready").parts[0];
    int injected = 0;
    bool sending = true;
    boost::asio::steady_timer every(rig.io);
    std::function<void()> inject = [&] {
        if (!sending) return;
        sim.control({{"op", "inject_sms"},
                      {"from", "+49151000000" + std::to_string(injected % 10)},
                      {"text", "reply " + std::to_string(injected)}});
        ++injected;
        every.expires_after(150ms);
        every.async_wait([&](const boost::system::error_code& ec) {
            if (!ec) inject();
        });
    };
    inject();
    const auto r = run_task(rig.io, rig.modem->send(part.hex, part.tpdu_length), 20s);
    const int injected_when_sent = injected;
    sending = false;
    every.cancel();
    CHECK(r.status == SendResult::Status::sent);
    // Sent within a few of its waits for the reads (2 × 400 ms here), while
    // messages still came every 150 ms.
    CHECK(injected_when_sent < 40);
    CHECK(sent_log(sim).size() == 1);
}

TEST_CASE("Modem: status report matched to the TP-MR of a sent part") {
    SimProcess sim({"--first-mr", "41"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    const auto msg = encode("+4917099887766", "Your code is 4711", true);
    const auto sent = rig.send(msg.parts[0]);
    REQUIRE(sent.status == SendResult::Status::sent);
    CHECK(sent.mr == 41);

    sim.control({{"op", "status_report"}, {"mr", sent.mr}, {"status", 0}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.reports.size() == 1; }));
    const auto& rep = rig.observer.reports[0];
    REQUIRE(rep.status_report.has_value());
    CHECK(rep.status_report->mr == sent.mr);
    CHECK(rep.status_report->recipient == "+4917099887766");
    CHECK(rep.status_report->status == 0);
    CHECK(rep.status_report->delivered);
    // Confirmed by the observer: the stored report is deleted.
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }));
}

TEST_CASE("Modem: status reports kept in SR are found without their +CDSI") {
    // Some modems keep status reports in "SR" whatever <mem3> is. One left
    // there before the driver came and one whose +CDSI was lost are found by
    // the drains, which list SR too when AT+CPMS=? offers it.
    SimProcess sim({"--reports-in-sr", "--first-mr", "7"});
    auto settings = test_settings("office-1", sim.link());
    settings.drain_interval = 500ms;
    {
        // A driver set the modem up (+CNMI) and went away.
        Rig before(settings);
        REQUIRE(before.ready());
    }
    const auto stored_before = sim.control(
        {{"op", "status_report"}, {"mr", 6}, {"recipient", "+4917099887766"}});
    REQUIRE(stored_before.at("indexes").size() == 1);
    Rig rig(std::move(settings));
    REQUIRE(rig.ready());
    REQUIRE(run_until(rig.io, [&] { return rig.observer.reports.size() == 1; }));
    CHECK(rig.observer.reports[0].storage == "SR");
    CHECK(rig.observer.reports[0].status_report->mr == 6);

    const auto sent = rig.send(encode("+4917099887766", "Your code is 4711", true).parts[0]);
    REQUIRE(sent.status == SendResult::Status::sent);
    sim.control({{"op", "status_report"}, {"mr", sent.mr}, {"status", 0}, {"announce", false}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.reports.size() == 2; }));
    CHECK(rig.observer.reports[1].status_report->mr == sent.mr);
    CHECK(rig.observer.reports[1].storage == "SR");
    // Confirmed by the observer: deleted from SR.
    CHECK(run_until(rig.io, [&] { return stored_count(sim) == 0; }));
}

TEST_CASE("Modem: a SIM record's padding after the PDU in AT+CMGR is not a new message") {
    // Some modems show a SIM message as its record holds it: the PDU, then FF
    // octets up to 175. AT+CMGL shows it unpadded. The slot read before the
    // delete compares the PDU up to its <length>, and what AT+CMGR read is
    // decoded without the padding.
    SimProcess sim({"--padded-reads"});
    auto settings = test_settings("office-1", sim.link());
    {
        Rig before(settings);  // set the modem up (+CNMI), then went away
        REQUIRE(before.ready());
    }
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "stored while away"}});
    Rig rig(std::move(settings));
    REQUIRE(rig.ready());
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 1; }));
    CHECK(reassemble(rig.observer.inbound) == "stored while away");
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }));

    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "announced"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 2; }));
    CHECK(reassemble({rig.observer.inbound[1]}) == "announced");
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }));
    // Each reported once: no padded read taken for a new message in the slot.
    rig.io.run_for(300ms);
    CHECK(rig.observer.inbound.size() == 2);
}

TEST_CASE("Modem: noise in the middle of responses (Huawei flavour)") {
    SimProcess sim({"--flavour", "huawei", "--noise-in-response", "0.5", "--noise-interval-ms",
                    "150"});
    Rig rig(test_settings("huawei-1", sim.link()));
    REQUIRE(rig.ready());
    CHECK(rig.modem->status().manufacturer.find("huawei") != std::string::npos);
    // A line nobody knows, inside the very next answer.
    sim.control({{"op", "noise"}, {"line", "+XYZZY: 1,2"}, {"during_next_response", true}});
    sim.control({{"op", "noise"}, {"line", "^RSSI: 17"}, {"during_next_response", true}});
    for (int i = 0; i < 3; ++i) {
        const auto r = rig.send(encode("+4917012345678", "noise " + std::to_string(i)).parts[0]);
        REQUIRE(r.status == SendResult::Status::sent);
    }
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "through the noise"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 1; }));
    CHECK(reassemble(rig.observer.inbound) == "through the noise");
    CHECK(rig.observer.count(ModemState::ready) == 1);  // never fell out of ready
    const json stats = sim.control({{"op", "stats"}});
    CHECK(stats["stats"]["noise_lines"].get<int>() > 0);
}

TEST_CASE("Modem: a line slipped in before the +CMGR answer does not hide the message") {
    // A modem may write an unsolicited line just as it begins an answer; one
    // no table knows stays among the answer's lines. The +CMGR: line is found
    // where it is, and the message read at its +CMTI, not at the next drain.
    // Huawei's ^SMMEMFULL (no room left for a received message) is known: it
    // makes the modem read what is stored at once.
    const std::string line = GENERATE(std::string("+XYZZY: 1,2"), std::string("^SMMEMFULL: \"SM\""));
    INFO(line);
    SimProcess sim;
    auto settings = test_settings("office-1", sim.link());
    settings.drain_interval = std::chrono::minutes(5);
    Rig rig(settings);
    REQUIRE(rig.ready());
    // Injected during the first drain, the message would be listed, not read.
    REQUIRE(run_until(rig.io, [&] { return first_drain_done(sim); }));
    sim.control({{"op", "noise"}, {"line", line}, {"during_response_to", "AT+CMGR"},
                 {"before_answer", true}});
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "behind the noise"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 1; }, 3s));
    CHECK(reassemble(rig.observer.inbound) == "behind the noise");
    const json stats = sim.control({{"op", "stats"}});
    CHECK(stats["stats"]["noise_lines"] == 1);
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }));
}

TEST_CASE("Modem: a hang is recovered and sending works again") {
    SimProcess sim;
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    sim.control({{"op", "hang"}, {"seconds", 2}});
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(run_until(rig.io, [&] { return rig.observer.saw(ModemState::recovering); }, 3s));
    // The status says why while it recovers (modem list's LAST ERROR).
    for (const auto& c : rig.observer.changes)
        if (c.to == ModemState::recovering) CHECK(c.last_error.find("no answer to AT") == 0);
    REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::ready) == 2; }, 8s));
    CHECK(rig.modem->status().last_error.empty());  // cleared once ready again
    const auto took = std::chrono::steady_clock::now() - t0;
    WARN("hang of 2 s: ready again after "
         << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
    const auto r = rig.send(encode("+4917012345678", "after the hang").parts[0]);
    CHECK(r.status == SendResult::Status::sent);
}

TEST_CASE("Modem: a long hang climbs the ladder — ESC and AT, re-open, AT+CFUN=1,1 — in order") {
    // Every log line is kept to check the rungs and their order.
    auto ring = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(512);
    auto previous = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>(
        "capture", spdlog::sinks_init_list{ring, std::make_shared<spdlog::sinks::stderr_color_sink_mt>()});
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
    struct Restore {
        std::shared_ptr<spdlog::logger> logger;
        ~Restore() { spdlog::set_default_logger(logger); }
    } restore{previous};

    SimProcess sim;
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    sim.control({{"op", "hang"}, {"seconds", 3.5}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::ready) == 2; }, 12s));
    std::vector<std::string> rungs;
    for (const auto& line : ring->last_formatted())
        for (const char* rung : {"recovery 1/3: ESC and AT", "recovery 2/3: re-opening",
                                 "recovery 3/3: AT+CFUN=1,1", "recovery 3/3: the modem answers"})
            if (line.find(rung) != std::string::npos) rungs.push_back(rung);
    CHECK(rungs == std::vector<std::string>{"recovery 1/3: ESC and AT", "recovery 2/3: re-opening",
                                            "recovery 3/3: AT+CFUN=1,1",
                                            "recovery 3/3: the modem answers"});
    // The state line format of DESIGN.md: one info line per change.
    bool formatted = false;
    for (const auto& line : ring->last_formatted())
        formatted |= line.find("modem[office-1] configuring → ready (home") != std::string::npos;
    CHECK(formatted);
    const auto r = rig.send(encode("+4917012345678", "after the reset").parts[0]);
    CHECK(r.status == SendResult::Status::sent);
}

namespace {

// A modem on the far end of a pty that answers each command line `delay` after
// it has answered the one before (a busy modem works through its input in
// order), and that, when the port is opened, still owes the answer `owed` to
// a command of a process killed since: that answer comes first.
class BusyModemPty {
  public:
    BusyModemPty(std::chrono::milliseconds delay, std::map<std::string, std::string> answers,
                 std::string owed)
        : delay_(delay), answers_(std::move(answers)), owed_(std::move(owed)) {
        master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        REQUIRE(master_ >= 0);
        REQUIRE(::grantpt(master_) == 0);
        REQUIRE(::unlockpt(master_) == 0);
        path_ = ::ptsname(master_);
        termios tio{};
        REQUIRE(::tcgetattr(master_, &tio) == 0);
        ::cfmakeraw(&tio);  // or \r turns into \n
        REQUIRE(::tcsetattr(master_, TCSANOW, &tio) == 0);
        thread_ = std::thread([this] { serve(); });
    }
    ~BusyModemPty() {
        stop_ = true;
        thread_.join();
        ::close(master_);
    }
    const std::string& path() const { return path_; }

  private:
    void answer(const std::string& bytes) {
        std::this_thread::sleep_for(delay_);  // the modem at work, not the test waiting
        if (::write(master_, bytes.data(), bytes.size()) < 0) return;
    }
    void serve() {
        std::string buf;
        bool opened = false;
        while (!stop_) {
            pollfd pfd{master_, POLLIN, 0};
            // POLLHUP while no one holds the slave: look again a little later.
            if (::poll(&pfd, 1, 20) <= 0 || !(pfd.revents & POLLIN)) {
                if (pfd.revents & POLLHUP) std::this_thread::sleep_for(5ms);
                continue;
            }
            char chunk[256];
            const auto n = ::read(master_, chunk, sizeof chunk);
            if (n <= 0) continue;
            if (!std::exchange(opened, true)) answer(owed_);
            for (ssize_t i = 0; i < n; ++i)
                if (chunk[i] != '\x1B') buf += chunk[i];  // ESC: no PDU entry to leave
            for (auto cr = buf.find('\r'); cr != std::string::npos; cr = buf.find('\r')) {
                const std::string line = buf.substr(0, cr);
                buf.erase(0, cr + 1);
                const auto it = answers_.find(line);
                answer(it != answers_.end() ? it->second : "\r\nERROR\r\n");
            }
        }
    }

    std::chrono::milliseconds delay_;
    std::map<std::string, std::string> answers_;
    std::string owed_;
    int master_ = -1;
    std::string path_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace

TEST_CASE("Modem: a killed process's late answer after the open does not put answers one behind") {
    // smsgwd was SIGKILLed while its AT+CMGR was unanswered and restarted at
    // once; the modem takes 150 ms per answer (more than T-quiet here), so the
    // +CMGR answer arrives after the open, before the answer to the first AT.
    // Taken for that AT's, every later answer was one behind: the IMEI for
    // AT+CGMI, and AT+CPIN? not understood, the modem failed for a minute.
    const std::string ok = "\r\nOK\r\n";
    BusyModemPty modem(std::chrono::milliseconds(150),
                       {{"AT", ok},
                        {"ATE0", ok},
                        {"AT+CMEE=1", ok},
                        {"AT+CGSN", "\r\n356938035643809\r\n" + ok},
                        {"AT+CGMI", "\r\nSIMTEST\r\n" + ok},
                        {"AT+CGMM", "\r\nBUSY-1\r\n" + ok},
                        {"AT+CGMR", "\r\nREV-7\r\n" + ok},
                        {"AT+CPIN?", "\r\n+CPIN: READY\r\n" + ok},
                        {"AT+CIMI", "\r\n262011234567890\r\n" + ok}},
                       "\r\n+CMGR: 0,,24\r\n"
                       "0791947122723033040D91947126000000F10000622140326262400453EA130A\r\n" +
                           ok);
    Rig rig(test_settings("office-1", modem.path()));
    const auto past_unlock = [&] {
        return rig.observer.saw(ModemState::registering) || rig.observer.saw(ModemState::failed);
    };
    REQUIRE(run_until(rig.io, past_unlock, 10s));
    const auto& st = rig.modem->status();
    CHECK(st.imei == "356938035643809");
    CHECK(st.manufacturer == "SIMTEST");
    CHECK(st.model == "BUSY-1");
    CHECK(st.firmware == "REV-7");
    CHECK(st.imsi == "262011234567890");
    CHECK_FALSE(rig.observer.saw(ModemState::failed));
    CHECK(rig.observer.saw(ModemState::registering));
}

TEST_CASE("Modem: a modem that loses an answer now and then gets ready and sends, without a recovery") {
    // Every 6th command line is carried out but its answer lost: each is asked
    // once more after the resync, instead of starting the whole set-up again
    // (which, with a loss every few commands, would never end).
    SimProcess sim({"--lose-answer-every", "6"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready(20s));
    CHECK(rig.observer.count(ModemState::recovering) == 0);
    CHECK(rig.observer.count(ModemState::identifying) == 1);
    for (int i = 0; i < 3; ++i) {
        const auto r = rig.send(encode("+4917012345678", "lossy line " + std::to_string(i)).parts[0]);
        CHECK(r.status == SendResult::Status::sent);
    }
    CHECK(sim.control({{"op", "stats"}}).at("stats").at("answers_lost").get<int>() >= 3);
}

TEST_CASE("Modem: a modem that restarts by itself is set up again and announces messages again") {
    // After a restart the modem is at its power-up defaults: no +CNMI, so a
    // message would sit on the SIM unannounced; its RDY tells the driver.
    // A quick reboot: no command of the driver's times out meanwhile, so only
    // the start-up lines tell.
    SimProcess sim({"--flavour", "quectel", "--reset-ms", "20"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    sim.control({{"op", "restart"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::ready) == 2; }, 10s));
    CHECK(rig.observer.count(ModemState::recovering) == 0);
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "Stop"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 1; }, 5s));
    CHECK(reassemble(rig.observer.inbound) == "Stop");
    const auto r = rig.send(encode("+4917012345678", "after the restart").parts[0]);
    CHECK(r.status == SendResult::Status::sent);
}

// A health check every 300 ms and no periodic drain: what is read, the
// health check found.
drivers::ModemSettings frequent_health_checks(SimProcess& sim) {
    auto settings = test_settings("office-1", sim.link());
    settings.health_interval = 300ms;
    settings.drain_interval = 1h;
    return settings;
}

int sim_stat(const SimProcess& sim, const char* name) {
    return sim.control({{"op", "stats"}}).at("stats").at(name).get<int>();
}

// A "Stop" the rig's modem read and reported, which the observer has not
// confirmed (nor will by itself).
void receive_unconfirmed_stop(Rig& rig, SimProcess& sim) {
    rig.observer.auto_confirm = false;
    REQUIRE(rig.ready());
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "Stop"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 1; }));
}

// Set up anew once, without a recovery, after a restart: a message injected
// then is announced and read.
void require_set_up_anew_and_reading(Rig& rig, SimProcess& sim) {
    REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::ready) == 2; }, 10s));
    CHECK(rig.observer.count(ModemState::recovering) == 0);
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "Stop"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 1; }, 5s));
    CHECK(reassemble(rig.observer.inbound) == "Stop");
}

TEST_CASE("Modem: a modem that lost its settings without a word is set up again") {
    // A restart whose start-up lines the driver never sees, with the echo
    // left off (saved in the profile), so nothing is echoed either: the health
    // check finds +CNMI back at its power-up value and sets the modem up anew,
    // so new messages are announced again. The periodic drain is off and the
    // message is injected only once the modem is ready again, so nothing else
    // would find it.
    SimProcess sim({"--reset-ms", "20"});
    Rig rig(frequent_health_checks(sim));
    REQUIRE(rig.ready());
    sim.control({{"op", "restart"}, {"quiet", true}, {"keep_echo", true}});
    require_set_up_anew_and_reading(rig, sim);
}

TEST_CASE("Modem: a quiet restart is noticed by its echo at the next command") {
    // No health check and no drain for an hour: only the echo of the next
    // command (a send) can tell the modem is back at its power-up defaults,
    // perhaps in text mode (a profile saved with AT&W), where the PDU would go
    // as text to the number "<length>": ESC at the prompt instead of the PDU,
    // the part back to its sender. Once set up again, a new message is
    // announced and read, and a part goes out.
    SimProcess sim({"--reset-ms", "20"});
    auto settings = test_settings("office-1", sim.link());
    settings.health_interval = 1h;
    settings.drain_interval = 1h;
    Rig rig(std::move(settings));
    REQUIRE(rig.ready());
    const auto before = rig.send(encode("+4917012345678", "before the restart").parts[0]);
    REQUIRE(before.status == SendResult::Status::sent);
    sim.control({{"op", "restart"}, {"quiet", true}});
    std::this_thread::sleep_for(100ms);  // deaf for 20 ms after the restart
    const auto after = rig.send(encode("+4917012345678", "after the restart").parts[0]);
    INFO(after.reason);
    CHECK(after.status == SendResult::Status::not_ready);
    CHECK_THAT(after.reason, Catch::Contains("echoed \"AT+CMGS=") &&
                                 Catch::Contains("though its echo was off: it restarted"));
    CHECK(sent_log(sim).size() == 1);
    require_set_up_anew_and_reading(rig, sim);
    const auto again = rig.send(encode("+4917012345678", "set up again").parts[0]);
    CHECK(again.status == SendResult::Status::sent);
    CHECK(sent_log(sim).size() == 2);
}

TEST_CASE("Modem: a modem whose echo will not turn off is not taken for one that restarted") {
    // ATE0 answers OK and changes nothing: every command comes back echoed,
    // from the first one on, and the modem stays ready through sends and
    // health checks.
    SimProcess sim({"--echo-stuck"});
    Rig rig(frequent_health_checks(sim));
    REQUIRE(rig.ready());
    for (int i = 0; i < 3; ++i) {
        const auto r = rig.send(encode("+4917012345678", "echoed " + std::to_string(i)).parts[0]);
        CHECK(r.status == SendResult::Status::sent);
    }
    run_until(rig.io, [] { return false; }, 1s);  // three health checks
    CHECK(rig.observer.count(ModemState::ready) == 1);
    CHECK(rig.observer.count(ModemState::identifying) == 1);
}

TEST_CASE("Modem: a quiet restart that locks the SIM again is unlocked and set up again") {
    // The SIM asks for its PIN after the restart. With the echo left off,
    // the health check's AT+CNMI? tells: "SIM PIN required" instead of a
    // +CNMI line. With the echo back on, the health check's first command
    // tells, while its AT+CREG? finds the modem unregistered: the set-up
    // after a restart (PIN first) goes before a re-registration, which would
    // wait for a network that a locked SIM never joins.
    const bool keep_echo = GENERATE(true, false);
    INFO("echo kept off: " << keep_echo);
    SimProcess sim({"--reset-ms", "20", "--pin", "4321"});
    auto settings = frequent_health_checks(sim);
    settings.pin = "4321";
    Rig rig(std::move(settings));
    REQUIRE(rig.ready());
    sim.control({{"op", "restart"}, {"quiet", true}, {"keep_echo", keep_echo}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::ready) == 2; }, 10s));
    CHECK(rig.observer.count(ModemState::failed) == 0);
    const auto r = rig.send(encode("+4917012345678", "after the restart").parts[0]);
    CHECK(r.status == SendResult::Status::sent);
}

TEST_CASE("Modem: a SIM that asks for its PIN again while ready is unlocked again, one pulled is missing") {
    // A SIM re-seated in a hot-swap tray, or reset by the network, asks for
    // its PIN again without the modem restarting; the next AT+CMGS says so
    // (+CMS ERROR 311), and the modem leaves ready to unlock it with the
    // configured PIN rather than wait for a network it cannot join.
    SimProcess sim({"--pin", "4321"});
    auto settings = test_settings("office-1", sim.link());
    settings.pin = "4321";
    settings.health_interval = 1h;  // only the sends tell
    settings.drain_interval = 1h;
    Rig rig(std::move(settings));
    REQUIRE(rig.ready());
    sim.control({{"op", "sim"}, {"event", "reset"}});
    const auto refused = rig.send(encode("+4917012345678", "while the SIM is locked").parts[0]);
    REQUIRE(refused.status == SendResult::Status::failed);
    CHECK(refused.error_class() == at::ErrorClass::modem);
    REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::ready) == 2; }, 8s));
    CHECK(rig.observer.count(ModemState::unlocking) == 2);
    CHECK(rig.observer.count(ModemState::failed) == 0);
    CHECK(rig.modem->status().last_error.empty());
    CHECK(rig.send(encode("+4917012345678", "unlocked again").parts[0]).status ==
          SendResult::Status::sent);

    // Pulled: the modem says what is missing, and comes back when it is there.
    sim.control({{"op", "sim"}, {"event", "removed"}});
    const auto no_sim = rig.send(encode("+4917012345678", "no SIM").parts[0]);
    REQUIRE(no_sim.status == SendResult::Status::failed);
    REQUIRE(run_until(rig.io, [&] { return rig.observer.saw(ModemState::failed); }, 8s));
    CHECK(rig.modem->status().last_error == "sim_missing");
    CHECK_THAT(rig.modem->status().last_error_text, Catch::Contains("SIM"));
    sim.control({{"op", "sim"}, {"event", "inserted"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::ready) == 3; }, 8s));
    CHECK(rig.send(encode("+4917012345678", "back").parts[0]).status ==
          SendResult::Status::sent);
}

TEST_CASE("Modem: a SIM pulled from a ready modem is found missing, not waited for as a network") {
    // No send tells this time: the health check finds the modem unregistered,
    // and while it waits for the network it asks the SIM too.
    SimProcess sim;
    Rig rig(frequent_health_checks(sim));
    REQUIRE(rig.ready());
    sim.control({{"op", "sim"}, {"event", "removed"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.saw(ModemState::failed); }, 8s));
    CHECK(rig.modem->status().last_error == "sim_missing");
    CHECK(rig.observer.saw(ModemState::registering));
}

TEST_CASE("Modem: a message stored without an announcement is found at the next health check") {
    // Lost +CMTI: the health check's AT+CPMS? shows more on the SIM than the
    // driver knows of, and it reads them then, not at the next periodic drain.
    SimProcess sim;
    Rig rig(frequent_health_checks(sim));
    REQUIRE(rig.ready());
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "Stop"}, {"announce", false}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 1; }, 5s));
    CHECK(reassemble(rig.observer.inbound) == "Stop");
}

namespace {

// A message arrives, is read, and its AT+CMGD is carried out with the answer
// lost: returns while that AT+CMGD waits for its answer.
void receive_with_delete_answer_lost(Rig& rig, const SimProcess& sim) {
    REQUIRE(rig.ready());
    sim.control({{"op", "set"}, {"lose_answer_to", "AT+CMGD"}});
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "See you at ten"}});
    REQUIRE(run_until(rig.io, [&] { return sim_stat(sim, "answers_lost") == 1; }));
}

}  // namespace

TEST_CASE("Modem: a delete whose answer was lost spares the next message stored in its slot") {
    // AT+CMGD is carried out but its answer lost; a new message takes the
    // freed slot meanwhile, and its +CMTI names a slot the driver still
    // counts as holding the message it is deleting.
    SimProcess sim;
    Rig rig(test_settings("office-1", sim.link()));
    receive_with_delete_answer_lost(rig, sim);
    REQUIRE(stored_count(sim) == 0);
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "Stop"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 2; }, 20s));
    REQUIRE(rig.observer.inbound[1].index == rig.observer.inbound[0].index);
    CHECK(reassemble({rig.observer.inbound[1]}) == "Stop");
    // Read, confirmed and only then deleted.
    CHECK(run_until(rig.io, [&] { return stored_count(sim) == 0; }));
    CHECK(sim_stat(sim, "deleted") == 2);
}

TEST_CASE("Modem: a send queued behind a command that got no answer waits for the recovery") {
    // AT+CMGD's answer is lost while a part waits behind it. A modem that
    // stops answering may have restarted, back at its defaults (in text mode,
    // from a saved profile, AT+CMGS=<length> takes the length for a number):
    // the part is not written until the modem is known set up, and goes out
    // once it is ready again.
    SimProcess sim;
    Rig rig(test_settings("office-1", sim.link()));
    receive_with_delete_answer_lost(rig, sim);
    const auto part = encode("+4917012345678", "Your table is ready").parts[0];
    const auto r = rig.send(part);
    CHECK(r.status == SendResult::Status::not_ready);
    CHECK_THAT(r.reason, Catch::Contains("not written: modem recovering"));
    CHECK(sent_log(sim).empty());
    REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::ready) == 2; }, 20s));
    CHECK(rig.send(part).status == SendResult::Status::sent);
    CHECK(sent_log(sim).size() == 1);
}

TEST_CASE("Modem: a message read on this line is deleted without reading it again") {
    // No resync between its read and its AT+CMGD: the modem frees a slot only
    // for an AT+CMGD, and each had its answer, so the slot still holds it.
    SimProcess sim;
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    const std::size_t from = sim.stderr_text().size();
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "Stop"}});
    REQUIRE(run_until(rig.io, [&] { return sim_stat(sim, "deleted") == 1; }));
    int reads = 0, deletes = 0;
    for (const auto& line : transcript_lines(sim, from)) {
        reads += sent_command(line, "AT+CMGR") || sent_command(line, "AT+CMGL");
        deletes += sent_command(line, "AT+CMGD");
    }
    CHECK(reads == 1);
    CHECK(deletes == 1);
    CHECK(reassemble(rig.observer.inbound) == "Stop");
}

TEST_CASE("Modem: a slot the modem will not show is deleted only after three health checks") {
    // After a resync (here after a health check's lost answer) the slot is
    // read before AT+CMGD, so that a new message in it is never deleted
    // unread. A modem that refuses the read (SIM busy) gets it asked again
    // after each health check; one that never shows it has the slot deleted
    // blind after three, rather than kept full for ever.
    SimProcess sim;
    Rig rig(frequent_health_checks(sim));
    receive_unconfirmed_stop(rig, sim);
    sim.control({{"op", "set"}, {"lose_answer_to", "AT+CSQ"}});
    REQUIRE(run_until(rig.io, [&] { return sim_stat(sim, "answers_lost") == 1; }));
    run_until(rig.io, [] { return false; }, 1s);  // the timeout, the resync, AT+CSQ again
    const auto errors = [&] { return sim_stat(sim, "errors"); };
    const int errors_before = errors();
    sim.control({{"op", "set"}, {"refuse_reads", true}});
    rig.modem->confirm_committed(rig.observer.inbound[0]);
    REQUIRE(run_until(rig.io, [&] { return errors() == errors_before + 1; }));
    CHECK(stored_count(sim) == 1);  // not deleted blind at the first refusal
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }, 10s));
    CHECK(errors() == errors_before + 4);  // the first read and one after each of three checks
    CHECK(sim_stat(sim, "deleted") == 1);
    CHECK(rig.observer.inbound.size() == 1);
}

TEST_CASE("Modem: a message the owner could not store is read again after the next health check") {
    SimProcess sim;
    Rig rig(frequent_health_checks(sim));
    receive_unconfirmed_stop(rig, sim);
    // Kept on the modem and not offered again while outstanding.
    REQUIRE_FALSE(run_until(rig.io, [&] { return rig.observer.inbound.size() > 1; }, 1s));
    rig.modem->release(rig.observer.inbound[0]);
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 2; }, 5s));
    CHECK(rig.observer.inbound[1].index == rig.observer.inbound[0].index);
    CHECK(reassemble({rig.observer.inbound[1]}) == "Stop");
    CHECK(stored_count(sim) == 1);
    // Once, not at every later health check.
    REQUIRE_FALSE(run_until(rig.io, [&] { return rig.observer.inbound.size() > 2; }, 1s));
    rig.modem->confirm_committed(rig.observer.inbound[1]);
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }));
}

TEST_CASE("Modem: a modem that announces no new message is polled, and its reports still come") {
    // <mt>=1 refused (only 0, 2, 3 listed) and no stored status reports: the
    // driver keeps messages stored unannounced and reads the storage every
    // poll_interval, rather than have them routed (+CMT), and takes reports
    // routed (+CDS).
    SimProcess sim({"--cnmi-test", "(1,2),(0,2,3),(0),(0,1),(0,1)"});
    auto settings = test_settings("office-1", sim.link());
    settings.drain_interval = std::chrono::minutes(5);
    settings.poll_interval = 500ms;
    Rig rig(settings);
    REQUIRE(rig.ready());
    CHECK(rig.modem->status().cnmi == "AT+CNMI=2,0,0,1,0");
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "found by polling"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 1; }, 3s));
    CHECK(reassemble(rig.observer.inbound) == "found by polling");
    CHECK(rig.observer.inbound[0].index.has_value());  // read from the storage, not routed
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }));
    const auto sent = rig.send(encode("+4917099887766", "with a report", true).parts[0]);
    REQUIRE(sent.status == SendResult::Status::sent);
    sim.control({{"op", "status_report"}, {"mr", sent.mr}, {"status", 0}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.reports.size() == 1; }, 3s));
    CHECK(rig.observer.reports[0].status_report->delivered);
}

TEST_CASE("Modem: a modem that starts with message service 1 still routes direct status reports") {
    // Service 1 kept in NV memory and no stored status reports on offer (<ds>
    // 0 or 1 only): reports come as +CDS, and an unacknowledged +CDS switches
    // routing off. The driver asks for service 0, which needs no AT+CNMA.
    SimProcess sim({"--csms-power-on", "1", "--cnmi-test", "(2),(0-1,3),(0,2),(0-1),(0)",
                    "--cnma-timeout-ms", "300"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    for (int i = 0; i < 2; ++i) {
        const auto sent = rig.send(encode("+4917099887766", "report " + std::to_string(i), true).parts[0]);
        REQUIRE(sent.status == SendResult::Status::sent);
        sim.control({{"op", "status_report"}, {"mr", sent.mr}, {"status", 0}});
        REQUIRE(run_until(rig.io, [&] { return rig.observer.reports.size() == static_cast<std::size_t>(i + 1); }, 3s));
        run_until(rig.io, [] { return false; }, 500ms);  // past the acknowledgement timeout
    }
    // Routing was never switched off: a message still comes.
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "Stop"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 1; }, 3s));
}

TEST_CASE("Modem: unplug and re-plug, re-identified by IMEI on a new path") {
    TempDir dir;
    SimProcess other({"--imei", "490154203237518"});  // a second modem the scan must skip
    SimProcess sim({"--imei", "356938035643809"});
    namespace fs = std::filesystem;
    // Our own /dev/ttyUSB*: symlinks to the simulators' ptys, renumbered on re-plug.
    fs::create_symlink(other.link(), dir.path() + "/ttyUSB0");
    fs::create_symlink(sim.link(), dir.path() + "/ttyUSB1");

    auto settings = test_settings("office-1", "");
    settings.imei = "356938035643809";
    settings.candidates = {dir.path() + "/ttyUSB*"};
    Rig rig(settings);
    REQUIRE(rig.ready());
    CHECK(rig.modem->status().port == dir.path() + "/ttyUSB1");

    sim.control({{"op", "unplug"}, {"seconds", 0.5}});
    const auto t0 = std::chrono::steady_clock::now();
    fs::remove(dir.path() + "/ttyUSB1");
    REQUIRE(run_until(rig.io, [&] { return rig.observer.saw(ModemState::down); }, 3s));
    // The stick comes back under another number.
    REQUIRE(wait_for([&] { return fs::exists(sim.link()); }, 3s));
    fs::create_symlink(sim.link(), dir.path() + "/ttyUSB2");
    REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::ready) == 2; }, 8s));
    const auto took = std::chrono::steady_clock::now() - t0;
    WARN("unplug for 0.5 s: ready again after "
         << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
    CHECK(rig.modem->status().port == dir.path() + "/ttyUSB2");
    CHECK(rig.modem->status().imei == "356938035643809");
    const auto r = rig.send(encode("+4917012345678", "after the re-plug").parts[0]);
    CHECK(r.status == SendResult::Status::sent);
    CHECK(sent_log(other).empty());
}

TEST_CASE("Modem: a port that is not there stays down while it is looked for, then comes up") {
    // Looked for every few seconds for as long as it takes: down, said once,
    // not "opening → down" twice a retry for ever.
    SimProcess sim;
    TempDir dir;
    const std::string port = dir.path() + "/ttyUSB-later";
    Rig rig(test_settings("office-1", port));
    REQUIRE(run_until(rig.io, [&] { return rig.observer.saw(ModemState::down); }));
    run_until(rig.io, [] { return false; }, 1500ms);  // several retries (100 ms, doubling to 400)
    CHECK(rig.observer.count(ModemState::opening) == 1);
    CHECK(rig.observer.count(ModemState::down) == 1);
    CHECK(rig.modem->status().last_error == "port_not_found");
    std::filesystem::create_symlink(sim.link(), port);
    REQUIRE(rig.ready());
}

TEST_CASE("Modem: a full storage is drained and held-back messages arrive") {
    SimProcess sim({"--storage-size", "3"});
    // Five messages before the driver starts: three fill the SIM, two wait in the network.
    for (int i = 0; i < 5; ++i)
        sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "msg " + std::to_string(i)}});
    REQUIRE(stored_count(sim) == 3);
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 5; }, 8s));
    std::set<std::string> texts;
    for (const auto& p : rig.observer.inbound) texts.insert(reassemble({p}));
    CHECK(texts == std::set<std::string>{"msg 0", "msg 1", "msg 2", "msg 3", "msg 4"});
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }));
}

TEST_CASE("Modem: a SIM that holds no messages: the modem's own storage is drained") {
    // AT+CPMS refuses "SM"; the modem keeps what it receives in "ME". Five
    // messages came while no driver ran, with nobody to hear their +CMTI:
    // three fill ME, two wait in the network. All five are read and deleted.
    SimProcess sim({"--no-sim-storage", "--storage-size", "3"});
    for (int i = 0; i < 5; ++i)
        sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "msg " + std::to_string(i)}});
    REQUIRE(sim.control({{"op", "storage"}})["storage"]["ME"].size() == 3);
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    CHECK(rig.modem->status().storage == "ME");
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 5; }, 8s));
    std::set<std::string> texts;
    for (const auto& p : rig.observer.inbound) {
        CHECK(p.storage == "ME");
        texts.insert(reassemble({p}));
    }
    CHECK(texts == std::set<std::string>{"msg 0", "msg 1", "msg 2", "msg 3", "msg 4"});
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }));
}

TEST_CASE("Modem: a SIM with no message slots: received messages are kept in the modem's own") {
    // AT+CPMS="SM",… is taken but shows 0 slots: with nowhere to store them,
    // the network would hold every message back. The modem's ME takes them.
    SimProcess sim({"--sim-slots", "0", "--storage-size", "5"});
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "while away"}});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    CHECK(rig.modem->status().storage == "ME");
    CHECK(rig.modem->status().storage_total == 5);
    sim.control({{"op", "inject_sms"}, {"from", "+4915112345678"}, {"text", "announced"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.inbound.size() == 2; }, 8s));
    std::set<std::string> texts;
    for (const auto& p : rig.observer.inbound) {
        CHECK(p.storage == "ME");
        texts.insert(reassemble({p}));
    }
    CHECK(texts == std::set<std::string>{"while away", "announced"});
    REQUIRE(run_until(rig.io, [&] { return stored_count(sim) == 0; }));
}

TEST_CASE("Modem: with no room on the SIM nor in the modem, it warns and keeps SM") {
    // The network holds every message back until a slot is free; smsgwd can
    // only say so. It waits sms_service_wait for the storage to appear (an SMS
    // service still starting shows 0 slots too), then goes on with SM. (This
    // branch once freed its reason twice: see choose_storage.)
    SimProcess sim({"--sim-slots", "0", "--me-slots", "0"});
    Rig rig(test_settings("office-1", sim.link()));
    const bool ready = rig.ready(std::chrono::seconds(10));
    INFO(to_string(rig.modem->status().state) << ": " << rig.modem->status().last_error_text);
    REQUIRE(ready);
    CHECK(rig.modem->status().storage == "SM");
    CHECK(rig.modem->status().storage_total == 0);
    // Still sends.
    const auto r = rig.send(encode("+4917012345678", "no storage needed to send").parts[0]);
    CHECK(r.status == SendResult::Status::sent);
}

TEST_CASE("Modem: the right PIN unlocks the SIM") {
    SimProcess sim({"--pin", "4321"});
    auto settings = test_settings("office-1", sim.link());
    settings.pin = "4321";
    Rig rig(settings);
    REQUIRE(rig.ready());
    CHECK(rig.modem->status().imsi == "262019876543210");
}

TEST_CASE("Modem: a wrong PIN is tried once and never again") {
    SimProcess sim({"--pin", "4321"});
    auto settings = test_settings("office-1", sim.link());
    settings.pin = "1111";
    Rig rig(settings);
    REQUIRE(run_until(rig.io, [&] { return rig.observer.saw(ModemState::failed); }));
    CHECK(rig.modem->status().last_error == "pin_rejected");
    REQUIRE(rig.modem->status().pin_retries.has_value());
    CHECK(*rig.modem->status().pin_retries == 2);
    // Several more rounds of the lifecycle (backoff_max is 400 ms): no second attempt.
    REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::failed) >= 3; }, 5s));
    CHECK(*rig.modem->status().pin_retries == 2);
    CHECK(rig.modem->status().last_error == "pin_rejected");
}

TEST_CASE("Modem: a caller hanging up while a part is sent does not fail the part") {
    // SIMCom and Quectel modems say NO CARRIER when a caller they rang for
    // hangs up, whatever command is running; here it lands inside the
    // AT+CMGS's answer. The part is sent, with its TP-MR, and goes out once.
    SimProcess sim({"--first-mr", "40"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    sim.control({{"op", "noise"}, {"line", "RING"}});
    sim.control({{"op", "noise"}, {"line", "NO CARRIER"}, {"during_response_to", "AT+CMGS"}});
    check_sent_once(rig, sim, 40);
}

TEST_CASE("Modem: a modem whose saved profile answers in digits or not at all is set up and sends") {
    // A program that once used the port saved ATV0 (result codes as digits)
    // or ATQ1 (none) with AT&W: the modem powers on with it, and again after
    // each restart. A plain AT gets "0" or nothing; the probe's ATQ0V1 turns
    // words back on, and the modem sends, before and after a restart.
    for (const char* profile : {"--numeric-results", "--quiet-results"}) {
        DYNAMIC_SECTION(profile) {
            SimProcess sim({profile, "--first-mr", "12", "--reset-ms", "20"});
            Rig rig(test_settings("office-1", sim.link()));
            REQUIRE(rig.ready());
            check_sent_once(rig, sim, 12);
            sim.control({{"op", "restart"}, {"quiet", true}});
            std::this_thread::sleep_for(100ms);  // deaf for 20 ms after the restart
            // The next command's echo tells of the restart; the part is not
            // sent then, and goes once the modem is set up again.
            const auto after = rig.send(encode("+4917012345678", "after the restart").parts[0]);
            CHECK(after.status != SendResult::Status::failed);
            REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::ready) == 2; }, 10s));
            const auto again = rig.send(encode("+4917012345678", "set up again").parts[0]);
            CHECK(again.status == SendResult::Status::sent);
        }
    }
}

TEST_CASE("Modem: SMS commands refused until the modem's SMS service starts: set up once it has") {
    // SIM800 and Quectel modems refuse SMS commands for some seconds after the
    // SIM is ready, until "SMS Ready" / "+QIND: SMS DONE". Set-up waits for
    // the service rather than failing the modem for want of PDU mode, at the
    // start and after a restart; a message then goes out and one comes in.
    for (const char* flavour : {"simcom", "quectel"}) {
        DYNAMIC_SECTION(flavour) {
            SimProcess sim({"--flavour", flavour, "--sms-init-ms", "1500", "--reset-ms", "20"});
            Rig rig(test_settings("office-1", sim.link()));
            REQUIRE(rig.ready(10s));
            CHECK(rig.observer.count(ModemState::failed) == 0);
            CHECK(rig.observer.count(ModemState::ready) == 1);
            CHECK_THAT(sim.stderr_text(), Catch::Contains("SMS service not started yet"));
            // Quectel takes AT+CMGF and refuses AT+CPMS: the SIM's storage all the
            // same, not taken for a SIM that holds no messages.
            CHECK(rig.modem->status().storage == "SM");
            check_sent_once(rig, sim, 0);
            sim.control({{"op", "restart"}});
            require_set_up_anew_and_reading(rig, sim);
            CHECK(rig.observer.count(ModemState::failed) == 0);
        }
    }
}

TEST_CASE("Modem: a modem that never takes PDU mode fails with the reason once the wait is over") {
    SimProcess sim({"--sms-init-ms", "600000"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::failed) == 1; }, 10s));
    CHECK(rig.observer.count(ModemState::ready) == 0);
    CHECK(rig.modem->status().last_error == "no_pdu_mode");
    CHECK_THAT(rig.modem->status().last_error_text, Catch::Contains("still after 3 s"));
}

TEST_CASE("Modem: set-up turns automatic answering off") {
    // A saved profile with S0=2 would pick up a call after two rings.
    SimProcess sim({"--verbose"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    CHECK_THAT(sim.stderr_text(), Catch::Contains("ATS0=0"));
}

TEST_CASE("Modem: an error after +CMGS: <mr> does not unsend the part") {
    // TS 27.005 has no error after "+CMGS: <mr>", which comes only from the
    // network's acknowledgement; a modem that says one anyway (here a stray
    // ERROR inside the answer) has still sent the message: sent, not retried.
    SimProcess sim({"--first-mr", "41"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    sim.control({{"op", "noise"}, {"line", "ERROR"}, {"during_response_to", "AT+CMGS"}});
    check_sent_once(rig, sim, 41);
}

TEST_CASE("Modem: a +CMGS: <mr> whose OK was lost is sent, not uncertain") {
    // The modem answers "+CMGS: <mr>" only once the network took the message;
    // the OK after it is lost on the line. The part is sent, with its TP-MR
    // for the status report, and the modem recovers from the missing answer.
    SimProcess sim({"--cmgs-final-lost", "--first-mr", "9"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    check_sent_once(rig, sim, 9);
    CHECK(rig.ready(10s));
}

TEST_CASE("Modem: +CMS ERROR classes — congestion is temporary, a rejected transfer permanent") {
    {
        SimProcess sim({"--error-rate", "1", "--error-codes", "42"});
        Rig rig(test_settings("office-1", sim.link()));
        REQUIRE(rig.ready());
        const auto r = rig.send(encode("+4917012345678", "busy network").parts[0]);
        REQUIRE(r.status == SendResult::Status::failed);
        REQUIRE(r.error.has_value());
        CHECK(r.error->code == 42);
        CHECK(r.error_class() == at::ErrorClass::temporary);
        CHECK(rig.modem->status().state == ModemState::ready);
    }
    {
        SimProcess sim({"--error-rate", "1", "--error-codes", "21"});
        Rig rig(test_settings("office-1", sim.link()));
        REQUIRE(rig.ready());
        const auto r = rig.send(encode("+4917012345678", "rejected").parts[0]);
        REQUIRE(r.status == SendResult::Status::failed);
        CHECK(r.error->code == 21);
        CHECK(r.error_class() == at::ErrorClass::permanent);
    }
}

TEST_CASE("Modem: a barred SIM's refusal is the modem's last error until a part goes out again") {
    // +CMS ERROR 8 (operator determined barring) refuses every part from this
    // SIM, not one message: the technician sees it in the modem's status.
    SimProcess sim({"--error-rate", "1", "--error-codes", "8", "--first-mr", "5"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    const auto r = rig.send(encode("+4917012345678", "barred").parts[0]);
    REQUIRE(r.status == SendResult::Status::failed);
    CHECK(r.error_class() == at::ErrorClass::modem);
    CHECK(rig.modem->status().state == ModemState::ready);
    CHECK(rig.modem->status().last_error == "operator_determined_barring");
    CHECK_THAT(rig.modem->status().last_error_text,
               Catch::StartsWith("AT+CMGS refused: +CMS ERROR 8") &&
                   Catch::Contains("call the operator"));
    sim.control({{"op", "set"}, {"error_rate", 0}});
    const auto again = rig.send(encode("+4917012345678", "unbarred").parts[0]);
    CHECK(again.status == SendResult::Status::sent);
    CHECK(rig.modem->status().last_error.empty());
    CHECK(rig.modem->status().last_error_text.empty());
}

TEST_CASE("Modem: a bare ERROR to the PDU says what it may mean, not \"final error: ERROR\"") {
    SimProcess sim({"--error-rate", "1", "--error-codes", "38", "--bare-submit-errors"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready());
    const auto r = rig.send(encode("+4917012345678", "refused").parts[0]);
    REQUIRE(r.status == SendResult::Status::failed);
    CHECK(r.error_class() == at::ErrorClass::temporary);
    CHECK_THAT(r.reason, Catch::StartsWith("the modem answered a bare ERROR to the PDU, with no "
                                           "+CMS ERROR code") &&
                             Catch::Contains("smsgw-diag send"));
}

TEST_CASE("Modem: not ready before the lifecycle reaches ready") {
    SimProcess sim;
    Rig rig(test_settings("office-1", sim.link()));
    const auto r = rig.send(encode("+4917012345678", "too early").parts[0]);
    CHECK(r.status == SendResult::Status::not_ready);
    REQUIRE(rig.ready());
}

TEST_CASE("Modem: a port held by another program is reported busy, with its name") {
    SimProcess sim;
    // flock(1) holds the lock on the pty like another serial program would.
    const pid_t holder = ::fork();
    REQUIRE(holder >= 0);
    if (holder == 0) {
        ::setpgid(0, 0);  // flock and its sleep in one group, ended together
        ::execlp("flock", "flock", sim.link().c_str(), "sleep", "20", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    REQUIRE(wait_for([&] { return drivers::port_holder(sim.link()).has_value(); }));
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(run_until(rig.io, [&] { return rig.observer.saw(ModemState::down); }));
    CHECK(rig.modem->status().last_error == "port_busy");
    CHECK(rig.modem->status().last_error_text.find("(pid ") != std::string::npos);
    ::kill(-holder, SIGTERM);
    ::waitpid(holder, nullptr, 0);
    REQUIRE(rig.ready());
}

TEST_CASE("Modem: an LTE-only modem, searching on +CREG and registered on +CEREG, is ready and stays so") {
    SimProcess sim({"--lte-only"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(rig.ready(8s));
    CHECK(rig.modem->status().registration == "home");
    // Several health checks (every 300 ms here), each asking AT+CREG? and,
    // as that says searching, AT+CEREG?: the modem stays ready, and is not
    // set up again and again.
    const auto commands = [&] { return sim.control({{"op", "stats"}})["stats"]["commands"].get<int>(); };
    const int before = commands();
    rig.io.run_for(1500ms);
    CHECK(rig.modem->status().state == ModemState::ready);
    CHECK(rig.observer.count(ModemState::registering) == 1);
    CHECK(rig.observer.count(ModemState::configuring) == 1);
    CHECK(commands() - before < 100);
    // 2G/3G comes and goes (a +CREG URC each time) while LTE holds: still ready.
    sim.control({{"op", "set"}, {"lte_only", false}});
    rig.io.run_for(200ms);
    sim.control({{"op", "set"}, {"lte_only", true}});
    rig.io.run_for(700ms);
    CHECK(rig.modem->status().state == ModemState::ready);
    CHECK(rig.observer.count(ModemState::registering) == 1);
    check_sent_once(rig, sim, 0);
    // Lost on LTE as well: the modem leaves ready, and comes back with the network.
    sim.control({{"op", "set"}, {"registration", "searching"}});
    REQUIRE(run_until(rig.io, [&] { return rig.observer.count(ModemState::registering) == 2; }, 5s));
    CHECK(rig.modem->status().last_error == "registration_lost");
    sim.control({{"op", "set"}, {"registration", "home"}});
    REQUIRE(rig.ready(8s));
    CHECK(rig.modem->status().registration == "home");
}

TEST_CASE("Modem: registration denied is reported, and the modem comes up once the network accepts it") {
    SimProcess sim({"--registration", "denied"});
    Rig rig(test_settings("office-1", sim.link()));
    REQUIRE(run_until(rig.io, [&] { return rig.observer.saw(ModemState::failed); }, 8s));
    CHECK(rig.modem->status().last_error == "registration_denied");
    CHECK(rig.modem->status().registration == "denied");
    CHECK(rig.modem->status().last_error_text.find("denied") != std::string::npos);
    // The operator unbars the SIM: the next round of the lifecycle registers.
    sim.control({{"op", "set"}, {"registration", "home"}});
    REQUIRE(rig.ready(8s));
    CHECK(rig.modem->status().registration == "home");
}
