// The one table of modem errors (STYLE habit 5, after ModemManager's
// mm-error-helpers.c). A modem reports failure as "+CME ERROR: <err>" (TS 27.007
// §9.2), "+CMS ERROR: <err>" (TS 27.005 §3.2.5, which also carries TS 24.011 RP
// causes 1–127 and TS 23.040 TP-FCS values 128–255), or a bare final result
// (V.250 ERROR, Huawei's "COMMAND NOT SUPPORT"). <err> is a number or, with
// AT+CMEE=2, the verbose text: both forms map to the same entry, each with a human
// text, a class (retry later / never retry / fix the modem, SIM or config) and a
// hint for the technician. Unknown codes keep their number and get a generic entry.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace smsgw::at {

enum class ErrorDomain {
    cme,   // TS 27.007 §9.2 mobile equipment errors
    cms,   // TS 27.005 §3.2.5 message service failures
    v250,  // a bare final result code without a number (ERROR, NO CARRIER, …)
};
std::string_view to_string(ErrorDomain d);

enum class ErrorClass {
    temporary,  // the same request may succeed later (network, congestion, SIM busy)
    permanent,  // this request will never succeed as it is (bad number, bad PDU)
    modem,      // our side: SIM, PIN, storage, configuration — a technician must act
};
std::string_view to_string(ErrorClass c);

struct ErrorEntry {
    ErrorDomain domain;
    int code;               // -1 for entries known by text only
    std::string_view name;  // snake_case id shared by logs and JSON
    std::string_view text;  // the spec's verbose text (what AT+CMEE=2 prints)
    ErrorClass error_class;
    std::string_view hint;      // what a technician should do; may be empty
    std::string_view vendor{};  // non-empty: the code means this only on that vendor
    std::string_view alias{};   // another verbose spelling seen from modems
};

// A failure as reported: domain, the number (-1 when the modem gave none) and the
// modem's own words after the colon. entry() never fails: unknown codes resolve to
// a generic entry of the domain.
struct ModemError {
    ErrorDomain domain = ErrorDomain::v250;
    int code = -1;
    std::string detail;
    const ErrorEntry* known = nullptr;  // the table row, when there is one

    const ErrorEntry& entry() const;
    // "+CMS ERROR 321 invalid_memory_index: invalid memory index"
    std::string to_string() const;
};

// Reads the <err> of "+CME ERROR: <err>" / "+CMS ERROR: <err>": a number or a
// verbose text. `vendor` is a quirk name ("simcom", "wavecom") that selects the
// manufacturer-specific meaning of codes from 512 up; empty selects none.
ModemError make_modem_error(ErrorDomain domain, std::string_view err, std::string_view vendor = {});

const ErrorEntry* find_error(ErrorDomain domain, int code, std::string_view vendor = {});
const ErrorEntry* find_error_text(ErrorDomain domain, std::string_view verbose);

std::span<const ErrorEntry> error_table();

}  // namespace smsgw::at
