// What smsgwctl prints without --json: a result object as aligned "key  value"
// lines and every list of records in it as a table, so each command reads well
// without a renderer of its own and a field the daemon adds later still shows.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace smsgw::ctl {

// Scalars (nested objects flattened to dotted keys) first, then one table per
// array of objects, titled by its key unless it is the result's only content.
std::string render_result(const nlohmann::ordered_json& result);

// One line: the event name, then key=value pairs.
std::string render_event(const std::string& name, const nlohmann::ordered_json& fields);

}  // namespace smsgw::ctl
