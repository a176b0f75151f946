// smsgwctl as a real process against the real server with the canned
// TestHandler: exit statuses 0/1/2/3, --json passthrough, tables, stdin text
// and batches (JSON lines or an array), the wallet, a subcommand for every op,
// and the event stream ended by SIGINT.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <ranges>
#include <sstream>

#include "daemon/api/op_table.hpp"
#include "daemon/api/setting_keys.hpp"
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

    r = run_ctl({"--socket", fx.path, "message", "get", "404"});
    CHECK(r.status == 1);
    CHECK(has(r.err, "not_found"));
}

TEST_CASE("smsgwctl: exit 2 on usage errors, 3 when the daemon cannot be reached") {
    ServerFixture fx;
    CHECK(run_ctl({"--socket", fx.path, "send", "--text", "no recipient"}).status == 2);
    CHECK(run_ctl({"--socket", fx.path, "send", "--to", "+49176", "--text", "x", "--priority", "high"}).status == 2);
    CHECK(run_ctl({"--socket", fx.path, "send", "--to", "+49176", "--text", "x", "--encoding", "ascii"}).status == 2);
    // A missing or unknown command is named, with the commands at its level.
    const Run unknown = run_ctl({"--socket", fx.path, "mesage", "list"});
    CHECK(unknown.status == 2);
    CHECK(has(unknown.err, "smsgwctl: unknown command \"mesage\"; did you mean `message`?"));
    CHECK(has(unknown.err, "takes one of: hello send send-batch message"));
    const Run unknown_sub = run_ctl({"--socket", fx.path, "message", "teleport"});
    CHECK(unknown_sub.status == 2);
    CHECK(has(unknown_sub.err, "smsgwctl message: unknown command \"teleport\""));
    CHECK(has(unknown_sub.err, "smsgwctl message takes one of: get list cancel"));
    const Run none = run_ctl({"--socket", fx.path});
    CHECK(none.status == 2);
    CHECK(has(none.err, "smsgwctl: a command is required"));
    CHECK(run_ctl({"--socket", fx.path, "message"}).status == 2);
    CHECK(run_ctl({"--socket", fx.path, "send-batch"}, "{\"to\":\"+4917612345678\"}\nnot json\n").status == 2);
    CHECK(fx.on_io([&] { return fx.handler.seen.size(); }) == 0u);

    const Run version = run_ctl({"--version"});
    CHECK(version.status == 0);
    CHECK_FALSE(version.out.empty());

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

TEST_CASE("smsgwctl: a daemon that does not answer is exit 3 after --timeout, not a hang") {
    // A stopped or stuck daemon still has its listening socket: the kernel
    // accepts the connection and the request, and nothing answers.
    const std::string dir = temp_dir();
    const std::string path = dir + "/silent.sock";
    const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    REQUIRE(::bind(listener, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener, 4) == 0);
    const Run silent = run_ctl({"--socket", path, "--timeout", "0.5", "hello"});
    CHECK(silent.status == 3);
    CHECK(has(silent.err, path));
    CHECK(has(silent.err, "did not answer within 0.5 s"));
    const Run events = run_ctl({"--socket", path, "--timeout", "0.5", "events", "--event",
                                "message.sent"});
    CHECK(events.status == 3);
    CHECK(has(events.err, "did not answer"));
    CHECK(run_ctl({"--socket", path, "--timeout", "-1", "hello"}).status == 2);
    ::close(listener);
    ::unlink(path.c_str());
    ::rmdir(dir.c_str());
}

TEST_CASE("smsgwctl: an integer out of the op's range is a usage error naming it and the range") {
    ServerFixture fx;
    // Beyond int64 was clamped to 9223372036854775807 and sent as that id.
    Run r = run_ctl({"--socket", fx.path, "message", "get", "99999999999999999999"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "message_id: expected an integer from 1 to 9223372036854775807, got \"99999999999999999999\""));
    r = run_ctl({"--socket", fx.path, "message", "cancel", "-5"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "message_id: expected an integer from 1 to 9223372036854775807, got \"-5\""));
    r = run_ctl({"--socket", fx.path, "message", "cancel", "0x10"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "got \"0x10\""));
    r = run_ctl({"--socket", fx.path, "message", "list", "--limit", "1001"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "--limit: expected an integer from 1 to 1000"));
    r = run_ctl({"--socket", fx.path, "send", "--to", "+4917612345678", "--text", "x", "--priority", "12"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "--priority: expected an integer from 0 to 9"));
    CHECK(fx.on_io([&] { return fx.handler.seen.size(); }) == 0u);
    // The ends of the range are sent as typed (ids from 1000 wait for a release).
    fx.on_io([&] {
        fx.handler.release(INT64_MAX);
        return 0;
    });
    r = run_ctl({"--socket", fx.path, "--json", "message", "get", "9223372036854775807"});
    CHECK(r.status == 0);
    r = run_ctl({"--socket", fx.path, "--json", "message", "list", "--limit", "1000"});
    CHECK(r.status == 0);
    const auto seen = fx.on_io([&] { return fx.handler.seen; });
    REQUIRE(seen.size() == 2);
    CHECK(std::get<api::MessageGetParams>(seen[0].params).message_id == INT64_MAX);
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

    // The columns a person scans, the id first and the text last; the next
    // page's cursor after the table, as the option that asks for it.
    std::string out = ok({"message", "list", "--state", "queued", "--limit", "3"});
    CHECK(out.starts_with("MESSAGE_ID  STATE"));
    CHECK(has(out, "+4917612345678"));
    CHECK(has(out, "CATEGORY\n"));
    CHECK_FALSE(has(out, "IDEMPOTENCY_KEY"));
    CHECK_FALSE(has(out, "next_before_id"));
    CHECK(has(out, "--before-id 898\n"));
    CHECK(out.find("--before-id 898") > out.find("+4917612345678"));
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
    CHECK(batch.messages[1].params.category == api::Category::marketing);

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
    // A key that takes text gets text whatever the value looks like.
    ok({"settings", "set", "sms.sender_caption", "4915112345678"});
    CHECK(std::get<api::SettingsSetParams>(last().params).value == api::SettingValue(std::string("4915112345678")));
    ok({"settings", "set", "sms.company_name", "123"});
    CHECK(std::get<api::SettingsSetParams>(last().params).value == api::SettingValue(std::string("123")));
    ok({"settings", "set", "optout.help_text", "true"});
    CHECK(std::get<api::SettingsSetParams>(last().params).value == api::SettingValue(std::string("true")));

    // A table a terminal can hold: what to check first, the rest in --json.
    out = ok({"modem", "list"});
    CHECK(has(out, "NAME"));
    CHECK(has(out, "office-2"));
    CHECK(has(out, "registering"));
    CHECK(has(out, "-71 dBm (4/5)"));
    CHECK_FALSE(has(out, "last -71"));
    // A modem that is not ready: its last reading, said to be one, with its age.
    CHECK(has(out, "last -95 dBm 3 min ago"));
    CHECK(has(out, "registering  -  "));  // office-2 has no operator yet
    // A last error cut in the table is whole under it: its end says what to do.
    CHECK(has(out, "not registered after 90000 ms (searchin…"));
    CHECK(has(out, "\noffice-2: last error: not registered after 90000 ms (searching): check "
                   "antenna, coverage and SIM\n"));
    // What STATE does not say: why a modem takes no messages.
    CHECK(has(out, "\noffice-1: takes no messages: its network refused 5 sends in a row\n"));
    CHECK(has(out, "\noffice-2: takes no messages: reached its max_per_day; takes messages again "
                   "after midnight\n"));
    CHECK_FALSE(has(out, "867530912345678"));
    CHECK_FALSE(has(out, "/dev/ttyUSB2"));
    // A wide terminal's 132 columns hold it, with a last error cut at 40 and
    // the last signal of a modem that is not ready said with its age.
    for (const auto line : std::views::split(out, '\n')) CHECK(std::ranges::distance(line) <= 132);

    out = ok({"preview", "--text", "Grüße"});
    CHECK(has(out, "segments"));
    CHECK(std::get<api::PreviewParams>(last().params).text == "Grüße");

    const std::string json_out = ok({"--json", "modem", "list"});
    CHECK(json::parse(json_out).at("modems").size() == 2);
}

TEST_CASE("smsgwctl: every op of the op table has its subcommand, with an example") {
    for (const api::OpInfo& op : api::op_table()) {
        // The op's words: `wallet.topup` is `wallet topup`; two read better otherwise.
        std::string words(op.name);
        if (op.op == api::Op::subscribe) words = "events";
        if (op.op == api::Op::send_batch) words = "send-batch";
        std::replace(words.begin(), words.end(), '.', ' ');
        std::vector<std::string> args;
        std::istringstream split(words);
        for (std::string word; split >> word;) args.push_back(word);
        args.push_back("--help");
        const Run r = run_ctl(args);
        INFO(op.name);
        CHECK(r.status == 0);
        CHECK(has(r.out, "Usage: smsgwctl " + words + " "));
        // The README promises each subcommand's help shows how it is typed.
        CHECK((has(r.out, "\nExample:\n  smsgwctl ") || has(r.out, "\nExamples:\n  ")));
    }
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

TEST_CASE("smsgwctl: wallet get shows the balance with its currency and the ledger as a table") {
    ServerFixture fx;
    const auto last = [&] { return fx.on_io([&] { return fx.handler.seen.back(); }); };

    Run r = run_ctl({"--socket", fx.path, "wallet", "get"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    // Credits carry a '+'; the micro-unit twin and the currency key are folded away.
    for (const char* part : {"enabled  yes\nbalance  12.34 EUR\n", "ledger:\nID  AT ",
                             "BALANCE_AFTER", "MESSAGE_ID", "-0.09", "+12.61", "opening balance"})
        CHECK(has(r.out, part));
    for (const char* part : {"balance_micros", "currency", "older entries"})
        CHECK_FALSE(has(r.out, part));
    CHECK(std::get<api::WalletGetParams>(last().params) == api::WalletGetParams{});

    // A full page says how to go on.
    r = run_ctl({"--socket", fx.path, "wallet", "get", "--ledger", "2"});
    CHECK(r.status == 0);
    CHECK(std::get<api::WalletGetParams>(last().params).ledger_limit == 2);
    CHECK(has(r.out, "\nolder entries: smsgwctl wallet get --before 2\n"));
    CHECK_FALSE(has(r.out, "opening balance"));

    r = run_ctl({"--socket", fx.path, "wallet", "get", "--before", "2"});
    CHECK(r.status == 0);
    CHECK(std::get<api::WalletGetParams>(last().params).before_id == 2);
    CHECK(has(r.out, "opening balance"));
    CHECK_FALSE(has(r.out, "901"));

    r = run_ctl({"--socket", fx.path, "wallet", "get", "--ledger", "0"});
    CHECK(r.status == 0);
    CHECK(has(r.out, "balance  12.34 EUR"));
    CHECK_FALSE(has(r.out, "ledger"));

    // Amounts with a direction, one signed and one not, extra fields: still one
    // readable table, the sign saying the direction of every entry.
    r = run_ctl({"--socket", fx.path, "wallet", "get", "--before", "1000"});
    CHECK(r.status == 0);
    for (const char* part : {"enabled  no (messages are not charged)\nbalance  12.34 EUR\n",
                             "-0.09", "+5 ", "\nolder entries: smsgwctl wallet get --before 998\n"})
        CHECK(has(r.out, part));
    for (const char* part : {"DIRECTION", "MICROS", "micros", "display", "next_before_id"})
        CHECK_FALSE(has(r.out, part));

    // --json: the daemon's result exactly, amounts as decimal strings.
    r = run_ctl({"--socket", fx.path, "--json", "wallet", "get"});
    REQUIRE(r.status == 0);
    const json wallet = json::parse(r.out);
    CHECK(wallet.at("enabled") == true);
    CHECK(wallet.at("balance") == "12.34");
    CHECK(wallet.at("currency") == "EUR");
    CHECK(wallet.at("balance_micros") == 12340000);
    REQUIRE(wallet.at("ledger").size() == 3);
    CHECK(wallet.at("ledger")[0] == json{{"id", 3},
                                         {"at", "2024-05-02T10:15:00+02:00"},
                                         {"amount", "-0.09"},
                                         {"balance_after", "12.34"},
                                         {"reason", "message"},
                                         {"message_id", 901},
                                         {"uid", 1000}});

    // Out-of-range pages are usage errors, with the op table's range.
    r = run_ctl({"--socket", fx.path, "wallet", "get", "--ledger", "1001"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "--ledger: expected an integer from 0 to 1000, got \"1001\""));
    CHECK(run_ctl({"--socket", fx.path, "wallet", "get", "--ledger", "many"}).status == 2);
    CHECK(run_ctl({"--socket", fx.path, "wallet"}).status == 2);
}

TEST_CASE("smsgwctl: wallet topup sends the amount as exact decimal text") {
    ServerFixture fx;
    const auto seen = [&] { return fx.on_io([&] { return fx.handler.seen.size(); }); };
    const auto last_topup = [&] {
        return fx.on_io(
            [&] { return std::get<api::WalletTopupParams>(fx.handler.seen.back().params); });
    };

    Run r = run_ctl({"--socket", fx.path, "--json", "wallet", "topup", "10.50", "--reason",
                     "invoice 2024-117"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out == "{\"balance\":\"22.84\",\"balance_micros\":22840000,\"ledger_id\":4}\n");
    CHECK(last_topup().amount.micros == 10'500'000);
    CHECK(last_topup().reason == "invoice 2024-117");

    // No floating point on the way: 0.0035 arrives as 3500 micro-units.
    r = run_ctl({"--socket", fx.path, "wallet", "topup", "0.0035"});
    REQUIRE(r.status == 0);
    CHECK(last_topup().amount.micros == 3'500);
    CHECK_FALSE(last_topup().reason);
    CHECK(has(r.out, "balance    22.8435\n"));
    CHECK(has(r.out, "ledger_id  5\n"));
    CHECK_FALSE(has(r.out, "balance_micros"));

    r = run_ctl({"--socket", fx.path, "wallet", "get", "--ledger", "2"});
    CHECK(has(r.out, "+10.5 "));
    CHECK(has(r.out, "+0.0035"));
    CHECK(has(r.out, "invoice 2024-117"));

    // Bad amounts are refused by the protocol layer, naming the field; the
    // handler never sees them.
    const std::size_t before = seen();
    for (const std::string amount : {"10,50", "0", "0.00", "1.1234567", "EUR5"}) {
        INFO(amount);
        r = run_ctl({"--socket", fx.path, "wallet", "topup", amount});
        CHECK(r.status == 1);
        CHECK(has(r.err, "bad_request"));
        CHECK(has(r.err, "(field: amount)"));
        CHECK(r.out.empty());
    }
    r = run_ctl({"--socket", fx.path, "wallet", "topup", "10,50"});
    CHECK(has(r.err, "expected a decimal string such as \"10.50\""));
    r = run_ctl({"--socket", fx.path, "wallet", "topup", "5", "--reason", std::string(201, 'r')});
    CHECK(r.status == 1);
    CHECK(has(r.err, "(field: reason)"));
    CHECK(seen() == before);

    r = run_ctl({"--socket", fx.path, "wallet", "topup", "5", "--reason", "disabled"});
    CHECK(r.status == 1);
    CHECK(has(r.err, "service_disabled"));

    CHECK(run_ctl({"--socket", fx.path, "wallet", "topup"}).status == 2);
    r = run_ctl({"--socket", fx.path, "wallet", "topup", "-5"});
    CHECK(r.status == 1);
    CHECK(has(r.err, "(field: amount)"));
    const Run help = run_ctl({"wallet", "topup", "--help"});
    CHECK(help.status == 0);
    CHECK(has(help.out, "--reason"));
    CHECK(has(help.out, "Examples:"));
}

TEST_CASE("smsgwctl: wallet withdraw takes an exact amount out, at most the balance") {
    ServerFixture fx;
    const auto last_withdrawal = [&] {
        return fx.on_io(
            [&] { return std::get<api::WalletWithdrawParams>(fx.handler.seen.back().params); });
    };
    Run r = run_ctl({"--socket", fx.path, "wallet", "withdraw", "1.95", "--reason", "paid back"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(last_withdrawal().amount.micros == 1'950'000);
    CHECK(last_withdrawal().reason == "paid back");
    CHECK(has(r.out, "balance    10.39\n"));
    CHECK(has(r.out, "ledger_id  4\n"));
    r = run_ctl({"--socket", fx.path, "wallet", "get", "--ledger", "1"});
    CHECK(has(r.out, "-1.95"));
    CHECK(has(r.out, "paid back"));

    r = run_ctl({"--socket", fx.path, "wallet", "withdraw", "10.40"});
    CHECK(r.status == 1);
    CHECK(has(r.err, "expected at most 10.39"));
    CHECK(has(r.err, "(field: amount)"));
    const Run help = run_ctl({"wallet", "withdraw", "--help"});
    CHECK(help.status == 0);
    CHECK(has(help.out, "sms.currency"));
}

TEST_CASE("smsgwctl: send --batch takes JSON lines or a JSON array, other options fill in") {
    ServerFixture fx;
    const auto seen = [&] { return fx.on_io([&] { return fx.handler.seen.size(); }); };
    const auto last_batch = [&] {
        return fx.on_io(
            [&] { return std::get<api::SendBatchParams>(fx.handler.seen.back().params); });
    };
    const std::string array_file = fx.dir + "/batch.json";
    std::ofstream(array_file) << "[\n  {\"to\":\"+4917612345678\",\"text\":\"a\"},\n"
                                 "  {\"to\":\"+4915112345678\",\"text\":\"b\",\"priority\":1}\n]\n";

    Run r = run_ctl({"--socket", fx.path, "send", "--batch", array_file, "--priority", "7",
                     "--category", "marketing", "--no-report"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(has(r.out, "MESSAGE_ID"));
    CHECK(has(r.out, "100"));
    auto batch = last_batch();
    REQUIRE(batch.messages.size() == 2);
    CHECK(batch.messages[0].params.priority == 7);
    CHECK(batch.messages[1].params.priority == 1);  // the file's own value wins
    CHECK(batch.messages[0].params.category == api::Category::marketing);
    CHECK(batch.messages[1].params.category == api::Category::marketing);
    CHECK_FALSE(batch.messages[1].params.report);

    r = run_ctl(
        {"--socket", fx.path, "--json", "send", "--batch", "-"},
        "{\"to\":\"+4917612345678\",\"text\":\"x\"}\n\n{\"to\":\"+4915112345678\",\"text\":\"y\"}\n"
        "{\"to\":\"+4915212345678\",\"text\":\"z\"}\n");
    REQUIRE(r.status == 0);
    CHECK(json::parse(r.out).at("messages").size() == 3);
    batch = last_batch();
    REQUIRE(batch.messages.size() == 3);
    CHECK(batch.messages[2].params.text == "z");
    CHECK(batch.messages[0].params.priority == 5);

    r = run_ctl({"--socket", fx.path, "send-batch", array_file});  // the array form here too
    REQUIRE(r.status == 0);
    CHECK(last_batch().messages.size() == 2);

    // The daemon refuses the item at fault on its own, named from 0; the table
    // shows the error's code and field as columns.
    const std::string bad_item = fx.dir + "/bad-item.json";
    std::ofstream(bad_item)
        << "[{\"to\":\"+4917612345678\",\"text\":\"a\"},{\"to\":\"x\",\"text\":\"b\"}]";
    r = run_ctl({"--socket", fx.path, "send", "--batch", bad_item});
    INFO(r.out);
    CHECK(r.status == 0);
    CHECK(has(r.out, "ERROR.CODE"));
    CHECK(has(r.out, "invalid_number"));
    CHECK(has(r.out, "messages[1].to"));

    // Usage errors: nothing reaches the daemon.
    const std::size_t before = seen();
    const std::string broken = fx.dir + "/broken.json", numbers = fx.dir + "/numbers.json",
                      empty = fx.dir + "/empty.json";
    std::ofstream(broken) << "[{\"to\":\"+4917612345678\",";
    std::ofstream(numbers) << "[{\"to\":\"+4917612345678\",\"text\":\"a\"}, 5]";
    std::ofstream(empty) << " []\n";
    r = run_ctl({"--socket", fx.path, "send", "--batch", broken});
    CHECK(r.status == 2);
    CHECK(has(r.err, "not a JSON array (malformed at byte"));
    r = run_ctl({"--socket", fx.path, "send", "--batch", numbers});
    CHECK(r.status == 2);
    CHECK(has(r.err, "item 1: expected a JSON object"));
    const std::string huge = fx.dir + "/huge.json";
    std::ofstream(huge) << "[{\"to\":\"+4917612345678\",\"text\":\"a\",\"priority\":1e400}]";
    r = run_ctl({"--socket", fx.path, "send", "--batch", huge});
    CHECK(r.status == 2);
    CHECK(has(r.err, "not a JSON array (a number in it is too large)"));
    r = run_ctl({"--socket", fx.path, "send", "--batch", empty});
    CHECK(r.status == 2);
    CHECK(has(r.err, "no messages in"));
    r = run_ctl({"--socket", fx.path, "send", "--batch", array_file, "--to", "+4917612345678"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "leave out --to and --text"));
    r = run_ctl({"--socket", fx.path, "send", "--batch", array_file, "--idempotency-key", "k"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "idempotency_key per message"));
    r = run_ctl({"--socket", fx.path, "send", "--batch", fx.dir + "/missing.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "cannot read"));
    r = run_ctl({"--socket", fx.path, "send", "--to", "+4917612345678"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "--to and --text"));
    CHECK(seen() == before);
    for (const auto& f : {array_file, bad_item, broken, numbers, empty}) ::unlink(f.c_str());
}

TEST_CASE("smsgwctl: message get shows what became of it first, parts by number, reasons whole") {
    ServerFixture fx;
    Run r = run_ctl({"--socket", fx.path, "message", "get", "77"});
    REQUIRE(r.status == 0);
    const std::string& out = r.out;
    INFO(out);
    // The summary: state first, then recipient, segments, the cost as a decimal, modem, times.
    CHECK(out.starts_with("state  "));
    std::size_t at = 0;
    for (const char* key :
         {"\nto ", "\nsegments ", "\ncost ", "\nmodem ", "\ncreated_at ", "\nupdated_at "}) {
        const auto next = out.find(key);
        CHECK(next != std::string::npos);
        CHECK(next > at);
        at = next;
    }
    CHECK(has(out, "0.18 EUR\n"));
    CHECK_FALSE(has(out, "\ncurrency"));
    CHECK_FALSE(has(out, "cost_micros"));
    CHECK_FALSE(has(out, "idempotency_key"));  // unset: --json has it
    // Parts by number, without the PDU; history names parts by number too.
    CHECK(has(out, "parts:\nSEQ  STATE      MODEM     TP_MR"));
    CHECK_FALSE(has(out, "AAAAAAAAAA"));
    CHECK(has(out, "history:\nAT                         ENTITY   FROM     TO"));
    CHECK(has(out,
              "  part 2   sending  sent     TP-MR 18 after a retry: +CMS ERROR 38 network out "
              "of order on the first try\n"));
    CHECK(has(out, "  part 1   sending  sent     TP-MR 17\n"));
    CHECK_FALSE(has(out, "301"));
    CHECK_FALSE(has(out, "…"));

    // A queued message says first what it waits for.
    r = run_ctl({"--socket", fx.path, "message", "get", "78"});
    REQUIRE(r.status == 0);
    INFO(r.out);
    CHECK(
        r.out.starts_with("state            queued\n"
                          "waiting          office-1 is registering, not ready (the send asked "
                          "for it)\n"
                          "to               +4917612345678\n"));
    CHECK(has(r.out, "NEXT_ATTEMPT_AT"));
}

TEST_CASE("smsgwctl: settings get shows each key as settings set takes it, the key first") {
    ServerFixture fx;
    const Run r = run_ctl({"--socket", fx.path, "settings", "get"});
    REQUIRE(r.status == 0);
    INFO(r.out);
    // The summary in the daemon's key order, the values as `settings set` reads them.
    CHECK(
        r.out.starts_with("KEY                   VALUE\n"
                          "sms.enabled           true\n"
                          "sms.company_name      \"ACME GmbH\"\n"
                          "sms.cost_per_segment  \"0.09\"\n"
                          "sms.max_segments      10\n"));
    CHECK_FALSE(has(r.out, "settings.sms"));
    // Details: KEY first, the description last and whole.
    CHECK(has(r.out, "\ndetails:\nKEY                   TYPE     DEFAULT  MIN_ROLE  UPDATED_AT"));
    CHECK(has(r.out,
              "Send SMS at all. Off: every send is refused with service_disabled (a paid "
              "service).\n"));
    CHECK(has(r.out, "2024-05-02T09:00:00+02:00  1000"));
    CHECK_FALSE(has(r.out, "…"));
    CHECK(has(r.out, "smsgwctl settings set KEY VALUE"));
}

TEST_CASE("smsgwctl: help texts say what the daemon does") {
    // An opted-out number gets no message at all, transactional ones too, unless
    // the admin allowed those (DESIGN.md, setting optout.allow_transactional).
    Run r = run_ctl({"optout", "add", "--help"});
    CHECK(r.status == 0);
    CHECK(has(r.out, "every send to it is refused (opted_out)"));
    CHECK(has(r.out, "optout.allow_transactional"));
    CHECK_FALSE(has(r.out, "marketing sends to it are refused"));

    // Every key smsgwd takes, from its own table, with the value and the role.
    r = run_ctl({"settings", "set", "--help"});
    CHECK(r.status == 0);
    for (const api::SettingSpec& spec : api::setting_specs()) {
        INFO(spec.key);
        CHECK(has(r.out, "\n  " + std::string(spec.key) + "  ("));
    }
    CHECK(has(r.out, "  sms.max_segments  (an integer from 1 to 255; admin)\n"));
    CHECK(has(r.out, "  sms.company_name  (text, at most 50 characters; manager)\n"));
    CHECK(has(r.out, "      Send SMS at all (a paid service)."));

    // The stream outlives --timeout: said where people look.
    r = run_ctl({"events", "--help"});
    CHECK(r.status == 0);
    CHECK(has(r.out, "--timeout does not end it"));
    CHECK(has(r.out, "once\nsubscribed, the stream runs until stopped"));
}
