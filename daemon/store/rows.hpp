// Internal to daemon/store: the column lists the Store selects and the readers
// that turn a row into a record, shared by the operation files so a column is
// added in one place. Messages are aliased m and parts p in every query.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "daemon/store/sqlite.hpp"
#include "daemon/store/types.hpp"

namespace smsgw::store::rows {

inline const std::string message_columns =
    "m.id, m.recipient, m.text, m.encoding, m.category, m.priority, m.not_before, m.expires_at, "
    "m.report, "
    "m.validity_minutes, m.requested_modem, m.modem, m.idempotency_key, m.state, m.error, m.cost, "
    "m.created_at, "
    "m.updated_at, m.caller_uid, (SELECT count(*) FROM parts c WHERE c.message_id = m.id), "
    "m.currency, m.sim";

inline const std::string part_columns =
    "p.id, p.message_id, p.seq, p.total, p.pdu, p.tpdu_length, p.state, p.modem, p.tp_mr, "
    "p.attempts, "
    "p.next_attempt_at, p.error, p.sent_at, p.delivered_at, p.status, p.concat_ref, p.written";
// How many columns part_columns selects: a query's own columns follow them.
inline constexpr int part_column_count = 17;

inline const std::string fragment_columns =
    "id, modem, sender, ref, total, seq, text, pdu, received_at";

inline const std::string inbound_columns =
    "id, modem, sender, text, received_at, raw_pdus, complete, concat_ref, parts_total, "
    "parts_received, encoding, keyword";

inline const std::string optout_columns =
    "id, number, keyword, at, source_inbound_id, source, note, uid";

State state(const Statement& st, int column);
std::optional<Time> optional_time(const Statement& st, int column);
std::optional<int> optional_int(const Statement& st, int column);

// A JSON array of strings (route prefixes for json_each, raw PDUs).
std::string json_array(std::span<const std::string> items);
// A JSON array of row ids, for `id IN (SELECT value FROM json_each(?))`.
std::string json_array(std::span<const std::int64_t> ids);

Message message(const Statement& st);
Part part(const Statement& st);

// The first row of sql with args bound to ?1, ?2, …, read by read, if any.
template <typename Read, typename... Args>
auto one(Database& db, std::string_view sql, Read read, const Args&... args)
    -> std::optional<decltype(read(std::declval<const Statement&>()))> {
    Statement st = db.prepare(sql);
    st.bind_all(args...);
    if (!st.step()) return std::nullopt;
    return read(st);
}

// Every row of sql, read by read.
template <typename Read, typename... Args>
auto all(Database& db, std::string_view sql, Read read, const Args&... args)
    -> std::vector<decltype(read(std::declval<const Statement&>()))> {
    Statement st = db.prepare(sql);
    st.bind_all(args...);
    std::vector<decltype(read(std::declval<const Statement&>()))> out;
    while (st.step()) out.push_back(read(st));
    return out;
}
Fragment fragment(const Statement& st);
OptOut optout(const Statement& st);

}  // namespace smsgw::store::rows
