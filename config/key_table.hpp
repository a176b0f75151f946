// The key table behind config loading (STYLE.md habit 9, after mavlink-router's
// option_table[]): each mapping of the file is described by rows of
// {key, required, apply}. read_map() walks a YAML mapping against its rows,
// refusing unknown keys (with a suggestion), keys given twice and missing
// required keys, and lets each row parse and check its own value.
#pragma once

#include <set>
#include <span>
#include <string>
#include <string_view>

#include "config/yaml_reader.hpp"

namespace smsgw::config {

template <typename T>
struct KeyRule {
    std::string_view key;
    bool required;
    // Parses `value` (found at `path`) into `out`, recording problems in the reader.
    void (*apply)(Reader& r, const YAML::Node& value, const std::string& path, T& out);
};

inline std::string join_path(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

template <typename T>
void read_map(Reader& r, const YAML::Node& node, const std::string& path,
              std::span<const KeyRule<T>> table, T& out) {
    if (!r.is_map(node, path.empty() ? "(top level)" : path)) return;
    std::set<std::string_view> given;
    for (const auto& entry : node) {
        const YAML::Node& key = entry.first;
        if (!key.IsScalar()) {
            r.expected(key, path, "a key name");
            continue;
        }
        const std::string& name = key.Scalar();
        const std::string key_path = join_path(path, name);
        const KeyRule<T>* rule = nullptr;
        for (const KeyRule<T>& row : table)
            if (row.key == name) rule = &row;
        if (!rule) {
            std::vector<std::string_view> known;
            for (const KeyRule<T>& row : table) known.push_back(row.key);
            std::string message = "unknown key";
            if (std::string hint = suggest(name, known); !hint.empty()) message += "; " + hint;
            r.error(key, key_path, message);
            continue;
        }
        if (!given.insert(rule->key).second) {
            // yaml-cpp keeps both entries; silently using one would hide a mistake.
            r.error(key, key_path, "key given twice in this mapping");
            continue;
        }
        r.remember(key_path, entry.second);
        rule->apply(r, entry.second, key_path, out);
    }
    for (const KeyRule<T>& row : table)
        if (row.required && !given.contains(row.key))
            r.error(node, join_path(path, row.key), "required key is missing");
}

// A value kept only when it was read without a problem.
template <typename Target, typename Source>
void assign(const std::optional<Source>& value, Target& target) {
    if (value) target = static_cast<Target>(*value);
}

}  // namespace smsgw::config
