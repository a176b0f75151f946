// Internal to smsgw_api: moving an op's parameters between JSON and the typed
// structs of params.hpp, driven by the op table's rows (op_table.cpp). The
// parser reads with it, the client helper writes with it, so both directions
// follow one schema.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "daemon/api/error.hpp"
#include "daemon/api/op_table.hpp"
#include "daemon/api/params.hpp"

namespace smsgw::api {

// Validates `request` (an object that may also hold `id` and `op`) against the
// op's rows and fills the typed params; the first problem found is returned.
std::optional<Error> read_op_params(const OpInfo& op, const nlohmann::json& request, Params& out);

// Writes the params into `out` (an object), leaving out defaults.
void write_op_params(const Params& params, nlohmann::json& out);

// Checks one value against its spec (type, bounds, choices, format); lists of
// objects are checked for shape only, their items by the caller (param_check.cpp).
std::optional<Error> check_value(const nlohmann::json& value, const ParamSpec& spec,
                                 const std::string& path);

// A JSON value as a person would name it in an error: "a number", "\"abc\"".
std::string describe(const nlohmann::json& value);

}  // namespace smsgw::api
