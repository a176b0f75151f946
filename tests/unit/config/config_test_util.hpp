// Helpers shared by the config tests: load a YAML snippet and look for a
// diagnostic by key path, so each test states the one problem it expects.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "config/load.hpp"

namespace smsgw::config::test {

inline LoadResult load(const std::string& yaml) {
    return load_string(yaml, "test.yaml");
}

// The diagnostic about `path`, or a failed check listing what was reported.
inline Diagnostic error_at(const LoadResult& result, const std::string& path) {
    auto it = std::find_if(result.errors.begin(), result.errors.end(),
                           [&](const Diagnostic& d) { return d.path == path; });
    INFO("diagnostics:\n" << to_string(result.errors));
    REQUIRE(it != result.errors.end());
    return *it;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace smsgw::config::test
