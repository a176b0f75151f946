// AtEngine: the Asio shell around one at::Session (sans-io core). A reader()
// coroutine feeds the bytes it reads, a ticker() sleeps until the Session's next
// deadline, a writer() drains the Writes in order, and command() waits for its
// Complete on a steady_timer used as an event (as Asio's chat_server.cpp waits
// for messages). Everything runs on one single-threaded io_context: no locks.
// Every exchange is logged at debug, PINs masked (the Session masks them).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "drivers/asio.hpp"
#include "drivers/at/action.hpp"
#include "drivers/at/session.hpp"

namespace smsgw::drivers {

// What command() answers: the Session's Complete for it.
struct Reply {
    std::vector<std::string> lines;
    at::Final final;

    bool ok() const { return final.outcome == at::Outcome::ok; }
    // The first information line starting with `prefix` ("+CSQ:"), or "".
    std::string line(std::string_view prefix) const;
};

class AtEngine : public std::enable_shared_from_this<AtEngine> {
  public:
    using UrcHandler = std::function<void(const at::Urc&)>;
    using GoneHandler = std::function<void(const std::string& why)>;
    using CompleteHandler = std::function<void(const at::Complete&)>;

    // `log_name` prefixes the debug lines: "modem[office-1]".
    AtEngine(asio::any_io_executor executor, std::string log_name, at::SessionConfig config);
    ~AtEngine();

    // Whether the first command waits for the Session's resync after attach():
    // `after_sync` for a port just opened, whose modem may still owe the answer
    // to a command written before (see Session::open); `at_once` to write to a
    // modem that is not expected to answer a probe (AT+CFUN=1,1 to a hung one).
    enum class FirstCommand { after_sync, at_once };
    // Starts reading `stream` (owned by the caller, alive until detach()) with a
    // fresh Session state. A read error or EOF calls the gone handler once.
    void attach(asio::posix::stream_descriptor& stream, FirstCommand first = FirstCommand::at_once);
    // Stops reading and writing; commands in flight complete (not_sent / uncertain).
    void detach();
    // detach() and stop the ticker for good: the engine can then be destroyed.
    void shutdown();
    bool attached() const { return stream_ != nullptr; }

    // Awaited when a command's turn comes, before anything of it is written:
    // empty lets it go, a reason completes it not_sent ("not written: …").
    using Gate = std::function<awaitable<std::string>()>;

    // Queues `cmd`; completes with its result. Never throws for modem trouble:
    // timeouts, errors and a vanished port all arrive as the Reply's Final.
    // With a gate, the command waits for its turn outside the Session — until
    // nothing is in flight or queued there — then for the gate, while the
    // commands submitted meanwhile wait behind it (as they would behind it
    // in the Session's queue): what the gate does (commit
    // "this part is being written") happens right before the write, never
    // while another command still has the line.
    awaitable<Reply> command(at::Command cmd, Gate gate = {});
    // Raw bytes outside any command (ESC to leave a stuck PDU entry).
    void write_raw(std::string bytes);

    void on_urc(UrcHandler handler) { urc_handler_ = std::move(handler); }
    void on_gone(GoneHandler handler) { gone_handler_ = std::move(handler); }
    // Every completed command (the Modem watches for timeouts there).
    void on_complete(CompleteHandler handler) { complete_handler_ = std::move(handler); }

    void set_config(at::SessionConfig config) { session_.set_config(std::move(config)); }
    const at::Session& session() const { return session_; }

  private:
    struct Waiter {
        std::optional<Reply> reply;
        asio::steady_timer event;
        explicit Waiter(asio::any_io_executor ex) : event(std::move(ex)) {}
    };

    awaitable<void> reader(std::shared_ptr<AtEngine> self, std::uint64_t generation);
    awaitable<void> ticker(std::shared_ptr<AtEngine> self);
    awaitable<void> writer(std::shared_ptr<AtEngine> self, std::uint64_t generation);
    void process();
    void rearm_ticker();
    // Nothing in flight or queued in the Session: a gated command's turn.
    bool session_free() const;
    awaitable<void> wait_turn_change();
    void gone(const std::string& why);

    asio::any_io_executor executor_;
    std::string log_name_;
    at::Session session_;
    asio::posix::stream_descriptor* stream_ = nullptr;
    std::uint64_t generation_ = 0;  // one per attach(): old coroutines recognise they are stale
    asio::steady_timer tick_timer_;
    asio::steady_timer write_event_;
    std::deque<std::string> out_;
    bool ticker_running_ = false;
    bool shut_down_ = false;
    std::map<at::CommandId, Waiter*> waiters_;
    // Wakes the commands waiting outside the Session (see command()) at every
    // change; its expiry stays at the end of time, only cancel() wakes.
    asio::steady_timer turn_event_;
    int turn_waiters_ = 0;
    // Gated commands not yet submitted: new commands wait behind them.
    int gated_in_line_ = 0;
    bool gate_open_ = false;  // one of them awaits its gate: the others wait for it
    UrcHandler urc_handler_;
    GoneHandler gone_handler_;
    CompleteHandler complete_handler_;
};

}  // namespace smsgw::drivers
