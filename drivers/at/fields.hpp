// Argument syntax of information responses, V.250 §5.7.2 / TS 27.007 §4.1:
// "+NAME: a,"b,c",(0-1,3),d". Every reply parser needs the same three steps — find
// the body after the prefix, split it at top-level commas (commas inside quotes or
// parentheses do not count), then read integers, strings or range lists — so they
// live here once, together with the error type all parsers return.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pdu/expected.hpp"

namespace smsgw::at {

// Why a reply could not be read; technicians see it, so it names the field.
struct ParseError {
    std::string reason;
};

template <typename T>
using ParseResult = Expected<T, ParseError>;

inline Unexpected<ParseError> parse_error(std::string reason) {
    return {ParseError{std::move(reason)}};
}

// The body of "+CSQ: 20,99" for name "+CSQ": "20,99". Case-insensitive, the space
// after the colon optional; nullopt when the line does not start with name + ':'.
std::optional<std::string_view> info_body(std::string_view line, std::string_view name);

// An integer field (quotes and spaces allowed) within [lo, hi]; nullopt otherwise.
std::optional<int> int_field(std::string_view field, long lo, long hi);

// 'text', for the reasons of parse errors.
std::string quoted(std::string_view text);

// Top-level comma split, fields trimmed; "" yields one empty field.
std::vector<std::string_view> split_args(std::string_view body);

// A string field without its quotes and surrounding spaces.
std::string unquote(std::string_view field);

// A range list of a test command answer: "(0-1,3)", "(2)", "0-3", "()".
struct Range {
    long lo = 0;
    long hi = 0;
};
struct RangeList {
    std::vector<Range> ranges;
    bool contains(long v) const;
    std::string to_string() const;  // "0-1,3"
};
ParseResult<RangeList> parse_range_list(std::string_view field);

// A parenthesised list of strings: ("SM","ME") → {SM, ME}; "()" → {}.
ParseResult<std::vector<std::string>> parse_string_list(std::string_view field);

}  // namespace smsgw::at
