// Field-by-field explanation of a decoded PDU (TS 23.040 §9.2.2 layouts). The
// PDU has already been decoded successfully, so the layout is known to be
// consistent; the walk still checks bounds so it can never read past the end.
#include "tools/diag/pdu_explain.hpp"

#include <cstdio>
#include <sstream>

#include "pdu/septets.hpp"
#include "pdu/status_report.hpp"

namespace smsgw::diag {
namespace {

using Octets = std::span<const std::uint8_t>;

class Table {
public:
    explicit Table(Octets octets) : octets_(octets) {}

    // Adds the next `count` octets as one field.
    void field(std::size_t count, const std::string& name, const std::string& meaning) {
        count = std::min(count, octets_.size() - pos_);
        const std::string hex = pdu::octets_to_hex(octets_.subspan(pos_, count));
        char where[24];
        if (count <= 1)
            std::snprintf(where, sizeof where, "%zu", pos_);
        else
            std::snprintf(where, sizeof where, "%zu-%zu", pos_, pos_ + count - 1);
        char line[160];
        std::snprintf(line, sizeof line, "  %-8s %-22s %-14s ", where,
                      hex.size() > 22 ? (hex.substr(0, 19) + "...").c_str() : hex.c_str(), name.c_str());
        out_ << line << meaning << '\n';
        pos_ += count;
    }
    std::uint8_t peek(std::size_t ahead = 0) const {
        return pos_ + ahead < octets_.size() ? octets_[pos_ + ahead] : 0;
    }
    std::size_t remaining() const { return octets_.size() - pos_; }
    std::string str() const { return out_.str(); }

private:
    Octets octets_;
    std::size_t pos_ = 0;
    std::ostringstream out_;
};

std::string address_type(std::uint8_t toa) {
    const auto ton = static_cast<pdu::TypeOfNumber>((toa >> 4) & 7);
    const unsigned npi = toa & 0x0F;
    return std::string(pdu::to_string(ton)) + ", numbering plan " + std::to_string(npi) +
           (npi == 1 ? " (ISDN/E.164)" : "");
}

void address(Table& t, const char* name, const pdu::Address& a) {
    const std::uint8_t len = t.peek();
    t.field(1, std::string(name) + " length", std::to_string(len) + " semi-octets");
    t.field(1, std::string(name) + " type", address_type(t.peek()));
    t.field((len + 1u) / 2, name, a.display());
}

void timestamp(Table& t, const char* name, const pdu::Timestamp& ts) { t.field(7, name, ts.to_iso8601()); }

std::string coding_text(const pdu::DataCoding& dc) {
    std::string s = pdu::to_string(dc.alphabet);
    if (dc.message_class) s += ", class " + std::to_string(*dc.message_class) + (*dc.message_class == 0 ? " (flash)" : "");
    if (dc.message_waiting) s += ", message waiting indication";
    return s;
}

void user_data(Table& t, bool udhi, const pdu::DataCoding& dc, const pdu::UserData& ud) {
    const std::uint8_t udl = t.peek();
    const bool septets = dc.alphabet == pdu::Alphabet::gsm7;
    t.field(1, "TP-UDL", std::to_string(udl) + (septets ? " septets" : " octets"));
    std::size_t total = septets ? pdu::packed_octets(udl) : udl;
    if (udhi && ud.header) {
        const std::uint8_t udhl = t.peek();
        t.field(1, "TP-UDHL", std::to_string(udhl) + " octets of header");
        for (const auto& ie : ud.header->elements) {
            std::string meaning = "IE 0x" + pdu::octets_to_hex(Octets(&ie.iei, 1));
            if ((ie.iei == pdu::kIeiConcat8 || ie.iei == pdu::kIeiConcat16) && ud.header->concat) {
                const auto& c = *ud.header->concat;
                meaning = "concatenation, " + std::string(c.reference_16bit ? "16" : "8") + "-bit reference " +
                          std::to_string(c.reference) + ", part " + std::to_string(c.sequence) + " of " +
                          std::to_string(c.total);
            } else if (ie.iei == pdu::kIeiSingleShift) {
                meaning = "national language single shift, language " + std::to_string(ud.header->single_shift);
            } else if (ie.iei == pdu::kIeiLockingShift) {
                meaning = "national language locking shift, language " + std::to_string(ud.header->locking_shift);
            }
            t.field(2 + ie.data.size(), "TP-UDH IE", meaning);
        }
        total -= std::min<std::size_t>(total, udhl + 1u);
    }
    t.field(total, "TP-UD", pdu::to_string(dc.alphabet) + std::string(" text"));
}

}  // namespace

std::string explain_pdu(Octets octets, const pdu::Pdu& p) {
    Table t(octets);
    const std::uint8_t smsc_len = t.peek();
    t.field(1, "SMSC length", smsc_len ? std::to_string(smsc_len) + " octets" : "0: the SIM's default SMSC");
    if (smsc_len) {
        t.field(1, "SMSC type", address_type(t.peek()));
        t.field(smsc_len - 1u, "SMSC", p.smsc ? p.smsc->display() : "");
    }
    const std::uint8_t first = t.peek();
    std::ostringstream summary;
    if (const auto* d = std::get_if<pdu::SmsDeliver>(&p.tpdu)) {
        t.field(1, "first octet",
                std::string("SMS-DELIVER") + (first & 0x40 ? ", UDH present" : "") +
                    (d->status_report_indication ? ", status report indicated" : "") +
                    (d->more_messages_to_send ? ", more messages waiting" : ""));
        address(t, "TP-OA", d->originator);
        t.field(1, "TP-PID", "protocol identifier " + std::to_string(d->protocol_id));
        t.field(1, "TP-DCS", coding_text(d->coding));
        timestamp(t, "TP-SCTS", d->service_centre_time);
        user_data(t, first & 0x40, d->coding, d->user_data);
        summary << "SMS-DELIVER from " << d->originator.display() << "\n";
    } else if (const auto* s = std::get_if<pdu::SmsSubmit>(&p.tpdu)) {
        t.field(1, "first octet",
                std::string("SMS-SUBMIT") + (first & 0x40 ? ", UDH present" : "") +
                    (s->status_report_request ? ", status report requested" : "") +
                    (s->reject_duplicates ? ", reject duplicates" : ""));
        t.field(1, "TP-MR", "message reference " + std::to_string(s->message_reference) +
                                (s->message_reference == 0 ? " (the modem assigns it)" : ""));
        address(t, "TP-DA", s->destination);
        t.field(1, "TP-PID", "protocol identifier " + std::to_string(s->protocol_id));
        t.field(1, "TP-DCS", coding_text(s->coding));
        switch (s->validity.format) {
            case pdu::ValidityPeriod::Format::none: break;
            case pdu::ValidityPeriod::Format::relative:
                t.field(1, "TP-VP",
                        "relative: " + std::to_string(pdu::relative_validity_minutes(s->validity.relative)) + " minutes");
                break;
            case pdu::ValidityPeriod::Format::absolute:
                t.field(7, "TP-VP", "absolute: " + s->validity.absolute->to_iso8601());
                break;
            case pdu::ValidityPeriod::Format::enhanced: t.field(7, "TP-VP", "enhanced format"); break;
        }
        user_data(t, first & 0x40, s->coding, s->user_data);
        summary << "SMS-SUBMIT to " << s->destination.display() << "\n";
    } else if (const auto* r = std::get_if<pdu::SmsStatusReport>(&p.tpdu)) {
        t.field(1, "first octet", "SMS-STATUS-REPORT");
        t.field(1, "TP-MR", "reference of the reported message: " + std::to_string(r->message_reference));
        address(t, "TP-RA", r->recipient);
        timestamp(t, "TP-SCTS", r->service_centre_time);
        timestamp(t, "TP-DT", r->discharge_time);
        const auto meaning = pdu::describe_status(r->status);
        t.field(1, "TP-ST", std::to_string(r->status) + ": " + pdu::to_string(meaning.outcome) + ", " + meaning.text);
        if (t.remaining()) t.field(t.remaining(), "TP-PI ...", "parameter indicator and optional fields");
        summary << "SMS-STATUS-REPORT for message reference " << static_cast<int>(r->message_reference) << " to "
                << r->recipient.display() << ": " << pdu::to_string(meaning.outcome) << "\n";
    }
    std::ostringstream out;
    out << summary.str() << "  octet    hex                    field          meaning\n" << t.str();
    return out.str();
}

}  // namespace smsgw::diag
