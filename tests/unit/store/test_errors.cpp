// What an operator reads about a database smsgwd cannot use (store::explain)
// and which failures pass by themselves (is_transient), from the errors real
// SQLite files give.
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>

#include "daemon/store/error.hpp"
#include "store_test_util.hpp"

using namespace smsgw::store;
using namespace smsgw::store::test;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// What opening a Store at `path` throws; nullopt when it opens.
std::optional<StoreError> error_opening(const std::string& path) {
    try {
        Store store(path);
    } catch (const StoreError& e) {
        return e;
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("a file that is not a database is named, with what to do", "[store][errors]") {
    TempDir dir;
    const std::string path = dir.file("junk.db");
    std::ofstream(path) << std::string(8192, 'x');
    const auto e = error_opening(path);
    REQUIRE(e);  // a file of junk does not open as a database
    const std::string why = explain(*e, path);
    CHECK(has(why, "database " + path + " is not an SQLite database"));
    CHECK(has(why, "restore it from a backup"));
    CHECK(has(why, "[SQLite: "));
    CHECK(reason(*e) == "file is not a database");
    CHECK_FALSE(is_transient(*e));
}

TEST_CASE("a directory that does not exist is named, with what to do", "[store][errors]") {
    TempDir dir;
    const std::string path = dir.file("missing") + "/smsgw.db";
    const auto e = error_opening(path);
    REQUIRE(e);  // no database in a directory that does not exist
    const std::string why = explain(*e, path);
    CHECK(has(why, "database " + path + " cannot be opened"));
    CHECK(has(why, "its directory " + dir.file("missing") + " does not exist: create it"));
}

TEST_CASE("a database another process holds locked is a failure that passes", "[store][errors]") {
    TempDir dir;
    const std::string path = dir.file("q.db");
    StoreOptions quick;
    quick.busy_timeout = std::chrono::milliseconds(20);
    Store holder(path, quick);
    // A second Store of its own (not another_connection(), which shares the
    // write gate) stands for another process.
    Store other(path, quick);
    Store::Batch held(holder, Store::Atomicity::all_or_nothing);
    NewMessage m = message("+4917100");
    holder.insert_messages({&m, 1}, t0());
    NewMessage n = message("+4917101");
    try {
        other.insert_messages({&n, 1}, t0());
        FAIL("a write went through another connection's write transaction");
    } catch (const StoreError& e) {
        CHECK(is_transient(e));
        const std::string why = explain(e, path);
        CHECK(has(why, "database " + path + " is locked by another process"));
    }
    held.commit();
}

TEST_CASE("a failure no hint covers keeps SQLite's words and the file", "[store][errors]") {
    const StoreError e("step: INSERT INTO parts …: constraint failed", 19);
    CHECK(explain(e, "/var/lib/smsgw/smsgw.db") ==
          "database /var/lib/smsgw/smsgw.db: step: INSERT INTO parts …: constraint failed");
    CHECK(reason(e) == "constraint failed");
    CHECK_FALSE(is_transient(e));
}
