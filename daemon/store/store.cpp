// Opening the store (pragmas, migrations), the bookkeeping every transition
// shares (state_changes, the message state derived from its parts), and reads.
//
// Durability: WAL with synchronous=FULL. DESIGN.md acknowledges a `send` only
// after its transaction commits and promises it survives a crash at any
// instant, power loss included. In WAL mode synchronous=NORMAL fsyncs only at
// checkpoints, so the last commits before a power cut can vanish after the
// client was told "queued" — that breaks the contract. FULL fsyncs the WAL at
// every commit; its cost is one fsync per transaction, which the daemon's group
// commit (insert_messages takes a batch) spreads over every submission that
// arrived meanwhile. tests/bench/store_bench.cpp measures both modes.
#include "daemon/store/store.hpp"

#include <algorithm>
#include <mutex>

#include "daemon/store/migrations.hpp"
#include "daemon/store/rows.hpp"
#include "daemon/store/sqlite.hpp"

namespace smsgw::store {

struct Store::SharedRetry {
    mutable std::mutex mutex;
    RetryPolicy policy;
};

Store::Store(const std::string& path, StoreOptions options)
    : Store(path, std::move(options), Sibling{}) {
    migrate();
    db_->share_write_gate(std::make_shared<std::mutex>());
    retry_ = std::make_shared<SharedRetry>();
    retry_->policy = options_.retry;
}

Store::Store(const std::string& path, StoreOptions options, Sibling)
    : path_(path), options_(std::move(options)), db_(std::make_unique<Database>(path)) {
    configure();
}

std::unique_ptr<Store> Store::another_connection() const {
    std::unique_ptr<Store> other(new Store(path_, options_, Sibling{}));
    other->db_->share_write_gate(db_->write_gate());
    other->retry_ = retry_;
    return other;
}

void Store::set_retry_policy(RetryPolicy policy) {
    std::lock_guard lock(retry_->mutex);
    retry_->policy = std::move(policy);
}

RetryPolicy Store::retry_policy() const {
    std::lock_guard lock(retry_->mutex);
    return retry_->policy;
}

Store::~Store() = default;

void Store::configure() {
    db_->exec("PRAGMA busy_timeout = " + std::to_string(options_.busy_timeout.count()));
    // A new database gets pages of 1 KiB rather than SQLite's 4 KiB. Every
    // commit appends each page it changed to the WAL and fdatasyncs it; a
    // one-message send changes about nine pages (the message, its part, its
    // history and their indexes), so with 1 KiB pages it writes 9 KiB instead
    // of 37 KiB before the sync that the client's reply waits for. A database
    // that exists keeps the page size it was made with (SQLite cannot change
    // it in WAL mode); it must be set before the WAL mode is, which writes the
    // first page. tests/bench/README.md has the measurements.
    db_->exec("PRAGMA page_size = " + std::to_string(new_database_page_size));
    {
        Statement st = db_->prepare("PRAGMA journal_mode = WAL");
        if (!st.step() || st.text(0) != "wal")
            throw StoreError(
                "cannot switch the database to WAL mode (is it on a network file system?)");
    }
    db_->exec(options_.durability == StoreOptions::Durability::full
                  ? "PRAGMA synchronous = FULL"
                  : "PRAGMA synchronous = NORMAL");
    db_->exec("PRAGMA foreign_keys = ON");
    db_->exec("PRAGMA temp_store = MEMORY");
    // 8 MiB of page cache: DESIGN's footprint is 64 MiB with a million queued.
    db_->exec("PRAGMA cache_size = -8192");
    // A checkpoint (which fsyncs the database file) after every 4 MiB of WAL,
    // whatever the page size: SQLite counts 1,000 pages, which with 1 KiB
    // pages would checkpoint a burst of submissions four times as often.
    constexpr std::int64_t checkpoint_bytes = 4 << 20;
    db_->exec("PRAGMA wal_autocheckpoint = " +
              std::to_string(checkpoint_bytes / db_->pragma_int("page_size")));
    // After a checkpoint, truncate a WAL grown by a burst back to 64 MiB.
    db_->exec("PRAGMA journal_size_limit = 67108864");
}

Store::Batch::Batch(Store& store, Atomicity atomicity)
    : tx_(std::make_unique<Transaction>(*store.db_, atomicity == Atomicity::per_operation
                                                        ? Transaction::Nested::savepoint
                                                        : Transaction::Nested::plain)) {}
Store::Batch::~Batch() = default;
void Store::Batch::commit() {
    tx_->commit();
}

int Store::latest_schema_version() {
    return migrations().back().version;
}

int Store::schema_version() const {
    return static_cast<int>(db_->pragma_int("user_version"));
}

void Store::migrate() {
    const int latest = latest_schema_version();
    version_found_ = schema_version();
    if (version_found_ > latest)
        throw StoreError("database schema version " + std::to_string(version_found_) +
                         " is newer than this smsgwd (" + std::to_string(latest) +
                         "); run a newer smsgwd or restore a backup made for this one");
    if (version_found_ == latest) return;
    // A migration may rebuild a table that others reference (SQLite cannot
    // alter a CHECK): with enforcement on, dropping the old table would run its
    // ON DELETE actions on the referencing rows. Enforcement is off while the
    // migrations run (it can only change outside a transaction) and the keys
    // are checked before the upgrade commits (lang_altertable.html).
    db_->exec("PRAGMA foreign_keys = OFF");
    struct EnforceKeysAgain {
        Database& db;
        ~EnforceKeysAgain() {
            try {
                db.exec("PRAGMA foreign_keys = ON");
            } catch (const StoreError&) {
                // Outside a transaction the pragma does not fail; a destructor must not throw.
            }
        }
    } enforce_again{*db_};
    // Every pending migration in one transaction: an upgrade happens whole or
    // not at all, and the key check (a scan of every referencing table) runs
    // once, after the last one.
    Transaction tx(*db_);
    // Another process may have migrated since we looked: re-read under the lock.
    version_found_ = schema_version();
    std::string ran;
    for (const Migration& m : migrations()) {
        if (m.version <= version_found_) continue;
        try {
            db_->exec(m.sql);
        } catch (const StoreError& e) {
            throw StoreError("migration " + std::string(m.name) + " failed: " + e.what(),
                             e.sqlite_code());
        }
        ran += (ran.empty() ? "" : ", ") + std::string(m.name);
    }
    if (ran.empty()) return;
    try {
        check_foreign_keys();
    } catch (const StoreError& e) {
        throw StoreError("migration " + ran + " failed: " + e.what(), e.sqlite_code());
    }
    db_->exec("PRAGMA user_version = " + std::to_string(latest));
    tx.commit();
}

void Store::check_foreign_keys() {
    Statement st = db_->prepare("PRAGMA foreign_key_check");
    if (!st.step()) return;
    // (table, rowid, referenced table, constraint index)
    throw StoreError("foreign key violated: " + st.text(0) + " row " +
                     std::to_string(st.int64(1)) + " refers to a missing row of " + st.text(2));
}

void Store::record_change(std::string_view entity, std::int64_t id, std::optional<State> from,
                          State to, Time at, std::optional<std::string_view> detail) {
    Statement st = db_->prepare(
        "INSERT INTO state_changes (entity, entity_id, from_state, to_state, at, detail) VALUES "
        "(?, ?, ?, ?, ?, ?)");
    st.bind(1, entity).bind(2, id);
    if (from)
        st.bind(3, to_string(*from));
    else
        st.bind(3, std::nullopt);
    st.bind(4, to_string(to)).bind(5, to_millis(at)).bind(6, detail);
    st.run();
}

void Store::record_changes(std::string_view entity, const std::string& ids_json, State from,
                           State to, Time at, std::optional<std::string_view> detail) {
    Statement st = db_->prepare(
        "INSERT INTO state_changes (entity, entity_id, from_state, to_state, at, detail) "
        "SELECT ?1, value, ?2, ?3, ?4, ?5 FROM json_each(?6) ORDER BY key");
    st.bind_all(entity, to_string(from), to_string(to), to_millis(at), detail, ids_json);
    st.run();
}

std::pair<State, State> Store::refresh_message_state(std::int64_t message_id, Time at) {
    // The message's error: its first failed part's, or, for a message left
    // uncertain, why its first uncertain part is (the user decides on a resend).
    std::vector<State> states;
    std::optional<std::string> failure;
    std::optional<std::string> uncertainty;
    {
        Statement st = db_->prepare(
            "SELECT state, error, seq, total FROM parts WHERE message_id = ? ORDER BY seq");
        st.bind(1, message_id);
        while (st.step()) {
            const State state = rows::state(st, 0);
            states.push_back(state);
            if (state != State::failed && state != State::uncertain) continue;
            auto& reason = state == State::failed ? failure : uncertainty;
            if (!reason)
                reason = "part " + std::to_string(st.int64(2)) + "/" +
                         std::to_string(st.int64(3)) + ": " +
                         st.optional_text(1).value_or(std::string(to_string(state)));
        }
    }
    State before;
    {
        Statement st = db_->prepare("SELECT state FROM messages WHERE id = ?");
        st.bind(1, message_id);
        if (!st.step()) throw StoreError("message " + std::to_string(message_id) + " not found");
        before = rows::state(st, 0);
    }
    const State after = derive_message_state(states);
    if (after != before) {
        const std::optional<std::string>& error = after == State::failed      ? failure
                                                  : after == State::uncertain ? uncertainty
                                                                              : std::nullopt;
        Statement st =
            db_->prepare("UPDATE messages SET state = ?, error = ?, updated_at = ? WHERE id = ?");
        st.bind_all(to_string(after), error, to_millis(at), message_id);
        st.run();
        record_change("message", message_id, before, after, at,
                      error ? std::optional<std::string_view>(*error) : std::nullopt);
    }
    // Also when it stays failed: a part that was in AT+CMGS may have just ended unsent.
    refund_unsent(message_id, after, at);
    return {before, after};
}

Part Store::load_part(std::int64_t part_id) {
    static const std::string sql = "SELECT " + rows::part_columns + " FROM parts p WHERE p.id = ?";
    auto part = rows::one(*db_, sql, rows::part, part_id);
    if (!part) throw StoreError("part " + std::to_string(part_id) + " not found");
    return *part;
}

void Store::set_part_state(const Part& part, State to, Time at,
                           std::optional<std::string_view> detail) {
    // `written` belongs to one claim: whatever the part becomes, it is over.
    Statement st = db_->prepare("UPDATE parts SET state = ?, written = 0 WHERE id = ?");
    st.bind_all(to_string(to), part.id).run();
    record_change("part", part.id, part.state, to, at, detail);
}

std::optional<std::pair<State, State>> Store::follow_single_part(const Part& part, State to,
                                                                 Time at) {
    // A failed or uncertain message takes its error from the part: refreshed whole.
    if (part.total != 1 || to == State::failed || to == State::uncertain) return std::nullopt;
    const State one_before[] = {part.state};
    const State one_after[] = {to};
    const State before = derive_message_state(one_before);
    const State after = derive_message_state(one_after);
    if (after == before) return std::pair{before, after};
    Statement st = db_->prepare(
        "UPDATE messages SET state = ?, error = NULL, updated_at = ? WHERE id = ? AND state = ?");
    st.bind_all(to_string(after), to_millis(at), part.message_id, to_string(before)).run();
    if (db_->changes() != 1) return std::nullopt;
    record_change("message", part.message_id, before, after, at, std::nullopt);
    refund_unsent(part.message_id, after, at);
    return std::pair{before, after};
}

StateUpdate Store::finish_update(const Part& part, State part_state, Time at) {
    const auto followed = follow_single_part(part, part_state, at);
    auto [from, to] = followed ? *followed : refresh_message_state(part.message_id, at);
    StateUpdate u;
    u.part_id = part.id;
    u.message_id = part.message_id;
    u.part_state = part_state;
    u.message_from = from;
    u.message_to = to;
    return u;
}

std::vector<Part> Store::parts_of(std::int64_t message_id) {
    static const std::string parts_sql =
        "SELECT " + rows::part_columns + " FROM parts p WHERE p.message_id = ? ORDER BY p.seq";
    return rows::all(*db_, parts_sql, rows::part, message_id);
}

std::optional<MessageDetail> Store::get_message(std::int64_t message_id) {
    auto message = find_message(message_id);
    if (!message) return std::nullopt;
    return MessageDetail{std::move(*message), parts_of(message_id)};
}

std::optional<Message> Store::find_message(std::int64_t message_id) {
    static const std::string sql =
        "SELECT " + rows::message_columns + " FROM messages m WHERE m.id = ?";
    return rows::one(*db_, sql, rows::message, message_id);
}

std::vector<Message> Store::find_messages(std::span<const std::int64_t> message_ids) {
    static const std::string sql = "SELECT " + rows::message_columns +
                                   " FROM messages m WHERE m.id IN (SELECT value FROM json_each(?))";
    return rows::all(*db_, sql, rows::message, rows::json_array(message_ids));
}

std::optional<Message> Store::find_by_idempotency_key(std::string_view key) {
    static const std::string sql =
        "SELECT " + rows::message_columns + " FROM messages m WHERE m.idempotency_key = ?";
    return rows::one(*db_, sql, rows::message, key);
}

bool Store::queued_since(std::string_view recipient, std::string_view key_prefix, Time since) {
    // The recipient's messages by (recipient, id), newest first; the scan stops
    // at the first one too old, since ids grow with created_at.
    Statement st = db_->prepare(
        "SELECT created_at, substr(idempotency_key, 1, ?) = ? FROM messages INDEXED BY "
        "messages_recipient_id WHERE recipient = ? ORDER BY id DESC");
    st.bind_all(static_cast<std::int64_t>(key_prefix.size()), key_prefix, recipient);
    const std::int64_t from = to_millis(since);
    while (st.step()) {
        if (st.int64(0) < from) return false;
        if (st.int64(1) != 0) return true;
    }
    return false;
}

std::vector<Message> Store::list_messages(const MessageFilter& filter,
                                          std::optional<std::int64_t> before_id, int limit) {
    // The WHERE clause has only the terms in use, so SQLite can pick the
    // (state, id) or (recipient, id) index and walk it backwards from before_id.
    std::string sql = "SELECT " + rows::message_columns + " FROM messages m WHERE 1";
    if (filter.state) sql += " AND m.state = :state";
    if (filter.recipient) sql += " AND m.recipient = :recipient";
    if (filter.modem) sql += " AND m.modem = :modem";
    if (filter.category) sql += " AND m.category = :category";
    if (filter.since) sql += " AND m.created_at >= :since";
    if (filter.until) sql += " AND m.created_at < :until";
    if (before_id) sql += " AND m.id < :before";
    sql += " ORDER BY m.id DESC LIMIT :limit";
    Statement st = db_->prepare(sql);
    int i = 0;
    if (filter.state) st.bind(++i, to_string(*filter.state));
    if (filter.recipient) st.bind(++i, *filter.recipient);
    if (filter.modem) st.bind(++i, *filter.modem);
    if (filter.category) st.bind(++i, *filter.category);
    if (filter.since) st.bind(++i, to_millis(*filter.since));
    if (filter.until) st.bind(++i, to_millis(*filter.until));
    if (before_id) st.bind(++i, *before_id);
    st.bind(++i, std::max(limit, 0));
    std::vector<Message> out;
    while (st.step()) out.push_back(rows::message(st));
    return out;
}

std::vector<StateChange> Store::message_history(std::int64_t message_id) {
    Statement st = db_->prepare(
        "SELECT entity, entity_id, from_state, to_state, at, detail, id FROM state_changes "
        "WHERE entity = 'message' AND entity_id = ?1 "
        "UNION ALL "
        "SELECT s.entity, s.entity_id, s.from_state, s.to_state, s.at, s.detail, s.id FROM parts p "
        "JOIN state_changes s ON s.entity = 'part' AND s.entity_id = p.id WHERE p.message_id = ?1 "
        "ORDER BY 7");
    st.bind(1, message_id);
    std::vector<StateChange> out;
    while (st.step()) {
        StateChange c;
        c.entity = st.text(0);
        c.entity_id = st.int64(1);
        if (!st.is_null(2)) c.from = rows::state(st, 2);
        c.to = rows::state(st, 3);
        c.at = from_millis(st.int64(4));
        c.detail = st.optional_text(5);
        out.push_back(std::move(c));
    }
    return out;
}

std::int64_t Store::queue_length() {
    Statement st = db_->prepare(
        "SELECT (SELECT count(*) FROM messages WHERE state = 'queued') + "
        "(SELECT count(*) FROM messages WHERE state = 'sending')");
    st.step();
    return st.int64(0);
}

Stats Store::stats() {
    Stats s;
    {
        Statement st = db_->prepare("SELECT state, count(*) FROM messages GROUP BY state");
        while (st.step()) s.messages[static_cast<std::size_t>(rows::state(st, 0))] = st.int64(1);
    }
    Statement st = db_->prepare(
        "SELECT (SELECT count(*) FROM parts WHERE state = 'queued'), (SELECT count(*) FROM "
        "inbound), "
        "(SELECT count(*) FROM inbound_fragments), (SELECT count(*) FROM optouts)");
    st.step();
    s.parts_queued = st.int64(0);
    s.inbound = st.int64(1);
    s.fragments_waiting = st.int64(2);
    s.optouts = st.int64(3);
    return s;
}

}  // namespace smsgw::store
