// The byte-level life of the simulated modem: echo, command lines ending in
// <CR> (V.250 §5.2.1), the "> " prompt of AT+CMGS/AT+CMGW ending in Ctrl-Z or
// ESC (TS 27.005 §3.5.1), result framing for ATV1/ATV0, unsolicited lines held
// back while a reply or a prompt owns the line, and the deaf periods of a hang
// or a reset. Command handlers are in commands_general.cpp / commands_sms.cpp.
#include "tools/modemsim/modem_core.hpp"

#include <algorithm>
#include <cctype>

#include "tools/modemsim/sim_log.hpp"

namespace smsgw::modemsim {
namespace {

constexpr char kCtrlZ = 0x1A;
constexpr char kEsc = 0x1B;

// "SMS Ready", "+QIND: SMS DONE": the start-up line that ends sms_init_ms.
bool is_sms_ready_line(std::string_view line) {
    return line.find("SMS") != std::string_view::npos;
}
constexpr char kBackspace = 0x08;
constexpr std::size_t kMaxLine = 2048;  // longer lines are cut, as modem buffers are

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
               return std::toupper(static_cast<unsigned char>(a)) ==
                      std::toupper(static_cast<unsigned char>(b));
           });
}

bool starts_with_at(std::string_view s) {
    return istarts_with(s, "AT");
}

// A line without the noise in front of "AT" (a stray <LF>, a Ctrl-Z), which
// modems skip.
std::string_view without_leading_noise(std::string_view raw) {
    std::size_t start = 0;
    while (start < raw.size() && !std::isalpha(static_cast<unsigned char>(raw[start]))) ++start;
    return raw.substr(start);
}

}  // namespace

ModemCore::ModemCore(SimConfig config, TimerQueue& timers)
    : config_(std::move(config)),
      traits_(traits_of(config_.flavour)),
      timers_(timers),
      rng_(config_.seed),
      store_(config_.sim_slots.value_or(config_.storage_size),
             config_.me_slots.value_or(config_.storage_size),
             config_.index_base.value_or(traits_.index_base)),
      next_mr_(config_.first_mr & 0xFF) {
    power_on();
    schedule_noise();
}

// ---- power and profile ---------------------------------------------------------

void ModemCore::reset_profile() {
    echo_ = true;
    verbose_ = !config_.saved_numeric_results;
    quiet_ = config_.saved_quiet;
    cmee_ = 0;
    creg_n_ = cgreg_n_ = cereg_n_ = 0;
    cops_format_ = 0;
    curc_ = true;
    cscs_ = "IRA";
    s_registers_ = {{0, 0}, {3, 13}, {4, 10}, {5, 8}, {7, 50}};
    csms_ = config_.csms_power_on;
    cnmi_ = traits_.cnmi_on_by_default ? Cnmi{2, 1, 0, 0, 0} : Cnmi{};
    mem1_ = mem2_ = mem3_ = config_.no_sim_storage ? Memory::me : Memory::sm;
    csca_ = config_.smsc;
    csca_type_ = !csca_.empty() && csca_[0] == '+' ? 145 : 129;
    csmp_[0] = 17;  // SMS-SUBMIT, relative validity
    csmp_[1] = 167;  // 24 hours
    csmp_[2] = 0;
    csmp_[3] = 0;
}

void ModemCore::power_on() {
    reset_profile();
    cfun_ = 1;
    sim_lock_ = config_.pin.empty() ? SimLock::ready : SimLock::pin;
    pin_ = config_.pin;
    pin_tries_ = 3;
    puk_tries_ = 10;
    input_line_.clear();
    pending_input_.clear();
    prompt_ = {};
    busy_ = false;
    drop_line_in_work();
    frame_.clear();
    response_.clear();
    held_urcs_.clear();
    cnmi_buffer_.clear();
    after_response_ = nullptr;
    if (ack_timer_) timers_.cancel(*ack_timer_);
    ack_timer_.reset();
    ack_pending_ = false;
    // What the modem had not handed over is still at the SMSC, which retries.
    if (unacked_ && !unacked_->report) waiting_.push_back(*unacked_);
    unacked_.reset();
    for (auto& in : direct_queue_)
        if (!in.report) waiting_.push_back(in);
    direct_queue_.clear();
    powered_ = true;
    sms_ready_at_ = Clock::now() + std::chrono::milliseconds(config_.sms_init_ms);
    retry_waiting();
}

void ModemCore::power_off() {
    powered_ = false;
    busy_ = false;
    drop_line_in_work();
    prompt_ = {};
}

void ModemCore::become_deaf(std::chrono::milliseconds duration, bool boot_afterwards) {
    deaf_until_ = Clock::now() + duration;
    input_line_.clear();
    pending_input_.clear();
    prompt_ = {};
    drop_line_in_work();
    held_urcs_.clear();
    timers_.at(deaf_until_, [this, boot_afterwards] {
        if (hung()) return;  // a later hang extended the silence
        if (boot_afterwards) {
            for (auto line : traits_.boot_urcs)
                if (config_.sms_init_ms == 0 || !is_sms_ready_line(line)) urc({std::string(line)});
        }
        flush_urcs();
        retry_waiting();
    });
}

bool ModemCore::hung() const { return Clock::now() < deaf_until_; }

void ModemCore::hang(std::chrono::milliseconds duration) {
    ++stats_.hangs;
    log_event("hang for " + std::to_string(duration.count()) + " ms");
    become_deaf(duration, false);
}

void ModemCore::restart(bool announce, bool keep_echo) {
    ++stats_.resets;
    log_event(announce ? "restart (spontaneous)" : "restart (spontaneous, no start-up lines)");
    const bool echo = echo_;
    power_on();
    if (keep_echo) echo_ = echo;
    become_deaf(std::chrono::milliseconds(config_.reset_ms), announce);
    if (config_.sms_init_ms > 0) {
        // The SMS service starts after the rest, and says so then.
        sms_ready_at_ = deaf_until_ + std::chrono::milliseconds(config_.sms_init_ms);
        if (announce)
            timers_.at(sms_ready_at_, [this] {
                if (hung()) return;
                for (auto line : traits_.boot_urcs)
                    if (is_sms_ready_line(line)) urc({std::string(line)});
            });
    }
}

// ---- input ---------------------------------------------------------------------

void ModemCore::on_bytes(std::string_view bytes) {
    if (hung()) return;  // a hung modem swallows what it is sent
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (busy_ || answering_ || hung()) {
            // The network has the submit, or the modem works on a command: the
            // UART buffers what comes meanwhile.
            if (busy_ || answering_) pending_input_.append(bytes.substr(i));
            return;
        }
        if (prompt_.active)
            feed_prompt_byte(bytes[i]);
        else
            feed_command_byte(bytes[i]);
    }
}

void ModemCore::resume_input() {
    if (pending_input_.empty()) return;
    std::string pending = std::move(pending_input_);
    pending_input_.clear();
    on_bytes(pending);
}

void ModemCore::feed_command_byte(char c) {
    if (echo_) write(std::string_view(&c, 1));
    const char s3 = static_cast<char>(s_registers_[3]);
    if (c == s3) {
        std::string line = std::move(input_line_);
        input_line_.clear();
        if (config_.answer_latency_ms > 0 && starts_with_at(without_leading_noise(line))) {
            execute_later(std::move(line));
            return;
        }
        execute_line(line);
        flush_urcs();  // held while the line was typed; a no-AT line answers nothing
    } else if (c == '\n') {
        // <LF> after <CR> is what terminals send; V.250 ignores it.
    } else if (c == kBackspace) {
        if (!input_line_.empty()) input_line_.pop_back();
    } else if (input_line_.size() < kMaxLine) {
        input_line_ += c;
    }
}

void ModemCore::execute_later(std::string line) {
    // Logged as it comes, so that the log shows what the modem works on.
    log_at("<", without_leading_noise(line));
    answering_ = true;
    answer_timer_ = timers_.after(std::chrono::milliseconds(config_.answer_latency_ms),
                                  [this, line = std::move(line)] {
                                      answer_timer_.reset();
                                      answering_ = false;
                                      execute_line(line, true);
                                      flush_urcs();
                                      resume_input();
                                  });
}

void ModemCore::drop_line_in_work() {
    if (answer_timer_) timers_.cancel(*answer_timer_);
    answer_timer_.reset();
    answering_ = false;
}

void ModemCore::feed_prompt_byte(char c) {
    if (c == kCtrlZ) {
        prompt_.active = false;
        std::string pdu = std::move(prompt_.pdu);
        prompt_.pdu.clear();
        log_at("<", pdu + "<Ctrl-Z>");
        submit_prompt(std::move(pdu));
    } else if (c == kEsc) {
        // TS 27.005 §3.5.1: ESC cancels the send; modems answer OK.
        prompt_ = {};
        log_at("<", "<ESC>");
        finish_response(std::nullopt);
    } else {
        if (echo_) write(std::string_view(&c, 1));
        if (std::isxdigit(static_cast<unsigned char>(c)) && prompt_.pdu.size() < 4 * kMaxLine)
            prompt_.pdu += c;
        // <CR>, <LF> and spaces inside the PDU are not part of it.
    }
}

void ModemCore::execute_line(std::string_view raw, bool logged) {
    std::string_view line = without_leading_noise(raw);
    if (!starts_with_at(line)) {
        if (!line.empty()) log_at("<", std::string(line) + " (ignored: no AT prefix)");
        return;
    }
    if (!logged) log_at("<", line);
    command_line_ = std::string(line);
    auto commands = split_command_line(line.substr(2));
    response_.clear();
    frame_.clear();
    // A line noise ate the answer of: the command is carried out all the same.
    lose_answer_ = config_.lose_answer_every > 0 && ++command_lines_ % config_.lose_answer_every == 0;
    if (!lose_answer_to_.empty() && istarts_with(line, lose_answer_to_)) {
        lose_answer_ = true;
        lose_answer_to_.clear();
    }
    if (!commands) {
        finish_response(AtError{});
        return;
    }
    for (const auto& cmd : *commands) {
        ++stats_.commands;
        std::string key = cmd.name;
        if (key.size() > 1 && key[0] == 'S' && std::isdigit(static_cast<unsigned char>(key[1])))
            key = "S";
        const CommandRow* row = nullptr;
        for (const auto& r : command_table())
            if (key == r.name) row = &r;
        if (row == nullptr) {
            finish_response(AtError{});
            return;
        }
        if (row->needs_sim != CommandRow::Sim::any && sim_lock_ != SimLock::ready) {
            bool cms = row->needs_sim == CommandRow::Sim::cms;
            int code = 0;
            switch (sim_lock_) {
                case SimLock::pin: code = cms ? cms::sim_pin_required : cme::sim_pin_required; break;
                case SimLock::puk: code = cms ? cms::sim_puk_required : cme::sim_puk_required; break;
                case SimLock::absent: code = cms ? cms::sim_not_inserted : cme::sim_not_inserted; break;
                default: code = cms ? cms::sim_failure : cme::sim_failure; break;
            }
            finish_response(AtError{cms ? ErrorKind::cms : ErrorKind::cme, code});
            return;
        }
        // Quectel takes AT+CMGF, a setting of its own, and refuses the rest.
        if (row->sms && Clock::now() < sms_ready_at_ &&
            !(config_.flavour == Flavour::quectel && key == "+CMGF")) {
            log_event("SMS service not started yet: " + key + " refused");
            finish_response(AtError{});
            return;
        }
        Outcome outcome = (this->*(row->handler))(cmd);
        end_frame();
        if (outcome.next == Next::error) {
            finish_response(outcome.error);
            return;
        }
        if (outcome.next == Next::prompt) {
            // The prompt is "\r\n> " (no <LF> after it); the PDU follows.
            std::string out;
            for (const auto& f : response_) out += f;
            response_.clear();
            lose_answer_ = false;  // a prompt is never lost: sends stay certain
            write(out + "\r\n> ");
            log_at(">", "> (prompt)");
            return;
        }
    }
    finish_response(std::nullopt);
}

// ---- output --------------------------------------------------------------------

void ModemCore::end_frame() {
    if (frame_.empty()) return;
    std::string framed;
    for (std::size_t i = 0; i < frame_.size(); ++i) {
        log_at(">", frame_[i]);
        if (verbose_)
            framed += (i == 0 ? "\r\n" : "") + frame_[i] + "\r\n";
        else
            framed += frame_[i] + "\r\n";
    }
    frame_.clear();
    response_.push_back(std::move(framed));
}

void ModemCore::finish_response(const std::optional<AtError>& error, bool final_lost) {
    // Noise lands after the first information text, where Huawei puts it.
    if (traits_.noise && curc_ && config_.noise_in_response > 0 &&
        std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < config_.noise_in_response)
        noise_next_response_.push_back({random_noise_line(), {}});
    std::string noise, noise_first;
    for (auto it = noise_next_response_.begin(); it != noise_next_response_.end();) {
        if (!it->response_to.empty() && !istarts_with(command_line_, it->response_to)) {
            ++it;
            continue;
        }
        (it->before_answer ? noise_first : noise) += "\r\n" + it->line + "\r\n";
        log_at(">", it->line + " (noise inside response)");
        ++stats_.noise_lines;
        it = noise_next_response_.erase(it);
    }
    if (!noise.empty()) response_.insert(response_.begin() + (response_.empty() ? 0 : 1), noise);
    if (!noise_first.empty()) response_.insert(response_.begin(), noise_first);
    std::string out;
    for (const auto& f : response_) out += f;
    response_.clear();
    std::string result = error ? format_error(*error, cmee_) : "OK";
    if (error) ++stats_.errors;
    if (!quiet_ && !final_lost) {
        if (verbose_)
            out += "\r\n" + result + "\r\n";
        else if (!error)
            out += "0\r";
        else if (result == "ERROR")
            out += "4\r";
        else
            out += result + "\r\n";
    }
    log_at(">", result);
    if (final_lost) log_event("final result lost: " + result);
    if (lose_answer_) {
        lose_answer_ = false;
        ++stats_.answers_lost;
        log_event("answer lost: " + result);
    } else {
        write(out);
    }
    if (after_response_) {
        auto work = std::move(after_response_);
        after_response_ = nullptr;
        work();
    }
    flush_urcs();
}

void ModemCore::write(std::string_view bytes) {
    if (hung()) return;
    output_.append(bytes);
}

std::string ModemCore::take_output() {
    std::string out = std::move(output_);
    output_.clear();
    return out;
}

void ModemCore::urc(std::vector<std::string> lines) {
    if (hung()) return;  // nothing leaves a hung modem
    // "\r\n+CMT: ,24\r\n<pdu>\r\n": one frame, the PDU right after its header line.
    std::string framed = "\r\n";
    for (const auto& line : lines) {
        log_at(">", line + " (unsolicited)");
        framed += line + "\r\n";
    }
    if (link_busy())
        held_urcs_.push_back(std::move(framed));
    else
        write_urc(framed);
}

void ModemCore::flush_urcs() {
    if (link_busy()) return;
    while (!held_urcs_.empty()) {
        write_urc(held_urcs_.front());
        held_urcs_.pop_front();
    }
}

void ModemCore::write_urc(const std::string& framed) {
    write(framed);
    stats_.last_urc_monotonic_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::steady_clock::now().time_since_epoch())
                                       .count();
}

// ---- noise ---------------------------------------------------------------------

std::string ModemCore::random_noise_line() {
    switch (std::uniform_int_distribution<int>(0, 2)(rng_)) {
        case 0: return "^RSSI: " + std::to_string(config_.signal);
        case 1: return "^MODE: 5,4";
        default: return "^BOOT: 20952548,0,0,0,72";
    }
}

void ModemCore::schedule_noise() {
    if (!traits_.noise || config_.noise_interval_ms <= 0) return;
    noise_timer_ = timers_.after(std::chrono::milliseconds(config_.noise_interval_ms), [this] {
        noise_timer_.reset();
        if (curc_ && !hung()) {
            ++stats_.noise_lines;
            urc({random_noise_line()});
        }
        schedule_noise();
    });
}

void ModemCore::noise(const std::string& line, bool during_next_response,
                      const std::string& response_to, bool before_answer) {
    if (during_next_response || !response_to.empty()) {
        noise_next_response_.push_back({line, response_to, before_answer});
        return;
    }
    ++stats_.noise_lines;
    urc({line});
}

// ---- network -------------------------------------------------------------------

Registration ModemCore::effective_registration() const {
    if (!powered_ || cfun_ != 1 || sim_lock_ != SimLock::ready) return Registration::none;
    return config_.registration;
}

void ModemCore::registration_changed(Registration before) {
    Registration now = effective_registration();
    if (now == before) return;
    log_event(std::string("registration ") + to_string(before) + " → " + to_string(now));
    announce_registration(true);
    retry_waiting();
}

void ModemCore::announce_registration(bool eps) {
    if (creg_n_ > 0) urc({creg_line("+CREG", creg_n_, true)});
    if (cgreg_n_ > 0) urc({creg_line("+CGREG", cgreg_n_, true)});
    if (eps && cereg_n_ > 0) urc({creg_line("+CEREG", cereg_n_, true)});
}

void ModemCore::set_lte_only(bool lte_only) {
    if (lte_only == config_.lte_only) return;
    config_.lte_only = lte_only;
    // Only +CREG and +CGREG change, and only while registered; sends go on
    // over LTE either way.
    if (!is_registered(effective_registration())) return;
    log_event(std::string("LTE only ") + (lte_only ? "on" : "off"));
    announce_registration(false);
}

Registration ModemCore::registration_of(const std::string& name) const {
    const Registration r = effective_registration();
    return config_.lte_only && is_registered(r) && name != "+CEREG" ? Registration::searching : r;
}

void ModemCore::sim_event(SimEvent event, bool announce) {
    const Registration before = effective_registration();
    switch (event) {
        case SimEvent::reset:
        case SimEvent::inserted:
            // A blocked SIM stays blocked; the PIN counter is the SIM's own.
            if (sim_lock_ == SimLock::puk || sim_lock_ == SimLock::blocked) break;
            sim_lock_ = pin_.empty() ? SimLock::ready : SimLock::pin;
            break;
        case SimEvent::removed:
            sim_lock_ = SimLock::absent;
            break;
    }
    log_event(std::string("SIM ") + (event == SimEvent::reset     ? "reset"
                                      : event == SimEvent::removed ? "removed"
                                                                   : "inserted"));
    if (announce) {
        switch (sim_lock_) {
            case SimLock::ready: urc({"+CPIN: READY"}); break;
            case SimLock::pin: urc({"+CPIN: SIM PIN"}); break;
            case SimLock::puk: urc({"+CPIN: SIM PUK"}); break;
            case SimLock::absent: urc({"+CPIN: NOT INSERTED"}); break;
            case SimLock::blocked: break;
        }
    }
    registration_changed(before);
}

void ModemCore::set_registration(Registration registration) {
    Registration before = effective_registration();
    config_.registration = registration;
    registration_changed(before);
}

void ModemCore::set_signal(int signal) {
    config_.signal = signal;
    if (traits_.noise && curc_) urc({"^RSSI: " + std::to_string(signal)});
}

std::optional<std::string> ModemCore::recipient_of(int mr) const {
    auto it = recipients_.find(mr);
    if (it == recipients_.end()) return std::nullopt;
    return it->second;
}

}  // namespace smsgw::modemsim
