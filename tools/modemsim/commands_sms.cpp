// The TS 27.005 commands in PDU mode: message format, SMSC, storage selection,
// new-message indications (+CNMI) and their acknowledgement (+CNMA), listing,
// reading and deleting stored messages, and submitting and writing PDUs after
// the "> " prompt. The simulator is PDU-only, like the gateway: AT+CMGF=1 is
// refused with +CMS ERROR: 303, which real PDU-only modules also answer.
#include <chrono>
#include <stdexcept>
#include <string>

#include "pdu/pdu_codec.hpp"
#include "tools/modemsim/modem_core.hpp"
#include "tools/modemsim/sim_log.hpp"

namespace smsgw::modemsim {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// Whether AT+CNMI=? as configured, "(0-2),(0-3),(0,2),(0-2),(0,1)", lists
// `value` for field `field` (0: <mode> … 4: <bfr>). A real modem refuses a
// value it does not list; a field the list leaves out is not restricted. Read
// here rather than with the driver's at::parse_cnmi_test: the simulator links
// none of the AT library it is there to test, so a mistake there shows.
bool cnmi_listed(const std::string& test, std::size_t field, int value) {
    std::size_t at = 0;
    for (std::size_t i = 0;; ++i) {
        const auto open = test.find('(', at);
        if (open == std::string::npos) return true;
        const auto close = test.find(')', open);
        if (close == std::string::npos) return true;
        at = close + 1;
        if (i != field) continue;
        const std::string items = test.substr(open + 1, close - open - 1);
        std::size_t from = 0;
        while (from <= items.size()) {
            auto comma = items.find(',', from);
            if (comma == std::string::npos) comma = items.size();
            const std::string item = items.substr(from, comma - from);
            const auto dash = item.find('-');
            try {
                const int lo = std::stoi(item.substr(0, dash));
                const int hi = dash == std::string::npos ? lo : std::stoi(item.substr(dash + 1));
                if (value >= lo && value <= hi) return true;
            } catch (const std::exception&) {
            }
            from = comma + 1;
        }
        return false;
    }
}

}  // namespace

ModemCore::Outcome ModemCore::cmd_cmgf(const AtCommand& c) {
    switch (c.form) {
        case CommandForm::query: info("+CMGF: 0"); return ok();
        case CommandForm::test: info("+CMGF: (0)"); return ok();
        case CommandForm::action: return ok();
        case CommandForm::set: break;
    }
    auto args = split_args(c.args);
    auto v = args ? arg_int(*args, 0) : std::nullopt;
    if (v == 0) return ok();
    return err_cms(cms::operation_not_supported);
}

ModemCore::Outcome ModemCore::cmd_csca(const AtCommand& c) {
    switch (c.form) {
        case CommandForm::query:
            info("+CSCA: " + quoted(csca_) + "," + std::to_string(csca_type_));
            return ok();
        case CommandForm::test: return ok();
        case CommandForm::action: return err_cms(cms::invalid_pdu_parameter);
        case CommandForm::set: break;
    }
    auto args = split_args(c.args);
    auto number = args ? arg_string(*args, 0) : std::nullopt;
    if (!number) return err_cms(cms::invalid_pdu_parameter);
    csca_ = *number;
    csca_type_ = arg_int(*args, 1).value_or(!csca_.empty() && csca_[0] == '+' ? 145 : 129);
    return ok();
}

ModemCore::Outcome ModemCore::cmd_csmp(const AtCommand& c) {
    switch (c.form) {
        case CommandForm::query:
            info("+CSMP: " + std::to_string(csmp_[0]) + "," + std::to_string(csmp_[1]) + "," +
                 std::to_string(csmp_[2]) + "," + std::to_string(csmp_[3]));
            return ok();
        case CommandForm::test: return ok();
        case CommandForm::action: return ok();
        case CommandForm::set: break;
    }
    // Text-mode parameters: kept and shown, but PDU mode never uses them.
    auto args = split_args(c.args);
    if (!args) return err_cms(cms::operation_not_supported);
    for (std::size_t i = 0; i < 4 && i < args->size(); ++i)
        if (auto v = arg_int(*args, i)) csmp_[i] = *v;
    return ok();
}

ModemCore::Outcome ModemCore::cmd_csms(const AtCommand& c) {
    switch (c.form) {
        case CommandForm::query: info("+CSMS: " + std::to_string(csms_) + ",1,1,1"); return ok();
        case CommandForm::test: info("+CSMS: (0,1)"); return ok();
        case CommandForm::action: return err_cms(cms::operation_not_supported);
        case CommandForm::set: break;
    }
    auto args = split_args(c.args);
    auto v = args ? arg_int(*args, 0) : std::nullopt;
    if (!v || (*v != 0 && *v != 1)) return err_cms(cms::operation_not_supported);
    csms_ = *v;
    info("+CSMS: 1,1,1");
    return ok();
}

std::string ModemCore::cpms_counts() const {
    std::string out;
    for (Memory m : {mem1_, mem2_, mem3_}) {
        if (!out.empty()) out += ",";
        out += std::to_string(store_.used(m)) + "," + std::to_string(store_.total(m));
    }
    return out;
}

ModemCore::Outcome ModemCore::cmd_cpms(const AtCommand& c) {
    switch (c.form) {
        case CommandForm::query: {
            std::string line = "+CPMS: ";
            bool first = true;
            for (Memory m : {mem1_, mem2_, mem3_}) {
                if (!first) line += ",";
                first = false;
                line += quoted(to_string(m)) + "," + std::to_string(store_.used(m)) + "," +
                        std::to_string(store_.total(m));
            }
            info(line);
            return ok();
        }
        case CommandForm::test: {
            const std::string sim = config_.no_sim_storage ? "" : "\"SM\",";
            const std::string list = "(" + sim + "\"ME\",\"MT\")";
            info("+CPMS: (" + sim + "\"ME\",\"MT\"" + (config_.reports_in_sr ? ",\"SR\"" : "") +
                 ")," + list + "," + list);
            return ok();
        }
        case CommandForm::action: return err_cms(cms::operation_not_allowed);
        case CommandForm::set: break;
    }
    auto args = split_args(c.args);
    if (!args || args->empty() || args->size() > 3) return err_cms(cms::operation_not_allowed);
    Memory chosen[3] = {mem1_, mem2_, mem3_};
    for (std::size_t i = 0; i < args->size(); ++i) {
        auto name = arg_string(*args, i);
        if (!name) continue;
        auto m = memory_from_string(*name);
        // "SR" is for reading and deleting reports only, and only where kept.
        if (!m || (*m == Memory::sr && (i > 0 || !config_.reports_in_sr)) ||
            (*m == Memory::sm && config_.no_sim_storage))
            return err_cms(cms::operation_not_allowed);
        chosen[i] = *m;
    }
    mem1_ = chosen[0];
    mem2_ = chosen[1];
    // A <mem3> with room, where the last had none, is memory available to
    // the network as a freed slot is (SMMA): it delivers what it held back.
    if (chosen[2] != mem3_ && !store_.full(chosen[2]))
        after_response_ = [this] { retry_waiting(); };
    mem3_ = chosen[2];
    info("+CPMS: " + cpms_counts());
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cnmi(const AtCommand& c) {
    switch (c.form) {
        case CommandForm::query:
            info("+CNMI: " + std::to_string(cnmi_.mode) + "," + std::to_string(cnmi_.mt) + "," +
                 std::to_string(cnmi_.bm) + "," + std::to_string(cnmi_.ds) + "," +
                 std::to_string(cnmi_.bfr));
            return ok();
        case CommandForm::test: info("+CNMI: " + config_.cnmi_test); return ok();
        case CommandForm::action: return ok();
        case CommandForm::set: break;
    }
    auto args = split_args(c.args);
    if (!args || args->size() > 5) return err_cms(cms::operation_not_supported);
    Cnmi n = cnmi_;
    int* fields[5] = {&n.mode, &n.mt, &n.bm, &n.ds, &n.bfr};
    for (std::size_t i = 0; i < args->size(); ++i) {
        if ((*args)[i].empty()) continue;  // omitted: keeps its value
        auto v = arg_int(*args, i);
        if (!v) return err_cms(cms::operation_not_supported);
        *fields[i] = *v;
    }
    if (n.mode < 0 || n.mode > 2 || n.mt < 0 || n.mt > 3 || (n.bm != 0 && n.bm != 2) || n.ds < 0 ||
        n.ds > 2 || n.bfr < 0 || n.bfr > 1)
        return err_cms(cms::operation_not_supported);
    for (std::size_t i = 0; i < 5; ++i)
        if (!cnmi_listed(config_.cnmi_test, i, *fields[i])) return err_cms(cms::operation_not_supported);
    cnmi_ = n;
    if (cnmi_.mode != 0) {
        // TS 27.005 §3.4.1 <bfr>: 0 flushes what the TA buffered, 1 clears it.
        auto buffered = std::move(cnmi_buffer_);
        cnmi_buffer_.clear();
        if (cnmi_.bfr == 0)
            after_response_ = [this, buffered = std::move(buffered)]() mutable {
                for (auto& lines : buffered) urc(std::move(lines));
            };
    }
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cnma(const AtCommand& c) {
    if (c.form == CommandForm::test) {
        info("+CNMA: (0-2)");
        return ok();
    }
    int n = 0;
    if (c.form == CommandForm::set) {
        auto args = split_args(c.args);
        auto v = args ? arg_int(*args, 0) : std::nullopt;
        if (!v || *v < 0 || *v > 2) return err_cms(cms::invalid_pdu_parameter);
        // An RP-ACK/RP-ERROR PDU after a prompt is not simulated.
        if (args->size() > 1 && arg_int(*args, 1).value_or(0) > 0)
            return err_cms(cms::operation_not_supported);
        n = *v;
    }
    if (csms_ != 1 || !ack_pending_) return err_cms(cms::no_cnma_expected);
    if (n == 2) log_event("+CNMA=2: the client refused the message");
    after_response_ = [this] { acknowledged(); };
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cmgl(const AtCommand& c) {
    if (c.form == CommandForm::test) {
        info("+CMGL: (0-4)");
        return ok();
    }
    int filter = 0;  // PDU mode default: received unread
    if (c.form == CommandForm::set) {
        auto args = split_args(c.args);
        auto v = args ? arg_int(*args, 0) : std::nullopt;
        if (!v || *v < 0 || *v > 4) return err_cms(cms::invalid_pdu_parameter);
        filter = *v;
    } else if (c.form == CommandForm::query) {
        return err_plain();
    }
    for (auto& [index, msg] : store_.list(mem1_)) {
        if (filter != 4 && static_cast<int>(msg->stat) != filter) continue;
        info("+CMGL: " + std::to_string(index) + "," + std::to_string(static_cast<int>(msg->stat)) +
             ",," + std::to_string(msg->tpdu_length));
        info(msg->pdu);
        // TS 27.005 §3.4.2: a listed "received unread" message becomes "read".
        if (msg->stat == MessageStat::rec_unread) msg->stat = MessageStat::rec_read;
    }
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cmgr(const AtCommand& c) {
    if (c.form == CommandForm::test) return ok();
    if (c.form != CommandForm::set) return err_plain();
    auto args = split_args(c.args);
    auto index = args ? arg_int(*args, 0) : std::nullopt;
    if (!index || !store_.valid_index(mem1_, *index)) return err_cms(cms::invalid_memory_index);
    if (refuse_reads_) return err_cms(cms::unknown_error);
    StoredMessage* msg = store_.find(mem1_, *index);
    if (msg == nullptr) return traits_.empty_read_ok ? ok() : err_cms(cms::invalid_memory_index);
    info("+CMGR: " + std::to_string(static_cast<int>(msg->stat)) + ",," +
         std::to_string(msg->tpdu_length));
    constexpr std::size_t sim_record_hex = 2 * 175;
    if (config_.padded_reads && mem1_ == Memory::sm && msg->pdu.size() < sim_record_hex)
        info(msg->pdu + std::string(sim_record_hex - msg->pdu.size(), 'F'));
    else
        info(msg->pdu);
    if (msg->stat == MessageStat::rec_unread) msg->stat = MessageStat::rec_read;
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cmgd(const AtCommand& c) {
    if (c.form == CommandForm::test) {
        std::string used;
        for (auto& [index, msg] : store_.list(mem1_))
            used += (used.empty() ? "" : ",") + std::to_string(index);
        info("+CMGD: (" + used + "),(0-4)");
        return ok();
    }
    if (c.form != CommandForm::set) return err_plain();
    auto args = split_args(c.args);
    auto index = args ? arg_int(*args, 0) : std::nullopt;
    int flag = args ? arg_int(*args, 1).value_or(0) : 0;
    if (flag < 0 || flag > 4) return err_cms(cms::invalid_pdu_parameter);
    int deleted = 0;
    if (flag == 0) {
        if (!index || !store_.valid_index(mem1_, *index)) return err_cms(cms::invalid_memory_index);
        deleted += store_.erase(mem1_, *index) ? 1 : 0;  // an empty slot is fine
    } else {
        // <delflag> 1: read; 2: read and sent; 3: read, sent, unsent; 4: all.
        for (auto& [i, msg] : store_.list(mem1_)) {
            auto stat = msg->stat;
            bool del = flag == 4 || stat == MessageStat::rec_read ||
                       (flag >= 2 && stat == MessageStat::sto_sent) ||
                       (flag >= 3 && stat == MessageStat::sto_unsent);
            if (del && store_.erase(mem1_, i)) ++deleted;
        }
    }
    stats_.deleted += static_cast<std::uint64_t>(deleted);
    // A freed slot lets the network deliver what it held back (SMMA, TS 24.011 §7.3.2).
    if (deleted > 0) after_response_ = [this] { retry_waiting(); };
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cmgs(const AtCommand& c) {
    if (c.form == CommandForm::test) return ok();
    if (c.form != CommandForm::set) return err_cms(cms::invalid_pdu_parameter);
    auto args = split_args(c.args);
    auto length = args ? arg_int(*args, 0) : std::nullopt;
    // PDU mode takes <length> only; a quoted number is text-mode syntax.
    if (!length || *length < 1 || *length > 164) return err_cms(cms::invalid_pdu_parameter);
    prompt_ = Prompt{true, false, *length, MessageStat::sto_unsent, {}};
    return {Next::prompt, {}};
}

ModemCore::Outcome ModemCore::cmd_cmgw(const AtCommand& c) {
    if (c.form == CommandForm::test) return ok();
    if (c.form != CommandForm::set) return err_cms(cms::invalid_pdu_parameter);
    auto args = split_args(c.args);
    auto length = args ? arg_int(*args, 0) : std::nullopt;
    int stat = args ? arg_int(*args, 1).value_or(2) : 2;
    if (!length || *length < 1 || *length > 164 || stat < 0 || stat > 3)
        return err_cms(cms::invalid_pdu_parameter);
    prompt_ = Prompt{true, true, *length, static_cast<MessageStat>(stat), {}};
    return {Next::prompt, {}};
}

void ModemCore::submit_prompt(std::string hex) {
    const bool writing = prompt_.write;
    const int announced = prompt_.length;
    const MessageStat stat = prompt_.stat;
    prompt_ = {};
    auto octets = pdu::hex_to_octets(hex);
    if (!octets || octets->empty()) {
        log_event("PDU refused: not hex");
        ++stats_.cmgs_rejected;
        finish_response(AtError{ErrorKind::cms, cms::invalid_pdu_parameter});
        return;
    }
    // TS 27.005 §3.5.1: <length> counts the TPDU, not the SMSC information field.
    int tpdu_length = static_cast<int>(octets->size()) - 1 - (*octets)[0];
    if (tpdu_length != announced) {
        log_event("PDU refused: AT+CMGS=" + std::to_string(announced) + " but the TPDU has " +
                  std::to_string(tpdu_length) + " octets");
        ++stats_.cmgs_rejected;
        finish_response(AtError{ErrorKind::cms, cms::invalid_pdu_parameter});
        return;
    }
    auto decoded = pdu::decode_pdu(std::span<const std::uint8_t>(*octets));
    if (!decoded) {
        log_event("PDU refused: " + decoded.error().to_string());
        ++stats_.cmgs_rejected;
        finish_response(AtError{ErrorKind::cms, cms::invalid_pdu_parameter});
        return;
    }
    if (writing) {
        auto index = store_.store(mem2_, {stat, hex, tpdu_length});
        if (!index) {
            finish_response(AtError{ErrorKind::cms, cms::memory_full});
            return;
        }
        info("+CMGW: " + std::to_string(*index));
        end_frame();
        finish_response(std::nullopt);
        return;
    }
    const auto* submit = std::get_if<pdu::SmsSubmit>(&decoded->tpdu);
    if (submit == nullptr) {
        log_event(std::string("PDU refused: AT+CMGS needs an SMS-SUBMIT, got ") +
                  pdu::type_name(decoded->tpdu));
        ++stats_.cmgs_rejected;
        finish_response(AtError{ErrorKind::cms, cms::invalid_pdu_parameter});
        return;
    }
    std::optional<int> error;
    Registration r = effective_registration();
    if ((*octets)[0] == 0 && csca_.empty())
        error = cms::smsc_address_unknown;
    else if (r != Registration::home && r != Registration::roaming)
        error = cms::no_network_service;
    else if (config_.error_rate > 0 && !config_.error_codes.empty() &&
             std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < config_.error_rate)
        error = config_.error_codes[std::uniform_int_distribution<std::size_t>(
            0, config_.error_codes.size() - 1)(rng_)];
    std::string to = submit->destination.display();
    bool srr = submit->status_report_request;
    if (config_.cmgs_latency_ms <= 0) {
        complete_cmgs(error, std::move(hex), std::move(to), srr);
        return;
    }
    // The network round trip: the line is busy, input waits in the UART.
    busy_ = true;
    timers_.after(std::chrono::milliseconds(config_.cmgs_latency_ms),
                  [this, error, hex = std::move(hex), to = std::move(to), srr]() mutable {
                      if (!busy_) return;  // a power cycle took the submit with it
                      complete_cmgs(error, std::move(hex), std::move(to), srr);
                  });
}

void ModemCore::complete_cmgs(std::optional<int> cms_error, std::string hex, std::string to, bool srr) {
    busy_ = false;
    if (cms_error) {
        ++stats_.cmgs_rejected;
        log_event("submit to " + to + " refused: +CMS ERROR: " + std::to_string(*cms_error));
        finish_response(config_.bare_submit_errors ? AtError{ErrorKind::plain, 0}
                                                   : AtError{ErrorKind::cms, *cms_error});
        resume_input();
        return;
    }
    SentPart part;
    part.mr = next_mr_;
    next_mr_ = (next_mr_ + 1) & 0xFF;  // TP-MR is one octet (TS 23.040 §9.2.3.6)
    part.pdu = std::move(hex);
    part.to = std::move(to);
    part.srr = srr;
    part.unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    recipients_[part.mr] = part.to;
    ++stats_.sent_parts;
    sent_.push_back(part);
    log_event("sent part to " + part.to + " (TP-MR " + std::to_string(part.mr) + ")");
    if (!config_.cmgs_without_mr) info("+CMGS: " + std::to_string(part.mr));
    end_frame();
    finish_response(std::nullopt, config_.cmgs_final_lost);
    if (on_sent) on_sent(part);
    if (srr && config_.auto_report) auto_report(part.mr, part.to);
    resume_input();
}

}  // namespace smsgw::modemsim
