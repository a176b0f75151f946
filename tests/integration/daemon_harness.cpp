// fork/exec of smsgwd and its config file; requests over its socket.
#include "tests/integration/daemon_harness.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace smsgw::test {

using namespace std::chrono_literals;

std::string smsgwd_binary() {
    return binary_dir() + "/daemon/app/smsgwd";
}

namespace {

std::string user_name() {
    if (const passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
    return std::to_string(::getuid());
}

}  // namespace

std::string daemon_config(const std::string& dir, const std::vector<DaemonModem>& modems,
                          const std::string& extra_yaml) {
    std::ostringstream y;
    y << "socket: { path: " << dir << "/smsgw.sock, mode: \"0600\" }\n"
      << "database: " << dir << "/smsgw.db\n"
      << "default_country: DE\n"
      << "log: { level: debug }\n"
      << "roles:\n  admin: { users: [\"" << user_name() << "\"] }\n"
      << "retry: { attempts: 3, backoff_seconds: [1, 2] }\n";
    if (modems.empty()) {
        y << "modems: []\n";
    } else {
        y << "modems:\n";
        for (const auto& m : modems) {
            y << "  - { name: " << m.name << ", port: " << m.sim->link()
              << ", send_rate_per_minute: 6000";
            if (!m.extra_yaml.empty()) y << ", " << m.extra_yaml;
            y << " }\n";
        }
    }
    y << extra_yaml;
    return y.str();
}

DaemonProcess::DaemonProcess(std::string dir, const std::string& config_yaml)
    : dir_(std::move(dir)),
      config_path_(dir_ + "/smsgw.yaml"),
      socket_(dir_ + "/smsgw.sock"),
      database_(dir_ + "/smsgw.db"),
      log_path_(dir_ + "/smsgwd.log") {
    std::ofstream(config_path_) << config_yaml;
    start();
}

void DaemonProcess::start() {
    client_.reset();
    std::vector<std::string> args = {smsgwd_binary(), "--config", config_path_};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    // stdout into the log too, and no other inherited descriptor: a process
    // left behind by a crashed test must not hold ctest's output pipe open
    // (ctest waits for it to close, past any TIMEOUT).
    posix_spawn_file_actions_adddup2(&actions, 2, 1);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error(std::string("cannot start smsgwd: ") + std::strerror(rc));
    pid_ = pid;
    const bool up = wait_for(
        [&] {
            if (!running()) return true;
            struct stat st {};
            if (::stat(socket_.c_str(), &st) != 0) return false;
            Client probe(socket_);
            return probe.connected();
        },
        15s);
    INFO(log());
    REQUIRE(up);
    REQUIRE(running());
}

DaemonProcess::~DaemonProcess() {
    if (pid_ > 0 && running()) {
        ::kill(pid_, SIGKILL);
        wait_exit(10s);
    }
    if (std::getenv("SMSGW_DAEMON_LOG") != nullptr) std::fprintf(stderr, "%s", log().c_str());
}

void DaemonProcess::signal(int signo) {
    if (pid_ > 0) ::kill(pid_, signo);
}

bool DaemonProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        pid_ = -1;
        return false;
    }
    return r == 0;
}

std::optional<int> DaemonProcess::wait_exit(std::chrono::milliseconds timeout) {
    if (!wait_for([&] { return !running(); }, timeout)) return std::nullopt;
    return exit_status_;
}

nlohmann::json DaemonProcess::request(const nlohmann::json& req) {
    if (!client_ || !client_->connected()) client_ = std::make_unique<Client>(socket_);
    auto reply = client_->request(req);
    return reply;
}

nlohmann::json DaemonProcess::request_ok(const nlohmann::json& req) {
    auto reply = request(req);
    INFO("request " << req.dump() << "\nreply " << reply.dump());
    REQUIRE(reply.value("ok", false));
    return reply["result"];
}

bool DaemonProcess::wait_message_state(std::int64_t id, const std::string& state,
                                       std::chrono::milliseconds timeout) {
    return wait_for(
        [&] {
            auto r = request({{"id", 1}, {"op", "message.get"}, {"message_id", id}});
            return r.value("ok", false) && r["result"]["state"] == state;
        },
        timeout);
}

bool DaemonProcess::wait_modems_ready(std::size_t count, std::chrono::milliseconds timeout) {
    return wait_for(
        [&] {
            auto r = request({{"id", 1}, {"op", "modem.list"}});
            if (!r.value("ok", false)) return false;
            std::size_t ready = 0;
            for (const auto& m : r["result"]["modems"])
                if (m.value("state", "") == "ready") ++ready;
            return ready >= count;
        },
        timeout);
}

std::string DaemonProcess::log() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::pair<int, std::string> run_program(const std::vector<std::string>& argv) {
    std::string cmd;
    for (const auto& a : argv) {
        std::string q = "'";
        for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
        cmd += q + "' ";
    }
    cmd += "2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return {-1, ""};
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace smsgw::test
