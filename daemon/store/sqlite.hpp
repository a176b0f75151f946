// Small RAII types over SQLite's C API: a Database connection that caches its
// prepared statements, a Statement lease that binds, steps, reads columns and
// resets itself when it goes out of scope (an un-reset statement keeps a read
// snapshot open and stalls WAL checkpoints), and a Transaction that rolls back
// unless committed. sqlite3.h stays out of this header.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/store/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace smsgw::store {

// A prepared statement borrowed from the Database's cache. Binding indexes
// start at 1, column indexes at 0, as in SQLite.
class Statement {
  public:
    Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const std::string& value) {
        return bind(index, std::string_view(value));
    }
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, std::nullopt_t);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind(index, std::nullopt);
    }
    // Binds the arguments to parameters 1, 2, 3, …
    template <typename... Args>
    Statement& bind_all(const Args&... args) {
        int index = 0;
        (bind(++index, args), ...);
        return *this;
    }

    // true: a row is ready to read; false: the statement is done.
    bool step();
    // Steps a statement that returns no rows (INSERT/UPDATE/DELETE).
    void run();

    bool is_null(int column) const;
    std::int64_t int64(int column) const;
    std::string text(int column) const;
    std::optional<std::int64_t> optional_int64(int column) const;
    std::optional<std::string> optional_text(int column) const;

  private:
    sqlite3_stmt* stmt_;
    sqlite3* db_;
};

class Database {
  public:
    // Opens (creating if needed) the file at path, read-write.
    explicit Database(const std::string& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs one or more statements with no parameters and no rows (pragmas, DDL).
    void exec(std::string_view sql);
    // The prepared statement for sql, prepared once per connection and reset
    // when the returned lease ends.
    Statement prepare(std::string_view sql);
    // The single integer a pragma such as user_version answers.
    std::int64_t pragma_int(std::string_view name);

    // The SQL of every statement prepared so far (for query-plan tests).
    std::vector<std::string> prepared_sql() const;

    std::int64_t last_insert_rowid() const;
    int changes() const;
    // Rows changed through this connection since it opened.
    std::int64_t total_changes() const;
    sqlite3* handle() const { return db_; }

    // Connections of one process to one file share a write gate: a Transaction
    // takes it before BEGIN IMMEDIATE and holds it to its COMMIT or ROLLBACK.
    // SQLite's own lock would make the second writer poll (busy_timeout sleeps
    // in steps of milliseconds); the gate makes it wait exactly as long as the
    // other commit lasts.
    void share_write_gate(std::shared_ptr<std::mutex> gate) { gate_ = std::move(gate); }
    const std::shared_ptr<std::mutex>& write_gate() const { return gate_; }

  private:
    friend class Transaction;
    bool plain_nesting_ = false;  // set by the open outermost Transaction
    sqlite3* db_ = nullptr;
    std::shared_ptr<std::mutex> gate_;
    struct Finalize {
        void operator()(sqlite3_stmt* stmt) const;
    };
    // Looked up by string_view (heterogeneous lookup): a hit allocates nothing.
    struct SqlHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const {
            return std::hash<std::string_view>{}(sql);
        }
    };
    std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, Finalize>, SqlHash,
                       std::equal_to<>>
        cache_;
};

// BEGIN IMMEDIATE … COMMIT. IMMEDIATE takes the write lock up front, so a
// writer never fails half-way with SQLITE_BUSY on a read-to-write upgrade.
// BEGIN IMMEDIATE … COMMIT; inside another transaction (Store::Batch) a
// SAVEPOINT instead, so an operation stays atomic within the caller's batch and
// only the outermost commit reaches the disk.
class Transaction {
  public:
    // How the transactions opened inside this one (the outermost) behave: as
    // savepoints, or as nothing at all — this one's rollback undoes them.
    enum class Nested { savepoint, plain };
    explicit Transaction(Database& db, Nested inner = Nested::savepoint);
    ~Transaction();  // rolls back unless commit() returned
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    Database& db_;
    std::unique_lock<std::mutex> gate_;  // the outermost transaction's, see Database
    bool open_ = true;
    bool nested_ = false;
    bool plain_ = false;  // nested in an outer transaction that opens no savepoints
};

}  // namespace smsgw::store
