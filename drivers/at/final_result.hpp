// Recognises the line that ends a command. V.250 §5.7.1 defines the final result
// codes (OK, CONNECT, ERROR, NO CARRIER, BUSY, NO ANSWER, NO DIALTONE); TS 27.007
// §9.2 adds "+CME ERROR: <err>" and TS 27.005 §3.2.5 "+CMS ERROR: <err>"; Huawei
// sticks end unknown commands with "COMMAND NOT SUPPORT". Every other line is an
// intermediate answer, a URC or noise — deciding that is the Session's job.
#pragma once

#include <optional>
#include <string_view>

#include "drivers/at/error_table.hpp"

namespace smsgw::at {

struct FinalLine {
    bool success = false;             // OK or CONNECT
    std::optional<ModemError> error;  // set when !success
};

// nullopt when `line` is not a final result. `vendor` selects the meaning of
// manufacturer-specific +CMS codes (see make_modem_error).
std::optional<FinalLine> parse_final_result(std::string_view line, std::string_view vendor = {});

// NO CARRIER, BUSY, NO ANSWER or NO DIALTONE: how V.250 ends a call or one
// that could not be made. They answer only a command that makes, takes or
// resumes a call (sets_up_call); at any other time they are the modem's own
// news about a call — SIMCom and Quectel modems say NO CARRIER when a caller
// they rang for hangs up.
bool is_call_result(std::string_view line);
// ATD…, ATA, ATO: the commands a call result may answer.
bool sets_up_call(std::string_view command);

}  // namespace smsgw::at
