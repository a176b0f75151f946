// Parsers for the network answers of TS 27.007: signal quality (+CSQ §8.5, shown to
// technicians as dBm and a 0–5 bar), registration (+CREG §7.2, +CGREG §10.1.20,
// +CEREG §10.1.22 — read answers and their unsolicited forms share one prefix and
// differ only in field count) and the operator (+COPS? §7.3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/at/fields.hpp"

namespace smsgw::at {

struct SignalQuality {
    int rssi = 99;           // 0–31, 99 not known (TS 27.007 §8.5)
    std::optional<int> dbm;  // -113 … -51; nullopt when rssi is 99
    int bars = 0;            // 0–5 for people; 0 also when not known
    std::optional<int> ber;  // 0–7, nullopt when 99
};
// +CSQ: <rssi>,<ber>
ParseResult<SignalQuality> parse_csq(std::string_view line);
// The same scale is used by Huawei ^RSSI: <rssi>.
SignalQuality signal_from_rssi(int rssi, int ber = 99);

// <stat> of TS 27.007 §7.2 (and §10.1.20/§10.1.22).
enum class RegStatus {
    not_registered = 0,  // not registered, not searching
    home = 1,
    searching = 2,
    denied = 3,
    unknown = 4,
    roaming = 5,
    home_sms_only = 6,
    roaming_sms_only = 7,
    emergency_only = 8,
    home_csfb_not_preferred = 9,
    roaming_csfb_not_preferred = 10,
};
std::string_view to_string(RegStatus s);
bool is_registered(RegStatus s);  // home or roaming, SMS-only included

// <AcT> of TS 27.007 §7.3.
enum class AccessTech {
    gsm = 0,
    gsm_compact = 1,
    utran = 2,
    gsm_egprs = 3,
    utran_hsdpa = 4,
    utran_hsupa = 5,
    utran_hspa = 6,
    eutran = 7,
    ec_gsm_iot = 8,
    eutran_nb = 9,
    eutra_5gcn = 10,
    nr_5gcn = 11,
    ng_ran = 12,
    eutra_nr = 13,
};
std::string_view to_string(AccessTech a);

enum class RegDomain { circuit, gprs, eps };  // +CREG, +CGREG, +CEREG
std::string_view to_string(RegDomain d);

struct Registration {
    RegDomain domain = RegDomain::circuit;
    bool unsolicited = false;  // the URC form, without <n>
    std::optional<int> n;      // the read answer's <n>
    RegStatus status = RegStatus::unknown;
    std::optional<std::uint32_t> lac;  // <lac>/<tac>, hex
    std::optional<std::uint32_t> ci;   // cell id, hex
    std::optional<AccessTech> act;
};
// "+CREG: 0,1", "+CREG: 2,1,4CA,81DE445" (Huawei, unquoted), "+CREG: 1,"5E25","605F""
// (URC), "+CEREG: 2,1,"1A2B","01A2B3C",7" … One function for the three prefixes.
ParseResult<Registration> parse_registration(std::string_view line);

// +COPS: <mode>[,<format>,<oper>[,<AcT>]] — TS 27.007 §7.3 read answer.
struct OperatorInfo {
    int mode = 0;  // 0 automatic, 1 manual, 2 deregistered, 3 set format, 4 manual/automatic
    std::optional<int> format;  // 0 long alphanumeric, 1 short, 2 numeric
    std::string name;           // empty when not registered
    std::optional<AccessTech> act;
};
ParseResult<OperatorInfo> parse_cops(std::string_view line);

}  // namespace smsgw::at
