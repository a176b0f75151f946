// Unsolicited result codes: lines the modem sends on its own, possibly in the
// middle of another command's answer. The table in urc.cpp names each by prefix
// with its clause or vendor, and says whether a PDU line follows it (TS 27.005
// §3.4.1: +CMT and +CDS in PDU mode are two lines). Which of them are noise to be
// dropped is vendor knowledge and lives in quirks.cpp. The payload parsers below
// read the URCs the engine acts on.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/at/fields.hpp"

namespace smsgw::at {

enum class UrcKind {
    sms_stored,         // +CMTI: <mem>,<index>            TS 27.005 §3.4.1
    report_stored,      // +CDSI: <mem>,<index>            TS 27.005 §3.4.1
    sms_deliver,        // +CMT: [<alpha>],<length> + PDU  TS 27.005 §3.4.1
    status_report,      // +CDS: <length> + PDU            TS 27.005 §3.4.1
    cell_broadcast,     // +CBM: <length> + PDU            TS 27.005 §3.4.1
    registration,       // +CREG: <stat>[,…]               TS 27.007 §7.2
    gprs_registration,  // +CGREG: <stat>[,…]              TS 27.007 §10.1.20
    eps_registration,   // +CEREG: <stat>[,…]              TS 27.007 §10.1.22
    ring,               // RING, +CRING: <type>, +CLIP: <number>,…  V.250 §6.3.4, TS 27.007 §6.11, §7.6
    call_ended,         // NO CARRIER, BUSY, … outside a call command (see is_call_result)
    ussd,               // +CUSD: <m>[,<str>,<dcs>]        TS 27.007 §7.15
    pin_state,          // +CPIN: READY after start-up     TS 27.007 §8.3
    modem_ready,        // RDY, SMS Ready, Call Ready, PB DONE (Quectel/SIMCom start-up)
    functionality,      // +CFUN: 1 (SIMCom start-up)
    time_zone,          // +CTZV / +CTZE                   TS 27.007 §8.41, §8.44
    indicator,          // +CIEV: <ind>,<value>            TS 27.007 §8.10
    sim_toolkit,        // +STIN / ^STIN proactive command pending
    huawei_rssi,        // ^RSSI: <rssi>
    huawei_hcsq,        // ^HCSQ: "<sysmode>",<v1>…
    huawei_boot,        // ^BOOT: …
    huawei_mode,        // ^MODE: <sys_mode>[,<sys_submode>]
    huawei_srvst,       // ^SRVST: <srv_status>
    huawei_simst,       // ^SIMST: <sim_state>[,<lock_state>]
    huawei_dsflowrpt,   // ^DSFLOWRPT: data counters
    huawei_call,        // ^ORIG ^CONF ^CONN ^CEND call progress
    quectel_ind,        // +QIND: <what>…
    quectel_usim,       // +QUSIM: <n>
    zte_status,         // +ZPASR, +ZUSIMR, +ZDONR
    wavecom_wind,       // +WIND: <event> (Wavecom start-up and SIM events)
    storage_full,       // ^SMMEMFULL: <mem> (Huawei: no room for a received message)
};
std::string_view to_string(UrcKind k);

struct UrcInfo {
    UrcKind kind;
    bool pdu_follows = false;  // a second line (the PDU) belongs to this URC
};

// nullopt when the line is not an unsolicited result code.
std::optional<UrcInfo> classify_urc(std::string_view line);

// +CMTI / +CDSI: TS 27.005 §3.4.1 "<mem>,<index>".
struct MessageIndication {
    std::string storage;
    int index = 0;
};
ParseResult<MessageIndication> parse_message_indication(std::string_view line);

// +CMT: [<alpha>],<length> / +CDS: <length> / +CBM: <length> — the header of a
// two-line URC; <length> counts TPDU octets (TS 27.005 §3.4.1, PDU mode).
struct PduHeader {
    std::string alpha;
    int length = 0;
};
ParseResult<PduHeader> parse_pdu_urc_header(std::string_view line);

// +CUSD: <m>[,<str>[,<dcs>]] (TS 27.007 §7.15).
struct UssdReply {
    int status = 0;  // 0 no further action, 1 further action required, 2 terminated, …
    std::string text;
    std::optional<int> dcs;
};
ParseResult<UssdReply> parse_cusd(std::string_view line);

// Huawei ^RSSI: <rssi> (same 0–31/99 scale as +CSQ) and ^SRVST: <n>, ^SIMST: <n>.
ParseResult<int> parse_huawei_number(std::string_view line, std::string_view prefix);

// Huawei ^HCSQ: "<sysmode>",<value1>[,<value2>…] (E3372/ME909 AT manuals): the
// values are raw indices whose meaning depends on sysmode (LTE: RSSI, RSRP, SINR, RSRQ).
struct HuaweiHcsq {
    std::string sysmode;  // NOSERVICE, GSM, WCDMA, LTE, …
    std::vector<int> values;
};
ParseResult<HuaweiHcsq> parse_huawei_hcsq(std::string_view line);

// Quectel +QIND: <what>[,<args>…], e.g. +QIND: SMS DONE, +QIND: "csq",20,99.
struct QuectelIndication {
    std::string what;
    std::vector<std::string> args;
};
ParseResult<QuectelIndication> parse_quectel_ind(std::string_view line);

}  // namespace smsgw::at
