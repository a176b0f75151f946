// smsgwd's durable state: the outbound queue, inbound messages and fragments,
// opt-outs, settings and the wallet, in one SQLite file (WAL). Each public
// operation is one transaction: when it returns, what it did is on disk and
// survives a crash or power loss (synchronous=FULL, see store.cpp). One Store
// is one SQLite connection, used from one thread at a time; a second one for
// another thread comes from another_connection(), and the two take turns to
// write (see Database::share_write_gate).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/error.hpp"
#include "daemon/store/types.hpp"

namespace smsgw::store {

class Database;
class Statement;
class Transaction;

struct StoreOptions {
    RetryPolicy retry;
    std::chrono::milliseconds busy_timeout{5000};
    // full: a commit is fsynced before it returns (the contract). normal exists
    // for benchmarks that measure index cost without the disk's fsync latency.
    enum class Durability { full, normal } durability = Durability::full;
};

// The page size a database the store creates gets (store.cpp says why).
inline constexpr int new_database_page_size = 1024;

class Store {
  public:
    // Opens or creates the database and applies pending migrations. Throws
    // StoreError if the file is unusable or its schema is newer than this build.
    explicit Store(const std::string& path, StoreOptions options = {});
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    const std::string& path() const { return path_; }
    int schema_version() const;
    static int latest_schema_version();
    // The schema version the file had when this Store opened it (0: new file).
    int schema_version_found() const { return version_found_; }

    // A second connection to the same file with the same options, for another
    // thread (the daemon's submission writer). Its transactions and this one's
    // take turns through a shared write gate instead of polling SQLite's lock.
    std::unique_ptr<Store> another_connection() const;

    // The retry policy mark_failed applies from now on, on this connection and
    // every other connection made from it or from the same first Store (SIGHUP
    // changes it while each thread keeps its own connection). Parts already
    // waiting for a retry keep their time; their next failure meets the new
    // policy.
    void set_retry_policy(RetryPolicy policy);
    RetryPolicy retry_policy() const;

    // Group commit: every operation until commit() shares one transaction and
    // one fsync (the dispatcher records many modems' results and claims their
    // next parts together). Each operation inside stays atomic — one that
    // throws undoes only itself — and nothing is durable before commit(); a
    // Batch destroyed without commit() undoes them all. A Batch inside a Batch
    // is a savepoint of it.
    //
    // all_or_nothing: a caller that never commits a batch in which an
    // operation threw (it rolls back and retries) gives up that per-operation
    // atomicity: the operations then open no savepoint, each of which would
    // copy every page it touches into SQLite's statement journal.
    enum class Atomicity { per_operation, all_or_nothing };
    class Batch {
      public:
        explicit Batch(Store& store, Atomicity atomicity = Atomicity::per_operation);
        ~Batch();
        Batch(const Batch&) = delete;
        Batch& operator=(const Batch&) = delete;
        void commit();

      private:
        std::unique_ptr<Transaction> tx_;
    };

    // --- outbound ---
    // One transaction for the whole batch (group commit); one result per item
    // in order. With charge_wallet, each item's cost is charged in the same
    // transaction and an item the balance cannot pay is not inserted; nor is
    // one to an opted-out recipient (NewMessage::refuse_if_opted_out).
    std::vector<InsertResult> insert_messages(std::span<const NewMessage> batch, Time now,
                                              bool charge_wallet = false);
    // Up to limit queued parts due at now that this modem may send, best first
    // (priority, then age), moved to sending. The first claimed part of a message
    // binds the message to this modem; its other parts go to no other modem.
    // With route_prefixes, only recipients starting with one of them (or messages
    // already bound to or requested for this modem). With exclude_prefixes, not
    // recipients starting with one of them (another modem routes those) unless
    // the message is already bound to or requested for this modem.
    // `written`: whether the claim also marks the parts written (mark_written),
    // for a sender that writes them too soon after to wait for a commit each.
    // `sim`: the IMSI of the SIM the modem holds now (empty: unknown). A
    // message bound to another SIM is not claimed (its first parts went out
    // from that one); the others are bound to this one with the modem.
    enum class Written { later, with_claim };
    std::vector<Part> claim_next_parts(std::string_view modem, Time now, int limit,
                                       std::span<const std::string> route_prefixes = {},
                                       std::span<const std::string> exclude_prefixes = {},
                                       Written written = Written::later,
                                       std::string_view sim = {});
    // A claimed part's AT+CMGS is about to be written: committed before the
    // write, it is what makes the part uncertain after a crash (a part claimed
    // but never written goes back to the queue instead). False when the part is
    // no longer in sending (its message ended meanwhile): it must not be written.
    bool mark_written(std::int64_t part_id);
    // The earliest next_attempt_at after `after` among queued parts (not_before
    // or a retry), for the scheduler's timer; nullopt when none waits.
    std::optional<Time> next_due_time(Time after);
    // Parts this modem handed to the network (sent_at set) since `since`: its
    // daily cap survives a restart.
    std::int64_t sent_count(std::string_view modem, Time since);
    // When the modem last handed a part to the network (its latest sent_at).
    std::optional<Time> last_sent(std::string_view modem);
    // Every modem that sent or received anything, in name order, with parts
    // sent since `since` (the local day's start): read once at start, from two
    // covering indexes (about a second, cold, for a million parts and a
    // million inbound messages; the tables themselves are not read).
    std::vector<ModemTotals> modem_totals(Time since);
    // The network took the part (a +CMGS with its TP-MR): sending → sent.
    StateUpdate mark_sent(std::int64_t part_id, int tp_mr, Time at);
    // The same for many parts in a few set-based statements: a modem at 0 ms
    // has hundreds sent between two commits. One entry per part, in order:
    // its update, or nullopt when the part is no longer in sending (its
    // message ended meanwhile). Of two parts of one message, the message's
    // change is on its last part's update; the earlier ones leave it as it was.
    struct SentPart {
        std::int64_t part_id = 0;
        int tp_mr = 0;
    };
    std::vector<std::optional<StateUpdate>> mark_sent_many(std::span<const SentPart> sent, Time at);
    // temporary: back to queued after the policy's backoff, or failed when the
    // attempts are used up or another part of the message already failed or
    // expired; permanent: failed now. Failed, it takes the message's unsent
    // parts with it — queued ones, and those the same modem claimed with it
    // (sending): the caller must drop what it holds of them unwritten, and none
    // may be in AT+CMGS (one at a time per modem, one modem per message).
    StateUpdate mark_failed(std::int64_t part_id, std::string_view error, FailureKind kind,
                            Time now);
    // AT+CMGS outcome unknown (timeout after Ctrl-Z, modem gone mid-send).
    StateUpdate mark_uncertain(std::int64_t part_id, std::string_view detail, Time now);
    // The sender lets go of what it claimed: the modem went down, or it drops
    // its claims after a refused part or a message a status report ended. Call
    // after resolving the part that was in AT+CMGS (mark_uncertain or
    // mark_failed): every other part still in sending on this modem was claimed
    // but never written and goes back to queued (`why` in its history), unless
    // its message failed or expired meanwhile: then it ends with it. Messages
    // bound to it of which nothing left the queue are unbound so another modem
    // can take them; partly sent ones stay bound. Returns the released messages.
    std::vector<std::int64_t> requeue_modem_parts(std::string_view modem, Time now,
                                                  std::string_view why = {});
    // At start: every part still in sending and written becomes uncertain
    // (never re-sent silently); those claimed but not written go back to the
    // queue, no attempt counted, as requeue_modem_parts puts them back. Returns
    // the uncertain parts, in their new state, for the daemon to report.
    std::vector<Part> recover_after_crash(Time now);
    // Only while none of its parts has been handed to a modem; with
    // `submitted_by`, only a message that uid submitted (a member's own).
    CancelResult cancel(std::int64_t message_id, Time now,
                        std::optional<std::int64_t> submitted_by = std::nullopt);
    // Queued parts of messages whose expires_at <= now become expired.
    std::vector<StateUpdate> expire(Time now);
    // The modems unfinished messages wait for: bound to them (partly sent
    // through them) or asked for them (`modem` in the send).
    std::vector<std::string> modems_holding_messages();
    // The modem has been unavailable too long: the queued parts of unfinished
    // messages bound to it fail with reason (another SIM must not send them),
    // and so do those of messages that asked for it and were due (not_before)
    // by asked_due_by — a message scheduled later waits for its own turn.
    std::vector<StateUpdate> fail_bound_to(std::string_view modem, std::string_view reason,
                                           Time now, Time asked_due_by);
    // The SIMs (IMSIs), other than `sim`, that unfinished messages bound to
    // the modem wait for: it sent their first parts while holding them.
    std::vector<std::string> sims_awaited(std::string_view modem, std::string_view sim);
    // The SIM has been away from the modem too long: the queued parts of the
    // unfinished messages bound to both fail with reason.
    std::vector<StateUpdate> fail_bound_to_sim(std::string_view modem, std::string_view sim,
                                               std::string_view reason, Time now);
    // The most recent part sent on modem with this TP-MR to this recipient within
    // window before now, updated from the report's TP-ST (TS 23.040 §9.2.3.15):
    // completed → delivered, permanent or final temporary error → failed,
    // validity period expired → expired, "still trying" → status recorded,
    // state unchanged. Failed or expired, it ends the message's parts still
    // queued with it (one in AT+CMGS or claimed ahead ends on its own way).
    // Failing that, an uncertain part whose +CMGS answer was lost, when the
    // report can only be its (see uncertain_part_reported): the network took
    // it, so it is sent, then as the report says.
    std::optional<StateUpdate> match_status_report(const StatusReport& report, Time now,
                                                   std::chrono::milliseconds window);

    std::optional<MessageDetail> get_message(std::int64_t message_id);
    // The message row alone (an event's fields), without its parts.
    std::optional<Message> find_message(std::int64_t message_id);
    // Those of these messages that exist, in no particular order.
    std::vector<Message> find_messages(std::span<const std::int64_t> message_ids);
    std::optional<Message> find_by_idempotency_key(std::string_view key);
    // Whether a message to `recipient` whose idempotency key starts with
    // `key_prefix` was queued at or after `since` (the automatic replies'
    // per-number limit).
    bool queued_since(std::string_view recipient, std::string_view key_prefix, Time since);
    // Newest first; before_id continues after the last id of the previous page.
    std::vector<Message> list_messages(const MessageFilter& filter,
                                       std::optional<std::int64_t> before_id, int limit);
    // The message's and its parts' state changes, oldest first.
    std::vector<StateChange> message_history(std::int64_t message_id);

    // --- inbound ---
    // The new fragment's id; nullopt: this (modem, sender, ref, total, seq)
    // was already stored.
    std::optional<std::int64_t> store_fragment(const Fragment& fragment);
    std::vector<Fragment> fragments_for(std::string_view modem, std::string_view sender, int ref,
                                        int total);
    // Groups whose first fragment arrived before older_than. Nothing is deleted:
    // insert_inbound(…, consumed) does that in the transaction that keeps the text.
    std::vector<FragmentGroup> expired_fragments(Time older_than);
    // Stores a received message and deletes the fragments it was built from, in
    // one transaction. Throws if a consumed fragment is gone (taken twice).
    std::int64_t insert_inbound(const NewInbound& inbound,
                                std::span<const std::int64_t> consumed_fragments = {});
    std::optional<Inbound> get_inbound(std::int64_t id);
    // A PDU committed from this modem before (by store_fragment or
    // insert_inbound, which record every PDU they keep): read again after a
    // stop between the commit and AT+CMGD, it must only be deleted.
    bool inbound_pdu_seen(std::string_view modem, std::string_view pdu);
    // Forgets PDUs recorded before older_than; returns how many.
    int forget_seen_pdus(Time older_than);
    std::vector<Inbound> list_inbound(const InboundFilter& filter,
                                      std::optional<std::int64_t> before_id, int limit);

    // --- opt-outs ---
    // added false: the number was already opted out (the first record is
    // kept). Added, in the same transaction, its messages nothing of which
    // has gone to a modem yet are cancelled, as a send to it would now be
    // refused: marketing ones, and transactional ones too unless
    // `keep_transactional` (optout.allow_transactional); their parts' history
    // says why. `cancelled`: those messages, for their events.
    struct OptOutAdded {
        bool added = false;
        std::vector<StateUpdate> cancelled;
    };
    OptOutAdded add_optout(const OptOut& optout, bool keep_transactional);
    bool remove_optout(std::string_view number);
    std::optional<OptOut> get_optout(std::string_view number);
    std::vector<OptOut> list_optouts(std::optional<std::int64_t> before_id, int limit);

    // --- settings (values are JSON text) ---
    std::optional<Setting> get_setting(std::string_view key);
    void set_setting(std::string_view key, std::string_view json_value,
                     std::optional<std::int64_t> uid, Time at);
    std::vector<Setting> all_settings();
    // sms.currency, the currency new costs, charges and top-ups are in, set to
    // `json_value` (a JSON string) as set_setting does, unless the wallet holds
    // money or charges that may still be refunded (see CurrencyHold): then
    // nothing changes and what holds it is returned. Checked in the
    // transaction that changes it, since refunds come from the dispatcher's
    // connection at any moment.
    std::optional<CurrencyHold> change_currency(std::string_view json_value,
                                                std::optional<std::int64_t> uid, Time at);

    // --- wallet (amounts in the daemon's smallest unit, each in its currency) ---
    std::int64_t balance();
    Wallet wallet();
    // Refused (ok false) beyond the balance, and when the wallet holds money
    // in another currency.
    LedgerResult charge(std::int64_t amount, std::string_view currency,
                        std::optional<std::int64_t> message_id, std::optional<std::int64_t> uid,
                        Time at);
    // Refused (ok false) when the balance would pass max_balance: the most
    // that can still be added is max_balance - balance. Throws StoreError
    // when the wallet holds money in another currency (sms.currency cannot
    // change while it does: a hand-edited database).
    LedgerResult top_up(std::int64_t amount, std::string_view currency,
                        std::optional<std::int64_t> uid, std::string_view reason, Time at);
    // Takes money out (a payout, a correction, emptying the wallet before a
    // change of sms.currency). Refused (ok false) beyond the balance; throws
    // as top_up on another currency.
    LedgerResult withdraw(std::int64_t amount, std::string_view currency,
                          std::optional<std::int64_t> uid, std::string_view reason, Time at);
    std::vector<LedgerEntry> ledger(std::optional<std::int64_t> before_id, int limit);

    // Messages not yet finished sending (queued or sending).
    std::int64_t queue_length();
    Stats stats();

    // For tests and diagnostics: the connection underneath.
    Database& database() { return *db_; }

  private:
    // The connection and its pragmas only: the public constructor adds the
    // migrations and a new write gate, another_connection() shares its gate.
    struct Sibling {};
    Store(const std::string& path, StoreOptions options, Sibling);
    void configure();
    void migrate();
    // Throws StoreError naming the first row whose foreign key has no target.
    void check_foreign_keys();
    void record_change(std::string_view entity, std::int64_t id, std::optional<State> from,
                       State to, Time at, std::optional<std::string_view> detail);
    // The same change of every entity in `ids_json` (a JSON array of ids), in
    // its order, with one statement.
    void record_changes(std::string_view entity, const std::string& ids_json, State from, State to,
                        Time at, std::optional<std::string_view> detail);
    // Re-derives a message's state from its parts and records a change.
    std::pair<State, State> refresh_message_state(std::int64_t message_id, Time at);
    // Cancels a message none of whose parts has left the queue (its parts given).
    StateUpdate cancel_queued(std::int64_t message_id, std::span<const Part> parts, Time now,
                              std::string_view why);
    std::vector<Part> parts_of(std::int64_t message_id);  // by seq
    // The same for a message whose one part went from part.state to `to`,
    // without reading the parts; nullopt when it does not apply (several parts,
    // a failure, whose text comes from the parts, or a row not in the state its
    // part implies): then refresh_message_state decides.
    std::optional<std::pair<State, State>> follow_single_part(const Part& part, State to,
                                                               Time at);
    Part load_part(std::int64_t part_id);
    // The one uncertain part without a TP-MR, made uncertain on the report's
    // modem within window before now, to its recipient, whose TP-MR the
    // report's must be: the modem numbers its submits in order, so it is the
    // one after the part sent before it on that modem, or the one before the
    // part sent next (on a modem that never had a part confirmed, the one
    // candidate). nullopt when none or more than one part could be meant, or
    // no neighbour's TP-MR agrees. The part comes back settled as sent.
    std::optional<Part> uncertain_part_reported(const StatusReport& report, Time now,
                                                std::chrono::milliseconds window);
    void set_part_state(const Part& part, State to, Time at,
                        std::optional<std::string_view> detail);
    StateUpdate finish_update(const Part& part, State part_state, Time at);
    // A part of the message other than `except` that failed or expired, which
    // means the recipient can never have the whole text: its state and
    // "part 1/3 failed" for the others' history.
    struct EndedPart {
        State state;
        std::string text;
    };
    std::optional<EndedPart> ended_part(std::int64_t message_id, std::int64_t except);
    // A claim counted as an attempt that was never written to the modem.
    void uncount_attempt(std::int64_t part_id);
    // Each of `parts` ends in `to`, with reason as its error and in its history.
    void end_parts(std::span<const Part> parts, State to, std::string_view reason, Time now);
    // The message's parts still queued end in `to` with reason as their error
    // (expired, or failed when their modem stays away); nullopt when none is
    // queued (only a part in AT+CMGS is left: its outcome decides).
    std::optional<StateUpdate> end_queued_parts(std::int64_t message_id, State to,
                                                std::string_view reason, Time now);
    // end_queued_parts(failed) for each message, the updates of those that had any.
    std::vector<StateUpdate> fail_unsent_parts(std::span<const std::int64_t> message_ids,
                                               std::string_view reason, Time now);
    std::optional<std::int64_t> insert_one(const NewMessage& message, Time now, bool charge_wallet);
    void record_seen_pdu(std::string_view modem, std::string_view pdu, Time at);
    // Within the caller's transaction: the balance after a ledger row of
    // `amount` in `currency`, written; nullopt, nothing written, when it
    // would take the balance below zero or add to a balance in another
    // currency (see Wallet). `before` is wallet() as the caller read it in the
    // same transaction.
    std::optional<std::int64_t> apply_ledger(const Wallet& before, std::int64_t amount,
                                             std::string_view currency,
                                             std::string_view reason,
                                             std::optional<std::int64_t> message_id,
                                             std::optional<std::int64_t> uid, Time at);
    // top_up (amount > 0) and withdraw (amount < 0): a row an admin asked
    // for, refused when it would take the balance beyond max_balance or below
    // zero; throws on a wallet in another currency.
    LedgerResult adjust(std::int64_t amount, std::string_view currency,
                        std::optional<std::int64_t> uid, std::string_view reason, Time at);
    // A message that ended failed, expired or cancelled gets back the share of
    // its charge for the parts that ended without the network taking them
    // (never confirmed by +CMGS; not uncertain, not still in AT+CMGS): the
    // operator bills only those. Called on every change of such a message's
    // parts, it credits what is due beyond the refunds already made, so a part
    // that was in AT+CMGS when the message failed is counted once it ends.
    void refund_unsent(std::int64_t message_id, State after, Time at);

    std::string path_;
    int version_found_ = 0;
    StoreOptions options_;  // options_.retry is the start's; the current one is in retry_
    struct SharedRetry;     // shared by the connections of one Store family
    std::shared_ptr<SharedRetry> retry_;
    std::unique_ptr<Database> db_;
};

}  // namespace smsgw::store
