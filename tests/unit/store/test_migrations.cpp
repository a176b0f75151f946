// Schema migrations on a fresh file, on re-open, and refusal of a newer schema.
#include <catch2/catch.hpp>

#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite.hpp"
#include "store_test_util.hpp"

using namespace smsgw::store;
using namespace smsgw::store::test;

TEST_CASE("a fresh file gets every migration and WAL with synchronous FULL",
          "[store][migrations]") {
    TempDir dir;
    Store store(dir.file("smsgw.db"));
    REQUIRE(store.schema_version() == Store::latest_schema_version());
    REQUIRE(Store::latest_schema_version() == static_cast<int>(migrations().size()));
    Statement mode = store.database().prepare("PRAGMA journal_mode");
    REQUIRE(mode.step());
    CHECK(mode.text(0) == "wal");
    CHECK(store.database().pragma_int("synchronous") == 2);  // FULL
    CHECK(store.database().pragma_int("foreign_keys") == 1);
    CHECK(store.database().pragma_int("busy_timeout") == 5000);
    for (const char* table : {"messages", "parts", "state_changes", "inbound", "inbound_fragments",
                              "optouts", "settings", "wallet_ledger"}) {
        Statement st = store.database().prepare(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?");
        st.bind(1, table);
        REQUIRE(st.step());
        CHECK(st.int64(0) == 1);
    }
}

TEST_CASE("migrations are embedded in order and named after their files", "[store][migrations]") {
    auto all = migrations();
    REQUIRE(!all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) {
        CHECK(all[i].version == static_cast<int>(i + 1));
        CHECK(all[i].name.ends_with(".sql"));
        CHECK(all[i].sql.find("CREATE") != std::string_view::npos);
    }
    CHECK(all[0].name == "0001_initial.sql");
}

TEST_CASE("re-opening keeps the data and does not re-run migrations", "[store][migrations]") {
    TempDir dir;
    std::int64_t id = 0;
    {
        Store store(dir.file("smsgw.db"));
        NewMessage m = message("+491701234567");
        id = store.insert_messages({&m, 1}, t0()).at(0).message_id;
    }
    Store again(dir.file("smsgw.db"));
    CHECK(again.schema_version() == Store::latest_schema_version());
    auto got = again.get_message(id);
    REQUIRE(got);
    CHECK(got->message.recipient == "+491701234567");
}

TEST_CASE("a database newer than the binary is refused with a clear error", "[store][migrations]") {
    TempDir dir;
    { Store store(dir.file("smsgw.db")); }
    {
        Database db(dir.file("smsgw.db"));
        db.exec("PRAGMA user_version = " + std::to_string(Store::latest_schema_version() + 1));
    }
    try {
        Store store(dir.file("smsgw.db"));
        FAIL("opened a database with a newer schema");
    } catch (const StoreError& e) {
        std::string what = e.what();
        CHECK_THAT(what, Catch::Contains("newer than this smsgwd"));
        CHECK_THAT(what, Catch::Contains(std::to_string(Store::latest_schema_version() + 1)));
    }
}

TEST_CASE("a file that is not a database is refused", "[store][migrations]") {
    TempDir dir;
    {
        std::FILE* f = std::fopen(dir.file("junk.db").c_str(), "w");
        REQUIRE(f);
        std::fputs("this is not an SQLite database, just text long enough to have a header........",
                   f);
        std::fclose(f);
    }
    CHECK_THROWS_AS(Store(dir.file("junk.db")), StoreError);
}
