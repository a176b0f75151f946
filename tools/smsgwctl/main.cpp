// smsgwctl: the command-line client of smsgwd's socket (DESIGN.md, "Programs"
// and "Socket protocol"). One subcommand per operation; each builds the op's
// parameters from its options, sends one request, and prints the result as
// tables (or exactly the daemon's JSON with --json). Exit status: 0 success,
// 1 the daemon answered an error, 2 usage error, 3 the daemon is unreachable.
// Validation is the daemon's: what it refuses comes back with the field named.
// Only integer arguments are checked here, against the same op table, since a
// number beyond int64 cannot even be sent as typed.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/api/client.hpp"
#include "daemon/api/error.hpp"
#include "daemon/api/op_table.hpp"
#include "daemon/api/setting_keys.hpp"
#include "daemon/api/suggest.hpp"
#include "daemon/api/vocabulary.hpp"
#include "tools/smsgwctl/daemon_link.hpp"
#include "tools/smsgwctl/render.hpp"
#include "tools/smsgwctl/setting_keys_help.hpp"

namespace {

using nlohmann::json;
using smsgw::ctl::DaemonLink;

enum Exit : int { exit_ok = 0, exit_error_answer = 1, exit_usage = 2, exit_unreachable = 3 };

constexpr const char* default_socket = "/run/smsgw/smsgw.sock";
constexpr double default_timeout_seconds = 30;

// How long a request waits for the daemon (connect, write, its answer); zero:
// for ever. Set once from --timeout before any request.
std::chrono::milliseconds answer_timeout{static_cast<long>(default_timeout_seconds * 1000)};

// A usage problem found after parsing (an unreadable file, a bad JSON line).
struct UsageError {
    std::string message;
};

// One subcommand: the op it sends and how its options become parameters.
struct Command {
    CLI::App* app = nullptr;
    std::string op;
    std::vector<std::function<void(json&)>> fill;
    // After `fill`; may change the op (send --batch) and throw UsageError.
    std::function<void(json& params, std::string& op)> prepare;
    // The table view of the result; render_result when unset.
    std::function<std::string(const nlohmann::ordered_json& result, const json& params)> render;
};

// The table view of a command whose rendering needs only the result.
void shown_by(Command& c, std::string (*render)(const nlohmann::ordered_json& result)) {
    c.render = [render](const nlohmann::ordered_json& result, const json&) {
        return render(result);
    };
}

template <std::size_t N>
std::vector<std::string> names(const std::array<std::string_view, N>& list) {
    return {list.begin(), list.end()};
}

template <typename T>
CLI::Option* param(Command& c, const std::string& flags, const std::string& key,
                   const std::string& help) {
    auto value = std::make_shared<T>();
    CLI::Option* option = c.app->add_option(flags, *value, help);
    c.fill.push_back([option, value, key](json& p) {
        if (option->count()) p[key] = *value;
    });
    return option;
}

// An integer argument, read as text: CLI11 would clamp a number beyond int64
// to its largest value and send another id than the one typed. It is checked
// against the bounds the op table gives `key` (the daemon's own table), so a
// number out of range is a usage error naming the argument and the range.
CLI::Option* integer_param(Command& c, const std::string& flags, const std::string& key,
                           const std::string& help) {
    auto text = std::make_shared<std::string>();
    CLI::Option* option = c.app->add_option(flags, *text, help)->type_name("INT");
    std::int64_t min = INT64_MIN, max = INT64_MAX;
    if (const smsgw::api::OpInfo* op = smsgw::api::find_op(c.op))
        for (const smsgw::api::ParamSpec& spec : op->params)
            if (spec.name == key) min = spec.min, max = spec.max;
    c.fill.push_back([option, text, key, min, max](json& p) {
        if (!option->count()) return;
        std::int64_t value = 0;
        const char* end = text->data() + text->size();
        const auto [stop, error] = std::from_chars(text->data(), end, value);
        if (text->empty() || error != std::errc{} || stop != end || value < min || value > max)
            throw UsageError{option->get_name() + ": expected an integer from " +
                             std::to_string(min) + " to " + std::to_string(max) + ", got \"" +
                             *text + "\""};
        p[key] = value;
    });
    return option;
}

// A flag that sets `key` to `value` when given.
void flag(Command& c, const std::string& flags, const std::string& key, bool value,
          const std::string& help) {
    CLI::Option* option = c.app->add_flag(flags, help);
    c.fill.push_back([option, key, value](json& p) {
        if (option->count()) p[key] = value;
    });
}

std::string read_all(std::istream& in) {
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `--text -`: the message is stdin, without the newline an `echo` adds.
void text_from_stdin(json& p, std::string&) {
    if (!p.contains("text") || p["text"] != "-") return;
    std::string text = read_all(std::cin);
    if (text.ends_with("\r\n"))
        text.resize(text.size() - 2);
    else if (text.ends_with('\n'))
        text.pop_back();
    p["text"] = std::move(text);
}

// send_batch's messages from `path` ('-': stdin): a JSON array of objects, or
// JSON lines, one object a line (blank lines skipped).
json read_batch(const std::string& path) {
    std::ifstream file;
    if (path != "-") {
        file.open(path);
        if (!file) throw UsageError{"cannot read " + path};
    }
    const std::string content = read_all(path == "-" ? std::cin : file);
    const std::string example = "a JSON object like {\"to\":\"+49…\",\"text\":\"…\"}";
    json messages = json::array();
    if (const auto first = content.find_first_not_of(" \t\r\n");
        first != std::string::npos && content[first] == '[') {
        try {
            messages = json::parse(content);
        } catch (const json::parse_error& e) {
            throw UsageError{path + ": not a JSON array (malformed at byte " +
                             std::to_string(e.byte) + ")"};
        } catch (const json::out_of_range&) {
            throw UsageError{path + ": not a JSON array (a number in it is too large)"};
        }
        for (std::size_t i = 0; i < messages.size(); ++i)
            if (!messages[i].is_object())
                throw UsageError{path + " item " + std::to_string(i) + ": expected " + example};
    } else {
        std::istringstream lines(content);
        std::string line;
        for (int number = 1; std::getline(lines, line); ++number) {
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            json item = json::parse(line, nullptr, false);
            if (!item.is_object())
                throw UsageError{path + " line " + std::to_string(number) + ": expected " +
                                 example};
            messages.push_back(std::move(item));
        }
    }
    if (messages.empty()) throw UsageError{"no messages in " + path};
    return messages;
}

// `settings set KEY VALUE`: true/false and integers are sent typed.
// A setting's value as typed on the command line: text for the keys that take
// text whatever it looks like (a company name "123", a caption of digits),
// else true/false and integers as such.
json setting_value(const std::string& key, const std::string& text, bool as_string) {
    using T = smsgw::api::SettingType;
    const auto* spec = smsgw::api::find_setting(key);
    if (as_string || (spec && (spec->type == T::text || spec->type == T::reply_text ||
                               spec->type == T::currency || spec->type == T::sender_caption)))
        return text;
    if (text == "true") return true;
    if (text == "false") return false;
    if (!text.empty() && text.find_first_not_of("-0123456789") == std::string::npos &&
        text.find('-', 1) == std::string::npos) {
        try {
            std::size_t used = 0;
            const long long v = std::stoll(text, &used);
            if (used == text.size()) return v;
        } catch (const std::exception&) {
        }
    }
    return text;
}

// Prints the daemon's error answer the way scripts and people both read it.
int report_error(const smsgw::api::Error& error) {
    std::cerr << "smsgwctl: " << smsgw::api::to_string(error.code) << ": " << error.message;
    if (!error.field.empty()) std::cerr << " (field: " << error.field << ")";
    std::cerr << "\n";
    return exit_error_answer;
}

// Sends one request and waits for its reply (events on the way are skipped).
// `reply` receives the reply line when the daemon answered.
int exchange(const std::string& socket, const json& request, std::optional<DaemonLink>& link,
             smsgw::api::Reply& reply, std::string& reply_line) {
    auto connected = DaemonLink::connect(socket, answer_timeout);
    if (!connected) {
        std::cerr << "smsgwctl: " << connected.error() << "\n";
        return exit_unreachable;
    }
    link.emplace(std::move(*connected));
    if (auto written = link->write(request.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
        !written) {
        std::cerr << "smsgwctl: lost the daemon at " << socket << ": " << written.error() << "\n";
        return exit_unreachable;
    }
    std::optional<DaemonLink::Clock::time_point> deadline;
    if (answer_timeout.count() > 0) deadline = DaemonLink::Clock::now() + answer_timeout;
    for (;;) {
        const auto read = link->read_line(reply_line, false, deadline);
        if (read == DaemonLink::Read::timed_out) {
            std::cerr << "smsgwctl: the daemon at " << socket << " did not answer within "
                      << std::chrono::duration<double>(answer_timeout).count()
                      << " s (is it stuck? systemctl status smsgwd; --timeout changes the wait)\n";
            return exit_unreachable;
        }
        if (read == DaemonLink::Read::closed) {
            std::cerr << "smsgwctl: the daemon at " << socket
                      << " closed the connection without answering\n";
            return exit_unreachable;
        }
        if (read == DaemonLink::Read::failed || read == DaemonLink::Read::interrupted) {
            std::cerr << "smsgwctl: lost the daemon at " << socket << ": " << link->failure() << "\n";
            return exit_unreachable;
        }
        auto parsed = smsgw::api::parse_server_line(reply_line);
        if (!parsed) {
            std::cerr << "smsgwctl: " << socket << " answered something else than smsgw protocol 1 ("
                      << parsed.error() << ")\n";
            return exit_unreachable;
        }
        if (auto* r = std::get_if<smsgw::api::Reply>(&*parsed)) {
            // id null: the daemon refused the connection itself (overloaded).
            if (r->id != "1" && r->id != "null") continue;
            reply = std::move(*r);
            return reply.ok ? exit_ok : report_error(reply.error);
        }
    }
}

int run_request(const std::string& socket, bool json_out, const std::string& op, json params,
                const Command& command) {
    const json given = params;
    params["id"] = 1;
    params["op"] = op;
    std::optional<DaemonLink> link;
    smsgw::api::Reply reply;
    std::string line;
    if (const int rc = exchange(socket, params, link, reply, line); rc != exit_ok) return rc;
    // The result as the daemon wrote it: key order kept, nothing added.
    const auto ordered = nlohmann::ordered_json::parse(line, nullptr, false);
    const auto& result = ordered.is_object() && ordered.contains("result")
                             ? ordered["result"]
                             : nlohmann::ordered_json::object();
    if (json_out)
        std::cout << result.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    else if (command.render)
        std::cout << command.render(result, given);
    else
        std::cout << smsgw::ctl::render_result(result);
    return exit_ok;
}

// `events`: SIGINT/SIGTERM shut the socket down, which ends the blocking read
// whenever the signal lands (no window between a flag check and read()).
volatile std::sig_atomic_t interrupted = 0;
volatile std::sig_atomic_t events_fd = -1;

extern "C" void on_interrupt(int) {
    interrupted = 1;
    if (events_fd >= 0) ::shutdown(events_fd, SHUT_RDWR);
}

// Without --event: every event the caller's role may receive, learnt from
// hello — the daemon refuses a subscription naming one it may not see.
int events_for_role(const std::string& socket, std::vector<std::string>& events) {
    std::optional<DaemonLink> link;
    smsgw::api::Reply reply;
    std::string line;
    if (const int rc = exchange(socket, {{"id", 1}, {"op", "hello"}}, link, reply, line);
        rc != exit_ok)
        return rc;
    const auto role = smsgw::api::role_from_string(reply.result.value("role", ""))
                          .value_or(smsgw::api::Role::member);
    for (const smsgw::api::EventName event : smsgw::api::events_visible_to(role))
        events.emplace_back(smsgw::api::to_string(event));
    return exit_ok;
}

int run_events(const std::string& socket, bool json_out, std::vector<std::string> events) {
    if (events.empty())
        if (const int rc = events_for_role(socket, events); rc != exit_ok) return rc;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);

    std::optional<DaemonLink> link;
    smsgw::api::Reply reply;
    std::string line;
    const json request = {{"id", 1}, {"op", "subscribe"}, {"events", events}};
    if (const int rc = exchange(socket, request, link, reply, line); rc != exit_ok) return rc;
    events_fd = link->fd();
    if (interrupted) return exit_ok;
    std::cerr << "smsgwctl: streaming " << reply.result.value("events", json::array()).size()
              << " event type(s) from " << socket << "; Ctrl-C ends\n";
    for (;;) {
        const auto read = link->read_line(line, true);
        if (interrupted) return exit_ok;
        if (read == DaemonLink::Read::interrupted) continue;
        if (read != DaemonLink::Read::line) {
            std::cerr << "smsgwctl: the daemon at " << socket << " closed the event stream"
                      << (read == DaemonLink::Read::failed ? ": " + link->failure() : "") << "\n";
            return exit_unreachable;
        }
        auto parsed = smsgw::api::parse_server_line(line);
        if (!parsed) continue;
        const auto* event = std::get_if<smsgw::api::EventMessage>(&*parsed);
        if (!event) continue;
        if (json_out)
            std::cout << line << "\n" << std::flush;
        else {
            auto fields = nlohmann::ordered_json::parse(line, nullptr, false);
            fields.erase("event");
            std::cout << smsgw::ctl::render_event(event->name, fields) << std::flush;
        }
        if (event->name == "subscription.dropped") {
            std::cerr << "smsgwctl: the daemon dropped this subscription: "
                      << event->fields.value("reason", "no reason given")
                      << " (read events faster, or subscribe to fewer)\n";
            return exit_error_answer;
        }
    }
}

// A command missing, or a word where one was expected that names none
// ("smsgwctl mesage list"): CLI11 says only "A subcommand is required". Said
// here with the word, a near name and the commands at that level.
std::optional<std::string> missing_command(const CLI::App& app) {
    const CLI::App* at = &app;
    for (auto parsed = at->get_subcommands(); !parsed.empty(); parsed = at->get_subcommands())
        at = parsed.front();
    if (at->get_require_subcommand_min() == 0 || !at->get_subcommands().empty())
        return std::nullopt;
    const auto extra = app.remaining(true);
    if (!extra.empty() && extra.front().starts_with("-")) return std::nullopt;
    std::vector<std::string> names;
    for (const CLI::App* sub : at->get_subcommands([](const CLI::App*) { return true; }))
        names.push_back(sub->get_name());
    std::vector<std::string_view> known(names.begin(), names.end());
    std::string where = at == &app ? "smsgwctl" : "smsgwctl " + at->get_name();
    std::string text = extra.empty() ? where + ": a command is required"
                                     : where + ": unknown command \"" + extra.front() + "\"" +
                                           smsgw::api::did_you_mean(extra.front(), known);
    text += "\n" + where + " takes one of:";
    for (const auto& n : names) text += " " + n;
    return text + "\nRun '" + where + " --help' for what each does.\n";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"smsgwctl — talk to the smsgw SMS gateway daemon (smsgwd) over its Unix socket.\n"
                 "Every subcommand sends one operation of socket protocol 1 and prints its result;\n"
                 "the daemon checks the parameters and your role (member, manager, admin) and\n"
                 "answers errors with the parameter at fault.",
                 "smsgwctl"};
    app.fallthrough();  // --socket and --json may also follow the subcommand
    app.set_version_flag("--version", std::string(SMSGW_VERSION));
    app.require_subcommand(1);
    const char* env_socket = std::getenv("SMSGW_SOCKET");
    std::string socket = env_socket && *env_socket ? env_socket : default_socket;
    bool json_out = false;
    app.add_option("--socket", socket,
                   "the daemon's socket (default: $SMSGW_SOCKET, else /run/smsgw/smsgw.sock)")
        ->capture_default_str();
    double timeout_seconds = default_timeout_seconds;
    app.add_option("--timeout", timeout_seconds,
                   "seconds to wait for the daemon's answer before giving up with exit status 3; "
                   "0 waits for ever (events stream for ever once subscribed)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 86400.0));
    app.add_flag("--json", json_out,
                 "print exactly the daemon's JSON result on one line instead of tables");

    std::vector<std::unique_ptr<Command>> commands;
    const auto command = [&](CLI::App* parent, const std::string& name, const std::string& op,
                             const std::string& help) -> Command& {
        auto& c = *commands.emplace_back(std::make_unique<Command>());
        c.app = parent->add_subcommand(name, help);
        c.op = op;
        return c;
    };
    const auto group = [&](const std::string& name, const std::string& help) {
        CLI::App* sub = app.add_subcommand(name, help);
        sub->require_subcommand(1);
        return sub;
    };

    // ---- hello ------------------------------------------------------------------
    command(&app, "hello", "hello",
            "Show the daemon's version, its protocol version and your role.")
        .app->footer("Example:\n  smsgwctl hello\n");

    // ---- send -------------------------------------------------------------------
    auto& send = command(&app, "send", "send",
                         "Queue one SMS. Answers once the message is stored durably: its id, "
                         "segments, encoding, cost and state.");
    // --to and --text are required unless --batch gives the messages (checked in prepare).
    param<std::string>(send, "--to", "to",
                       "recipient, E.164 (+4917…) or national with default_country (required)");
    param<std::string>(send, "--text", "text",
                       "message text (UTF-8); '-' reads it from stdin (required)");
    auto send_batch_file = std::make_shared<std::string>();
    CLI::Option* send_batch_option = send.app->add_option(
        "--batch", *send_batch_file,
        "send_batch instead: the messages from FILE ('-': stdin), JSON lines or a JSON array; "
        "the other options given apply to every message that does not set them");
    param<std::string>(send, "--encoding", "encoding", "auto (default), gsm7 or ucs2")
        ->check(CLI::IsMember(names(smsgw::api::encoding_names)));
    flag(send, "--transliterate", "transliterate", true,
         "replace characters outside GSM-7 (é → e, „ → \") instead of sending UCS-2");
    flag(send, "--no-report", "report", false, "do not ask the network for a delivery report");
    integer_param(send, "--validity", "validity_minutes",
                  "minutes the network keeps trying (5…10080)");
    integer_param(send, "--priority", "priority", "0 (lowest) … 9 (highest), default 5");
    param<std::string>(send, "--not-before", "not_before",
                       "send no earlier than this ISO-8601 time with offset, at most 366 "
                       "days ahead (a past time means now)");
    param<std::string>(send, "--idempotency-key", "idempotency_key",
                       "a repeated send with the same key returns the first message");
    param<std::string>(send, "--modem", "modem",
                       "send through this modem only, whatever its route_prefixes say");
    param<std::string>(send, "--category", "category", "transactional (default) or marketing")
        ->check(CLI::IsMember(names(smsgw::api::category_names)));
    send.prepare = [send_batch_option, send_batch_file](json& p, std::string& op) {
        if (!send_batch_option->count()) {
            if (!p.contains("to") || !p.contains("text"))
                throw UsageError{"send needs --to and --text (or --batch FILE); see send --help"};
            text_from_stdin(p, op);
            return;
        }
        if (p.contains("to") || p.contains("text"))
            throw UsageError{"--batch takes every recipient and text from " + *send_batch_file +
                             "; leave out --to and --text"};
        if (p.contains("idempotency_key"))
            throw UsageError{"set idempotency_key per message in the file, not --idempotency-key"};
        json messages = read_batch(*send_batch_file);
        for (json& message : messages)
            for (const auto& [key, value] : p.items())
                if (!message.contains(key)) message[key] = value;
        p = json{{"messages", std::move(messages)}};
        op = "send_batch";
    };
    send.app->footer(
        "Examples:\n"
        "  smsgwctl send --to +4917612345678 --text \"Your order has shipped\"\n"
        "  df -h | smsgwctl send --to +4917612345678 --text - --category transactional\n"
        "  smsgwctl --json send --to +4917612345678 --text Hi --idempotency-key order-981\n"
        "  smsgwctl send --batch reminders.jsonl --not-before 2024-06-01T09:00:00+02:00\n"
        "With --batch the accepted messages are stored in one transaction (send_batch); each\n"
        "refused one is listed with its reason, and the rest are still queued (exit 0).\n"
        "A refused message exits 1 with the reason: invalid_number, opted_out, text_too_long,\n"
        "service_disabled, insufficient_balance, overloaded.\n");

    // ---- send-batch -------------------------------------------------------------
    auto& batch = command(&app, "send-batch", "send_batch",
                          "Queue many SMS in one transaction; an invalid item is refused on its own.");
    auto batch_file = std::make_shared<std::string>("-");
    batch.app->add_option("file", *batch_file,
                          "JSON lines or a JSON array, one send's parameters per item "
                          "('-' or none: stdin)");
    batch.prepare = [batch_file](json& p, std::string&) {
        p["messages"] = read_batch(*batch_file);
    };
    batch.app->footer(
        "Each line (or item of a JSON array) holds the parameters of one send (to, text,\n"
        "encoding, category, …):\n"
        "  {\"to\":\"+4917612345678\",\"text\":\"Reminder: appointment at 10:00\"}\n"
        "  {\"to\":\"+4915112345678\",\"text\":\"Spring sale\",\"category\":\"marketing\"}\n"
        "Example:\n  smsgwctl send-batch reminders.jsonl\n"
        "  (the same as: smsgwctl send --batch reminders.jsonl)\n"
        "An error names the item at fault: messages[3].to (items count from 0).\n"
        "The batch is the daemon's success even when some items are refused: it exits 0 and\n"
        "lists them (with --json the result counts them in \"refused\"); the others are\n"
        "queued, so send again only the refused ones.\n");

    // ---- message get|list|cancel ------------------------------------------------
    CLI::App* message = group("message", "Look up, list and cancel outbound messages.");
    auto& get = command(message, "get", "message.get",
                        "One message with its parts: state, modem, TP-MR, times, error, and what a "
                        "queued message waits for (waiting).");
    integer_param(get, "message_id", "message_id", "the message id")->required();
    shown_by(get, smsgw::ctl::render_message);
    get.app->footer("Example:\n  smsgwctl message get 42\n");
    auto& list = command(message, "list", "message.list", "Messages, newest first.");
    param<std::string>(list, "--state", "state", "only messages in this state")
        ->check(CLI::IsMember(names(smsgw::api::message_state_names)));
    param<std::string>(list, "--to", "to",
                       "only to this number, written as for send (E.164 or national with "
                       "default_country); an invalid one is refused");
    param<std::string>(list, "--modem", "modem", "only through this modem");
    param<std::string>(list, "--category", "category", "transactional or marketing")
        ->check(CLI::IsMember(names(smsgw::api::category_names)));
    param<std::string>(list, "--since", "since",
                       "created at or after (ISO-8601 with offset, 2026-05-04T09:00:00+02:00)");
    param<std::string>(list, "--until", "until", "created before (ISO-8601 with offset)");
    integer_param(list, "--limit", "limit", "at most this many (1…1000, default 100)");
    integer_param(list, "--before-id", "before_id",
                  "continue after the last id of the previous page");
    shown_by(list, smsgw::ctl::render_messages);
    list.app->footer("The table shows id, state, recipient, segments, modem, category, last change,\n"
                     "error and text; --json gives every field.\n"
                     "Example:\n  smsgwctl message list --state failed --since 2024-05-01T00:00:00+02:00\n");
    auto& cancel = command(message, "cancel", "message.cancel",
                           "Cancel a message none of whose parts has been handed to a modem yet "
                           "(a member: only one it submitted).");
    integer_param(cancel, "message_id", "message_id", "the message id")->required();
    cancel.app->footer("Example:\n  smsgwctl message cancel 42\n");

    // ---- inbound list -----------------------------------------------------------
    CLI::App* inbound = group("inbound", "Received messages.");
    auto& inbound_list = command(inbound, "list", "inbound.list", "Received messages, newest first.");
    param<std::string>(inbound_list, "--from", "from",
                       "only from this sender: a number as people write it (+49 176 …, or "
                       "national with default_country), a short code, or a name such as ACME "
                       "(exact case)");
    param<std::string>(inbound_list, "--modem", "modem", "only received by this modem");
    param<std::string>(inbound_list, "--since", "since",
                       "received at or after (ISO-8601 with offset, 2026-05-04T09:00:00+02:00)");
    param<std::string>(inbound_list, "--until", "until", "received before (ISO-8601 with offset)");
    integer_param(inbound_list, "--limit", "limit", "at most this many (1…1000)");
    integer_param(inbound_list, "--before-id", "before_id", "continue after this id");
    inbound_list.app->footer("Examples:\n"
                             "  smsgwctl inbound list --since 2026-05-04T00:00:00+02:00\n"
                             "  smsgwctl inbound list --from \"0176 1234 5678\" --limit 20\n");

    // ---- optout list|add|remove -------------------------------------------------
    CLI::App* optout = group("optout", "The opt-out list (STOP replies and manual entries); manager role.");
    auto& optout_list =
        command(optout, "list", "optout.list",
                "Opted-out numbers, newest first: the keyword or note, the source, and the uid "
                "of who added one by hand.");
    param<std::string>(optout_list, "--number", "number",
                       "only this number, short code or sender name (as the inbox shows it)");
    integer_param(optout_list, "--limit", "limit", "at most this many (1…1000)");
    integer_param(optout_list, "--before-id", "before_id", "continue after this id");
    optout_list.app->footer("Examples:\n  smsgwctl optout list\n"
                            "  smsgwctl optout list --number +4917612345678\n");
    auto& optout_add = command(optout, "add", "optout.add",
                               "Opt a number out: every send to it is refused (opted_out), "
                               "transactional ones too unless an admin turned on setting "
                               "optout.allow_transactional (off by default).");
    param<std::string>(optout_add, "number", "number", "the number")->required();
    param<std::string>(optout_add, "--note", "note", "why (kept with the entry)");
    optout_add.app->footer(
        "Example:\n  smsgwctl optout add \"0176 1234 5678\" --note \"asked by phone\"\n");
    auto& optout_remove = command(optout, "remove", "optout.remove", "Take a number off the list.");
    param<std::string>(optout_remove, "number", "number",
                       "the number, short code or sender name (as optout list shows it)")
        ->required();
    optout_remove.app->footer("Example:\n  smsgwctl optout remove +4917612345678\n");

    // ---- settings get|set -------------------------------------------------------
    CLI::App* settings = group("settings", "Run-time settings kept in the database; manager role "
                                           "(some keys admin).");
    auto& settings_get = command(settings, "get", "settings.get", "Show settings.");
    param<std::vector<std::string>>(settings_get, "keys", "keys", "keys to show (default: all you may read)");
    shown_by(settings_get, smsgw::ctl::render_settings);
    settings_get.app->footer(
        "Each key as settings set takes it, its value (as JSON: \"\" is an empty text), then its\n"
        "type, default, the role that may change it, its last change and what it does.\n"
        "Example:\n  smsgwctl settings get sms.enabled wallet.enabled\n");
    auto& settings_set = command(settings, "set", "settings.set", "Change one setting (logged with your uid).");
    auto set_key = std::make_shared<std::string>();
    auto set_value = std::make_shared<std::string>();
    auto set_string = std::make_shared<bool>(false);
    settings_set.app
        ->add_option("key", *set_key, "the setting, e.g. sms.enabled (every key: below)")
        ->required();
    settings_set.app->add_option("value", *set_value, "true/false, an integer, or text")->required();
    settings_set.app->add_flag("--string", *set_string,
                               "send the value as text even if it looks like a number or boolean "
                               "(keys that take text always get text)");
    settings_set.prepare = [set_key, set_value, set_string](json& p, std::string&) {
        p["key"] = *set_key;
        p["value"] = setting_value(*set_key, *set_value, *set_string);
    };
    settings_set.app->footer(
        smsgw::ctl::setting_keys_help() +
        "A manager changes the keys marked manager; an admin every key.\n"
        "Examples:\n"
        "  smsgwctl settings set sms.enabled false\n"
        "  smsgwctl settings set sms.company_name \"ACME GmbH\"\n"
        "  smsgwctl settings set sms.sender_caption 4915112345678\n"
        "The values in force, the defaults and who changed what last: smsgwctl settings get\n");

    // ---- wallet get|topup|withdraw ------------------------------------------------
    CLI::App* wallet = group("wallet",
                             "The prepaid balance messages are charged to when "
                             "wallet.enabled is on, and its ledger.");
    auto& wallet_get = command(wallet, "get", "wallet.get",
                               "The balance and the newest ledger entries (charges, refunds, "
                               "top-ups and withdrawals); admin role.");
    integer_param(wallet_get, "--ledger", "ledger_limit",
                  "how many ledger entries (0…1000, default 20; 0: the balance only)");
    integer_param(wallet_get, "--before", "before_id",
                  "continue after the last entry id of the previous page");
    wallet_get.render = [](const nlohmann::ordered_json& result, const json& p) {
        return smsgw::ctl::render_wallet(result, p.value("ledger_limit", std::int64_t{20}));
    };
    wallet_get.app->footer("Example:\n  smsgwctl wallet get --ledger 50\n");
    auto& topup =
        command(wallet, "topup", "wallet.topup",
                "Add money to the wallet (kept in the ledger with your uid); admin role.");
    // Sent as the JSON string typed, never as a number: no floating point on the way.
    param<std::string>(topup, "amount", "amount",
                       "the sum in the wallet's currency: digits, '.', up to 6 decimals (10.50)")
        ->required();
    param<std::string>(topup, "--reason", "reason", "why, e.g. an invoice number (≤ 200 bytes)");
    shown_by(topup, smsgw::ctl::render_topup);
    topup.app->footer(
        "Examples:\n"
        "  smsgwctl wallet topup 50 --reason \"invoice 2024-117\"\n"
        "  smsgwctl --json wallet topup 10.50\n"
        "The amount is exact: 0.0035 stays 0.0035. A bad amount exits 1 with (field: amount).\n");
    auto& withdraw =
        command(wallet, "withdraw", "wallet.withdraw",
                "Take money out of the wallet, at most its balance (kept in the ledger with your "
                "uid); admin role.");
    param<std::string>(withdraw, "amount", "amount",
                       "the sum in the wallet's currency: digits, '.', up to 6 decimals (1.95)")
        ->required();
    param<std::string>(withdraw, "--reason", "reason",
                       "why, e.g. a payout or a correction (≤ 200 bytes)");
    shown_by(withdraw, smsgw::ctl::render_topup);
    withdraw.app->footer(
        "Examples:\n"
        "  smsgwctl wallet withdraw 1.95 --reason \"paid back to the customer\"\n"
        "  smsgwctl wallet withdraw 1.95 && smsgwctl settings set sms.currency USD\n"
        "sms.currency changes only while the wallet is empty: its balance is one sum, in one\n"
        "currency. Empty it here, change the currency, then top it up in the new one.\n"
        "More than the balance exits 1 with (field: amount), naming the balance.\n");

    // ---- modem list, preview ----------------------------------------------------
    CLI::App* modem = group("modem", "The modems the daemon drives; admin role.");
    auto& modem_list = command(modem, "list", "modem.list",
                               "Each modem: state, operator, signal, messages sent today, "
                               "last error; admin role.");
    shown_by(modem_list, smsgw::ctl::render_modems);
    modem_list.app->footer(
        "The table shows what to check first. SIGNAL is read while a modem is ready; one that\n"
        "is not shows its last reading and its age (\"last -71 dBm 3 min ago\"), or -.\n"
        "SENT counts the parts the network took through the modem, TODAY those since local\n"
        "midnight (what max_per_day counts), RECEIVED the messages it received: all as the\n"
        "database keeps them, so a restart does not reset them. FAILED counts refusals since\n"
        "smsgwd started.\n"
        "--json adds the port, IMEI, IMSI, ICCID, SMSC, SIM storage, registration, route\n"
        "prefixes, rate limits, the part in flight, and signal_at, last_signal_dbm and\n"
        "last_signal_bars (signal_dbm and signal_bars are null while the modem is not ready).\n"
        "For why a modem is not ready, run smsgw-diag probe on its port.\n"
        "Examples:\n  smsgwctl modem list\n  smsgwctl --json modem list\n");
    auto& preview = command(&app, "preview", "preview",
                            "How a text would be sent: encoding, segments, offending characters, "
                            "transliterated alternative, cost. Sends nothing.");
    param<std::string>(preview, "--text", "text", "the text; '-' reads stdin")->required();
    param<std::string>(preview, "--encoding", "encoding", "auto (default), gsm7 or ucs2")
        ->check(CLI::IsMember(names(smsgw::api::encoding_names)));
    flag(preview, "--transliterate", "transliterate", true, "preview the transliterated text");
    param<std::string>(preview, "--to", "to", "the destination, for its cost");
    param<std::string>(preview, "--category", "category",
                       "transactional (default) or marketing (with the company prefix, when "
                       "sms.prefix_company_name is on)")
        ->check(CLI::IsMember(names(smsgw::api::category_names)));
    preview.prepare = text_from_stdin;
    preview.app->footer("Examples:\n"
                        "  smsgwctl preview --text \"Ihr Tisch ist bereit\"\n"
                        "  smsgwctl preview --text \"Café – 20 % off\" --transliterate --to +4915123456789\n");

    // ---- events -----------------------------------------------------------------
    CLI::App* events = app.add_subcommand(
        "events",
        "Stream events (message.*, inbound.received, optout.*, modem.*) until Ctrl-C; "
        "--timeout does not end it.");
    std::vector<std::string> event_filter;
    events
        ->add_option("--event", event_filter,
                     "an event to receive (repeatable; default: all your role may receive — "
                     "optout.* need manager, modem.* admin)")
        ->check(CLI::IsMember(names(smsgw::api::event_names)));
    events->footer(
        "One line per event: the name and key=value pairs, or with --json the daemon's line.\n"
        "Ctrl-C (SIGINT) or SIGTERM ends it with status 0. A reader too slow for the event rate\n"
        "is dropped by the daemon (exit 1, 'subscription.dropped').\n"
        "--timeout bounds only the wait for the daemon to accept the subscription: once\n"
        "subscribed, the stream runs until stopped, however long no event comes. For a bounded\n"
        "run, stop it from outside: timeout 60 smsgwctl events\n"
        "Example:\n  smsgwctl --json events --event message.delivered --event message.failed\n");

    app.footer(
        "Exit status:\n"
        "  0  success\n"
        "  1  the daemon answered an error (printed on stderr as code: message (field: name))\n"
        "  2  usage error\n"
        "  3  the daemon cannot be reached, or did not answer within --timeout (the message\n"
        "     names the socket and why)\n"
        "Environment:\n"
        "  SMSGW_SOCKET  the socket path when --socket is not given\n"
        "Examples:\n"
        "  smsgwctl send --to +4917612345678 --text \"Server backup failed\"\n"
        "  smsgwctl message list --state queued\n"
        "  sudo smsgwctl --json modem list       (admin role; root is admin)\n"
        "Run 'smsgwctl COMMAND --help' for a command's options.\n");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const bool required = dynamic_cast<const CLI::RequiredError*>(&e) != nullptr;
        if (const auto missing = required ? missing_command(app) : std::nullopt) {
            std::cerr << *missing;
            return exit_usage;
        }
        return app.exit(e) == 0 ? exit_ok : exit_usage;
    }

    answer_timeout = std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000));
    if (events->parsed()) return run_events(socket, json_out, event_filter);
    for (const auto& c : commands) {
        if (!c->app->parsed()) continue;
        json params = json::object();
        std::string op = c->op;
        try {
            for (const auto& fill : c->fill) fill(params);
            if (c->prepare) c->prepare(params, op);
        } catch (const UsageError& e) {
            std::cerr << "smsgwctl: " << e.message << "\n";
            return exit_usage;
        }
        return run_request(socket, json_out, op, std::move(params), *c);
    }
    std::cerr << app.help();
    return exit_usage;
}
