// Debian's gammu, an independent AT/PDU client, against smsgw-modemsim: if a
// third-party tool identifies the modem, sends multi-part Unicode, lists and
// deletes messages through it, the simulator speaks the dialect real modems
// speak — not just the one our own driver expects. Skipped (with a warning)
// when gammu is not installed.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/integration/sim_harness.hpp"

using namespace smsgw::test;
using nlohmann::json;

namespace {

std::string find_gammu() {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        std::string candidate = dir + "/gammu";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

struct Gammu {
    std::string binary;
    std::string rc;     // gammurc
    std::string debug;  // -d textall log, kept for a failing test's reader

    // Runs gammu with `args`; exit status and everything it printed.
    std::pair<int, std::string> run(const std::vector<std::string>& args) const {
        // A gammu that waits forever fails the test after two minutes instead of
        // holding up the whole suite.
        std::string cmd = "timeout -k 5 120 " + shell_quote(binary) + " -c " + shell_quote(rc) + " -d textall -f " +
                          shell_quote(debug);
        for (const auto& a : args) cmd += " " + shell_quote(a);
        cmd += " 2>&1 </dev/null";
        std::string out;
        FILE* p = ::popen(cmd.c_str(), "r");
        REQUIRE(p != nullptr);
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        int status = ::pclose(p);
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        INFO("gammu " << args.at(0) << " printed:\n" << out);
        return {code, out};
    }
};

Gammu gammu_for(const SimProcess& sim, const TempDir& dir, const std::string& binary) {
    Gammu g{binary, dir.path() + "/gammurc", dir.path() + "/gammu-debug.log"};
    std::ofstream rc(g.rc);
    rc << "[gammu]\ndevice = " << sim.link() << "\nconnection = at\n";
    return g;
}

}  // namespace

TEST_CASE("gammu identifies, monitors, sends multi-part Unicode, lists and deletes") {
    std::string binary = find_gammu();
    if (binary.empty()) {
        WARN("gammu is not installed (apt-get install gammu): gammu interoperability check SKIPPED");
        return;
    }
    SimProcess sim({"--signal", "20"});
    TempDir dir;
    Gammu gammu = gammu_for(sim, dir, binary);

    auto [id_rc, id] = gammu.run({"identify"});
    INFO(id);
    REQUIRE(id_rc == 0);
    CHECK(id.find("Manufacturer         : smsgw") != std::string::npos);
    CHECK(id.find("IMEI                 : 356938035643809") != std::string::npos);
    CHECK(id.find("SIM IMSI             : 262019876543210") != std::string::npos);

    // gammu 1.42 has no getsignalquality; `monitor 1` reads AT+CSQ and AT+CPMS.
    auto [mon_rc, mon] = gammu.run({"monitor", "1"});
    INFO(mon);
    CHECK(mon_rc == 0);
    CHECK(mon.find("Signal strength      : -73 dBm") != std::string::npos);  // CSQ 20
    CHECK(mon.find("SIM SMS status       : 0 used, 0 unread, 20 locations") != std::string::npos);

    auto [net_rc, net] = gammu.run({"networkinfo"});
    INFO(net);
    CHECK(net_rc == 0);
    CHECK(net.find("Network state        : home network") != std::string::npos);
    CHECK(net.find("LAC 1A2B, CID 00C3D4E5") != std::string::npos);

    const std::string text =
        "Grüße aus Köln — привет, мир! Это длинное сообщение в юникоде, которое gammu должен "
        "разделить на несколько частей. Ещё немного текста, чтобы получилось три части. Конец ✓";
    auto [send_rc, send] = gammu.run({"sendsms", "TEXT", "+491701234567", "-unicode", "-len", "400",
                                      "-text", text});
    INFO(send);
    REQUIRE(send_rc == 0);
    json sent = sim.control({{"op", "sent"}})["sent"];
    REQUIRE(sent.size() == 3);
    std::string joined;
    for (std::size_t i = 0; i < sent.size(); ++i) {
        CHECK(sent[i]["to"] == "+491701234567");
        CHECK(sent[i]["encoding"] == "ucs2");
        CHECK(sent[i]["mr"] == static_cast<int>(i));
        REQUIRE(sent[i]["concat"].is_object());
        CHECK(sent[i]["concat"]["total"] == 3);
        CHECK(sent[i]["concat"]["seq"] == static_cast<int>(i) + 1);
        CHECK(sent[i]["concat"]["ref"] == sent[0]["concat"]["ref"]);
        joined += sent[i]["text"].get<std::string>();
    }
    CHECK(joined == text);

    json a = sim.control({{"op", "inject_sms"}, {"from", "+4917099887766"}, {"text", "Hallo vom Simulator"}});
    json b = sim.control({{"op", "inject_sms"}, {"from", "MyBank"}, {"text", "Ihr Code: 4711 — gültig 5 Min."}});
    json c = sim.control({{"op", "inject_sms"}, {"from", "+4917011122233"},
                          {"text", std::string(200, 'z')}, {"parts_order", "shuffled"}});
    REQUIRE(a["ok"] == true);
    REQUIRE(b["ok"] == true);
    REQUIRE(c["parts"] == 2);
    auto [list_rc, list] = gammu.run({"getallsms"});
    INFO(list);
    CHECK(list_rc == 0);
    CHECK(list.find("Hallo vom Simulator") != std::string::npos);
    CHECK(list.find("+4917099887766") != std::string::npos);
    CHECK(list.find("Ihr Code: 4711 — gültig 5 Min.") != std::string::npos);
    CHECK(list.find("\"MyBank\"") != std::string::npos);
    CHECK(list.find("4 SMS parts in 4 SMS sequences") != std::string::npos);
    // Listing marked them read, as TS 27.005 §3.4.2 says.
    const json storage = sim.control({{"op", "storage"}});  // the loop must not outlive it
    for (const auto& m : storage["storage"]["SM"]) CHECK(m["stat"] == "REC READ");

    auto [del_rc, del] = gammu.run({"deleteallsms", "1"});
    INFO(del);
    CHECK(del_rc == 0);
    CHECK(sim.control({{"op", "storage"}})["storage"]["SM"].empty());
    CHECK(sim.control({{"op", "stats"}})["stats"]["deleted"] == 4);
}

TEST_CASE("gammu copes with a Huawei stick's ^RSSI/^MODE noise inside responses") {
    std::string binary = find_gammu();
    if (binary.empty()) {
        WARN("gammu is not installed (apt-get install gammu): gammu interoperability check SKIPPED");
        return;
    }
    SimProcess sim({"--flavour", "huawei", "--noise-interval-ms", "150", "--noise-in-response", "0.3",
                    "--seed", "7"});
    TempDir dir;
    Gammu gammu = gammu_for(sim, dir, binary);
    auto [rc, out] = gammu.run({"identify"});
    INFO(out);
    CHECK(rc == 0);
    CHECK(out.find("Manufacturer         : Huawei") != std::string::npos);
    CHECK(out.find("IMEI                 : 356938035643809") != std::string::npos);
    sim.control({{"op", "inject_sms"}, {"from", "+4917000000"}, {"text", "noise or not"}});
    auto [lrc, list] = gammu.run({"getallsms"});
    INFO(list);
    CHECK(lrc == 0);
    CHECK(list.find("noise or not") != std::string::npos);
    CHECK(sim.control({{"op", "stats"}})["stats"]["noise_lines"] > 0);
}
