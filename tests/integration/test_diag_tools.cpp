// smsgw-diag's modem commands (probe, send, at, scan) as a technician runs
// them: the real binary against real smsgw-modemsim processes over ptys. Each
// run has a deadline; nothing sleeps blindly.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/sim_harness.hpp"

extern char** environ;

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using smsgw::test::SimProcess;

struct Run {
    int status = -1;  // exit status; -1 when killed at the deadline
    std::string out, err;
};

// smsgw-diag as a child process with its stdin, stdout and stderr on pipes.
class DiagProcess {
  public:
    explicit DiagProcess(std::vector<std::string> args) {
        args.insert(args.begin(), smsgw::test::binary_dir() + "/tools/diag/smsgw-diag");
        int in[2], out[2], err[2];
        REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in[0], 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err[1], 2);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(in[0]);
        ::close(out[1]);
        ::close(err[1]);
        REQUIRE(rc == 0);
        in_ = in[1];
        out_ = out[0];
        err_ = err[0];
    }
    ~DiagProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            finish(0ms);
        }
        for (int fd : {in_, out_, err_})
            if (fd >= 0) ::close(fd);
    }
    void write(const std::string& bytes) {
        REQUIRE(::write(in_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    }
    void close_stdin() {
        ::close(in_);
        in_ = -1;
    }
    // Reads output until `needle` is in stdout or the deadline passes.
    bool wait_output(const std::string& needle, std::chrono::milliseconds timeout = 10000ms) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (!contains(run_.out, needle)) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
            if (left <= 0ms || !pump(left)) return contains(run_.out, needle);
        }
        return true;
    }
    // Reads to the end of output (killing the process at the deadline) and reaps it.
    Run finish(std::chrono::milliseconds timeout = 30000ms) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        bool killed = false;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
            if (left <= 0ms) {
                ::kill(pid_, SIGKILL);
                killed = true;
                break;
            }
            if (!pump(left)) break;
        }
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        run_.status = !killed && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return run_;
    }

  private:
    static bool contains(const std::string& hay, const std::string& needle) {
        return hay.find(needle) != std::string::npos;
    }
    // One poll of stdout/stderr; false once both have ended.
    bool pump(std::chrono::milliseconds timeout) {
        if (out_ < 0 && err_ < 0) return false;
        pollfd p[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
        if (::poll(p, 2, static_cast<int>(timeout.count())) <= 0) return true;
        char buf[4096];
        for (int i = 0; i < 2; ++i) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP))) continue;
            const ssize_t n = ::read(p[i].fd, buf, sizeof buf);
            if (n > 0) {
                (i == 0 ? run_.out : run_.err).append(buf, static_cast<std::size_t>(n));
            } else {
                ::close(p[i].fd);
                (i == 0 ? out_ : err_) = -1;
            }
        }
        return true;
    }

    pid_t pid_ = -1;
    int in_ = -1, out_ = -1, err_ = -1;
    Run run_;
};

// Runs smsgw-diag with `args`, feeding `input` on stdin (then EOF).
Run diag(std::vector<std::string> args, const std::string& input = {}) {
    DiagProcess p(std::move(args));
    if (!input.empty()) p.write(input);
    p.close_stdin();
    auto r = p.finish();
    INFO("smsgw-diag stderr: " << r.err);
    return r;
}

json parse(const Run& r) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    json j;
    REQUIRE_NOTHROW(j = json::parse(r.out));
    return j;
}

// The probe's row for `item`.
json check(const json& probe, const std::string& item) {
    for (const auto& c : probe.at("checks"))
        if (c.at("item") == item) return c;
    FAIL("no check named " << item << " in " << probe.dump());
    return {};
}

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("probe: a healthy simulated modem passes every check", "[probe]") {
    SimProcess sim;
    const auto r = diag({"probe", sim.link(), "--json"});
    const auto j = parse(r);
    CHECK(r.status == 0);
    CHECK(j.at("ok") == true);
    CHECK(j.at("port") == sim.link());
    REQUIRE(j.at("checks").size() >= 13);
    for (const auto& c : j.at("checks")) {
        INFO(c.dump());
        CHECK(c.at("status") == "OK");
        CHECK(c.contains("value"));
        CHECK(c.contains("hint"));
    }
    CHECK(check(j, "IMEI").at("value") == "356938035643809");
    CHECK(contains(check(j, "signal").at("value"), "-73 dBm"));
    CHECK(check(j, "SMSC").at("value") == "+491722270333");
    CHECK(contains(check(j, "IMSI/ICCID").at("value"), "262019876543210"));

    // The table for people names every item with its status.
    const auto text = diag({"probe", sim.link()});
    CHECK(text.status == 0);
    CHECK(contains(text.out, "ITEM"));
    CHECK(contains(text.out, "registration"));
    CHECK(contains(text.out, "ready for SMS: 13 OK, 0 WARN, 0 FAIL, 0 SKIP"));
}

TEST_CASE("probe: a modem left in an AT+CMGS's PDU entry answers after ESC, with a WARN",
          "[probe]") {
    SimProcess sim;
    {
        smsgw::test::PtyClient left(sim.link());
        left.send("AT+CMGS=20\r");
        REQUIRE_FALSE(left.expect("> ").empty());
    }  // the program stopped halfway
    const auto r = diag({"probe", sim.link(), "--json"});
    INFO(r.out);
    const auto responds = check(parse(r), "responds to AT");
    CHECK(responds.at("status") == "WARN");
    CHECK(responds.at("value") == "OK after ESC");
    CHECK(check(parse(r), "IMEI").at("status") == "OK");
    CHECK(sim.control({{"op", "sent"}})["sent"].empty());  // ESC sent nothing
}

TEST_CASE("probe: a modem that powers up with result codes off or as digits answers after ATQ0V1",
          "[probe]") {
    for (const char* profile : {"--numeric-results", "--quiet-results"}) {
        DYNAMIC_SECTION(profile) {
            SimProcess sim({profile});
            const auto r = diag({"probe", sim.link(), "--json"});
            INFO(r.out);
            const auto responds = check(parse(r), "responds to AT");
            CHECK(responds.at("status") == "WARN");
            CHECK(responds.at("value") == "OK after ATQ0V1");
            CHECK_THAT(responds.at("hint").get<std::string>(), Catch::Contains("AT&W"));
            CHECK(check(parse(r), "IMEI").at("status") == "OK");
            CHECK(check(parse(r), "SMS storage").at("status") == "OK");
        }
    }
}

TEST_CASE("probe: a hung modem fails with the power cycle to try", "[probe]") {
    SimProcess sim;
    sim.control({{"op", "hang"}, {"seconds", 60}});
    const auto r = diag({"probe", sim.link(), "--json"});
    INFO(r.out);
    CHECK(r.status == 1);
    const auto responds = check(parse(r), "responds to AT");
    CHECK(responds.at("status") == "FAIL");
    CHECK(responds.at("hint").get<std::string>().find("power-cycle the modem") !=
          std::string::npos);
    // The reason in words, not the outcome's internal name.
    INFO(responds.dump());
    const auto value = responds.at("value").get<std::string>();
    CHECK_FALSE(value.starts_with("not_sent"));
    CHECK_FALSE(value.starts_with("timeout"));
    CHECK_FALSE(value.empty());
}

TEST_CASE("probe: a PIN-locked SIM, with and without --pin", "[probe]") {
    SimProcess sim({"--pin", "1234"});
    const auto locked = diag({"probe", sim.link(), "--json"});
    const auto j = parse(locked);
    CHECK(locked.status == 1);
    CHECK(j.at("ok") == false);
    const auto sim_row = check(j, "SIM/PIN");
    CHECK(sim_row.at("status") == "FAIL");
    CHECK(contains(sim_row.at("value"), "SIM PIN"));
    CHECK(contains(sim_row.at("value"), "PIN 3"));
    CHECK(contains(sim_row.at("hint"), "--pin"));
    CHECK(check(j, "registration").at("status") == "SKIP");

    const auto unlocked = diag({"probe", sim.link(), "--pin", "1234", "--json"});
    const auto u = parse(unlocked);
    CHECK(unlocked.status == 0);
    CHECK(check(u, "SIM/PIN").at("status") == "OK");
    CHECK(contains(check(u, "SIM/PIN").at("value"), "PIN accepted"));
    CHECK(check(u, "registration").at("status") == "OK");
}

TEST_CASE("probe: a wrong PIN shows the tries left and the last one is kept", "[probe]") {
    SimProcess sim({"--pin", "1234"});
    const auto wrong = diag({"probe", sim.link(), "--pin", "0000", "--json"});
    const auto j = parse(wrong);
    CHECK(wrong.status == 1);
    const auto row = check(j, "SIM/PIN");
    CHECK(row.at("status") == "FAIL");
    CHECK(contains(row.at("value"), "PIN rejected"));
    CHECK(contains(row.at("value"), "2 tries left"));
    // The PIN is masked in logs; never printed back.
    CHECK(!contains(wrong.out, "0000"));

    // Second wrong PIN leaves one try; with one try left nothing is sent without --force.
    parse(diag({"probe", sim.link(), "--pin", "0000", "--json"}));
    const auto last = parse(diag({"probe", sim.link(), "--pin", "0000", "--json"}));
    CHECK(contains(check(last, "SIM/PIN").at("value"), "PIN 1"));
    CHECK(contains(check(last, "SIM/PIN").at("hint"), "NOT sent"));
    const auto still = parse(diag({"probe", sim.link(), "--json"}));
    CHECK(contains(check(still, "SIM/PIN").at("value"), "PIN 1"));  // the try was not burnt
    // The right PIN with --force unlocks.
    const auto forced = diag({"probe", sim.link(), "--pin", "1234", "--force", "--json"});
    CHECK(forced.status == 0);
    CHECK(check(parse(forced), "SIM/PIN").at("status") == "OK");
}

TEST_CASE("probe: registration denied is a FAIL with what to do", "[probe]") {
    SimProcess sim({"--registration", "denied"});
    const auto r = diag({"probe", sim.link(), "--json"});
    const auto j = parse(r);
    CHECK(r.status == 1);
    const auto row = check(j, "registration");
    CHECK(row.at("status") == "FAIL");
    CHECK(row.at("value") == "denied");
    CHECK(contains(row.at("hint"), "refused"));
    CHECK(contains(row.at("hint"), "operator"));
}

TEST_CASE("probe: weak signal is a WARN in dBm, no signal a FAIL, an unreported one a WARN", "[probe]") {
    SimProcess sim({"--signal", "5"});
    auto j = parse(diag({"probe", sim.link(), "--json"}));
    auto row = check(j, "signal");
    CHECK(row.at("status") == "WARN");
    CHECK(contains(row.at("value"), "-103 dBm"));
    CHECK(contains(row.at("value"), "/5 bars"));
    CHECK(contains(row.at("hint"), "antenna"));
    CHECK(j.at("ok") == true);  // a WARN alone does not fail the probe

    // rssi 99 on a registered modem: not reported (LTE modems), not no signal.
    REQUIRE(sim.control({{"op", "set"}, {"signal", 99}}).at("ok") == true);
    const auto unreported = check(parse(diag({"probe", sim.link(), "--json"})), "signal");
    CHECK(unreported.at("status") == "WARN");
    CHECK(contains(unreported.at("value"), "not reported"));
    CHECK(contains(unreported.at("hint"), "AT+CESQ"));

    SimProcess unregistered({"--signal", "99", "--registration", "searching"});
    const auto none = diag({"probe", unregistered.link(), "--json", "--wait", "1"});
    CHECK(none.status == 1);
    CHECK(check(parse(none), "signal").at("status") == "FAIL");
}

TEST_CASE("probe: full SMS storage is a WARN", "[probe]") {
    SimProcess sim({"--storage-size", "2"});
    for (int i = 0; i < 2; ++i)
        REQUIRE(sim.control({{"op", "inject_sms"}, {"from", "+4917011111"}, {"text", "reply " + std::to_string(i)}})
                    .at("ok") == true);
    const auto r = diag({"probe", sim.link(), "--json"});
    const auto row = check(parse(r), "SMS storage");
    CHECK(row.at("status") == "WARN");
    CHECK(contains(row.at("value"), "2/2"));
    CHECK(contains(row.at("hint"), "full"));
    CHECK(r.status == 0);
}

TEST_CASE("probe: a SIM storage with no slots is a WARN", "[probe]") {
    SimProcess sim({"--sim-slots", "0"});
    const auto r = diag({"probe", sim.link(), "--json"});
    const auto row = check(parse(r), "SMS storage");
    CHECK(row.at("status") == "WARN");
    CHECK(contains(row.at("value"), "SM 0/0 (no slots)"));
    CHECK(contains(row.at("hint"), "own storage (ME)"));
    CHECK(r.status == 0);
}

TEST_CASE("probe: a modem that will not announce new messages is a WARN", "[probe]") {
    SimProcess sim({"--cnmi-test", "(1,2),(0,2,3),(0),(0,1),(0,1)"});
    const auto r = diag({"probe", sim.link(), "--json"});
    const auto row = check(parse(r), "new message indications");
    CHECK(row.at("status") == "WARN");
    CHECK(contains(row.at("value"), "AT+CNMI=2,0,0,1,0 (new messages not announced)"));
    CHECK(contains(row.at("hint"), "every 10 s"));
    CHECK(r.status == 0);
}

TEST_CASE("probe: a port held by another process names the holder", "[probe]") {
    SimProcess sim;
    const int fd = ::open(sim.link().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    const auto r = diag({"probe", sim.link(), "--json"});
    ::close(fd);
    const auto j = parse(r);
    CHECK(r.status == 1);
    const auto row = check(j, "port opens");
    CHECK(row.at("status") == "FAIL");
    const std::string pid = "(pid " + std::to_string(::getpid()) + ")";
    CHECK(contains(row.at("value"), pid));
    CHECK(contains(row.at("hint"), pid));
    CHECK(check(j, "responds to AT").at("status") == "SKIP");

    // Released: the same port probes fine.
    CHECK(diag({"probe", sim.link(), "--json"}).status == 0);
}

namespace {

// The parts the simulator logged as sent (one JSON object per line).
std::vector<json> sent_parts(const SimProcess& sim) {
    std::vector<json> parts;
    std::ifstream in(sim.sent_log());
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) parts.push_back(json::parse(line));
    return parts;
}

}  // namespace

TEST_CASE("send: a single part shows every exchange and ends with the TP-MR", "[send]") {
    SimProcess sim({"--first-mr", "12"});
    const auto r = diag({"send", sim.link(), "--to", "+4917012345678", "--text", "Test from the technician"});
    INFO(r.out << r.err);
    CHECK(r.status == 0);
    CHECK(contains(r.out, "> AT+CMGF=0\n< OK\n"));
    CHECK(contains(r.out, "> AT+CMGS="));
    CHECK(contains(r.out, "\n< > \n> 00"));
    CHECK(contains(r.out, "<Ctrl-Z>\n< +CMGS: 12\n< OK\n"));
    CHECK(contains(r.out, "part 1/1: sent, TP-MR 12"));
    REQUIRE(smsgw::test::wait_for([&] { return sent_parts(sim).size() == 1; }));
    const auto parts = sent_parts(sim);
    CHECK(parts[0].at("text") == "Test from the technician");
    CHECK(parts[0].at("to") == "+4917012345678");
}

TEST_CASE("send: a multi-part message goes part after part, --json", "[send]") {
    SimProcess sim;
    std::string text;
    for (int i = 0; i < 12; ++i) text += "Grüße aus Köln, Teil " + std::to_string(i) + ". ";
    const auto r = diag({"send", sim.link(), "--to", "+4917012345678", "--text", text, "--report", "--json"});
    const auto j = parse(r);
    CHECK(r.status == 0);
    CHECK(j.at("ok") == true);
    REQUIRE(j.at("parts").size() >= 2);
    for (const auto& p : j.at("parts")) CHECK(p.at("mr").is_number());
    int prompts = 0;
    for (const auto& l : j.at("transcript")) prompts += l == "< > ";
    CHECK(prompts == static_cast<int>(j.at("parts").size()));

    REQUIRE(smsgw::test::wait_for([&] { return sent_parts(sim).size() == j.at("parts").size(); }));
    std::string joined;
    for (const auto& p : sent_parts(sim)) {
        CHECK(p.at("srr") == true);
        CHECK(p.at("concat").at("total") == j.at("parts").size());
        joined += p.at("text").get<std::string>();
    }
    CHECK(joined == text);
}

TEST_CASE("send: a +CMS ERROR is shown with its text, class and exit 1", "[send]") {
    SimProcess sim({"--error-rate", "1", "--error-codes", "38"});
    const auto r = diag({"send", sim.link(), "--to", "+4917012345678", "--text", "Hello"});
    INFO(r.out << r.err);
    CHECK(r.status == 1);
    CHECK(contains(r.out, "< +CMS ERROR: 38"));
    CHECK(contains(r.out, "network out of order"));
    CHECK(contains(r.out, "class: temporary"));

    const auto j = parse(diag({"send", sim.link(), "--to", "+4917012345678", "--text", "Hello", "--json"}));
    CHECK(j.at("ok") == false);
    const auto& err = j.at("parts").at(0).at("error");
    CHECK(err.at("code") == 38);
    CHECK(err.at("class") == "temporary");
    CHECK(err.at("text") == "network out of order");
    CHECK(sent_parts(sim).empty());
}

TEST_CASE("send: a PIN-locked SIM is unlocked with --pin, masked in the transcript", "[send]") {
    SimProcess sim({"--pin", "4321"});
    const auto locked = diag({"send", sim.link(), "--to", "+4917012345678", "--text", "Hi"});
    CHECK(locked.status == 1);
    CHECK(contains(locked.out, "NOT SENT: SIM not ready"));
    const auto r = diag({"send", sim.link(), "--to", "+4917012345678", "--text", "Hi", "--pin", "4321"});
    INFO(r.out);
    CHECK(r.status == 0);
    CHECK(contains(r.out, "> AT+CPIN=****"));
    CHECK(!contains(r.out, "4321"));
    CHECK(contains(r.out, "part 1/1: sent"));
}

TEST_CASE("at: piped commands get their replies, then the terminal exits", "[at]") {
    SimProcess sim;
    const auto r = diag({"at", sim.link()}, "ATI\nAT+CSQ\nAT+CMEE=1\nAT+CMGR=99\n");
    INFO(r.out << r.err);
    CHECK(r.status == 0);
    CHECK(contains(r.out, "> ATI\n"));
    CHECK(contains(r.out, "< Manufacturer: smsgw"));
    CHECK(contains(r.out, "> AT+CSQ\n< +CSQ: 20,99\n< OK\n"));
    // A failure is explained from the error table.
    CHECK(contains(r.out, "< +CMS ERROR"));

    const auto j = diag({"at", sim.link(), "--json"}, "AT+CSQ\n");
    const auto line = json::parse(j.out);
    CHECK(line.at("command") == "AT+CSQ");
    CHECK(line.at("lines") == json::array({"+CSQ: 20,99"}));
    CHECK(line.at("outcome") == "ok");
}

TEST_CASE("at: a bare ERROR is an unsupported command once AT+CMEE is on, never 'temporary'",
          "[at]") {
    SimProcess sim;
    const auto r = diag({"at", sim.link()}, "AT+FOO\nAT+CMEE=1\nAT+FOO\n");
    INFO(r.out << r.err);
    CHECK(r.status == 0);
    const auto before = r.out.find("> AT+CMEE=1");
    REQUIRE(before != std::string::npos);
    // Without error codes the modem may mean anything: say how to get them.
    CHECK(contains(r.out.substr(0, before), "ERROR without a code: the modem gave no reason"));
    CHECK(contains(r.out.substr(0, before), "after AT+CMEE=1"));
    // With them on, a bare ERROR is what the modem cannot parse.
    const std::string after = r.out.substr(before);
    CHECK(contains(after,
                   "< ERROR\n  (ERROR without a code: the modem does not support this "
                   "command or its parameters)\n"));
    CHECK_FALSE(contains(after, "CMEE=1 makes"));
    CHECK_FALSE(contains(r.out, "temporary"));

    const auto j = diag({"at", sim.link(), "--json"}, "AT+CMEE=1\nAT+FOO\n");
    std::istringstream lines(j.out);
    std::string line;
    std::getline(lines, line);
    REQUIRE(std::getline(lines, line));
    const auto error = json::parse(line).at("error");
    CHECK(error.at("class").is_null());
    CHECK(contains(error.at("hint"), "does not support this command"));
}

TEST_CASE("at: AT+CMGS takes the next line as the PDU, URCs show as they come", "[at]") {
    SimProcess sim;
    DiagProcess p({"at", sim.link()});
    p.write("AT+CMGF=0\nAT+CNMI=2,1,0,2,0\n");
    REQUIRE(p.wait_output("> AT+CNMI=2,1,0,2,0\n< OK\n"));
    // Nothing typed: the modem announces an inbound message on its own.
    REQUIRE(sim.control({{"op", "inject_sms"}, {"from", "+4917099999"}, {"text", "ping"}}).at("ok") == true);
    CHECK(p.wait_output("+CMTI: \"SM\",1   (unsolicited)"));
    const auto encoded = diag({"pdu", "encode", "--to", "+4917012345678", "--text", "via the terminal", "--json"});
    const auto part = json::parse(encoded.out).at("parts").at(0);
    p.write("AT+CMGS=" + std::to_string(part.at("length").get<int>()) + "\n" + part.at("pdu").get<std::string>() +
            "\n");
    p.close_stdin();
    const auto r = p.finish();
    INFO(r.out << r.err);
    CHECK(r.status == 0);
    CHECK(contains(r.out, "< > \n> " + part.at("pdu").get<std::string>() + "<Ctrl-Z>\n< +CMGS: "));
    REQUIRE(smsgw::test::wait_for([&] { return sent_parts(sim).size() == 1; }));
    CHECK(sent_parts(sim)[0].at("text") == "via the terminal");
}

namespace {

json port_entry(const json& scan, const std::string& path) {
    for (const auto& p : scan.at("ports"))
        if (p.at("path") == path) return p;
    FAIL("no port " << path << " in " << scan.dump());
    return {};
}

}  // namespace

TEST_CASE("scan: an included pty is probed and answers AT", "[scan]") {
    SimProcess sim({"--flavour", "huawei"});
    const auto r = diag({"scan", "--include", sim.link(), "--probe", "--json"});
    CHECK(r.status == 0);
    const auto p = port_entry(parse(r), sim.link());
    CHECK(p.at("modem_candidate") == true);
    CHECK(p.at("answers_at") == true);
    CHECK(contains(p.at("model").get<std::string>(), "E1752"));
    CHECK(p.at("holder").is_null());
    CHECK(p.at("transport") == "other");

    // Without --probe nothing is sent: answers_at stays unknown.
    const auto quiet = port_entry(parse(diag({"scan", "--include", sim.link(), "--json"})), sim.link());
    CHECK(quiet.at("answers_at").is_null());

    // The table for people.
    const auto text = diag({"scan", "--include", sim.link(), "--probe"});
    CHECK(contains(text.out, "PORT"));
    CHECK(contains(text.out, sim.link()));
    CHECK(contains(text.out, "OK (huawei E1752)"));
}

TEST_CASE("scan: a held port names its holder and is not probed into", "[scan]") {
    SimProcess sim;
    const int fd = ::open(sim.link().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    const auto r = diag({"scan", "--include", sim.link(), "--probe", "--json"});
    ::close(fd);
    const auto p = port_entry(parse(r), sim.link());
    const std::string pid = "(pid " + std::to_string(::getpid()) + ")";
    REQUIRE(p.at("holder").is_string());
    CHECK(contains(p.at("holder"), pid));
    CHECK(p.at("answers_at").is_null());
    CHECK(contains(p.at("probe"), "locked"));
}

TEST_CASE("scan: the hint under the table fits each port's holder", "[scan]") {
    SimProcess sim;
    // A process named smsgwd holding the port as the gateway does (locked).
    int ready[2];
    REQUIRE(::pipe2(ready, O_CLOEXEC) == 0);
    const pid_t gateway = ::fork();
    REQUIRE(gateway >= 0);
    if (gateway == 0) {
        const int fd = ::open(sim.link().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        const bool locked = fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0;
        ::prctl(PR_SET_NAME, "smsgwd");
        const char ok = locked ? '1' : '0';
        [[maybe_unused]] const auto n = ::write(ready[1], &ok, 1);
        for (;;) ::pause();
    }
    ::close(ready[1]);
    char ok = 0;
    const bool started = ::read(ready[0], &ok, 1) == 1 && ok == '1';
    ::close(ready[0]);
    const auto text = diag({"scan", "--include", sim.link()});
    const auto probe = diag({"probe", sim.link(), "--json"});
    ::kill(gateway, SIGKILL);
    ::waitpid(gateway, nullptr, 0);
    REQUIRE(started);
    INFO(text.out);
    const std::string holder = "smsgwd (pid " + std::to_string(gateway) + ")";
    CHECK(contains(text.out, "held ports:\n  " + sim.link() + " held by " + holder +
                                 ": the gateway itself is using this modem: `smsgwctl modem "
                                 "list` shows its health"));
    CHECK_FALSE(contains(text.out, "ModemManager"));
    // probe says the same of the same holder.
    const auto from = text.out.find("held by " + holder);
    REQUIRE(from != std::string::npos);
    const std::string scan_words = text.out.substr(from, text.out.find('\n', from) - from);
    CHECK(check(parse(probe), "port opens").at("hint") == "port " + scan_words);

    // Any other program: close it.
    const int fd = ::open(sim.link().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    const auto other = diag({"scan", "--include", sim.link()});
    ::close(fd);
    CHECK(contains(other.out, "(pid " + std::to_string(::getpid()) +
                                  "): close that program (or stop its service)"));
    CHECK_FALSE(contains(other.out, "ModemManager"));
}
