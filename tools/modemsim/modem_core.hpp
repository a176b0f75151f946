// The simulated modem itself: bytes from the serial line in, bytes out, with
// the state a GSM modem keeps (echo, CMEE, SIM lock, registration, CNMI
// routing, message memories, the TP-MR counter). It owns no file descriptor:
// the poll() loop feeds it and writes what take_output() returns, and the
// control socket calls its inject/fault methods. Commands live in
// commands_general.cpp and commands_sms.cpp, inbound routing in inbound.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tools/modemsim/at_errors.hpp"
#include "tools/modemsim/command_line.hpp"
#include "tools/modemsim/flavour.hpp"
#include "tools/modemsim/sim_config.hpp"
#include "tools/modemsim/sms_storage.hpp"
#include "tools/modemsim/timer_queue.hpp"

namespace smsgw::modemsim {

// One part accepted by AT+CMGS, as the network (and the recipient) got it.
struct SentPart {
    int mr = 0;            // the TP-MR the modem assigned
    std::string pdu;       // hex as the client gave it, SMSC field first
    std::string to;        // destination, "+49…" when international
    bool srr = false;      // status report requested
    std::int64_t unix_ms = 0;
};

struct SimStats {
    std::uint64_t commands = 0;
    std::uint64_t errors = 0;          // final results other than OK
    std::uint64_t sent_parts = 0;
    std::uint64_t cmgs_rejected = 0;   // injected network errors, 304s, no service
    std::uint64_t inbound_stored = 0;
    std::uint64_t inbound_routed = 0;  // given directly as +CMT
    std::uint64_t inbound_waiting = 0; // held by the "network" now (memory full, no service)
    std::uint64_t status_reports = 0;
    std::uint64_t deleted = 0;
    std::uint64_t noise_lines = 0;
    std::uint64_t cnma_timeouts = 0;
    std::uint64_t hangs = 0;
    std::uint64_t resets = 0;
    std::uint64_t answers_lost = 0;    // --lose-answer-every
    // When the last unsolicited result (+CMTI, +CMT, …) went out on the pty:
    // microseconds of CLOCK_MONOTONIC (std::chrono::steady_clock), so that a
    // client on this machine can time what follows from the indication itself
    // rather than from the injection (a modem holds indications while a
    // command runs). 0: none yet.
    std::int64_t last_urc_monotonic_us = 0;
};

// How an injected message or report was handed to the client.
struct InboundResult {
    std::vector<int> indexes;  // stored at these indexes of <mem3>
    int routed = 0;            // sent as +CMT / +CDS
    int waiting = 0;           // memory full: kept back until a slot frees
    int discarded = 0;         // status report with <ds>=0
};

class ModemCore {
public:
    using Clock = std::chrono::steady_clock;

    ModemCore(SimConfig config, TimerQueue& timers);

    // ---- serial side --------------------------------------------------------
    void on_bytes(std::string_view bytes);
    std::string take_output();

    // ---- control side -------------------------------------------------------
    // An SMS-DELIVER (hex with SMSC field) arriving from the network; its
    // message class (TS 23.038 §4) decides the +CNMI route. `announce` false:
    // stored without its +CMTI, as a firmware that loses one does.
    InboundResult deliver_sms(const std::string& pdu, int tpdu_length,
                              std::optional<int> message_class, bool announce = true);
    // An SMS-STATUS-REPORT arriving from the network.
    // announce=false: stored without +CDSI (a lost indication).
    InboundResult deliver_status_report(const std::string& pdu, int tpdu_length,
                                        bool announce = true);
    // A line of vendor noise, now or inside the next response; with
    // `response_to` (a command line prefix such as "AT+CMGS"), inside the next
    // response to such a command only, whatever is answered before it. It
    // lands after the first information text, where Huawei puts it, or with
    // `before_answer` ahead of all of it (an unsolicited line the modem wrote
    // just as it began to answer).
    void noise(const std::string& line, bool during_next_response,
               const std::string& response_to = {}, bool before_answer = false);
    void hang(std::chrono::milliseconds duration);
    // Restarts by itself (a watchdog, a brown-out): back at the power-up
    // defaults (echo on unless keep_echo, no +CNMI, PIN asked again), deaf
    // for reset_ms, then its boot lines (none when !announce). What the SIM
    // stores survives.
    void restart(bool announce = true, bool keep_echo = false);
    // Power lost and back (unplug, AT+CFUN=1,1): settings to their defaults,
    // the SIM locked again, the memories and the TP-MR counter kept.
    void power_on();
    // Unplugged: no power, so no network either; the SMSC keeps what arrives.
    void power_off();
    // What happens to the SIM while the modem runs, without a restart: reset
    // (re-seated in a hot-swap tray, or a SIM refresh) it asks for its PIN
    // again when it has one; removed, the SIM commands answer "not inserted";
    // inserted, it is back, locked when it has a PIN. The network is lost
    // and found with it. With announce, a "+CPIN: …" line says so.
    enum class SimEvent { reset, removed, inserted };
    void sim_event(SimEvent event, bool announce);
    void set_signal(int signal);
    void set_registration(Registration registration);
    void set_lte_only(bool lte_only);  // announced like a registration change
    void set_error_rate(double rate) { config_.error_rate = rate; }
    // From the next command line on (--answer-latency-ms).
    void set_answer_latency(int ms) { config_.answer_latency_ms = ms; }
    void set_operator(const std::string& name) { config_.operator_name = name; }
    // The next command line starting with `prefix` (e.g. "AT+CMGD") is carried
    // out but its answer lost, once.
    void lose_answer_to(std::string prefix) { lose_answer_to_ = std::move(prefix); }
    // As --cmgs-without-mr, from the next AT+CMGS on.
    void set_cmgs_without_mr(bool on) { config_.cmgs_without_mr = on; }
    // AT+CMGR answers +CMS ERROR: 500 while set, as a modem whose SIM will not
    // show a slot (busy, or a read it does not support).
    void set_refuse_reads(bool refuse) { refuse_reads_ = refuse; }

    const SimConfig& config() const { return config_; }
    SimStats stats() const {
        SimStats s = stats_;
        s.inbound_waiting = waiting_.size();
        return s;
    }
    const std::vector<SentPart>& sent() const { return sent_; }
    MessageStore& store() { return store_; }
    bool hung() const;
    std::optional<std::string> recipient_of(int mr) const;

    // Called for every accepted part (the JSON log file hangs here).
    std::function<void(const SentPart&)> on_sent;

private:
    // ---- results of one command --------------------------------------------
    enum class Next { ok, error, prompt };
    struct Outcome {
        Next next = Next::ok;
        AtError error;
    };
    static Outcome ok() { return {}; }
    static Outcome err_plain() { return {Next::error, {ErrorKind::plain, 0}}; }
    static Outcome err_cme(int code) { return {Next::error, {ErrorKind::cme, code}}; }
    static Outcome err_cms(int code) { return {Next::error, {ErrorKind::cms, code}}; }
    void info(std::string line) { frame_.push_back(std::move(line)); }

    using Handler = Outcome (ModemCore::*)(const AtCommand&);
    struct CommandRow {
        const char* name;
        Handler handler;
        enum class Sim : std::uint8_t { any, cme, cms } needs_sim;  // which error when locked
        bool sms = false;  // refused until the SMS service has started
    };
    static const std::vector<CommandRow>& command_table();

    // ---- modem_core.cpp: input, framing, URCs ---------------------------------
    void feed_command_byte(char c);
    void feed_prompt_byte(char c);
    // `logged`: the line went into the -v log as it came (execute_later).
    void execute_line(std::string_view line, bool logged = false);
    // `final_lost`: the final result is not written (--cmgs-final-lost).
    void finish_response(const std::optional<AtError>& error, bool final_lost = false);
    void end_frame();
    void write(std::string_view bytes);
    void urc(std::vector<std::string> lines);
    void flush_urcs();
    void write_urc(const std::string& framed);  // writes and notes the time (SimStats)
    // A command line being typed holds URCs back as modems do: a URC inside the
    // echo would split it, and clients match the echo against their command.
    bool link_busy() const {
        return busy_ || answering_ || prompt_.active || hung() || !input_line_.empty();
    }
    // --answer-latency-ms: the line is carried out and answered once the time
    // has passed; a power cycle or a hang meanwhile takes it with it.
    void execute_later(std::string line);
    void drop_line_in_work();
    void resume_input();
    void schedule_noise();
    std::string random_noise_line();
    Registration effective_registration() const;
    void registration_changed(Registration before);
    // The registration URCs the modem was asked for (AT+CREG=n…), +CEREG's
    // only with `eps`.
    void announce_registration(bool eps);
    // What +CREG/+CGREG (`name`) or +CEREG reports: --lte-only keeps the first two searching.
    Registration registration_of(const std::string& name) const;
    void become_deaf(std::chrono::milliseconds duration, bool boot_afterwards);
    void reset_profile();  // ATZ / AT&F: V.250, 27.007 and 27.005 settings

    // ---- commands_general.cpp -------------------------------------------------
    Outcome cmd_basic(const AtCommand& c);
    Outcome cmd_identity(const AtCommand& c);
    Outcome cmd_cmee(const AtCommand& c);
    Outcome cmd_cimi(const AtCommand& c);
    Outcome cmd_ccid(const AtCommand& c);
    Outcome cmd_cpin(const AtCommand& c);
    Outcome cmd_cpinr(const AtCommand& c);
    Outcome cmd_huawei_cpin(const AtCommand& c);
    Outcome cmd_creg(const AtCommand& c);
    Outcome cmd_cops(const AtCommand& c);
    Outcome cmd_csq(const AtCommand& c);
    Outcome cmd_cfun(const AtCommand& c);
    Outcome cmd_curc(const AtCommand& c);
    Outcome cmd_cscs(const AtCommand& c);
    Outcome cmd_cgatt(const AtCommand& c);
    Outcome cmd_clip(const AtCommand& c);
    Outcome cmd_cusd(const AtCommand& c);
    std::vector<std::string> identity_lines(const std::string& name) const;
    std::string creg_line(const std::string& name, int n, bool unsolicited) const;

    // ---- commands_sms.cpp -----------------------------------------------------
    Outcome cmd_cmgf(const AtCommand& c);
    Outcome cmd_csca(const AtCommand& c);
    Outcome cmd_csmp(const AtCommand& c);
    Outcome cmd_csms(const AtCommand& c);
    Outcome cmd_cpms(const AtCommand& c);
    Outcome cmd_cnmi(const AtCommand& c);
    Outcome cmd_cnma(const AtCommand& c);
    Outcome cmd_cmgl(const AtCommand& c);
    Outcome cmd_cmgr(const AtCommand& c);
    Outcome cmd_cmgd(const AtCommand& c);
    Outcome cmd_cmgs(const AtCommand& c);
    Outcome cmd_cmgw(const AtCommand& c);
    void submit_prompt(std::string pdu);
    void complete_cmgs(std::optional<int> cms_error, std::string pdu, std::string to, bool srr);
    std::string cpms_counts() const;

    // ---- inbound.cpp ----------------------------------------------------------
    struct Inbound {
        bool report = false;  // status report rather than SMS-DELIVER
        std::string pdu;
        int tpdu_length = 0;
        std::optional<int> message_class;
        bool announce = true;  // false: stored without +CMTI/+CDSI (a lost indication)
    };
    InboundResult route_inbound(const Inbound& in);
    bool store_and_indicate(const Inbound& in, InboundResult& result);
    void route_direct(const Inbound& in);
    void emit_direct(const Inbound& in);
    void indication(std::vector<std::string> lines);
    void acknowledged();
    void ack_timed_out();
    void retry_waiting();
    void auto_report(int mr, const std::string& to);

    // ---- state ------------------------------------------------------------------
    SimConfig config_;
    const FlavourTraits& traits_;
    TimerQueue& timers_;
    std::mt19937 rng_;
    MessageStore store_;
    SimStats stats_;
    std::vector<SentPart> sent_;
    std::map<int, std::string> recipients_;  // TP-MR → destination, for reports
    int next_mr_ = 0;

    // V.250 / 27.007 settings (reset by ATZ / power-on).
    bool echo_ = true;
    bool verbose_ = true;  // ATV1
    bool quiet_ = false;   // ATQ1
    long command_lines_ = 0;    // command lines answered so far (--lose-answer-every)
    bool lose_answer_ = false;  // this command line's answer is lost on the way
    std::string lose_answer_to_;  // see lose_answer_to(); empty: none
    bool refuse_reads_ = false;   // see set_refuse_reads()
    int cmee_ = 0;
    int creg_n_ = 0, cgreg_n_ = 0, cereg_n_ = 0;
    int cops_format_ = 0;
    int cfun_ = 1;
    bool powered_ = true;
    bool curc_ = true;
    std::map<int, int> s_registers_;
    std::string cscs_ = "IRA";
    int clip_ = 0;
    int cusd_ = 0;

    // SIM.
    enum class SimLock : std::uint8_t { ready, pin, puk, blocked, absent };
    SimLock sim_lock_ = SimLock::ready;
    std::string pin_;
    int pin_tries_ = 3, puk_tries_ = 10;

    // SMS settings (27.005).
    int csms_ = 0;
    struct Cnmi {
        int mode = 0, mt = 0, bm = 0, ds = 0, bfr = 0;
    } cnmi_;
    Memory mem1_ = Memory::sm, mem2_ = Memory::sm, mem3_ = Memory::sm;
    std::string csca_;
    int csca_type_ = 145;
    int csmp_[4] = {17, 167, 0, 0};

    // Input and output.
    std::string input_line_;
    std::string pending_input_;  // bytes that arrived while a command was running
    struct Prompt {
        bool active = false;
        bool write = false;  // AT+CMGW rather than AT+CMGS
        int length = 0;
        MessageStat stat = MessageStat::sto_unsent;
        std::string pdu;
    } prompt_;
    bool busy_ = false;  // a submit is with the "network"
    bool answering_ = false;  // a command line is being worked on (--answer-latency-ms)
    std::optional<TimerQueue::Id> answer_timer_;
    std::vector<std::string> frame_;                // info lines of the command running
    std::vector<std::string> response_;             // framed replies of the line so far
    struct ResponseNoise {
        std::string line;
        std::string response_to;  // command line prefix; empty: any response
        bool before_answer = false;
    };
    std::deque<ResponseNoise> noise_next_response_;
    std::string command_line_;  // the command line being answered
    std::deque<std::string> held_urcs_;             // framed, waiting for the link
    std::deque<std::vector<std::string>> cnmi_buffer_;  // <mode>=0: kept in the TA
    std::string output_;
    std::function<void()> after_response_;  // work due once the final result is out
    Clock::time_point deaf_until_{};
    Clock::time_point sms_ready_at_{};  // see SimConfig::sms_init_ms
    std::optional<TimerQueue::Id> noise_timer_;

    // +CMT/+CDS acknowledgement (AT+CSMS=1).
    bool ack_pending_ = false;
    std::optional<Inbound> unacked_;
    std::deque<Inbound> direct_queue_;
    std::optional<TimerQueue::Id> ack_timer_;
    std::deque<Inbound> waiting_;  // memory full: the network retries later
};

}  // namespace smsgw::modemsim
