// Messages and status reports arriving from the simulated network, routed the
// way TS 27.005 §3.4.1 (+CNMI) says: stored with +CMTI/+CDSI, given directly as
// +CMT/+CDS (acknowledged with +CNMA when AT+CSMS=1, else routing is switched
// off after the timeout, as the spec demands), buffered in the TA while
// <mode>=0, or held back by the "network" while the memory is full or the
// modem is not registered — and delivered once a slot frees or service returns.
#include <chrono>

#include "pdu/pdu_codec.hpp"
#include "tools/modemsim/modem_core.hpp"
#include "tools/modemsim/sim_log.hpp"
#include "tools/modemsim/utc_now.hpp"

namespace smsgw::modemsim {

InboundResult ModemCore::deliver_sms(const std::string& pdu, int tpdu_length,
                                     std::optional<int> message_class, bool announce) {
    return route_inbound(Inbound{false, pdu, tpdu_length, message_class, announce});
}

InboundResult ModemCore::deliver_status_report(const std::string& pdu, int tpdu_length,
                                               bool announce) {
    ++stats_.status_reports;
    return route_inbound(Inbound{true, pdu, tpdu_length, std::nullopt, announce});
}

InboundResult ModemCore::route_inbound(const Inbound& in) {
    InboundResult result;
    Registration r = effective_registration();
    if (r != Registration::home && r != Registration::roaming) {
        // Nobody to deliver to: the SMSC keeps it and retries.
        waiting_.push_back(in);
        result.waiting = 1;
        return result;
    }
    bool direct = false;
    if (in.report) {
        if (cnmi_.ds == 0) {
            result.discarded = 1;
            log_event("status report discarded (+CNMI <ds>=0)");
            return result;
        }
        direct = cnmi_.ds == 1;
    } else {
        // <mt>=2: everything but class 2 (SIM-specific) goes to the TE directly;
        // <mt>=3: only class 3 does.
        int cls = in.message_class.value_or(-1);
        direct = (cnmi_.mt == 2 && cls != 2) || (cnmi_.mt == 3 && cls == 3);
    }
    if (direct) {
        route_direct(in);
        ++stats_.inbound_routed;
        result.routed = 1;
        return result;
    }
    if (!store_and_indicate(in, result)) {
        log_event(std::string(to_string(mem3_)) + " memory full: message held back, no indication");
        waiting_.push_back(in);
        result.waiting = 1;
    }
    return result;
}

bool ModemCore::store_and_indicate(const Inbound& in, InboundResult& result) {
    const Memory memory = in.report && config_.reports_in_sr ? Memory::sr : mem3_;
    auto index = store_.store(memory, {MessageStat::rec_unread, in.pdu, in.tpdu_length});
    if (!index) return false;
    ++stats_.inbound_stored;
    result.indexes.push_back(*index);
    log_event(std::string(in.report ? "status report" : "message") + " stored at " +
              to_string(memory) + " " + std::to_string(*index));
    std::string where = "\"" + std::string(to_string(memory)) + "\"," + std::to_string(*index);
    if (in.report && cnmi_.ds == 2 && in.announce)
        indication({"+CDSI: " + where});
    else if (!in.report && cnmi_.mt != 0 && in.announce)
        indication({"+CMTI: " + where});
    return true;
}

void ModemCore::indication(std::vector<std::string> lines) {
    if (cnmi_.mode == 0) {
        // <mode>=0: the TA keeps indications until +CNMI sets a mode that allows them.
        cnmi_buffer_.push_back(std::move(lines));
        return;
    }
    urc(std::move(lines));
}

void ModemCore::route_direct(const Inbound& in) {
    // TS 27.005 §3.4.1: no further +CMT/+CDS before the previous one is acknowledged.
    if (csms_ == 1 && ack_pending_) {
        direct_queue_.push_back(in);
        return;
    }
    emit_direct(in);
}

void ModemCore::emit_direct(const Inbound& in) {
    if (in.report)
        indication({"+CDS: " + std::to_string(in.tpdu_length), in.pdu});
    else
        indication({"+CMT: ," + std::to_string(in.tpdu_length), in.pdu});
    if (csms_ != 1) return;
    ack_pending_ = true;
    unacked_ = in;
    ack_timer_ = timers_.after(std::chrono::milliseconds(config_.cnma_timeout_ms),
                               [this] { ack_timed_out(); });
}

void ModemCore::acknowledged() {
    if (ack_timer_) timers_.cancel(*ack_timer_);
    ack_timer_.reset();
    ack_pending_ = false;
    unacked_.reset();
    if (!direct_queue_.empty()) {
        Inbound next = direct_queue_.front();
        direct_queue_.pop_front();
        emit_direct(next);
    }
}

void ModemCore::ack_timed_out() {
    ack_timer_.reset();
    ++stats_.cnma_timeouts;
    log_event("+CNMA not received in time: routing to the TE switched off (+CNMI <mt>=0, <ds>=0)");
    // TS 27.005 §3.4.1: the ME sets <mt> and <ds> to 0. The network redelivers
    // what was not acknowledged, which now lands in storage.
    cnmi_.mt = 0;
    cnmi_.ds = 0;
    ack_pending_ = false;
    std::deque<Inbound> again;
    if (unacked_) again.push_back(*unacked_);
    unacked_.reset();
    for (auto& in : direct_queue_) again.push_back(in);
    direct_queue_.clear();
    for (auto& in : again)
        if (!in.report) route_inbound(in);
}

void ModemCore::retry_waiting() {
    if (waiting_.empty() || hung()) return;
    std::deque<Inbound> retry = std::move(waiting_);
    waiting_.clear();
    while (!retry.empty()) {
        Inbound in = retry.front();
        retry.pop_front();
        InboundResult r = route_inbound(in);
        if (r.waiting > 0) {
            // Still no room: keep the rest in order behind it.
            for (auto& rest : retry) waiting_.push_back(rest);
            return;
        }
    }
}

void ModemCore::auto_report(int mr, const std::string& to) {
    timers_.after(std::chrono::milliseconds(config_.report_delay_ms), [this, mr, to] {
        pdu::StatusReportOptions options;
        options.service_centre_time = utc_now();
        options.discharge_time = options.service_centre_time;
        auto encoded = pdu::encode_status_report(static_cast<std::uint8_t>(mr), to, 0, options);
        if (!encoded) {
            log_event("auto report for TP-MR " + std::to_string(mr) + " not encodable: " +
                      encoded.error().message);
            return;
        }
        deliver_status_report(encoded->hex, encoded->tpdu_length);
    });
}

}  // namespace smsgw::modemsim
