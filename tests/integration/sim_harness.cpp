// fork/exec of the simulator, pty reads with poll(), control requests over a
// fresh Unix-socket connection each.
#include "tests/integration/sim_harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <iostream>
#include <stdexcept>

extern char** environ;

namespace smsgw::test {

std::string binary_dir() { return SMSGW_BINARY_DIR; }

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "smsgw-sim-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

SimProcess::SimProcess(std::vector<std::string> extra_args) {
    link_ = dir_.path() + "/ttySIM";
    socket_ = dir_.path() + "/control.sock";
    log_ = dir_.path() + "/sent.jsonl";
    stderr_ = dir_.path() + "/stderr.log";
    std::vector<std::string> args = {binary_dir() + "/tools/modemsim/smsgw-modemsim",
                                     "--link", link_, "--control", socket_, "--log", log_, "-v"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    // stdout into the log too, and no other inherited descriptor: a process
    // left behind by a crashed test must not hold ctest's output pipe open
    // (ctest waits for it to close, past any TIMEOUT).
    posix_spawn_file_actions_adddup2(&actions, 2, 1);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error(std::string("cannot start simulator: ") + std::strerror(rc));
    pid_ = pid;
    bool up = wait_for([&] {
        struct stat st{};
        return ::lstat(link_.c_str(), &st) == 0 && ::stat(socket_.c_str(), &st) == 0;
    }, 5000ms);
    if (!up) throw std::runtime_error("simulator did not create " + link_);
}

SimProcess::~SimProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    if (std::getenv("SMSGW_SIM_STDERR") != nullptr) {
        std::ifstream in(stderr_);
        std::cerr << in.rdbuf();
    }
}

std::string SimProcess::stderr_text() const {
    std::ifstream in(stderr_);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

nlohmann::json SimProcess::control(const nlohmann::json& request) const {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_.c_str(), sizeof addr.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot connect to the control socket");
    }
    std::string line = request.dump() + "\n";
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
        ::close(fd);
        throw std::runtime_error("control write failed");
    }
    std::string reply;
    char buf[65536];
    while (reply.empty() || reply.back() != '\n') {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) break;
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        reply.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return nlohmann::json::parse(reply);
}

PtyClient::PtyClient(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    termios tio{};
    ::tcgetattr(fd_, &tio);
    ::cfmakeraw(&tio);  // a pty is born cooked: <CR> would arrive as <LF>
    ::tcsetattr(fd_, TCSANOW, &tio);
}

PtyClient::~PtyClient() {
    if (fd_ >= 0) ::close(fd_);
}

void PtyClient::send(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EAGAIN) {
                pollfd p{fd_, POLLOUT, 0};
                ::poll(&p, 1, 100);
                continue;
            }
            throw std::runtime_error("write to pty failed");
        }
        done += static_cast<std::size_t>(n);
    }
}

bool PtyClient::fill(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n > 0) {
        buf_.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    if (n == 0 || (n < 0 && errno != EAGAIN)) hung_up_ = true;
    return false;
}

std::string PtyClient::expect(const std::string& needle, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto pos = buf_.find(needle);
        if (pos != std::string::npos) {
            std::string out = buf_.substr(0, pos + needle.size());
            buf_.erase(0, pos + needle.size());
            return out;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= 0ms || hung_up_) return {};
        fill(std::min(left, 100ms));
    }
}

std::string PtyClient::command(const std::string& cmd, std::chrono::milliseconds timeout) {
    send(cmd + "\r");
    auto is_final = [](std::string_view line) {
        return line == "OK" || line == "ERROR" || line.rfind("+CME ERROR:", 0) == 0 ||
               line.rfind("+CMS ERROR:", 0) == 0;
    };
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (std::size_t start = 0;;) {
            auto eol = buf_.find("\r\n", start);
            if (eol == std::string::npos) break;
            if (is_final(std::string_view(buf_).substr(start, eol - start))) {
                std::string out = buf_.substr(0, eol + 2);
                buf_.erase(0, eol + 2);
                return out;
            }
            start = eol + 2;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= 0ms || hung_up_) return {};
        fill(std::min(left, 100ms));
    }
}

std::string PtyClient::drain(std::chrono::milliseconds window) {
    auto deadline = std::chrono::steady_clock::now() + window;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= 0ms || hung_up_) break;
        fill(std::min(left, 50ms));
    }
    std::string out = std::move(buf_);
    buf_.clear();
    return out;
}

bool PtyClient::wait_hangup(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!hung_up_ && std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) > 0) {
            if (p.revents & (POLLHUP | POLLERR)) hung_up_ = true;
            else fill(0ms);
        }
    }
    return hung_up_;
}

}  // namespace smsgw::test
