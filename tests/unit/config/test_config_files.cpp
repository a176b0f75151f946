// The shipped configs: the annotated example and the demo must always load,
// so a key renamed in the tables cannot leave them stale.
#include "config_test_util.hpp"

using namespace smsgw::config;
using smsgw::config::test::contains;
using smsgw::config::test::error_at;

TEST_CASE("config/smsgw.yaml (the annotated example) validates") {
    const LoadResult r = load_file(SMSGW_SOURCE_DIR "/config/smsgw.yaml");
    INFO(to_string(r.errors));
    REQUIRE(r.ok());
    const Config& c = r.config;
    CHECK(c.default_country == "DE");
    REQUIRE(c.modems.size() == 2);
    CHECK(c.modems[0].name == "office-1");
    CHECK(c.modems[0].port == "/dev/ttyUSB2");
    CHECK(c.modems[0].smsc == "+491722270333");
    CHECK(c.modems[1].match.imei == "356938035643809");
    CHECK(c.roles.admin.users == std::vector<std::string>{"root"});
    // Installed as the config: it must not narrow the built-in STOP words.
    CHECK(c.optout.keywords == default_optout_keywords());
    CHECK(c.optout.resubscribe_keywords == default_resubscribe_keywords());
}

TEST_CASE("config/demo.yaml validates once its placeholders are given") {
    LoadOptions options;
    options.variables = {{"SMSGW_DEMO_DIR", "/tmp/smsgw-demo.X1"}, {"SMSGW_DEMO_USER", "demo"}};
    const LoadResult r = load_file(SMSGW_SOURCE_DIR "/config/demo.yaml", options);
    INFO(to_string(r.errors));
    REQUIRE(r.ok());
    const Config& c = r.config;
    CHECK(c.socket.path == "/tmp/smsgw-demo.X1/smsgw.sock");
    CHECK(c.database == "/tmp/smsgw-demo.X1/smsgw.db");
    CHECK(c.roles.admin.users == std::vector<std::string>{"demo"});
    REQUIRE(c.modems.size() == 2);
    CHECK(c.modems[0].port == "/tmp/smsgw-demo.X1/modem-a");
    CHECK(c.modems[1].port == "/tmp/smsgw-demo.X1/modem-b");
}

TEST_CASE("config/demo.yaml without its variables names each unset placeholder") {
    const LoadResult r = load_file(SMSGW_SOURCE_DIR "/config/demo.yaml");
    REQUIRE_FALSE(r.ok());
    const Diagnostic d = error_at(r, "socket.path");
    CHECK(contains(d.file, "demo.yaml"));
    CHECK(d.message == "${SMSGW_DEMO_DIR} is not set; expected it in the environment of smsgwd");
    CHECK(contains(error_at(r, "roles.admin.users[0]").message, "SMSGW_DEMO_USER"));
}
