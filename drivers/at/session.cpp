// The AT session state machine; see session.hpp. Every state names the timer that
// guards it in `states[]`, and every change of state is reported as a Transition
// action with its reason, so the log of a session is also its golden trace.
#include "drivers/at/session.hpp"

#include <algorithm>
#include <utility>

#include "drivers/at/enum_names.hpp"
#include "drivers/at/fields.hpp"
#include "drivers/at/final_result.hpp"
#include "drivers/at/text.hpp"

namespace smsgw::at {

namespace {

constexpr char ctrl_z = '\x1A';  // TS 27.005 §3.5.1: ends the PDU
constexpr char esc = '\x1B';     // TS 27.005 §3.5.1: cancels the PDU entry

struct StateDef {
    SessionState state;
    std::string_view name;
    std::optional<TimerId> timer;
};
constexpr StateDef states[] = {
    {SessionState::idle, "idle", std::nullopt},
    {SessionState::awaiting_reply, "awaiting_reply", TimerId::command},
    {SessionState::awaiting_prompt, "awaiting_prompt", TimerId::prompt},
    {SessionState::prompt_pause, "prompt_pause", TimerId::prompt_delay},
    {SessionState::awaiting_send, "awaiting_send", TimerId::send},
    {SessionState::resync_quiet, "resync_quiet", TimerId::quiet},
    {SessionState::resync_probe, "resync_probe", TimerId::probe},
    {SessionState::resync_settle, "resync_settle", TimerId::quiet},
};

constexpr EnumName<Outcome> outcome_names[] = {
    {Outcome::ok, "ok"},
    {Outcome::error, "error"},
    {Outcome::timeout, "timeout"},
    {Outcome::uncertain, "uncertain"},
    {Outcome::not_sent, "not_sent"},
    {Outcome::rejected, "rejected"},
};

const StateDef& state_def(SessionState s) {
    return states[static_cast<std::size_t>(s)];
}

bool resynchronising(SessionState s) {
    return s == SessionState::resync_quiet || s == SessionState::resync_probe ||
           s == SessionState::resync_settle;
}

bool command_in_flight(SessionState s) {
    return s == SessionState::awaiting_reply || s == SessionState::awaiting_prompt ||
           s == SessionState::prompt_pause || s == SessionState::awaiting_send;
}

// Why a command cannot be written as it is; empty when it can.
std::string invalid_reason(const Command& cmd) {
    if (trim(cmd.text).empty()) return "empty command";
    for (const char c : cmd.text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7F)
            return "command holds control or non-ASCII byte " + c_escape(std::string(1, c));
    }
    if (cmd.pdu && (cmd.pdu->size() < 2 || cmd.pdu->size() % 2 != 0 || !is_hex(*cmd.pdu)))
        return "PDU is not an even number of hex digits";
    return {};
}

std::string millis_text(Millis ms) {
    return std::to_string(ms.count()) + " ms";
}

}  // namespace

std::string_view to_string(SessionState s) {
    return state_def(s).name;
}
std::string_view to_string(Outcome o) {
    return enum_name(outcome_names, o);
}

std::string shown_command(const Command& cmd) {
    if (!cmd.sensitive) return cmd.text;
    const auto eq = cmd.text.find('=');
    return eq == std::string::npos ? cmd.text : cmd.text.substr(0, eq + 1) + "****";
}

Session::Session(SessionConfig config) : config_(std::move(config)) {}

std::vector<Action> Session::take_actions() {
    std::vector<Action> out;
    out.swap(actions_);
    return out;
}

CommandId Session::submit(Command cmd, TimePoint now) {
    const CommandId id = next_id_++;
    std::string why = invalid_reason(cmd);
    const Outcome refused = why.empty() ? Outcome::not_sent : Outcome::rejected;
    if (why.empty()) why = unresponsive_why_;
    if (!why.empty()) {
        actions_.push_back(
            Complete{id, shown_command(cmd), {}, Final{refused, {}, std::nullopt, std::move(why)}});
        return id;
    }
    queue_.push_back({id, std::move(cmd)});
    dispatch(now);
    return id;
}

void Session::enter(SessionState to, std::string why, TimePoint now) {
    actions_.push_back(Transition{state_, to, std::move(why)});
    state_ = to;
    deadline_.reset();
    if (const auto timer = state_def(to).timer) {
        Millis span = config_.timers.get(*timer);
        const bool own_timeout =
            to == SessionState::awaiting_reply || to == SessionState::awaiting_send;
        if (own_timeout && current_ && current_->cmd.timeout.count() > 0)
            span = current_->cmd.timeout;
        deadline_ = now + span;
    }
    if (to == SessionState::resync_settle) deadline_ = settle_deadline(now);
}

void Session::write(std::string bytes, std::string shown) {
    actions_.push_back(Write{std::move(bytes), std::move(shown)});
}

void Session::dispatch(TimePoint now) {
    for (;;) {
        if (state_ != SessionState::idle || queue_.empty()) return;
        Pending next = std::move(queue_.front());
        queue_.pop_front();
        std::string held = next.cmd.hold ? next.cmd.hold() : std::string();
        if (held.empty()) {
            current_ = std::move(next);
            break;
        }
        actions_.push_back(Complete{next.id, shown_command(next.cmd), {},
                                    Final{Outcome::not_sent, {}, std::nullopt,
                                          "not written: " + std::move(held)}});
    }
    lines_.clear();
    answer_open_ = false;
    current_->written = now;
    const Command& cmd = current_->cmd;
    write(cmd.text + '\r', shown_command(cmd) + '\r');
    const std::string why = "#" + std::to_string(current_->id) + " " + shown_command(cmd);
    enter(cmd.pdu ? SessionState::awaiting_prompt : SessionState::awaiting_reply, why, now);
}

void Session::complete(Final final) {
    if (!current_) return;
    actions_.push_back(Complete{current_->id, shown_command(current_->cmd), std::move(lines_),
                                std::move(final), current_->echoed});
    current_.reset();
    lines_.clear();
}

void Session::finish_late_send(Final final, std::vector<std::string> lines) {
    if (!late_send_) return;
    actions_.push_back(Complete{late_send_->id, shown_command(late_send_->cmd), std::move(lines),
                                std::move(final), late_send_->echoed});
    late_send_.reset();
}

void Session::give_up_late_send(const std::string& then) {
    if (late_send_) finish_late_send(Final{Outcome::uncertain, {}, std::nullopt, late_send_reason_ + then}, {});
}

void Session::on_bytes(std::string_view bytes, TimePoint now) {
    // Any byte during a quiet gap means the modem is still talking: start it over.
    if (state_ == SessionState::resync_quiet && !bytes.empty())
        deadline_ = now + config_.timers.get(TimerId::quiet);
    std::vector<LexToken> tokens;
    lexer_.feed(bytes, tokens);
    for (auto& token : tokens) {
        if (token.kind == LexToken::Kind::prompt)
            on_prompt(now);
        else
            on_line(std::move(token.text), now);
    }
    // Likewise while settling, once the bytes' answers to probes are counted.
    if (state_ == SessionState::resync_settle && !bytes.empty()) deadline_ = settle_deadline(now);
    // The next command goes out only once the bytes read with its predecessor's
    // final result are used up: they came before it and cannot answer it. A
    // modem that says ERROR and then OK to one command would otherwise have
    // that OK taken for the answer to the AT+CMGS written between the two.
    dispatch(now);
    on_tick(now);
}

void Session::on_tick(TimePoint now) {
    // A timeout may arm the next timer; each is at least the table's value ahead,
    // but a zero override could expire at once, hence the bound.
    for (int guard = 0; guard < 8 && deadline_ && now >= *deadline_; ++guard) timeout(now);
}

bool Session::is_echo(std::string_view line) const {
    if (state_ == SessionState::resync_probe || state_ == SessionState::resync_settle)
        return iequals(line, "AT") || iequals(line, "ATQ0V1");
    if (!current_ || !command_in_flight(state_)) return false;
    if (iequals(line, trim(current_->cmd.text))) return true;
    return state_ == SessionState::awaiting_send && current_->cmd.pdu &&
           iequals(line, *current_->cmd.pdu);
}

std::string_view Session::command_name() const {
    const std::string_view text = trim(current_->cmd.text);
    if (text.size() < 4 || !istarts_with(text, "AT")) return {};
    const auto end = text.find_first_of("=?", 2);
    const std::string_view name = text.substr(2, end == std::string_view::npos ? end : end - 2);
    if (name.size() < 2 || std::string_view("+^$!#%*").find(name.front()) == std::string_view::npos)
        return {};
    return name;
}

// A read, test or action command claims the lines that carry its own prefix, so
// "+CPIN: READY" answers AT+CPIN? instead of being taken for the URC. A set
// command ("AT+CREG=2") claims nothing by prefix: a +CREG URC may follow it.
bool Session::claims(std::string_view line) const {
    const std::string_view name = command_name();
    if (name.empty()) return false;
    const std::string_view text = trim(current_->cmd.text);
    const auto end = text.find_first_of("=?", 2);
    const bool set = end != std::string_view::npos && text[end] == '=' &&
                     (end + 1 >= text.size() || text[end + 1] != '?');
    return !set && info_body(line, name).has_value();
}

bool Session::names_command(std::string_view line) const {
    const std::string_view name = command_name();
    return !name.empty() && info_body(line, name).has_value();
}

void Session::emit_urc(UrcKind kind, std::vector<std::string> lines) {
    const bool noise =
        std::find(config_.noise.begin(), config_.noise.end(), kind) != config_.noise.end();
    actions_.push_back(Urc{kind, std::move(lines), noise});
}

void Session::flush_partial_urc() {
    if (!partial_urc_) return;
    actions_.push_back(std::move(*partial_urc_));
    partial_urc_.reset();
}

std::string Session::mask(std::string line) const {
    if (!current_ || !current_->cmd.sensitive) return line;
    const auto eq = current_->cmd.text.find('=');
    if (eq == std::string::npos || eq + 1 >= current_->cmd.text.size()) return line;
    const std::string secret = current_->cmd.text.substr(eq + 1);
    for (auto pos = line.find(secret); pos != std::string::npos; pos = line.find(secret, pos + 4))
        line.replace(pos, secret.size(), "****");
    return line;
}

void Session::on_line(std::string line, TimePoint now) {
    // TS 27.005 §3.4.1: in PDU mode the line after +CMT/+CDS/+CBM is the PDU.
    if (partial_urc_) {
        if (is_hex(line)) {
            partial_urc_->lines.push_back(std::move(line));
            flush_partial_urc();
            return;
        }
        flush_partial_urc();
    }
    // The echo of our PDU with the modem's answer run on, where no line break
    // parts them (an echoing modem that answers in digits, ATV0, begins its
    // text without one): the answer is read on its own.
    if (state_ == SessionState::awaiting_send && current_ && current_->cmd.pdu &&
        line.size() > current_->cmd.pdu->size() && istarts_with(line, *current_->cmd.pdu))
        line.erase(0, current_->cmd.pdu->size());
    if (is_echo(line)) {
        // Only the command line's echo tells that ATE0 was undone: some modems
        // (SIMCom A7672) echo a PDU typed after "> " whatever ATE says.
        if (current_ && command_in_flight(state_) && iequals(line, trim(current_->cmd.text)))
            current_->echoed = true;
        return;
    }
    const bool in_flight = current_ && command_in_flight(state_);
    if (in_flight && claims(line)) {
        reply_line(line, now);
        lines_.push_back(std::move(line));
        return;
    }
    if (parse_final_result(line)) {
        // Outside a call command it is news about a call (a caller hanging
        // up): taken for the answer to an AT+CMGS, it would make a message the
        // network took look failed, and it would go out twice.
        if (is_call_result(line) && !(in_flight && sets_up_call(current_->cmd.text))) {
            emit_urc(UrcKind::call_ended, {std::move(line)});
            return;
        }
        on_final(line, now);
        return;
    }
    if (const auto urc = classify_urc(line)) {
        if (urc->pdu_follows) {
            flush_partial_urc();
            const bool noise = std::find(config_.noise.begin(), config_.noise.end(), urc->kind) !=
                               config_.noise.end();
            partial_urc_ = Urc{urc->kind, {std::move(line)}, noise};
        } else {
            emit_urc(urc->kind, {std::move(line)});
        }
        return;
    }
    if (in_flight) {
        reply_line(line, now);
        lines_.push_back(std::move(line));
        return;
    }
    if (late_send_ && info_body(line, "+CMGS")) {
        finish_late_send(Final{Outcome::ok, {}, std::nullopt,
                               "after the send timeout, while the line was resynchronised"},
                         {std::move(line)});
    } else {
        actions_.push_back(Stray{mask(std::move(line)),
                                 resynchronising(state_) && !waiting_out_stray_
                                     ? "late reply while resynchronising"
                                     : "no command in flight"});
    }
    // An answer to a command that is not ours (a killed process's, a
    // timed-out one's): its final result may still be on its way, and the
    // next command written now would take it for its own. The queue waits
    // for a quiet line first; that final result, if it comes, is a stray.
    answer_open_ = true;
    if (state_ == SessionState::idle) {
        waiting_out_stray_ = true;
        enter(SessionState::resync_settle,
              "answer line with no command in flight; waiting for a quiet line", now);
    }
}

Millis Session::reply_timeout() const {
    return current_->cmd.timeout.count() > 0 ? current_->cmd.timeout
                                              : config_.timers.get(TimerId::command);
}

void Session::reply_line(std::string_view line, TimePoint now) {
    if (!deadline_ || !current_) return;
    if (state_ == SessionState::awaiting_send) {
        // "+CMGS: <mr>": the network has taken the message, and the final
        // result follows at once, as any answer's does. A lost OK is then
        // noticed after a command timeout, not after the network's.
        if (names_command(line))
            deadline_ = std::min(*deadline_, now + config_.timers.get(TimerId::command));
        return;
    }
    if (state_ != SessionState::awaiting_reply) return;
    const Millis span = reply_timeout();
    const TimePoint latest = current_->written + span * reply_timeouts_at_most;
    deadline_ = std::max(*deadline_, std::min(now + span, latest));
}

void Session::on_final(const std::string& line, TimePoint now) {
    if (command_in_flight(state_) && current_) {
        auto parsed = parse_final_result(line, config_.vendor);
        Final final;
        final.line = line;
        final.outcome = parsed->success ? Outcome::ok : Outcome::error;
        final.error = std::move(parsed->error);
        complete(std::move(final));
        enter(SessionState::idle, line, now);
        return;
    }
    stray_final(line, now);
}

void Session::stray_final(const std::string& line, TimePoint now) {
    // A refusal of the send that timed out: the network did not take the
    // message, so it may be retried. Our probes are never answered with
    // +CMS ERROR; any other error is the send's only while no probe is out
    // (in the quiet gap before the first): after one, it may be the probe's,
    // and a send taken for refused would go out twice.
    if (late_send_ && !answer_open_) {
        auto parsed = parse_final_result(line, config_.vendor);
        const bool no_probe_out = state_ == SessionState::resync_quiet && unanswered_probes_ == 0;
        if (!parsed->success && (no_probe_out || istarts_with(line, "+CMS ERROR"))) {
            finish_late_send(Final{Outcome::error, line, std::move(parsed->error),
                                   "answered after the send timeout"},
                             {});
            return;
        }
    }
    // The end of an answer whose lines came with no command in flight: the
    // probe's answer has no information lines, so this ends another's.
    if (std::exchange(answer_open_, false)) {
        actions_.push_back(Stray{line, resynchronising(state_) && !waiting_out_stray_
                                           ? "late reply while resynchronising"
                                           : "end of an answer to no command in flight"});
        return;
    }
    // An OK answers the probe; so does an error to ATQ0V1, in words, from a
    // modem without ATQ/ATV (an emulator, a minimal firmware).
    const bool ok = iequals(line, "OK");
    const bool owed = resynchronising(state_) && unanswered_probes_ > 0;
    if (owed) --unanswered_probes_;
    if (state_ == SessionState::resync_probe && (ok || probe_restores_result_codes_)) {
        // This answer may be a late one's, ours still to come (a modem that
        // queued the commands written while it was busy answers them all in a
        // burst): only a quiet line after it releases the queue, so a spare
        // answer is never taken for the next command's.
        failed_probes_ = 0;
        unresponsive_why_.clear();
        std::string why = "OK to the resync AT";
        if (probe_restores_result_codes_ && ok) {
            ++result_codes_restored_;
            why = "OK to the resync ATQ0V1: result codes were off or in digits";
        } else if (probe_restores_result_codes_) {
            why = line + " to the resync ATQ0V1: the modem answers";
        }
        enter(SessionState::resync_settle, why + "; waiting for a quiet line", now);
        return;
    }
    if (state_ == SessionState::resync_settle && !owed) {
        // A final result no probe of ours accounts for, after the OK that
        // began this settle: that OK may have been the answer to a command
        // written before (by a process killed since, or before a timeout),
        // and this one the probe's. Which is which cannot be told, so the
        // probe is repeated; a modem that keeps talking is unresponsive.
        actions_.push_back(Stray{line, "final result nobody owed after the resync OK"});
        if (++broken_settles_ >= config_.probes_before_unresponsive)
            go_unresponsive("modem unresponsive: answers nobody owed kept coming after " +
                            std::to_string(broken_settles_) + " resync OKs");
        start_resync("a final result nobody owed after the resync OK: probing again", now);
        return;
    }
    actions_.push_back(Stray{line, resynchronising(state_)
                                       ? "late reply while resynchronising"
                                       : "final result with no command in flight"});
}

void Session::on_prompt(TimePoint now) {
    flush_partial_urc();
    if (state_ == SessionState::awaiting_prompt && current_ && current_->cmd.pdu) {
        if (config_.timers.get(TimerId::prompt_delay).count() > 0)
            enter(SessionState::prompt_pause, "prompt; vendor pause before the PDU", now);
        else
            send_pdu(now);
        return;
    }
    // Nobody has a PDU for this prompt: leave the modem's text entry with ESC
    // rather than let our next command be taken as message text.
    write(std::string(1, esc), std::string(1, esc));
    actions_.push_back(Stray{"> ", "prompt without a PDU to send: cancelled with ESC"});
}

void Session::send_pdu(TimePoint now) {
    if (current_->echoed && current_->cmd.echo_off) {
        write(std::string(1, esc), std::string(1, esc));
        complete(Final{Outcome::not_sent,
                       {},
                       std::nullopt,
                       "the modem echoed \"" + current_->cmd.text +
                           "\" though its echo was off: it restarted, back at its defaults "
                           "(perhaps in text mode, where the length would be taken for a "
                           "number); cancelled with ESC, PDU not sent"});
        start_resync("restart seen at the prompt", now);
        return;
    }
    const std::string& pdu = *current_->cmd.pdu;
    write(pdu + ctrl_z, pdu + ctrl_z);
    enter(SessionState::awaiting_send, "PDU and Ctrl-Z written", now);
}

TimePoint Session::settle_deadline(TimePoint now) const {
    const Millis quiet = config_.timers.get(TimerId::quiet);
    // The OK that ended the probing may be a slow modem's answer to an
    // earlier probe, the last one's still to come, seconds later; taken for
    // the next command's answer it would, say, have a read's +CMGR answer an
    // AT+CMGS. A modem that lost the earlier probes costs a T-probe more.
    if (unanswered_probes_ > 0)
        return std::max(now + quiet, last_probe_ + config_.timers.get(TimerId::probe) + quiet);
    return now + quiet;
}

void Session::start_resync(std::string why, TimePoint now) {
    ++resyncs_;
    lines_.clear();
    waiting_out_stray_ = false;
    enter(SessionState::resync_quiet, std::move(why), now);
}

void Session::go_unresponsive(std::string why) {
    give_up_late_send("");
    unresponsive_why_ = why;
    fail_queue(std::move(why));
}

void Session::fail_queue(std::string why) {
    for (auto& p : queue_)
        actions_.push_back(Complete{
            p.id, shown_command(p.cmd), {}, Final{Outcome::not_sent, {}, std::nullopt, why}});
    queue_.clear();
}

void Session::timeout(TimePoint now) {
    const Millis waited =
        deadline_ && current_ ? config_.timers.get(*state_def(state_).timer) : Millis{};
    switch (state_) {
        case SessionState::awaiting_reply: {
            const Millis span = reply_timeout();
            // An answer that had begun moved the deadline along its lines.
            const bool cut_off =
                !lines_.empty() && now >= current_->written + span * reply_timeouts_at_most;
            const std::string why =
                cut_off ? "no final result within " + millis_text(span * reply_timeouts_at_most) +
                              " of answer lines"
                        : "no final result within " + millis_text(span) +
                              (lines_.empty() ? "" : " of its last answer line");
            complete(Final{Outcome::timeout, {}, std::nullopt, why});
            start_resync("timeout", now);
            break;
        }
        case SessionState::awaiting_prompt:
            write(std::string(1, esc), std::string(1, esc));
            complete(Final{Outcome::timeout,
                           {},
                           std::nullopt,
                           "no \"> \" prompt within " + millis_text(waited) +
                               "; cancelled with ESC, PDU not sent"});
            start_resync("prompt timeout", now);
            break;
        case SessionState::prompt_pause:
            send_pdu(now);
            break;
        case SessionState::awaiting_send: {
            const auto answer = std::find_if(lines_.begin(), lines_.end(),
                                             [&](const std::string& l) { return names_command(l); });
            if (answer != lines_.end()) {
                complete(Final{Outcome::uncertain, {}, std::nullopt,
                               "no final result within " +
                                   millis_text(config_.timers.get(TimerId::command)) + " of \"" +
                                   *answer + "\""});
                start_resync("timeout after the answer", now);
                break;
            }
            // Not given up yet: the modem may still answer while the line is
            // resynchronised (its +CMGS comes before its answer to our probe,
            // one command at a time), and a late +CMGS: <mr> tells that the
            // network took the message, where giving up now would leave a
            // part a person must look at. Uncertain only if none comes.
            const Millis span = current_->cmd.timeout.count() > 0 ? current_->cmd.timeout : waited;
            late_send_ = std::move(current_);
            late_send_reason_ = "no answer within " + millis_text(span) +
                                " after the PDU: the network may have taken the message";
            current_.reset();
            start_resync("timeout after Ctrl-Z; a late answer to it still counts", now);
            break;
        }
        case SessionState::resync_quiet:
            // After a failed probe the modem may sit in PDU entry: ESC first.
            if (failed_probes_ > 0) write(std::string(1, esc), std::string(1, esc));
            // Every second failed probe, the next turns result codes back on in
            // words: a modem that powered up with a profile saved with ATV0
            // answers a plain AT with "0", with ATQ1 not at all. ATQ0V1 is
            // answered in the new format. ESC and a plain AT go first, so an OK
            // to ATQ0V1 tells which it was; plain ATs in between serve a modem
            // that would refuse ATQ0V1.
            probe_restores_result_codes_ = failed_probes_ > 0 && failed_probes_ % 2 == 0;
            // The line was quiet for T-quiet: an answer whose lines came
            // before is over, and the probe's OK is not taken for its end.
            answer_open_ = false;
            if (probe_restores_result_codes_)
                write("ATQ0V1\r", "ATQ0V1\r");
            else
                write("AT\r", "AT\r");
            ++unanswered_probes_;
            last_probe_ = now;
            enter(SessionState::resync_probe, "line quiet", now);
            break;
        case SessionState::resync_settle:
            unanswered_probes_ = 0;
            broken_settles_ = 0;
            give_up_late_send("");
            enter(SessionState::idle,
                  waiting_out_stray_ ? "line quiet after the answer to no command"
                                     : "line quiet after the resync OK",
                  now);
            dispatch(now);
            break;
        case SessionState::resync_probe:
            ++failed_probes_;
            if (failed_probes_ >= config_.probes_before_unresponsive && !unresponsive())
                go_unresponsive("modem unresponsive: no OK to " + std::to_string(failed_probes_) +
                                " resync probes");
            enter(SessionState::resync_quiet,
                  "no OK to AT (" + std::to_string(failed_probes_) + ")", now);
            break;
        case SessionState::idle:
            deadline_.reset();
            break;
    }
}

void Session::reset(TimePoint now, const std::string& why) {
    if (current_) {
        const bool after_ctrl_z = state_ == SessionState::awaiting_send;
        const bool before_pdu =
            state_ == SessionState::awaiting_prompt || state_ == SessionState::prompt_pause;
        complete(Final{after_ctrl_z ? Outcome::uncertain
                       : before_pdu ? Outcome::not_sent
                                    : Outcome::timeout,
                       {},
                       std::nullopt,
                       after_ctrl_z ? why + " after the PDU was written: the network may have "
                                            "taken the message"
                                    : why});
    }
    give_up_late_send(" (then " + why + ")");
    fail_queue(why);
    flush_partial_urc();
    lexer_.reset();
    failed_probes_ = 0;
    unanswered_probes_ = 0;
    unresponsive_why_.clear();
    answer_open_ = false;
    broken_settles_ = 0;
    enter(SessionState::idle, "reset", now);
}

// Opening a port does not end what the modem was doing: a smsgwd killed (and
// restarted by systemd at once) while a command was unanswered leaves that
// answer on its way, and read as the answer to our first AT it would put every
// later answer one command behind (an IMEI for AT+CGMI, the manufacturer for
// AT+CPIN?) until the modem fails. So the first final result read is never
// trusted: the open is resynchronised as a timeout is, reusing its states.
// ESC at once (a killed process may have left the modem in PDU entry; an OK to
// ESC comes during the quiet gap), a quiet line for T-quiet (what was pending
// drains as strays), then AT; only its bare OK counts (an OK after information
// lines ends another answer), and the queue goes only when the line then stays
// quiet for T-quiet. A final result nobody owed in that time means the OK may
// have been stale: probe again (broken_settles_), at most
// probes_before_unresponsive times, as failed probes are, before the queue is
// failed with the reason and the lifecycle's failure path (reopen, reset) runs.
// Left open: a stale bare OK read after the probe was written, with the probe's
// own OK more than T-quiet behind it (a modem slower than T-quiet per answer),
// still releases the queue one answer early. Closing that would mean waiting
// out T-probe after every open (2 s by default) for a case that needs both a
// killed command answered with a bare OK and a modem that slow.
void Session::open(TimePoint now, const std::string& why) {
    reset(now, why);
    write(std::string(1, esc), std::string(1, esc));
    start_resync(why + ": waiting for a quiet line before the first command", now);
}

}  // namespace smsgw::at
