// Error texts of TS 27.007 §9.2.1 (+CME) and TS 27.005 §3.2.5 (+CMS), plus the
// network cause values (TS 24.011 §8.2.5.4) that +CMS ERROR also carries when
// the network refuses a submit — which is what --error-codes injects.
#include "tools/modemsim/at_errors.hpp"

namespace smsgw::modemsim {
namespace {

struct ErrorRow {
    ErrorKind kind;
    int code;
    const char* text;
};

constexpr ErrorRow kErrors[] = {
    {ErrorKind::cme, 0, "phone failure"},
    {ErrorKind::cme, 3, "operation not allowed"},
    {ErrorKind::cme, 4, "operation not supported"},
    {ErrorKind::cme, 10, "SIM not inserted"},
    {ErrorKind::cme, 11, "SIM PIN required"},
    {ErrorKind::cme, 12, "SIM PUK required"},
    {ErrorKind::cme, 13, "SIM failure"},
    {ErrorKind::cme, 14, "SIM busy"},
    {ErrorKind::cme, 16, "incorrect password"},
    {ErrorKind::cme, 20, "memory full"},
    {ErrorKind::cme, 21, "invalid index"},
    {ErrorKind::cme, 22, "not found"},
    {ErrorKind::cme, 30, "no network service"},
    {ErrorKind::cme, 31, "network timeout"},
    {ErrorKind::cme, 50, "Incorrect parameters"},
    {ErrorKind::cme, 100, "unknown"},
    // Network causes (TS 24.011 §8.2.5.4 / TS 23.040 §3.3) seen in +CMS ERROR.
    {ErrorKind::cms, 1, "Unassigned (unallocated) number"},
    {ErrorKind::cms, 8, "Operator determined barring"},
    {ErrorKind::cms, 10, "Call barred"},
    {ErrorKind::cms, 21, "Short message transfer rejected"},
    {ErrorKind::cms, 27, "Destination out of service"},
    {ErrorKind::cms, 28, "Unidentified subscriber"},
    {ErrorKind::cms, 29, "Facility rejected"},
    {ErrorKind::cms, 30, "Unknown subscriber"},
    {ErrorKind::cms, 38, "Network out of order"},
    {ErrorKind::cms, 41, "Temporary failure"},
    {ErrorKind::cms, 42, "Congestion"},
    {ErrorKind::cms, 47, "Resources unavailable, unspecified"},
    {ErrorKind::cms, 50, "Requested facility not subscribed"},
    {ErrorKind::cms, 69, "Requested facility not implemented"},
    {ErrorKind::cms, 96, "Invalid mandatory information"},
    {ErrorKind::cms, 111, "Protocol error, unspecified"},
    // TS 27.005 §3.2.5 ME/TA errors.
    {ErrorKind::cms, 300, "ME failure"},
    {ErrorKind::cms, 301, "SMS service of ME reserved"},
    {ErrorKind::cms, 302, "operation not allowed"},
    {ErrorKind::cms, 303, "operation not supported"},
    {ErrorKind::cms, 304, "invalid PDU mode parameter"},
    {ErrorKind::cms, 305, "invalid text mode parameter"},
    {ErrorKind::cms, 310, "SIM not inserted"},
    {ErrorKind::cms, 311, "SIM PIN required"},
    {ErrorKind::cms, 312, "PH-SIM PIN required"},
    {ErrorKind::cms, 313, "SIM failure"},
    {ErrorKind::cms, 314, "SIM busy"},
    {ErrorKind::cms, 315, "SIM wrong"},
    {ErrorKind::cms, 316, "SIM PUK required"},
    {ErrorKind::cms, 320, "memory failure"},
    {ErrorKind::cms, 321, "invalid memory index"},
    {ErrorKind::cms, 322, "memory full"},
    {ErrorKind::cms, 330, "SMSC address unknown"},
    {ErrorKind::cms, 331, "no network service"},
    {ErrorKind::cms, 332, "network timeout"},
    {ErrorKind::cms, 340, "no +CNMA acknowledgement expected"},
    {ErrorKind::cms, 500, "unknown error"},
};

}  // namespace

const char* error_text(ErrorKind kind, int code) {
    for (const auto& row : kErrors)
        if (row.kind == kind && row.code == code) return row.text;
    return kind == ErrorKind::cms ? "unknown error" : "unknown";
}

std::string format_error(const AtError& error, int cmee) {
    if (error.kind == ErrorKind::plain || cmee == 0) return "ERROR";
    std::string line = error.kind == ErrorKind::cme ? "+CME ERROR: " : "+CMS ERROR: ";
    if (cmee == 1) return line + std::to_string(error.code);
    return line + error_text(error.kind, error.code);
}

}  // namespace smsgw::modemsim
