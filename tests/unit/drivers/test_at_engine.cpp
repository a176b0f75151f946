// AtEngine against a scripted modem: the far end of a socketpair answers each
// command line from a script, so the engine's coroutines run over real
// descriptors without a simulator. Checks: replies with a URC in the middle,
// PIN masking in the debug log, a vanished peer completing the command, and
// when a gated command's gate runs and where it stands in line.
#include <catch2/catch.hpp>

#include <sys/socket.h>

#include <map>
#include <optional>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "drivers/at_engine.hpp"

using namespace smsgw;
using namespace smsgw::drivers;
using namespace std::chrono_literals;

namespace {

// The next command line (up to <CR>) the engine wrote; nullopt once the
// engine's end is closed. `buf` keeps what was read beyond it.
awaitable<std::optional<std::string>> read_line(asio::posix::stream_descriptor& peer,
                                                std::string& buf) {
    for (;;) {
        if (const auto cr = buf.find('\r'); cr != std::string::npos) {
            std::string line = buf.substr(0, cr);
            buf.erase(0, cr + 1);
            co_return line;
        }
        char chunk[256];
        boost::system::error_code ec;
        const auto n = co_await peer.async_read_some(asio::buffer(chunk),
                                                     asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return std::nullopt;
        buf.append(chunk, n);
    }
}

// The modem side: reads a command line, writes the scripted answer.
awaitable<void> scripted_modem(asio::posix::stream_descriptor& peer,
                               std::map<std::string, std::string> script, bool hang_up_after_first) {
    std::string buf;
    while (const auto line = co_await read_line(peer, buf)) {
        if (hang_up_after_first) {
            peer.close();
            co_return;
        }
        const auto it = script.find(*line);
        const std::string answer = it != script.end() ? it->second : "\r\nERROR\r\n";
        boost::system::error_code ec;
        co_await asio::async_write(peer, asio::buffer(answer),
                                   asio::redirect_error(asio::use_awaitable, ec));
    }
}

struct Pair {
    asio::io_context io;
    asio::posix::stream_descriptor ours{io}, theirs{io};
    Pair() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
        ours.assign(fds[0]);
        theirs.assign(fds[1]);
    }
};

template <typename T>
T run(asio::io_context& io, awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T v) {
        if (e) std::rethrow_exception(e);
        out = std::move(v);
    });
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!out && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(10ms);
    }
    REQUIRE(out.has_value());
    return std::move(*out);
}

}  // namespace

TEST_CASE("AtEngine: a URC inside an answer goes to the handler, not the reply") {
    Pair p;
    asio::co_spawn(p.io,
                   scripted_modem(p.theirs,
                                  {{"AT+CSQ", "\r\n+CSQ: 20,99\r\n\r\n+CMTI: \"SM\",3\r\n\r\nOK\r\n"}},
                                  false),
                   asio::detached);
    auto engine = std::make_shared<AtEngine>(p.io.get_executor(), "modem[t]", at::SessionConfig{});
    std::vector<at::Urc> urcs;
    engine->on_urc([&](const at::Urc& u) { urcs.push_back(u); });
    engine->attach(p.ours);
    const Reply r = run(p.io, engine->command(at::Command{"AT+CSQ", {}, {}, false, false, {}}));
    CHECK(r.ok());
    CHECK(r.lines == std::vector<std::string>{"+CSQ: 20,99"});
    CHECK(r.line("+CSQ:") == "+CSQ: 20,99");
    REQUIRE(urcs.size() == 1);
    CHECK(urcs[0].kind == at::UrcKind::sms_stored);
    engine->shutdown();
}

TEST_CASE("AtEngine: the debug log masks the PIN") {
    Pair p;
    asio::co_spawn(p.io, scripted_modem(p.theirs, {{"AT+CPIN=\"2468\"", "\r\nOK\r\n"}}, false),
                   asio::detached);
    auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
    auto previous = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
    auto engine = std::make_shared<AtEngine>(p.io.get_executor(), "modem[t]", at::SessionConfig{});
    engine->attach(p.ours);
    const Reply r = run(p.io, engine->command(at::Command{"AT+CPIN=\"2468\"", {}, {}, true, false, {}}));
    engine->shutdown();
    spdlog::set_default_logger(previous);
    CHECK(r.ok());
    const auto lines = sink->last_formatted();
    REQUIRE_FALSE(lines.empty());
    bool masked = false;
    for (const auto& l : lines) {
        CHECK(l.find("2468") == std::string::npos);
        masked |= l.find("AT+CPIN=****") != std::string::npos;
    }
    CHECK(masked);
}

TEST_CASE("AtEngine: a peer that hangs up completes the command and reports gone") {
    Pair p;
    asio::co_spawn(p.io, scripted_modem(p.theirs, {}, true), asio::detached);
    auto engine = std::make_shared<AtEngine>(p.io.get_executor(), "modem[t]", at::SessionConfig{});
    std::string gone;
    engine->on_gone([&](const std::string& why) { gone = why; });
    engine->attach(p.ours);
    const Reply r = run(p.io, engine->command(at::Command{"AT", {}, {}, false, false, {}}));
    CHECK_FALSE(r.ok());
    CHECK((r.final.outcome == at::Outcome::timeout || r.final.outcome == at::Outcome::not_sent));
    CHECK(gone == "end of file");
    CHECK_FALSE(engine->attached());
    // Nothing is written to a port that is gone.
    const Reply after = run(p.io, engine->command(at::Command{"AT", {}, {}, false, false, {}}));
    CHECK(after.final.outcome == at::Outcome::not_sent);
    engine->shutdown();
}

namespace {

// The modem side for ordering checks: records each command line and answers
// OK at once, except `held`, answered only once `release` is cancelled.
awaitable<void> recording_modem(asio::posix::stream_descriptor& peer, std::string held,
                                asio::steady_timer& release, std::vector<std::string>& lines) {
    std::string buf;
    while (const auto line = co_await read_line(peer, buf)) {
        lines.push_back(*line);
        boost::system::error_code ec;
        if (*line == held)
            co_await release.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        co_await asio::async_write(peer, asio::buffer(std::string("\r\nOK\r\n")),
                                   asio::redirect_error(asio::use_awaitable, ec));
    }
}

at::Command plain(std::string text) {
    return at::Command{std::move(text), {}, {}, false, false, {}};
}

}  // namespace

TEST_CASE("AtEngine: a gated command runs its gate once the line is free, and keeps its place") {
    // A: in flight. G: gated, submitted while A is. B: submitted after G.
    // G's gate runs after A's answer, with nothing in flight; B, submitted
    // after G, waits for G's line (a busy lifecycle would otherwise take the
    // line before G every time), unless G's gate keeps G back.
    Pair p;
    asio::steady_timer release(p.io, asio::steady_timer::time_point::max());
    std::vector<std::string> lines;
    asio::co_spawn(p.io, recording_modem(p.theirs, "AT+A", release, lines), asio::detached);
    auto engine = std::make_shared<AtEngine>(p.io.get_executor(), "modem[t]", at::SessionConfig{});
    engine->attach(p.ours);
    const bool refuse = GENERATE(false, true);
    std::vector<std::string> order;  // when each completed, and when the gate ran
    std::size_t lines_at_gate = 99;
    const auto track = [&](std::string name, at::Command cmd,
                           AtEngine::Gate gate) -> awaitable<void> {
        const Reply r = co_await engine->command(std::move(cmd), std::move(gate));
        order.push_back(name + (r.ok() ? " ok" : " " + r.final.reason));
    };
    AtEngine::Gate gate = [&]() -> awaitable<std::string> {
        lines_at_gate = lines.size();
        order.push_back("gate");
        co_return refuse ? std::string("kept back") : std::string();
    };
    asio::co_spawn(p.io, track("A", plain("AT+A"), {}), asio::detached);
    asio::co_spawn(p.io, track("G", plain("AT+G"), gate), asio::detached);
    asio::co_spawn(p.io, track("B", plain("AT+B"), {}), asio::detached);
    const auto run_a_while = [&] {
        for (int i = 0; i < 30; ++i) {
            p.io.restart();
            p.io.run_for(10ms);
        }
    };
    run_a_while();
    CHECK(lines == std::vector<std::string>{"AT+A"});  // neither G nor B overtook A
    CHECK(order.empty());
    release.cancel();
    run_a_while();
    CHECK(lines_at_gate == 1);  // after A's answer, before anything else was written
    if (refuse) {
        CHECK(lines == std::vector<std::string>{"AT+A", "AT+B"});
        CHECK(order ==
              std::vector<std::string>{"A ok", "gate", "G not written: kept back", "B ok"});
    } else {
        CHECK(lines == std::vector<std::string>{"AT+A", "AT+G", "AT+B"});
        CHECK(order == std::vector<std::string>{"A ok", "gate", "G ok", "B ok"});
    }
    engine->shutdown();
}
