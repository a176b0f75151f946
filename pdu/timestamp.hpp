// Service-centre time stamps (TP-SCTS, TP-DT; TS 23.040 §9.2.3.11): seven
// semi-octet fields with the time zone in quarter hours, sign in bit 3 of the
// last octet. Kept as the fields the network sent, with their own offset.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace smsgw::pdu {

struct Timestamp {
    int year = 2000;  // full year: two-digit 70..99 → 19xx, 00..69 → 20xx
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int tz_quarters = 0;  // offset from UTC in quarter hours, -79..+79

    // ISO 8601 with the offset: "2007-05-03T07:04:40+05:30".
    std::string to_iso8601() const;
    // The instant in UTC (the fields minus their offset); nullopt for a date
    // that does not exist ("2023-02-30", hour 25), which a network may send.
    std::optional<std::chrono::sys_seconds> to_utc() const;
    // The fields of `t` in UTC (offset 0), as an SMSC stamps what it sends.
    static Timestamp from_utc(std::chrono::sys_seconds t);
    bool operator==(const Timestamp&) const = default;
};

}  // namespace smsgw::pdu
