// Money for SMS costs (issue 4, "Settings over the socket"): what one segment
// costs, what a message costs, and how people read it ("0.09 EUR"). Amounts are
// integers in micro-units (millionths of the currency's major unit), never
// floating point: bulk SMS prices have 3–4 decimals (0.0035 EUR per segment)
// and a wallet must add them up exactly. The wallet's ledger in the store uses
// the same unit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pdu/expected.hpp"

namespace smsgw::policy {

using Micros = std::int64_t;
inline constexpr Micros micros_per_unit = 1'000'000;
// A price per segment above 1000 major units is a typo (a missing decimal
// point), whatever the currency; it also keeps every product in range.
inline constexpr Micros max_cost_per_segment = 1000 * micros_per_unit;

// "0.09" → 90000, "12" → 12000000, "0.0035" → 3500. Digits with an optional
// '.' and up to 6 decimals; no sign, no exponent, no thousands separators.
Expected<Micros, std::string> parse_decimal(std::string_view text);

// 90000 → "0.09", 12000000 → "12", 3500 → "0.0035": the shortest exact form.
std::string format_decimal(Micros amount);

// ISO 4217: the number of decimals of the currency's minor unit (EUR 2, JPY 0,
// BHD 3), or nullopt for a code that is not an active ISO 4217 currency.
std::optional<int> currency_minor_digits(std::string_view code);

// For people: at least the currency's minor digits, more only when the amount
// has them, so nothing is rounded away: (90000, "EUR") → "0.09 EUR",
// (10500, "EUR") → "0.0105 EUR", (5000000, "JPY") → "5 JPY",
// (0, "EUR") → "0.00 EUR". An unknown currency gets 2 digits.
std::string format_money(Micros amount, std::string_view currency);

// segments × cost_per_segment. Any int segments and cost ≤ max_cost_per_segment
// keep it within int64 (asserted at compile time); a cost outside 0 ..
// max_cost_per_segment is a bug (settings refuse it) and throws.
Micros message_cost(int segments, Micros cost_per_segment);

}  // namespace smsgw::policy
