// Reading valid configs: every key lands in the Config, and what is left out
// gets its documented default.
#include "config_test_util.hpp"

using namespace smsgw::config;
using smsgw::config::test::load;

TEST_CASE("empty document gives every default") {
    const LoadResult r = load("");
    REQUIRE(r.ok());
    const Config& c = r.config;
    CHECK(c.socket.path == "/run/smsgw/smsgw.sock");
    CHECK(c.socket.mode == 0660);
    CHECK(c.socket.group.empty());
    CHECK(c.database == "/var/lib/smsgw/smsgw.db");
    CHECK(c.default_country.empty());
    CHECK(c.log_level == LogLevel::info);
    CHECK(c.modems.empty());
    CHECK(c.retry.attempts == 5);
    CHECK(c.retry.bound_modem_wait_minutes == 1440);
    CHECK(c.retry.backoff_seconds == std::vector<int>{10, 60, 300, 900});
    CHECK(c.inbound.reassembly_timeout_minutes == 1440);
    CHECK(c.limits.max_line_bytes == 262144);
    CHECK(c.limits.max_connections == 64);
    CHECK(c.optout.keywords == default_optout_keywords());
    CHECK(c.optout.resubscribe_keywords == default_resubscribe_keywords());
}

TEST_CASE("default opt-out keywords cover the common languages") {
    const auto& words = default_optout_keywords();
    for (const char* w : {"STOP", "STOPP", "ENDE", "ABBRUCH", "BEENDEN", "UNSUBSCRIBE", "CANCEL",
                          "END", "QUIT", "STOPALL", "ARRET", "ALTO", "BASTA", "REZYGNACJA", "NIE"})
        CHECK(std::find(words.begin(), words.end(), w) != words.end());
    const auto& back = default_resubscribe_keywords();
    CHECK(std::find(back.begin(), back.end(), "START") != back.end());
    CHECK(std::find(back.begin(), back.end(), "UNSTOP") != back.end());
    // The defaults themselves must pass validation (no overlap, no duplicates).
    std::string yaml = "optout:\n  keywords: [";
    for (const auto& w : words) yaml += "\"" + w + "\",";
    yaml += "]\n  resubscribe_keywords: [";
    for (const auto& w : back) yaml += "\"" + w + "\",";
    yaml += "]\n";
    const LoadResult r = load(yaml);
    INFO(to_string(r.errors));
    CHECK(r.ok());
}

TEST_CASE("full modem entry is read into ModemConfig") {
    const LoadResult r = load(R"(
default_country: AT
log: { level: debug }
socket: { path: /tmp/s.sock, mode: "0600", group: dialout }
modems:
  - name: office-1
    port: /dev/ttyUSB2
    baud: 57600
    pin: "0042"
    smsc: "+491722270333"
    send_rate_per_minute: 20
    max_per_day: 500
    route_prefixes: ["+49", "+4915"]
    enabled: false
    status_reports: FALSE
  - name: office-2
    match: { usb_serial: "ABC123" }
    pin_file: /etc/smsgw/office-2.pin
)");
    INFO(to_string(r.errors));
    REQUIRE(r.ok());
    const Config& c = r.config;
    CHECK(c.default_country == "AT");
    CHECK(c.log_level == LogLevel::debug);
    CHECK(c.socket.mode == 0600);
    CHECK(c.socket.group == "dialout");
    REQUIRE(c.modems.size() == 2);
    const ModemConfig& m = c.modems[0];
    CHECK(m.name == "office-1");
    CHECK(m.port == "/dev/ttyUSB2");
    CHECK(m.baud == 57600);
    CHECK(m.pin == "0042");  // leading zero kept: read as text, not as a number
    CHECK(m.smsc == "+491722270333");
    CHECK(m.send_rate_per_minute == 20);
    CHECK(m.max_per_day == 500);
    CHECK(m.route_prefixes == std::vector<std::string>{"+49", "+4915"});
    CHECK_FALSE(m.enabled);
    CHECK_FALSE(m.status_reports);
    const ModemConfig& m2 = c.modems[1];
    CHECK(m2.port.empty());
    CHECK(m2.match.usb_serial == "ABC123");
    CHECK(m2.pin_file == "/etc/smsgw/office-2.pin");
    CHECK(m2.baud == 115200);
    CHECK(m2.send_rate_per_minute == 10);
    CHECK(m2.enabled);
}

TEST_CASE("socket mode is octal whether quoted or not") {
    CHECK(load("socket: { mode: 0640 }").config.socket.mode == 0640);
    CHECK(load("socket: { mode: \"770\" }").config.socket.mode == 0770);
}

TEST_CASE("roles, retry, inbound, optout and limits are read") {
    const LoadResult r = load(R"(
roles:
  admin: { users: [root, alice] }
  manager: { groups: [smsgw-manager] }
  member: { users: [bob], groups: [smsgw] }
retry: { attempts: 3, backoff_seconds: [5, 30], bound_modem_wait_minutes: 0 }
inbound: { reassembly_timeout_minutes: 60 }
optout: { keywords: [STOP, HALT], resubscribe_keywords: [GO] }
limits: { max_connections: 8, max_line_bytes: 4096, max_queue: 50, submit_rate_per_minute: 10,
          max_batch_messages: 20, max_parts_per_message: 3 }
)");
    INFO(to_string(r.errors));
    REQUIRE(r.ok());
    const Config& c = r.config;
    CHECK(c.roles.admin.users == std::vector<std::string>{"root", "alice"});
    CHECK(c.roles.manager.groups == std::vector<std::string>{"smsgw-manager"});
    CHECK(c.roles.member.users == std::vector<std::string>{"bob"});
    CHECK(c.retry.attempts == 3);
    CHECK(c.retry.backoff_seconds == std::vector<int>{5, 30});
    CHECK(c.retry.bound_modem_wait_minutes == 0);
    CHECK(c.inbound.reassembly_timeout_minutes == 60);
    CHECK(c.optout.keywords == std::vector<std::string>{"STOP", "HALT"});
    CHECK(c.optout.resubscribe_keywords == std::vector<std::string>{"GO"});
    CHECK(c.limits.max_connections == 8);
    CHECK(c.limits.max_line_bytes == 4096);
    CHECK(c.limits.max_queue == 50);
    CHECK(c.limits.submit_rate_per_minute == 10);
    CHECK(c.limits.max_batch_messages == 20);
    CHECK(c.limits.max_parts_per_message == 3);
}

TEST_CASE("log levels have one name each") {
    for (auto level :
         {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
        const LoadResult r = load("log: { level: " + std::string(to_string(level)) + " }");
        REQUIRE(r.ok());
        CHECK(r.config.log_level == level);
    }
}

TEST_CASE("diagnostic formats as file:line:column: path: message") {
    Diagnostic d{"a.yaml", 3, 7, "modems[0].baud", "expected x, found y"};
    CHECK(d.to_string() == "a.yaml:3:7: modems[0].baud: expected x, found y");
    Diagnostic whole{"a.yaml", 0, 0, "", "cannot read the file: No such file or directory"};
    CHECK(whole.to_string() == "a.yaml: cannot read the file: No such file or directory");
}

TEST_CASE("missing file is one diagnostic naming it") {
    const LoadResult r = load_file("/nonexistent/smsgw.yaml");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].file == "/nonexistent/smsgw.yaml");
    CHECK(smsgw::config::test::contains(r.errors[0].message, "cannot read"));
}
