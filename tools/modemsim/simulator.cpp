// The poll() loop. A pty master reports POLLHUP for as long as no client has
// the slave open, so the master is only polled while a client is attached;
// otherwise the loop looks again every 50 ms (that is how quickly the
// simulator notices a client opening the port).
#include "tools/modemsim/simulator.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <vector>

#include "tools/modemsim/pdu_json.hpp"
#include "tools/modemsim/sim_log.hpp"

namespace smsgw::modemsim {
namespace {

using namespace std::chrono_literals;

int g_signal_pipe[2] = {-1, -1};

void on_signal(int) {
    char c = 1;
    [[maybe_unused]] auto n = ::write(g_signal_pipe[1], &c, 1);
}

constexpr auto kAttachPoll = 50ms;

}  // namespace

Simulator::Simulator(SimConfig config, SimPaths paths)
    : paths_(std::move(paths)),
      core_(std::move(config), timers_),
      pty_(paths_.link),
      ops_(core_, [this](std::chrono::milliseconds d) { unplug(d); }) {
    if (!paths_.log.empty()) {
        log_.open(paths_.log, std::ios::app);
        if (!log_) throw std::runtime_error("cannot open --log file " + paths_.log);
        core_.on_sent = [this](const SentPart& part) { log_ << describe_sent(part).dump() << std::endl; };
    }
    pty_.plug();
    if (!paths_.control.empty())
        control_ = std::make_unique<ControlServer>(paths_.control,
                                                    [this](std::string_view line) { return ops_.handle(line); });
}

void Simulator::unplug(std::chrono::milliseconds duration) {
    log_event("unplugged for " + std::to_string(duration.count()) + " ms");
    pty_.unplug();
    attached_ = false;
    out_pending_.clear();
    core_.power_off();
    timers_.after(duration, [this] {
        core_.power_on();
        pty_.plug();
        log_event("plugged in again: " + pty_.link_path() + " → " + pty_.slave_name());
    });
}

void Simulator::check_client() {
    bool now = pty_.client_attached();
    if (now == attached_) return;
    attached_ = now;
    if (now) {
        log_event("client opened the port");
    } else {
        log_event("client closed the port");
        pty_.discard_queued();
        out_pending_.clear();
    }
}

void Simulator::read_pty() {
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(pty_.fd(), buf, sizeof buf);
        if (n > 0) {
            core_.on_bytes(std::string_view(buf, static_cast<std::size_t>(n)));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        check_client();  // EIO: the client has gone
        return;
    }
}

void Simulator::pump_output() {
    std::string out = core_.take_output();
    if (!attached_ || !pty_.plugged()) return;  // nobody listening: lost, as on a real port
    out_pending_ += out;
    while (!out_pending_.empty()) {
        ssize_t n = ::write(pty_.fd(), out_pending_.data(), out_pending_.size());
        if (n < 0) return;  // EAGAIN: POLLOUT will bring us back
        out_pending_.erase(0, static_cast<std::size_t>(n));
    }
}

int Simulator::run() {
    if (::pipe2(g_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return 1;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    log_event("ready: " + paths_.link + " → " + pty_.slave_name() +
              (paths_.control.empty() ? "" : ", control " + paths_.control));

    std::vector<pollfd> fds;
    for (;;) {
        check_client();
        fds.clear();
        fds.push_back({g_signal_pipe[0], POLLIN, 0});
        bool pty_polled = attached_ && pty_.plugged();
        if (pty_polled)
            fds.push_back({pty_.fd(), static_cast<short>(POLLIN | (out_pending_.empty() ? 0 : POLLOUT)), 0});
        if (control_) control_->add_pollfds(fds);

        auto now = TimerQueue::Clock::now();
        auto timeout = std::chrono::milliseconds(-1);
        if (auto next = timers_.next())
            timeout = std::max(0ms, std::chrono::ceil<std::chrono::milliseconds>(*next - now));
        if (pty_.plugged() && !attached_ && (timeout < 0ms || timeout > kAttachPoll)) timeout = kAttachPoll;

        int r = ::poll(fds.data(), fds.size(), static_cast<int>(timeout.count()));
        if (r < 0 && errno != EINTR) return 1;
        if (fds[0].revents & POLLIN) {
            log_event("stopping");
            return 0;
        }
        if (pty_polled) {
            const pollfd& p = fds[1];
            if (p.revents & POLLIN) read_pty();
            if (p.revents & POLLHUP) check_client();
        }
        pump_output();
        if (control_) control_->on_events(fds);
        pump_output();
        timers_.run_due(TimerQueue::Clock::now());
        pump_output();
    }
}

}  // namespace smsgw::modemsim
