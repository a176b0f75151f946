// Schema migrations on a fresh file, on re-open, and refusal of a newer schema.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite.hpp"
#include "pdu/pdu_codec.hpp"
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

TEST_CASE("a new database gets small pages and an existing one keeps its own",
          "[store][migrations]") {
    TempDir dir;
    {
        Store fresh(dir.file("new.db"));
        CHECK(fresh.database().pragma_int("page_size") == new_database_page_size);
        // A checkpoint every 4 MiB of WAL, counted in pages of this size.
        CHECK(fresh.database().pragma_int("wal_autocheckpoint") ==
              (4 << 20) / new_database_page_size);
        // The sibling connections agree.
        auto writer = fresh.another_connection();
        CHECK(writer->database().pragma_int("page_size") == new_database_page_size);
    }
    {  // made elsewhere with SQLite's default pages, then opened by the store
        Database made(dir.file("old.db"));
        made.exec("PRAGMA page_size = 4096");
        made.exec("PRAGMA journal_mode = WAL");
        made.exec("CREATE TABLE earlier (x)");
    }
    Store old(dir.file("old.db"));
    CHECK(old.schema_version() == Store::latest_schema_version());
    CHECK(old.database().pragma_int("page_size") == 4096);
    CHECK(old.database().pragma_int("wal_autocheckpoint") == 1024);
}

TEST_CASE("migrations are embedded in order and named after their files", "[store][migrations]") {
    auto all = migrations();
    REQUIRE(!all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) {
        CHECK(all[i].version == static_cast<int>(i + 1));
        CHECK(all[i].name.ends_with(".sql"));
        // The file's text, not an empty one: at least one statement.
        CHECK(all[i].sql.find(';') != std::string_view::npos);
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

namespace {

// A database left by a smsgwd that knew the migrations up to `version`.
void migrate_up_to(Database& db, int version) {
    for (const Migration& m : migrations()) {
        if (m.version > version) break;
        db.exec(m.sql);
    }
    db.exec("PRAGMA user_version = " + std::to_string(version));
}

// Such a database as a file in `dir`, holding `rows` (SQL inserts); closed.
std::string database_left_at(TempDir& dir, int version, const std::string& rows) {
    const std::string path = dir.file("smsgw.db");
    Database db(path);
    migrate_up_to(db, version);
    db.exec(rows);
    return path;
}

std::string columns_of(Database& db, const std::string& table) {
    Statement info = db.prepare("SELECT group_concat(name, ', ') FROM pragma_table_info(?)");
    info.bind(1, table);
    REQUIRE(info.step());
    return info.text(0);
}

// Every row of a table in id order (the given columns, else all), one JSON
// array per line, for before/after comparisons.
std::string rows_of(Database& db, const std::string& table, std::string columns = {}) {
    if (columns.empty()) columns = columns_of(db, table);
    Statement st = db.prepare("SELECT json_array(" + columns + ") FROM " + table + " ORDER BY id");
    std::string out;
    while (st.step()) out += st.text(0) + "\n";
    return out;
}

std::string schema_names(Database& db) {
    Statement st = db.prepare(
        "SELECT type || ' ' || name || ' on ' || tbl_name FROM sqlite_schema ORDER BY 1");
    std::string out;
    while (st.step()) out += st.text(0) + "\n";
    return out;
}

// Whether SQLite's program for sql opens a temporary B-tree.
bool builds_temporary_btree(Database& db, const std::string& sql) {
    Statement st = db.prepare("EXPLAIN " + sql);
    while (st.step())
        if (st.text(1) == "OpenEphemeral") return true;
    return false;
}

}  // namespace

TEST_CASE("the writes of every send and state change build no temporary B-tree",
          "[store][migrations]") {
    // A CHECK (x IN (three or more constants)) makes SQLite build and drop a
    // B-tree of the constants on every insert and update of the column.
    TempDir dir;
    Store store(dir.file("smsgw.db"));
    Database& db = store.database();
    for (const char* sql :
         {"INSERT INTO messages (recipient, text, encoding, category, priority, not_before, "
          "expires_at, report, validity_minutes, requested_modem, idempotency_key, state, cost, "
          "currency, created_at, updated_at, caller_uid) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)",
          "INSERT INTO parts (message_id, seq, total, pdu, tpdu_length, priority, state, "
          "next_attempt_at, concat_ref) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
          "INSERT INTO state_changes (entity, entity_id, from_state, to_state, at, detail) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          "UPDATE parts SET state = 'sending', modem = ?, attempts = attempts + 1 WHERE id = ?",
          "UPDATE messages SET state = ?, updated_at = ? WHERE id = ?",
          "INSERT INTO optouts (number, keyword, at, source, uid) VALUES (?, ?, ?, ?, ?)",
          "INSERT INTO wallet_ledger (at, amount, balance_after, reason, message_id, uid, "
          "currency) VALUES (?, ?, ?, ?, ?, ?, ?)",
          "INSERT INTO inbound (modem, sender, text, received_at, raw_pdus, complete, concat_ref, "
          "parts_total, parts_received, encoding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"}) {
        INFO(sql);
        CHECK_FALSE(builds_temporary_btree(db, sql));
    }
}

TEST_CASE("migrations 5 and 6 keep every row, key, CHECK and index of a version 4 database",
          "[store][migrations]") {
    TempDir dir;
    const std::string path = dir.file("smsgw.db");
    std::string before_rows, before_schema;
    std::map<std::string, std::string> before_columns;
    {
        Database db(path);
        migrate_up_to(db, 4);
        db.exec(
            "INSERT INTO inbound (id, modem, sender, text, received_at, raw_pdus) "
            "VALUES (7, 'gsm0', '+491701234567', 'Stop', 5, '[\"00\"]');"
            "INSERT INTO messages (id, recipient, text, encoding, category, priority, "
            "idempotency_key, state, cost, created_at, updated_at, modem, requested_modem) VALUES "
            "(1, '+491701234567', 'Hello', 'gsm7', 'transactional', 5, 'k-1', 'sent', 8, 1, 2, "
            "'gsm0', NULL),"
            "(2, '+491701234568', 'Ünïcode', 'ucs2', 'marketing', 9, NULL, 'queued', 0, 3, 3, "
            "NULL, 'gsm1');"
            "INSERT INTO parts (id, message_id, seq, total, pdu, tpdu_length, priority, state, "
            "modem, tp_mr, attempts, sent_at) VALUES "
            "(1, 1, 1, 2, '0011', 20, 5, 'sent', 'gsm0', 255, 1, 2),"
            "(2, 1, 2, 2, '0012', 20, 5, 'sent', 'gsm0', 0, 1, 2),"
            "(3, 2, 1, 1, '0013', 30, 9, 'queued', NULL, NULL, 0, NULL);"
            "INSERT INTO state_changes (entity, entity_id, from_state, to_state, at) "
            "VALUES ('message', 1, NULL, 'queued', 1);"
            "INSERT INTO optouts (number, keyword, at, source_inbound_id, source) "
            "VALUES ('+491701234567', 'STOP', 5, 7, 'keyword');"
            "INSERT INTO wallet_ledger (at, amount, balance_after, reason, message_id) "
            "VALUES (1, 100, 100, 'top-up', NULL), (2, -8, 92, 'send', 1);");
        for (const char* table : {"messages", "parts", "optouts", "wallet_ledger", "state_changes"}) {
            before_columns[table] = columns_of(db, table);
            before_rows += rows_of(db, table);
        }
        before_schema = schema_names(db);
    }
    Store store(path);
    Database& db = store.database();
    REQUIRE(store.schema_version() == Store::latest_schema_version());
    std::string after_rows;
    for (const char* table : {"messages", "parts", "optouts", "wallet_ledger", "state_changes"})
        after_rows += rows_of(db, table, before_columns[table]);
    CHECK(after_rows == before_rows);
    // The same tables and indexes, by name, the ledger's index by message (6),
    // the table where SQLite keeps the opt-outs' AUTOINCREMENT counter (9) and
    // the inbound messages' index by modem (11).
    std::set<std::string> expected_schema;
    std::istringstream lines(before_schema + "index wallet_ledger_message on wallet_ledger\n" +
                             "table sqlite_sequence on sqlite_sequence\n" +
                             "index inbound_modem on inbound\n");
    for (std::string line; std::getline(lines, line);) expected_schema.insert(line);
    std::string expected;
    for (const auto& line : expected_schema) expected += line + "\n";
    CHECK(schema_names(db) == expected);
    // 6: the optouts' note column, empty for an opt-out that came as a keyword.
    CHECK(rows_of(db, "optouts", "note") == "[null]\n");
    CHECK(db.pragma_int("foreign_keys") == 1);
    Statement integrity = db.prepare("PRAGMA integrity_check");
    REQUIRE(integrity.step());
    CHECK(integrity.text(0) == "ok");

    // The CHECKs still refuse what they refused.
    CHECK_THROWS_AS(db.exec("UPDATE messages SET state = 'lost' WHERE id = 2"), StoreError);
    CHECK_THROWS_AS(db.exec("UPDATE parts SET state = 'Queued' WHERE id = 3"), StoreError);
    CHECK_THROWS_AS(db.exec("UPDATE messages SET encoding = 'utf8' WHERE id = 2"), StoreError);
    CHECK_THROWS_AS(db.exec("UPDATE messages SET category = 'promo' WHERE id = 2"), StoreError);
    CHECK_THROWS_AS(db.exec("UPDATE optouts SET source = 'web'"), StoreError);
    CHECK_THROWS_AS(db.exec("UPDATE parts SET tp_mr = 256 WHERE id = 3"), StoreError);
    CHECK_NOTHROW(db.exec("UPDATE messages SET state = 'uncertain' WHERE id = 2"));
    // ... and the keys still act: parts go with their message, the ledger keeps its row.
    CHECK_THROWS_AS(db.exec("INSERT INTO parts (message_id, seq, total, pdu, tpdu_length, "
                            "priority, state) VALUES (99, 1, 1, '00', 1, 5, 'queued')"),
                    StoreError);
    db.exec("DELETE FROM messages WHERE id = 1");
    Statement left = db.prepare(
        "SELECT (SELECT count(*) FROM parts WHERE message_id = 1),"
        " (SELECT count(*) FROM wallet_ledger WHERE message_id IS NULL)");
    REQUIRE(left.step());
    CHECK(left.int64(0) == 0);
    CHECK(left.int64(1) == 2);
    db.exec("DELETE FROM inbound WHERE id = 7");
    Statement source = db.prepare("SELECT source_inbound_id FROM optouts");
    REQUIRE(source.step());
    CHECK(source.is_null(0));
}

TEST_CASE("a migration that would leave a dangling foreign key is rolled back",
          "[store][migrations]") {
    TempDir dir;
    const std::string path = dir.file("smsgw.db");
    {
        Database db(path);
        migrate_up_to(db, 4);
        // Written with enforcement off (the connection's default), as a damaged
        // or hand-edited file could hold it.
        db.exec("INSERT INTO parts (id, message_id, seq, total, pdu, tpdu_length, priority, state) "
                "VALUES (5, 42, 1, 1, '00', 1, 5, 'queued')");
    }
    try {
        Store store(path);
        FAIL("migrated a database with a part of a missing message");
    } catch (const StoreError& e) {
        const std::string what = e.what();
        CHECK_THAT(what, Catch::Contains("0005_"));
        CHECK_THAT(what, Catch::Contains("parts row 5"));
        CHECK_THAT(what, Catch::Contains("messages"));
    }
    Database db(path);
    CHECK(db.pragma_int("user_version") == 4);
    CHECK(rows_of(db, "parts").starts_with("[5,42,"));
}

TEST_CASE("migration 7 moves the fragments waiting with a reference above 255 to the 16-bit space",
          "[store][migrations]") {
    TempDir dir;
    const std::string path = database_left_at(
        dir, 6,
        "INSERT INTO inbound_fragments (modem, sender, ref, total, seq, text, pdu, received_at) "
        "VALUES ('gsm0', '+491701234567', 77, 2, 1, 'a', '00', 1),"
        "('gsm0', '+491701234567', 300, 2, 1, 'b', '00', 1),"
        "('gsm0', '+491701234567', 65535, 3, 2, 'c', '00', 1)");
    Store store(path);
    CHECK(rows_of(store.database(), "inbound_fragments", "ref") ==
          "[77]\n[65836]\n[131071]\n");
    CHECK(group_ref(300, true) == 65836);
    CHECK(concat_reference(group_ref(300, true)) == 300);
    CHECK(group_ref(77, false) == 77);
}

TEST_CASE("migration 8 takes the parts in sending for written, so none is sent again",
          "[store][migrations]") {
    TempDir dir;
    const std::string path = database_left_at(
        dir, 7,
        "INSERT INTO messages (id, recipient, text, encoding, category, priority, state, cost, "
        "created_at, updated_at, modem) VALUES "
        "(1, '+491701234567', 'Hello', 'gsm7', 'transactional', 5, 'sending', 0, 1, 1, "
        "'gsm0');"
        "INSERT INTO parts (id, message_id, seq, total, pdu, tpdu_length, priority, state, "
        "modem, tp_mr, attempts) VALUES "
        "(1, 1, 1, 3, '0011', 20, 5, 'sent', 'gsm0', 4, 1),"
        "(2, 1, 2, 3, '0012', 20, 5, 'sending', 'gsm0', NULL, 1),"
        "(3, 1, 3, 3, '0013', 20, 5, 'queued', NULL, NULL, 0);");
    Store store(path);
    CHECK(rows_of(store.database(), "parts", "written") == "[0]\n[1]\n[0]\n");
    const auto uncertain = store.recover_after_crash(at_seconds(60));
    REQUIRE(uncertain.size() == 1);
    CHECK(uncertain[0].id == 2);
}

TEST_CASE("migration 9 keeps every opt-out and its id, and gives no id twice from then on",
          "[store][migrations]") {
    TempDir dir;
    const std::string path = database_left_at(
        dir, 8,
        "INSERT INTO optouts (id, number, keyword, at, source_inbound_id, source, note) VALUES "
        "(3, '+491701234567', 'STOP', 1000, NULL, 'keyword', NULL),"
        "(7, '+491701234568', NULL, 2000, NULL, 'api', 'asked by phone');");
    Store store(path);
    CHECK(rows_of(store.database(), "optouts", "id, number, keyword, at, source, note") ==
          R"([3,"+491701234567","STOP",1000,"keyword",null])" "\n"
          R"([7,"+491701234568",null,2000,"api","asked by phone"])" "\n");
    REQUIRE(store.remove_optout("+491701234568"));
    REQUIRE(store.add_optout({0, "+491701234569", std::nullopt, at_seconds(3), std::nullopt, "api",
                              std::nullopt, std::nullopt}, false).added);
    CHECK(store.get_optout("+491701234569")->id == 8);
}

TEST_CASE("migration 10 reads the encoding of the inbound messages kept from their PDU's TP-DCS",
          "[store][migrations][inbound]") {
    // Every SMS-DELIVER of the public real-world vectors (shared/vectors) that
    // the decoder takes, stored as a version 9 smsgwd stored it: the migration's
    // reading of TP-DCS in SQL agrees with the decoder's on each.
    TempDir dir;
    const std::string path = dir.file("smsgw.db");
    std::map<std::int64_t, std::string> expected;  // inbound id → encoding
    std::map<std::string, int> seen;               // encoding → rows
    {
        Database db(path);
        migrate_up_to(db, 9);
        const auto insert = [&](std::int64_t id, const std::string& sender, const std::string& text,
                                const nlohmann::json& pdus, bool complete) {
            Statement st = db.prepare(
                "INSERT INTO inbound (id, modem, sender, text, received_at, raw_pdus, complete) "
                "VALUES (?, 'gsm0', ?, ?, 1, ?, ?)");
            st.bind_all(id, sender, text, pdus.dump(), complete).run();
        };
        std::ifstream in(std::string(SMSGW_SHARED_DIR) + "/vectors/pdus.jsonl");
        std::int64_t id = 0;
        for (std::string line; std::getline(in, line);) {
            if (line.empty()) continue;
            const std::string hex = nlohmann::json::parse(line)["pdu"];
            const auto decoded = smsgw::pdu::decode_pdu(hex);
            const auto* deliver =
                decoded ? std::get_if<smsgw::pdu::SmsDeliver>(&decoded->tpdu) : nullptr;
            if (!deliver) continue;
            ++id;
            // Every other one in lower case, as some modems write hex.
            std::string stored = hex;
            if (id % 2 == 0)
                for (char& c : stored) c = static_cast<char>(std::tolower(c));
            insert(id, "+491701234567", deliver->user_data.text, {stored}, true);
            expected[id] = smsgw::pdu::to_string(deliver->coding.alphabet);
            ++seen[expected[id]];
        }
        REQUIRE(expected.size() >= 100);
        // All three encodings are among them.
        CHECK(seen.size() == 3);
        // A message kept raw, its TP-DCS GSM-7 but its TP-UDL too long: its text
        // is the daemon's, in no encoding of the sender's.
        const std::string raw = "00040B919471023456F7000052503231435380C8";
        REQUIRE_FALSE(smsgw::pdu::decode_pdu(raw));
        insert(++id, "", "[undecodable PDU: octet 19 (TP-UDL): user data length 200 exceeds 160 "
                         "septets]",
               {raw}, false);
        // A concatenated message whose first PDU is cut short: not guessed.
        insert(++id, "+491701234567", "Hallo", {"0004", "0004"}, true);
    }
    Store store(path);
    Statement st = store.database().prepare("SELECT id, encoding FROM inbound ORDER BY id");
    std::size_t checked = 0;
    while (st.step()) {
        const auto id = st.int64(0);
        INFO("inbound " << id);
        const auto it = expected.find(id);
        if (it == expected.end()) {
            CHECK(st.is_null(1));
            continue;
        }
        CHECK(st.optional_text(1) == it->second);
        ++checked;
    }
    CHECK(checked == expected.size());
    // As inbound.list reads it.
    CHECK(store.get_inbound(1)->encoding == expected.at(1));
    CHECK_FALSE(store.get_inbound(static_cast<std::int64_t>(expected.size()) + 1)->encoding);
}

TEST_CASE("migration 11 indexes the inbound messages kept before it by modem",
          "[store][migrations]") {
    TempDir dir;
    const std::string path = database_left_at(
        dir, 10,
        "INSERT INTO inbound (modem, sender, text, received_at, raw_pdus) VALUES "
        "('office-1', '+4917001', 'a', 1, '[\"AA\"]'), "
        "('office-2', '+4917002', 'b', 2, '[\"BB\"]'), "
        "('office-1', '+4917003', 'c', 3, '[\"CC\"]');");
    Store store(path);
    CHECK_THAT(schema_names(store.database()), Catch::Contains("index inbound_modem on inbound\n"));
    const auto totals = store.modem_totals(t0());
    REQUIRE(totals.size() == 2);
    CHECK(totals[0].received == 2);
    CHECK(totals[1].received == 1);
}

TEST_CASE("migration 12 marks the messages kept before it that put their sender on the list",
          "[store][migrations][inbound]") {
    TempDir dir;
    const std::string path = database_left_at(
        dir, 11,
        "INSERT INTO inbound (id, modem, sender, text, received_at, raw_pdus) VALUES "
        "(1, 'gsm0', '+4917001', 'Stop', 1, '[\"AA\"]'),"
        "(2, 'gsm0', '+4917002', 'Hello', 2, '[\"BB\"]');"
        "INSERT INTO optouts (number, keyword, at, source_inbound_id, source) VALUES "
        "('+4917001', 'STOP', 1, 1, 'keyword'), ('+4917003', NULL, 3, NULL, 'api');");
    Store store(path);
    CHECK(rows_of(store.database(), "inbound", "id, keyword") == "[1,\"opt_out\"]\n[2,null]\n");
    // Only the matcher's kinds.
    CHECK_THROWS_AS(store.database().exec("UPDATE inbound SET keyword = 'STOP' WHERE id = 2"),
                    StoreError);
}

TEST_CASE("migration 13 keeps with each cost and ledger row the currency it was shown in",
          "[store][migrations]") {
    // What sms.currency held (JSON text; none: never set) → what the rows keep.
    const std::pair<std::string, std::string> cases[] = {
        {"", "EUR"}, {R"("EUR")", "EUR"}, {R"("PLN")", "PLN"},
        // Not a value smsgwd would take: it used the default.
        {R"("euro")", "EUR"}, {"978", "EUR"}};
    for (const auto& [stored, expected] : cases) {
        INFO("sms.currency " << stored);
        TempDir dir;
        const std::string setting =
            stored.empty() ? std::string()
                           : "INSERT INTO settings (key, value, updated_at) VALUES "
                             "('sms.currency', '" + stored + "', 1);";
        const std::string path = database_left_at(
            dir, 12,
            setting +
                "INSERT INTO messages (id, recipient, text, encoding, category, state, cost, "
                "created_at, updated_at) VALUES "
                "(1, '+491701234567', 'a', 'gsm7', 'transactional', 'sent', 90000, 1, 1),"
                "(2, '+491701234568', 'b', 'gsm7', 'marketing', 'queued', 0, 2, 2);"
                "INSERT INTO wallet_ledger (id, at, amount, balance_after, reason, message_id) "
                "VALUES (1, 1, 1950000, 1950000, 'top-up', NULL), (2, 1, -90000, 1860000, "
                "'send', 1);");
        Store store(path);
        Database& db = store.database();
        const std::string c = "\"" + expected + "\"";
        CHECK(rows_of(db, "messages", "id, cost, currency") ==
              "[1,90000," + c + "]\n[2,0," + c + "]\n");
        CHECK(rows_of(db, "wallet_ledger", "id, amount, currency") ==
              "[1,1950000," + c + "]\n[2,-90000," + c + "]\n");
        // As message.get, the ledger and the wallet read them.
        CHECK(store.get_message(1)->message.currency == expected);
        CHECK(store.ledger(std::nullopt, 1).at(0).currency == expected);
        CHECK(store.wallet().balance == 1'860'000);
        CHECK(store.wallet().currency == expected);
        // A row written from now on keeps its own.
        NewMessage priced = message("+491701234569");
        priced.cost = 50'000;
        priced.currency = "USD";
        const auto id = store.insert_messages({&priced, 1}, t0()).at(0).message_id;
        CHECK(store.get_message(id)->message.currency == "USD");
        CHECK(store.get_message(1)->message.currency == expected);
    }
}

TEST_CASE("migration 14 leaves the adder of the opt-outs kept before it unknown",
          "[store][migrations]") {
    TempDir dir;
    const std::string path = database_left_at(
        dir, 13,
        "INSERT INTO inbound (id, modem, sender, text, received_at, raw_pdus) VALUES "
        "(1, 'gsm0', '+4917001', 'Stop', 1, '[\"AA\"]');"
        "INSERT INTO optouts (number, keyword, at, source_inbound_id, source, note) VALUES "
        "('+4917001', 'STOP', 1, 1, 'keyword', NULL), ('+4917002', NULL, 2, NULL, 'api', "
        "'asked by phone');");
    Store store(path);
    CHECK(rows_of(store.database(), "optouts", "number, source, uid") ==
          R"(["+4917001","keyword",null])" "\n" R"(["+4917002","api",null])" "\n");
    OptOut by_hand;
    by_hand.number = "+4917003";
    by_hand.at = at_seconds(3);
    by_hand.uid = 1000;
    REQUIRE(store.add_optout(by_hand, false).added);
    CHECK(store.get_optout("+4917003")->uid == 1000);
    CHECK_FALSE(store.get_optout("+4917002")->uid);
    CHECK(store.list_optouts(std::nullopt, 1).at(0).uid == 1000);
}
