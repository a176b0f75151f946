// Loading a config: read the file, let yaml-cpp parse it (its syntax errors
// become one located diagnostic), run the key tables (schema.cpp) and the
// cross-key checks (validate.cpp), and hand back the Config or every problem
// sorted by position. Exceptions from yaml-cpp stop here.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "config/load.hpp"
#include "config/stages.hpp"

namespace smsgw::config {

namespace {

// Where the content of a second document begins (its first key), if it has
// any: a stray `---` at the end is fine. yaml-cpp's LoadAll is
// not used: some malformed texts (a line starting with `,`) make it produce
// empty documents for ever; the parser is asked for at most two.
std::optional<YAML::Mark> second_document(std::string_view yaml) {
    struct Events : YAML::EventHandler {
        // Where its content starts (the first key a reader thought was
        // read); none for a document that is only a null (a stray `---`).
        std::optional<YAML::Mark> content;
        void note(const YAML::Mark& mark) {
            if (!content) content = mark;
        }
        void OnDocumentStart(const YAML::Mark&) override {}
        void OnDocumentEnd() override {}
        void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
        void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { note(mark); }
        void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                      const std::string&) override {
            note(mark);
        }
        void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                             YAML::EmitterStyle::value) override {
            note(mark);
        }
        void OnSequenceEnd() override {}
        void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                        YAML::EmitterStyle::value) override {
            note(mark);
        }
        void OnMapEnd() override {}
    };
    std::istringstream in{std::string(yaml)};
    YAML::Parser parser(in);
    Events first;
    if (!parser.HandleNextDocument(first)) return std::nullopt;
    Events second;
    if (!parser.HandleNextDocument(second)) return std::nullopt;
    return second.content;
}

}  // namespace

LoadResult load_string(std::string_view yaml, std::string_view file_name,
                       const LoadOptions& options) {
    LoadResult result;
    Reader reader(std::string(file_name), options);
    try {
        const YAML::Node root = YAML::Load(std::string(yaml));
        // Keys after a `---` would be ignored in silence.
        if (const auto second = second_document(yaml))
            reader.error(Location{second->line + 1, second->column + 1}, "",
                         "expected one YAML document, found a second one after `---`: smsgwd "
                         "reads only the first, so put every key in it");
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
