// Money in micro-units: exact decimal parsing and formatting, ISO 4217 minor
// units, message cost.
#include <catch2/catch.hpp>

#include <climits>
#include <stdexcept>

#include "daemon/policy/cost.hpp"

using namespace smsgw::policy;

TEST_CASE("cost: parse_decimal is exact") {
    CHECK(*parse_decimal("0.09") == 90'000);
    CHECK(*parse_decimal("0.0035") == 3'500);
    CHECK(*parse_decimal("12") == 12'000'000);
    CHECK(*parse_decimal("000.100000") == 100'000);
    CHECK(*parse_decimal("0.000001") == 1);
    CHECK(*parse_decimal("999999999999.999999") == 999'999'999'999'999'999);
    CHECK_FALSE(parse_decimal("1000000000000"));
    CHECK(parse_decimal("0.0000001").error() == "at most 6 decimals");
    for (const char* bad : {"", ".", "-1", "+1", "1,5", "1.2.3", " 1", "1e3", "0x10", ".5", "5."})
        CHECK_FALSE(parse_decimal(bad));
}

TEST_CASE("cost: format_decimal is the shortest exact form") {
    CHECK(format_decimal(90'000) == "0.09");
    CHECK(format_decimal(3'500) == "0.0035");
    CHECK(format_decimal(12'000'000) == "12");
    CHECK(format_decimal(0) == "0");
    CHECK(format_decimal(1) == "0.000001");
    CHECK(format_decimal(-1'500'000) == "-1.5");  // a wallet refund in the ledger
    for (Micros m : {Micros{0}, Micros{1}, Micros{90'000}, Micros{123'456'789}})
        CHECK(*parse_decimal(format_decimal(m)) == m);
}

TEST_CASE("cost: ISO 4217 minor units") {
    CHECK(currency_minor_digits("EUR") == 2);
    CHECK(currency_minor_digits("PLN") == 2);
    CHECK(currency_minor_digits("RON") == 2);
    CHECK(currency_minor_digits("USD") == 2);
    CHECK(currency_minor_digits("JPY") == 0);
    CHECK(currency_minor_digits("KWD") == 3);
    CHECK(currency_minor_digits("CLF") == 4);
    CHECK(currency_minor_digits("XXX") == std::nullopt);
    CHECK(currency_minor_digits("eur") == std::nullopt);  // callers upper-case first
}

TEST_CASE("cost: format_money for people") {
    CHECK(format_money(90'000, "EUR") == "0.09 EUR");
    CHECK(format_money(0, "EUR") == "0.00 EUR");
    CHECK(format_money(1'500'000, "PLN") == "1.50 PLN");
    CHECK(format_money(10'500, "EUR") == "0.0105 EUR");  // 3 × 0.0035: nothing rounded away
    CHECK(format_money(5'000'000, "JPY") == "5 JPY");
    CHECK(format_money(5'500'000, "JPY") == "5.5 JPY");
    CHECK(format_money(1'234'000, "KWD") == "1.234 KWD");
    CHECK(format_money(90'000, "ABC") == "0.09 ABC");
    CHECK(format_money(-90'000, "EUR") == "-0.09 EUR");
}

TEST_CASE("cost: message cost is segments × price") {
    CHECK(message_cost(1, 90'000) == 90'000);
    CHECK(message_cost(3, 90'000) == 270'000);
    CHECK(format_money(message_cost(3, 3'500), "EUR") == "0.0105 EUR");
    CHECK(message_cost(0, 90'000) == 0);
    CHECK(message_cost(-1, 90'000) == 0);
    CHECK(message_cost(255, max_cost_per_segment) == 255'000'000'000);
    // The largest int of segments at the dearest price still fits int64.
    CHECK(message_cost(INT_MAX, max_cost_per_segment) == std::int64_t{INT_MAX} * max_cost_per_segment);
    CHECK_THROWS_AS(message_cost(1, max_cost_per_segment + 1), std::invalid_argument);
    CHECK_THROWS_AS(message_cost(1, -1), std::invalid_argument);
}
