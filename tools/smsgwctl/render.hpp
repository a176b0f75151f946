// What smsgwctl prints without --json: a result object as aligned "key  value"
// lines and every list of records in it as a table, so each command reads well
// without a renderer of its own and a field the daemon adds later still shows.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>

namespace smsgw::ctl {

// Scalars (nested objects flattened to dotted keys) first, then one table per
// array of objects, titled by its key unless it is the result's only content.
std::string render_result(const nlohmann::ordered_json& result);

// wallet get: enabled as yes/no, the balance with its currency, the ledger as
// a table with signed amounts (+10.50 in, -0.09 out) and, when the page is
// full, how to see older entries. Micro-unit figures are left to --json.
std::string render_wallet(const nlohmann::ordered_json& result, std::int64_t ledger_limit);

// wallet topup: the new balance and the ledger entry's id.
std::string render_topup(const nlohmann::ordered_json& result);

// modem list: one row per modem with what a person checks first (state,
// operator, signal, counters, last error); every other field is in --json.
std::string render_modems(const nlohmann::ordered_json& result);

// One line: the event name, then key=value pairs.
std::string render_event(const std::string& name, const nlohmann::ordered_json& fields);

}  // namespace smsgw::ctl
