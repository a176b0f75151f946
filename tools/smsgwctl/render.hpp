// What smsgwctl prints without --json: a result object as aligned "key  value"
// lines and every list of records in it as a table, so each command reads well
// without a renderer of its own and a field the daemon adds later still shows.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>

namespace smsgw::ctl {

// A table's columns: `people_first` puts ids, times, states and numbers
// first and a text last, whatever order the daemon's JSON keeps (often
// sorted); `as_given` keeps a renderer's own order. Either way a column with
// no value in any row is left out (--json keeps it).
enum class ColumnOrder { people_first, as_given };

// Scalars (nested objects flattened to dotted keys) first, then one table per
// array of objects, titled by its key unless it is the result's only content,
// then where the next page starts when the result has a next_before_id.
std::string render_result(const nlohmann::ordered_json& result,
                          ColumnOrder order = ColumnOrder::people_first);

// wallet get: enabled as yes/no, the balance with its currency, the ledger as
// a table with signed amounts (+10.50 in, -0.09 out) and, when the page is
// full, how to see older entries. Micro-unit figures are left to --json.
std::string render_wallet(const nlohmann::ordered_json& result, std::int64_t ledger_limit);

// wallet topup and withdraw: the new balance and the ledger entry's id.
std::string render_topup(const nlohmann::ordered_json& result);

// message list: one row per message with what a person scans for (id, state,
// recipient, segments, modem, category, last change, error, text); a message's
// parts and history are `message get`'s, every field --json's.
std::string render_messages(const nlohmann::ordered_json& result);

// message get: state, error and what it waits for first, then recipient,
// segments, cost (a decimal, not micro-units), modem and times; its parts by
// number and its history (part numbers, not row ids, where they can be told),
// each reason whole.
std::string render_message(const nlohmann::ordered_json& result);

// settings get: KEY and VALUE as `settings set` takes them, then each key's
// type, default, role and last change with its description whole.
std::string render_settings(const nlohmann::ordered_json& result);

// modem list: one row per modem with what a person checks first (state,
// operator, signal, counters, last error); every other field is in --json.
std::string render_modems(const nlohmann::ordered_json& result);

// One line: the event name, then key=value pairs.
std::string render_event(const std::string& name, const nlohmann::ordered_json& fields);

}  // namespace smsgw::ctl
