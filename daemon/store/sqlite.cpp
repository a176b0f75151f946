// The RAII wrappers of sqlite.hpp over SQLite's C API.
#include "daemon/store/sqlite.hpp"

#include <sqlite3.h>

namespace smsgw::store {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
    std::string message(what);
    message += ": ";
    message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw StoreError(message, rc);
}

}  // namespace

Statement::~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) fail(db_, rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, double value) {
    if (int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) fail(db_, rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8);
    if (rc != SQLITE_OK) fail(db_, rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
    if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) fail(db_, rc, "bind");
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    std::string what = "step: ";
    what += sqlite3_sql(stmt_);
    fail(db_, rc, what);
}

void Statement::run() {
    while (step()) {
    }
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text(int column) const {
    const auto* data = sqlite3_column_text(stmt_, column);
    if (!data) return {};
    return std::string(reinterpret_cast<const char*>(data),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
    if (is_null(column)) return std::nullopt;
    return int64(column);
}

std::optional<std::string> Statement::optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
}

void Database::Finalize::operator()(sqlite3_stmt* stmt) const {
    sqlite3_finalize(stmt);
}

Database::Database(const std::string& path) {
    // SQLite keeps memory statistics behind a global mutex taken on every
    // allocation; nothing here reads them. Only possible before SQLite is
    // initialised, so once per process and before the first open.
    static const bool memstatus_off = [] {
        return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
    }();
    (void)memstatus_off;
    int rc =
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string what = "cannot open database " + path;
        if (db_) {
            what += ": ";
            what += sqlite3_errmsg(db_);
            sqlite3_close(db_);
        }
        throw StoreError(what, rc);
    }
    sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
    cache_.clear();  // statements first: sqlite3_close refuses while any is alive
    sqlite3_close(db_);
}

void Database::exec(std::string_view sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string what = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw StoreError(what, rc);
    }
}

Statement Database::prepare(std::string_view sql) {
    auto it = cache_.find(sql);  // no std::string built for a cache hit
    if (it == cache_.end()) {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) fail(db_, rc, "prepare " + std::string(sql));
        it = cache_.emplace(std::string(sql), std::unique_ptr<sqlite3_stmt, Finalize>(stmt)).first;
    }
    // A lease of this SQL is still stepping: a second one would reset it under
    // the first. Nested reads must use different SQL.
    if (sqlite3_stmt_busy(it->second.get()))
        throw StoreError("statement already in use: " + std::string(sql));
    return Statement(it->second.get(), db_);
}

std::int64_t Database::pragma_int(std::string_view name) {
    std::string sql = "PRAGMA ";
    sql += name;
    Statement st = prepare(sql);
    if (!st.step()) throw StoreError(sql + " answered nothing");
    return st.int64(0);
}

std::vector<std::string> Database::prepared_sql() const {
    std::vector<std::string> out;
    for (const auto& [sql, stmt] : cache_) out.push_back(sql);
    return out;
}

std::int64_t Database::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const {
    return sqlite3_changes(db_);
}

std::int64_t Database::total_changes() const {
    return sqlite3_total_changes64(db_);
}

Transaction::Transaction(Database& db, Nested inner)
    : db_(db), nested_(sqlite3_get_autocommit(db.handle()) == 0) {
    if (nested_ && db_.plain_nesting_) {
        plain_ = true;
        return;
    }
    if (!nested_ && db_.write_gate()) gate_ = std::unique_lock(*db_.write_gate());
    db_.prepare(nested_ ? "SAVEPOINT op" : "BEGIN IMMEDIATE").run();
    if (!nested_) db_.plain_nesting_ = inner == Nested::plain;
}

Transaction::~Transaction() {
    if (plain_ || !open_) return;
    // Only while it is open does the outermost one own the nesting mode: once
    // committed, the next transaction on this connection has set its own.
    if (!nested_) db_.plain_nesting_ = false;
    // A rollback that fails leaves SQLite to roll back on close (or the outer
    // transaction to fail its commit); never throw here.
    if (nested_) {
        sqlite3_exec(db_.handle(), "ROLLBACK TO op", nullptr, nullptr, nullptr);
        sqlite3_exec(db_.handle(), "RELEASE op", nullptr, nullptr, nullptr);
    } else {
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void Transaction::commit() {
    if (plain_) return;
    db_.prepare(nested_ ? "RELEASE op" : "COMMIT").run();
    open_ = false;
    if (!nested_) db_.plain_nesting_ = false;
    if (gate_.owns_lock()) gate_.unlock();
}

}  // namespace smsgw::store
