// Rendering: widths count UTF-8 code points, so names with umlauts line up;
// long cells in tables are cut at table_cell_max with an ellipsis (the full
// value is one --json away), except a last column a renderer keeps whole
// because it is the point of the table (a setting's description, why a
// message changed state).
#include "tools/smsgwctl/render.hpp"

#include "daemon/api/amount.hpp"
#include "daemon/api/timestamp.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

namespace smsgw::ctl {

namespace {

using json = nlohmann::ordered_json;
constexpr std::size_t table_cell_max = 40;

std::size_t width(const std::string& s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The first `n` code points of `s`.
std::string cut(const std::string& s, std::size_t n) {
    std::size_t points = 0, i = 0;
    for (; i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && points++ == n) break;
    return s.substr(0, i);
}

std::string pad(const std::string& s, std::size_t to) {
    return s + std::string(to > width(s) ? to - width(s) : 0, ' ');
}

std::string text_of(const json& v) {
    if (v.is_null()) return "-";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_primitive(); })) {
        std::string out;
        for (const json& e : v) out += (out.empty() ? "" : ", ") + text_of(e);
        return out.empty() ? "-" : out;
    }
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool is_record_list(const json& v) {
    return v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_object(); });
}

void flatten(const json& object, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& rows,
             std::vector<std::pair<std::string, const json*>>& tables) {
    for (const auto& [key, value] : object.items()) {
        const std::string name = prefix + key;
        if (value.is_object() && !value.empty())
            flatten(value, name + ".", rows, tables);
        else if (is_record_list(value))
            tables.emplace_back(name, &value);
        else if (value.is_array() && value.empty())
            rows.emplace_back(name, "(none)");
        else
            rows.emplace_back(name, text_of(value));
    }
}

// A record's nested objects as dotted columns (a refused batch item's
// error.code, error.message, error.field) rather than a cell of raw JSON.
json flat_record(const json& record, const std::string& prefix = {}) {
    json out = json::object();
    for (const auto& [key, value] : record.items()) {
        if (value.is_object() && !value.empty())
            out.update(flat_record(value, prefix + key + "."));
        else
            out[prefix + key] = value;
    }
    return out;
}

// Columns people look for first, in this order, whatever order the daemon's
// JSON keeps (often sorted); a text goes last, where its length harms no other
// column. The record's own id comes before the ids it refers to.
constexpr std::string_view leading_columns[] = {"id",     "message_id", "inbound_id", "seq",
                                                 "at",     "entity",     "state",      "from",
                                                 "to",     "number"};

// Where `key` goes: a leading column's place, then every other column, then
// the text.
std::size_t column_rank(const std::string& key) {
    constexpr std::size_t others = std::size(leading_columns);
    if (key == "text") return others + 1;
    const auto* it = std::find(std::begin(leading_columns), std::end(leading_columns), key);
    return static_cast<std::size_t>(it - std::begin(leading_columns));  // `others` if not leading
}

std::vector<std::string> column_order(const json& records, ColumnOrder order) {
    std::vector<std::string> seen;
    for (const json& record : records)
        for (const auto& [key, value] : record.items())
            if (std::find(seen.begin(), seen.end(), key) == seen.end()) seen.push_back(key);
    // A column with no value in any row (an error column while nothing
    // failed) says nothing; --json keeps it.
    std::erase_if(seen, [&](const std::string& key) {
        return std::all_of(records.begin(), records.end(), [&](const json& r) {
            const auto it = r.find(key);
            return it == r.end() || it->is_null();
        });
    });
    if (order == ColumnOrder::people_first)
        std::stable_sort(seen.begin(), seen.end(), [](const std::string& a, const std::string& b) {
            return column_rank(a) < column_rank(b);
        });
    return seen;
}

// How a table treats its last column: cut like the others, or kept whole.
enum class LastColumn { cut, whole };

std::string table(const json& nested, ColumnOrder order, LastColumn last = LastColumn::cut) {
    json records = json::array();
    for (const json& record : nested) records.push_back(flat_record(record));
    const std::vector<std::string> columns = column_order(records, order);
    std::vector<std::vector<std::string>> cells;
    std::vector<std::size_t> widths;
    for (const std::string& c : columns) widths.push_back(width(c));
    for (const json& record : records) {
        auto& row = cells.emplace_back();
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const auto it = record.find(columns[i]);
            std::string cell = it == record.end() ? "" : text_of(*it);
            std::replace(cell.begin(), cell.end(), '\n', ' ');
            const bool whole = last == LastColumn::whole && i + 1 == columns.size();
            if (!whole && width(cell) > table_cell_max) cell = cut(cell, table_cell_max - 1) + "…";
            widths[i] = std::max(widths[i], width(cell));
            row.push_back(std::move(cell));
        }
    }
    const auto line = [&](const std::vector<std::string>& values) {
        std::string out;
        for (std::size_t i = 0; i < values.size(); ++i)
            out += i + 1 < values.size() ? pad(values[i], widths[i]) + "  " : values[i];
        return out + "\n";
    };
    std::vector<std::string> header;
    for (const std::string& c : columns) {
        std::string h = c;
        std::transform(h.begin(), h.end(), h.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
        header.push_back(std::move(h));
    }
    std::string out = line(header);
    for (const auto& row : cells) out += line(row);
    return out;
}

// `object` with the keys of `first` in that order, then the rest as they came.
json in_order(const json& object, std::initializer_list<std::string_view> first) {
    json out = json::object();
    for (std::string_view key : first)
        if (const auto it = object.find(key); it != object.end()) out[std::string(key)] = *it;
    for (const auto& [key, value] : object.items())
        if (!out.contains(key)) out[key] = value;
    return out;
}

}  // namespace

std::string render_result(const json& result, ColumnOrder order) {
    if (!result.is_object()) return text_of(result) + "\n";
    std::vector<std::pair<std::string, std::string>> rows;
    std::vector<std::pair<std::string, const json*>> tables;
    // {"settings": {...}}: the wrapper's name adds nothing to every key.
    const bool wrapper = result.size() == 1 && result.begin()->is_object();
    flatten(wrapper ? *result.begin() : result, "", rows, tables);
    // A list's cursor is where to go on, said after the list, and only when
    // there is more.
    std::string more;
    if (const auto it = std::find_if(rows.begin(), rows.end(),
                                     [](const auto& row) { return row.first == "next_before_id"; });
        it != rows.end()) {
        if (it->second != "-") more = "more, older: the same command with --before-id " + it->second + "\n";
        rows.erase(it);
    }
    std::string out;
    std::size_t key_width = 0;
    for (const auto& [key, value] : rows) key_width = std::max(key_width, width(key));
    for (const auto& [key, value] : rows) out += pad(key, key_width) + "  " + value + "\n";
    const bool only_table = rows.empty() && tables.size() == 1;
    for (const auto& [key, records] : tables) {
        if (!only_table) out += (out.empty() ? "" : "\n") + key + ":\n";
        out += table(*records, order);
    }
    return out + more;
}

namespace {

// Micro-unit twins of the decimal fields (balance_micros, amount_micros, …)
// say the same to a person; --json keeps them for scripts.
void drop_micros(json& object) {
    for (auto it = object.begin(); it != object.end();)
        it = it.key().ends_with("_micros") ? object.erase(it) : std::next(it);
}

// "12.34" + "EUR" → "12.34 EUR", taking the daemon's own `display` when it sends one.
void money_with_currency(json& view, const std::string& key) {
    const auto currency = view.find("currency");
    const auto amount = view.find(key);
    const auto display = view.find("display");
    if (display != view.end() && display->is_string() && amount != view.end()) {
        *amount = *display;
    } else if (currency != view.end() && currency->is_string() && amount != view.end() &&
               amount->is_string()) {
        *amount = amount->get<std::string>() + " " + currency->get<std::string>();
    } else {
        return;
    }
    view.erase("display");
    view.erase("currency");
}

// A signed amount: "-0.09" out, "+10.50" in, from the amount's own sign or
// the entry's `direction`, which the sign then says for every entry alike (a
// charge's amount comes signed already, a credit's not).
void sign_amount(json& row) {
    const auto amount = row.find("amount");
    if (amount == row.end() || !amount->is_string()) return;
    const std::string text = amount->get<std::string>();
    const bool zero = text.find_first_not_of("0.") == std::string::npos;
    if (text.empty() || zero) return;  // no sign to carry the direction
    const auto direction = row.find("direction");
    const bool charge = direction != row.end() && *direction == "charge";
    if (text[0] != '-' && text[0] != '+') *amount = (charge ? "-" : "+") + text;
    if (direction != row.end() && (charge || *direction == "credit")) row.erase("direction");
}

// A ledger entry with id … uid in reading order, its amount signed, and the
// amount and the balance after it in the entry's own currency ("-0.09 EUR"):
// entries from before a change of sms.currency keep theirs.
json ledger_row(const json& entry) {
    json row =
        in_order(entry, {"id", "at", "amount", "balance_after", "reason", "message_id", "uid"});
    drop_micros(row);
    sign_amount(row);
    const auto currency = row.find("currency");
    if (currency == row.end() || !currency->is_string()) return row;
    const std::string code = currency->get<std::string>();
    for (const char* key : {"amount", "balance_after"})
        if (const auto it = row.find(key); it != row.end() && it->is_string())
            *it = it->get<std::string>() + " " + code;
    row.erase("currency");
    return row;
}

}  // namespace

std::string render_wallet(const json& result, std::int64_t ledger_limit) {
    if (!result.is_object()) return render_result(result);
    // The daemon's key order is whatever its JSON library keeps (often sorted);
    // people read the balance first and a ledger entry from id to uid.
    json view = in_order(result, {"enabled", "balance"});
    drop_micros(view);
    if (const auto enabled = view.find("enabled"); enabled != view.end() && enabled->is_boolean())
        *enabled = enabled->get<bool>() ? "yes" : "no (messages are not charged)";
    money_with_currency(view, "balance");

    // Where the next page starts: the daemon's next_before_id when it sends
    // one, else the last entry of a full page.
    std::string next;
    if (const auto it = view.find("next_before_id"); it != view.end()) {
        if (!it->is_null()) next = text_of(*it);
        view.erase(it);
    } else if (const auto ledger = view.find("ledger");
               ledger != view.end() && ledger->is_array() && !ledger->empty() &&
               static_cast<std::int64_t>(ledger->size()) == ledger_limit &&
               ledger->back().is_object() && ledger->back().contains("id")) {
        next = text_of(ledger->back()["id"]);
    }

    if (const auto ledger = view.find("ledger"); ledger != view.end() && ledger->is_array()) {
        if (ledger_limit == 0 && ledger->empty()) {
            view.erase(ledger);  // not asked for
        } else {
            json rows = json::array();
            for (const json& entry : *ledger)
                rows.push_back(entry.is_object() ? ledger_row(entry) : entry);
            *ledger = std::move(rows);
        }
    }
    std::string out = render_result(view, ColumnOrder::as_given);
    if (!next.empty()) out += "\nolder entries: smsgwctl wallet get --before " + next + "\n";
    return out;
}

std::string render_topup(const json& result) {
    if (!result.is_object()) return render_result(result);
    json view = in_order(result, {"balance", "ledger_id"});
    drop_micros(view);
    money_with_currency(view, "balance");
    return render_result(view, ColumnOrder::as_given);
}

std::string render_messages(const json& result) {
    const auto messages = result.is_object() ? result.find("messages") : result.end();
    if (messages == result.end() || !messages->is_array()) return render_result(result);
    json view = result;
    json rows = json::array();
    for (const json& m : *messages) {
        if (!m.is_object()) return render_result(result);
        json row = json::object();
        for (const char* key : {"message_id", "state", "to", "segments", "modem", "category",
                                "updated_at", "error", "text"})
            if (const auto it = m.find(key); it != m.end()) row[key] = *it;
        rows.push_back(std::move(row));
    }
    view["messages"] = std::move(rows);
    std::string out = render_result(view, ColumnOrder::as_given);
    if (!messages->empty())
        out += "(smsgwctl message get ID: its parts and history; --json: every field)\n";
    return out;
}

namespace {

// `record`'s keys: those of `first` in that order, then the others as they
// came, then `last` (kept whole by the table, so it must stay last). Keys in
// `drop` are left out.
json arranged(const json& record, std::initializer_list<std::string_view> first,
              std::string_view last, std::initializer_list<std::string_view> drop = {}) {
    const auto skip = [&](const std::string& key) {
        return key == last || std::find(drop.begin(), drop.end(), key) != drop.end();
    };
    json out = json::object();
    for (std::string_view key : first)
        if (const auto it = record.find(key); it != record.end() && !skip(it.key()))
            out[it.key()] = *it;
    for (const auto& [key, value] : record.items())
        if (!out.contains(key) && !skip(key)) out[key] = value;
    if (const auto it = record.find(last); it != record.end()) out[it.key()] = *it;
    return out;
}

// "message", "part 2" (smsgwd numbers a part's entries; "part row 118" from
// one that does not).
std::string changed_entity(const json& change) {
    const std::string entity = change.value("entity", "");
    if (entity != "part") return entity.empty() ? "-" : entity;
    if (const auto seq = change.find("seq"); seq != change.end() && !seq->is_null())
        return "part " + text_of(*seq);
    const auto id = change.find("id");
    return id == change.end() ? "part" : "part row " + text_of(*id);
}

}  // namespace

std::string render_message(const json& result) {
    if (!result.is_object() || !result.contains("state")) return render_result(result);
    // message.get carries the cost in micro-units only: shown as the decimal
    // every other command shows (with its currency when the daemon sends one).
    json message = result;
    if (const auto micros = message.find("cost_micros");
        micros != message.end() && micros->is_number_integer() && !message.contains("cost"))
        message["cost"] = api::format_amount(micros->get<std::int64_t>());
    drop_micros(message);
    // What became of it first, then to whom and at what cost, then when.
    json view =
        arranged(message,
                 {"state", "error", "waiting", "to", "segments", "cost", "modem", "requested_modem",
                  "category", "encoding", "priority", "report", "created_at", "updated_at",
                  "not_before", "expires_at", "validity_minutes", "message_id", "idempotency_key"},
                 "text", {"parts", "history"});
    // An unset field says nothing here; --json keeps it.
    for (auto it = view.begin(); it != view.end();)
        it = it->is_null() ? view.erase(it) : std::next(it);
    money_with_currency(view, "cost");
    std::string out = render_result(view, ColumnOrder::as_given);

    const json none = json::array();
    const auto list = [&](const char* key) -> const json& {
        const auto it = result.find(key);
        return it != result.end() && is_record_list(*it) ? *it : none;
    };
    const json& parts = list("parts");
    const json& history = list("history");
    if (!parts.empty()) {
        json rows = json::array();
        for (const json& part : parts) {
            json row = arranged(part,
                                {"seq", "state", "modem", "tp_mr", "attempts", "sent_at",
                                 "delivered_at", "status", "next_attempt_at"},
                                "error", {"pdu"});
            // When it will be tried next says something only while it waits.
            if (row.value("state", "") != "queued" && row.contains("next_attempt_at"))
                row["next_attempt_at"] = nullptr;
            rows.push_back(std::move(row));
        }
        out += "\nparts:\n" + table(rows, ColumnOrder::as_given, LastColumn::whole);
    }
    if (!history.empty()) {
        json rows = json::array();
        for (const json& change : history) {
            json row = json::object();
            row["at"] = change.value("at", json("-"));
            row["entity"] = changed_entity(change);
            row.update(arranged(change, {"from", "to"}, "detail", {"at", "entity", "id", "seq"}));
            rows.push_back(std::move(row));
        }
        out += "\nhistory:\n" + table(rows, ColumnOrder::as_given, LastColumn::whole);
    }
    return out;
}

std::string render_settings(const json& result) {
    const auto settings = result.is_object() ? result.find("settings") : result.end();
    if (settings == result.end() || !settings->is_object()) return render_result(result);
    const auto details_it = result.find("details");
    const json details =
        details_it != result.end() && is_record_list(*details_it) ? *details_it : json::array();
    // Values as JSON ("" is an empty text, "10" a text, 10 a number): what
    // `settings set` takes, in the order of the daemon's table when it sends it.
    const auto shown = [](const json& v) {
        return v.dump(-1, ' ', false, json::error_handler_t::replace);
    };
    json rows = json::array();
    const auto add = [&](const std::string& key) {
        for (const json& row : rows)
            if (row["key"] == key) return;
        if (const auto it = settings->find(key); it != settings->end())
            rows.push_back({{"key", key}, {"value", shown(*it)}});
    };
    for (const json& d : details)
        if (d.contains("key") && d["key"].is_string()) add(d["key"].get<std::string>());
    for (const auto& [key, value] : settings->items()) add(key);
    if (rows.empty()) return "no settings\n";
    std::string out = table(rows, ColumnOrder::as_given, LastColumn::whole);
    if (!details.empty()) {
        json table_rows = json::array();
        for (const json& d : details) {
            json row =
                arranged(d, {"key", "type", "default", "min_role", "updated_at", "updated_by"},
                         "description", {"value"});
            if (const auto it = row.find("default"); it != row.end()) *it = shown(*it);
            table_rows.push_back(std::move(row));
        }
        out += "\ndetails:\n" + table(table_rows, ColumnOrder::as_given, LastColumn::whole);
    }
    return out + "(change one: smsgwctl settings set KEY VALUE)\n";
}

namespace {

// "3 min ago" for an ISO-8601 time, or empty when it does not read as one.
std::string age_of(const json& time) {
    if (!time.is_string()) return {};
    const auto at = api::parse_timestamp(time.get<std::string>());
    if (!at) return {};
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const std::int64_t s = std::max<std::int64_t>(0, now - at->unix_seconds);
    if (s < 60) return std::to_string(s) + " s ago";
    if (s < 3600) return std::to_string(s / 60) + " min ago";
    if (s < 86400) return std::to_string(s / 3600) + " h ago";
    return std::to_string(s / 86400) + " d ago";
}

// The reading now ("-71 dBm (4/5)"). A modem that is not ready has none: it
// shows its last one with its age ("last -71 dBm 3 min ago"), so that it is
// not taken for the signal now, and without the bars, which only restate the
// dBm, so that the row still fits a terminal.
std::string signal_cell(const json& modem) {
    const auto number = [&](const char* key) {
        const auto it = modem.find(key);
        return it != modem.end() && it->is_number() ? text_of(*it) : std::string();
    };
    if (const std::string dbm = number("signal_dbm"); !dbm.empty()) {
        const std::string bars = number("signal_bars");
        return dbm + " dBm" + (bars.empty() ? "" : " (" + bars + "/5)");
    }
    const std::string last = number("last_signal_dbm");
    if (last.empty()) return "-";
    const auto at = modem.find("signal_at");
    const std::string age = at == modem.end() ? std::string() : age_of(*at);
    return "last " + last + " dBm" + (age.empty() ? "" : " " + age);
}

std::string error_cell(const json& modem) {
    const auto text = modem.find("last_error_text");
    if (text != modem.end() && text->is_string() && !text->get<std::string>().empty())
        return text->get<std::string>();
    const auto code = modem.find("last_error");
    if (code != modem.end() && code->is_string() && !code->get<std::string>().empty())
        return code->get<std::string>();
    return "-";
}

// Why a modem takes no messages though it may be ready: it rests after
// refusals, sending is switched off, or it reached its daily cap. One line per
// reason, naming the modems it holds ("office-1, office-2: sending is switched
// off …"), since the STATE column says only "ready".
std::string not_sending_lines(const json& modems) {
    std::vector<std::pair<std::string, std::string>> reasons;  // reason, modems
    for (const json& m : modems) {
        std::string why;
        if (const auto r = m.find("resting"); r != m.end() && r->is_string())
            why = r->get<std::string>();
        else if (const auto c = m.find("capped"); c != m.end() && c->is_boolean() && c->get<bool>())
            why = "reached its max_per_day; takes messages again after midnight";
        if (why.empty()) continue;
        const auto n = m.find("name");
        const std::string name = n != m.end() && n->is_string() ? n->get<std::string>() : "?";
        auto same = std::find_if(reasons.begin(), reasons.end(),
                                 [&](const auto& r) { return r.first == why; });
        if (same == reasons.end())
            reasons.emplace_back(why, name);
        else
            same->second += ", " + name;
    }
    std::string out;
    for (const auto& [why, names] : reasons) out += names + ": takes no messages: " + why + "\n";
    return out;
}

// A last error the table cut: whole, under it, since its end is usually
// what to do ("…: check antenna, coverage and SIM").
std::string cut_error_lines(const json& modems) {
    std::string out;
    for (const json& m : modems) {
        const std::string error = error_cell(m);
        if (width(error) <= table_cell_max) continue;
        const auto n = m.find("name");
        out += (n != m.end() && n->is_string() ? n->get<std::string>() : std::string("?")) +
               ": last error: " + error + "\n";
    }
    return out;
}

}  // namespace

std::string render_modems(const json& result) {
    const auto modems = result.is_object() ? result.find("modems") : result.end();
    if (modems == result.end() || !modems->is_array()) return render_result(result);
    if (modems->empty()) return "no modems configured\n";
    json rows = json::array();
    for (const json& m : *modems) {
        if (!m.is_object()) return render_result(result);
        const auto field = [&](const char* key) {
            const auto it = m.find(key);
            const std::string text = it == m.end() ? std::string() : text_of(*it);
            return text.empty() ? std::string("-") : text;  // a blank column reads as missing
        };
        json row = json::object();
        row["name"] = field("name");
        row["state"] = field("state");
        row["operator"] = field("operator");
        row["signal"] = signal_cell(m);
        row["sent"] = field("sent");
        row["today"] = field("sent_today");
        row["failed"] = field("failed");
        row["received"] = field("received");
        row["last error"] = error_cell(m);
        rows.push_back(std::move(row));
    }
    return table(rows, ColumnOrder::as_given) + not_sending_lines(*modems) +
           cut_error_lines(*modems) +
           "(smsgwctl --json modem list: port, IMEI, ICCID, SMSC, storage, routes and limits)\n";
}

std::string render_event(const std::string& name, const json& fields) {
    std::string out = name;
    if (fields.is_object())
        for (const auto& [key, value] : fields.items()) {
            std::string v = text_of(value);
            if (v.find(' ') != std::string::npos || v.empty()) v = json(v).dump();
            out += " " + key + "=" + v;
        }
    return out + "\n";
}

}  // namespace smsgw::ctl
