// PortLink and the reading of open failures; see port_link.hpp.
#include "tools/diag/port_link.hpp"

#include "tools/diag/transcript.hpp"

#include <exception>
#include <regex>
#include <string_view>

namespace smsgw::diag {

namespace {

// What to tell a technician about the programs that are found holding modem
// ports. The first row whose name starts the holder ("ModemManager (pid 812)") wins.
struct HolderHint {
    std::string_view program;
    std::string_view hint;
};
constexpr HolderHint holder_hints[] = {
    // ModemManager grabs every modem it sees and probes it with AT; it is the
    // usual reason a freshly plugged stick is "busy" on Debian/Ubuntu desktops.
    {"ModemManager",
     "stop it now with `systemctl stop ModemManager`; keep it off this modem for good with a "
     "udev rule setting ENV{ID_MM_DEVICE_IGNORE}=\"1\" for the modem's VID:PID (or `systemctl "
     "disable --now ModemManager` when nothing else needs it)"},
    {"smsgwd",
     "the gateway itself is using this modem: `smsgwctl modem list` shows its health; to probe "
     "it, stop the gateway with `systemctl stop smsgwd` and start it again afterwards"},
    {"gammu-smsd", "another SMS daemon uses this modem: `systemctl stop gammu-smsd`"},
    {"pppd",
     "a dial-up/data connection uses this port: bring it down (`poff`) or use another of the "
     "modem's ports"},
    {"minicom", "a terminal program has the port open: quit it (minicom: Ctrl-A X)"},
    {"picocom", "a terminal program has the port open: quit it (picocom: Ctrl-A Ctrl-X)"},
    {"screen", "a `screen` session has the port open: quit it (Ctrl-A k)"},
    {"smsgw-diag", "another smsgw-diag is talking to this port: finish it first"},
};

}  // namespace

std::string holder_hint(const std::string& holder) {
    for (const auto& row : holder_hints)
        if (std::string_view(holder).starts_with(row.program)) return std::string(row.hint);
    return "close that program (or stop its service) and try again";
}

std::string held_by(const std::string& holder) {
    return "held by " + holder + ": " + holder_hint(holder);
}

OpenFailure explain_open_failure(const std::error_code& ec, const std::string& path,
                                 const std::string& detail) {
    OpenFailure f;
    f.what = detail.empty() ? path + ": " + ec.message() : detail;
    using drivers::SerialError;
    if (ec == SerialError::busy) {
        f.holder = drivers::port_holder(path);
        if (f.holder) {
            if (f.what.find(*f.holder) == std::string::npos) f.what += " by " + *f.holder;
            f.hint = "port " + held_by(*f.holder);
        } else {
            f.hint =
                "another program holds the port (not visible to this user: run as root to "
                "name it, or try `fuser -v " +
                path + "`); ModemManager is the usual one: `systemctl stop ModemManager`";
        }
    } else if (ec == SerialError::permission_denied) {
        f.hint =
            "no permission: add the user to group dialout (`usermod -aG dialout USER`, then "
            "log in again) or run as root";
    } else if (ec == SerialError::not_found) {
        f.hint =
            "no such device: check the cable and `smsgw-diag scan`; USB numbers "
            "(ttyUSB0, ttyUSB1…) change after re-plugging — prefer /dev/serial/by-id/ paths";
    } else if (ec == SerialError::configure_failed) {
        f.hint =
            "the port refused the line settings: try another --baud (115200, 9600) or check "
            "that this is a serial device";
    } else {
        f.hint =
            "the port could not be opened: check `dmesg` for USB errors and that this is a "
            "serial device";
    }
    return f;
}

PortLink::PortLink(asio::any_io_executor executor, std::string path)
    : path_(std::move(path)),
      port_(executor),
      engine_(std::make_shared<drivers::AtEngine>(executor, "diag[" + path_ + "]",
                                                  at::SessionConfig{})) {}

PortLink::~PortLink() {
    close();
}

std::optional<OpenFailure> PortLink::open(int baud) {
    drivers::SerialOptions options;
    options.baud = baud;
    std::string detail;
    if (const auto ec = port_.open(path_, options, &detail))
        return explain_open_failure(ec, path_, detail);
    engine_->attach(port_.stream());
    return std::nullopt;
}

awaitable<drivers::Reply> PortLink::ask(std::string text, at::Millis timeout) {
    at::Command cmd;
    cmd.text = std::move(text);
    cmd.timeout = timeout;
    co_return co_await ask(std::move(cmd));
}

awaitable<drivers::Reply> PortLink::ask(at::Command cmd) {
    if (transcript_) transcript_->command(cmd);
    // "AT+CMEE=1", also inside "ATE0;+CMEE=1" (TS 27.007 §9.1).
    static const std::regex cmee(R"(\+\s*CMEE\s*=\s*([0-9]))", std::regex::icase);
    std::smatch set_cmee;
    const bool sets_cmee = std::regex_search(cmd.text, set_cmee, cmee);
    const bool codes_on = sets_cmee && set_cmee[1] != "0";
    auto reply = co_await engine_->command(std::move(cmd));
    if (sets_cmee && reply.final.outcome == at::Outcome::ok) error_codes_on_ = codes_on;
    if (transcript_) transcript_->reply(reply);
    co_return reply;
}

void PortLink::show(Transcript* transcript) {
    transcript_ = transcript;
    if (transcript)
        engine_->on_urc([transcript](const at::Urc& u) { transcript->urc(u); });
    else
        engine_->on_urc(nullptr);
}

void PortLink::close() {
    engine_->shutdown();
    port_.close();
}

int run_on_io(const std::function<awaitable<int>(asio::any_io_executor)>& task) {
    asio::io_context io;
    int result = 0;
    std::exception_ptr failure;
    asio::co_spawn(io, task(io.get_executor()), [&](std::exception_ptr e, int value) {
        failure = e;
        result = value;
        io.stop();  // timers of a shut-down engine may still be queued
    });
    io.run();
    if (failure) std::rethrow_exception(failure);
    return result;
}

std::string bare_error_hint(bool error_codes_on) {
    // With AT+CMEE on, a modem reports what it knows as +CME/+CMS ERROR; a bare
    // ERROR is left for what it cannot parse (V.250 §5.7.1).
    if (error_codes_on)
        return "ERROR without a code: the modem does not support this command or its parameters";
    return "ERROR without a code: the modem gave no reason; after AT+CMEE=1 it reports error "
           "codes, and a bare ERROR then means the command or its parameters are not supported";
}

std::string describe_final(const at::Final& final, bool error_codes_on) {
    if (final.bare_error()) return bare_error_hint(error_codes_on);
    if (final.error) {
        const auto& e = *final.error;
        const auto& entry = e.entry();
        std::string out =
            e.to_string() + " (" + std::string(at::to_string(entry.error_class)) + ")";
        if (!entry.hint.empty()) out += " — " + std::string(entry.hint);
        return out;
    }
    // The reason in words ("modem unresponsive: …"), not the outcome's
    // internal name ("not_sent"), which a technician has no use for.
    if (!final.reason.empty()) return final.reason;
    return std::string(at::to_string(final.outcome));
}

}  // namespace smsgw::diag
