// Test-side plumbing for talking to a real smsgw-modemsim process: start it
// with a temporary symlink and control socket, open the pty in raw mode like a
// client would, and wait (with timeouts, never blind sleeps) for bytes.
// Written apart from drivers/ so the simulator is checked against raw bytes.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace smsgw::test {

using namespace std::chrono_literals;

// A scratch directory removed at the end of the test.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// The simulator process; killed (SIGTERM) when the object goes.
class SimProcess {
public:
    explicit SimProcess(std::vector<std::string> extra_args = {});
    ~SimProcess();
    SimProcess(const SimProcess&) = delete;
    SimProcess& operator=(const SimProcess&) = delete;

    const std::string& link() const { return link_; }
    const std::string& sent_log() const { return log_; }
    const std::string& control_socket() const { return socket_; }
    // What the simulator has written to stderr (every AT line with --verbose).
    std::string stderr_text() const;
    // One control request; the reply object.
    nlohmann::json control(const nlohmann::json& request) const;

private:
    TempDir dir_;
    std::string link_, socket_, log_, stderr_;
    int pid_ = -1;
};

// A client holding the pty slave, in raw mode.
class PtyClient {
public:
    explicit PtyClient(const std::string& path);
    ~PtyClient();
    PtyClient(const PtyClient&) = delete;
    PtyClient& operator=(const PtyClient&) = delete;

    void send(const std::string& bytes);
    // Reads until `needle` has arrived; returns everything read up to and
    // including it (the rest stays buffered). Empty on timeout.
    std::string expect(const std::string& needle, std::chrono::milliseconds timeout = 3000ms);
    // Sends "<cmd>\r" and reads up to the final result (OK / ERROR / +CMx ERROR).
    std::string command(const std::string& cmd, std::chrono::milliseconds timeout = 3000ms);
    // Whatever arrives within `window` (used to check that nothing does).
    std::string drain(std::chrono::milliseconds window);
    // True when the far side has gone (EIO / hang-up) within `timeout`.
    bool wait_hangup(std::chrono::milliseconds timeout);

private:
    bool fill(std::chrono::milliseconds timeout);
    int fd_ = -1;
    std::string buf_;
    bool hung_up_ = false;
};

// Polls `pred` every 20 ms until true or `timeout`.
template <typename Pred>
bool wait_for(Pred pred, std::chrono::milliseconds timeout = 3000ms);

std::string binary_dir();

}  // namespace smsgw::test

#include "tests/integration/sim_harness_wait.hpp"
