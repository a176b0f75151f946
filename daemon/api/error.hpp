// Error answers of the protocol: a code from one table (the snake_case names
// DESIGN.md lists), a message for a person and, when one parameter is at fault,
// its path (`to`, `messages[3].to`). A request that is too long or is not JSON
// is `bad_request` with a message rather than a code of its own, so clients
// need to know only the documented codes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smsgw::api {

enum class ErrorCode {
    bad_request,
    unknown_op,
    invalid_number,
    text_too_long,
    opted_out,
    forbidden,
    not_found,
    service_disabled,
    insufficient_balance,
    overloaded,
    internal,
};

std::string_view to_string(ErrorCode code);
std::optional<ErrorCode> error_code_from_string(std::string_view name);

struct Error {
    ErrorCode code = ErrorCode::internal;
    std::string message;
    std::string field;  // empty: no single parameter is at fault

    bool operator==(const Error&) const = default;
};

}  // namespace smsgw::api
