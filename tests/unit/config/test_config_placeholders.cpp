// `${SMSGW_…}` placeholders: filled from the caller's variables, refused when
// unset or malformed, never taken from names outside the SMSGW_ prefix.
#include "config_test_util.hpp"

using namespace smsgw::config;
using smsgw::config::test::contains;
using smsgw::config::test::error_at;

namespace {

LoadResult load_with(const std::string& yaml,
                     std::map<std::string, std::string, std::less<>> vars) {
    LoadOptions options;
    options.variables = std::move(vars);
    return load_string(yaml, "p.yaml", options);
}

}  // namespace

TEST_CASE("placeholders are replaced anywhere in a string value") {
    const LoadResult r = load_with("database: ${SMSGW_A}/x/${SMSGW_B}.db\n",
                                   {{"SMSGW_A", "/var"}, {"SMSGW_B", "db1"}});
    INFO(to_string(r.errors));
    REQUIRE(r.ok());
    CHECK(r.config.database == "/var/x/db1.db");
}

TEST_CASE("a lone dollar sign is plain text") {
    const LoadResult r = load_with("database: /a$b/c$\n", {});
    REQUIRE(r.ok());
    CHECK(r.config.database == "/a$b/c$");
}

TEST_CASE("malformed or foreign placeholders are refused") {
    for (const char* bad : {"${HOME}/x", "${SMSGW_}/x", "${smsgw_dir}/x", "${SMSGW_DIR/x"}) {
        const LoadResult r =
            load_with(std::string("database: \"") + bad + "\"\n", {{"HOME", "/root"}});
        INFO(bad);
        CHECK(contains(error_at(r, "database").message,
                       "expected a placeholder like ${SMSGW_DEMO_DIR}"));
    }
}

TEST_CASE("a placeholder that expands to nothing is an empty value") {
    const LoadResult r = load_with("socket: { group: \"${SMSGW_G}\" }\n", {{"SMSGW_G", ""}});
    CHECK(error_at(r, "socket.group").message == "expected a value, found empty text");
}

TEST_CASE("variables_from_environment keeps only SMSGW_ entries") {
    const char* env[] = {"HOME=/root", "SMSGW_DEMO_DIR=/tmp/d", "SMSGW_X=a=b", "SMSGWX=no",
                         nullptr};
    const auto vars = variables_from_environment(env);
    REQUIRE(vars.size() == 2);
    CHECK(vars.at("SMSGW_DEMO_DIR") == "/tmp/d");
    CHECK(vars.at("SMSGW_X") == "a=b");
    CHECK(variables_from_environment(nullptr).empty());
}
