// The probe's verdicts; see probe_checks.hpp. Hints are written for a
// technician at a customer's site: what the value means and what to do next.
#include "tools/diag/probe_checks.hpp"

#include <algorithm>

#include "drivers/at/fields.hpp"
#include "drivers/at/identity_replies.hpp"
#include "drivers/at/sms_replies.hpp"
#include "drivers/at/text.hpp"

namespace smsgw::diag {

namespace {

Check make(std::string item, Status status, std::string value, std::string hint = {}) {
    return Check{std::move(item), status, std::move(value), std::move(hint)};
}

// "+CME ERROR 10 sim_not_inserted: SIM not inserted" or "modem unresponsive: …" — why
// an answer failed, in the words of its reason rather than the outcome's
// internal name ("not_sent"), which a technician has no use for.
std::string failure_of(const Answer& a) {
    if (a.final.error) return a.final.error->to_string();
    if (!a.final.reason.empty()) return a.final.reason;
    return std::string(at::to_string(a.final.outcome));
}

// The error table's hint for a failed answer, or `fallback`.
std::string hint_of(const Answer& a, std::string fallback) {
    if (a.final.error && !a.final.error->entry().hint.empty())
        return std::string(a.final.error->entry().hint);
    return fallback;
}

std::string first_line(const Answer& a, std::string_view prefix) {
    for (const auto& l : a.lines)
        if (at::istarts_with(l, prefix)) return l;
    return {};
}

std::string tries(std::optional<int> n, std::string_view what) {
    if (!n) return {};
    return std::to_string(*n) + (*n == 1 ? " try" : " tries") + " left for the " +
           std::string(what);
}

}  // namespace

std::string_view to_string(Status s) {
    switch (s) {
        case Status::ok:
            return "OK";
        case Status::warn:
            return "WARN";
        case Status::fail:
            return "FAIL";
        case Status::skip:
            return "SKIP";
    }
    return "?";
}

Check judge_identity(const Answer& cgmi, const Answer& cgmm, const Answer& cgmr) {
    const std::string item = "manufacturer/model/firmware";
    auto text = [](const Answer& a) -> std::string {
        if (!a.ok()) return {};
        const auto t = at::parse_text_answer(a.lines);
        return t ? *t : std::string{};
    };
    const std::string maker = text(cgmi), model = text(cgmm), firmware = text(cgmr);
    if (maker.empty() && model.empty())
        return make(item, Status::warn, failure_of(cgmi),
                    "the modem does not identify itself (AT+CGMI/AT+CGMM): vendor quirks "
                    "cannot be chosen, the generic TS 27.007 dialect is assumed");
    std::string value = maker + (model.empty() ? "" : " " + model);
    if (!firmware.empty()) value += ", firmware " + firmware;
    return make(item, Status::ok, value);
}

Check judge_imei(const Answer& cgsn) {
    if (!cgsn.ok())
        return make("IMEI", Status::warn, failure_of(cgsn),
                    "no IMEI (AT+CGSN): config can still match this modem by port or USB serial");
    const auto imei = at::parse_identity(cgsn.lines, at::IdentityKind::imei);
    if (!imei)
        return make("IMEI", Status::warn, imei.error().reason,
                    "unreadable IMEI: match this modem by port or USB serial in the config");
    return make("IMEI", Status::ok, *imei,
                "use it in the config to find this modem after re-plugging: match: { imei: \"" +
                    *imei + "\" }");
}

Check judge_sim_identity(const Answer& cimi, const Answer& iccid) {
    const std::string item = "IMSI/ICCID";
    std::string value;
    const auto imsi = cimi.ok() ? at::parse_identity(cimi.lines, at::IdentityKind::imsi)
                                : at::ParseResult<std::string>(at::parse_error(failure_of(cimi)));
    const auto ccid = iccid.ok() ? at::parse_identity(iccid.lines, at::IdentityKind::iccid)
                                 : at::ParseResult<std::string>(at::parse_error(failure_of(iccid)));
    value = "IMSI " + (imsi ? *imsi : std::string("?")) + ", ICCID " +
            (ccid ? *ccid : std::string("?"));
    if (!imsi)
        return make(item, Status::warn, value,
                    "the SIM does not give its IMSI (" + imsi.error().reason +
                        "): it may still be starting — probe again in a few seconds");
    std::string hint = "operator (MCC+MNC) " + imsi->substr(0, 5);
    if (!ccid)
        hint += "; ICCID not readable (" + ccid.error().reason + "), read it off the SIM card";
    return make(item, imsi && ccid ? Status::ok : Status::warn, value, hint);
}

Check judge_registration(const std::optional<at::Registration>& reg, const Answer& creg) {
    const std::string item = "registration";
    if (!reg)
        return make(item, Status::fail, creg.ok() ? "unreadable answer" : failure_of(creg),
                    hint_of(creg,
                            "the modem does not report registration (AT+CREG?): check the SIM and "
                            "that the radio is on (AT+CFUN=1)"));
    std::string value = std::string(at::to_string(reg->status));
    if (reg->domain != at::RegDomain::circuit)
        value += " (" + std::string(at::to_string(reg->domain)) + ")";
    if (reg->act) value += ", " + std::string(at::to_string(*reg->act));
    using at::RegStatus;
    switch (reg->status) {
        case RegStatus::home:
        case RegStatus::home_sms_only:
        case RegStatus::home_csfb_not_preferred:
            return make(item, Status::ok, value, "registered on the SIM's home network");
        case RegStatus::roaming:
        case RegStatus::roaming_sms_only:
        case RegStatus::roaming_csfb_not_preferred:
            return make(item, Status::ok, value,
                        "registered on a visited network: SMS works; check the SIM's tariff covers "
                        "roaming (normal for IoT SIMs, unusual for a local SIM)");
        case RegStatus::searching:
            return make(item, Status::warn, value,
                        "searching for a network: wait a minute and probe again; if it stays, "
                        "check the antenna and coverage here (another operator's SIM may work)");
        case RegStatus::denied:
            return make(item, Status::fail, value,
                        "the network refused this SIM: it is not activated, barred (unpaid), or "
                        "has no contract for this network — call the operator with the IMSI/ICCID");
        case RegStatus::not_registered:
            return make(item, Status::fail, value,
                        "not registered and not searching: select the network automatically "
                        "(AT+COPS=0) and check the radio is on (AT+CFUN=1); a SIM that needs a "
                        "PIN also stays here");
        case RegStatus::emergency_only:
            return make(item, Status::fail, value,
                        "emergency calls only: the SIM is not accepted for normal service — "
                        "call the operator");
        case RegStatus::unknown:
            break;
    }
    return make(item, Status::warn, value,
                "registration unknown (out of coverage?): check the antenna and probe again");
}

Check judge_operator(const Answer& cops, bool registered) {
    const std::string item = "operator";
    if (!cops.ok())
        return make(item, Status::warn, failure_of(cops), hint_of(cops, "AT+COPS? failed"));
    const auto op = at::parse_cops(first_line(cops, "+COPS"));
    if (!op) return make(item, Status::warn, op.error().reason, "unreadable +COPS answer");
    if (op->name.empty())
        return registered
                   ? make(item, Status::warn, "none", "registered, but the modem names no operator")
                   : make(item, Status::skip, "none", "not registered: see registration");
    std::string value = op->name;
    if (op->act) value += " (" + std::string(at::to_string(*op->act)) + ")";
    if (op->mode == 1)
        return make(
            item, Status::ok, value + ", manual selection",
            "the network is fixed by hand (AT+COPS=1): use AT+COPS=0 unless this is intended");
    return make(item, Status::ok, value);
}

Check judge_signal(const Answer& csq, bool registered) {
    const std::string item = "signal";
    if (!csq.ok()) return make(item, Status::fail, failure_of(csq), hint_of(csq, "AT+CSQ failed"));
    const auto q = at::parse_csq(first_line(csq, "+CSQ"));
    if (!q) return make(item, Status::fail, q.error().reason, "unreadable +CSQ answer");
    if (!q->dbm && registered)
        return make(item, Status::warn, "not reported (rssi 99) while registered",
                    "the modem gives no GSM/UMTS signal figure; LTE modems often answer 99 to "
                    "AT+CSQ (their LTE signal is in AT+CESQ). If sends fail, check the antenna");
    if (!q->dbm)
        return make(item, Status::fail, "no signal (rssi 99)",
                    "no signal at all: check the antenna is screwed on, move the modem away "
                    "from metal cabinets, try a USB extension cable or an external antenna");
    const std::string value = std::to_string(*q->dbm) + " dBm, " + std::to_string(q->bars) +
                              "/5 bars (rssi " + std::to_string(q->rssi) + ")";
    if (*q->dbm < weak_signal_dbm)
        return make(item, Status::warn, value,
                    "weak signal (below " + std::to_string(weak_signal_dbm) +
                        " dBm): sends may fail and be retried — move the modem or antenna "
                        "(higher, near a window, out of the cabinet) or fit an external antenna");
    return make(item, Status::ok, value);
}

Check judge_smsc(const Answer& csca) {
    const std::string item = "SMSC";
    const std::string how =
        "set the operator's SMS centre number: AT+CSCA=\"+<number>\",145 (`smsgw-diag at`), or "
        "smsc: in this modem's config";
    if (!csca.ok())
        return make(item, Status::fail, failure_of(csca), hint_of(csca, "AT+CSCA? failed: " + how));
    const auto sc = at::parse_csca(first_line(csca, "+CSCA"));
    if (!sc || sc->number.empty())
        return make(item, Status::fail, sc ? "none" : sc.error().reason,
                    "no SMS centre on the SIM: messages cannot be sent; " + how);
    return make(item, Status::ok, sc->number);
}

Check judge_storage(const Answer& cpms) {
    const std::string item = "SMS storage";
    if (!cpms.ok())
        return make(item, Status::warn, failure_of(cpms), hint_of(cpms, "AT+CPMS? failed"));
    const auto use = at::parse_cpms_query(first_line(cpms, "+CPMS"));
    if (!use || use->empty()) return make(item, Status::warn, "unreadable +CPMS answer", "");
    std::string value;
    bool full = false;
    bool no_slots = false;
    std::vector<std::string> seen;
    for (const auto& u : *use) {
        if (std::find(seen.begin(), seen.end(), u.storage) != seen.end()) continue;
        seen.push_back(u.storage);
        if (!value.empty()) value += ", ";
        value += (u.storage.empty() ? std::string("?") : u.storage) + " " + std::to_string(u.used) +
                 "/" + std::to_string(u.total);
        if (u.total > 0 && u.used >= u.total) full = true;
        if (u.total == 0) no_slots = true;
    }
    if (no_slots)
        return make(item, Status::warn, value + " (no slots)",
                    "a storage with no room: the SIM holds no messages, or the modem has not "
                    "read it yet (probe again in a minute); smsgwd then keeps received "
                    "messages in the modem's own storage (ME) where it has one");
    if (full)
        return make(item, Status::warn, value + " (full)",
                    "storage full: the network holds back new messages until there is room; "
                    "smsgwd reads and deletes stored messages when it starts (AT+CMGL=4), or "
                    "delete them by hand with AT+CMGD=1,4");
    return make(item, Status::ok, value);
}

Check judge_pdu_mode(const Answer& cmgf_test) {
    const std::string item = "PDU mode";
    if (!cmgf_test.ok())
        return make(item, Status::fail, failure_of(cmgf_test),
                    "AT+CMGF=? failed: a modem that has only just started refuses SMS commands "
                    "until it says \"SMS Ready\" (SIMCom) or \"+QIND: SMS DONE\" (Quectel), "
                    "so probe again in a minute; if it stays, the port may not be the modem's "
                    "AT/SMS port");
    const std::string line = first_line(cmgf_test, "+CMGF");  // body views into it
    const auto body = at::info_body(line, "+CMGF");
    const auto modes = body ? at::parse_range_list(*body)
                            : at::ParseResult<at::RangeList>(at::parse_error("no +CMGF line"));
    if (!modes) return make(item, Status::warn, modes.error().reason, "unreadable +CMGF=? answer");
    const std::string value = "modes " + modes->to_string();
    if (!modes->contains(0))
        return make(item, Status::fail, value,
                    "the modem offers text mode only: smsgw sends and receives in PDU mode "
                    "(TS 27.005 AT+CMGF=0) — use another modem or its other AT port");
    return make(item, Status::ok, value + " (PDU mode 0 supported)");
}

Check judge_cnmi(const Answer& cnmi_test, std::span<const at::AtStep> candidates) {
    const std::string item = "new message indications";
    const std::string poll =
        "smsgwd will not be told of new messages and reads the storage (AT+CMGL) every 10 s "
        "instead: replies arrive up to 10 s late";
    if (!cnmi_test.ok())
        return make(item, Status::warn, failure_of(cnmi_test), "AT+CNMI=? failed: " + poll);
    const auto support = at::parse_cnmi_test(first_line(cnmi_test, "+CNMI"));
    if (!support) return make(item, Status::warn, support.error().reason, poll);
    const auto chosen = at::choose_cnmi(candidates, *support);
    if (!chosen) return make(item, Status::warn, "no usable AT+CNMI setting", poll);
    if (!at::announces_messages(chosen->command))
        return make(item, Status::warn, std::string(chosen->command) + " (new messages not announced)",
                    "the modem refuses <mt>=1: " + poll);
    return make(item, Status::ok, std::string(chosen->command), std::string(chosen->why));
}

std::string describe_sim(const SimState& sim) {
    std::string out;
    if (sim.state) {
        for (char c : at::to_upper(at::to_string(*sim.state))) out += c == '_' ? ' ' : c;
    } else {
        out = sim.cpin.error ? sim.cpin.error->to_string()
                             : std::string(at::to_string(sim.cpin.outcome));
    }
    if (sim.retries) {
        std::string left;
        if (sim.retries->pin) left = "PIN " + std::to_string(*sim.retries->pin);
        if (sim.retries->puk)
            left += (left.empty() ? "" : ", ") + std::string("PUK ") +
                    std::to_string(*sim.retries->puk);
        if (!left.empty()) out += " (tries left: " + left + ")";
    }
    return out;
}

bool last_pin_attempt(const SimState& sim) {
    return sim.retries && sim.retries->pin && *sim.retries->pin <= 1;
}

Check judge_sim(const SimState& sim, bool pin_given, bool pin_was_entered) {
    const std::string item = "SIM/PIN";
    const std::string value = describe_sim(sim);
    if (!sim.state) {
        const auto* e = sim.cpin.error ? &sim.cpin.error->entry() : nullptr;
        if (e && e->name == "sim_not_inserted")
            return make(item, Status::fail, "SIM missing",
                        "no SIM: power the modem off, insert the SIM (contacts down, cut corner as "
                        "marked), power on; check the SIM size adapter is not loose");
        if (e && e->name == "sim_busy")
            return make(item, Status::warn, value, std::string(e->hint));
        return make(
            item, Status::fail, value,
            e && !e->hint.empty()
                ? std::string(e->hint)
                : "the SIM does not answer (AT+CPIN?): reseat it and power-cycle the modem");
    }
    using at::PinState;
    switch (*sim.state) {
        case PinState::ready:
            if (pin_was_entered)
                return make(item, Status::ok, "READY (PIN accepted)",
                            "put the same PIN in this modem's config (pin_file)");
            if (pin_given)
                return make(item, Status::ok, value,
                            "the SIM is not PIN-locked (or already unlocked): --pin was not sent");
            return make(item, Status::ok, value);
        case PinState::not_inserted:
            return make(item, Status::fail, "SIM missing",
                        "no SIM: power the modem off, insert the SIM (contacts down), power on");
        case PinState::not_ready:
            return make(
                item, Status::warn, value,
                "the SIM is still starting: probe again in a few seconds; if it stays, reseat it");
        case PinState::sim_pin:
            if (!pin_given)
                return make(
                    item, Status::fail, value,
                    "the SIM wants its PIN: run again with --pin PIN, and put the PIN in this "
                    "modem's config (pin_file) so smsgwd can unlock it");
            if (last_pin_attempt(sim))
                return make(
                    item, Status::fail, value,
                    "only 1 PIN try left: the PIN was NOT sent — a wrong one blocks the SIM "
                    "(PUK needed). Check the PIN, then re-run with --force");
            return make(item, Status::fail, value, "the PIN was not accepted");
        case PinState::sim_puk:
            return make(
                item, Status::fail, value,
                "the SIM is blocked after wrong PINs: unlock it with the PUK from the SIM's card "
                "holder — in `smsgw-diag at`: AT+CPIN=\"<PUK>\",\"<new PIN>\"; 10 wrong PUKs "
                "destroy the SIM");
        case PinState::sim_pin2:
        case PinState::sim_puk2:
            return make(
                item, Status::warn, value,
                "the modem asks for PIN2/PUK2 (only for fixed dialling): SMS may still work; "
                "power-cycle the modem if sends fail");
        default:
            return make(
                item, Status::fail, value,
                "the modem itself is locked (" + value +
                    "): to a network or another SIM — ask the seller/operator for the unlock code");
    }
}

Check judge_wrong_pin(const SimState& after, const at::Final& cpin_set) {
    const std::string item = "SIM/PIN";
    std::string value = "PIN rejected";
    if (cpin_set.error) value += " (" + std::string(cpin_set.error->entry().text) + ")";
    if (after.state == at::PinState::sim_puk)
        return make(
            item, Status::fail, value + "; SIM now wants the PUK",
            "that was the last PIN try: unlock with the PUK from the SIM's card holder — in "
            "`smsgw-diag at`: AT+CPIN=\"<PUK>\",\"<new PIN>\"");
    std::string left = after.retries ? tries(after.retries->pin, "PIN") : std::string();
    if (!left.empty()) value += "; " + left;
    std::string hint =
        "wrong PIN: check it (the SIM's card holder, or whoever set it) before trying again";
    if (after.retries && after.retries->pin && *after.retries->pin <= 1)
        hint += " — the next wrong PIN blocks the SIM; --force is needed to send it";
    else if (left.empty())
        hint += "; this modem does not report the tries left: do not guess";
    return make(item, Status::fail, value, hint);
}

}  // namespace smsgw::diag
