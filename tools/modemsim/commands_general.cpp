// V.250 basics and the TS 27.007 commands a gateway uses to bring a modem up:
// identification, error reporting, SIM PIN/PUK, registration, operator, signal,
// functionality and reset, plus Huawei's ^ICCID/^CPIN/^CURC. The command table
// at the bottom is the one place that says which command exists and which
// error a locked SIM gives it.
#include <algorithm>

#include "tools/modemsim/modem_core.hpp"
#include "tools/modemsim/sim_log.hpp"

namespace smsgw::modemsim {
namespace {

std::string fill(std::string_view pattern, const std::string& key, const std::string& value) {
    std::string out(pattern);
    for (auto pos = out.find(key); pos != std::string::npos; pos = out.find(key))
        out.replace(pos, key.size(), value);
    return out;
}

std::optional<int> basic_value(const AtCommand& c) {
    if (c.args.empty()) return 0;  // "ATE" means "ATE0" (V.250 §5.3.1)
    if (c.args.size() > 3) return std::nullopt;
    return std::stoi(c.args);
}

// The three-digit form V.250 §6.2 gives S-register values in.
std::string three_digits(int v) {
    std::string s = std::to_string(v);
    return std::string(s.size() < 3 ? 3 - s.size() : 0, '0') + s;
}

}  // namespace

ModemCore::Outcome ModemCore::cmd_basic(const AtCommand& c) {
    const std::string& n = c.name;
    if (n == "D") return err_plain();  // no voice or data calls on an SMS modem
    if (n[0] == 'S') {
        if (n.size() > 4) return err_plain();
        int reg = std::stoi(n.substr(1));
        if (c.form == CommandForm::query) {
            info(three_digits(s_registers_[reg]));
            return ok();
        }
        if (c.args.empty() || c.args.size() > 3) return err_plain();
        int v = std::stoi(c.args);
        if (v > 255) return err_plain();
        s_registers_[reg] = v;
        return ok();
    }
    if (c.form == CommandForm::query) {
        if (n == "E") info(three_digits(echo_ ? 1 : 0));
        else if (n == "V") info(three_digits(verbose_ ? 1 : 0));
        else return err_plain();
        return ok();
    }
    auto v = basic_value(c);
    if (!v) return err_plain();
    if (n == "E" || n == "V" || n == "Q") {
        if (*v > 1) return err_plain();
        bool& flag = n == "E" ? echo_ : n == "V" ? verbose_ : quiet_;
        if (n != "E" || !config_.echo_stuck) flag = *v == 1;
        return ok();
    }
    if (n == "Z" || n == "&F") {
        reset_profile();
        return ok();
    }
    if (n == "I") {
        const std::string manufacturer =
            config_.manufacturer.empty() ? std::string(traits_.manufacturer) : config_.manufacturer;
        const std::string model = config_.model.empty() ? std::string(traits_.model) : config_.model;
        for (auto line : traits_.ati) {
            std::string out = fill(line, "{manufacturer}", manufacturer);
            out = fill(out, "{model}", model);
            out = fill(out, "{revision}", std::string(traits_.revision));
            info(fill(out, "{imei}", config_.imei));
        }
        return ok();
    }
    // &C, &D, &K, &W, X, H: accepted, nothing to do on a pseudo-terminal.
    return ok();
}

std::vector<std::string> ModemCore::identity_lines(const std::string& name) const {
    if (name == "+CGMI" || name == "+GMI")
        return {config_.manufacturer.empty() ? std::string(traits_.manufacturer) : config_.manufacturer};
    if (name == "+CGMM" || name == "+GMM")
        return {config_.model.empty() ? std::string(traits_.model) : config_.model};
    if (name == "+CGMR" || name == "+GMR") return {std::string(traits_.revision)};
    if (name == "+CGSN" || name == "+GSN") return {config_.imei};
    if (name == "+GCAP") return {"+GCAP: +CGSM,+DS,+ES"};
    return {};
}

ModemCore::Outcome ModemCore::cmd_identity(const AtCommand& c) {
    if (c.form == CommandForm::test) return ok();
    if (c.form != CommandForm::action) return err_plain();
    for (auto& line : identity_lines(c.name)) info(std::move(line));
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cmee(const AtCommand& c) {
    switch (c.form) {
        case CommandForm::query: info("+CMEE: " + std::to_string(cmee_)); return ok();
        case CommandForm::test: info("+CMEE: (0-2)"); return ok();
        case CommandForm::action: cmee_ = 0; return ok();
        case CommandForm::set: break;
    }
    auto v = first_int_in(c.args, 0, 2);
    if (!v) return err_cme(cme::incorrect_parameters);
    cmee_ = *v;
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cimi(const AtCommand& c) {
    if (c.form == CommandForm::test) return ok();
    if (c.form != CommandForm::action) return err_plain();
    info(config_.imsi);
    return ok();
}

ModemCore::Outcome ModemCore::cmd_ccid(const AtCommand& c) {
    if (c.name == "^ICCID") {
        if (!traits_.huawei_commands) return err_plain();
        if (c.form == CommandForm::test) return ok();
        info("^ICCID: " + config_.iccid);
        return ok();
    }
    if (c.form == CommandForm::test) return ok();
    if (c.form == CommandForm::set) return err_plain();
    info(traits_.ccid_prefixed ? "+CCID: " + config_.iccid : config_.iccid);
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cpin(const AtCommand& c) {
    if (c.form == CommandForm::test) return ok();
    if (c.form == CommandForm::query) {
        switch (sim_lock_) {
            case SimLock::ready: info("+CPIN: READY"); break;
            case SimLock::pin: info("+CPIN: SIM PIN"); break;
            case SimLock::puk: info("+CPIN: SIM PUK"); break;
            case SimLock::blocked: return err_cme(cme::sim_failure);
            case SimLock::absent: return err_cme(cme::sim_not_inserted);
        }
        return ok();
    }
    if (c.form != CommandForm::set) return err_plain();
    auto args = split_args(c.args);
    auto code = args ? arg_string(*args, 0) : std::nullopt;
    if (!code) return err_cme(cme::incorrect_parameters);
    Registration before = effective_registration();
    switch (sim_lock_) {
        case SimLock::ready:
            // TS 27.007 §8.3: no PIN pending → error, nothing sent to the SIM.
            return err_cme(cme::operation_not_allowed);
        case SimLock::blocked: return err_cme(cme::sim_failure);
        case SimLock::absent: return err_cme(cme::sim_not_inserted);
        case SimLock::pin:
            if (*code != pin_) {
                if (--pin_tries_ <= 0) sim_lock_ = SimLock::puk;
                log_event("wrong PIN, " + std::to_string(pin_tries_) + " tries left");
                return err_cme(cme::incorrect_password);
            }
            sim_lock_ = SimLock::ready;
            pin_tries_ = 3;
            break;
        case SimLock::puk: {
            auto new_pin = arg_string(*args, 1);
            if (!new_pin) return err_cme(cme::sim_puk_required);
            if (*code != config_.puk) {
                if (--puk_tries_ <= 0) sim_lock_ = SimLock::blocked;
                log_event("wrong PUK, " + std::to_string(puk_tries_) + " tries left");
                return err_cme(cme::incorrect_password);
            }
            pin_ = *new_pin;
            sim_lock_ = SimLock::ready;
            pin_tries_ = 3;
            puk_tries_ = 10;
            break;
        }
    }
    log_event("SIM unlocked");
    after_response_ = [this, before] { registration_changed(before); };
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cpinr(const AtCommand& c) {
    if (c.form == CommandForm::test) return ok();
    std::string filter;
    if (c.form == CommandForm::set) {
        auto args = split_args(c.args);
        if (!args || !arg_string(*args, 0)) return err_cme(cme::incorrect_parameters);
        filter = *arg_string(*args, 0);
    }
    const std::pair<std::string, std::string> rows[] = {
        {"SIM PIN", std::to_string(pin_tries_) + ",3"},
        {"SIM PUK", std::to_string(puk_tries_) + ",10"},
        {"SIM PIN2", "3,3"},
        {"SIM PUK2", "10,10"},
    };
    // "SIM*" style wildcards (TS 27.007 §8.65) match a prefix.
    bool wildcard = !filter.empty() && filter.back() == '*';
    std::string prefix = wildcard ? filter.substr(0, filter.size() - 1) : filter;
    for (const auto& [code, counts] : rows) {
        bool match = filter.empty() || (wildcard ? code.rfind(prefix, 0) == 0 : code == filter);
        if (match) info("+CPINR: " + code + "," + counts);
    }
    return ok();
}

ModemCore::Outcome ModemCore::cmd_huawei_cpin(const AtCommand& c) {
    if (!traits_.huawei_commands) return err_plain();
    if (c.form != CommandForm::query) return c.form == CommandForm::test ? ok() : err_plain();
    // ^CPIN: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times>
    std::string tail = "," + std::to_string(puk_tries_) + "," + std::to_string(pin_tries_) + ",10,3";
    switch (sim_lock_) {
        case SimLock::ready: info("^CPIN: READY," + tail); break;
        case SimLock::pin: info("^CPIN: SIM PIN," + std::to_string(pin_tries_) + tail); break;
        case SimLock::puk: info("^CPIN: SIM PUK," + std::to_string(puk_tries_) + tail); break;
        case SimLock::blocked: return err_cme(cme::sim_failure);
        case SimLock::absent: return err_cme(cme::sim_not_inserted);
    }
    return ok();
}

std::string ModemCore::creg_line(const std::string& name, int n, bool unsolicited) const {
    Registration r = registration_of(name);
    std::string line = name + ": ";
    if (!unsolicited) line += std::to_string(n) + ",";
    line += std::to_string(creg_stat(r));
    if (n >= 2 && is_registered(r)) {
        // Location area / tracking area and cell id, fixed for the simulated cell.
        line += ",\"1A2B\",\"00C3D4E5\"";
        if (name != "+CREG" || traits_.access_technology == 7)
            line += "," + std::to_string(traits_.access_technology);
    }
    return line;
}

ModemCore::Outcome ModemCore::cmd_creg(const AtCommand& c) {
    int& n = c.name == "+CREG" ? creg_n_ : c.name == "+CGREG" ? cgreg_n_ : cereg_n_;
    switch (c.form) {
        case CommandForm::query: info(creg_line(c.name, n, false)); return ok();
        case CommandForm::test: info(c.name + ": (0-2)"); return ok();
        case CommandForm::action: n = 0; return ok();
        case CommandForm::set: break;
    }
    auto v = first_int_in(c.args, 0, 2);
    if (!v) return err_cme(cme::incorrect_parameters);
    n = *v;
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cops(const AtCommand& c) {
    const std::string numeric = config_.imsi.substr(0, 5);  // MCC+MNC of the home network
    const std::string short_name = config_.operator_name.substr(0, 8);
    auto name_in = [&](int format) {
        return format == 2 ? numeric : format == 1 ? short_name : config_.operator_name;
    };
    const bool registered = is_registered(effective_registration());
    const std::string act = std::to_string(traits_.access_technology);
    switch (c.form) {
        case CommandForm::query:
            if (registered)
                info("+COPS: 0," + std::to_string(cops_format_) + ",\"" + name_in(cops_format_) +
                     "\"," + act);
            else
                info("+COPS: 0");
            return ok();
        case CommandForm::test:
            if (cfun_ != 1) return err_cme(cme::no_network_service);
            info("+COPS: (" + std::string(registered ? "2" : "1") + ",\"" + config_.operator_name +
                 "\",\"" + short_name + "\",\"" + numeric + "\"," + act + "),,(0-4),(0-2)");
            return ok();
        case CommandForm::action: return ok();
        case CommandForm::set: break;
    }
    auto args = split_args(c.args);
    auto mode = args ? arg_int(*args, 0) : std::nullopt;
    if (!mode || *mode < 0 || *mode > 4) return err_cme(cme::incorrect_parameters);
    if (auto format = arg_int(*args, 1)) {
        if (*format < 0 || *format > 2) return err_cme(cme::incorrect_parameters);
        if (*mode == 3) cops_format_ = *format;
    }
    if (*mode == 1 || *mode == 4) {
        auto oper = arg_string(*args, 2);
        if (!oper) return err_cme(cme::incorrect_parameters);
        if (*oper != numeric && *oper != config_.operator_name && *oper != short_name)
            return *mode == 4 ? ok() : err_cme(cme::no_network_service);
    }
    return ok();
}

ModemCore::Outcome ModemCore::cmd_csq(const AtCommand& c) {
    if (c.form == CommandForm::test) {
        info("+CSQ: (0-31,99),(0-7,99)");
        return ok();
    }
    if (c.form != CommandForm::action) return err_plain();
    int rssi = cfun_ == 1 ? config_.signal : 99;
    info("+CSQ: " + std::to_string(rssi) + ",99");
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cfun(const AtCommand& c) {
    switch (c.form) {
        case CommandForm::query: info("+CFUN: " + std::to_string(cfun_)); return ok();
        case CommandForm::test: info("+CFUN: (0,1,4),(0-1)"); return ok();
        case CommandForm::action: return err_plain();
        case CommandForm::set: break;
    }
    auto args = split_args(c.args);
    auto fun = args ? arg_int(*args, 0) : std::nullopt;
    auto rst = args ? arg_int(*args, 1).value_or(0) : 0;
    if (!fun || (*fun != 0 && *fun != 1 && *fun != 4) || rst < 0 || rst > 1)
        return err_cme(cme::incorrect_parameters);
    if (rst == 1) {
        // OK first, then the modem reboots: deaf for a while, then its boot lines.
        after_response_ = [this] {
            ++stats_.resets;
            log_event("reset (AT+CFUN=1,1)");
            power_on();
            become_deaf(std::chrono::milliseconds(config_.reset_ms), true);
        };
        return ok();
    }
    Registration before = effective_registration();
    cfun_ = *fun;
    after_response_ = [this, before] { registration_changed(before); };
    return ok();
}

ModemCore::Outcome ModemCore::cmd_curc(const AtCommand& c) {
    if (!traits_.huawei_commands) return err_plain();
    switch (c.form) {
        case CommandForm::query: info("^CURC: " + std::to_string(curc_ ? 1 : 0)); return ok();
        case CommandForm::test: info("^CURC: (0-1)"); return ok();
        case CommandForm::action: return err_plain();
        case CommandForm::set: break;
    }
    auto v = first_int_in(c.args, 0, 1);
    if (!v) return err_plain();
    curc_ = *v == 1;
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cscs(const AtCommand& c) {
    static const std::vector<std::string> sets = {"IRA", "GSM", "UCS2"};
    switch (c.form) {
        case CommandForm::query: info("+CSCS: \"" + cscs_ + "\""); return ok();
        case CommandForm::test: info("+CSCS: (\"IRA\",\"GSM\",\"UCS2\")"); return ok();
        case CommandForm::action: return ok();
        case CommandForm::set: break;
    }
    auto args = split_args(c.args);
    auto v = args ? arg_string(*args, 0) : std::nullopt;
    if (!v || std::find(sets.begin(), sets.end(), *v) == sets.end())
        return err_cme(cme::incorrect_parameters);
    cscs_ = *v;
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cgatt(const AtCommand& c) {
    const bool attached = is_registered(effective_registration());
    switch (c.form) {
        case CommandForm::query: info(std::string("+CGATT: ") + (attached ? "1" : "0")); return ok();
        case CommandForm::test: info("+CGATT: (0,1)"); return ok();
        case CommandForm::action: return err_plain();
        case CommandForm::set: break;
    }
    auto v = first_int_in(c.args, 0, 1);
    if (!v) return err_cme(cme::incorrect_parameters);
    if (*v == 1 && !attached) return err_cme(cme::no_network_service);
    return ok();  // packet data is not simulated; attach state follows registration
}

// Caller id and USSD presentation: an SMS modem has them, the simulator only
// keeps the switches (no calls, no USSD sessions are simulated).
ModemCore::Outcome ModemCore::cmd_clip(const AtCommand& c) {
    switch (c.form) {
        case CommandForm::query: info("+CLIP: " + std::to_string(clip_) + ",1"); return ok();
        case CommandForm::test: info("+CLIP: (0,1)"); return ok();
        case CommandForm::action: return err_plain();
        case CommandForm::set: break;
    }
    auto v = first_int_in(c.args, 0, 1);
    if (!v) return err_cme(cme::incorrect_parameters);
    clip_ = *v;
    return ok();
}

ModemCore::Outcome ModemCore::cmd_cusd(const AtCommand& c) {
    switch (c.form) {
        case CommandForm::query: info("+CUSD: " + std::to_string(cusd_)); return ok();
        case CommandForm::test: info("+CUSD: (0-2)"); return ok();
        case CommandForm::action: return ok();
        case CommandForm::set: break;
    }
    auto v = first_int_in(c.args, 0, 2);
    if (!v) return err_cme(cme::incorrect_parameters);
    if (c.args.find(',') != std::string::npos)  // a USSD request: not simulated
        return err_cme(cme::operation_not_supported);
    cusd_ = *v;
    return ok();
}

const std::vector<ModemCore::CommandRow>& ModemCore::command_table() {
    using S = CommandRow::Sim;
    static const std::vector<CommandRow> table = {
        // V.250 basic commands (S covers every S-register).
        {"E", &ModemCore::cmd_basic, S::any},
        {"V", &ModemCore::cmd_basic, S::any},
        {"Q", &ModemCore::cmd_basic, S::any},
        {"Z", &ModemCore::cmd_basic, S::any},
        {"I", &ModemCore::cmd_basic, S::any},
        {"S", &ModemCore::cmd_basic, S::any},
        {"D", &ModemCore::cmd_basic, S::any},
        {"&F", &ModemCore::cmd_basic, S::any},
        {"&C", &ModemCore::cmd_basic, S::any},
        {"&D", &ModemCore::cmd_basic, S::any},
        {"&K", &ModemCore::cmd_basic, S::any},
        {"&W", &ModemCore::cmd_basic, S::any},
        {"X", &ModemCore::cmd_basic, S::any},
        {"H", &ModemCore::cmd_basic, S::any},
        // Identification (TS 27.007 §5, V.250 §6.1).
        {"+CGMI", &ModemCore::cmd_identity, S::any},
        {"+GMI", &ModemCore::cmd_identity, S::any},
        {"+CGMM", &ModemCore::cmd_identity, S::any},
        {"+GMM", &ModemCore::cmd_identity, S::any},
        {"+CGMR", &ModemCore::cmd_identity, S::any},
        {"+GMR", &ModemCore::cmd_identity, S::any},
        {"+CGSN", &ModemCore::cmd_identity, S::any},
        {"+GSN", &ModemCore::cmd_identity, S::any},
        {"+GCAP", &ModemCore::cmd_identity, S::any},
        {"+CIMI", &ModemCore::cmd_cimi, S::cme},
        // The ICCID is on the SIM's unprotected file: readable before the PIN.
        {"+CCID", &ModemCore::cmd_ccid, S::any},
        {"^ICCID", &ModemCore::cmd_ccid, S::any},
        {"+CMEE", &ModemCore::cmd_cmee, S::any},
        {"+CSCS", &ModemCore::cmd_cscs, S::any},
        // SIM (TS 27.007 §8.3, §8.65) and Huawei's retry counter.
        {"+CPIN", &ModemCore::cmd_cpin, S::any},
        {"+CPINR", &ModemCore::cmd_cpinr, S::any},
        {"^CPIN", &ModemCore::cmd_huawei_cpin, S::any},
        // Network (TS 27.007 §7).
        {"+CREG", &ModemCore::cmd_creg, S::any},
        {"+CGREG", &ModemCore::cmd_creg, S::any},
        {"+CEREG", &ModemCore::cmd_creg, S::any},
        {"+COPS", &ModemCore::cmd_cops, S::any},
        {"+CSQ", &ModemCore::cmd_csq, S::any},
        {"+CFUN", &ModemCore::cmd_cfun, S::any},
        {"+CGATT", &ModemCore::cmd_cgatt, S::any},
        {"+CLIP", &ModemCore::cmd_clip, S::any},
        {"+CUSD", &ModemCore::cmd_cusd, S::any},
        {"^CURC", &ModemCore::cmd_curc, S::any},
        // SMS (TS 27.005 §3, §4).
        {"+CMGF", &ModemCore::cmd_cmgf, S::any, true},
        {"+CSCA", &ModemCore::cmd_csca, S::cms, true},
        {"+CSMP", &ModemCore::cmd_csmp, S::any, true},
        {"+CSMS", &ModemCore::cmd_csms, S::any, true},
        {"+CPMS", &ModemCore::cmd_cpms, S::cms, true},
        {"+CNMI", &ModemCore::cmd_cnmi, S::any, true},
        {"+CNMA", &ModemCore::cmd_cnma, S::cms, true},
        {"+CMGL", &ModemCore::cmd_cmgl, S::cms, true},
        {"+CMGR", &ModemCore::cmd_cmgr, S::cms, true},
        {"+CMGD", &ModemCore::cmd_cmgd, S::cms, true},
        {"+CMGS", &ModemCore::cmd_cmgs, S::cms, true},
        {"+CMGW", &ModemCore::cmd_cmgw, S::cms, true},
    };
    return table;
}

}  // namespace smsgw::modemsim
