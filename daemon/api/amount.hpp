// Sums of money on the wire (the `amount` of wallet.topup and wallet.withdraw):
// decimal text such as "10.50" to micro-units and back. Money is never a
// binary double here — 0.1 has no exact double — so a client writes amounts as
// strings (or as whole integers) and the daemon adds up integers. The rules
// match the daemon's prices (daemon/policy/cost.hpp): digits, an optional '.',
// at most 6 decimals.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pdu/expected.hpp"

namespace smsgw::api {

inline constexpr std::int64_t micros_per_unit = 1'000'000;
// Below 10^12 major units: beyond any balance, and an int64 of micro-units
// holds nine such sums (the daemon checks that a new balance stays in range).
inline constexpr std::int64_t max_amount_micros = 1'000'000'000'000 * micros_per_unit - 1;

// "10.50" → 10500000, "7" → 7000000, "0.000001" → 1. No sign, exponent, spaces
// or separators; at most max_amount_micros. On failure, what was expected
// ("at most 6 decimals"), to follow "expected " in an error message.
Expected<std::int64_t, std::string> parse_amount(std::string_view text);

// 10500000 → "10.5", 7000000 → "7", -90000 → "-0.09": the shortest exact form.
std::string format_amount(std::int64_t micros);

}  // namespace smsgw::api
