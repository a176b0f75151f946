// SerialPort: libserialport for opening and line settings, flock + TIOCEXCL for
// exclusivity, Asio for the I/O. See serial_port.hpp.
#include "drivers/serial_port.hpp"

#include <fcntl.h>
#include <glob.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <libserialport.h>

namespace smsgw::drivers {

namespace {

class SerialCategory : public std::error_category {
  public:
    const char* name() const noexcept override { return "smsgw.serial"; }
    std::string message(int e) const override {
        switch (static_cast<SerialError>(e)) {
            case SerialError::not_found: return "serial port not found";
            case SerialError::permission_denied: return "permission denied on the serial port";
            case SerialError::busy: return "serial port busy: another program holds it";
            case SerialError::open_failed: return "serial port could not be opened";
            case SerialError::configure_failed: return "serial port settings refused";
            case SerialError::gone: return "serial device went away";
        }
        return "serial port error";
    }
};

std::string errno_text(int e) {
    return std::strerror(e);
}

SerialError classify_errno(int e) {
    switch (e) {
        case ENOENT:
        case ENODEV:
        case ENXIO: return SerialError::not_found;
        case EACCES:
        case EPERM: return SerialError::permission_denied;
        case EBUSY:
        case EWOULDBLOCK: return SerialError::busy;
        default: return SerialError::open_failed;
    }
}

// The device file's identity, so holders are found through any symlink.
std::optional<std::pair<dev_t, ino_t>> device_id(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return std::pair{st.st_rdev != 0 ? st.st_rdev : st.st_dev, st.st_ino};
}

std::string process_name(const std::string& pid) {
    std::ifstream comm("/proc/" + pid + "/comm");
    std::string name;
    std::getline(comm, name);
    return name.empty() ? "pid " + pid : name;
}

// Releases a libserialport handle however open() leaves.
struct SpPort {
    sp_port* port = nullptr;
    bool opened = false;
    ~SpPort() {
        if (opened) sp_close(port);
        if (port) sp_free_port(port);
    }
};

}  // namespace

const std::error_category& serial_category() {
    static const SerialCategory category;
    return category;
}

std::error_code make_error_code(SerialError e) {
    return {static_cast<int>(e), serial_category()};
}

std::optional<std::string> port_holder(const std::string& path) {
    const auto wanted = device_id(path);
    if (!wanted) return std::nullopt;
    const std::string self = std::to_string(::getpid());
    std::error_code ec;
    for (const auto& proc : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string pid = proc.path().filename().string();
        if (pid.empty() || !std::all_of(pid.begin(), pid.end(), ::isdigit) || pid == self) continue;
        std::error_code fd_ec;
        for (const auto& fd : std::filesystem::directory_iterator(proc.path() / "fd", fd_ec)) {
            struct stat st {};
            if (::stat(fd.path().c_str(), &st) != 0) continue;
            const dev_t dev = st.st_rdev != 0 ? st.st_rdev : st.st_dev;
            if (dev == wanted->first && st.st_ino == wanted->second)
                return process_name(pid) + " (pid " + pid + ")";
        }
    }
    return std::nullopt;
}

std::optional<std::string> usb_serial_of(const std::string& path) {
    SpPort sp;
    if (sp_get_port_by_name(path.c_str(), &sp.port) != SP_OK) return std::nullopt;
    if (sp_get_port_transport(sp.port) != SP_TRANSPORT_USB) return std::nullopt;
    const char* serial = sp_get_port_usb_serial(sp.port);
    if (serial == nullptr) return std::nullopt;
    return std::string(serial);
}

std::vector<std::string> expand_globs(const std::vector<std::string>& globs) {
    std::vector<std::string> out;
    for (const auto& pattern : globs) {
        glob_t g{};
        if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
            for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
        ::globfree(&g);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

SerialPort::SerialPort(asio::any_io_executor executor) : stream_(std::move(executor)) {}

SerialPort::~SerialPort() {
    close();
}

namespace {

speed_t speed_constant(int baud) {
    switch (baud) {
        case 9600: return B9600;
        case 19200: return B19200;
        case 38400: return B38400;
        case 57600: return B57600;
        case 230400: return B230400;
        case 460800: return B460800;
        case 921600: return B921600;
        default: return B115200;
    }
}

}  // namespace

std::error_code SerialPort::open(const std::string& path, const SerialOptions& options,
                                 std::string* detail) {
    close();
    auto fail = [&](SerialError e, std::string why) {
        if (detail) *detail = std::move(why);
        return make_error_code(e);
    };
    // Our own descriptor, whichever way it was opened; closed unless handed to Asio.
    struct Fd {
        int fd = -1;
        ~Fd() {
            if (fd >= 0) ::close(fd);
        }
    } own;

    SpPort sp;
    if (sp_get_port_by_name(path.c_str(), &sp.port) == SP_OK) {
        if (sp_open(sp.port, SP_MODE_READ_WRITE) != SP_OK) {
            const int e = errno;
            return fail(classify_errno(e), path + ": " + errno_text(e));
        }
        sp.opened = true;
        // 8N1 at the given speed, no flow control unless asked.
        const sp_flowcontrol flow = options.flow == FlowControl::rtscts    ? SP_FLOWCONTROL_RTSCTS
                                    : options.flow == FlowControl::xonxoff ? SP_FLOWCONTROL_XONXOFF
                                                                           : SP_FLOWCONTROL_NONE;
        if (sp_set_baudrate(sp.port, options.baud) != SP_OK || sp_set_bits(sp.port, 8) != SP_OK ||
            sp_set_parity(sp.port, SP_PARITY_NONE) != SP_OK ||
            sp_set_stopbits(sp.port, 1) != SP_OK || sp_set_flowcontrol(sp.port, flow) != SP_OK)
            return fail(SerialError::configure_failed,
                        path + ": " + std::to_string(options.baud) + " 8N1 refused: " +
                            sp_last_error_message());
        int fd = -1;
        if (sp_get_port_handle(sp.port, &fd) != SP_OK || fd < 0)
            return fail(SerialError::open_failed, path + ": no file descriptor");
        // Asio owns a duplicate; libserialport's descriptor closes with `sp`. Locks
        // belong to the open file description, which the duplicate shares.
        own.fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (own.fd < 0) return fail(SerialError::open_failed, path + ": dup: " + errno_text(errno));
    } else {
        // libserialport 0.1.1 looks every port up in sysfs and so cannot open a
        // pseudo-terminal (the simulator, socat, ser2net): open(2) and termios then.
        own.fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (own.fd < 0) {
            const int e = errno;
            return fail(classify_errno(e), path + ": " + errno_text(e));
        }
        if (!::isatty(own.fd)) return fail(SerialError::open_failed, path + ": not a terminal");
    }

    // Exclusive use: an advisory lock for cooperating programs (gpsd, minicom,
    // ModemManager take it too) and TIOCEXCL against everyone else but root.
    if (::flock(own.fd, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        std::string why = path + ": " + (e == EWOULDBLOCK ? "locked" : errno_text(e));
        if (const auto holder = port_holder(path)) why += " by " + *holder;
        return fail(SerialError::busy, why);
    }
    if (::ioctl(own.fd, TIOCEXCL) != 0)
        return fail(SerialError::open_failed, path + ": TIOCEXCL: " + errno_text(errno));

    // Raw mode on top of what libserialport set: a pty is born cooked and would
    // turn <CR> into <LF>. 8N1, the speed, hardware flow control only when asked.
    termios tio{};
    if (::tcgetattr(own.fd, &tio) != 0)
        return fail(SerialError::configure_failed, path + ": tcgetattr: " + errno_text(errno));
    ::cfmakeraw(&tio);
    ::cfsetispeed(&tio, speed_constant(options.baud));
    ::cfsetospeed(&tio, speed_constant(options.baud));
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(CSTOPB | PARENB);
    if (options.flow == FlowControl::rtscts)
        tio.c_cflag |= CRTSCTS;
    else
        tio.c_cflag &= ~CRTSCTS;
    if (options.flow == FlowControl::xonxoff) tio.c_iflag |= IXON | IXOFF;
    if (::tcsetattr(own.fd, TCSANOW, &tio) != 0)
        return fail(SerialError::configure_failed, path + ": tcsetattr: " + errno_text(errno));
    ::tcflush(own.fd, TCIOFLUSH);  // whatever the modem said before we came is stale

    boost::system::error_code ec;
    stream_.assign(own.fd, ec);
    if (ec) return fail(SerialError::open_failed, path + ": " + ec.message());
    own.fd = -1;
    path_ = path;
    return {};
}

void SerialPort::close() {
    if (!stream_.is_open()) return;
    // TIOCEXCL stays on the tty until its last close; clear it for whoever is next.
    ::ioctl(stream_.native_handle(), TIOCNXCL);
    boost::system::error_code ec;
    stream_.cancel(ec);
    stream_.close(ec);
}

}  // namespace smsgw::drivers
