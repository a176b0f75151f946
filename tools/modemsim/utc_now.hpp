// The service-centre time stamp the simulated network puts on what it delivers:
// the wall clock in UTC (time zone offset 0), as an SMSC would stamp it.
#pragma once

#include <ctime>

#include "pdu/timestamp.hpp"

namespace smsgw::modemsim {

inline pdu::Timestamp utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    pdu::Timestamp ts;
    ts.year = tm.tm_year + 1900;
    ts.month = tm.tm_mon + 1;
    ts.day = tm.tm_mday;
    ts.hour = tm.tm_hour;
    ts.minute = tm.tm_min;
    ts.second = tm.tm_sec;
    return ts;
}

}  // namespace smsgw::modemsim
