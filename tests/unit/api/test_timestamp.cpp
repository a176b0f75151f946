// ISO-8601 parsing for not_before/since/until: offsets, fractions, calendar.
#include <catch2/catch.hpp>

#include "daemon/api/timestamp.hpp"

using smsgw::api::parse_timestamp;

TEST_CASE("timestamps with offsets become UTC seconds") {
    CHECK(parse_timestamp("1970-01-01T00:00:00Z")->unix_seconds == 0);
    CHECK(parse_timestamp("2024-06-01T14:30:00+02:00")->unix_seconds == 1717245000);
    CHECK(parse_timestamp("2024-06-01T12:30:00Z")->unix_seconds == 1717245000);
    CHECK(parse_timestamp("2024-06-01T07:30-0500")->unix_seconds == 1717245000);
    CHECK(parse_timestamp("2024-06-01t12:30:00.123456z")->unix_seconds == 1717245000);
    // Fractions to the millisecond, the daemon's precision; finer digits dropped.
    CHECK(parse_timestamp("2024-06-01T12:30:00.123456789Z")->millis == 123);
    CHECK(parse_timestamp("2024-06-01T12:30:00,5Z")->millis == 500);
    CHECK(parse_timestamp("2024-06-01T12:30:00.07+02:00")->millis == 70);
    CHECK(parse_timestamp("2024-06-01T12:30:00Z")->millis == 0);
    CHECK(parse_timestamp("2024-06-01T12:30Z")->millis == 0);
    CHECK(parse_timestamp("2024-06-01T12:30:00.999Z")->since_epoch().count() ==
          1717245000LL * 1000 + 999);
    CHECK(parse_timestamp("2024-02-29T00:00:00Z").has_value());
    CHECK(parse_timestamp("2000-02-29T00:00:00Z").has_value());
}

TEST_CASE("impossible or ambiguous timestamps are refused") {
    for (const char* bad :
         {"2024-06-01T14:30:00", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
          "2024-04-31T00:00Z", "2024-13-01T00:00Z", "2024-06-01T24:00Z", "2024-06-01T12:60Z",
          "2024-06-01", "", "2024-06-01T12:00:00.Z", "2024-06-01T12:00Z ", "1969-12-31T23:59:59Z",
          "2024-06-01T12:00+25:00"}) {
        INFO(bad);
        CHECK_FALSE(parse_timestamp(bad));
    }
}
