// Loading a config: read the file, let yaml-cpp parse it (its syntax errors
// become one located diagnostic), run the key tables (schema.cpp) and the
// cross-key checks (validate.cpp), and hand back the Config or every problem
// sorted by position. Exceptions from yaml-cpp stop here.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/load.hpp"
#include "config/stages.hpp"

namespace smsgw::config {

LoadResult load_string(std::string_view yaml, std::string_view file_name,
                       const LoadOptions& options) {
    LoadResult result;
    Reader reader(std::string(file_name), options);
    try {
        const YAML::Node root = YAML::Load(std::string(yaml));
        read_config(reader, root, result.config);
        validate_config(reader, result.config);
    } catch (const YAML::Exception& e) {
        // Syntax errors (and yaml-cpp's own depth guard) end reading: what was
        // collected before may be about a half-read document, so it is dropped.
        reader.take_errors();
        const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
        const int column = e.mark.is_null() ? 0 : e.mark.column + 1;
        reader.error(Location{line, column}, "", "YAML syntax error: " + e.msg);
    }
    result.errors = reader.take_errors();
    std::stable_sort(result.errors.begin(), result.errors.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                     });
    return result;
}

LoadResult load_file(const std::string& path, const LoadOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        LoadResult result;
        result.errors.push_back(
            {path, 0, 0, "", std::string("cannot read the file: ") + std::strerror(errno)});
        return result;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return load_string(text.str(), path, options);
}

}  // namespace smsgw::config
