// Decoding of SMS-DELIVER, SMS-SUBMIT and SMS-STATUS-REPORT with the SMSC field
// in front (TS 23.040 §9.2.2, TS 24.011 §8.2.5.1), as AT+CMGR returns them.
// Strict: a length that lies, a reserved value or trailing octets is an error
// naming the octet; nothing is read out of bounds.
#include "pdu/octet_reader.hpp"
#include "pdu/partial_pdu.hpp"
#include "pdu/pdu_codec.hpp"
#include "pdu/septets.hpp"
#include "pdu/text_codec.hpp"

namespace smsgw::pdu {
namespace {

using Octets = std::span<const std::uint8_t>;

char semi_octet_char(unsigned nibble) {
    static constexpr char chars[] = "0123456789*#abc";
    return chars[nibble];
}

// A filler F is allowed only as the last semi-octet: some encoders count the
// filler in the length (python-gsmmodem's test vectors, seen on real SIMs).
bool read_semi_octets(Octets octets, std::size_t digits, std::string& out) {
    out.clear();
    out.reserve(digits);
    for (std::size_t i = 0; i < digits; ++i) {
        const unsigned nibble = (i % 2 == 0) ? (octets[i / 2] & 0x0F) : (octets[i / 2] >> 4);
        if (nibble == 0xF && i + 1 == digits) break;
        if (nibble == 0xF) return false;
        out.push_back(semi_octet_char(nibble));
    }
    return true;
}

// TP-OA / TP-DA / TP-RA (§9.1.2.5): length in useful semi-octets, type, value.
bool read_address(OctetReader& r, const char* field, Address& out, DecodeError& err) {
    const std::size_t start = r.position();
    std::uint8_t length = 0, toa = 0;
    if (!r.read(length, field, err) || !r.read(toa, field, err)) return false;
    if (length > 20) {
        err = {start, field, "address length " + std::to_string(length) + " exceeds 20 semi-octets"};
        return false;
    }
    Octets value;
    if (!r.take((length + 1u) / 2, value, field, err)) return false;
    out.ton = static_cast<TypeOfNumber>((toa >> 4) & 0x07);
    out.npi = toa & 0x0F;
    if (out.ton == TypeOfNumber::alphanumeric) {
        // GSM-7 septets packed into the semi-octets (§9.1.2.5).
        std::vector<std::uint8_t> septets;
        unpack_septets(value, 0, length * 4u / 7u, septets);
        out.value.clear();
        gsm7_decode_text(septets, out.value);
        return true;
    }
    if (!read_semi_octets(value, length, out.value)) {
        err = {start + 2, field, "filler semi-octet F inside the " + std::to_string(length) + "-digit number"};
        return false;
    }
    return true;
}

bool read_timestamp(OctetReader& r, const char* field, Timestamp& t, DecodeError& err) {
    const std::size_t start = r.position();
    Octets o;
    if (!r.take(7, o, field, err)) return false;
    int v[6];
    for (int i = 0; i < 6; ++i) {
        const int lo = o[i] & 0x0F, hi = o[i] >> 4;
        if (lo > 9 || hi > 9) {
            err = {start + i, field, "semi-octets must be decimal digits, found 0x" + octets_to_hex(o.subspan(i, 1))};
            return false;
        }
        v[i] = lo * 10 + hi;
    }
    t.year = v[0] >= 70 ? 1900 + v[0] : 2000 + v[0];
    t.month = v[1], t.day = v[2], t.hour = v[3], t.minute = v[4], t.second = v[5];
    static const char* const names[] = {"year", "month", "day", "hour", "minute", "second"};
    const int max[] = {99, 12, 31, 23, 59, 59};
    const int min[] = {0, 1, 1, 0, 0, 0};
    for (int i = 1; i < 6; ++i) {
        if (v[i] < min[i] || v[i] > max[i]) {
            err = {start + i, field,
                   std::string(names[i]) + " " + std::to_string(v[i]) + " is out of range " + std::to_string(min[i]) +
                       ".." + std::to_string(max[i])};
            return false;
        }
    }
    // The time zone's second semi-octet is taken at face value even above 9:
    // some SMSCs write 2:30 as 0xA0 (10 quarters), and rejecting the whole
    // report over its time zone would lose a delivery confirmation.
    const int tz_lo = o[6] & 0x07, tz_hi = o[6] >> 4;
    const int quarters = tz_lo * 10 + tz_hi;
    t.tz_quarters = (o[6] & 0x08) ? -quarters : quarters;
    return true;
}

bool read_dcs(OctetReader& r, DataCoding& dc, DecodeError& err) {
    const std::size_t at = r.position();
    std::uint8_t raw = 0;
    if (!r.read(raw, "TP-DCS", err)) return false;
    auto parsed = parse_data_coding(raw);
    if (!parsed) {
        err = {at, "TP-DCS", "0x" + octets_to_hex(Octets(&raw, 1)) + ": " + parsed.error()};
        return false;
    }
    dc = *parsed;
    return true;
}

// TS 23.040 §9.2.3.24: the UDH's information elements.
bool parse_udh(Octets header, std::size_t base, UserDataHeader& udh, DecodeError& err) {
    std::size_t i = 0;
    while (i < header.size()) {
        if (i + 2 > header.size()) {
            err = {base + i, "TP-UDH", "information element header cut off by the UDH length"};
            return false;
        }
        const std::uint8_t iei = header[i], len = header[i + 1];
        if (i + 2 + len > header.size()) {
            err = {base + i + 1, "TP-UDH",
                   "information element 0x" + octets_to_hex(header.subspan(i, 1)) + " length " + std::to_string(len) +
                       " runs past the end of the UDH"};
            return false;
        }
        const Octets data = header.subspan(i + 2, len);
        udh.elements.push_back({iei, {data.begin(), data.end()}});
        // Elements with a wrong length or impossible values are ignored, as
        // §9.2.3.24.1 asks, rather than failing the whole message.
        if (iei == kIeiConcat8 && len == 3 && data[1] != 0 && data[2] != 0 && data[2] <= data[1] && !udh.concat) {
            udh.concat = Concatenation{data[0], data[1], data[2], false};
        } else if (iei == kIeiConcat16 && len == 4 && data[2] != 0 && data[3] != 0 && data[3] <= data[2] &&
                   !udh.concat) {
            udh.concat = Concatenation{static_cast<std::uint16_t>(data[0] << 8 | data[1]), data[2], data[3], true};
        } else if (iei == kIeiSingleShift && len == 1) {
            udh.single_shift = data[0];
        } else if (iei == kIeiLockingShift && len == 1) {
            udh.locking_shift = data[0];
        }
        i += 2u + len;
    }
    return true;
}

// TP-UDL and TP-UD (§9.2.3.16, §9.2.3.24). Octets left after the user data
// are reported by the caller as trailing garbage.
bool read_user_data(OctetReader& r, bool udhi, const DataCoding& dc, UserData& ud, DecodeError& err) {
    const std::size_t udl_at = r.position();
    std::uint8_t udl = 0;
    if (!r.read(udl, "TP-UDL", err)) return false;
    const bool septets = dc.alphabet == Alphabet::gsm7;
    const std::size_t octet_count = septets ? packed_octets(udl) : udl;
    if (septets && udl > 160) {
        err = {udl_at, "TP-UDL", "user data length " + std::to_string(udl) + " exceeds 160 septets"};
        return false;
    }
    if (!septets && udl > 140) {
        err = {udl_at, "TP-UDL", "user data length " + std::to_string(udl) + " exceeds 140 octets"};
        return false;
    }
    if (r.remaining() < octet_count) {
        err = {udl_at, "TP-UDL",
               "user data length " + std::to_string(udl) + (septets ? " septets" : " octets") + " needs " +
                   std::to_string(octet_count) + " octets, but only " + std::to_string(r.remaining()) + " follow"};
        return false;
    }
    const std::size_t ud_at = r.position();
    Octets ud_octets;
    r.take(octet_count, ud_octets, "TP-UD", err);

    std::size_t header_octets = 0;
    if (udhi) {
        if (ud_octets.empty()) {
            err = {ud_at, "TP-UDHL", "TP-UDHI is set but the user data is empty"};
            return false;
        }
        const std::size_t udhl = ud_octets[0];
        header_octets = udhl + 1;
        if (header_octets > octet_count) {
            err = {ud_at, "TP-UDHL",
                   "header length " + std::to_string(udhl) + " exceeds the " + std::to_string(octet_count - 1) +
                       " user data octets"};
            return false;
        }
        ud.header.emplace();
        if (!parse_udh(ud_octets.subspan(1, udhl), ud_at + 1, *ud.header, err)) return false;
    }
    switch (dc.alphabet) {
        case Alphabet::gsm7: {
            const std::size_t header_septets = (header_octets * 8 + 6) / 7;
            if (header_septets > udl) {
                err = {udl_at, "TP-UDL",
                       "user data length " + std::to_string(udl) + " septets is shorter than the " +
                           std::to_string(header_septets) + "-septet header"};
                return false;
            }
            unpack_septets(ud_octets, header_septets * 7, udl - header_septets, ud.septets);
            const std::uint8_t locking = ud.header ? ud.header->locking_shift : 0;
            const std::uint8_t single = ud.header ? ud.header->single_shift : 0;
            gsm7_decode_text(ud.septets, ud.text, locking, single);
            break;
        }
        case Alphabet::ucs2: {
            const Octets body = ud_octets.subspan(header_octets);
            if (body.size() % 2 != 0) {
                err = {udl_at, "TP-UDL",
                       "UCS-2 text of " + std::to_string(body.size()) + " octets is not a whole number of characters"};
                return false;
            }
            ucs2_decode_text(body, ud.text);
            ud.octets.assign(body.begin(), body.end());
            break;
        }
        case Alphabet::eight_bit: {
            const Octets body = ud_octets.subspan(header_octets);
            ud.octets.assign(body.begin(), body.end());
            ud.text = octets_to_hex(body);
            break;
        }
    }
    return true;
}

// How far an SMS-DELIVER's fields decoded, in PDU order (TS 23.040 §9.2.2.1),
// for PartialPdu.
enum class DeliverStage : std::uint8_t { none, originator, protocol_id, coding, timestamp };

bool decode_deliver(OctetReader& r, std::uint8_t first, SmsDeliver& d, DeliverStage& stage,
                    DecodeError& err) {
    d.more_messages_to_send = (first & 0x04) == 0;
    d.status_report_indication = first & 0x20;
    d.reply_path = first & 0x80;
    if (!read_address(r, "TP-OA", d.originator, err)) return false;
    stage = DeliverStage::originator;
    if (!r.read(d.protocol_id, "TP-PID", err)) return false;
    stage = DeliverStage::protocol_id;
    if (!read_dcs(r, d.coding, err)) return false;
    stage = DeliverStage::coding;
    if (!read_timestamp(r, "TP-SCTS", d.service_centre_time, err)) return false;
    stage = DeliverStage::timestamp;
    return read_user_data(r, first & 0x40, d.coding, d.user_data, err);
}

// The fields of `d` that decoded before the error, by `stage`.
void keep_decoded(const SmsDeliver& d, DeliverStage stage, PartialPdu& partial) {
    if (stage >= DeliverStage::originator) partial.originator = d.originator;
    if (stage >= DeliverStage::protocol_id) partial.protocol_id = d.protocol_id;
    if (stage >= DeliverStage::coding) partial.coding = d.coding;
    if (stage >= DeliverStage::timestamp) partial.service_centre_time = d.service_centre_time;
}

bool decode_submit(OctetReader& r, std::uint8_t first, SmsSubmit& s, DecodeError& err) {
    s.reject_duplicates = first & 0x04;
    s.status_report_request = first & 0x20;
    s.reply_path = first & 0x80;
    if (!r.read(s.message_reference, "TP-MR", err)) return false;
    if (!read_address(r, "TP-DA", s.destination, err)) return false;
    if (!r.read(s.protocol_id, "TP-PID", err)) return false;
    if (!read_dcs(r, s.coding, err)) return false;
    s.validity.format = static_cast<ValidityPeriod::Format>((first >> 3) & 0x03);
    switch (s.validity.format) {
        case ValidityPeriod::Format::none: break;
        case ValidityPeriod::Format::relative:
            if (!r.read(s.validity.relative, "TP-VP", err)) return false;
            break;
        case ValidityPeriod::Format::absolute: {
            Timestamp t;
            if (!read_timestamp(r, "TP-VP", t, err)) return false;
            s.validity.absolute = t;
            break;
        }
        case ValidityPeriod::Format::enhanced: {
            Octets o;
            if (!r.take(7, o, "TP-VP", err)) return false;
            s.validity.enhanced.assign(o.begin(), o.end());
            break;
        }
    }
    return read_user_data(r, first & 0x40, s.coding, s.user_data, err);
}

bool decode_status_report(OctetReader& r, std::uint8_t first, SmsStatusReport& s, DecodeError& err) {
    s.more_messages_to_send = (first & 0x04) == 0;
    s.status_report_qualifier = first & 0x20;
    if (!r.read(s.message_reference, "TP-MR", err)) return false;
    if (!read_address(r, "TP-RA", s.recipient, err)) return false;
    if (!read_timestamp(r, "TP-SCTS", s.service_centre_time, err)) return false;
    if (!read_timestamp(r, "TP-DT", s.discharge_time, err)) return false;
    if (!r.read(s.status, "TP-ST", err)) return false;
    if (r.remaining() == 0) return true;  // TP-PI and what follows are optional (§9.2.2.3)
    // TP-PI (§9.2.3.27): bit 0 PID, bit 1 DCS, bit 2 UDL present; bit 7 extends.
    std::uint8_t pi = 0;
    if (!r.read(pi, "TP-PI", err)) return false;
    while (pi & 0x80) {  // extension octets carry nothing smsgw uses
        if (!r.read(pi, "TP-PI", err)) return false;
    }
    if (pi & 0x01) {
        std::uint8_t pid = 0;
        if (!r.read(pid, "TP-PID", err)) return false;
        s.protocol_id = pid;
    }
    DataCoding dc;
    if (pi & 0x02) {
        if (!read_dcs(r, dc, err)) return false;
        s.coding = dc;
    }
    if (pi & 0x04) {
        UserData ud;
        if (!read_user_data(r, first & 0x40, dc, ud, err)) return false;
        s.user_data = std::move(ud);
    }
    return true;
}

// decode_pdu and decode_pdu_partial in one: with `partial`, the fields read
// before an error are kept there.
Expected<Pdu, DecodeError> decode(std::span<const std::uint8_t> octets, PartialPdu* partial) {
    OctetReader r(octets);
    DecodeError err;
    Pdu pdu{std::nullopt, SmsDeliver{}};
    DeliverStage stage = DeliverStage::none;
    const auto fail = [&](DecodeError e) {
        if (partial) {
            partial->smsc = pdu.smsc;
            if (const auto* d = std::get_if<SmsDeliver>(&pdu.tpdu); d && stage != DeliverStage::none)
                keep_decoded(*d, stage, *partial);
        }
        return unexpected(std::move(e));
    };

    // SMSC information field: a length octet, then type of address and digits.
    std::uint8_t smsc_len = 0;
    if (!r.read(smsc_len, "SMSC length", err)) return fail(std::move(err));
    if (smsc_len > 11) {
        return fail(DecodeError{0, "SMSC length",
                                "SMSC field length " + std::to_string(smsc_len) +
                                    " exceeds 11 octets (type of address + 20 digits)"});
    }
    if (smsc_len > 0) {
        std::uint8_t toa = 0;
        Octets digits;
        if (!r.read(toa, "SMSC type", err) || !r.take(smsc_len - 1u, digits, "SMSC", err)) return fail(std::move(err));
        Address a;
        a.ton = static_cast<TypeOfNumber>((toa >> 4) & 0x07);
        a.npi = toa & 0x0F;
        std::size_t count = digits.size() * 2;
        if (count > 0 && (digits.back() >> 4) == 0xF) --count;
        if (!read_semi_octets(digits, count, a.value))
            return fail(DecodeError{2, "SMSC", "filler semi-octet F inside the SMSC number"});
        if (!a.value.empty()) pdu.smsc = std::move(a);
    }

    const std::size_t first_at = r.position();
    std::uint8_t first = 0;
    if (!r.read(first, "TP-MTI", err)) return fail(std::move(err));
    bool ok = false;
    switch (first & 0x03) {
        case 0:
            if (partial) partial->deliver = true;
            ok = decode_deliver(r, first, pdu.tpdu.emplace<SmsDeliver>(), stage, err);
            break;
        case 1: ok = decode_submit(r, first, pdu.tpdu.emplace<SmsSubmit>(), err); break;
        case 2: ok = decode_status_report(r, first, pdu.tpdu.emplace<SmsStatusReport>(), err); break;
        default:
            return fail(DecodeError{first_at, "TP-MTI", "message type indicator 11 is reserved"});
    }
    if (!ok) return fail(std::move(err));
    if (r.remaining() != 0)
        return fail(DecodeError{r.position(), "PDU",
                                std::to_string(r.remaining()) + " octets after the end of the " +
                                    type_name(pdu.tpdu) + " TPDU"});
    return pdu;
}

// Hex as modems give it → octets. Modems sometimes add spaces or a trailing
// CR/LF; those are not content.
Expected<std::vector<std::uint8_t>, DecodeError> pdu_octets(std::string_view hex) {
    while (!hex.empty() && (hex.back() == '\r' || hex.back() == '\n' || hex.back() == ' ')) hex.remove_suffix(1);
    return hex_to_octets(hex);
}

}  // namespace

Expected<Pdu, DecodeError> decode_pdu(std::span<const std::uint8_t> octets) {
    return decode(octets, nullptr);
}

Expected<Pdu, DecodeError> decode_pdu(std::string_view hex) {
    auto octets = pdu_octets(hex);
    if (!octets) return unexpected(std::move(octets).error());
    return decode(*octets, nullptr);
}

Expected<Pdu, PartialPdu> decode_pdu_partial(std::span<const std::uint8_t> octets) {
    PartialPdu partial;
    auto decoded = decode(octets, &partial);
    if (decoded) return std::move(decoded).value();
    partial.error = std::move(decoded).error();
    return unexpected(std::move(partial));
}

Expected<Pdu, PartialPdu> decode_pdu_partial(std::string_view hex) {
    auto octets = pdu_octets(hex);
    if (!octets) {
        PartialPdu partial;
        partial.error = std::move(octets).error();
        return unexpected(std::move(partial));
    }
    return decode_pdu_partial(std::span<const std::uint8_t>(*octets));
}

}  // namespace smsgw::pdu
