// Parsers for the TS 27.007 network answers; see network_replies.hpp.
#include "drivers/at/network_replies.hpp"

#include "drivers/at/enum_names.hpp"
#include "drivers/at/text.hpp"

namespace smsgw::at {

namespace {

constexpr EnumName<RegStatus> status_names[] = {
    {RegStatus::not_registered, "not_registered"},
    {RegStatus::home, "home"},
    {RegStatus::searching, "searching"},
    {RegStatus::denied, "denied"},
    {RegStatus::unknown, "unknown"},
    {RegStatus::roaming, "roaming"},
    {RegStatus::home_sms_only, "home_sms_only"},
    {RegStatus::roaming_sms_only, "roaming_sms_only"},
    {RegStatus::emergency_only, "emergency_only"},
    {RegStatus::home_csfb_not_preferred, "home_csfb_not_preferred"},
    {RegStatus::roaming_csfb_not_preferred, "roaming_csfb_not_preferred"},
};

constexpr EnumName<AccessTech> act_names[] = {
    {AccessTech::gsm, "gsm"},
    {AccessTech::gsm_compact, "gsm_compact"},
    {AccessTech::utran, "utran"},
    {AccessTech::gsm_egprs, "gsm_egprs"},
    {AccessTech::utran_hsdpa, "utran_hsdpa"},
    {AccessTech::utran_hsupa, "utran_hsupa"},
    {AccessTech::utran_hspa, "utran_hspa"},
    {AccessTech::eutran, "eutran"},
    {AccessTech::ec_gsm_iot, "ec_gsm_iot"},
    {AccessTech::eutran_nb, "eutran_nb"},
    {AccessTech::eutra_5gcn, "eutra_5gcn"},
    {AccessTech::nr_5gcn, "nr_5gcn"},
    {AccessTech::ng_ran, "ng_ran"},
    {AccessTech::eutra_nr, "eutra_nr"},
};

constexpr EnumName<RegDomain> domain_names[] = {
    {RegDomain::circuit, "circuit"}, {RegDomain::gprs, "gprs"}, {RegDomain::eps, "eps"}};

// Bars for people, from the dBm that TS 27.007 §8.5 gives each <rssi>: the same
// steps phones use (≥ -73 dBm full, each bar ~10 dB lower).
struct BarStep {
    int min_rssi;
    int bars;
};
constexpr BarStep bar_steps[] = {{20, 5}, {15, 4}, {10, 3}, {5, 2}, {1, 1}, {0, 0}};

std::optional<AccessTech> act_of(std::string_view field) {
    const auto v = int_field(field, 0, 13);
    if (!v) return std::nullopt;
    return static_cast<AccessTech>(*v);
}

// A lac/ci field: quoted hex ("5E25") or Huawei's unquoted hex (4CA).
bool looks_like_cell_field(std::string_view f) {
    f = trim(f);
    return !f.empty() && (f.front() == '"' || f.size() > 2 || !is_digits(f));
}

}  // namespace

std::string_view to_string(RegStatus s) {
    return enum_name(status_names, s);
}
std::string_view to_string(AccessTech a) {
    return enum_name(act_names, a);
}
std::string_view to_string(RegDomain d) {
    return enum_name(domain_names, d);
}

bool is_registered(RegStatus s) {
    switch (s) {
        case RegStatus::home:
        case RegStatus::roaming:
        case RegStatus::home_sms_only:
        case RegStatus::roaming_sms_only:
        case RegStatus::home_csfb_not_preferred:
        case RegStatus::roaming_csfb_not_preferred:
            return true;
        default:
            return false;
    }
}

SignalQuality signal_from_rssi(int rssi, int ber) {
    SignalQuality q;
    q.rssi = rssi;
    if (ber >= 0 && ber <= 7) q.ber = ber;
    if (rssi < 0 || rssi > 31) {
        q.rssi = 99;
        return q;
    }
    // §8.5: 0 → -113 dBm or less, 1 → -111, 2…30 → -109…-53 in 2 dB steps, 31 → -51 or more.
    q.dbm = -113 + 2 * rssi;
    for (const auto& step : bar_steps) {
        if (rssi >= step.min_rssi) {
            q.bars = step.bars;
            break;
        }
    }
    return q;
}

ParseResult<SignalQuality> parse_csq(std::string_view line) {
    const auto body = info_body(line, "+CSQ");
    if (!body) return parse_error("expected +CSQ: in " + quoted(line));
    const auto args = split_args(*body);
    const auto rssi = int_field(args.front(), 0, 99);
    if (!rssi || (*rssi > 31 && *rssi != 99))
        return parse_error("<rssi> " + quoted(args.front()) + " is not 0-31 or 99");
    const auto ber = args.size() >= 2 ? int_field(args[1], 0, 99) : std::optional<int>{99};
    if (!ber) return parse_error("<ber> " + quoted(args[1]) + " is not a number");
    return signal_from_rssi(*rssi, *ber);
}

ParseResult<Registration> parse_registration(std::string_view line) {
    Registration r;
    std::optional<std::string_view> body;
    if ((body = info_body(line, "+CREG")))
        r.domain = RegDomain::circuit;
    else if ((body = info_body(line, "+CGREG")))
        r.domain = RegDomain::gprs;
    else if ((body = info_body(line, "+CEREG")))
        r.domain = RegDomain::eps;
    else
        return parse_error("expected +CREG:, +CGREG: or +CEREG: in " + quoted(line));

    const auto args = split_args(*body);
    // Read answer: <n>,<stat>[,<lac>,<ci>[,<AcT>…]]; URC: <stat>[,<lac>,<ci>[,<AcT>…]].
    // With 1 or 3 fields it is the URC, with 2 the read answer; with 4 or more the
    // second field tells: a cell field (quoted or hex) means the URC form.
    std::size_t at = 0;
    if (args.size() == 1 || args.size() == 3 ||
        (args.size() >= 4 && looks_like_cell_field(args[1]))) {
        r.unsolicited = true;
    } else {
        r.n = int_field(args[0], 0, 5);
        if (!r.n) return parse_error("<n> " + quoted(args[0]) + " is not 0-5");
        at = 1;
    }
    const auto stat = int_field(args[at], 0, 10);
    if (!stat) return parse_error("<stat> " + quoted(args[at]) + " is not 0-10");
    r.status = static_cast<RegStatus>(*stat);
    if (args.size() >= at + 3) {
        // Empty lac/ci are allowed (TS 27.007 §7.2: "[<lac>],[<ci>]").
        if (!args[at + 1].empty() && !(r.lac = to_hex_ulong(args[at + 1])))
            return parse_error("<lac> " + quoted(args[at + 1]) + " is not hex");
        if (!args[at + 2].empty() && !(r.ci = to_hex_ulong(args[at + 2])))
            return parse_error("<ci> " + quoted(args[at + 2]) + " is not hex");
        if (args.size() >= at + 4 && !args[at + 3].empty()) {
            r.act = act_of(args[at + 3]);
            if (!r.act) return parse_error("<AcT> " + quoted(args[at + 3]) + " is not 0-13");
        }
    } else if (args.size() != at + 1) {
        return parse_error("expected <lac>,<ci> after <stat> in " + quoted(line));
    }
    return r;
}

ParseResult<OperatorInfo> parse_cops(std::string_view line) {
    const auto body = info_body(line, "+COPS");
    if (!body) return parse_error("expected +COPS: in " + quoted(line));
    const auto args = split_args(*body);
    OperatorInfo op;
    const auto mode = int_field(args[0], 0, 4);
    if (!mode) return parse_error("<mode> " + quoted(args[0]) + " is not 0-4");
    op.mode = *mode;
    if (args.size() >= 3) {
        op.format = int_field(args[1], 0, 2);
        if (!op.format) return parse_error("<format> " + quoted(args[1]) + " is not 0-2");
        op.name = unquote(args[2]);
    } else if (args.size() == 2) {
        return parse_error("<format> without <oper> in " + quoted(line));
    }
    if (args.size() >= 4 && !(op.act = act_of(args[3])))
        return parse_error("<AcT> " + quoted(args[3]) + " is not 0-13");
    return op;
}

}  // namespace smsgw::at
