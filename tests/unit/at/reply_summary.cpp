// Parser summaries for the replay traces; see reply_summary.hpp.
#include "reply_summary.hpp"

#include "drivers/at/identity_replies.hpp"
#include "drivers/at/network_replies.hpp"
#include "drivers/at/quirks.hpp"
#include "drivers/at/sim_replies.hpp"
#include "drivers/at/sms_replies.hpp"
#include "drivers/at/text.hpp"

namespace smsgw::at::test {

namespace {

template <typename T, typename F>
std::string show(const ParseResult<T>& r, F&& describe) {
    if (!r) return "parse error: " + r.error().reason;
    return describe(*r);
}

std::string opt(const std::optional<int>& v) {
    return v ? std::to_string(*v) : "-";
}

std::string hex(const std::optional<std::uint32_t>& v) {
    if (!v) return "-";
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    std::uint32_t x = *v;
    do {
        out.insert(out.begin(), digits[x & 0xF]);
        x >>= 4;
    } while (x);
    return out;
}

std::string registration(const ParseResult<Registration>& r) {
    return show(r, [](const Registration& x) {
        return std::string(to_string(x.domain)) + (x.unsolicited ? " urc" : " n=" + opt(x.n)) +
               " stat=" + std::string(to_string(x.status)) + " lac=" + hex(x.lac) +
               " ci=" + hex(x.ci) + " act=" + (x.act ? std::string(to_string(*x.act)) : "-");
    });
}

std::string stored(const StoredPdu& m) {
    return "index=" + opt(m.index) +
           " stat=" + (m.status ? std::string(to_string(*m.status)) : "-") +
           " length=" + std::to_string(m.length) + " octets=" + std::to_string(m.pdu.size() / 2) +
           (m.length_consistent ? " consistent" : " length-mismatch");
}

std::string storages(const std::vector<StorageUse>& list) {
    std::string out;
    for (const auto& s : list)
        out += (out.empty() ? "" : " ") + (s.storage.empty() ? "?" : s.storage) + "=" +
               std::to_string(s.used) + "/" + std::to_string(s.total);
    return out;
}

// The first line carrying `prefix`, else the first line.
const std::string* line_with(const std::vector<std::string>& lines, std::string_view prefix) {
    for (const auto& l : lines)
        if (istarts_with(l, prefix)) return &l;
    return lines.empty() ? nullptr : &lines.front();
}

}  // namespace

std::optional<std::string> summarize(const Complete& done) {
    if (done.final.outcome != Outcome::ok) return std::nullopt;
    const std::string cmd = to_upper(done.command);
    const auto& lines = done.lines;
    const auto is = [&](std::string_view p) { return cmd.starts_with(p); };

    if (is("AT+CGMI") || is("AT+CGMM") || is("AT+CGMR") || is("ATI")) {
        return show(parse_text_answer(lines), [&](const std::string& text) {
            return "text \"" + c_escape(text) + "\"" +
                   (is("AT+CGMI") ? " quirks=" + std::string(find_quirks(text, "").name) : "");
        });
    }
    if (is("AT+CGSN"))
        return show(parse_identity(lines, IdentityKind::imei), [](auto& s) { return "imei " + s; });
    if (is("AT+CIMI"))
        return show(parse_identity(lines, IdentityKind::imsi), [](auto& s) { return "imsi " + s; });
    if (is("AT+CCID") || is("AT^ICCID") || is("AT+QCCID") || is("AT+CRSM=176,12258"))
        return show(parse_identity(lines, IdentityKind::iccid),
                    [](auto& s) { return "iccid " + s; });
    if (lines.empty()) return std::nullopt;
    if (is("AT+CSQ")) {
        return show(parse_csq(lines.front()), [](const SignalQuality& q) {
            return "signal rssi=" + std::to_string(q.rssi) + " dbm=" + opt(q.dbm) +
                   " bars=" + std::to_string(q.bars);
        });
    }
    if (is("AT+CREG?")) return registration(parse_registration(*line_with(lines, "+CREG")));
    if (is("AT+CGREG?")) return registration(parse_registration(*line_with(lines, "+CGREG")));
    if (is("AT+CEREG?")) return registration(parse_registration(*line_with(lines, "+CEREG")));
    if (is("AT+CPMS=?")) {
        return show(parse_cpms_test(*line_with(lines, "+CPMS")), [](const auto& slots) {
            std::string out = "storages";
            for (const auto& slot : slots) {
                out += " (";
                for (std::size_t i = 0; i < slot.size(); ++i) out += (i ? "," : "") + slot[i];
                out += ")";
            }
            return out;
        });
    }
    if (is("AT+CPMS?")) return show(parse_cpms_query(*line_with(lines, "+CPMS")), storages);
    if (is("AT+CPMS=")) return show(parse_cpms_set(*line_with(lines, "+CPMS")), storages);
    if (is("AT+CSCA?")) {
        return show(parse_csca(*line_with(lines, "+CSCA")), [](const ServiceCentre& sc) {
            return "smsc " + sc.number + " type=" + opt(sc.type);
        });
    }
    if (is("AT+CNMI=?")) {
        return show(parse_cnmi_test(*line_with(lines, "+CNMI")), [](const CnmiSupport& s) {
            const auto pick = choose_cnmi(generic_quirks().cnmi_candidates, s);
            return "cnmi mode=" + s.mode.to_string() + " mt=" + s.mt.to_string() +
                   " bm=" + s.bm.to_string() + " ds=" + s.ds.to_string() +
                   " bfr=" + s.bfr.to_string() +
                   " choose=" + (pick ? std::string(pick->command) : "none");
        });
    }
    if (is("AT+CPIN?")) {
        return show(parse_cpin(*line_with(lines, "+CPIN")),
                    [](PinState s) { return "pin " + std::string(to_string(s)); });
    }
    if (is("AT+COPS?")) {
        return show(parse_cops(*line_with(lines, "+COPS")), [](const OperatorInfo& op) {
            return "operator mode=" + std::to_string(op.mode) + " name=\"" + op.name + "\"";
        });
    }
    if (is("AT+CMGR=")) {
        if (lines.size() < 2) return "parse error: no PDU line";
        return show(parse_cmgr(lines[0], lines[1]), stored);
    }
    if (is("AT+CMGL")) {
        return show(parse_cmgl(lines), [](const std::vector<StoredPdu>& list) {
            std::string out = std::to_string(list.size()) + " message(s)";
            for (const auto& m : list) out += "; " + stored(m);
            return out;
        });
    }
    if (is("AT+CMGS="))
        return show(parse_cmgs(*line_with(lines, "+CMGS")),
                    [](int mr) { return "mr " + std::to_string(mr); });
    return std::nullopt;
}

std::optional<std::string> summarize(const Urc& urc) {
    const std::string& line = urc.lines.front();
    switch (urc.kind) {
        case UrcKind::sms_stored:
        case UrcKind::report_stored:
            return show(parse_message_indication(line), [](const MessageIndication& m) {
                return "stored in " + m.storage + " at " + std::to_string(m.index);
            });
        case UrcKind::sms_deliver:
        case UrcKind::status_report:
            return show(parse_pdu_urc_header(line), [&](const PduHeader& h) {
                return "pdu length=" + std::to_string(h.length) +
                       (urc.lines.size() > 1 ? " with PDU" : " without PDU");
            });
        case UrcKind::registration:
        case UrcKind::gprs_registration:
        case UrcKind::eps_registration:
            return registration(parse_registration(line));
        default:
            return std::nullopt;
    }
}

}  // namespace smsgw::at::test
