// The service-centre time stamp the simulated network puts on what it delivers:
// the wall clock in UTC (time zone offset 0), as an SMSC would stamp it.
#pragma once

#include <chrono>

#include "pdu/timestamp.hpp"

namespace smsgw::modemsim {

inline pdu::Timestamp utc_now() {
    return pdu::Timestamp::from_utc(
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

}  // namespace smsgw::modemsim
