// Error code names, in ErrorCode's order: the wire names clients match on.
#include "daemon/api/error.hpp"

#include <array>

#include "daemon/api/vocabulary.hpp"

namespace smsgw::api {

namespace {
constexpr std::array<std::string_view, 11> error_code_names = {
    "bad_request", "unknown_op", "invalid_number",   "text_too_long",        "opted_out",
    "forbidden",   "not_found",  "service_disabled", "insufficient_balance", "overloaded",
    "internal"};
}

std::string_view to_string(ErrorCode code) {
    return error_code_names[static_cast<std::size_t>(code)];
}

std::optional<ErrorCode> error_code_from_string(std::string_view name) {
    return from_name<ErrorCode>(error_code_names, name);
}

}  // namespace smsgw::api
