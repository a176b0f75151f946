// TPDU helpers: type names and TP-VP arithmetic (TS 23.040 §9.2.3.12.1).
#include "pdu/tpdu.hpp"

#include <algorithm>

namespace smsgw::pdu {

const char* type_name(const Tpdu& tpdu) {
    switch (tpdu.index()) {
        case 0: return "deliver";
        case 1: return "submit";
        default: return "status-report";
    }
}

int relative_validity_minutes(std::uint8_t octet) {
    if (octet <= 143) return (octet + 1) * 5;                 // 5-minute steps up to 12 hours
    if (octet <= 167) return 12 * 60 + (octet - 143) * 30;    // 30-minute steps up to 24 hours
    if (octet <= 196) return (octet - 166) * 24 * 60;         // days up to 30 days
    return (octet - 192) * 7 * 24 * 60;                       // weeks up to 63 weeks
}

std::uint8_t relative_validity_octet(int minutes) {
    minutes = std::clamp(minutes, 5, relative_validity_minutes(255));
    // The period grows with the octet: the first one long enough.
    int lo = 0, hi = 255;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (relative_validity_minutes(static_cast<std::uint8_t>(mid)) >= minutes) hi = mid; else lo = mid + 1;
    }
    return static_cast<std::uint8_t>(lo);
}

}  // namespace smsgw::pdu
