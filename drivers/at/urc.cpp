// The table of unsolicited result codes and their payload parsers; see urc.hpp.
#include "drivers/at/urc.hpp"

#include "drivers/at/enum_names.hpp"
#include "drivers/at/text.hpp"

namespace smsgw::at {

namespace {

constexpr EnumName<UrcKind> kind_names[] = {
    {UrcKind::sms_stored, "sms_stored"},
    {UrcKind::report_stored, "report_stored"},
    {UrcKind::sms_deliver, "sms_deliver"},
    {UrcKind::status_report, "status_report"},
    {UrcKind::cell_broadcast, "cell_broadcast"},
    {UrcKind::registration, "registration"},
    {UrcKind::gprs_registration, "gprs_registration"},
    {UrcKind::eps_registration, "eps_registration"},
    {UrcKind::ring, "ring"},
    {UrcKind::call_ended, "call_ended"},
    {UrcKind::ussd, "ussd"},
    {UrcKind::pin_state, "pin_state"},
    {UrcKind::modem_ready, "modem_ready"},
    {UrcKind::functionality, "functionality"},
    {UrcKind::time_zone, "time_zone"},
    {UrcKind::indicator, "indicator"},
    {UrcKind::sim_toolkit, "sim_toolkit"},
    {UrcKind::huawei_rssi, "huawei_rssi"},
    {UrcKind::huawei_hcsq, "huawei_hcsq"},
    {UrcKind::huawei_boot, "huawei_boot"},
    {UrcKind::huawei_mode, "huawei_mode"},
    {UrcKind::huawei_srvst, "huawei_srvst"},
    {UrcKind::huawei_simst, "huawei_simst"},
    {UrcKind::huawei_dsflowrpt, "huawei_dsflowrpt"},
    {UrcKind::huawei_call, "huawei_call"},
    {UrcKind::quectel_ind, "quectel_ind"},
    {UrcKind::quectel_usim, "quectel_usim"},
    {UrcKind::zte_status, "zte_status"},
    {UrcKind::wavecom_wind, "wavecom_wind"},
    {UrcKind::storage_full, "storage_full"},
};

// How a URC is recognised: `word` lines match the whole line (RING, RDY), the
// others are "<prefix>:" followed by arguments.
struct UrcPattern {
    std::string_view text;
    bool word;
    UrcKind kind;
    bool pdu_follows;
};

constexpr UrcPattern patterns[] = {
    {"+CMTI", false, UrcKind::sms_stored, false},
    {"+CDSI", false, UrcKind::report_stored, false},
    {"+CMT", false, UrcKind::sms_deliver, true},
    {"+CDS", false, UrcKind::status_report, true},
    {"+CBM", false, UrcKind::cell_broadcast, true},
    {"+CREG", false, UrcKind::registration, false},
    {"+CGREG", false, UrcKind::gprs_registration, false},
    {"+CEREG", false, UrcKind::eps_registration, false},
    {"RING", true, UrcKind::ring, false},
    {"+CRING", false, UrcKind::ring, false},
    {"+CLIP", false, UrcKind::ring, false},  // the caller's number, where AT+CLIP=1 was saved
    {"+CUSD", false, UrcKind::ussd, false},
    {"+CPIN", false, UrcKind::pin_state, false},
    // Quectel (EC2x/M95) and SIMCom (SIM800/SIM7600) announce the end of start-up
    // with these words; they matter because SMS commands fail before them.
    {"RDY", true, UrcKind::modem_ready, false},
    {"SMS Ready", true, UrcKind::modem_ready, false},
    {"Call Ready", true, UrcKind::modem_ready, false},
    {"PB DONE", true, UrcKind::modem_ready, false},
    {"SMS DONE", true, UrcKind::modem_ready, false},
    {"+CFUN", false, UrcKind::functionality, false},
    {"+CTZV", false, UrcKind::time_zone, false},
    {"+CTZE", false, UrcKind::time_zone, false},
    {"+CIEV", false, UrcKind::indicator, false},
    {"+STIN", false, UrcKind::sim_toolkit, false},
    {"^STIN", false, UrcKind::sim_toolkit, false},
    {"^RSSI", false, UrcKind::huawei_rssi, false},
    {"^HCSQ", false, UrcKind::huawei_hcsq, false},
    {"^BOOT", false, UrcKind::huawei_boot, false},
    {"^MODE", false, UrcKind::huawei_mode, false},
    {"^SRVST", false, UrcKind::huawei_srvst, false},
    {"^SIMST", false, UrcKind::huawei_simst, false},
    {"^DSFLOWRPT", false, UrcKind::huawei_dsflowrpt, false},
    {"^ORIG", false, UrcKind::huawei_call, false},
    {"^CONF", false, UrcKind::huawei_call, false},
    {"^CONN", false, UrcKind::huawei_call, false},
    {"^CEND", false, UrcKind::huawei_call, false},
    {"+QIND", false, UrcKind::quectel_ind, false},
    {"+QUSIM", false, UrcKind::quectel_usim, false},
    {"+ZPASR", false, UrcKind::zte_status, false},
    {"+ZUSIMR", false, UrcKind::zte_status, false},
    {"+ZDONR", false, UrcKind::zte_status, false},
    {"+WIND", false, UrcKind::wavecom_wind, false},
    {"^SMMEMFULL", false, UrcKind::storage_full, false},
};

}  // namespace

std::string_view to_string(UrcKind k) {
    return enum_name(kind_names, k);
}

std::optional<UrcInfo> classify_urc(std::string_view line) {
    line = trim(line);
    for (const auto& p : patterns) {
        const bool match = p.word ? iequals(line, p.text) : info_body(line, p.text).has_value();
        if (match) return UrcInfo{p.kind, p.pdu_follows};
    }
    return std::nullopt;
}

namespace {
// The arguments after "<prefix>:" for whichever prefix the line carries.
std::optional<std::vector<std::string_view>> urc_args(std::string_view line) {
    line = trim(line);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    return split_args(trim(line.substr(colon + 1)));
}
}  // namespace

ParseResult<MessageIndication> parse_message_indication(std::string_view line) {
    const auto args = urc_args(line);
    if (!args || args->size() < 2)
        return parse_error("expected <mem>,<index> in '" + std::string(line) + "'");
    const auto index = int_field((*args)[1], 0, 65535);
    if (!index) return parse_error("<index> '" + std::string((*args)[1]) + "' is not a number");
    return MessageIndication{unquote((*args)[0]), *index};
}

ParseResult<PduHeader> parse_pdu_urc_header(std::string_view line) {
    const auto args = urc_args(line);
    if (!args || args->empty() || args->back().empty())
        return parse_error("expected [<alpha>,]<length> in '" + std::string(line) + "'");
    const auto length = int_field(args->back(), 0, 255);
    if (!length) return parse_error("<length> '" + std::string(args->back()) + "' is not 0-255");
    PduHeader h;
    h.length = *length;
    if (args->size() >= 2) h.alpha = unquote((*args)[0]);
    return h;
}

ParseResult<UssdReply> parse_cusd(std::string_view line) {
    const auto args = urc_args(line);
    const auto status = args ? int_field(args->front(), 0, 5) : std::nullopt;
    if (!status) return parse_error("expected <m> 0-5 in '" + std::string(line) + "'");
    UssdReply r;
    r.status = *status;
    if (args->size() >= 2) r.text = unquote((*args)[1]);
    if (args->size() >= 3) r.dcs = int_field((*args)[2], 0, 255);
    return r;
}

ParseResult<int> parse_huawei_number(std::string_view line, std::string_view prefix) {
    const auto body = info_body(line, prefix);
    const auto args = body ? split_args(*body) : std::vector<std::string_view>{};
    const auto v = args.empty() ? std::nullopt : int_field(args.front(), 0, 255);
    if (!v)
        return parse_error("expected " + std::string(prefix) + ": <n> in '" + std::string(line) +
                           "'");
    return *v;
}

ParseResult<HuaweiHcsq> parse_huawei_hcsq(std::string_view line) {
    const auto body = info_body(line, "^HCSQ");
    if (!body) return parse_error("not a ^HCSQ line");
    const auto args = split_args(*body);
    HuaweiHcsq h;
    h.sysmode = unquote(args.front());
    if (h.sysmode.empty()) return parse_error("^HCSQ without <sysmode>");
    for (std::size_t i = 1; i < args.size(); ++i) {
        const auto v = int_field(args[i], 0, 255);
        if (!v) return parse_error("^HCSQ value '" + std::string(args[i]) + "' is not 0-255");
        h.values.push_back(*v);
    }
    return h;
}

ParseResult<QuectelIndication> parse_quectel_ind(std::string_view line) {
    const auto body = info_body(line, "+QIND");
    if (!body || body->empty()) return parse_error("expected +QIND: <what>");
    const auto args = split_args(*body);
    QuectelIndication q;
    q.what = unquote(args.front());
    for (std::size_t i = 1; i < args.size(); ++i) q.args.push_back(unquote(args[i]));
    return q;
}

}  // namespace smsgw::at
