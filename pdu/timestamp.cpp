// TP-SCTS / TP-DT rendering, TS 23.040 §9.2.3.11.
#include "pdu/timestamp.hpp"

#include <cstdio>
#include <cstdlib>

namespace smsgw::pdu {

std::string Timestamp::to_iso8601() const {
    const int q = std::abs(tz_quarters);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, month, day, hour, minute,
                  second, tz_quarters < 0 ? '-' : '+', q / 4, (q % 4) * 15);
    return buf;
}

}  // namespace smsgw::pdu
