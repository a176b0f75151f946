// SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT encoding, TS 23.040 §9.2.2,
// with concatenation (§9.2.3.24.1) and the SMSC field of TS 24.011 §8.2.5.1.
#include <algorithm>
#include <atomic>
#include <random>

#include "pdu/compose.hpp"
#include "pdu/gsm7.hpp"
#include "pdu/pdu_codec.hpp"
#include "pdu/segmenter.hpp"
#include "pdu/septets.hpp"
#include "pdu/text_codec.hpp"
#include "pdu/utf8.hpp"

namespace smsgw::pdu {
namespace {

using Octets = std::vector<std::uint8_t>;

EncodeError error(EncodeErrorCode code, std::string field, std::string message) {
    return EncodeError{code, std::move(field), std::move(message)};
}

// Default concatenation references: a process-wide counter from a random
// start, so two messages sent in a row never share a reference.
std::uint16_t next_reference() {
    static std::atomic<unsigned> counter{std::random_device{}()};
    return static_cast<std::uint16_t>(counter.fetch_add(1, std::memory_order_relaxed));
}

std::uint8_t type_of_address(const Address& a) {
    return static_cast<std::uint8_t>(0x80 | (static_cast<unsigned>(a.ton) << 4) | (a.npi & 0x0F));
}

void append_semi_octets(std::string_view digits, Octets& out) {
    auto code = [](char c) -> unsigned {
        switch (c) {
            case '*': return 0xA;
            case '#': return 0xB;
            case 'a': return 0xC;
            case 'b': return 0xD;
            case 'c': return 0xE;
            default: return static_cast<unsigned>(c - '0');
        }
    };
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        const unsigned lo = code(digits[i]);
        const unsigned hi = i + 1 < digits.size() ? code(digits[i + 1]) : 0xF;
        out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
    }
}

// TP-DA / TP-OA / TP-RA: digit count, type of address, semi-octets.
void append_address(const Address& a, Octets& out) {
    if (a.ton == TypeOfNumber::alphanumeric) {
        std::u32string text;
        utf8_decode(a.value, text);
        Octets septets;
        gsm7_encode_text(text, septets);
        out.push_back(static_cast<std::uint8_t>((septets.size() * 7 + 3) / 4));  // useful semi-octets
        out.push_back(type_of_address(a));
        pack_septets(septets, 0, out);
        return;
    }
    out.push_back(static_cast<std::uint8_t>(a.value.size()));
    out.push_back(type_of_address(a));
    append_semi_octets(a.value, out);
}

Expected<Address, EncodeError> number(std::string_view text, const char* field) {
    auto parsed = parse_phone_number(text);
    if (!parsed) return unexpected(error(EncodeErrorCode::invalid_number, field, std::move(parsed).error()));
    return std::move(parsed).value();
}

// The SMSC information field: length of what follows, then type and digits.
Expected<Octets, EncodeError> smsc_field(std::string_view smsc) {
    Octets out;
    if (smsc.empty()) {
        out.push_back(0);
        return out;
    }
    auto a = number(smsc, "smsc");
    if (!a) return unexpected(std::move(a).error());
    if (a->value.size() > 20) return unexpected(error(EncodeErrorCode::invalid_number, "smsc", "at most 20 digits"));
    out.push_back(static_cast<std::uint8_t>(1 + (a->value.size() + 1) / 2));
    out.push_back(type_of_address(*a));
    append_semi_octets(a->value, out);
    return out;
}

void append_timestamp(const Timestamp& t, Octets& out) {
    auto bcd = [&](int v) { out.push_back(static_cast<std::uint8_t>((v % 10) << 4 | (v / 10) % 10)); };
    bcd(t.year % 100);
    bcd(t.month);
    bcd(t.day);
    bcd(t.hour);
    bcd(t.minute);
    bcd(t.second);
    const int q = t.tz_quarters < 0 ? -t.tz_quarters : t.tz_quarters;
    std::uint8_t tz = static_cast<std::uint8_t>((q % 10) << 4 | (q / 10) % 10);
    if (t.tz_quarters < 0) tz |= 0x08;
    out.push_back(tz);
}

// The text encoded once into units of its alphabet, and the parts' ranges.
struct TextPlan {
    Alphabet alphabet = Alphabet::gsm7;
    std::vector<std::uint8_t> septets;   // GSM-7
    std::vector<std::uint16_t> utf16;    // UCS-2
    std::vector<UnitRange> parts;
};

// The refusal of encoding gsm7 for a text GSM-7 cannot carry, naming its first
// such character.
EncodeError not_in_gsm7(std::u32string_view text) {
    const auto bad = std::find_if_not(text.begin(), text.end(), gsm7_representable);
    const auto i = static_cast<std::size_t>(bad - text.begin());
    return error(EncodeErrorCode::not_encodable, "encoding",
                 "character '" + utf8_encode(text.substr(i, 1)) + "' at position " +
                     std::to_string(i) +
                     " is not in the GSM 7-bit alphabet; use encoding ucs2 or auto");
}

// How plan() treats decomposed accents ("e" + U+0301, pdu/compose.hpp).
enum class Composition : bool {
    // smsgw's own messages (SMS-SUBMIT): composed, whatever the encoding. The
    // composed text is canonically equivalent (the same text to Unicode, shown
    // the same), GSM-7 more often, and shorter in UCS-2 too: fewer segments
    // and a lower cost, and no combining marks for a handset to draw badly.
    compose,
    // SMS-DELIVER plays the sender's phone (the simulator): it sends the text
    // as it was given, so that the daemon meets decomposed text as it arrives.
    keep,
};

// The text in septets when it fits GSM-7 (composed, when `composition` says so)
// and UCS-2 is not requested, else in UTF-16 units; a request for gsm7 that the
// text does not fit is refused.
Expected<TextPlan, EncodeError> plan(std::string_view utf8, Encoding requested, bool reference_16bit,
                                     int max_parts, Composition composition) {
    TextPlan p;
    // One pass straight from UTF-8 to septets covers almost every message (a
    // text that fits it has no combining mark, as none is GSM-7); only texts
    // that need UCS-2, have marks or are invalid take the strict path.
    if (requested != Encoding::ucs2 && utf8_to_gsm7(utf8, p.septets)) {
        p.alphabet = Alphabet::gsm7;
    } else {
        std::u32string text;
        if (auto bad = utf8_decode(utf8, text))
            return unexpected(error(EncodeErrorCode::invalid_text, "text", bad->message));
        // utf8_to_gsm7 refused the text as it came: only a composed form may fit.
        const bool composed = composition == Composition::compose && compose_canonical(text);
        if (requested != Encoding::ucs2 && composed && fits_gsm7(text)) {
            p.alphabet = Alphabet::gsm7;
            p.septets.clear();
            gsm7_encode_text(text, p.septets);
        } else if (requested == Encoding::gsm7) {
            return unexpected(not_in_gsm7(text));
        } else {
            p.alphabet = Alphabet::ucs2;
            std::vector<std::uint8_t> be;
            ucs2_encode_text(text, be);
            p.utf16.resize(be.size() / 2);
            for (std::size_t i = 0; i < p.utf16.size(); ++i)
                p.utf16[i] = static_cast<std::uint16_t>(be[2 * i] << 8 | be[2 * i + 1]);
        }
    }
    p.parts = p.alphabet == Alphabet::gsm7 ? split_septets(p.septets, reference_16bit)
                                           : split_utf16(p.utf16, reference_16bit);
    const int limit = std::min(max_parts, 255);
    if (static_cast<int>(p.parts.size()) > limit)
        return unexpected(error(EncodeErrorCode::text_too_long, "text",
                                "the text needs " + std::to_string(p.parts.size()) + " parts; at most " +
                                    std::to_string(limit) + " are allowed"));
    return p;
}

// TP-UDL and TP-UD of one part, with the concatenation UDH when `concat`.
void append_user_data(const TextPlan& p, const UnitRange& range, const Concatenation* concat, Octets& out) {
    std::uint8_t header[7];
    std::size_t header_size = 0;
    if (concat) {
        const std::uint8_t ref_hi = static_cast<std::uint8_t>(concat->reference >> 8);
        const std::uint8_t ref_lo = static_cast<std::uint8_t>(concat->reference & 0xFF);
        if (concat->reference_16bit) {
            const std::uint8_t h[] = {6, kIeiConcat16, 4, ref_hi, ref_lo, concat->total, concat->sequence};
            std::copy(std::begin(h), std::end(h), header);
            header_size = sizeof h;
        } else {
            const std::uint8_t h[] = {5, kIeiConcat8, 3, ref_lo, concat->total, concat->sequence};
            std::copy(std::begin(h), std::end(h), header);
            header_size = sizeof h;
        }
    }
    if (p.alphabet == Alphabet::gsm7) {
        // After a UDH the text starts on a septet boundary (§9.2.3.24): fill bits.
        const std::size_t header_bits = header_size * 8;
        const std::size_t header_septets = (header_bits + 6) / 7;
        const int fill = static_cast<int>(header_septets * 7 - header_bits);
        const auto text = std::span<const std::uint8_t>(p.septets).subspan(range.begin, range.end - range.begin);
        out.push_back(static_cast<std::uint8_t>(header_septets + text.size()));
        out.insert(out.end(), header, header + header_size);
        pack_septets(text, fill, out);
    } else {
        const std::size_t units = range.end - range.begin;
        out.push_back(static_cast<std::uint8_t>(header_size + 2 * units));
        out.insert(out.end(), header, header + header_size);
        for (std::size_t i = range.begin; i < range.end; ++i) {
            out.push_back(static_cast<std::uint8_t>(p.utf16[i] >> 8));
            out.push_back(static_cast<std::uint8_t>(p.utf16[i] & 0xFF));
        }
    }
}

EncodedPart finish_part(const Octets& smsc, const Octets& tpdu) {
    EncodedPart part;
    part.tpdu_length = static_cast<int>(tpdu.size());
    part.hex.reserve(2 * (smsc.size() + tpdu.size()));
    append_hex(smsc, part.hex);
    append_hex(tpdu, part.hex);
    return part;
}

// Builds every part: `header` writes the octets before TP-UDL, given whether a UDH follows.
template <typename HeaderFn>
EncodedMessage build_parts(const TextPlan& p, const Octets& smsc, std::optional<std::uint16_t> reference,
                           bool reference_16bit, HeaderFn&& header) {
    EncodedMessage msg;
    msg.alphabet = p.alphabet;
    const bool concatenated = p.parts.size() > 1;
    if (concatenated) msg.reference = reference ? *reference : next_reference();
    if (!reference_16bit) msg.reference &= 0xFF;
    msg.parts.reserve(p.parts.size());
    Octets tpdu;
    tpdu.reserve(176);
    for (std::size_t i = 0; i < p.parts.size(); ++i) {
        tpdu.clear();
        header(concatenated, tpdu);
        Concatenation c{msg.reference, static_cast<std::uint8_t>(p.parts.size()), static_cast<std::uint8_t>(i + 1),
                        reference_16bit};
        append_user_data(p, p.parts[i], concatenated ? &c : nullptr, tpdu);
        msg.parts.push_back(finish_part(smsc, tpdu));
    }
    return msg;
}

std::optional<EncodeError> check_reference(std::optional<std::uint16_t> reference, bool reference_16bit) {
    if (reference && !reference_16bit && *reference > 0xFF)
        return error(EncodeErrorCode::invalid_option, "ref",
                     "an 8-bit concatenation reference is 0..255, got " + std::to_string(*reference));
    return std::nullopt;
}

}  // namespace

const char* to_string(EncodeErrorCode code) {
    switch (code) {
        case EncodeErrorCode::invalid_number: return "invalid_number";
        case EncodeErrorCode::invalid_text: return "invalid_text";
        case EncodeErrorCode::not_encodable: return "not_encodable";
        case EncodeErrorCode::text_too_long: return "text_too_long";
        case EncodeErrorCode::invalid_option: return "invalid_option";
    }
    return "invalid_option";
}

Expected<EncodedMessage, EncodeError> encode_submit(std::string_view to, std::string_view text,
                                                    const SubmitOptions& options) {
    auto destination = number(to, "to");
    if (!destination) return unexpected(std::move(destination).error());
    auto smsc = smsc_field(options.smsc);
    if (!smsc) return unexpected(std::move(smsc).error());
    if (auto bad = check_reference(options.reference, options.reference_16bit)) return unexpected(std::move(*bad));
    if (options.validity_minutes && *options.validity_minutes <= 0)
        return unexpected(error(EncodeErrorCode::invalid_option, "validity",
                                "validity is a number of minutes above 0, got " +
                                    std::to_string(*options.validity_minutes)));
    auto p = plan(text, options.encoding, options.reference_16bit, options.max_parts,
                  Composition::compose);
    if (!p) return unexpected(std::move(p).error());

    const std::uint8_t dcs = make_data_coding(p->alphabet, options.flash);
    return build_parts(*p, *smsc, options.reference, options.reference_16bit, [&](bool udhi, Octets& out) {
        // TP-MTI 01, TP-RD 0, TP-VPF 10 (relative) or 00, TP-SRR, TP-UDHI, TP-RP 0.
        std::uint8_t first = 0x01;
        if (options.validity_minutes) first |= 0x10;
        if (options.status_report) first |= 0x20;
        if (udhi) first |= 0x40;
        out.push_back(first);
        out.push_back(options.message_reference);
        append_address(*destination, out);
        out.push_back(0x00);  // TP-PID: plain short message
        out.push_back(dcs);
        if (options.validity_minutes) out.push_back(relative_validity_octet(*options.validity_minutes));
    });
}

Expected<EncodedMessage, EncodeError> encode_deliver(std::string_view from, std::string_view text,
                                                     const DeliverOptions& options) {
    Address originator;
    const bool alphanumeric = from.find_first_not_of("+0123456789 ") != std::string_view::npos;
    if (alphanumeric) {
        std::u32string sender;
        if (auto bad = utf8_decode(from, sender)) return unexpected(error(EncodeErrorCode::invalid_number, "from", bad->message));
        int septets = 0;
        for (char32_t cp : sender) septets += gsm7_lookup(cp).units();
        if (!fits_gsm7(sender) || septets > 11)
            return unexpected(error(EncodeErrorCode::invalid_number, "from",
                                    "an alphanumeric sender is at most 11 GSM 7-bit characters"));
        originator = Address{std::string(from), TypeOfNumber::alphanumeric, 0};
    } else {
        auto a = number(from, "from");
        if (!a) return unexpected(std::move(a).error());
        originator = std::move(a).value();
    }
    auto smsc = smsc_field(options.smsc);
    if (!smsc) return unexpected(std::move(smsc).error());
    if (auto bad = check_reference(options.reference, options.reference_16bit)) return unexpected(std::move(*bad));
    auto p = plan(text, options.encoding, options.reference_16bit, options.max_parts,
                  Composition::keep);
    if (!p) return unexpected(std::move(p).error());

    const std::uint8_t dcs = make_data_coding(p->alphabet, false);
    return build_parts(*p, *smsc, options.reference, options.reference_16bit, [&](bool udhi, Octets& out) {
        // TP-MTI 00, TP-MMS 1 (no more messages waiting), TP-SRI, TP-UDHI.
        std::uint8_t first = 0x04;
        if (options.status_report_indication) first |= 0x20;
        if (udhi) first |= 0x40;
        out.push_back(first);
        append_address(originator, out);
        out.push_back(0x00);
        out.push_back(dcs);
        append_timestamp(options.service_centre_time, out);
    });
}

Expected<EncodedPart, EncodeError> encode_status_report(std::uint8_t reference, std::string_view recipient,
                                                        std::uint8_t status, const StatusReportOptions& options) {
    auto a = number(recipient, "recipient");
    if (!a) return unexpected(std::move(a).error());
    auto smsc = smsc_field(options.smsc);
    if (!smsc) return unexpected(std::move(smsc).error());
    Octets tpdu;
    tpdu.push_back(0x06);  // TP-MTI 10, TP-MMS 1, TP-SRQ 0 (report of an SMS-SUBMIT)
    tpdu.push_back(reference);
    append_address(*a, tpdu);
    append_timestamp(options.service_centre_time, tpdu);
    append_timestamp(options.discharge_time, tpdu);
    tpdu.push_back(status);
    return finish_part(*smsc, tpdu);
}

}  // namespace smsgw::pdu
