// Reading typed values out of yaml-cpp nodes while collecting, instead of
// throwing, everything that is wrong: each reader records a Diagnostic with the
// node's line and column and returns nothing, so loading goes on and reports
// every bad key in one pass. Internal to config/: only .cpp files include it,
// which keeps yaml-cpp out of the public headers.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/load.hpp"

namespace smsgw::config {

struct Location {
    int line = 0;
    int column = 0;
};

// How a node looks to a person: "a mapping", "a list", "nothing", "\"abc\"".
std::string describe(const YAML::Node& node);

class Reader {
  public:
    Reader(std::string file, const LoadOptions& options)
        : file_(std::move(file)), options_(options) {}

    Location where(const YAML::Node& node) const;
    void error(Location at, std::string path, std::string message);
    void error(const YAML::Node& at, std::string path, std::string message) {
        error(where(at), std::move(path), std::move(message));
    }
    // "expected X, found <what the node is>"
    void expected(const YAML::Node& at, const std::string& path, std::string_view what);

    // Where each key path was read, for the checks that span keys (validate.cpp).
    void remember(const std::string& path, const YAML::Node& node) { seen_[path] = where(node); }
    Location location_of(const std::string& path) const;
    bool was_given(const std::string& path) const { return seen_.contains(path); }
    // Whether `path` or a key or item under it was refused: a check that spans
    // keys leaves it alone rather than report the same mistake twice.
    bool refused(std::string_view path) const;

    bool is_map(const YAML::Node& node, const std::string& path);
    bool is_list(const YAML::Node& node, const std::string& path);

    // A scalar as text with ${SMSGW_…} filled in; empty text is refused.
    std::optional<std::string> text(const YAML::Node& node, const std::string& path);
    std::optional<std::string> absolute_path(const YAML::Node& node, const std::string& path);
    std::optional<long long> integer(const YAML::Node& node, const std::string& path, long long min,
                                     long long max);
    std::optional<bool> boolean(const YAML::Node& node, const std::string& path);
    // A list of non-empty, distinct texts; `item_check` may refuse single items.
    std::optional<std::vector<std::string>> text_list(
        const YAML::Node& node, const std::string& path,
        bool (*item_check)(std::string_view, std::string& expected) = nullptr);

    const std::string& file() const { return file_; }
    std::vector<Diagnostic> take_errors();

  private:
    std::string file_;
    const LoadOptions& options_;
    std::vector<Diagnostic> errors_;
    std::map<std::string, Location, std::less<>> seen_;
};

// Placeholder expansion (placeholder.cpp): `${SMSGW_NAME}` → variables[NAME].
// Returns false and sets `problem` when a placeholder is malformed or unset.
bool expand_placeholders(std::string_view in, const LoadOptions& options, std::string& out,
                         std::string& problem);

// "did you mean `x`?" or empty when nothing is close (suggest.cpp).
std::string suggest(std::string_view wrong, const std::vector<std::string_view>& known);

}  // namespace smsgw::config
