// Final result codes; see final_result.hpp.
#include "drivers/at/final_result.hpp"

#include "drivers/at/fields.hpp"
#include "drivers/at/text.hpp"

namespace smsgw::at {

std::optional<FinalLine> parse_final_result(std::string_view line, std::string_view vendor) {
    line = trim(line);
    if (iequals(line, "OK") || iequals(line, "CONNECT") || istarts_with(line, "CONNECT "))
        return FinalLine{true, std::nullopt};
    // TS 27.007 §9.1 / TS 27.005 §3.2.5; "+CME ERROR:3" without the space is seen too.
    if (const auto body = info_body(line, "+CME ERROR"))
        return FinalLine{false, make_modem_error(ErrorDomain::cme, *body, vendor)};
    if (const auto body = info_body(line, "+CMS ERROR"))
        return FinalLine{false, make_modem_error(ErrorDomain::cms, *body, vendor)};
    for (const auto& e : error_table()) {
        if (e.domain != ErrorDomain::v250 || !iequals(line, e.text)) continue;
        ModemError err;
        err.domain = ErrorDomain::v250;
        err.code = e.code;
        err.detail = std::string(line);
        err.known = &e;
        return FinalLine{false, std::move(err)};
    }
    return std::nullopt;
}

bool is_call_result(std::string_view line) {
    line = trim(line);
    for (const std::string_view call_result : {"NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE"})
        if (iequals(line, call_result)) return true;
    return false;
}

bool sets_up_call(std::string_view command) {
    command = trim(command);
    if (command.size() < 3 || !istarts_with(command, "AT")) return false;
    const char c = command[2];
    return c == 'D' || c == 'd' || c == 'A' || c == 'a' || c == 'O' || c == 'o';
}

}  // namespace smsgw::at
