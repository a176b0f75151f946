// A PIN, inline or in a pin_file, is checked the same way before any SIM sees
// it, and no message quotes it.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/pin_file.hpp"
#include "config_test_util.hpp"

using namespace smsgw::config;
using smsgw::config::test::contains;

namespace {

struct PinDir {
    std::string path;
    PinDir() {
        std::string t = (std::filesystem::temp_directory_path() / "smsgw-pin-XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()) != nullptr);
        path = t;
    }
    ~PinDir() { std::filesystem::remove_all(path); }
    std::string file(const std::string& name, const std::string& content) const {
        const std::string f = path + "/" + name;
        std::ofstream(f) << content;
        return f;
    }
};

}  // namespace

TEST_CASE("pin_problem: 4 to 8 digits, said without quoting the value") {
    CHECK(pin_problem("1234").empty());
    CHECK(pin_problem("12345678").empty());
    CHECK(pin_problem("123") == "expected a PIN of 4 to 8 digits, found 3 characters");
    CHECK(pin_problem("123456789") == "expected a PIN of 4 to 8 digits, found 9 characters");
    CHECK(pin_problem("12ab") ==
          "expected a PIN of 4 to 8 digits, found 4 characters that are not all digits");
    CHECK(pin_problem("") == "expected a PIN of 4 to 8 digits, found 0 characters");
}

TEST_CASE("read_pin_file: trimmed, checked, and why not, naming the file") {
    PinDir dir;
    const auto good = read_pin_file(dir.file("good.pin", " 0815\n"));
    REQUIRE(good.pin);
    CHECK(*good.pin == "0815");

    const std::string bad_path = dir.file("bad.pin", "12ab\n");
    const auto bad = read_pin_file(bad_path);
    CHECK_FALSE(bad.pin);
    CHECK_FALSE(bad.unreadable);
    CHECK(contains(bad.problem, bad_path));
    CHECK(contains(bad.problem, "found 4 characters that are not all digits"));
    CHECK(contains(bad.problem, "the SIM is not tried"));
    CHECK_FALSE(contains(bad.problem, "12ab"));

    const auto blank = read_pin_file(dir.file("blank.pin", " \n"));
    CHECK_FALSE(blank.pin);
    CHECK(contains(blank.problem, "is empty"));

    const auto missing = read_pin_file(dir.path + "/none.pin");
    CHECK_FALSE(missing.pin);
    CHECK(missing.unreadable);
    CHECK(contains(missing.problem, "cannot read pin_file " + dir.path + "/none.pin"));
}
