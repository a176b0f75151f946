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

}  // namespace smsgw::at
