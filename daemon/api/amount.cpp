// Decimal text ↔ micro-units, digit by digit, so no amount ever passes
// through floating point.
#include "daemon/api/amount.hpp"

namespace smsgw::api {

namespace {

constexpr std::size_t max_decimals = 6;
constexpr std::size_t max_whole_digits = 12;  // below 10^12 units

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

Expected<std::int64_t, std::string> parse_amount(std::string_view text) {
    const std::size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    const std::string_view decimals =
        dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    bool well_formed = !whole.empty() && (dot == std::string_view::npos || !decimals.empty());
    for (char c : whole) well_formed = well_formed && is_digit(c);
    for (char c : decimals) well_formed = well_formed && is_digit(c);
    if (!well_formed)
        return unexpected(std::string(
            "a decimal string such as \"10.50\" (digits and at most one '.', no sign)"));
    if (decimals.size() > max_decimals) return unexpected(std::string("at most 6 decimals"));
    while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
    if (whole.size() > max_whole_digits)
        return unexpected("an amount of at most " + format_amount(max_amount_micros));
    std::int64_t micros = 0;
    for (char c : whole) micros = micros * 10 + (c - '0');
    for (std::size_t i = 0; i < max_decimals; ++i)
        micros = micros * 10 + (i < decimals.size() ? decimals[i] - '0' : 0);
    return micros;
}

std::string format_amount(std::int64_t micros) {
    // Magnitude as unsigned, so even INT64_MIN has one.
    const bool negative = micros < 0;
    const std::uint64_t magnitude =
        negative ? ~static_cast<std::uint64_t>(micros) + 1 : static_cast<std::uint64_t>(micros);
    std::string out = (negative ? "-" : "") + std::to_string(magnitude / micros_per_unit);
    std::string fraction = std::to_string(magnitude % micros_per_unit);
    fraction.insert(0, max_decimals - fraction.size(), '0');
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    return fraction.empty() ? out : out + "." + fraction;
}

}  // namespace smsgw::api
