// The final error results the simulator gives: +CME ERROR (TS 27.007 §9.2),
// +CMS ERROR (TS 27.005 §3.2.5) and plain ERROR, in the numeric or verbose
// form that AT+CMEE selects. One table holds every code with the text real
// modems print, so the numeric and verbose forms cannot drift apart.
#pragma once

#include <string>

namespace smsgw::modemsim {

enum class ErrorKind { plain, cme, cms };

struct AtError {
    ErrorKind kind = ErrorKind::plain;
    int code = 0;
};

// Well-known codes, named where the simulator raises them.
namespace cme {
inline constexpr int operation_not_allowed = 3;
inline constexpr int operation_not_supported = 4;
inline constexpr int sim_not_inserted = 10;
inline constexpr int sim_pin_required = 11;
inline constexpr int sim_puk_required = 12;
inline constexpr int sim_failure = 13;
inline constexpr int incorrect_password = 16;
inline constexpr int invalid_index = 21;
inline constexpr int no_network_service = 30;
inline constexpr int incorrect_parameters = 50;
}  // namespace cme
namespace cms {
inline constexpr int operation_not_allowed = 302;
inline constexpr int operation_not_supported = 303;
inline constexpr int invalid_pdu_parameter = 304;
inline constexpr int sim_not_inserted = 310;
inline constexpr int sim_pin_required = 311;
inline constexpr int sim_failure = 313;
inline constexpr int sim_puk_required = 316;
inline constexpr int invalid_memory_index = 321;
inline constexpr int memory_full = 322;
inline constexpr int smsc_address_unknown = 330;
inline constexpr int no_network_service = 331;
inline constexpr int no_cnma_expected = 340;
inline constexpr int unknown_error = 500;
}  // namespace cms

// The text of a code, as ATV1 with AT+CMEE=2 prints it ("SIM PIN required").
const char* error_text(ErrorKind kind, int code);

// The result line for AT+CMEE=<cmee>: 0 → "ERROR", 1 → "+CMS ERROR: 304",
// 2 → "+CMS ERROR: Invalid PDU mode parameter". Huawei, Quectel and SIMCom all
// print plain ERROR for +CMS errors too while CMEE is 0, and so do we.
std::string format_error(const AtError& error, int cmee);

}  // namespace smsgw::modemsim
