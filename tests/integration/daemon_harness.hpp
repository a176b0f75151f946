// Harness for whole-daemon tests: smsgwd started as a process on a config
// written into a temporary folder (database, socket, log), talking to
// smsgw-modemsim processes over real ptys, asked over its real Unix socket.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// sim_harness.hpp first: it declares wait_for() with its default timeout.
#include "tests/integration/sim_harness.hpp"
// clang-format off
#include "tests/integration/server_harness.hpp"
// clang-format on

namespace smsgw::test {

struct DaemonModem {
    std::string name;
    const SimProcess* sim = nullptr;
    std::string extra_yaml;  // more keys of this modem, YAML flow style: "route_prefixes: [\"+49\"]"
};

// The config smsgwd gets: every path inside `dir`, the test's user as admin,
// short retry backoffs; `extra_yaml` is appended at the top level.
std::string daemon_config(const std::string& dir, const std::vector<DaemonModem>& modems,
                          const std::string& extra_yaml = {});

class DaemonProcess {
  public:
    // Writes the config to dir/smsgw.yaml and starts smsgwd; waits until the
    // socket answers `hello`.
    DaemonProcess(std::string dir, const std::string& config_yaml);
    ~DaemonProcess();  // SIGKILL if still running
    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;

    void start();
    void signal(int signo);
    // Exit status (WEXITSTATUS, or 128+signal) once it exited within timeout.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    bool running();

    // One request on a fresh connection (or the shared one).
    nlohmann::json request(const nlohmann::json& req);
    nlohmann::json request_ok(const nlohmann::json& req);  // REQUIREs ok, returns result
    // message.get until its state is `state` (or any final state given) or timeout.
    bool wait_message_state(std::int64_t id, const std::string& state,
                            std::chrono::milliseconds timeout = std::chrono::seconds(20));
    bool wait_modems_ready(std::size_t count,
                           std::chrono::milliseconds timeout = std::chrono::seconds(20));
    std::string log() const;  // smsgwd's stderr so far
    const std::string& socket_path() const { return socket_; }
    const std::string& database() const { return database_; }
    const std::string& config_path() const { return config_path_; }
    int pid() const { return pid_; }

  private:
    std::string dir_, config_path_, socket_, database_, log_path_;
    int pid_ = -1;
    int exit_status_ = -1;
    std::unique_ptr<Client> client_;
};

std::string smsgwd_binary();
// Runs a program, returns (exit status, stdout+stderr).
std::pair<int, std::string> run_program(const std::vector<std::string>& argv);

}  // namespace smsgw::test
