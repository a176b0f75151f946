// Refusing bad configs: each case is one mistake an operator makes, and checks
// that the diagnostic names the key path, its line and column, and what was
// expected. Several mistakes in one file are all reported.
#include "config_test_util.hpp"

using namespace smsgw::config;
using smsgw::config::test::contains;
using smsgw::config::test::error_at;
using smsgw::config::test::load;

TEST_CASE("unknown keys are refused with a suggestion") {
    const LoadResult r = load(R"(
modems:
  - name: a
    port: /dev/ttyUSB0
    send_rate_per_min: 5
logg: { level: info }
)");
    const Diagnostic d = error_at(r, "modems[0].send_rate_per_min");
    CHECK(d.line == 5);
    CHECK(d.column == 5);
    CHECK(contains(d.message, "unknown key"));
    CHECK(contains(d.message, "did you mean `send_rate_per_minute`?"));
    CHECK(contains(error_at(r, "logg").message, "did you mean `log`?"));
}

TEST_CASE("a second YAML document is refused, not ignored, a leading or stray `---` is fine") {
    const LoadResult r = load("socket: { path: /run/smsgw/smsgw.sock }\n---\ndatabse: /tmp/x.db\n");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line == 3);
    CHECK(r.errors[0].path.empty());
    CHECK(contains(r.errors[0].message, "expected one YAML document, found a second one after `---`"));
    CHECK(load("---\nsocket: { path: /run/smsgw/smsgw.sock }\n").ok());
    CHECK(load("socket: { path: /run/smsgw/smsgw.sock }\n---\n").ok());
}

TEST_CASE("unknown key far from any known key gets no suggestion") {
    const LoadResult r = load("colour_scheme: dark\n");
    const Diagnostic d = error_at(r, "colour_scheme");
    CHECK(d.message == "unknown key");
}

TEST_CASE("every problem is reported, sorted by position, with file:line:column") {
    const LoadResult r = load(R"(log: { level: loud }
socket: { mode: "0777x" }
retry: { attempts: 0 }
)");
    REQUIRE(r.errors.size() == 3);
    CHECK(r.errors[0].to_string() ==
          "test.yaml:1:15: log.level: expected one of trace, debug, info, warn, error, found "
          "\"loud\"");
    CHECK(r.errors[1].to_string() ==
          "test.yaml:2:17: socket.mode: expected permission bits in octal such as \"0660\", found "
          "\"0777x\"");
    CHECK(r.errors[2].to_string() ==
          "test.yaml:3:20: retry.attempts: expected a whole number in 1..100, found 0");
}

TEST_CASE("wrong types name what was expected and what was found") {
    const LoadResult r = load(R"(
socket: [a, b]
database: { x: 1 }
modems: { name: a }
limits: { max_queue: lots }
retry: { backoff_seconds: 10 }
roles: { admin: { users: root } }
)");
    CHECK(error_at(r, "socket").message == "expected a mapping of keys, found a list of 2 items");
    CHECK(error_at(r, "database").message == "expected a text value, found a mapping");
    CHECK(error_at(r, "modems").message == "expected a list, found a mapping");
    CHECK(error_at(r, "limits.max_queue").message ==
          "expected a whole number in 1..10000000, found \"lots\"");
    CHECK(error_at(r, "retry.backoff_seconds").message == "expected a list, found \"10\"");
    CHECK(error_at(r, "roles.admin.users").message == "expected a list, found \"root\"");
}

TEST_CASE("empty values and booleans outside YAML 1.2 are refused") {
    const LoadResult r = load(R"(
database:
modems:
  - name: a
    port: /dev/ttyUSB0
    enabled: yes
)");
    CHECK(error_at(r, "database").message == "expected a text value, found nothing");
    CHECK(error_at(r, "modems[0].enabled").message == "expected true or false, found \"yes\"");
}

TEST_CASE("modem values are checked one by one") {
    const LoadResult r = load(R"(
modems:
  - name: "bad name!"
    port: ttyUSB0
    baud: 115201
    pin: "12a4"
    smsc: "0172 2270333"
    send_rate_per_minute: 0
    route_prefixes: ["49", "+4x"]
)");
    CHECK(contains(error_at(r, "modems[0].name").message, "expected a name of at most 32"));
    CHECK(error_at(r, "modems[0].port").message == "expected an absolute path, found \"ttyUSB0\"");
    CHECK(contains(error_at(r, "modems[0].baud").message, "expected a standard baud rate"));
    CHECK(contains(error_at(r, "modems[0].baud").message, "found 115201"));
    const Diagnostic pin = error_at(r, "modems[0].pin");
    CHECK(contains(pin.message, "expected a PIN of 4 to 8 digits"));
    CHECK_FALSE(contains(pin.message, "12a4"));  // a PIN is never echoed
    CHECK(contains(error_at(r, "modems[0].smsc").message, "international number"));
    CHECK(error_at(r, "modems[0].send_rate_per_minute").message ==
          "expected a whole number in 1..600000, found 0");
    const Diagnostic prefix = error_at(r, "modems[0].route_prefixes[0]");
    CHECK(contains(prefix.message, "found \"49\""));
    CHECK(prefix.line == 9);
    CHECK(contains(error_at(r, "modems[0].route_prefixes[1]").message, "found \"+4x\""));
}

TEST_CASE("PIN length bounds") {
    auto pin = [](const std::string& p) {
        return load("modems:\n  - { name: a, port: /dev/ttyS0, pin: \"" + p + "\" }\n");
    };
    CHECK_FALSE(pin("123").ok());
    CHECK(pin("1234").ok());
    CHECK(pin("12345678").ok());
    CHECK_FALSE(pin("123456789").ok());
}

TEST_CASE("modem needs exactly one way to find it and one PIN source") {
    const LoadResult r = load(R"(
modems:
  - name: neither
  - name: both
    port: /dev/ttyUSB1
    match: { imei: "356938035643809" }
    pin: "1234"
    pin_file: /etc/smsgw/both.pin
  - name: two-matches
    match: { imei: "490154203237518", usb_serial: "X1" }
)");
    const Diagnostic neither = error_at(r, "modems[0].port");
    CHECK(contains(neither.message, "found neither"));
    CHECK(neither.line == 3);
    CHECK(contains(error_at(r, "modems[1].match").message, "either `port` or `match`, found both"));
    CHECK(contains(error_at(r, "modems[1].pin_file").message,
                   "either `pin` or `pin_file`, found both"));
    CHECK(contains(error_at(r, "modems[2].match").message, "one of `imei` or `usb_serial`"));
}

TEST_CASE("name is required") {
    const LoadResult r = load("modems:\n  - port: /dev/ttyUSB0\n");
    const Diagnostic d = error_at(r, "modems[0].name");
    CHECK(d.message == "required key is missing");
    CHECK(d.line == 2);
}

TEST_CASE("duplicate modem names, ports and IMEIs") {
    const LoadResult r = load(R"(
modems:
  - { name: a, port: /dev/ttyUSB0 }
  - { name: a, port: /dev/ttyUSB0 }
  - { name: c, match: { imei: "356938035643809" } }
  - { name: d, match: { imei: "356938035643809" } }
)");
    const Diagnostic name = error_at(r, "modems[1].name");
    CHECK(contains(name.message, "unique modem name, found \"a\" again (first at modems[0].name)"));
    CHECK(name.line == 4);
    CHECK(contains(error_at(r, "modems[1].port").message, "first at modems[0].port"));
    CHECK(contains(error_at(r, "modems[3].match.imei").message, "unique IMEI"));
}

TEST_CASE("IMEI check digit is verified") {
    CHECK(load("modems: [{ name: a, match: { imei: \"490154203237518\" } }]").ok());
    const LoadResult r = load("modems: [{ name: a, match: { imei: \"490154203237519\" } }]");
    CHECK(contains(error_at(r, "modems[0].match.imei").message, "check digit"));
    const LoadResult short_imei = load("modems: [{ name: a, match: { imei: \"12345\" } }]");
    CHECK(contains(error_at(short_imei, "modems[0].match.imei").message, "15 digits"));
}

TEST_CASE("keys given twice are refused") {
    const LoadResult r = load("database: /a.db\ndatabase: /b.db\n");
    const Diagnostic d = error_at(r, "database");
    CHECK(d.message == "key given twice in this mapping");
    CHECK(d.line == 2);
}

TEST_CASE("the wait for a bound modem is 0 to 30 days in minutes") {
    CHECK(error_at(load("retry: { bound_modem_wait_minutes: 50000 }\n"),
                   "retry.bound_modem_wait_minutes")
              .message == "expected a whole number in 0..43200, found 50000");
}

TEST_CASE("backoff must not shrink, no delays only without retries") {
    const LoadResult r = load("retry: { backoff_seconds: [10, 60, 30, 30] }\n");
    CHECK(error_at(r, "retry.backoff_seconds[2]").message ==
          "expected a delay no shorter than the one before (60), found 30");
    CHECK(error_at(load("retry: { attempts: 3, backoff_seconds: [] }"), "retry.backoff_seconds")
              .message == "expected a delay before each retry (retry.attempts is 3), found an "
                          "empty list; [] fits only attempts: 1 (no retries)");
    // A constant backoff, and no retries at all, are sensible.
    const LoadResult constant = load("retry: { attempts: 4, backoff_seconds: [60, 60, 60] }\n");
    REQUIRE(constant.ok());
    CHECK(constant.config.retry.backoff_seconds == std::vector<int>{60, 60, 60});
    const LoadResult none = load("retry: { attempts: 1, backoff_seconds: [] }\n");
    REQUIRE(none.ok());
    CHECK(none.config.retry.backoff_seconds.empty());
}

TEST_CASE("socket path and mode") {
    const std::string long_path = "/" + std::string(120, 'x');
    CHECK(contains(error_at(load("socket: { path: " + long_path + " }"), "socket.path").message,
                   "at most 107 bytes"));
    CHECK(contains(error_at(load("socket: { mode: \"0060\" }"), "socket.mode").message,
                   "owner read and write"));
    CHECK(contains(error_at(load("socket: { mode: 0880 }"), "socket.mode").message, "octal"));
    CHECK(contains(error_at(load("socket: { group: \"a b\" }"), "socket.group").message,
                   "group name"));
}

TEST_CASE("default_country must be an assigned ISO code") {
    CHECK(load("default_country: GB").ok());
    CHECK(error_at(load("default_country: de"), "default_country").message ==
          "expected an ISO 3166 alpha-2 country code such as DE, found \"de\"; did you mean `DE`?");
    CHECK(
        contains(error_at(load("default_country: UK"), "default_country").message, "found \"UK\""));
    CHECK(contains(error_at(load("default_country: DEU"), "default_country").message, "alpha-2"));
}

TEST_CASE("keywords: no duplicates, no overlap between the lists") {
    const LoadResult r =
        load("optout: { keywords: [STOP, stop], resubscribe_keywords: [START, Stop] }");
    CHECK(contains(error_at(r, "optout.keywords[1]").message,
                   "found \"stop\" again (as optout.keywords[0])"));
    CHECK(error_at(r, "optout.resubscribe_keywords[1]").message ==
          "expected a re-subscription keyword that is not an opt-out keyword, found \"Stop\": "
          "it is optout.keywords[0]; a reply \"Stop\" cannot both opt out and subscribe again");
    CHECK(contains(error_at(load("optout: { keywords: [] }"), "optout.keywords").message,
                   "at least one keyword"));
    CHECK(
        contains(error_at(load("optout: { keywords: [\" STOP\"] }"), "optout.keywords[0]").message,
                 "without leading or trailing spaces"));
}

namespace {

// A snippet's one problem, which must be about `path`: its message.
std::string only_error(const std::string& yaml, const std::string& path) {
    const LoadResult r = load(yaml);
    INFO(to_string(r.errors));
    REQUIRE(r.errors.size() == 1);
    return error_at(r, path).message;
}

}  // namespace

TEST_CASE("config: an empty optout.keywords is refused alone, saying what to write instead") {
    // Opt-out keywords cannot be switched off; the empty list is the one
    // mistake, not a clash with the built-in list it did not replace.
    const std::string yaml = "optout: { keywords: [], resubscribe_keywords: [STOP] }";
    CHECK(only_error(yaml, "optout.keywords") ==
          "expected at least one keyword, found an empty list; opt-out keywords cannot be "
          "switched off (a reply STOP must be honoured): leave optout.keywords out for the "
          "built-in list (STOP, STOPP, ENDE, ARRET, …) or list your customers' words");
    CHECK(error_at(load(yaml), "optout.keywords").line == 1);
    CHECK(
        contains(only_error("optout: { resubscribe_keywords: [] }", "optout.resubscribe_keywords"),
                 "leave optout.resubscribe_keywords out for the built-in list (START, UNSTOP"));
}

TEST_CASE("config: a keyword in one list that the other's built-in list has says which list") {
    // Only resubscribe_keywords written: STOP is in the built-in opt-out list.
    CHECK(only_error("optout: { resubscribe_keywords: [START, Stop] }",
                     "optout.resubscribe_keywords[1]") ==
          "expected a re-subscription keyword that is not an opt-out keyword, found \"Stop\": "
          "it is a built-in opt-out keyword (optout.keywords is not set): leave it out here, or "
          "set optout.keywords to the words you want; a reply \"Stop\" cannot both opt out and "
          "subscribe again");
    // Only keywords written: START is in the built-in re-subscription list.
    CHECK(only_error("optout: { keywords: [STOP, start] }", "optout.keywords[1]") ==
          "expected an opt-out keyword that is not a re-subscription keyword, found \"start\": "
          "it is a built-in re-subscription keyword (optout.resubscribe_keywords is not set): "
          "leave it out here, or set optout.resubscribe_keywords to the words you want; a reply "
          "\"start\" cannot both opt out and subscribe again");
}

TEST_CASE("a user or group may hold one role only") {
    const LoadResult r =
        load("roles: { admin: { users: [alice] }, member: { users: [alice], groups: [g, g] } }");
    CHECK(contains(error_at(r, "roles.member.users[0]").message, "first at roles.admin.users[0]"));
    CHECK(contains(error_at(r, "roles.member.groups[1]").message, "listed twice"));
}

TEST_CASE("limits are bounded by the protocol and each other") {
    CHECK(contains(
        error_at(load("limits: { max_line_bytes: 300000 }"), "limits.max_line_bytes").message,
        "1024..262144"));
    CHECK(contains(
        error_at(load("limits: { max_parts_per_message: 256 }"), "limits.max_parts_per_message")
            .message,
        "1..255"));
    CHECK(contains(error_at(load("limits: { max_queue: 10, max_batch_messages: 20 }"),
                            "limits.max_batch_messages")
                       .message,
                   "at most limits.max_queue (10)"));
}

TEST_CASE("YAML syntax errors are one located diagnostic") {
    const LoadResult r = load("socket: { path: /a\nmodems: [\n");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].path.empty());
    CHECK(r.errors[0].line > 0);
    CHECK(contains(r.errors[0].message, "YAML syntax error"));
}

TEST_CASE("top level must be a mapping") {
    const LoadResult r = load("- a\n- b\n");
    CHECK(error_at(r, "(top level)").message == "expected a mapping of keys, found a list of 2 items");
    // Quoted, a number or a truth value is text (YAML 1.2).
    CHECK(error_at(load("retry: { attempts: \"5\" }\n"), "retry.attempts").message ==
          "expected a whole number in 1..100, found the text \"5\" (a number is written without quotes)");
    CHECK(error_at(load("modems: [{ name: a, port: /dev/ttyUSB0, enabled: \"true\" }]\n"),
                   "modems[0].enabled")
              .message.find("found the text") != std::string::npos);
}

TEST_CASE("deep nesting is refused, not a crash") {
    const LoadResult r = load("socket: " + std::string(5000, '[') + std::string(5000, ']'));
    CHECK_FALSE(r.ok());
}
