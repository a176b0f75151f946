// Test side of the driver integration tests: an io_context run in slices until a
// condition holds (never a blind sleep), an observer that records what a Modem
// reports, and ModemSettings with short timeouts so every case takes seconds.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "drivers/modem.hpp"

namespace smsgw::test {

struct StateChange {
    drivers::ModemState from, to;
    std::string why;
    std::string last_error;  // the status's, as the change was reported
};

class RecordingObserver : public drivers::ModemObserver {
  public:
    void on_state(const drivers::ModemStatus& status, drivers::ModemState from,
                  const std::string& why) override {
        last = status;
        if (from != status.state) changes.push_back({from, status.state, why, status.last_error_text});
    }
    void on_inbound(const drivers::InboundPdu& pdu) override {
        inbound.push_back(pdu);
        if (each_inbound) each_inbound(pdu);
        if (modem && auto_confirm) modem->confirm_committed(pdu);
    }
    void on_status_report(const drivers::InboundPdu& pdu) override {
        reports.push_back(pdu);
        if (modem && auto_confirm) modem->confirm_committed(pdu);
    }
    bool saw(drivers::ModemState s) const {
        for (const auto& c : changes)
            if (c.to == s) return true;
        return false;
    }
    std::size_t count(drivers::ModemState s) const {
        std::size_t n = 0;
        for (const auto& c : changes) n += c.to == s;
        return n;
    }

    drivers::Modem* modem = nullptr;
    bool auto_confirm = true;
    std::function<void(const drivers::InboundPdu&)> each_inbound;  // as each is reported
    drivers::ModemStatus last;
    std::vector<StateChange> changes;
    std::vector<drivers::InboundPdu> inbound, reports;
};

// Short timeouts for a simulator that answers in microseconds.
drivers::ModemSettings test_settings(const std::string& name, const std::string& port);

// Runs `io` until `pred` holds or `timeout` passes; true when it held.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& pred,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// Runs the coroutine `task` on `io` to completion (bounded by `timeout`).
template <typename T>
T run_task(boost::asio::io_context& io, drivers::awaitable<T> task,
           std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

}  // namespace smsgw::test

namespace smsgw::test {
template <typename T>
T run_task(boost::asio::io_context& io, drivers::awaitable<T> task,
           std::chrono::milliseconds timeout) {
    std::optional<T> result;
    boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
        if (e) std::rethrow_exception(e);
        result = std::move(value);
    });
    if (!run_until(io, [&] { return result.has_value(); }, timeout))
        throw std::runtime_error("task did not finish in time");
    return std::move(*result);
}
}  // namespace smsgw::test
