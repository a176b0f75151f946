// Inbound: concatenation fragments waiting for their siblings, received
// messages (raw PDUs kept), and the opt-out list their keywords feed. A
// fragment leaves the store only in the transaction that stores the message
// built from it, so a crash between the two cannot lose a received text.
#include "daemon/store/rows.hpp"
#include "daemon/store/sqlite.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::store {

void Store::record_seen_pdu(std::string_view modem, std::string_view pdu, Time at) {
    Statement st = db_->prepare(
        "INSERT INTO inbound_pdus_seen (modem, pdu, seen_at) VALUES (?, ?, ?) "
        "ON CONFLICT (modem, pdu) DO NOTHING");
    st.bind_all(modem, pdu, to_millis(at)).run();
}

bool Store::inbound_pdu_seen(std::string_view modem, std::string_view pdu) {
    Statement st = db_->prepare("SELECT 1 FROM inbound_pdus_seen WHERE modem = ? AND pdu = ?");
    st.bind_all(modem, pdu);
    return st.step();
}

int Store::forget_seen_pdus(Time older_than) {
    Transaction tx(*db_);
    Statement st = db_->prepare("DELETE FROM inbound_pdus_seen WHERE seen_at < ?");
    st.bind(1, to_millis(older_than)).run();
    const int forgotten = db_->changes();
    tx.commit();
    return forgotten;
}

std::optional<std::int64_t> Store::store_fragment(const Fragment& f) {
    Transaction tx(*db_);
    record_seen_pdu(f.modem, f.pdu, f.received_at);
    Statement st = db_->prepare(
        "INSERT INTO inbound_fragments (modem, sender, ref, total, seq, text, pdu, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sender, ref, total, modem, seq) DO NOTHING");
    st.bind_all(f.modem, f.sender, f.ref, f.total, f.seq, f.text, f.pdu, to_millis(f.received_at))
        .run();
    std::optional<std::int64_t> added;
    if (db_->changes() > 0) added = db_->last_insert_rowid();
    tx.commit();
    return added;
}

std::vector<Fragment> Store::fragments_for(std::string_view modem, std::string_view sender, int ref,
                                           int total) {
    static const std::string sql =
        "SELECT " + rows::fragment_columns +
        " FROM inbound_fragments WHERE sender = ? AND ref = ? AND total = ? AND modem = ?"
        " ORDER BY seq";
    return rows::all(*db_, sql, rows::fragment, sender, ref, total, modem);
}

std::vector<FragmentGroup> Store::expired_fragments(Time older_than) {
    std::vector<FragmentGroup> groups;
    {
        Statement st = db_->prepare(
            "SELECT DISTINCT modem, sender, ref, total FROM inbound_fragments WHERE received_at < "
            "? "
            "ORDER BY received_at");
        st.bind(1, to_millis(older_than));
        while (st.step()) {
            FragmentGroup g;
            g.modem = st.text(0);
            g.sender = st.text(1);
            g.ref = static_cast<int>(st.int64(2));
            g.total = static_cast<int>(st.int64(3));
            groups.push_back(std::move(g));
        }
    }
    for (FragmentGroup& g : groups) g.fragments = fragments_for(g.modem, g.sender, g.ref, g.total);
    return groups;
}

std::int64_t Store::insert_inbound(const NewInbound& in,
                                   std::span<const std::int64_t> consumed_fragments) {
    Transaction tx(*db_);
    for (std::int64_t id : consumed_fragments) {
        Statement st = db_->prepare("DELETE FROM inbound_fragments WHERE id = ?");
        st.bind(1, id).run();
        if (db_->changes() != 1)
            throw StoreError("insert_inbound: fragment " + std::to_string(id) +
                             " is gone (already consumed)");
    }
    Statement st = db_->prepare(
        "INSERT INTO inbound (modem, sender, text, received_at, raw_pdus, complete, concat_ref, "
        "parts_total, parts_received, encoding, keyword) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind_all(in.modem, in.sender, in.text, to_millis(in.received_at),
                rows::json_array(in.raw_pdus), in.complete, in.concat_ref, in.parts_total,
                static_cast<std::int64_t>(in.raw_pdus.size()), in.encoding, in.keyword);
    st.run();
    const std::int64_t id = db_->last_insert_rowid();
    for (const std::string& pdu : in.raw_pdus) record_seen_pdu(in.modem, pdu, in.received_at);
    tx.commit();
    return id;
}

namespace {

Inbound read_inbound(Database& db, const Statement& st) {
    Inbound in;
    in.id = st.int64(0);
    in.modem = st.text(1);
    in.sender = st.text(2);
    in.text = st.text(3);
    in.received_at = from_millis(st.int64(4));
    in.complete = st.int64(6) != 0;
    in.concat_ref = rows::optional_int(st, 7);
    in.parts_total = static_cast<int>(st.int64(8));
    in.parts_received = static_cast<int>(st.int64(9));
    in.encoding = st.optional_text(10);
    in.keyword = st.optional_text(11);
    Statement pdus = db.prepare("SELECT value FROM json_each(?) ORDER BY key");
    pdus.bind(1, st.text(5));
    while (pdus.step()) in.raw_pdus.push_back(pdus.text(0));
    return in;
}

}  // namespace

std::optional<Inbound> Store::get_inbound(std::int64_t id) {
    static const std::string sql = "SELECT " + rows::inbound_columns + " FROM inbound WHERE id = ?";
    Statement st = db_->prepare(sql);
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return read_inbound(*db_, st);
}

std::vector<Inbound> Store::list_inbound(const InboundFilter& filter,
                                         std::optional<std::int64_t> before_id, int limit) {
    // A time window reads its range of inbound_received_at (and sorts that
    // range by id) rather than walking every newer row by id; the planner has
    // no statistics to know that, so it is told.
    const bool by_time = (filter.since || filter.until) && !filter.sender;
    std::string sql = "SELECT " + rows::inbound_columns + " FROM inbound" +
                      (by_time ? " INDEXED BY inbound_received_at" : "") + " WHERE 1";
    if (filter.sender) sql += " AND sender = :sender";
    if (filter.modem) sql += " AND modem = :modem";
    if (filter.since) sql += " AND received_at >= :since";
    if (filter.until) sql += " AND received_at < :until";
    if (before_id) sql += " AND id < :before";
    sql += " ORDER BY id DESC LIMIT :limit";
    Statement st = db_->prepare(sql);
    int i = 0;
    if (filter.sender) st.bind(++i, *filter.sender);
    if (filter.modem) st.bind(++i, *filter.modem);
    if (filter.since) st.bind(++i, to_millis(*filter.since));
    if (filter.until) st.bind(++i, to_millis(*filter.until));
    if (before_id) st.bind(++i, *before_id);
    st.bind(++i, std::max(limit, 0));
    std::vector<Inbound> out;
    while (st.step()) out.push_back(read_inbound(*db_, st));
    return out;
}

Store::OptOutAdded Store::add_optout(const OptOut& o, bool keep_transactional) {
    Transaction tx(*db_);
    OptOutAdded out;
    {
        Statement st = db_->prepare(
            "INSERT INTO optouts (number, keyword, at, source_inbound_id, source, note, uid) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (number) DO NOTHING");
        st.bind_all(o.number, o.keyword, to_millis(o.at), o.source_inbound_id, o.source, o.note,
                    o.uid)
            .run();
        out.added = db_->changes() > 0;
    }
    if (!out.added) return out;
    std::vector<std::int64_t> ids;
    {
        // messages_recipient_id finds them; only messages still queued whole:
        // a part with a modem (claimed, in AT+CMGS or sent) leaves the message
        // to finish, as a handset would show half of it otherwise.
        Statement st = db_->prepare(
            "SELECT m.id FROM messages m WHERE m.recipient = ?1 AND m.state = 'queued'"
            " AND (?2 = 0 OR m.category = 'marketing')"
            " AND NOT EXISTS (SELECT 1 FROM parts p WHERE p.message_id = m.id"
            " AND p.state <> 'queued') ORDER BY m.id");
        st.bind(1, o.number).bind(2, keep_transactional ? 1 : 0);
        while (st.step()) ids.push_back(st.int64(0));
    }
    const std::string why =
        o.keyword ? "cancelled: the recipient opted out with \"" + *o.keyword + "\""
                  : "cancelled: the number was put on the opt-out list";
    for (const std::int64_t id : ids) out.cancelled.push_back(cancel_queued(id, parts_of(id), o.at, why));
    tx.commit();
    return out;
}

bool Store::remove_optout(std::string_view number) {
    Transaction tx(*db_);
    Statement st = db_->prepare("DELETE FROM optouts WHERE number = ?");
    st.bind(1, number).run();
    const bool removed = db_->changes() > 0;
    tx.commit();
    return removed;
}

std::optional<OptOut> Store::get_optout(std::string_view number) {
    static const std::string sql =
        "SELECT " + rows::optout_columns + " FROM optouts WHERE number = ?";
    return rows::one(*db_, sql, rows::optout, number);
}

std::vector<OptOut> Store::list_optouts(std::optional<std::int64_t> before_id, int limit) {
    static const std::string sql =
        "SELECT " + rows::optout_columns + " FROM optouts WHERE id < ? ORDER BY id DESC LIMIT ?";
    return rows::all(*db_, sql, rows::optout, before_id.value_or(INT64_MAX), std::max(limit, 0));
}

}  // namespace smsgw::store
