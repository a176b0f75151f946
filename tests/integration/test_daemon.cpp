// smsgwd as a user meets it: started as a process on a config file, modems are
// smsgw-modemsim processes over real ptys, every request over the real Unix
// socket, every check against what the simulated network received.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <map>
#include <optional>
#include <thread>
#include <ctime>

#include "tests/integration/daemon_harness.hpp"

namespace smsgw::test {

namespace {

json send_req(const std::string& to, const std::string& text, json extra = json::object()) {
    json r = {{"id", "s"}, {"op", "send"}, {"to", to}, {"text", text}};
    r.update(extra);
    return r;
}

// "2024-06-01T14:30:00", UTC, to the second; callers add the fraction and zone.
std::string utc_text(std::chrono::system_clock::time_point t,
                     const char* format = "%Y-%m-%dT%H:%M:%S") {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    char text[32];
    std::strftime(text, sizeof text, format, &tm);
    return text;
}

void set_cost_per_segment(DaemonProcess& d, const std::string& amount) {
    d.request_ok(
        {{"id", 1}, {"op", "settings.set"}, {"key", "sms.cost_per_segment"}, {"value", amount}});
}

std::vector<json> sent_parts(const SimProcess& sim) {
    return sim.control({{"op", "sent"}})["sent"].get<std::vector<json>>();
}

// What systemd listens on for Type=notify services: a datagram socket named by
// NOTIFY_SOCKET, to which sd_notify(3) sends "KEY=value" lines.
class NotifySocket {
  public:
    explicit NotifySocket(std::string path) : path_(std::move(path)) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        REQUIRE(path_.size() < sizeof(addr.sun_path));
        std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
        REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~NotifySocket() {
        ::close(fd_);
        ::unlink(path_.c_str());
    }
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    // Messages in order until one holds `line`; that one, or nullopt after timeout.
    std::optional<std::string> until(const std::string& line, std::chrono::milliseconds timeout) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            pollfd p{fd_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
                return std::nullopt;
            char buf[4096];
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) continue;
            std::string msg(buf, static_cast<std::size_t>(n));
            seen += msg + "\n---\n";
            if (("\n" + msg + "\n").find("\n" + line + "\n") != std::string::npos) return msg;
        }
    }
    std::string seen;  // everything received, for the failure message

  private:
    std::string path_;
    int fd_ = -1;
};

// Sets environment variables for the processes started in its lifetime.
class ScopedEnv {
  public:
    ScopedEnv(std::initializer_list<std::pair<const char*, std::string>> vars) {
        for (const auto& [name, value] : vars) {
            names_.push_back(name);
            ::setenv(name, value.c_str(), 1);
        }
    }
    ~ScopedEnv() {
        for (const char* name : names_) ::unsetenv(name);
    }

  private:
    std::vector<const char*> names_;
};

}  // namespace

TEST_CASE("smsgwd --check accepts a valid config and names the key of an invalid one") {
    TempDir dir;
    const std::string good = dir.path() + "/good.yaml";
    std::ofstream(good) << daemon_config(dir.path(), {});
    auto [ok_rc, ok_out] = run_program({smsgwd_binary(), "--config", good, "--check"});
    INFO(ok_out);
    CHECK(ok_rc == 0);
    CHECK(ok_out.find(": ok") != std::string::npos);

    const std::string bad = dir.path() + "/bad.yaml";
    std::ofstream(bad) << daemon_config(dir.path(), {}) << "retry: { attempts: many }\n";
    auto [bad_rc, bad_out] = run_program({smsgwd_binary(), "--config", bad, "--check"});
    INFO(bad_out);
    CHECK(bad_rc == 2);
    CHECK(bad_out.find("retry") != std::string::npos);

    // What only this machine can say is a warning: a socket group, users or
    // groups in roles that do not exist, an unreadable pin_file.
    const std::string host = dir.path() + "/host.yaml";
    std::string host_yaml = daemon_config(dir.path(), {});
    const std::string mode = "mode: \"0600\"";
    REQUIRE(host_yaml.find(mode) != std::string::npos);
    host_yaml.replace(host_yaml.find(mode), mode.size(),
                      "mode: \"0666\", group: no-such-group-here");
    std::ofstream(host) << host_yaml;
    auto [host_rc, host_out] = run_program({smsgwd_binary(), "--config", host, "--check"});
    INFO(host_out);
    CHECK(host_rc == 0);
    CHECK(host_out.find("socket.group: warning: no group \"no-such-group-here\"") !=
          std::string::npos);
    {
        // It starts, and the socket is its owner's alone: no group or other bits.
        DaemonProcess d(dir.path(), host_yaml);
        struct stat st {};
        REQUIRE(::stat(d.socket_path().c_str(), &st) == 0);
        CHECK(st.st_uid == ::getuid());
        CHECK((st.st_mode & 0777) == 0600);
    }
    const std::string roles = dir.path() + "/roles.yaml";
    std::string roles_yaml = daemon_config(dir.path(), {});
    REQUIRE(roles_yaml.find("roles:\n") != std::string::npos);
    roles_yaml.replace(roles_yaml.find("roles:\n"), 7, "roles:\n  member: { users: [no-such-user-here] }\n");
    std::ofstream(roles) << roles_yaml;
    auto [roles_rc, roles_out] = run_program({smsgwd_binary(), "--config", roles, "--check"});
    INFO(roles_out);
    CHECK(roles_rc == 0);
    CHECK(roles_out.find("roles.member.users: warning: no user \"no-such-user-here\"") != std::string::npos);

    // A pin_file that can be read and holds no PIN is an error, as an inline
    // `pin` that is none: the modem's SIM is never tried with it, and neither
    // --check nor the start quotes it.
    const std::string pin_path = dir.path() + "/office-1.pin";
    std::ofstream(pin_path) << "12ab\n";
    const std::string pin_cfg = dir.path() + "/pin.yaml";
    std::string pin_yaml = daemon_config(dir.path(), {});
    REQUIRE(pin_yaml.find("modems: []\n") != std::string::npos);
    pin_yaml.replace(pin_yaml.find("modems: []\n"), 11,
                     "modems:\n  - { name: office-1, port: /dev/null, pin_file: " + pin_path + " }\n");
    std::ofstream(pin_cfg) << pin_yaml;
    for (const bool checking : {true, false}) {
        std::vector<std::string> args = {smsgwd_binary(), "--config", pin_cfg};
        if (checking) args.push_back("--check");
        auto [pin_rc, pin_out] = run_program(args);
        INFO(pin_out);
        CHECK(pin_rc == 2);
        CHECK(pin_out.find("modems[0].pin_file: pin_file " + pin_path +
                           ": expected a PIN of 4 to 8 digits, found 4 characters that are not "
                           "all digits") != std::string::npos);
        CHECK(pin_out.find("12ab") == std::string::npos);
        CHECK((pin_out.find("not started") != std::string::npos) == !checking);
    }

    // A port that is not there (yet) is a warning: the stick may be plugged
    // in later. One device under two modems' ports (its name and a link to
    // it, as /dev/serial/by-id/ gives) is an error: the second would find it
    // held, by smsgwd itself.
    const std::string link = dir.path() + "/usb-HUAWEI_Mobile-if00-port0";
    REQUIRE(::symlink("/dev/null", link.c_str()) == 0);
    const std::string ports_cfg = dir.path() + "/ports.yaml";
    std::string ports_yaml = daemon_config(dir.path(), {});
    ports_yaml.replace(ports_yaml.find("modems: []\n"), 11,
                       "modems:\n  - { name: office-1, port: /dev/null }\n"
                       "  - { name: office-2, port: " + link + " }\n"
                       "  - { name: office-3, port: /dev/ttyUSB-not-here }\n");
    std::ofstream(ports_cfg) << ports_yaml;
    auto [ports_rc, ports_out] = run_program({smsgwd_binary(), "--config", ports_cfg, "--check"});
    INFO(ports_out);
    CHECK(ports_rc == 2);
    CHECK(ports_out.find("modems[1].port: " + link +
                         " is the same device as modems[0].port (/dev/null): one modem per "
                         "device; remove one of them") != std::string::npos);
    CHECK(ports_out.find("modems[2].port: warning: /dev/ttyUSB-not-here does not exist (yet): "
                         "modem office-3 stays down") != std::string::npos);

    // A wrong command line is a usage error too (2), named.
    auto [usage_rc, usage_out] = run_program({smsgwd_binary(), "--bogus"});
    INFO(usage_out);
    CHECK(usage_rc == 2);
    CHECK(usage_out.find("--bogus") != std::string::npos);
}

TEST_CASE("a single and a three-part message go queued, sent, delivered through one modem") {
    SimProcess sim({"--auto-report", "--report-delay-ms", "200"});
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {{"office-1", &sim, ""}}));
    REQUIRE(d.wait_modems_ready(1));

    auto hello = d.request_ok({{"id", 1}, {"op", "hello"}});
    CHECK(hello["role"] == "admin");

    auto one = d.request_ok(send_req("0151 2345 6789", "Your table is ready."));
    CHECK(one["to"] == "+4915123456789");
    CHECK(one["segments"] == 1);
    CHECK(one["encoding"] == "gsm7");
    CHECK(one["state"] == "queued");

    const std::string long_text =
        "Grüße aus Köln! This message is long enough to need three parts when it is sent as "
        "GSM-7: it carries umlauts that the default alphabet has, and it keeps going so that "
        "the second part fills up too, and a little more goes into the third one at the end. "
        "To be sure of the third part, here is one more sentence that takes it past 306.";
    auto three = d.request_ok(send_req("+4915123456789", long_text));
    CHECK(three["segments"] == 3);

    REQUIRE(d.wait_message_state(one["message_id"], "delivered"));
    REQUIRE(d.wait_message_state(three["message_id"], "delivered"));

    auto parts = sent_parts(sim);
    REQUIRE(parts.size() == 4);
    std::map<int, std::string> by_seq;
    for (const auto& p : parts) {
        CHECK(p["to"] == "+4915123456789");
        if (!p["concat"].is_null()) by_seq[p["concat"]["seq"].get<int>()] = p["text"];
    }
    std::string joined;
    for (const auto& [seq, text] : by_seq) joined += text;
    CHECK(by_seq.size() == 3);
    CHECK(joined == long_text);

    auto detail = d.request_ok({{"id", 2}, {"op", "message.get"}, {"message_id", three["message_id"]}});
    REQUIRE(detail["parts"].size() == 3);
    for (const auto& p : detail["parts"]) {
        CHECK(p["state"] == "delivered");
        CHECK(p["modem"] == "office-1");
        CHECK(p["tp_mr"].is_number());
    }
    CHECK(!detail["history"].empty());
}

TEST_CASE("decomposed accents are sent, stored and charged composed") {
    SimProcess sim;
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {{"office-1", &sim, ""}}));
    REQUIRE(d.wait_modems_ready(1));
    const auto stored = [&](const json& reply) {
        return d.request_ok(
            {{"id", 2}, {"op", "message.get"}, {"message_id", reply["message_id"]}});
    };
    set_cost_per_segment(d, "0.09");

    // "Café" as macOS writes it: e + U+0301 COMBINING ACUTE ACCENT. Decomposed it
    // would need UCS-2; composed it is GSM-7, and to Unicode the same text.
    const auto preview =
        d.request_ok({{"id", 3}, {"op", "preview"}, {"text", "Cafe\u0301 n\u0303"}});
    INFO(preview.dump());
    CHECK(preview["encoding"] == "gsm7");
    CHECK(preview["segments"] == 1);
    CHECK(preview["units"] == 6);
    CHECK(preview["text"] == "Café ñ");
    CHECK(preview["ucs2_characters"].empty());
    CHECK(preview["transliterated"]["text"] == "Café ñ");

    const auto sent = d.request_ok(send_req("+4915123456789", "Cafe\u0301"));
    CHECK(sent["encoding"] == "gsm7");
    CHECK(sent["segments"] == 1);
    CHECK(sent["cost"] == "0.09");
    CHECK(stored(sent)["text"] == "Café");
    CHECK(stored(sent)["encoding"] == "gsm7");

    // A text that needs UCS-2 all the same goes composed too: "č" is one
    // UTF-16 unit where "c" + U+030C is two.
    const auto ucs2 = d.request_ok(send_req("+4915123456789", "c\u030Cau"));
    CHECK(ucs2["encoding"] == "ucs2");
    CHECK(stored(ucs2)["text"] == "čau");
    // Transliterated, "č" goes by its own row, not by dropping the mark.
    const auto translit =
        d.request_ok(send_req("+4915123456789", "c\u030Cau e\u0301", {{"transliterate", true}}));
    CHECK(translit["encoding"] == "gsm7");
    CHECK(stored(translit)["text"] == "cau é");

    for (const auto& m : {sent, ucs2, translit})
        REQUIRE(d.wait_message_state(m["message_id"], "sent"));
    std::map<std::string, std::string> network;  // text → encoding, as the network got them
    for (const auto& p : sent_parts(sim)) network[p["text"]] = p["encoding"];
    const std::map<std::string, std::string> expected = {
        {"Café", "gsm7"}, {"čau", "ucs2"}, {"cau é", "gsm7"}};
    CHECK(network == expected);
}

TEST_CASE("text_too_long counts a text composed, as it is stored and sent") {
    TempDir dir;
    DaemonProcess d(dir.path(),
                    daemon_config(dir.path(), {}, "limits: { max_parts_per_message: 255 }\n"));
    // "é" typed decomposed, "e" + U+0301: two code points, one GSM-7 character
    // once composed.
    const auto decomposed = [](int count) {
        std::string text;
        for (int i = 0; i < count; ++i) text += "e\u0301";
        return text;
    };
    const auto segments_of = [&](const json& reply) {
        INFO(reply.dump().substr(0, 400));
        REQUIRE(reply["ok"] == true);
        CHECK(reply["result"]["encoding"] == "gsm7");
        return reply["result"]["segments"].get<int>();
    };

    // sms.max_segments (10 by default): 10 × 153 composed characters fit.
    CHECK(segments_of(d.request(send_req("+4915123456789", decomposed(10 * 153)))) == 10);
    const auto over = d.request(send_req("+4915123456789", decomposed(10 * 153 + 1)));
    INFO(over.dump().substr(0, 400));
    CHECK(over["error"]["code"] == "text_too_long");
    CHECK(over["error"]["field"] == "text");
    CHECK_THAT(over["error"]["message"].get<std::string>(),
               Catch::EndsWith("(at most 10 segments; see sms.max_segments)"));

    // At the protocol's own bound, 255 parts: 255 × 153 characters composed,
    // twice as many code points as typed.
    d.request_ok({{"id", 1}, {"op", "settings.set"}, {"key", "sms.max_segments"}, {"value", 255}});
    const std::string longest = decomposed(255 * 153);
    CHECK(segments_of(d.request({{"id", 2}, {"op", "preview"}, {"text", longest}})) == 255);
    const auto sent = d.request(send_req("+4915123456789", longest));
    CHECK(segments_of(sent) == 255);
    const auto stored = d.request_ok(
        {{"id", 3}, {"op", "message.get"}, {"message_id", sent["result"]["message_id"]}});
    std::string composed;
    for (int i = 0; i < 255 * 153; ++i) composed += "\u00E9";
    CHECK(stored["text"] == composed);
    const auto too_long = d.request(send_req("+4915123456789", longest + "e\u0301"));
    INFO(too_long.dump().substr(0, 400));
    CHECK(too_long["error"]["code"] == "text_too_long");
    CHECK(too_long["error"]["field"] == "text");
}

TEST_CASE("an inbound STOP opts the sender out and the next send to them is refused") {
    SimProcess sim;
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {{"office-1", &sim, ""}}));
    REQUIRE(d.wait_modems_ready(1));
    sim.control({{"op", "inject_sms"}, {"from", "+4917612345678"}, {"text", " Stop! "}});
    REQUIRE(wait_for(
        [&] {
            auto r = d.request_ok({{"id", 1}, {"op", "optout.list"}});
            return !r["optouts"].empty();
        },
        20s));
    auto list = d.request_ok({{"id", 1}, {"op", "optout.list"}});
    CHECK(list["optouts"][0]["number"] == "+4917612345678");
    CHECK(list["optouts"][0]["keyword"] == "STOP");
    // A customer's keyword, not a person: no uid; its message is the source.
    CHECK(list["optouts"][0]["uid"].is_null());
    CHECK(list["optouts"][0]["source_inbound_id"].is_number());

    auto inbound = d.request_ok({{"id", 2}, {"op", "inbound.list"}});
    REQUIRE(!inbound["messages"].empty());
    CHECK(inbound["messages"][0]["text"] == " Stop! ");
    // The inbox says which message opted its sender out, as the event did.
    CHECK(inbound["messages"][0]["keyword"] == "opt_out");

    auto refused = d.request(send_req("+4917612345678", "Weekend sale!", {{"category", "marketing"}}));
    INFO(refused.dump());
    CHECK(refused["ok"] == false);
    CHECK(refused["error"]["code"] == "opted_out");
    CHECK(refused["error"]["field"] == "to");
    // In a batch the opted-out item alone is refused, named by its index.
    json items = json::array();
    items.push_back({{"to", "+4917699887766"}, {"text", "Sale"}, {"category", "marketing"}});
    items.push_back({{"to", "0176 12345678"}, {"text", "Sale"}, {"category", "marketing"}});
    // So are items that are no valid send at all.
    items.push_back({{"to", "nope"}, {"text", "Sale"}});
    items.push_back({{"to", "+4917699887766"}, {"text", ""}});
    items.push_back({{"to", "+4917699887766"}, {"txt", "Sale"}});
    auto batch = d.request_ok({{"id", 3}, {"op", "send_batch"}, {"messages", items}});
    INFO(batch.dump());
    CHECK(batch["accepted"] == 1);
    CHECK(batch["refused"] == 4);
    CHECK(batch["messages"][0]["ok"] == true);
    CHECK(batch["messages"][1]["ok"] == false);
    CHECK(batch["messages"][1]["error"]["code"] == "opted_out");
    CHECK(batch["messages"][1]["error"]["field"] == "messages[1].to");
    CHECK(batch["messages"][2]["error"]["code"] == "invalid_number");
    CHECK(batch["messages"][2]["error"]["field"] == "messages[2].to");
    CHECK(batch["messages"][3]["error"]["field"] == "messages[3].text");
    CHECK(batch["messages"][4]["error"]["field"] == "messages[4].txt");
    // Transactional messages too, until optout.allow_transactional says otherwise.
    auto otp = d.request(send_req("+4917612345678", "Your code: 4711"));
    CHECK(otp["error"]["code"] == "opted_out");
    d.request_ok({{"id", 4}, {"op", "settings.set"}, {"key", "optout.allow_transactional"},
                  {"value", true}});
    auto allowed = d.request(send_req("+4917612345678", "Your code: 4711"));
    INFO(allowed.dump());
    CHECK(allowed["ok"] == true);
    // The modem's storage was emptied once the message was committed.
    CHECK(wait_for(
        [&] {
            auto st = sim.control({{"op", "storage"}})["storage"];
            return st["SM"].empty() && st["ME"].empty();
        },
        10s));
    // Staff lift the opt-out: the event says who and when.
    Client events(d.socket_path());
    REQUIRE(events.request({{"id", 5}, {"op", "subscribe"}, {"events", {"optout.removed"}}})
                .at("ok") == true);
    d.request_ok({{"id", 6}, {"op", "optout.remove"}, {"number", "+4917612345678"}});
    const auto line = events.line();
    REQUIRE(line);
    const json removed = json::parse(*line);
    CHECK(removed["event"] == "optout.removed");
    CHECK(removed["number"] == "+4917612345678");
    CHECK(removed["source"] == "api");
    CHECK(removed["uid"] == static_cast<std::int64_t>(::getuid()));
    CHECK(removed["source_inbound_id"].is_null());
    CHECK(removed["at"].is_string());
}

TEST_CASE("a member cancels only the messages it submitted, an admin any") {
    TempDir dir;
    REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);  // nobody reaches the socket
    const passwd nb = nobody();
    std::string yaml = daemon_config(dir.path(), {});
    yaml.replace(yaml.find("mode: \"0600\""), 13, "mode: \"0666\"");
    yaml.replace(yaml.find("roles:\n"), 7, "roles:\n  member: { users: [nobody] }\n");
    DaemonProcess d(dir.path(), yaml);
    ForkedClient member(nb.pw_uid, nb.pw_gid, d.socket_path());
    const auto reply = [&](const json& request) { return json::parse(member.request(request.dump())); };

    REQUIRE(reply({{"id", 1}, {"op", "hello"}})["result"]["role"] == "member");
    const auto own = reply(send_req("+4915123456789", "mine"));
    REQUIRE(own["ok"] == true);
    const auto admins = d.request_ok(send_req("+4915123456780", "the office's"));

    // Someone else's message: forbidden, and it stays queued.
    const auto refused =
        reply({{"id", 2}, {"op", "message.cancel"}, {"message_id", admins["message_id"]}});
    REQUIRE(refused["ok"] == false);
    CHECK(refused["error"]["code"] == "forbidden");
    CHECK(refused["error"]["field"] == "message_id");
    CHECK(refused["error"]["message"] ==
          "message " + std::to_string(admins["message_id"].get<std::int64_t>()) +
              " was not submitted by uid " + std::to_string(nb.pw_uid) +
              ": a member may cancel only its own messages; a manager or admin may cancel any");
    CHECK(d.request_ok({{"id", 3}, {"op", "message.get"}, {"message_id", admins["message_id"]}})
              ["state"] == "queued");
    // No such message: not_found, as for anyone.
    const auto missing = reply({{"id", 4}, {"op", "message.cancel"}, {"message_id", 999999}});
    CHECK(missing["error"]["code"] == "not_found");

    // Its own: cancelled.
    const auto cancelled =
        reply({{"id", 5}, {"op", "message.cancel"}, {"message_id", own["result"]["message_id"]}});
    INFO(cancelled.dump());
    CHECK(cancelled["result"]["state"] == "cancelled");
    // The admin cancels a member's message.
    const auto another = reply(send_req("+4915123456781", "mine too"));
    REQUIRE(another["ok"] == true);
    CHECK(d.request_ok({{"id", 6}, {"op", "message.cancel"},
                        {"message_id", another["result"]["message_id"]}})["state"] == "cancelled");

    // An idempotency key is its submitter's: another user's send with the same
    // key is refused, and learns nothing of the first message.
    d.request_ok(send_req("+4915123456782", "the office's own", {{"idempotency_key", "inv-7"}}));
    const auto same_key = reply(send_req("+4915123456783", "mine", {{"idempotency_key", "inv-7"}}));
    INFO(same_key.dump());
    CHECK(same_key["error"]["code"] == "bad_request");
    CHECK(same_key["error"]["field"] == "idempotency_key");
    CHECK(same_key.dump().find("+4915123456782") == std::string::npos);
    json items = json::array();
    items.push_back({{"to", "+4915123456784"}, {"text", "a"}, {"idempotency_key", "inv-7"}});
    items.push_back({{"to", "+4915123456785"}, {"text", "b"}, {"idempotency_key", "inv-8"}});
    const auto batch = reply({{"id", 7}, {"op", "send_batch"}, {"messages", items}});
    INFO(batch.dump());
    CHECK(batch["result"]["accepted"] == 1);
    CHECK(batch["result"]["messages"][0]["error"]["field"] == "messages[0].idempotency_key");
    CHECK(batch.dump().find("+4915123456782") == std::string::npos);
    // The member's own repeat is still answered with its first message.
    const auto repeat = reply(send_req("+4915123456785", "b", {{"idempotency_key", "inv-8"}}));
    CHECK(repeat["result"]["duplicate"] == true);
    CHECK(repeat["result"]["message_id"] == batch["result"]["messages"][1]["message_id"]);
    CHECK(member.finish() == 0);
}

TEST_CASE("settings, cancel, idempotency, preview and bad requests over the socket") {
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {}));

    auto preview = d.request_ok({{"id", 1}, {"op", "preview"}, {"text", "Zażółć gęślą jaźń"}});
    CHECK(preview["encoding"] == "ucs2");
    CHECK(preview["segments"] == 1);
    CHECK(!preview["ucs2_characters"].empty());
    CHECK(preview["transliterated"]["encoding"] == "gsm7");
    CHECK(preview["transliterated"]["text"] == "Zazolc gesla jazn");
    // Transliterated to go as GSM-7, yet asked to go as UCS-2: the request
    // contradicts itself, in a preview, a send and a batch's item alike; sent,
    // it would lose "😀" and still cost UCS-2 segments.
    const json both = {{"transliterate", true}, {"encoding", "ucs2"}};
    json contradictory = {{"id", 5}, {"op", "preview"}, {"text", "\u201eHallo\u201c 😀"}};
    contradictory.update(both);
    for (const json& r : {d.request(contradictory), d.request(send_req("+4915123456780", "Hallo", both))}) {
        INFO(r.dump());
        CHECK(r["error"]["code"] == "bad_request");
        CHECK(r["error"]["field"] == "transliterate");
        CHECK_THAT(r["error"]["message"].get<std::string>(), Catch::Contains("\"ucs2\""));
    }
    json both_item = {{"to", "+4915123456780"}, {"text", "Hallo"}};
    both_item.update(both);
    const auto refused_item =
        d.request_ok({{"id", 6}, {"op", "send_batch"}, {"messages", json::array({both_item})}});
    CHECK(refused_item["accepted"] == 0);
    CHECK(refused_item["messages"][0]["error"]["field"] == "messages[0].transliterate");

    // No modem: messages wait in the queue and can be cancelled.
    auto first = d.request_ok(send_req("+4915123456789", "hello", {{"idempotency_key", "order-17"}}));
    auto again = d.request_ok(send_req("+4915123456789", "hello", {{"idempotency_key", "order-17"}}));
    CHECK(again["message_id"] == first["message_id"]);
    CHECK(again["duplicate"] == true);
    auto cancelled = d.request_ok({{"id", 2}, {"op", "message.cancel"}, {"message_id", first["message_id"]}});
    CHECK(cancelled["state"] == "cancelled");
    auto twice = d.request({{"id", 3}, {"op", "message.cancel"}, {"message_id", first["message_id"]}});
    CHECK(twice["ok"] == false);
    // Asked again in a batch, the number written another way: the first
    // message, as it is now.
    json repeat = json::array();
    repeat.push_back({{"to", "0151 23456789"}, {"text", "hello"}, {"idempotency_key", "order-17"}});
    const auto batch = d.request_ok({{"id", 4}, {"op", "send_batch"}, {"messages", repeat}});
    INFO(batch.dump());
    CHECK(batch["messages"][0]["duplicate"] == true);
    CHECK(batch["messages"][0]["message_id"] == first["message_id"]);
    CHECK(batch["messages"][0]["state"] == "cancelled");
    CHECK(batch["messages"][0]["to"] == "+4915123456789");
    // The same key for another number or text is no repeat: refused, never
    // answered with the first message (the second would be lost in silence).
    const std::string id17 = first["message_id"].dump();
    const auto other_text = d.request(send_req("+4915123456789", "your parcel has shipped",
                                               {{"idempotency_key", "order-17"}}));
    CHECK(other_text["error"]["code"] == "bad_request");
    CHECK(other_text["error"]["field"] == "idempotency_key");
    CHECK(other_text["error"]["message"] ==
          "idempotency_key \"order-17\" belongs to message " + id17 +
              ", which has another text; a retry repeats its request unchanged, a new message "
              "needs a new key");
    json reused = json::array();
    reused.push_back({{"to", "+4915100000001"}, {"text", "hello"}, {"idempotency_key", "order-17"}});
    // Two new messages of one batch with one key: the second is no repeat either.
    reused.push_back({{"to", "+4915100000002"}, {"text", "first"}, {"idempotency_key", "order-20"}});
    reused.push_back({{"to", "+4915100000002"}, {"text", "second"}, {"idempotency_key", "order-20"}});
    const auto reused_batch = d.request_ok({{"id", 5}, {"op", "send_batch"}, {"messages", reused}});
    INFO(reused_batch.dump());
    CHECK(reused_batch["accepted"] == 1);
    CHECK(reused_batch["messages"][0]["ok"] == false);
    CHECK(reused_batch["messages"][0]["error"]["field"] == "messages[0].idempotency_key");
    CHECK_THAT(reused_batch["messages"][0]["error"]["message"].get<std::string>(),
               Catch::Contains("which went to another number (+4915123456789)"));
    CHECK(reused_batch["messages"][1]["ok"] == true);
    CHECK(reused_batch["messages"][2]["ok"] == false);
    CHECK(reused_batch["messages"][2]["error"]["field"] == "messages[2].idempotency_key");

    // A note on an opt-out added by hand is a note, not a keyword the customer sent.
    // What was queued for the number and would now be refused is cancelled with it.
    const auto sale = d.request_ok(
        send_req("+4915199887766", "Weekend sale", {{"category", "marketing"}}));
    const auto added = d.request_ok({{"id", 2}, {"op", "optout.add"}, {"number", "+4915199887766"}, {"note", "asked by phone"}});
    CHECK(added["cancelled"] == 1);
    const auto sale_now = d.request_ok({{"id", 3}, {"op", "message.get"}, {"message_id", sale["message_id"]}});
    INFO(sale_now.dump());
    CHECK(sale_now["state"] == "cancelled");
    CHECK_THAT(sale_now.dump(), Catch::Contains("opt-out list"));
    auto optouts = d.request_ok({{"id", 2}, {"op", "optout.list"}});
    REQUIRE(optouts["optouts"].size() == 1);
    CHECK(optouts["optouts"][0]["note"] == "asked by phone");
    CHECK(optouts["optouts"][0]["keyword"].is_null());

    auto invalid = d.request(send_req("+49 123", "x"));
    CHECK(invalid["error"]["code"] == "invalid_number");
    CHECK(invalid["error"]["field"] == "to");

    auto set = d.request_ok({{"id", 4}, {"op", "settings.set"}, {"key", "sms.enabled"}, {"value", false}});
    CHECK(set["previous"] == true);
    auto disabled = d.request(send_req("+4915123456789", "x"));
    CHECK(disabled["error"]["code"] == "service_disabled");
    // A retry of a send that was stored is still answered with it: the client
    // learns that it needs no other attempt.
    auto retried = d.request(send_req("+4915123456789", "hello", {{"idempotency_key", "order-17"}}));
    INFO(retried.dump());
    CHECK(retried["result"]["duplicate"] == true);
    CHECK(retried["result"]["message_id"] == first["message_id"]);
    CHECK(d.request(send_req("+4915123456789", "x", {{"idempotency_key", "order-99"}}))["error"]["code"] ==
          "service_disabled");
    // So is a batch all of whose messages were stored; one new message in it
    // and the batch is refused as a whole.
    json retried_batch = json::array();
    retried_batch.push_back({{"to", "+4915123456789"}, {"text", "hello"}, {"idempotency_key", "order-17"}});
    retried_batch.push_back({{"to", "+4915123456789"}, {"text", "hello"}, {"idempotency_key", "order-17"}});
    const auto batch_again = d.request({{"id", 6}, {"op", "send_batch"}, {"messages", retried_batch}});
    INFO(batch_again.dump());
    REQUIRE(batch_again["ok"] == true);
    CHECK(batch_again["result"]["accepted"] == 0);
    CHECK(batch_again["result"]["refused"] == 0);
    for (const auto& item : batch_again["result"]["messages"]) {
        CHECK(item["ok"] == true);
        CHECK(item["duplicate"] == true);
        CHECK(item["message_id"] == first["message_id"]);
    }
    retried_batch.push_back({{"to", "+4915123456789"}, {"text", "x"}, {"idempotency_key", "order-99"}});
    CHECK(d.request({{"id", 7}, {"op", "send_batch"}, {"messages", retried_batch}})["error"]["code"] ==
          "service_disabled");
    // Above the setting's own 255 or only above the config's hard limit
    // (limits.max_parts_per_message, 10 here): refused alike, with the limit
    // enforced named, not capped in silence at every send.
    for (const int value : {900, 20}) {
        auto over = d.request({{"id", 5}, {"op", "settings.set"}, {"key", "sms.max_segments"}, {"value", value}});
        CHECK(over["error"]["code"] == "bad_request");
        CHECK(over["error"]["field"] == "value");
        CHECK(over["error"]["message"] ==
              "sms.max_segments: expected an integer from 1 to 10 (limits.max_parts_per_message "
              "in the daemon's config), got " + std::to_string(value));
    }
    // A bad key in settings.get names its element.
    auto unknown = d.request({{"id", 5}, {"op", "settings.get"}, {"keys", {"sms.enabled", "sms.enabeld"}}});
    CHECK(unknown["error"]["code"] == "bad_request");
    CHECK(unknown["error"]["field"] == "keys[1]");
    CHECK(unknown["error"]["message"].get<std::string>().starts_with("keys[1]: unknown setting `sms.enabeld`"));
    d.request_ok({{"id", 6}, {"op", "settings.set"}, {"key", "sms.enabled"}, {"value", true}});

    // Settings survive a restart.
    d.request_ok({{"id", 7}, {"op", "settings.set"}, {"key", "sms.company_name"}, {"value", "ACME"}});
    d.signal(SIGTERM);
    REQUIRE(d.wait_exit(20s) == 0);
    d.start();
    auto got = d.request_ok({{"id", 8}, {"op", "settings.get"}, {"keys", {"sms.company_name"}}});
    CHECK(got["settings"]["sms.company_name"] == "ACME");
    // A marketing preview counts the company prefix a marketing send carries.
    d.request_ok({{"id", 8}, {"op", "settings.set"}, {"key", "sms.prefix_company_name"}, {"value", true}});
    const std::string full(158, 'a');
    CHECK(d.request_ok({{"id", 8}, {"op", "preview"}, {"text", full}})["segments"] == 1);
    CHECK(d.request_ok({{"id", 8}, {"op", "preview"}, {"text", full}, {"category", "marketing"}})["segments"] == 2);

    auto garbage = d.request({{"id", 9}, {"op", "send"}, {"to", 5}, {"text", "x"}});
    CHECK(garbage["error"]["code"] == "bad_request");
    CHECK(garbage["error"]["field"] == "to");
}

TEST_CASE("a number pasted with no-break spaces or fullwidth digits is sent, and a refusal names its field") {
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {}));
    // As web pages and office documents write numbers: U+00A0, U+2009, U+2011.
    for (const std::string to : {"+49\u00A0151\u00A02345\u00A06789", "+49\u2009151\u20092345\u20116789",
                                 "\uFF0B\uFF14\uFF19\uFF11\uFF15\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17\uFF18\uFF19"}) {
        INFO(to);
        const json r = d.request({{"id", 1}, {"op", "send"}, {"to", to}, {"text", "Hello"}});
        INFO(r.dump());
        if (to.starts_with("\uFF0B")) {
            // A fullwidth plus is no plus: the number rules name it.
            CHECK(r["error"]["code"] == "invalid_number");
            CHECK(r["error"]["field"] == "to");
            CHECK_THAT(r["error"]["message"].get<std::string>(),
                       Catch::Contains("unexpected character '\uFF0B'"));
            continue;
        }
        CHECK(r["ok"] == true);
        CHECK(r["result"]["to"] == "+4915123456789");
    }
    const json fullwidth_digits = d.request_ok(
        {{"id", 2}, {"op", "send"}, {"to", "+49 \uFF11\uFF15\uFF11 23456789"}, {"text", "Hello"}});
    CHECK(fullwidth_digits["to"] == "+4915123456789");
    // A letter beyond ASCII is refused by the number rules, with the field.
    const json accented = d.request(
        {{"id", 3}, {"op", "send"}, {"to", "+49 151 2345678\u00E9"}, {"text", "Hello"}});
    CHECK(accented["error"]["code"] == "invalid_number");
    CHECK(accented["error"]["field"] == "to");
    CHECK_THAT(accented["error"]["message"].get<std::string>(),
               Catch::StartsWith("to: ") && Catch::Contains("letters are not allowed"));
    // The length bound holds for numbers too.
    const json padded = d.request({{"id", 4},
                                   {"op", "send"},
                                   {"to", "+49" + std::string(62, ' ') + "15123456789"},
                                   {"text", "Hello"}});
    INFO(padded.dump());
    CHECK(padded["error"]["code"] == "bad_request");
    CHECK(padded["error"]["field"] == "to");
    // Each number parameter names itself at the start of its refusal.
    const json optout = d.request({{"id", 5}, {"op", "optout.add"}, {"number", "+49 123"}});
    CHECK(optout["error"]["code"] == "invalid_number");
    CHECK_THAT(optout["error"]["message"].get<std::string>(),
               Catch::StartsWith("number: \"+49 123\" is not a phone number"));
}

TEST_CASE("message.list reads its `to` as a send does and refuses an invalid one") {
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {}));
    const auto to_us = d.request_ok(send_req("015123456789", "one"));
    d.request_ok(send_req("+4915199887766", "another number"));
    const auto again = d.request_ok(send_req("+49 151 2345 6789", "two"));
    CHECK(to_us["to"] == "+4915123456789");
    const auto ids = [&](const std::string& to) {
        const auto listed = d.request_ok({{"id", 1}, {"op", "message.list"}, {"to", to}});
        std::vector<std::int64_t> out;
        for (const auto& m : listed["messages"]) out.push_back(m["message_id"]);
        return out;
    };
    const std::vector<std::int64_t> expected = {again["message_id"], to_us["message_id"]};
    // However the number is written, as a send would take it (default_country DE).
    for (const std::string to : {"+49 151 2345 6789", "015123456789", "+4915123456789",
                                 "0049 151 23456789", " (0151) 2345-6789 "}) {
        INFO(to);
        CHECK(ids(to) == expected);
    }
    // A number no send would take is refused with the reason, not answered
    // with an empty list that reads as "nothing was sent to it".
    const auto invalid = d.request({{"id", 2}, {"op", "message.list"}, {"to", "+49 123"}});
    INFO(invalid.dump());
    CHECK(invalid["ok"] == false);
    CHECK(invalid["error"]["code"] == "invalid_number");
    CHECK(invalid["error"]["field"] == "to");
    CHECK_THAT(invalid["error"]["message"].get<std::string>(),
               Catch::StartsWith("to: \"+49 123\" is not a phone number: too short"));
    const auto letters = d.request({{"id", 3}, {"op", "message.list"}, {"to", "hello"}});
    CHECK(letters["error"]["code"] == "invalid_number");
    CHECK(letters["error"]["field"] == "to");

    // smsgwctl passes the filter as typed and exits 1 on the refusal.
    const auto ctl = binary_dir() + "/tools/smsgwctl/smsgwctl";
    auto [rc, shown] = run_program(
        {ctl, "--socket", d.socket_path(), "--json", "message", "list", "--to", "0151 2345 6789"});
    INFO(shown);
    CHECK(rc == 0);
    CHECK(json::parse(shown)["messages"].size() == 2);
    auto [bad_rc, refused] =
        run_program({ctl, "--socket", d.socket_path(), "message", "list", "--to", "+49 123"});
    INFO(refused);
    CHECK(bad_rc == 1);
    CHECK_THAT(refused, Catch::Contains("invalid_number"));
}

TEST_CASE("a not_before more than 366 days ahead is refused, a past one means now") {
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {}));
    using days = std::chrono::days;
    const auto now = std::chrono::system_clock::now();
    const auto at = [&](days ahead) { return utc_text(now + ahead) + "Z"; };
    // The latest time allowed as the refusal names it: 366 days after the
    // daemon's now, which lies between these two.
    const auto latest_date_ok = [&](const std::string& message) {
        const auto from = message.find("at the latest ");
        if (from == std::string::npos) return false;
        const std::string date = message.substr(from + 14, 10);
        return date == utc_text(now + days(366), "%Y-%m-%d") ||
               date == utc_text(std::chrono::system_clock::now() + days(366), "%Y-%m-%d");
    };

    for (const std::string& far : std::vector<std::string>{"9999-12-31T23:59:59Z", at(days(367))}) {
        const auto r = d.request(send_req("+4915123456789", "x", {{"not_before", far}}));
        INFO(r.dump());
        CHECK(r["ok"] == false);
        CHECK(r["error"]["code"] == "bad_request");
        CHECK(r["error"]["field"] == "not_before");
        const std::string message = r["error"]["message"];
        CHECK_THAT(message, Catch::StartsWith("not_before: expected a time at most 366 days "
                                              "ahead, at the latest "));
        CHECK_THAT(message, Catch::Contains("found \"" + far + "\""));
        CHECK(latest_date_ok(message));
    }
    // A year ahead is a schedule; a past time means "now".
    const auto next_year =
        d.request_ok(send_req("+4915123456789", "x", {{"not_before", at(days(365))}}));
    const auto got =
        d.request_ok({{"id", 1}, {"op", "message.get"}, {"message_id", next_year["message_id"]}});
    CHECK_THAT(got["waiting"].get<std::string>(), Catch::StartsWith("scheduled: not before "));
    d.request_ok(send_req("+4915123456789", "x", {{"not_before", "2020-01-01T00:00:00Z"}}));

    // In a batch the item alone is refused, named by its index.
    json items = json::array();
    items.push_back({{"to", "+4915123456789"}, {"text", "a"}, {"not_before", at(days(30))}});
    items.push_back(
        {{"to", "+4915123456789"}, {"text", "b"}, {"not_before", "9999-12-31T23:59:59Z"}});
    items.push_back(
        {{"to", "+4915123456789"}, {"text", "c"}, {"not_before", "2020-01-01T00:00:00+02:00"}});
    const auto batch = d.request_ok({{"id", 2}, {"op", "send_batch"}, {"messages", items}});
    INFO(batch.dump());
    CHECK(batch["accepted"] == 2);
    CHECK(batch["refused"] == 1);
    const json& refused = batch["messages"][1]["error"];
    CHECK(refused["code"] == "bad_request");
    CHECK(refused["field"] == "messages[1].not_before");
    CHECK_THAT(refused["message"].get<std::string>(),
               Catch::StartsWith("messages[1].not_before: expected a time at most 366 days ahead"));
    CHECK(latest_date_ok(refused["message"]));
    CHECK(batch["messages"][0]["ok"] == true);
    CHECK(batch["messages"][2]["ok"] == true);
}

TEST_CASE("the message.queued event says of a message what message.get says") {
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {}));
    Client events(d.socket_path());
    REQUIRE(events.request({{"id", 1}, {"op", "subscribe"}, {"events", {"message.queued"}}})
                .at("ok") == true);
    const std::string next_month =
        utc_text(std::chrono::system_clock::now() + std::chrono::days(30)) + "Z";
    for (const json& extra : {json{{"report", true},
                                   {"validity_minutes", 60},
                                   {"priority", 7},
                                   {"not_before", next_month}},
                              json{{"report", false}, {"idempotency_key", "order-18"}}}) {
        const auto sent = d.request_ok(send_req("+4915123456789", "hello", extra));
        const auto line = events.line();
        REQUIRE(line);
        const json event = json::parse(*line);
        REQUIRE(event.at("event") == "message.queued");
        const auto got = d.request_ok({{"id", 2}, {"op", "message.get"}, {"message_id", sent["message_id"]}});
        // The times too: the stored ones are the request's, not the insert's.
        for (const auto& [key, value] : event.items()) {
            if (key == "event") continue;
            INFO(key);
            CHECK(value == got.at(key));
        }
        CHECK(event.at("report") == extra.at("report"));
    }
}

TEST_CASE("message.get says what a queued message waits for") {
    SimProcess a;
    TempDir dir;
    DaemonProcess d(dir.path(),
                    daemon_config(dir.path(), {{"de", &a, "route_prefixes: [\"+49\"]"}}));
    REQUIRE(d.wait_modems_ready(1));
    const auto routed = d.request_ok(send_req("+4915123456789", "routed"));
    REQUIRE(d.wait_message_state(routed["message_id"], "sent"));
    CHECK(d.request_ok({{"id", 1}, {"op", "message.get"}, {"message_id", routed["message_id"]}})
              ["waiting"]
              .is_null());
    const auto stray = d.request_ok(send_req("+436641234567", "nobody routes me"));
    const auto got =
        d.request_ok({{"id", 2}, {"op", "message.get"}, {"message_id", stray["message_id"]}});
    CHECK(got["state"] == "queued");
    CHECK(got["waiting"] ==
          "no modem routes +436641234567: every enabled modem has route_prefixes (+49) and none "
          "matches; add its prefix to one, or a modem without route_prefixes");
    // Its time not come yet: scheduled.
    const std::string tomorrow = utc_text(std::chrono::system_clock::now() + std::chrono::days(1));
    const auto later =
        d.request_ok(send_req("+4915123456780", "tomorrow", {{"not_before", tomorrow + "+00:00"}}));
    CHECK(d.request_ok(
              {{"id", 3}, {"op", "message.get"}, {"message_id", later["message_id"]}})["waiting"] ==
          "scheduled: not before " + tomorrow + ".000Z");
    // Refused by the network: its retry, and why. The history names the part.
    a.control({{"op", "set"}, {"error_rate", 1}});  // +CMS ERROR 38 or 42: temporary
    const auto refused = d.request_ok(send_req("+4915123456781", "congested"));
    json refused_got;
    for (int i = 0; i < 100; ++i) {
        refused_got = d.request_ok(
            {{"id", 4}, {"op", "message.get"}, {"message_id", refused["message_id"]}});
        if (refused_got["waiting"].is_string()) break;
        std::this_thread::sleep_for(50ms);
    }
    INFO(refused_got.dump());
    REQUIRE(refused_got["waiting"].is_string());
    CHECK_THAT(refused_got["waiting"].get<std::string>(),
               Catch::StartsWith("part 1/1 is retried at ") && Catch::Contains("(attempt ") &&
                   Catch::Contains("it was refused: +CMS ERROR"));
    bool part_numbered = false;
    for (const auto& h : refused_got["history"])
        if (h["entity"] == "part") part_numbered = h["seq"] == 1;
    CHECK(part_numbered);
}

TEST_CASE("sms.enabled off holds the queue, across a restart, until it is on again") {
    SimProcess a;
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {{"de", &a, ""}}));
    REQUIRE(d.wait_modems_ready(1));
    d.request_ok({{"id", 1}, {"op", "settings.set"}, {"key", "optout.confirmation_enabled"},
                  {"value", true}});
    // Accepted before the switch-off, due two seconds later.
    const auto due = std::chrono::system_clock::now() + 2s;
    const std::string when = utc_text(due);
    // A fraction of a second is kept to the millisecond.
    const auto held =
        d.request_ok(send_req("+4915123456789", "held", {{"not_before", when + ".250123Z"}}));
    d.request_ok({{"id", 2}, {"op", "settings.set"}, {"key", "sms.enabled"}, {"value", false}});
    CHECK(d.request(send_req("+4915123456780", "refused"))["error"]["code"] == "service_disabled");
    std::this_thread::sleep_until(due + 1500ms);
    const std::string why = "sending is switched off (setting sms.enabled is false)";
    const auto got =
        d.request_ok({{"id", 3}, {"op", "message.get"}, {"message_id", held["message_id"]}});
    CHECK(got["state"] == "queued");
    CHECK(got["not_before"] == when + ".250Z");
    CHECK(got["waiting"] == why);
    CHECK(d.request_ok({{"id", 4}, {"op", "modem.list"}})["modems"][0]["resting"] == why);
    CHECK(sent_parts(a).empty());
    // A STOP is still honoured, with no confirmation queued.
    a.control({{"op", "inject_sms"}, {"from", "+4917612345678"}, {"text", "STOP"}});
    REQUIRE(wait_for(
        [&] { return !d.request_ok({{"id", 5}, {"op", "optout.list"}})["optouts"].empty(); }, 20s));
    CHECK(d.request_ok({{"id", 6}, {"op", "message.list"}})["messages"].size() == 1);

    // The setting is kept: a restart holds the queue from its start.
    d.signal(SIGTERM);
    REQUIRE(d.wait_exit(20s) == 0);
    d.start();
    REQUIRE(d.wait_modems_ready(1));
    std::this_thread::sleep_for(1s);
    CHECK(d.request_ok({{"id", 7}, {"op", "message.get"}, {"message_id", held["message_id"]}})
              ["state"] == "queued");
    CHECK(sent_parts(a).empty());

    d.request_ok({{"id", 8}, {"op", "settings.set"}, {"key", "sms.enabled"}, {"value", true}});
    REQUIRE(d.wait_message_state(held["message_id"], "sent"));
    CHECK(sent_parts(a).size() == 1);
    CHECK(d.request_ok({{"id", 9}, {"op", "modem.list"}})["modems"][0]["resting"].is_null());
}

TEST_CASE("limits.max_queue answers overloaded, counted again as the queue shrinks") {
    TempDir dir;
    // No modem: everything accepted stays queued.
    DaemonProcess d(dir.path(),
                    daemon_config(dir.path(), {},
                                  "limits: { max_queue: 3, max_batch_messages: 3 }\n"));
    std::vector<json> accepted;
    for (int i = 0; i < 3; ++i)
        accepted.push_back(d.request_ok(send_req("+491512345678" + std::to_string(i), "queued")));
    auto full = d.request(send_req("+4915123456789", "one too many"));
    INFO(full.dump());
    CHECK(full["error"]["code"] == "overloaded");
    CHECK_THAT(full["error"]["message"].get<std::string>(),
               Catch::Contains("limits.max_queue 3"));
    // A cancelled message makes room; the queue is counted again (at most once
    // a second), so the next send is accepted once that count has happened.
    d.request_ok({{"id", 2}, {"op", "message.cancel"}, {"message_id", accepted[0]["message_id"]}});
    CHECK(wait_for([&] { return d.request(send_req("+4915123456789", "room"))["ok"] == true; }, 10s));

    // After a restart with a full queue, the first send is already refused.
    d.signal(SIGTERM);
    REQUIRE(d.wait_exit(20s) == 0);
    d.start();
    auto after_restart = d.request(send_req("+4915123456789", "still full"));
    CHECK(after_restart["error"]["code"] == "overloaded");
}

TEST_CASE("limits.submit_rate_per_minute is per connection") {
    TempDir dir;
    DaemonProcess d(dir.path(),
                    daemon_config(dir.path(), {}, "limits: { submit_rate_per_minute: 2 }\n"));
    CHECK(d.request(send_req("+4915123456780", "one"))["ok"] == true);
    CHECK(d.request(send_req("+4915123456781", "two"))["ok"] == true);
    auto third = d.request(send_req("+4915123456782", "three"));
    INFO(third.dump());
    CHECK(third["error"]["code"] == "overloaded");
    CHECK_THAT(third["error"]["message"].get<std::string>(),
               Catch::Contains("limits.submit_rate_per_minute"));
    // Another connection has its own allowance.
    Client other(d.socket_path());
    auto fresh = other.request(send_req("+4915123456782", "three"));
    CHECK(fresh["ok"] == true);
    // A batch of each message counts them all; one larger than a minute's
    // allowance could never pass, so it is refused as such, not "retry later".
    Client third_client(d.socket_path());
    json items = json::array();
    for (int i = 0; i < 3; ++i) items.push_back({{"to", "+491512345679" + std::to_string(i)}, {"text", "x"}});
    const auto big = third_client.request({{"id", 9}, {"op", "send_batch"}, {"messages", items}});
    INFO(big.dump());
    CHECK(big["error"]["code"] == "bad_request");
    CHECK(big["error"]["field"] == "messages");
    CHECK_THAT(big["error"]["message"].get<std::string>(),
               Catch::Contains("split it") && Catch::Contains("limits.submit_rate_per_minute"));
    items.erase(items.begin());
    CHECK(third_client.request({{"id", 10}, {"op", "send_batch"}, {"messages", items}})["ok"] == true);
}

TEST_CASE("the wallet charges each send and refuses one it cannot pay") {
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {}));
    d.request_ok({{"id", 1}, {"op", "settings.set"}, {"key", "sms.cost_per_segment"}, {"value", "0.09"}});
    d.request_ok({{"id", 2}, {"op", "settings.set"}, {"key", "wallet.enabled"}, {"value", true}});
    auto broke = d.request(send_req("+4915123456789", "hello"));
    CHECK(broke["error"]["code"] == "insufficient_balance");
    d.request_ok({{"id", 3}, {"op", "wallet.topup"}, {"amount", "0.20"}});
    auto ok = d.request_ok(send_req("+4915123456789", "hello"));
    CHECK(ok["cost"] == "0.09");
    d.request_ok(send_req("+4915123456789", "hello again"));
    auto third = d.request(send_req("+4915123456789", "one too many"));
    CHECK(third["error"]["code"] == "insufficient_balance");
    auto wallet = d.request_ok({{"id", 4}, {"op", "wallet.get"}});
    CHECK(wallet["balance"] == "0.02");
    CHECK(wallet["ledger"].size() == 3);
    // No modem here: a cancelled message never reached the network and is refunded.
    d.request_ok({{"id", 5}, {"op", "message.cancel"}, {"message_id", ok["message_id"]}});
    wallet = d.request_ok({{"id", 6}, {"op", "wallet.get"}});
    CHECK(wallet["balance"] == "0.11");
    CHECK(wallet["ledger"][0]["reason"] == "refund");
    CHECK(wallet["ledger"][0]["message_id"] == ok["message_id"]);
    // Each amount signed as its micro-unit twin: a charge out, a refund in.
    CHECK(wallet["ledger"][0]["amount"] == "0.09");
    CHECK(wallet["ledger"][0]["direction"] == "credit");
    CHECK(wallet["ledger"][1]["amount"] == "-0.09");
    CHECK(wallet["ledger"][1]["amount_micros"] == -90000);
    CHECK(wallet["ledger"][1]["direction"] == "charge");
}

TEST_CASE("a top-up past the wallet's limit is refused naming amount and the room left") {
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {}));
    d.request_ok({{"id", 1}, {"op", "wallet.topup"}, {"amount", "999999999999"}});
    // Ten more of the largest amount once wrapped the int64 balance around.
    for (int i = 0; i < 10; ++i) {
        auto refused = d.request({{"id", 2}, {"op", "wallet.topup"}, {"amount", "999999999999.999999"}});
        INFO(refused.dump());
        REQUIRE(refused["ok"] == false);
        CHECK(refused["error"]["code"] == "bad_request");
        CHECK(refused["error"]["field"] == "amount");
        const std::string message = refused["error"]["message"];
        CHECK(message.find("expected at most 0.999999") != std::string::npos);
        CHECK(message.find("999999999999.999999") != std::string::npos);
    }
    auto wallet = d.request_ok({{"id", 3}, {"op", "wallet.get"}});
    CHECK(wallet["balance"] == "999999999999");
    CHECK(wallet["ledger"].size() == 1);
    // What is left still goes in, up to the limit exactly.
    auto full = d.request_ok({{"id", 4}, {"op", "wallet.topup"}, {"amount", "0.999999"}});
    CHECK(full["balance"] == "999999999999.999999");
    auto over = d.request({{"id", 5}, {"op", "wallet.topup"}, {"amount", "0.000001"}});
    CHECK(over["error"]["field"] == "amount");
    CHECK(over["error"]["message"].get<std::string>().find("expected at most 0 ") != std::string::npos);
}

TEST_CASE("sms.currency changes only with the wallet empty, each cost keeps its currency") {
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {}));
    const auto set_currency = [&](const char* code) {
        return d.request(
            {{"id", 1}, {"op", "settings.set"}, {"key", "sms.currency"}, {"value", code}});
    };
    d.request_ok(
        {{"id", 1}, {"op", "settings.set"}, {"key", "sms.cost_per_segment"}, {"value", "0.05"}});
    // Sent while the wallet is off: priced in EUR, not charged, still queued (no modem).
    const auto uncharged = d.request_ok(send_req("+4915123456700", "not charged"));
    CHECK(uncharged["currency"] == "EUR");
    d.request_ok({{"id", 2}, {"op", "settings.set"}, {"key", "wallet.enabled"}, {"value", true}});
    d.request_ok({{"id", 3}, {"op", "wallet.topup"}, {"amount", "2"}});
    const auto charged = d.request_ok(send_req("+4915123456789", "charged"));
    CHECK(charged["cost"] == "0.05");
    CHECK(charged["currency"] == "EUR");

    // The tester's case: 1.95 EUR in the wallet would have become 1.95 USD.
    auto refused = set_currency("USD");
    INFO(refused.dump());
    REQUIRE(refused["ok"] == false);
    CHECK(refused["error"]["code"] == "bad_request");
    CHECK(refused["error"]["field"] == "value");
    std::string why = refused["error"]["message"];
    for (const char* part :
         {"sms.currency: expected an empty wallet", "from EUR to USD", "holds 1.95 EUR",
          "smsgwctl wallet withdraw 1.95", "top the wallet up in USD"})
        CHECK_THAT(why, Catch::Contains(part));
    const auto currency_now = [&] {
        return d.request_ok({{"id", 4},
                             {"op", "settings.get"},
                             {"keys", {"sms.currency"}}})["settings"]["sms.currency"];
    };
    CHECK(currency_now() == "EUR");
    auto wallet = d.request_ok({{"id", 5}, {"op", "wallet.get"}});
    CHECK(wallet["balance"] == "1.95");
    CHECK(wallet["currency"] == "EUR");

    // Emptied, the wallet still waits for the charge that may come back.
    auto out = d.request_ok(
        {{"id", 6}, {"op", "wallet.withdraw"}, {"amount", "1.95"}, {"reason", "paid back"}});
    CHECK(out["balance"] == "0");
    CHECK(out["currency"] == "EUR");
    auto too_much = d.request({{"id", 7}, {"op", "wallet.withdraw"}, {"amount", "0.01"}});
    CHECK(too_much["error"]["code"] == "bad_request");
    CHECK(too_much["error"]["field"] == "amount");
    CHECK_THAT(too_much["error"]["message"].get<std::string>(),
               Catch::Contains("expected at most 0 "));
    refused = set_currency("USD");
    INFO(refused.dump());
    CHECK(refused["error"]["field"] == "value");
    why = refused["error"]["message"];
    const std::string charged_id = std::to_string(charged["message_id"].get<std::int64_t>());
    for (const std::string& part :
         std::vector<std::string>{"no charge that may still be refunded", "1 charged message(s)",
                                  "message " + charged_id + " the oldest", "back in EUR",
                                  "smsgwctl message cancel " + charged_id})
        CHECK_THAT(why, Catch::Contains(part));
    CHECK(currency_now() == "EUR");
    // Its refund comes back in the currency of its charge.
    d.request_ok({{"id", 8}, {"op", "message.cancel"}, {"message_id", charged["message_id"]}});
    wallet = d.request_ok({{"id", 9}, {"op", "wallet.get"}});
    CHECK(wallet["ledger"][0]["reason"] == "refund");
    CHECK(wallet["ledger"][0]["amount"] == "0.05");
    CHECK(wallet["ledger"][0]["currency"] == "EUR");
    d.request_ok({{"id", 10}, {"op", "wallet.withdraw"}, {"amount", "0.05"}});

    // With nothing in it the change goes through, and relabels nothing kept.
    const auto changed = d.request_ok(
        {{"id", 11}, {"op", "settings.set"}, {"key", "sms.currency"}, {"value", "usd"}});
    CHECK(changed["value"] == "USD");
    CHECK(changed["previous"] == "EUR");
    CHECK(currency_now() == "USD");
    auto old =
        d.request_ok({{"id", 12}, {"op", "message.get"}, {"message_id", charged["message_id"]}});
    CHECK(old["cost"] == "0.05");
    CHECK(old["currency"] == "EUR");
    wallet = d.request_ok({{"id", 13}, {"op", "wallet.get"}});
    CHECK(wallet["balance"] == "0");
    CHECK(wallet["currency"] == "USD");  // the next top-up's
    for (const json& entry : wallet["ledger"]) CHECK(entry["currency"] == "EUR");

    d.request_ok({{"id", 14}, {"op", "wallet.topup"}, {"amount", "1"}});
    Client events(d.socket_path());
    REQUIRE(
        events
            .request(
                {{"id", 15}, {"op", "subscribe"}, {"events", {"message.queued", "message.failed"}}})
            .at("ok") == true);
    const auto fresh = d.request_ok(send_req("+4915123456789", "new"));
    CHECK(fresh["cost"] == "0.05");
    CHECK(fresh["currency"] == "USD");
    auto line = events.line();
    REQUIRE(line);
    CHECK(json::parse(*line)["currency"] == "USD");
    // An event about a message priced before the change says its own currency.
    d.request_ok({{"id", 16}, {"op", "message.cancel"}, {"message_id", uncharged["message_id"]}});
    line = events.line();
    REQUIRE(line);
    const json failed = json::parse(*line);
    CHECK(failed["event"] == "message.failed");
    CHECK(failed["message_id"] == uncharged["message_id"]);
    CHECK(failed["currency"] == "EUR");
    const auto listed = d.request_ok({{"id", 17}, {"op", "message.list"}})["messages"];
    REQUIRE(listed.size() == 3);
    CHECK(listed[0]["currency"] == "USD");
    CHECK(listed[1]["currency"] == "EUR");
    CHECK(listed[2]["currency"] == "EUR");
    wallet = d.request_ok({{"id", 18}, {"op", "wallet.get"}});
    CHECK(wallet["balance"] == "0.95");
    CHECK(wallet["display"] == "0.95 USD");
    CHECK(wallet["ledger"][0]["currency"] == "USD");  // the charge
    CHECK(wallet["ledger"][1]["currency"] == "USD");  // the top-up
    CHECK(wallet["ledger"][2]["currency"] == "EUR");  // the withdrawal before the change

    // With money in USD, back to EUR is refused in its turn; smsgwctl shows each
    // ledger entry in its own currency.
    refused = set_currency("EUR");
    CHECK_THAT(refused["error"]["message"].get<std::string>(), Catch::Contains("holds 0.95 USD"));
    const auto ctl = binary_dir() + "/tools/smsgwctl/smsgwctl";
    auto [rc, shown] = run_program({ctl, "--socket", d.socket_path(), "wallet", "get"});
    INFO(shown);
    CHECK(rc == 0);
    for (const char* part : {"balance  0.95 USD\n", "-0.05 USD", "+1 USD", "-0.05 EUR", "+0.05 EUR",
                             "-1.95 EUR", "paid back"})
        CHECK_THAT(shown, Catch::Contains(part));
}

TEST_CASE("optout.add keeps who added the number: optout.list, optout.added, smsgwctl") {
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {}));
    Client events(d.socket_path());
    REQUIRE(
        events.request({{"id", 1}, {"op", "subscribe"}, {"events", {"optout.added"}}}).at("ok") ==
        true);
    d.request_ok({{"id", 2},
                  {"op", "optout.add"},
                  {"number", "+4915199887766"},
                  {"note", "asked by phone"}});
    const auto uid = static_cast<std::int64_t>(::getuid());
    const auto line = events.line();
    REQUIRE(line);
    const json added = json::parse(*line);
    CHECK(added["event"] == "optout.added");
    CHECK(added["uid"] == uid);
    CHECK(added["source"] == "api");
    const auto list = d.request_ok({{"id", 3}, {"op", "optout.list"}})["optouts"];
    REQUIRE(list.size() == 1);
    CHECK(list[0]["uid"] == uid);
    CHECK(list[0]["note"] == "asked by phone");
    const auto ctl = binary_dir() + "/tools/smsgwctl/smsgwctl";
    auto [rc, shown] = run_program({ctl, "--socket", d.socket_path(), "optout", "list"});
    INFO(shown);
    CHECK(rc == 0);
    CHECK_THAT(shown, Catch::Contains("UID"));
    // The entry's row, ending with the uid (the table's last column).
    const auto row = shown.find("+4915199887766");
    REQUIRE(row != std::string::npos);
    const std::string line_of_entry = shown.substr(row, shown.find('\n', row) - row);
    CHECK_THAT(line_of_entry, Catch::EndsWith("  " + std::to_string(uid)));
}

TEST_CASE("a database smsgwd cannot use stops it with the file and what to do") {
    TempDir dir;
    const auto start = [&](const std::string& name, const std::string& yaml) {
        const std::string path = dir.path() + "/" + name;
        std::ofstream(path) << yaml;
        return run_program({smsgwd_binary(), "--config", path});
    };
    const auto in = [&](const std::string& sub) {
        std::string yaml = daemon_config(dir.path(), {});
        const std::string db = dir.path() + "/smsgw.db";
        yaml.replace(yaml.find(db), db.size(), dir.path() + "/" + sub);
        return yaml;
    };
    SECTION("a second daemon on the database of a running one") {
        DaemonProcess first(dir.path(), daemon_config(dir.path(), {}));
        std::string yaml = daemon_config(dir.path(), {});
        const std::string socket = dir.path() + "/smsgw.sock";
        yaml.replace(yaml.find(socket), socket.size(), dir.path() + "/second.sock");
        const auto [rc, out] = start("second.yaml", yaml);
        CHECK(rc == 1);
        CHECK(out.find("database " + first.database() + " is in use by another smsgwd") !=
              std::string::npos);
        CHECK(first.request_ok({{"id", 1}, {"op", "hello"}}).contains("version"));
    }
    SECTION("a file that is not a database") {
        std::ofstream(dir.path() + "/junk.db") << std::string(8192, 'x');
        const auto [rc, out] = start("junk.yaml", in("junk.db"));
        CHECK(rc == 1);
        CHECK(out.find("database " + dir.path() + "/junk.db is not an SQLite database") !=
              std::string::npos);
        CHECK(out.find("restore it from a backup, or move it aside") != std::string::npos);
    }
    SECTION("a directory that does not exist") {
        const auto [rc, out] = start("nodir.yaml", in("missing/smsgw.db"));
        CHECK(rc == 1);
        CHECK(out.find("its directory " + dir.path() + "/missing does not exist: create it") !=
              std::string::npos);
        // --check says so beforehand, as a warning: the unit creates it.
        const auto [check_rc, check_out] =
            run_program({smsgwd_binary(), "--config", dir.path() + "/nodir.yaml", "--check"});
        CHECK(check_rc == 0);
        CHECK(check_out.find("database: warning: its directory " + dir.path() +
                             "/missing does not exist (yet): smsgwd.service's StateDirectory=") !=
              std::string::npos);
    }
    SECTION("a socket directory that does not exist") {
        std::string yaml = daemon_config(dir.path(), {});
        const std::string socket = dir.path() + "/smsgw.sock";
        yaml.replace(yaml.find(socket), socket.size(), dir.path() + "/run/smsgw.sock");
        const auto [rc, out] = start("nosock.yaml", yaml);
        CHECK(rc == 1);
        CHECK(out.find("socket " + dir.path() + "/run/smsgw.sock: its directory " + dir.path() +
                       "/run does not exist: create it (smsgwd.service's RuntimeDirectory= does)") !=
              std::string::npos);
    }
    SECTION("the files it creates are not for other users, whatever the umask") {
        const mode_t old = ::umask(0);
        {
            DaemonProcess d(dir.path(), daemon_config(dir.path(), {}));
            struct stat st {};
            REQUIRE(::stat(d.database().c_str(), &st) == 0);
            CHECK((st.st_mode & 0007) == 0);
            CHECK((st.st_mode & 0020) == 0);
        }
        ::umask(old);
    }
}

TEST_CASE("modem list counts what the database holds, across a restart, message.get its currency") {
    SimProcess sim;
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {{"office-1", &sim, ""}}));
    REQUIRE(d.wait_modems_ready(1));
    set_cost_per_segment(d, "0.09");
    const std::string two_parts(200, 'a');
    auto one = d.request_ok(send_req("+4915123456789", "one part"));
    auto two = d.request_ok(send_req("+4915123456789", two_parts));
    REQUIRE(d.wait_message_state(one["message_id"], "sent"));
    REQUIRE(d.wait_message_state(two["message_id"], "sent"));
    sim.control({{"op", "inject_sms"}, {"from", "+4917612345678"}, {"text", "Thanks!"}});
    REQUIRE(wait_for(
        [&] {
            return !d.request_ok({{"id", 2}, {"op", "inbound.list"}})["messages"].empty();
        },
        20s));

    // The cost goes with its currency, in message.get and message.list alike.
    auto got = d.request_ok({{"id", 3}, {"op", "message.get"}, {"message_id", two["message_id"]}});
    CHECK(got["cost"] == "0.18");
    CHECK(got["cost_micros"] == 180000);
    CHECK(got["currency"] == "EUR");
    auto listed = d.request_ok({{"id", 4}, {"op", "message.list"}});
    REQUIRE(!listed["messages"].empty());
    CHECK(listed["messages"][0]["currency"] == "EUR");
    const auto ctl = binary_dir() + "/tools/smsgwctl/smsgwctl";
    auto [get_rc, get_out] = run_program({ctl, "--socket", d.socket_path(), "message", "get",
                                          std::to_string(two["message_id"].get<std::int64_t>())});
    INFO(get_out);
    CHECK(get_rc == 0);
    CHECK(get_out.find("0.18 EUR\n") != std::string::npos);

    const auto counted = [&] {
        auto modems = d.request_ok({{"id", 5}, {"op", "modem.list"}})["modems"];
        REQUIRE(modems.size() == 1);
        return modems[0];
    };
    json before = counted();
    CHECK(before["sent"] == 3);
    CHECK(before["sent_today"] == 3);
    CHECK(before["received"] == 1);

    // A restart on the same database counts from it, not from zero.
    d.signal(SIGTERM);
    REQUIRE(d.wait_exit(30s) == 0);
    d.start();
    REQUIRE(d.wait_modems_ready(1));
    json after = counted();
    INFO(after.dump());
    CHECK(after["sent"] == 3);
    CHECK(after["sent_today"] == 3);
    CHECK(after["received"] == 1);
    // And counts on in memory.
    auto three = d.request_ok(send_req("+4915123456789", "after the restart"));
    REQUIRE(d.wait_message_state(three["message_id"], "sent"));
    CHECK(counted()["sent"] == 4);
    CHECK(counted()["sent_today"] == 4);
}

TEST_CASE(
    "modem list shows a modem that is not ready with its last signal and its age, not as now") {
    SimProcess sim;
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {{"office-1", &sim, ""}}));
    REQUIRE(d.wait_modems_ready(1));
    const auto modem = [&] { return d.request_ok({{"id", 1}, {"op", "modem.list"}})["modems"][0]; };
    json ready = modem();
    CHECK(ready["signal_dbm"] == -73);  // the simulator's +CSQ: 20,99
    CHECK(ready["signal_bars"].is_number());
    CHECK(ready["signal_at"].is_string());

    sim.control({{"op", "unplug"}, {"seconds", 60}});
    REQUIRE(wait_for([&] { return modem()["state"] != "ready"; }, 20s));
    json gone = modem();
    INFO(gone.dump());
    CHECK(gone["signal_dbm"].is_null());
    CHECK(gone["signal_bars"].is_null());
    CHECK(gone["last_signal_dbm"] == -73);
    CHECK(gone["last_signal_bars"] == ready["signal_bars"]);
    CHECK(gone["signal_at"] == ready["signal_at"]);

    const auto ctl = binary_dir() + "/tools/smsgwctl/smsgwctl";
    auto [rc, out] = run_program({ctl, "--socket", d.socket_path(), "modem", "list"});
    INFO(out);
    CHECK(rc == 0);
    CHECK(out.find("last -73 dBm ") != std::string::npos);
    CHECK(out.find(" ago ") != std::string::npos);
}

TEST_CASE("SIGTERM drains and exits 0, SIGHUP adds a modem without a restart") {
    SimProcess a, b;
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {{"office-1", &a, ""}}));
    REQUIRE(d.wait_modems_ready(1));
    std::string two = daemon_config(dir.path(), {{"office-1", &a, ""}, {"office-2", &b, ""}});
    // A reload changes the retry policy of every store connection and says so.
    const std::string attempts = "attempts: 3";
    REQUIRE(two.find(attempts) != std::string::npos);
    two.replace(two.find(attempts), attempts.size(), "attempts: 4");
    std::ofstream(d.config_path()) << two;
    d.signal(SIGHUP);
    REQUIRE(d.wait_modems_ready(2));
    CHECK(d.log().find("SIGHUP: retry settings changed: 4 attempts") != std::string::npos);
    auto sent = d.request_ok(send_req("+4915123456789", "after reload", {{"modem", "office-2"}}));
    REQUIRE(d.wait_message_state(sent["message_id"], "sent"));
    CHECK(sent_parts(b).size() == 1);
    d.signal(SIGTERM);
    CHECK(d.wait_exit(30s) == 0);
    CHECK(d.log().find("stopped") != std::string::npos);
}

TEST_CASE("a send to a modem that is disabled or not configured says which modems there are") {
    SimProcess a, b;
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {{"office-1", &a, ""},
                                                            {"office-2", &b, "enabled: false"}}));
    REQUIRE(d.wait_modems_ready(1));
    const auto refusal = [&](const std::string& modem) {
        const json r = d.request(send_req("+4915123456789", "hello", {{"modem", modem}}));
        INFO(r.dump());
        REQUIRE(r["ok"] == false);
        CHECK(r["error"]["code"] == "not_found");
        CHECK(r["error"]["field"] == "modem");
        return r["error"]["message"].get<std::string>();
    };
    CHECK(refusal("office-2") ==
          "modem \"office-2\" is disabled in the configuration (enabled: false)");
    CHECK(refusal("Office-1") == "no modem named \"Office-1\" is configured (configured: "
                                 "office-1, office-2); did you mean `office-1`?");
    CHECK(refusal("backroom") ==
          "no modem named \"backroom\" is configured (configured: office-1, office-2)");
    // Nothing was queued by the refusals.
    CHECK(d.request_ok({{"id", 1}, {"op", "message.list"}})["messages"].empty());
}

}  // namespace smsgw::test

namespace smsgw::test {

TEST_CASE("smsgwd tells systemd where its start is, when it is ready, that it lives and stops") {
    SimProcess a;
    TempDir dir;
    NotifySocket systemd(dir.path() + "/notify");
    std::optional<DaemonProcess> d;
    {
        // WATCHDOG_USEC as systemd sets it from WatchdogSec=: pings every half of it.
        ScopedEnv env{{"NOTIFY_SOCKET", dir.path() + "/notify"}, {"WATCHDOG_USEC", "2000000"}};
        d.emplace(dir.path(), daemon_config(dir.path(), {{"office-1", &a, ""}}));
    }
    // Before the store opens (a schema upgrade may take minutes): more time, and why.
    auto opening = systemd.until("EXTEND_TIMEOUT_USEC=1800000000", 10s);
    INFO(systemd.seen);
    REQUIRE(opening);
    CHECK_THAT(*opening, Catch::Contains("STATUS=opening the database " + d->database()));
    auto ready = systemd.until("READY=1", 10s);
    REQUIRE(ready);
    CHECK_THAT(*ready, Catch::Contains("modems ready, 0 messages queued"));
    // Pings at half of WATCHDOG_USEC, again and again.
    REQUIRE(systemd.until("WATCHDOG=1", 5s));
    REQUIRE(systemd.until("WATCHDOG=1", 5s));

    d->signal(SIGHUP);
    REQUIRE(systemd.until("RELOADING=1", 10s));
    auto reloaded = systemd.until("READY=1", 10s);
    REQUIRE(reloaded);
    CHECK_THAT(*reloaded, Catch::Contains("messages queued"));
    // With SMS switched off the status says so.
    d->request_ok({{"id", 1}, {"op", "settings.set"}, {"key", "sms.enabled"}, {"value", false}});
    d->signal(SIGHUP);
    auto held = systemd.until("READY=1", 10s);
    REQUIRE(held);
    CHECK_THAT(*held, Catch::Contains(
                          "messages queued; sending is switched off (setting sms.enabled is false)"));

    // A modem that goes down is told within a second or two, not at the
    // next quarter-minute's count of the queue.
    REQUIRE(d->wait_modems_ready(1));
    a.control({{"op", "unplug"}, {"seconds", 30}});
    const auto unplugged = std::chrono::steady_clock::now();
    REQUIRE(systemd.until("STATUS=0/1 modems ready, 0 messages queued; sending is switched off "
                          "(setting sms.enabled is false)", 10s));
    CHECK(std::chrono::steady_clock::now() - unplugged < 10s);
    // A reload refused (the file broken) keeps the running configuration, and
    // the status says so until a reload works.
    std::stringstream config_text;
    config_text << std::ifstream(d->config_path()).rdbuf();
    std::ofstream(d->config_path()) << config_text.str() << "retry: { attempts: many }\n";
    d->signal(SIGHUP);
    auto refused = systemd.until("READY=1", 10s);
    REQUIRE(refused);
    CHECK_THAT(*refused, Catch::Contains("; SIGHUP refused: " + d->config_path() +
                                         " is not valid (see the log); running the previous one"));
    std::ofstream(d->config_path()) << config_text.str();
    d->signal(SIGHUP);
    auto taken = systemd.until("READY=1", 10s);
    REQUIRE(taken);
    CHECK_THAT(*taken, !Catch::Contains("SIGHUP refused"));

    d->signal(SIGTERM);
    auto stopping = systemd.until("STOPPING=1", 10s);
    REQUIRE(stopping);
    CHECK_THAT(*stopping, Catch::Contains("STATUS="));
    CHECK(d->wait_exit(30s) == 0);
}

}  // namespace smsgw::test
