// The two internal stages of loading, kept apart so each can be read alone:
// read_config() parses every key through the key tables (schema.cpp) and checks
// values on their own; validate_config() then checks what spans keys —
// duplicate modem names, a PIN given twice, overlapping keyword lists.
#pragma once

#include <string_view>

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

namespace smsgw::config {

void read_config(Reader& r, const YAML::Node& root, Config& out);
void validate_config(Reader& r, const Config& config);

// ISO 3166-1 alpha-2 codes that are assigned (country_codes.cpp).
bool is_iso_country(std::string_view code);

}  // namespace smsgw::config
