// Entry points: read a YAML config from a file or a string, validate it whole and
// return either the Config or every problem found (diagnostic.hpp). Nothing here
// touches the environment: `${SMSGW_…}` placeholders in string values are filled
// from LoadOptions::variables, which smsgwd fills from its environment
// (variables_from_environment) — the demo uses this for its temporary folder.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace smsgw::config {

struct LoadOptions {
    // Values for `${NAME}` placeholders; NAME must start with SMSGW_.
    std::map<std::string, std::string, std::less<>> variables;
};

struct LoadResult {
    Config config;  // meaningful only when ok()
    std::vector<Diagnostic> errors;

    bool ok() const { return errors.empty(); }
};

LoadResult load_file(const std::string& path, const LoadOptions& options = {});
LoadResult load_string(std::string_view yaml, std::string_view file_name = "<string>",
                       const LoadOptions& options = {});

// The SMSGW_* entries of an environment block (`environ`), for LoadOptions.
std::map<std::string, std::string, std::less<>> variables_from_environment(const char* const* envp);

}  // namespace smsgw::config
