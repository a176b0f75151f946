// The outbound queue: accepting batches (idempotency, wallet), claiming parts
// for a modem, and every transition a part makes until its status report.
#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "daemon/store/rows.hpp"
#include "daemon/store/sqlite.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::store {
namespace {

// prefixes as a JSON array for json_each(), so one cached statement serves any list.

const std::string queued_parts_sql =
    "SELECT " + rows::part_columns + " FROM parts p WHERE p.message_id = ? AND p.state = 'queued'";
// A part's siblings not yet handed to the network: queued, or claimed with it
// by the same modem and never written (one AT+CMGS at a time per modem, and a
// message goes through one modem, so while this part's outcome is recorded no
// sibling is in AT+CMGS; the scheduler drops what it holds of the message).
const std::string unsent_siblings_sql = "SELECT " + rows::part_columns +
                                        " FROM parts p WHERE p.message_id = ? AND p.id <> ? AND "
                                        "p.state IN ('queued', 'sending')";

void require_state(const Part& part, State expected, std::string_view operation) {
    if (part.state != expected)
        throw StoreError(std::string(operation) + ": part " + std::to_string(part.id) + " is " +
                         std::string(to_string(part.state)) + ", not " +
                         std::string(to_string(expected)));
}

// TS 23.040 §9.2.3.15, TP-Status: bits 6..5 say what the SC is doing.
enum class ReportOutcome { delivered, still_trying, failed, unknown };
ReportOutcome classify(int status) {
    if (status < 0x20) return ReportOutcome::delivered;     // transaction completed
    if (status < 0x40) return ReportOutcome::still_trying;  // temporary error, SC still trying
    if (status < 0x80) return ReportOutcome::failed;  // permanent, or temporary and SC gave up
    return ReportOutcome::unknown;                    // reserved values
}

constexpr int validity_period_expired = 0x46;

// What a TP-Status value means (TS 23.040 §9.2.3.15), for the part's error.
std::string_view status_meaning(int status) {
    switch (status) {
        case 0x00: return "received by the handset";
        case 0x01: return "forwarded to the handset, delivery not confirmed";
        case 0x02: return "replaced by the SMSC";
        case 0x20: case 0x60: return "congestion";
        case 0x21: case 0x61: return "the handset is busy";
        case 0x22: case 0x62: return "no response from the handset";
        case 0x23: case 0x63: return "service rejected";
        case 0x24: case 0x44: case 0x64: return "quality of service not available";
        case 0x25: case 0x65: return "error in the handset";
        case 0x40: return "remote procedure error";
        case 0x41: return "incompatible destination";
        case 0x42: return "connection rejected by the handset";
        case 0x43: return "not obtainable";
        case 0x45: return "no interworking available";
        case validity_period_expired: return "the validity period expired before delivery";
        case 0x47: return "deleted by the sender";
        case 0x48: return "deleted by the SMSC's administration";
        case 0x49: return "the message does not exist at the SMSC";
        default: return status >= 0x10 && status < 0x20 ? "delivered (SMSC-specific code)"
                                                        : "SMSC-specific or reserved code";
    }
}

std::string hex_status(int status) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string s = "TP-ST 0x";
    s += digits[(status >> 4) & 0xF];
    s += digits[status & 0xF];
    return s + " (" + std::string(status_meaning(status)) + ")";
}

}  // namespace

std::vector<InsertResult> Store::insert_messages(std::span<const NewMessage> batch, Time now,
                                                 bool charge_wallet) {
    std::vector<InsertResult> results;
    results.reserve(batch.size());
    // A key seen earlier in this batch: the id it got and the message.
    std::unordered_map<std::string_view, std::pair<std::int64_t, const NewMessage*>> batch_keys;
    Transaction tx(*db_);
    for (const NewMessage& m : batch) {
        if (m.parts.empty())
            throw std::invalid_argument("insert_messages: a message without parts");
        if (m.idempotency_key) {
            if (auto it = batch_keys.find(*m.idempotency_key); it != batch_keys.end()) {
                const NewMessage& first = *it->second.second;
                results.push_back({InsertResult::Kind::duplicate_in_batch, it->second.first, {},
                                   first.recipient == m.recipient && first.text == m.text});
                continue;
            }
            Statement st = db_->prepare(
                "SELECT id, recipient = ? AND text = ? FROM messages WHERE idempotency_key = ?");
            st.bind_all(m.recipient, m.text, *m.idempotency_key);
            if (st.step()) {
                results.push_back(
                    {InsertResult::Kind::existing, st.int64(0), {}, st.int64(1) != 0});
                continue;
            }
        }
        if (m.refuse_if_opted_out) {
            if (auto optout = get_optout(m.recipient)) {
                results.push_back({InsertResult::Kind::opted_out, 0, std::move(optout), true});
                continue;
            }
        }
        auto id = insert_one(m, now, charge_wallet);
        if (!id) {
            results.push_back({InsertResult::Kind::insufficient_balance, 0, {}, true});
            continue;
        }
        if (m.idempotency_key) batch_keys.emplace(*m.idempotency_key, std::pair(*id, &m));
        results.push_back({InsertResult::Kind::inserted, *id, {}, true});
    }
    tx.commit();
    return results;
}

std::optional<std::int64_t> Store::insert_one(const NewMessage& m, Time insert_time,
                                              bool charge_wallet) {
    // Checked before the insert so that a refusal leaves nothing to undo: a
    // wallet that holds less, or holds it in another currency (apply_ledger).
    const bool charged = charge_wallet && m.cost > 0;
    const Wallet wallet = charged ? this->wallet() : Wallet{};
    if (charged && (wallet.balance < m.cost || wallet.currency != m.currency)) return std::nullopt;
    const Time now = m.accepted_at.value_or(insert_time);
    const Time not_before = m.not_before.value_or(now);
    {
        Statement st = db_->prepare(
            "INSERT INTO messages (recipient, text, encoding, category, priority, not_before, "
            "expires_at, report, "
            "validity_minutes, requested_modem, idempotency_key, state, cost, currency, "
            "created_at, updated_at, caller_uid) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)");
        st.bind_all(
            m.recipient, m.text, m.encoding, m.category, m.priority, to_millis(not_before),
            m.expires_at ? std::optional<std::int64_t>(to_millis(*m.expires_at)) : std::nullopt,
            m.report, m.validity_minutes, m.requested_modem, m.idempotency_key, m.cost, m.currency,
            to_millis(now), to_millis(now), m.caller_uid);
        st.run();
    }
    const std::int64_t id = db_->last_insert_rowid();
    const int total = static_cast<int>(m.parts.size());
    for (int seq = 1; seq <= total; ++seq) {
        const NewPart& p = m.parts[static_cast<std::size_t>(seq - 1)];
        Statement st = db_->prepare(
            "INSERT INTO parts (message_id, seq, total, pdu, tpdu_length, priority, state, "
            "next_attempt_at, "
            "concat_ref) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)");
        st.bind_all(id, seq, total, p.pdu, p.tpdu_length, m.priority, to_millis(not_before),
                    p.concat_ref);
        st.run();
    }
    record_change("message", id, std::nullopt, State::queued, now, std::nullopt);
    if (charged) apply_ledger(wallet, -m.cost, m.currency, "send", id, m.caller_uid, now);
    return id;
}

std::vector<Part> Store::claim_next_parts(std::string_view modem, Time now, int limit,
                                          std::span<const std::string> route_prefixes,
                                          std::span<const std::string> exclude_prefixes,
                                          Written written, std::string_view sim) {
    // Walks parts_queue (state, priority DESC, message_id, seq) from the head;
    // rows not yet due or bound elsewhere are skipped, never sorted.
    static const std::string base = "SELECT " + rows::part_columns +
                                    " FROM parts p JOIN messages m ON m.id = p.message_id"
                                    " WHERE p.state = 'queued' AND p.next_attempt_at <= ?1"
                                    " AND (m.modem IS NULL OR m.modem = ?2)"
                                    " AND (m.requested_modem IS NULL OR m.requested_modem = ?2)"
                                    " AND (m.expires_at IS NULL OR m.expires_at > ?1)"
                                    " AND (m.sim IS NULL OR coalesce(?6, '') = '' OR m.sim = ?6)";
    static const std::string routed =
        " AND (m.modem = ?2 OR m.requested_modem = ?2 OR EXISTS (SELECT 1 FROM json_each(?4)"
        " WHERE substr(m.recipient, 1, length(value)) = value))";
    static const std::string excluded =
        " AND (m.modem = ?2 OR m.requested_modem = ?2 OR NOT EXISTS (SELECT 1 FROM json_each(?5)"
        " WHERE substr(m.recipient, 1, length(value)) = value))";
    static const std::string order = " ORDER BY p.priority DESC, p.message_id, p.seq LIMIT ?3";
    // One cached statement per combination: [routed][excluded].
    static const std::string sql[2][2] = {
        {base + order, base + excluded + order},
        {base + routed + order, base + routed + excluded + order}};
    const bool with_routes = !route_prefixes.empty();
    const bool with_exclusions = !exclude_prefixes.empty();
    Transaction tx(*db_);
    std::vector<Part> parts;
    {
        Statement st = db_->prepare(sql[with_routes][with_exclusions]);
        st.bind(1, to_millis(now)).bind(2, modem).bind(3, std::max(limit, 0)).bind(6, sim);
        if (with_routes) st.bind(4, rows::json_array(route_prefixes));
        if (with_exclusions) st.bind(5, rows::json_array(exclude_prefixes));
        while (st.step()) parts.push_back(rows::part(st));
    }
    if (parts.empty()) {
        tx.commit();
        return parts;
    }
    // Set-based, a few statements for the whole claim rather than four per
    // part: a modem quicker than the writer's commits claims hundreds at a
    // time, and the writer's time per part is what holds it back.
    std::vector<std::int64_t> ids;
    for (const Part& p : parts) ids.push_back(p.id);
    const std::string part_ids = rows::json_array(ids);
    const bool marked_written = written == Written::with_claim;
    db_->prepare(
           "UPDATE parts SET state = 'sending', modem = ?1, attempts = attempts + 1, written = ?2 "
           "WHERE id IN (SELECT value FROM json_each(?3))")
        .bind_all(modem, marked_written ? 1 : 0, part_ids)
        .run();
    record_changes("part", part_ids, State::queued, State::sending, now, modem);
    // A message of one part goes from queued to sending with it and is bound
    // in the same write (the common case); the others are bound, then derived
    // again from their parts.
    std::vector<std::int64_t> single;
    for (const Part& p : parts)
        if (p.total == 1) single.push_back(p.message_id);
    std::vector<std::int64_t> started;
    if (!single.empty()) {
        Statement start = db_->prepare(
            "UPDATE messages SET state = 'sending', modem = coalesce(modem, ?1), updated_at = ?2 "
            "WHERE id IN (SELECT value FROM json_each(?3)) AND state = 'queued' RETURNING id");
        start.bind_all(modem, to_millis(now), rows::json_array(single));
        while (start.step()) started.push_back(start.int64(0));
        std::sort(started.begin(), started.end());  // RETURNING has no order
        record_changes("message", rows::json_array(started), State::queued, State::sending, now,
                       std::nullopt);
    }
    std::vector<std::int64_t> messages;  // to bind and re-derive from their parts
    for (Part& p : parts) {
        p.written = marked_written;
        p.modem = std::string(modem);
        ++p.attempts;
        p.state = State::sending;
        if (std::binary_search(started.begin(), started.end(), p.message_id)) continue;
        if (std::find(messages.begin(), messages.end(), p.message_id) == messages.end())
            messages.push_back(p.message_id);
    }
    for (std::int64_t id : messages) {
        Statement bind = db_->prepare(
            "UPDATE messages SET modem = ?, updated_at = ? WHERE id = ? AND modem IS NULL");
        bind.bind_all(modem, to_millis(now), id).run();
        refresh_message_state(id, now);
    }
    if (!sim.empty()) {
        // Bound to the SIM as well: what the modem sends of them, the rest follows.
        std::vector<std::int64_t> bound;
        for (const Part& p : parts) bound.push_back(p.message_id);
        db_->prepare(
               "UPDATE messages SET sim = ?1 WHERE id IN (SELECT value FROM json_each(?2)) AND "
               "sim IS NULL")
            .bind_all(sim, rows::json_array(bound))
            .run();
    }
    tx.commit();
    return parts;
}

bool Store::mark_written(std::int64_t part_id) {
    // No history entry: the part's state does not change, and the write
    // follows at once (its result is what the history records).
    Statement st =
        db_->prepare("UPDATE parts SET written = 1 WHERE id = ? AND state = 'sending'");
    st.bind(1, part_id).run();
    return db_->changes() == 1;
}

std::optional<Time> Store::next_due_time(Time after) {
    // A SEARCH of parts_queue's queued range; only idle senders ask.
    Statement st = db_->prepare(
        "SELECT min(next_attempt_at) FROM parts WHERE state = 'queued' AND next_attempt_at > ?");
    st.bind(1, to_millis(after));
    if (!st.step() || st.is_null(0)) return std::nullopt;
    return from_millis(st.int64(0));
}

std::int64_t Store::sent_count(std::string_view modem, Time since) {
    // parts_report holds every part with a TP-MR, i.e. every part mark_sent saw.
    Statement st = db_->prepare(
        "SELECT count(*) FROM parts WHERE modem = ? AND tp_mr IS NOT NULL AND sent_at >= ?");
    st.bind(1, modem).bind(2, to_millis(since));
    return st.step() ? st.int64(0) : 0;
}

std::optional<Time> Store::last_sent(std::string_view modem) {
    Statement st = db_->prepare(
        "SELECT max(sent_at) FROM parts WHERE modem = ? AND tp_mr IS NOT NULL");
    st.bind(1, modem);
    if (!st.step()) return std::nullopt;
    const auto at = st.optional_int64(0);
    if (!at) return std::nullopt;
    return from_millis(*at);
}

StateUpdate Store::mark_sent(std::int64_t part_id, int tp_mr, Time at) {
    const SentPart one[] = {{part_id, tp_mr}};
    auto updates = mark_sent_many(one, at);
    if (!updates.front()) require_state(load_part(part_id), State::sending, "mark_sent");
    return *updates.front();
}

std::vector<std::optional<StateUpdate>> Store::mark_sent_many(std::span<const SentPart> sent,
                                                              Time at) {
    std::vector<std::optional<StateUpdate>> updates(sent.size());
    if (sent.empty()) return updates;
    std::string pairs = "[";  // [[part id, TP-MR], …], a part given twice by its first
    std::unordered_set<std::int64_t> given;
    for (const SentPart& s : sent) {
        if (!given.insert(s.part_id).second) continue;
        if (pairs.size() > 1) pairs += ',';
        pairs += '[' + std::to_string(s.part_id) + ',' + std::to_string(s.tp_mr & 0xFF) + ']';
    }
    pairs += ']';
    Transaction tx(*db_);
    struct Moved {
        std::int64_t message_id;
        int total;
    };
    std::unordered_map<std::int64_t, Moved> moved;  // by part id
    {
        // `+parts.state`: each given part by its rowid. Searched by state
        // instead, SQLite would walk every sending part for every one given.
        Statement st = db_->prepare(
            "UPDATE parts SET state = 'sent', tp_mr = j.value ->> 1, sent_at = ?1, error = NULL, "
            "written = 0 FROM json_each(?2) j WHERE parts.id = j.value ->> 0 AND "
            "+parts.state = 'sending' RETURNING parts.id, parts.message_id, parts.total");
        st.bind_all(to_millis(at), pairs);
        while (st.step())
            moved.emplace(st.int64(0), Moved{st.int64(1), static_cast<int>(st.int64(2))});
    }
    if (moved.empty()) {
        tx.commit();
        return updates;
    }
    // The history in the order given; a part given twice moved once.
    std::string moved_pairs = "[";
    std::vector<std::int64_t> single;  // messages of one part: sending → sent with it
    std::vector<std::int64_t> multi;   // the others, derived again from their parts
    struct Change {
        std::size_t last = 0;  // index of its last part in `sent`
        State from = State::sending;
        State to = State::sent;
    };
    std::unordered_map<std::int64_t, Change> changes;  // by message id
    for (std::size_t i = 0; i < sent.size(); ++i) {
        const auto node = moved.extract(sent[i].part_id);
        if (node.empty()) continue;
        if (moved_pairs.size() > 1) moved_pairs += ',';
        moved_pairs += '[' + std::to_string(sent[i].part_id) + ',' +
                       std::to_string(sent[i].tp_mr & 0xFF) + ']';
        StateUpdate& u = updates[i].emplace();
        u.part_id = sent[i].part_id;
        u.message_id = node.mapped().message_id;
        u.part_state = State::sent;
        const auto [change, first] = changes.try_emplace(u.message_id);
        change->second.last = i;
        if (first) (node.mapped().total == 1 ? single : multi).push_back(u.message_id);
    }
    moved_pairs += ']';
    db_->prepare(
           "INSERT INTO state_changes (entity, entity_id, from_state, to_state, at, detail) "
           "SELECT 'part', j.value ->> 0, 'sending', 'sent', ?1, 'TP-MR ' || (j.value ->> 1) "
           "FROM json_each(?2) j ORDER BY j.key")
        .bind_all(to_millis(at), moved_pairs)
        .run();
    if (!single.empty()) {
        std::vector<std::int64_t> followed;  // those that were in sending, as expected
        Statement st = db_->prepare(
            "UPDATE messages SET state = 'sent', error = NULL, updated_at = ?1 "
            "WHERE id IN (SELECT value FROM json_each(?2)) AND state = 'sending' RETURNING id");
        st.bind_all(to_millis(at), rows::json_array(single));
        while (st.step()) followed.push_back(st.int64(0));
        std::sort(followed.begin(), followed.end());  // RETURNING has no order
        record_changes("message", rows::json_array(followed), State::sending, State::sent, at,
                       std::nullopt);
        for (const std::int64_t id : single)
            if (!std::binary_search(followed.begin(), followed.end(), id)) multi.push_back(id);
    }
    for (const std::int64_t id : multi) {
        Change& change = changes.at(id);
        std::tie(change.from, change.to) = refresh_message_state(id, at);
    }
    // A message's change on its last part's update; its earlier parts' say
    // it stayed as it was.
    for (std::size_t i = 0; i < updates.size(); ++i) {
        if (!updates[i]) continue;
        const Change& change = changes.at(updates[i]->message_id);
        updates[i]->message_from = change.from;
        updates[i]->message_to = change.last == i ? change.to : change.from;
    }
    tx.commit();
    return updates;
}

StateUpdate Store::mark_failed(std::int64_t part_id, std::string_view error, FailureKind kind,
                               Time now) {
    Transaction tx(*db_);
    Part part = load_part(part_id);
    require_state(part, State::sending, "mark_failed");
    const RetryPolicy policy = retry_policy();  // a copy: SIGHUP may change it meanwhile
    const auto& backoff = policy.backoff;
    // A sibling already failed or expired (a status report while this part
    // was in AT+CMGS): the recipient can never get the whole text, so this
    // part is not tried again.
    const auto message_ended = ended_part(part.message_id, part.id);
    const bool retry =
        kind == FailureKind::temporary && part.attempts < policy.attempts && !message_ended;
    if (retry) {
        auto wait = backoff.empty()
                        ? std::chrono::seconds(0)
                        : backoff[std::min(static_cast<std::size_t>(std::max(part.attempts, 1) - 1),
                                           backoff.size() - 1)];
        const Time retry_at = now + wait;
        Statement st = db_->prepare("UPDATE parts SET next_attempt_at = ?, error = ? WHERE id = ?");
        st.bind_all(to_millis(retry_at), error, part_id).run();
        set_part_state(part, State::queued, now, error);
        // Nothing of the message went out: let any modem (any SIM of the one
        // the send asked for) take the retry, the error may be this modem's;
        // a partly sent message stays bound.
        Statement unbind = db_->prepare(
            "UPDATE messages SET sim = NULL, modem = CASE WHEN requested_modem IS NULL THEN NULL "
            "ELSE modem END WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM parts WHERE message_id "
            "= ?1 AND state <> 'queued')");
        unbind.bind(1, part.message_id).run();
        StateUpdate u = finish_update(part, State::queued, now);
        u.retry_at = retry_at;
        tx.commit();
        return u;
    }
    std::string text(error);
    if (message_ended)
        text += " (not tried again: " + message_ended->text + ")";
    else if (kind == FailureKind::temporary)
        text += " (gave up after " + std::to_string(part.attempts) + " attempts)";
    {
        Statement st = db_->prepare("UPDATE parts SET error = ? WHERE id = ?");
        st.bind_all(text, part_id).run();
    }
    set_part_state(part, State::failed, now, text);
    // The recipient can never get the whole text: the unsent siblings fail too.
    // Those in sending were claimed ahead, never written (a message's parts go
    // through one modem, one AT+CMGS at a time): not an attempt.
    const auto siblings =
        rows::all(*db_, unsent_siblings_sql, rows::part, part.message_id, part.id);
    for (const Part& p : siblings)
        if (p.state == State::sending) uncount_attempt(p.id);
    end_parts(siblings, State::failed,
              "part " + std::to_string(part.seq) + "/" + std::to_string(part.total) + " failed",
              now);
    StateUpdate u = finish_update(part, State::failed, now);
    tx.commit();
    return u;
}

StateUpdate Store::mark_uncertain(std::int64_t part_id, std::string_view detail, Time now) {
    Transaction tx(*db_);
    Part part = load_part(part_id);
    require_state(part, State::sending, "mark_uncertain");
    Statement st = db_->prepare("UPDATE parts SET error = ? WHERE id = ?");
    st.bind_all(detail, part_id).run();
    set_part_state(part, State::uncertain, now, detail);
    StateUpdate u = finish_update(part, State::uncertain, now);
    tx.commit();
    return u;
}

std::vector<std::int64_t> Store::requeue_modem_parts(std::string_view modem, Time now,
                                                     std::string_view why) {
    static const std::string claimed_sql =
        "SELECT " + rows::part_columns + " FROM parts p WHERE p.state = 'sending' AND p.modem = ?";
    Transaction tx(*db_);
    // Parts claimed but never written to the modem: the daemon has already
    // resolved the one in AT+CMGS (mark_uncertain / mark_failed), so these did
    // not count as an attempt.
    const auto claimed = rows::all(*db_, claimed_sql, rows::part, modem);
    for (const Part& p : claimed) {
        uncount_attempt(p.id);
        set_part_state(p, State::queued, now,
                       why.empty() ? "modem " + std::string(modem) + " went down before sending it"
                                   : std::string(why));
    }
    // Nothing of them left the queue: bound to no SIM any more, those asked
    // for this modem by name included (any SIM of it will do).
    db_->prepare(
           "UPDATE messages SET sim = NULL WHERE modem = ?1 AND sim IS NOT NULL AND state IN "
           "('queued', 'sending') AND NOT EXISTS (SELECT 1 FROM parts p WHERE p.message_id = "
           "messages.id AND p.state <> 'queued')")
        .bind_all(modem)
        .run();
    std::vector<std::int64_t> released;
    {
        // Bound, unfinished, not requested for this modem, and not one part has
        // left the queue: any modem may send it.
        Statement st = db_->prepare(
            "SELECT m.id FROM messages m WHERE m.modem = ?1 AND m.state IN ('queued', 'sending') "
            "AND (m.requested_modem IS NULL OR m.requested_modem <> ?1) "
            "AND NOT EXISTS (SELECT 1 FROM parts p WHERE p.message_id = m.id AND p.state <> "
            "'queued')");
        st.bind(1, modem);
        while (st.step()) released.push_back(st.int64(0));
    }
    for (std::int64_t id : released) {
        Statement st =
            db_->prepare("UPDATE messages SET modem = NULL, updated_at = ? WHERE id = ?");
        st.bind_all(to_millis(now), id).run();
    }
    std::vector<std::int64_t> touched;
    for (const Part& p : claimed) touched.push_back(p.message_id);
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (std::int64_t id : touched) {
        // A message of which a part failed or expired meanwhile (a status
        // report of an earlier part) does not get the claimed parts back in the
        // queue: the recipient could never have the whole text.
        if (const auto ended = ended_part(id, 0))
            end_queued_parts(id, ended->state, "not sent: " + ended->text, now);
        else
            refresh_message_state(id, now);
    }
    tx.commit();
    return released;
}

std::vector<Part> Store::recover_after_crash(Time now) {
    static const std::string sql = "SELECT " + rows::part_columns +
                                   " FROM parts p WHERE p.state = 'sending' AND p.written = 1";
    static constexpr std::string_view detail =
        "smsgwd stopped during AT+CMGS; whether the network took it is unknown";
    Transaction tx(*db_);
    auto parts = rows::all(*db_, sql, rows::part);
    for (Part& p : parts) {
        Statement st = db_->prepare("UPDATE parts SET error = ? WHERE id = ?");
        st.bind_all(detail, p.id).run();
        set_part_state(p, State::uncertain, now, detail);
        refresh_message_state(p.message_id, now);
        p.state = State::uncertain;
        p.error = std::string(detail);
    }
    // The rest were claimed and never written: a sender queues the modem's
    // other commands (an inbound read) ahead of a part, or claims ahead.
    std::vector<std::string> modems;
    {
        // Few rows (a claim's worth per modem): deduplicated here, not by a sort.
        Statement st = db_->prepare("SELECT modem FROM parts WHERE state = 'sending'");
        while (st.step())
            if (auto m = st.optional_text(0);
                m && std::find(modems.begin(), modems.end(), *m) == modems.end())
                modems.push_back(*m);
    }
    for (const auto& modem : modems)
        requeue_modem_parts(modem, now,
                            "claimed by modem " + modem +
                                ", not yet written to it when smsgwd stopped: back to the queue");
    tx.commit();
    return parts;
}

CancelResult Store::cancel(std::int64_t message_id, Time now,
                           std::optional<std::int64_t> submitted_by) {
    Transaction tx(*db_);
    State state;
    {
        Statement st = db_->prepare("SELECT state, caller_uid FROM messages WHERE id = ?");
        st.bind(1, message_id);
        if (!st.step()) return CancelResult::not_found;
        if (submitted_by && st.optional_int64(1) != submitted_by) return CancelResult::not_submitter;
        state = rows::state(st, 0);
    }
    if (state != State::queued && state != State::sending) return CancelResult::already_final;
    const auto parts = parts_of(message_id);
    // A temporarily failed part is queued again and has not been sent, so it
    // does not block; anything else has been handed to a modem.
    if (std::any_of(parts.begin(), parts.end(),
                    [](const Part& p) { return p.state != State::queued; }))
        return CancelResult::already_sending;
    cancel_queued(message_id, parts, now, "cancelled");
    tx.commit();
    return CancelResult::cancelled;
}

StateUpdate Store::cancel_queued(std::int64_t message_id, std::span<const Part> parts, Time now,
                                 std::string_view why) {
    for (const Part& p : parts) set_part_state(p, State::cancelled, now, why);
    const auto [from, to] = refresh_message_state(message_id, now);
    StateUpdate u;
    u.message_id = message_id;
    u.part_state = State::cancelled;
    u.message_from = from;
    u.message_to = to;
    return u;
}

std::vector<StateUpdate> Store::expire(Time now) {
    Transaction tx(*db_);
    std::vector<std::int64_t> ids;
    {
        Statement st = db_->prepare(
            "SELECT id FROM messages WHERE expires_at IS NOT NULL AND state IN ('queued', "
            "'sending') "
            "AND expires_at <= ? ORDER BY expires_at, id");
        st.bind(1, to_millis(now));
        while (st.step()) ids.push_back(st.int64(0));
    }
    std::vector<StateUpdate> updates;
    for (std::int64_t id : ids)
        if (auto u = end_queued_parts(id, State::expired, "validity ended before it was sent", now))
            updates.push_back(*u);
    tx.commit();
    return updates;
}

std::vector<std::string> Store::modems_holding_messages() {
    // The terms of the partial indexes messages_open_bound and
    // messages_open_requested, so only their rows are read.
    Statement st = db_->prepare(
        "SELECT modem FROM messages WHERE modem IS NOT NULL AND state IN ('queued', 'sending') "
        "UNION SELECT requested_modem FROM messages WHERE requested_modem IS NOT NULL AND "
        "state IN ('queued', 'sending') ORDER BY 1");
    std::vector<std::string> modems;
    while (st.step()) modems.push_back(st.text(0));
    return modems;
}

std::vector<StateUpdate> Store::fail_bound_to(std::string_view modem, std::string_view reason,
                                              Time now, Time asked_due_by) {
    Transaction tx(*db_);
    std::vector<std::int64_t> ids;
    {
        // One SELECT per partial index (messages_open_bound, messages_open_requested);
        // UNION drops a message that is both bound to the modem and asking for it.
        Statement st = db_->prepare(
            "SELECT id FROM messages WHERE modem = ?1 AND state IN ('queued', 'sending') "
            "UNION SELECT id FROM messages WHERE requested_modem = ?1 AND state IN ('queued', "
            "'sending') AND not_before <= ?2 ORDER BY 1");
        st.bind_all(modem, to_millis(asked_due_by));
        while (st.step()) ids.push_back(st.int64(0));
    }
    auto updates = fail_unsent_parts(ids, reason, now);
    tx.commit();
    return updates;
}

std::vector<StateUpdate> Store::fail_unsent_parts(std::span<const std::int64_t> message_ids,
                                                  std::string_view reason, Time now) {
    std::vector<StateUpdate> updates;
    for (std::int64_t id : message_ids)
        if (auto u = end_queued_parts(id, State::failed, reason, now)) updates.push_back(*u);
    return updates;
}

std::vector<std::string> Store::sims_awaited(std::string_view modem, std::string_view sim) {
    // The rows of messages_open_bound for this modem.
    Statement st = db_->prepare(
        "SELECT DISTINCT sim FROM messages WHERE modem = ?1 AND state IN ('queued', 'sending') "
        "AND sim IS NOT NULL AND sim <> ?2 ORDER BY 1");
    st.bind_all(modem, sim);
    std::vector<std::string> sims;
    while (st.step()) sims.push_back(st.text(0));
    return sims;
}

std::vector<StateUpdate> Store::fail_bound_to_sim(std::string_view modem, std::string_view sim,
                                                  std::string_view reason, Time now) {
    Transaction tx(*db_);
    std::vector<std::int64_t> ids;
    {
        Statement st = db_->prepare(
            "SELECT id FROM messages WHERE modem = ?1 AND state IN ('queued', 'sending') AND "
            "sim = ?2 ORDER BY id");
        st.bind_all(modem, sim);
        while (st.step()) ids.push_back(st.int64(0));
    }
    auto updates = fail_unsent_parts(ids, reason, now);
    tx.commit();
    return updates;
}

std::optional<Store::EndedPart> Store::ended_part(std::int64_t message_id, std::int64_t except) {
    Statement st = db_->prepare(
        "SELECT seq, total, state FROM parts WHERE message_id = ? AND id <> ? AND state IN "
        "('failed', 'expired') ORDER BY seq LIMIT 1");
    st.bind_all(message_id, except);
    if (!st.step()) return std::nullopt;
    return EndedPart{rows::state(st, 2), "part " + std::to_string(st.int64(0)) + "/" +
                                             std::to_string(st.int64(1)) + " " + st.text(2)};
}

void Store::uncount_attempt(std::int64_t part_id) {
    Statement st = db_->prepare("UPDATE parts SET attempts = attempts - 1 WHERE id = ?");
    st.bind(1, part_id).run();
}

void Store::end_parts(std::span<const Part> parts, State to, std::string_view reason, Time now) {
    for (const Part& p : parts) {
        Statement st = db_->prepare("UPDATE parts SET error = ? WHERE id = ?");
        st.bind_all(reason, p.id).run();
        set_part_state(p, to, now, reason);
    }
}

std::optional<StateUpdate> Store::end_queued_parts(std::int64_t message_id, State to,
                                                   std::string_view reason, Time now) {
    const auto parts = rows::all(*db_, queued_parts_sql, rows::part, message_id);
    if (parts.empty()) return std::nullopt;  // only a part in AT+CMGS left: its outcome decides
    end_parts(parts, to, reason, now);
    StateUpdate u = finish_update(parts.front(), to, now);
    u.part_id = 0;  // the message's, not one part's
    return u;
}

std::optional<StateUpdate> Store::match_status_report(const StatusReport& report, Time now,
                                                      std::chrono::milliseconds window) {
    // TP-MR wraps at 256, so a (modem, MR) pair recurs, and over a window of
    // days one recipient may well get two parts with the same TP-MR. The
    // recipient and the time the SMSC says it took the part (TP-SCTS; its
    // clock may be off by minutes, the sends are 256 apart) pick the right
    // one; without that time, the most recent send.
    Transaction tx(*db_);
    std::optional<Part> found;
    {
        static const std::string sql =
            "SELECT " + rows::part_columns +
            " FROM parts p JOIN messages m ON m.id = p.message_id"
            " WHERE p.modem = ?1 AND p.tp_mr = ?2 AND p.sent_at >= ?3 AND p.sent_at <= ?4 AND "
            "m.recipient IN (?5, ?6)"
            " ORDER BY CASE WHEN ?7 IS NULL THEN -p.sent_at ELSE abs(p.sent_at - ?7) END"
            " LIMIT 1";
        Statement st = db_->prepare(sql);
        std::optional<std::int64_t> submitted;
        if (report.submitted_at) submitted = to_millis(*report.submitted_at);
        st.bind_all(report.modem, report.tp_mr & 0xFF, to_millis(now - window), to_millis(now),
                    report.recipient, report.recipient_alternative.value_or(report.recipient),
                    submitted);
        if (st.step()) found = rows::part(st);
    }
    if (!found) found = uncertain_part_reported(report, now, window);
    if (!found) return std::nullopt;
    const Part& part = *found;
    if (report.pdu) record_seen_pdu(report.modem, *report.pdu, now);
    {
        Statement st = db_->prepare("UPDATE parts SET status = ? WHERE id = ?");
        st.bind_all(report.status, part.id).run();
    }
    State to = part.state;
    if (part.state == State::sent) {
        switch (classify(report.status)) {
            case ReportOutcome::delivered: {
                Statement st = db_->prepare("UPDATE parts SET delivered_at = ? WHERE id = ?");
                st.bind_all(to_millis(now), part.id).run();
                to = State::delivered;
                break;
            }
            case ReportOutcome::failed: {
                Statement st = db_->prepare("UPDATE parts SET error = ? WHERE id = ?");
                st.bind_all("status report: " + hex_status(report.status), part.id).run();
                // The SMSC kept it until its validity ended: the state says so.
                to = report.status == validity_period_expired ? State::expired : State::failed;
                break;
            }
            case ReportOutcome::still_trying:
            case ReportOutcome::unknown:
                break;
        }
        if (to != part.state) set_part_state(part, to, now, hex_status(report.status));
    }
    if (to == State::failed || to == State::expired) {
        // The recipient can never get the whole text: the parts still queued
        // are not sent (one in AT+CMGS meanwhile ends on its own outcome).
        end_parts(rows::all(*db_, queued_parts_sql, rows::part, part.message_id), to,
                  "part " + std::to_string(part.seq) + "/" + std::to_string(part.total) + " " +
                      std::string(to_string(to)) + " (status report " +
                      hex_status(report.status) + ")",
                  now);
    }
    StateUpdate u = finish_update(part, to, now);
    tx.commit();
    return u;
}

std::optional<Part> Store::uncertain_part_reported(const StatusReport& report, Time now,
                                                   std::chrono::milliseconds window) {
    static const std::string candidates_sql =
        "SELECT " + rows::part_columns +
        ", (SELECT max(sc.at) FROM state_changes sc WHERE sc.entity = 'part' AND "
        "sc.entity_id = p.id AND sc.to_state = 'uncertain')"
        " FROM parts p JOIN messages m ON m.id = p.message_id"
        " WHERE p.modem = ?1 AND p.state = 'uncertain' AND p.tp_mr IS NULL AND "
        "m.recipient IN (?2, ?3)";
    std::optional<Part> candidate;
    std::int64_t uncertain_at = 0;
    {
        Statement st = db_->prepare(candidates_sql);
        st.bind_all(report.modem, report.recipient,
                    report.recipient_alternative.value_or(report.recipient));
        const std::int64_t earliest = to_millis(now - window);
        while (st.step()) {
            const Part p = rows::part(st);
            const auto at = st.optional_int64(rows::part_column_count);
            if (!at || *at < earliest) continue;
            if (candidate) return std::nullopt;  // two could be meant: a person decides
            candidate = p;
            uncertain_at = *at;
        }
    }
    if (!candidate) return std::nullopt;
    // No part goes out on a modem while one is in AT+CMGS: the parts sent on
    // it just before and just after the uncertain one are its neighbours.
    // parts_report (modem, tp_mr, sent_at) finds, for one TP-MR value, the
    // latest send at or before a time (or the earliest after it) in one seek:
    // 256 seeks, one per value, however many parts the modem has sent, where
    // one query ordered by sent_at would walk and sort the modem's history.
    static const auto nearest_sql = [](std::string_view aggregate, std::string_view side,
                                       std::string_view order) {
        return "WITH RECURSIVE mrs(mr) AS (SELECT 0 UNION ALL SELECT mr + 1 FROM mrs WHERE "
               "mr < 255) SELECT mr FROM (SELECT mr, (SELECT " +
               std::string(aggregate) +
               "(sent_at) FROM parts WHERE modem = ?1 AND tp_mr = mrs.mr AND sent_at " +
               std::string(side) + " ?2) AS at FROM mrs) WHERE at IS NOT NULL ORDER BY at " +
               std::string(order) + " LIMIT 1";
    };
    static const std::string latest_before = nearest_sql("max", "<=", "DESC");
    static const std::string earliest_after = nearest_sql("min", ">", "ASC");
    const auto neighbour_mr = [&](const std::string& sql) -> std::optional<int> {
        Statement st = db_->prepare(sql);
        st.bind_all(report.modem, uncertain_at);
        if (!st.step()) return std::nullopt;
        return static_cast<int>(st.int64(0));
    };
    const auto before = neighbour_mr(latest_before);
    const auto after = neighbour_mr(earliest_after);
    // A modem that never had a part confirmed (its first send lost its
    // answer) has no neighbour to ask: the one candidate is the one meant.
    const int mr = report.tp_mr & 0xFF;
    const bool agrees = (before && ((*before + 1) & 0xFF) == mr) ||
                        (after && ((*after + 255) & 0xFF) == mr) || (!before && !after);
    if (!agrees) return std::nullopt;
    {
        Statement st = db_->prepare(
            "UPDATE parts SET tp_mr = ?, sent_at = ?, error = NULL WHERE id = ?");
        st.bind_all(mr, uncertain_at, candidate->id).run();
    }
    set_part_state(*candidate, State::sent, now,
                   "the network took it: its status report came (TP-MR " + std::to_string(mr) +
                       "), though the +CMGS answer was lost");
    return load_part(candidate->id);
}

}  // namespace smsgw::store
