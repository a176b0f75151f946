// A modem's serial port: libserialport opens and configures it (baud, 8N1, flow
// control), we lock it ourselves — libserialport 0.1.1 does not — with flock()
// and TIOCEXCL as gpsd's serial.c does, and Boost.Asio does the async I/O on its
// file descriptor. Failures are std::error_codes of our own category that say
// what failed; a busy port names the process holding it when /proc tells us.
#pragma once

#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "drivers/asio.hpp"

namespace smsgw::drivers {

enum class SerialError {
    not_found = 1,      // no such device (unplugged, wrong path)
    permission_denied,  // not in group dialout
    busy,               // another program holds the lock or TIOCEXCL
    open_failed,        // libserialport could not open it
    configure_failed,   // baud/8N1/flow control refused
    gone,               // read error or EOF: the device went away (USB unplug)
};
const std::error_category& serial_category();
std::error_code make_error_code(SerialError e);

enum class FlowControl { none, rtscts, xonxoff };

struct SerialOptions {
    int baud = 115200;
    FlowControl flow = FlowControl::none;
};

// "ModemManager (pid 812)" for the first other process with `path` open, by a
// scan of /proc/*/fd (works for the processes we may see); nullopt when none is found.
std::optional<std::string> port_holder(const std::string& path);

// The USB serial number of the device behind `path` (sysfs, via libserialport),
// without opening it; nullopt for non-USB ports and ptys.
std::optional<std::string> usb_serial_of(const std::string& path);

// Paths matching the shell globs, sorted, symlinks kept as they are.
std::vector<std::string> expand_globs(const std::vector<std::string>& globs);

class SerialPort {
  public:
    explicit SerialPort(asio::any_io_executor executor);
    ~SerialPort();
    SerialPort(const SerialPort&) = delete;
    SerialPort& operator=(const SerialPort&) = delete;

    // Opens, configures, locks and takes the port. On failure `detail` (when
    // given) says more for people: the OS error, or who holds a busy port.
    std::error_code open(const std::string& path, const SerialOptions& options,
                         std::string* detail = nullptr);
    void close();
    bool is_open() const { return stream_.is_open(); }
    const std::string& path() const { return path_; }
    asio::posix::stream_descriptor& stream() { return stream_; }

  private:
    asio::posix::stream_descriptor stream_;
    std::string path_;
};

}  // namespace smsgw::drivers

namespace std {
template <>
struct is_error_code_enum<smsgw::drivers::SerialError> : true_type {};
}  // namespace std
