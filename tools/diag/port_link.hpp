// The one way smsgw-diag talks to a modem: the daemon's own SerialPort and
// AtEngine on a single-threaded io_context, driven by one coroutine. Also the
// technician's reading of a port that will not open — busy (and who holds it,
// with how to make that program let go), no permission (group dialout), not
// there — shared by probe, at, send and scan so they all say the same thing.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "drivers/asio.hpp"
#include "drivers/at_engine.hpp"
#include "drivers/serial_port.hpp"

namespace smsgw::diag {

class Transcript;

namespace asio = drivers::asio;
using drivers::awaitable;

// Why a port did not open, for people: one line of what happened, one of what to do.
struct OpenFailure {
    std::string what;  // "/dev/ttyUSB2: locked by ModemManager (pid 812)"
    std::string hint;  // "stop it: systemctl stop ModemManager …"
    std::optional<std::string> holder;
};
OpenFailure explain_open_failure(const std::error_code& ec, const std::string& path,
                                 const std::string& detail);

// What to do about a program that holds a port, by its name (ModemManager,
// smsgwd, minicom…); a generic hint for programs we do not know.
std::string holder_hint(const std::string& holder);
// "held by smsgwd (pid 812): <its hint>": the words probe, at, send and scan
// all use for a held port.
std::string held_by(const std::string& holder);

// An open port with an AT engine on it. Lives inside one coroutine run by run_on_io().
class PortLink {
  public:
    PortLink(asio::any_io_executor executor, std::string path);
    ~PortLink();
    PortLink(const PortLink&) = delete;
    PortLink& operator=(const PortLink&) = delete;

    // Opens and attaches the engine; on failure says why (and leaves it closed).
    std::optional<OpenFailure> open(int baud);
    // One command; `timeout` zero means the engine's default for its kind.
    awaitable<drivers::Reply> ask(std::string text, at::Millis timeout = at::Millis{0});
    awaitable<drivers::Reply> ask(at::Command cmd);
    drivers::AtEngine& engine() { return *engine_; }
    // Shows every exchange (and unsolicited line) from now on; null stops it.
    void show(Transcript* transcript);
    const std::string& path() const { return path_; }
    // Detaches and stops the engine so the io_context can run out.
    void close();
    // Whether an AT+CMEE=1 or =2 sent through this link was answered OK (and
    // no AT+CMEE=0 since): a bare ERROR then means an unsupported command.
    bool error_codes_on() const { return error_codes_on_; }

  private:
    std::string path_;
    drivers::SerialPort port_;
    std::shared_ptr<drivers::AtEngine> engine_;
    Transcript* transcript_ = nullptr;
    bool error_codes_on_ = false;
};

// Runs `task` on a fresh io_context until it finishes and returns its value;
// an exception inside the task is rethrown here.
int run_on_io(const std::function<awaitable<int>(asio::any_io_executor)>& task);

// "+CMS ERROR 38 network_out_of_order: network out of order", its class and the hint,
// for the final results people read. A bare ERROR has no code, hence no class:
// its reading depends on `error_codes_on` (see PortLink::error_codes_on).
std::string describe_final(const at::Final& final, bool error_codes_on = false);
// What to make of a bare V.250 ERROR (at::Final::bare_error).
std::string bare_error_hint(bool error_codes_on);

}  // namespace smsgw::diag
