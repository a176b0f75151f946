// Rendering: widths count UTF-8 code points, so names with umlauts line up;
// long cells in tables are cut at table_cell_max with an ellipsis (the full
// value is one --json away).
#include "tools/smsgwctl/render.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
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

std::string table(const json& records) {
    std::vector<std::string> columns;
    for (const json& record : records)
        for (const auto& [key, value] : record.items())
            if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
    std::vector<std::vector<std::string>> cells;
    std::vector<std::size_t> widths;
    for (const std::string& c : columns) widths.push_back(width(c));
    for (const json& record : records) {
        auto& row = cells.emplace_back();
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const auto it = record.find(columns[i]);
            std::string cell = it == record.end() ? "" : text_of(*it);
            std::replace(cell.begin(), cell.end(), '\n', ' ');
            if (width(cell) > table_cell_max) cell = cut(cell, table_cell_max - 1) + "…";
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

}  // namespace

std::string render_result(const json& result) {
    if (!result.is_object()) return text_of(result) + "\n";
    std::vector<std::pair<std::string, std::string>> rows;
    std::vector<std::pair<std::string, const json*>> tables;
    // {"settings": {...}}: the wrapper's name adds nothing to every key.
    const bool wrapper = result.size() == 1 && result.begin()->is_object();
    flatten(wrapper ? *result.begin() : result, "", rows, tables);
    std::string out;
    std::size_t key_width = 0;
    for (const auto& [key, value] : rows) key_width = std::max(key_width, width(key));
    for (const auto& [key, value] : rows) out += pad(key, key_width) + "  " + value + "\n";
    const bool only_table = rows.empty() && tables.size() == 1;
    for (const auto& [key, records] : tables) {
        if (!only_table) out += (out.empty() ? "" : "\n") + key + ":\n";
        out += table(*records);
    }
    return out;
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
