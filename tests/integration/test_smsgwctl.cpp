// smsgwctl as a real process against the real server with the canned
// TestHandler: exit statuses 0/1/2/3, --json passthrough, tables, stdin text
// and batches, and the event stream ended by SIGINT.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "tests/integration/server_harness.hpp"

using namespace smsgw;
using namespace smsgw::test;

namespace {

const std::string ctl = SMSGW_BINARY_DIR "/tools/smsgwctl/smsgwctl";

struct Run {
    int status = -1;
    std::string out;
    std::string err;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs smsgwctl with `args`, `input` on stdin; SMSGW_SOCKET unset unless given.
Run run_ctl(const std::vector<std::string>& args, const std::string& input = "",
            const std::string& env_socket = "") {
    const std::string dir = temp_dir();
    const std::string out = dir + "/out", err = dir + "/err", in = dir + "/in";
    std::ofstream(in) << input;
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        const int i = ::open(in.c_str(), O_RDONLY);
        const int o = ::open(out.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
        const int e = ::open(err.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
        ::dup2(i, 0);
        ::dup2(o, 1);
        ::dup2(e, 2);
        if (env_socket.empty())
            ::unsetenv("SMSGW_SOCKET");
        else
            ::setenv("SMSGW_SOCKET", env_socket.c_str(), 1);
        std::vector<char*> argv{const_cast<char*>(ctl.c_str())};
        for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(ctl.c_str(), argv.data());
        ::_exit(127);
    }
    int status = 0;
    REQUIRE(wait_for([&] { return ::waitpid(child, &status, WNOHANG) == child; }, 20s));
    Run run{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(out), slurp(err)};
    for (const auto& f : {out, err, in}) ::unlink(f.c_str());
    ::rmdir(dir.c_str());
    return run;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("smsgwctl: hello and send, as tables and as the daemon's exact JSON") {
    ServerFixture fx;
    Run r = run_ctl({"--socket", fx.path, "hello"});
    CHECK(r.status == 0);
    CHECK(has(r.out, "role"));
    CHECK(has(r.out, "admin"));
    CHECK(has(r.out, "protocol"));

    r = run_ctl({"hello", "--json"}, "", fx.path);  // $SMSGW_SOCKET, --json after the command
    REQUIRE(r.status == 0);
    const json hello = json::parse(r.out);
    CHECK(hello.at("protocol") == 1);
    CHECK(hello.at("role") == "admin");

    r = run_ctl({"--socket", fx.path, "--json", "send", "--to", "+4917612345678", "--text", "Server backup failed",
                 "--priority", "9", "--category", "transactional", "--no-report"});
    REQUIRE(r.status == 0);
    api::SendParams expect_params;
    expect_params.text = "Server backup failed";
    CHECK(r.out == TestHandler::send_result(expect_params, 42).dump() + "\n");
    const auto sent = fx.on_io([&] { return std::get<api::SendParams>(fx.handler.seen.back().params); });
    CHECK(sent.to == "+4917612345678");
    CHECK(sent.priority == 9);
    CHECK(sent.report == false);

    r = run_ctl({"--socket", fx.path, "send", "--to", "+4917612345678", "--text", "Hi"});
    CHECK(r.status == 0);
    CHECK(has(r.out, "message_id"));
    CHECK(has(r.out, "42"));
    CHECK(has(r.out, "queued"));
}

TEST_CASE("smsgwctl: --text - reads the message from stdin") {
    ServerFixture fx;
    const Run r = run_ctl({"--socket", fx.path, "send", "--to", "+4917612345678", "--text", "-"},
                          "Disk full on db-2\nsecond line\n");
    CHECK(r.status == 0);
    const auto sent = fx.on_io([&] { return std::get<api::SendParams>(fx.handler.seen.back().params); });
    CHECK(sent.text == "Disk full on db-2\nsecond line");
}

TEST_CASE("smsgwctl: exit 1 on an error answer, with the code, message and field") {
    ServerFixture fx;
    Run r = run_ctl({"--socket", fx.path, "send", "--to", "+4915199999999", "--text", "Sale!"});
    CHECK(r.status == 1);
    CHECK(has(r.err, "opted_out"));
    CHECK(has(r.err, "(field: to)"));
    CHECK(r.out.empty());

    r = run_ctl({"--socket", fx.path, "send", "--to", "+4917612345678", "--text", "x", "--priority", "12"});
    CHECK(r.status == 1);
    CHECK(has(r.err, "bad_request"));
    CHECK(has(r.err, "(field: priority)"));

    r = run_ctl({"--socket", fx.path, "message", "get", "404"});
    CHECK(r.status == 1);
    CHECK(has(r.err, "not_found"));
}

TEST_CASE("smsgwctl: exit 2 on usage errors, 3 when the daemon cannot be reached") {
    ServerFixture fx;
    CHECK(run_ctl({"--socket", fx.path, "send", "--text", "no recipient"}).status == 2);
    CHECK(run_ctl({"--socket", fx.path, "send", "--to", "+49176", "--text", "x", "--priority", "high"}).status == 2);
    CHECK(run_ctl({"--socket", fx.path, "send", "--to", "+49176", "--text", "x", "--encoding", "ascii"}).status == 2);
    CHECK(run_ctl({"--socket", fx.path, "teleport"}).status == 2);
    CHECK(run_ctl({"--socket", fx.path}).status == 2);
    CHECK(run_ctl({"--socket", fx.path, "send-batch"}, "{\"to\":\"+4917612345678\"}\nnot json\n").status == 2);
    CHECK(fx.on_io([&] { return fx.handler.seen.size(); }) == 0u);

    const Run help = run_ctl({"send", "--help"});
    CHECK(help.status == 0);
    CHECK(has(help.out, "--idempotency-key"));
    CHECK(has(help.out, "Examples:"));

    const std::string missing = fx.dir + "/nobody-here.sock";
    const Run gone = run_ctl({"--socket", missing, "hello"});
    CHECK(gone.status == 3);
    CHECK(has(gone.err, missing));
    CHECK(has(gone.err, "No such file"));
    const Run env_gone = run_ctl({"modem", "list"}, "", missing);
    CHECK(env_gone.status == 3);
    CHECK(has(env_gone.err, missing));
}

TEST_CASE("smsgwctl: every operation's subcommand, with tables") {
    ServerFixture fx;
    const auto ok = [&](std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), {"--socket", fx.path});
        Run r = run_ctl(args, input);
        INFO(r.err);
        CHECK(r.status == 0);
        return r.out;
    };
    const auto last = [&] { return fx.on_io([&] { return fx.handler.seen.back(); }); };

    std::string out = ok({"message", "list", "--state", "queued", "--limit", "3"});
    CHECK(has(out, "MESSAGE_ID"));
    CHECK(has(out, "+4917612345678"));
    CHECK(has(out, "next_before_id"));
    CHECK(std::get<api::MessageListParams>(last().params).state == api::MessageState::queued);

    out = ok({"message", "get", "77"});
    CHECK(has(out, "delivered"));
    CHECK(has(out, "parts:"));
    CHECK(has(out, "TP_MR"));

    out = ok({"message", "cancel", "77"});
    CHECK(has(out, "cancelled"));

    out = ok({"send-batch"}, "{\"to\":\"+4917612345678\",\"text\":\"a\"}\n\n{\"to\":\"+4915112345678\",\"text\":\"b\",\"category\":\"marketing\"}\n");
    CHECK(has(out, "MESSAGE_ID"));
    const auto batch = std::get<api::SendBatchParams>(last().params);
    REQUIRE(batch.messages.size() == 2);
    CHECK(batch.messages[1].category == api::Category::marketing);

    out = ok({"inbound", "list", "--limit", "5"});
    CHECK(has(out, "FROM"));
    CHECK(has(out, "Stop"));

    out = ok({"optout", "list"});
    CHECK(has(out, "KEYWORD"));
    out = ok({"optout", "add", "+4917612345678", "--note", "asked by phone"});
    CHECK(std::get<api::OptoutAddParams>(last().params).note == "asked by phone");
    out = ok({"optout", "remove", "+4917612345678"});
    CHECK(has(out, "removed"));

    out = ok({"settings", "get"});
    CHECK(has(out, "sms.company_name"));
    CHECK(has(out, "ACME GmbH"));
    ok({"settings", "set", "sms.enabled", "false"});
    CHECK(std::get<api::SettingsSetParams>(last().params).value == api::SettingValue(false));
    ok({"settings", "set", "sms.max_segments", "4"});
    CHECK(std::get<api::SettingsSetParams>(last().params).value == api::SettingValue(std::int64_t{4}));
    ok({"settings", "set", "sms.sender_caption", "4915112345678", "--string"});
    CHECK(std::get<api::SettingsSetParams>(last().params).value == api::SettingValue(std::string("4915112345678")));

    out = ok({"modem", "list"});
    CHECK(has(out, "NAME"));
    CHECK(has(out, "office-2"));
    CHECK(has(out, "registering"));

    out = ok({"preview", "--text", "Grüße"});
    CHECK(has(out, "segments"));
    CHECK(std::get<api::PreviewParams>(last().params).text == "Grüße");

    const std::string json_out = ok({"--json", "modem", "list"});
    CHECK(json::parse(json_out).at("modems").size() == 2);
}

TEST_CASE("smsgwctl: events streams until SIGINT, then exits 0") {
    ServerFixture fx;
    int out[2];
    REQUIRE(::pipe(out) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::dup2(out[1], 1);
        ::close(out[0]);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 2);
        ::execl(ctl.c_str(), ctl.c_str(), "--socket", fx.path.c_str(), "events", "--event",
                "message.sent", "--event", "inbound.received", nullptr);
        ::_exit(127);
    }
    ::close(out[1]);
    REQUIRE(wait_for([&] { return fx.subscribers() == 1; }, 10s));
    fx.publish(api::EventName::message_queued, {{"message_id", 5}});
    fx.publish(api::EventName::message_sent, {{"message_id", 5}, {"modem", "office-1"}});
    fx.publish(api::EventName::inbound_received, {{"id", 9}, {"from", "+4917612345678"}, {"text", "Stop please"}});

    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::count(got.begin(), got.end(), '\n') < 2 && std::chrono::steady_clock::now() < deadline) {
        pollfd p{out[0], POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::read(out[0], buf, sizeof(buf));
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    CHECK(got == "message.sent message_id=5 modem=office-1\n"
                 "inbound.received from=+4917612345678 id=9 text=\"Stop please\"\n");
    ::kill(child, SIGINT);
    int status = 0;
    REQUIRE(wait_for([&] { return ::waitpid(child, &status, WNOHANG) == child; }, 10s));
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    ::close(out[0]);
    CHECK(wait_for([&] { return fx.subscribers() == 0; }, 5s));
}
