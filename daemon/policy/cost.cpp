// Exact decimal money in micro-units, and the ISO 4217 minor-unit table used to
// show amounts the way each currency is written.
#include "daemon/policy/cost.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace smsgw::policy {
namespace {

constexpr int max_decimals = 6;  // micro-units

// Active ISO 4217 codes (list one, 2022) whose minor unit is not 2 decimals;
// every other code in `two_decimal` has 2. Precious metals and testing codes
// (XAU, XTS, XXX) are left out: nobody prices an SMS in them.
struct Minor {
    std::string_view code;
    int digits;
};
constexpr Minor other_minor[] = {
    {"BHD", 3}, {"BIF", 0}, {"CLF", 4}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0}, {"IQD", 3},
    {"ISK", 0}, {"JOD", 3}, {"JPY", 0}, {"KMF", 0}, {"KRW", 0}, {"KWD", 3}, {"LYD", 3},
    {"OMR", 3}, {"PYG", 0}, {"RWF", 0}, {"TND", 3}, {"UGX", 0}, {"UYI", 0}, {"UYW", 4},
    {"VND", 0}, {"VUV", 0}, {"XAF", 0}, {"XOF", 0}, {"XPF", 0},
};
constexpr std::string_view two_decimal[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF",
    "CHE", "CHF", "CHW", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DKK", "DOP",
    "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ",
    "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS",
    "KHR", "KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD",
    "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN",
    "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD",
    "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP",
    "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH",
    "USD", "USN", "UYU", "UZS", "VED", "VES", "WST", "XCD", "YER", "ZAR", "ZMW", "ZWL",
};

// How many decimals `amount` needs to be shown exactly (0..6).
int decimals_needed(Micros amount) {
    Micros frac = amount % micros_per_unit;
    if (frac == 0) return 0;
    int digits = max_decimals;
    while (frac % 10 == 0) {
        frac /= 10;
        --digits;
    }
    return digits;
}

std::string with_decimals(Micros amount, int decimals) {
    const bool negative = amount < 0;
    const Micros abs = negative ? -amount : amount;  // amounts stay far from INT64_MIN
    std::string out = (negative ? "-" : "") + std::to_string(abs / micros_per_unit);
    if (decimals == 0) return out;
    std::string frac = std::to_string(abs % micros_per_unit);
    frac.insert(0, static_cast<std::size_t>(max_decimals) - frac.size(), '0');
    return out + "." + frac.substr(0, static_cast<std::size_t>(decimals));
}

}  // namespace

Expected<Micros, std::string> parse_decimal(std::string_view text) {
    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view frac =
        dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    const auto all_digits = [](std::string_view s) {
        return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (text.empty() || whole.empty() || !all_digits(whole) || !all_digits(frac) ||
        (dot != std::string_view::npos && frac.empty()))
        return unexpected(std::string("a decimal number such as 0.09 (digits, one '.')"));
    if (frac.size() > static_cast<std::size_t>(max_decimals))
        return unexpected(std::string("at most 6 decimals"));
    // 12 digits before the point is 10^12 units — beyond any price or balance.
    const auto first_nonzero = whole.find_first_not_of('0');
    if (first_nonzero != std::string_view::npos && whole.size() - first_nonzero > 12)
        return unexpected(std::string("a number below 1000000000000"));
    Micros units = 0;
    for (char c : whole) units = units * 10 + (c - '0');
    Micros micros = 0;
    for (int i = 0; i < max_decimals; ++i)
        micros = micros * 10 + (static_cast<std::size_t>(i) < frac.size() ? frac[i] - '0' : 0);
    return units * micros_per_unit + micros;
}

std::string format_decimal(Micros amount) {
    return with_decimals(amount, decimals_needed(amount));
}

std::optional<int> currency_minor_digits(std::string_view code) {
    for (const auto& m : other_minor)
        if (m.code == code) return m.digits;
    if (std::find(std::begin(two_decimal), std::end(two_decimal), code) != std::end(two_decimal))
        return 2;
    return std::nullopt;
}

std::string format_money(Micros amount, std::string_view currency) {
    const int minor = currency_minor_digits(currency).value_or(2);
    return with_decimals(amount, std::max(minor, decimals_needed(amount))) + " " +
           std::string(currency);
}

// Every int segment count times the dearest price settings accept fits: the
// product needs no run-time check, only a price in the accepted range.
static_assert(std::numeric_limits<int>::max() <=
              std::numeric_limits<Micros>::max() / max_cost_per_segment);

Micros message_cost(int segments, Micros cost_per_segment) {
    if (cost_per_segment < 0 || cost_per_segment > max_cost_per_segment)
        throw std::invalid_argument("message_cost: cost_per_segment " +
                                    std::to_string(cost_per_segment) + " is outside 0.." +
                                    std::to_string(max_cost_per_segment));
    return static_cast<Micros>(std::max(segments, 0)) * cost_per_segment;
}

}  // namespace smsgw::policy
