// Parsers for the answers of the SMS commands of TS 27.005 in PDU mode: +CMGS
// (the message reference of a sent SMS), +CMGR/+CMGL (a stored PDU with its
// status), +CPMS (storage use and the storages offered), +CSCA (the SMS centre)
// and +CNMI=? (which new-message indications the modem can give). Each takes the
// lines the Session collected and returns the value or why it could not.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/at/fields.hpp"

namespace smsgw::at {

// +CMGS: <mr>[,<ackpdu>] — TS 27.005 §3.5.1; <mr> is TP-MR, 0–255.
ParseResult<int> parse_cmgs(std::string_view line);

// <stat> of TS 27.005 §3.1, integer form used in PDU mode.
enum class MessageStatus {
    received_unread = 0,
    received_read = 1,
    stored_unsent = 2,
    stored_sent = 3,
    all = 4
};
std::string_view to_string(MessageStatus s);

// One stored message as +CMGR or +CMGL shows it.
struct StoredPdu {
    std::optional<int> index;             // +CMGL, and +CMGR on some firmware
    std::optional<MessageStatus> status;  // some ZTE firmware leaves <stat> empty
    std::string alpha;
    int length = 0;   // TPDU octets, the SMSC field excluded
    std::string pdu;  // upper-case hex, SMSC field first
    // The PDU holds exactly 1 + SMSC length + <length> octets. Real captures exist
    // where it does not (gammu at-sms-failing): the decoder decides what to do.
    bool length_consistent = false;
};

// +CMGR: <stat>,[<alpha>],<length><CR><LF><pdu> — TS 27.005 §3.4.3. Also accepts
// the forms real modems send: "<length>", "<stat>,<length>" and "<index>,<stat>,,<length>".
ParseResult<StoredPdu> parse_cmgr(std::string_view header, std::string_view pdu_line);

// +CMGL: <index>,<stat>,[<alpha>],<length><CR><LF><pdu>[…] — TS 27.005 §3.4.2.
// `lines` are the information lines of the answer (final result excluded).
ParseResult<std::vector<StoredPdu>> parse_cmgl(std::span<const std::string> lines);

struct StorageUse {
    std::string storage;  // "SM", "ME", "MT", "SR"…; empty when the answer does not say
    int used = 0;
    int total = 0;
};
// AT+CPMS? — "+CPMS: <mem1>,<used1>,<total1>,<mem2>,…" (TS 27.005 §3.2.2 read).
ParseResult<std::vector<StorageUse>> parse_cpms_query(std::string_view line);
// AT+CPMS=<mem1>[,…] — "+CPMS: <used1>,<total1>,<used2>,<total2>[,…]" (§3.2.2 set).
ParseResult<std::vector<StorageUse>> parse_cpms_set(std::string_view line);
// <mem3>'s entry of a non-empty answer, where the network's messages are stored
// (its filling up holds them back); the first where the answer has fewer.
const StorageUse& received_storage_use(const std::vector<StorageUse>& use);
// AT+CPMS=? — "+CPMS: (list of <mem1>s),(… <mem2>s),(… <mem3>s)" (§3.2.2 test).
ParseResult<std::vector<std::vector<std::string>>> parse_cpms_test(std::string_view line);

// +CSCA: <sca>,<tosca> — TS 27.005 §3.3.1. When the TE character set is UCS2 the
// number arrives as UCS-2 hex ("002B0033…"), which is decoded here.
struct ServiceCentre {
    std::string number;
    std::optional<int> type;  // 145 international, 129 unknown/national
};
ParseResult<ServiceCentre> parse_csca(std::string_view line);

// +CNMI: (<mode>s),(<mt>s),(<bm>s),(<ds>s),(<bfr>s) — TS 27.005 §3.4.1 test command.
struct CnmiSupport {
    RangeList mode, mt, bm, ds, bfr;
    bool supports(int mode, int mt, int bm, int ds, int bfr) const;
};
ParseResult<CnmiSupport> parse_cnmi_test(std::string_view line);

}  // namespace smsgw::at
