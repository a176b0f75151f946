// The run-time settings' key table (`settings.get`/`set`), in the manner of
// mavlink-router's option_table[]: key, type, default, the least role that may
// change it, the limits, and a description. It is part of the protocol's
// vocabulary, so it lives here: smsgwd validates values against it
// (daemon/policy/settings_schema.hpp) and smsgwctl lists the keys from it in
// `settings set --help`, one table that neither can drift from.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "daemon/api/role.hpp"

namespace smsgw::api {

enum class SettingType {
    boolean,         // true / false only (not 0/1, not "yes")
    integer,         // JSON integer within [min, max]
    text,            // one line, at most `max` characters (code points); may be empty
    reply_text,      // an automatic reply: non-empty, fits in one SMS segment
    money,           // decimal ≥ 0 as "0.09" or 0.09; canonical JSON "0.09"; typed Micros
    currency,        // ISO 4217 code; canonical upper case
    sender_caption,  // daemon/policy/sender_caption.hpp
};
std::string_view to_string(SettingType type);

struct SettingSpec {
    std::string_view key;
    SettingType type;
    std::string_view default_json;  // the default value as JSON text
    Role min_role;                  // the least role that may change it
    std::int64_t min = 0;           // integer: bounds; text: max = characters
    std::int64_t max = 0;
    std::string_view description;
};

// Every setting, in the order `settings.get` lists them.
std::span<const SettingSpec> setting_specs();
const SettingSpec* find_setting(std::string_view key);

}  // namespace smsgw::api
