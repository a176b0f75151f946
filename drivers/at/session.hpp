// The AT session as a pure state machine (sans-io, after Boost.Redis's reader_fsm):
// bytes, commands and the time go in; Writes, command results, URCs and stray lines
// come out. Exactly one command is in flight; unsolicited lines are recognised by
// prefix and routed even in the middle of another command's answer; echo is
// tolerated whether on or off. After a timeout the session resynchronises — waits
// for a quiet line, sends AT (ESC first, and ATQ0V1 at times: see timeout()),
// and releases the queue only once the line stays quiet after an OK — so a late reply (or a burst of them from a modem that
// queued what it was sent while busy) never lands on the next command. A port just
// opened is resynchronised the same way before its first command (open()): the
// modem may still owe the answer to a command a killed process wrote.
// A timeout after the Ctrl-Z of +CMGS is 'uncertain', never retried here, unless
// the modem still answers it while the line is resynchronised.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/at/action.hpp"
#include "drivers/at/command.hpp"
#include "drivers/at/line_lexer.hpp"
#include "drivers/at/timers.hpp"

namespace smsgw::at {

struct SessionConfig {
    Timers timers;
    // Failed resync probes before queued commands are failed as not_sent and new
    // ones refused, so the modem lifecycle can recover (reopen, power-cycle).
    int probes_before_unresponsive = 3;
    std::string vendor;          // quirk name: selects vendor +CMS codes (error_table)
    std::vector<UrcKind> noise;  // URC kinds reported with noise = true
};

class Session {
  public:
    explicit Session(SessionConfig config = {});

    // Queues a command; it is written at once when nothing is in flight. Malformed
    // commands complete at once as `rejected`, and as `not_sent` while unresponsive.
    CommandId submit(Command cmd, TimePoint now);
    // Bytes read from the port, in order, split anywhere.
    void on_bytes(std::string_view bytes, TimePoint now);
    // The clock; call at next_deadline() (earlier or later is harmless).
    void on_tick(TimePoint now);
    // The port was closed or reopened (`why`): in-flight and queued commands
    // complete (uncertain after a Ctrl-Z, else not_sent or timeout), buffered
    // bytes are dropped.
    void reset(TimePoint now, const std::string& why);
    // The port was (re)opened: reset(), then the first command waits for the
    // resync (ESC, a quiet line, a probe's bare OK, a quiet line again), as
    // after a timeout. A modem is not new because its port is: a smsgwd killed
    // while a command was unanswered leaves that answer on its way, and taken
    // for the answer to our first command it would put every later answer one
    // command behind.
    void open(TimePoint now, const std::string& why);

    std::optional<TimePoint> next_deadline() const { return deadline_; }
    // The actions produced so far, oldest first; the Session forgets them.
    std::vector<Action> take_actions();

    SessionState state() const { return state_; }
    std::size_t queued() const { return queue_.size(); }
    bool unresponsive() const { return !unresponsive_why_.empty(); }
    // Why the modem counts as unresponsive ("modem unresponsive: …"); empty: it does not.
    const std::string& unresponsive_why() const { return unresponsive_why_; }
    // How often a resync probe's OK came only to ATQ0V1, a plain AT having
    // failed after ESC: the modem had its result codes off (ATQ1) or in
    // digits (ATV0), as a profile saved with AT&W brings back at power-on.
    int result_codes_restored() const { return result_codes_restored_; }
    // How often the line was resynchronised (a timeout, an open, answers
    // nobody owed): between two reads of it with the same count, every answer
    // was its command's and no command's answer was lost.
    std::uint64_t resyncs() const { return resyncs_; }
    // Takes effect from the next command (quirks become known after +CGMI/+CGMM).
    void set_config(SessionConfig config) { config_ = std::move(config); }
    const SessionConfig& config() const { return config_; }

  private:
    struct Pending {
        CommandId id;
        Command cmd;
        bool echoed = false;  // the modem repeated it
        TimePoint written{};  // when its line went out
    };
    // A reply still arriving line by line is not a hang: each of its lines moves
    // the deadline a command timeout on, up to this many timeouts in all (AT+CMGL
    // over a full SIM, a record every ~100 ms, outlasts one timeout of 5 s).
    static constexpr int reply_timeouts_at_most = 24;
    void reply_line(std::string_view line, TimePoint now);
    // "+CMGS" of "AT+CMGS=23", "+CSQ" of "AT+CSQ"; empty for a basic command (ATE0).
    std::string_view command_name() const;
    // The current command's own information line ("+CMGS: 12" for AT+CMGS=…).
    bool names_command(std::string_view line) const;
    Millis reply_timeout() const;  // the current command's own, or the table's

    void enter(SessionState to, std::string why, TimePoint now);
    void dispatch(TimePoint now);
    void write(std::string bytes, std::string shown);
    void complete(Final final);
    void on_line(std::string line, TimePoint now);
    void on_prompt(TimePoint now);
    void on_final(const std::string& line, TimePoint now);
    bool claims(std::string_view line) const;
    bool is_echo(std::string_view line) const;
    void flush_partial_urc();
    void emit_urc(UrcKind kind, std::vector<std::string> lines);
    void send_pdu(TimePoint now);
    void timeout(TimePoint now);
    void start_resync(std::string why, TimePoint now);
    // When a resync may release the queue: after a quiet gap, and while
    // probes are still unanswered, not before the last one's T-probe is over.
    TimePoint settle_deadline(TimePoint now) const;
    void fail_queue(std::string why);
    // A final result read while no command is in flight: whose answer it ends.
    void stray_final(const std::string& line, TimePoint now);
    void go_unresponsive(std::string why);
    // The AT+CMGS that timed out after its PDU completes with its late answer
    // (+CMGS: <mr>, or a refusal), or as uncertain once the resync is over,
    // the modem unresponsive or the port reset (`then` says which).
    void finish_late_send(Final final, std::vector<std::string> lines);
    void give_up_late_send(const std::string& then);
    std::string mask(std::string line) const;

    SessionConfig config_;
    LineLexer lexer_;
    std::deque<Pending> queue_;
    std::optional<Pending> current_;
    std::vector<std::string> lines_;  // information lines of the current command
    std::optional<Urc> partial_urc_;  // a +CMT/+CDS/+CBM header waiting for its PDU line
    SessionState state_ = SessionState::idle;
    std::optional<TimePoint> deadline_;
    std::vector<Action> actions_;
    CommandId next_id_ = 1;
    int failed_probes_ = 0;
    // Probes written and not answered yet, counting each final result read
    // while resynchronising as the answer to one; when the last was written.
    int unanswered_probes_ = 0;
    TimePoint last_probe_{};
    bool probe_restores_result_codes_ = false;  // the probe in flight is ATQ0V1
    int result_codes_restored_ = 0;
    std::string unresponsive_why_;
    // Lines of an answer were read with no command in flight, and not yet its
    // final result: that final result ends someone else's answer, never a
    // probe's (AT has no information lines) nor the next command's.
    bool answer_open_ = false;
    // resync_settle entered from idle to wait out an answer to no command,
    // rather than as the end of a resync.
    bool waiting_out_stray_ = false;
    // Settles after a probe's OK that a final result nobody owed broke: the
    // OK may have been another command's, so the probe is repeated, this
    // many times at most before the modem counts as unresponsive.
    int broken_settles_ = 0;
    std::uint64_t resyncs_ = 0;
    // An AT+CMGS with no answer within its timeout after the PDU, held while
    // the line is resynchronised: the modem answers one command at a time, so
    // an answer it still gives comes before its answer to our probe.
    std::optional<Pending> late_send_;
    std::string late_send_reason_;
};

}  // namespace smsgw::at
