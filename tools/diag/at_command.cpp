// `smsgw-diag at PORT`: an AT terminal over the daemon's AtEngine. Each line
// read is one command (sent with <CR>); its answer is shown when it is
// complete, unsolicited lines whenever they come, failures with the error
// table's text, class and hint. "AT+CMGS=<length>" takes the next line as the
// PDU and sends it after the modem's "> " prompt with Ctrl-Z (TS 27.005
// §3.5.1). Reads a terminal interactively, or a pipe/file to its end, so
// scripts and tests can feed commands; exits after the last answer.
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>

#include "drivers/at/text.hpp"
#include "tools/diag/commands.hpp"
#include "tools/diag/output.hpp"
#include "tools/diag/port_link.hpp"
#include "tools/diag/transcript.hpp"

namespace smsgw::diag {

namespace {

struct AtArgs {
    std::string port;
    int baud = 115200;
    double timeout_seconds = 0;
    bool json = false, verbose = false;
};

// Lines of stdin, whatever it is: a terminal or a pipe through the reactor, a
// regular file read directly (Asio performs those reads without epoll).
class LineReader {
  public:
    explicit LineReader(asio::any_io_executor ex) : stream_(ex, ::dup(STDIN_FILENO)) {}
    ~LineReader() {
        // The descriptor shares its file status with the shell's stdin: leave it blocking.
        const int flags = ::fcntl(STDIN_FILENO, F_GETFL);
        if (flags >= 0) ::fcntl(STDIN_FILENO, F_SETFL, flags & ~O_NONBLOCK);
    }
    // The next line without its end; nullopt at the end of input.
    awaitable<std::optional<std::string>> next() {
        for (;;) {
            if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                if (!line.empty() && line.back() == '\r') line.pop_back();
                co_return line;
            }
            if (eof_) {
                if (buffer_.empty()) co_return std::nullopt;
                std::string line = std::move(buffer_);
                buffer_.clear();
                co_return line;
            }
            char chunk[4096];
            boost::system::error_code ec;
            const std::size_t n = co_await stream_.async_read_some(
                asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
            buffer_.append(chunk, n);
            if (ec) eof_ = true;
        }
    }

  private:
    asio::posix::stream_descriptor stream_;
    std::string buffer_;
    bool eof_ = false;
};

nlohmann::json reply_json(const std::string& shown, const drivers::Reply& r, bool error_codes_on) {
    nlohmann::json j{{"command", shown},
                     {"lines", r.lines},
                     {"final", r.final.line},
                     {"outcome", at::to_string(r.final.outcome)}};
    if (r.final.error) {
        const auto& e = r.final.error->entry();
        j["error"] = {{"code", r.final.error->code},
                      {"name", e.name},
                      {"text", e.text},
                      {"class", at::to_string(e.error_class)},
                      {"hint", e.hint}};
        if (r.final.bare_error()) {  // no code, so no class
            j["error"]["class"] = nullptr;
            j["error"]["hint"] = bare_error_hint(error_codes_on);
        }
    }
    if (!r.final.reason.empty()) j["reason"] = r.final.reason;
    return j;
}

awaitable<int> run_terminal(asio::any_io_executor ex, const AtArgs& a) {
    const bool interactive = ::isatty(STDIN_FILENO) != 0;
    PortLink link(ex, a.port);
    if (auto failure = link.open(a.baud)) {
        std::cerr << "smsgw-diag: " << failure->what << "\n  hint: " << failure->hint << "\n";
        co_return 1;
    }
    Transcript transcript(&std::cout, /*echo_commands=*/!interactive);
    if (a.json)
        link.engine().on_urc([](const at::Urc& u) {
            std::cout << nlohmann::json{{"urc", u.lines}}.dump() << std::endl;
        });
    else
        link.show(&transcript);
    if (interactive && !a.json)
        std::cout << "connected to " << a.port
                  << " — type AT commands, Ctrl-D to quit; after AT+CMGS=<length> type the PDU\n";

    LineReader input(ex);
    // AT+CMGS in PDU mode: a number, not a quoted address (that would be text mode).
    static const std::regex cmgs_pdu(R"(^\s*AT\s*\+\s*CMGS\s*=\s*\d+\s*$)", std::regex::icase);
    static const std::regex cmgs_text(R"(^\s*AT\s*\+\s*CMGS\s*=\s*")", std::regex::icase);
    while (auto line = co_await input.next()) {
        const std::string text(at::trim(*line));
        if (text.empty()) continue;
        at::Command cmd;
        cmd.text = text;
        if (a.timeout_seconds > 0)
            cmd.timeout = at::Millis(static_cast<long>(a.timeout_seconds * 1000));
        if (std::regex_search(text, cmgs_text)) {
            std::cout << "! text-mode AT+CMGS is not supported here: use PDU mode (AT+CMGF=0) and "
                         "`smsgw-diag pdu encode` for the PDU\n";
            continue;
        }
        if (std::regex_search(text, cmgs_pdu)) {
            if (interactive && !a.json) std::cout << "PDU> " << std::flush;
            auto pdu = co_await input.next();
            if (!pdu) {
                std::cout << "! no PDU after " << text << ": not sent\n";
                break;
            }
            cmd.pdu = std::string(at::trim(*pdu));
        }
        const std::string shown = at::shown_command(cmd);
        if (a.json) {
            const auto reply = co_await link.ask(std::move(cmd));
            std::cout << reply_json(shown, reply, link.error_codes_on()).dump() << std::endl;
            continue;
        }
        const auto reply = co_await link.ask(std::move(cmd));
        if (reply.final.error || reply.final.outcome != at::Outcome::ok)
            std::cout << "  (" << describe_final(reply.final, link.error_codes_on()) << ")\n";
    }
    link.show(nullptr);
    link.close();
    co_return 0;
}

}  // namespace

void add_at_command(CLI::App& app, int& status) {
    auto args = std::make_shared<AtArgs>();
    auto* cmd = app.add_subcommand(
        "at", "interactive AT terminal (reads commands from stdin when it is not a terminal)");
    cmd->add_option("port", args->port, "serial port of the modem")->required();
    cmd->add_option("--baud", args->baud, "line speed")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--timeout", args->timeout_seconds,
                    "seconds to wait for each answer (default: 5, 120 after a PDU)")
        ->check(CLI::Range(0.0, 3600.0));
    cmd->add_flag("--json", args->json,
                  "one JSON object per answer: {command, lines, final, outcome, error}, "
                  "and {urc} for unsolicited lines");
    cmd->add_flag("-v,--verbose", args->verbose, "log the AT engine's every step to stderr");
    cmd->callback([args, &status] {
        set_verbose(args->verbose);
        status = run_on_io([&](asio::any_io_executor ex) { return run_terminal(ex, *args); });
    });
}

}  // namespace smsgw::diag
