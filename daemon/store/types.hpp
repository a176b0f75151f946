// The records the Store reads and writes, and the one table of state names.
// Messages and parts share DESIGN.md's states; times are UTC milliseconds.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smsgw::store {

using Time = std::chrono::sys_time<std::chrono::milliseconds>;

inline std::int64_t to_millis(Time t) {
    return t.time_since_epoch().count();
}
inline Time from_millis(std::int64_t ms) {
    return Time(std::chrono::milliseconds(ms));
}

// DESIGN.md, "Message states". A part has the same states as a message.
enum class State { queued, sending, sent, delivered, failed, expired, cancelled, uncertain };
inline constexpr std::array<std::string_view, 8> state_names = {
    "queued", "sending", "sent", "delivered", "failed", "expired", "cancelled", "uncertain"};

std::string_view to_string(State state);
std::optional<State> state_from_string(std::string_view name);

// A message's state from its parts' (see states.cpp for the rules).
State derive_message_state(std::span<const State> parts);

enum class FailureKind { temporary, permanent };

// config `retry:` — attempts per part, and the wait before attempt n+1.
struct RetryPolicy {
    int attempts = 5;
    std::vector<std::chrono::seconds> backoff = {std::chrono::seconds(10), std::chrono::seconds(60),
                                                 std::chrono::seconds(300),
                                                 std::chrono::seconds(900)};
};

struct NewPart {
    std::string pdu;  // hex, starting with the SMSC information field
    int tpdu_length = 0;
    std::optional<int> concat_ref;
};

struct NewMessage {
    std::string recipient;  // E.164, already normalised by the caller
    std::string text;
    std::string encoding = "gsm7";  // gsm7 | ucs2 | 8bit
    std::string category = "transactional";
    int priority = 5;  // 0 (lowest) … 9 (highest)
    // When the request was accepted: created_at, and the time the reply and
    // the message.queued event carry. None: the time of the insert.
    std::optional<Time> accepted_at;
    std::optional<Time> not_before;
    std::optional<Time> expires_at;
    bool report = false;
    std::optional<int> validity_minutes;
    std::optional<std::string> requested_modem;
    std::optional<std::string> idempotency_key;
    std::int64_t cost = 0;
    // The ISO 4217 code the cost is in (sms.currency when it was priced); the
    // wallet charge, and any refund of it, is in this currency too.
    std::string currency = "EUR";
    std::optional<std::int64_t> caller_uid;
    // Refuse it when the recipient is on the opt-out list (checked in the
    // insert's own transaction, so an opt-out committed a moment before is
    // never missed); false for messages the policy lets through.
    bool refuse_if_opted_out = true;
    std::vector<NewPart> parts;  // in seq order, at least one
};

struct OptOut {
    std::int64_t id = 0;
    std::string number;
    std::optional<std::string> keyword;
    Time at{};
    std::optional<std::int64_t> source_inbound_id;
    std::string source = "api";  // keyword | api | import
    std::optional<std::string> note;  // staff's reason, for one added by hand
    // Who added it by hand (optout.add): the caller's uid. None for one a
    // keyword made (source_inbound_id says which message), and for those
    // added before schema version 14.
    std::optional<std::int64_t> uid;
};

struct InsertResult {
    enum class Kind {
        inserted,              // a new message
        existing,              // idempotency_key of an earlier committed message
        duplicate_in_batch,    // idempotency_key of an earlier item of the same batch
        insufficient_balance,  // charging its cost would take the wallet below zero
        opted_out,             // the recipient opted out (see refuse_if_opted_out)
    };
    Kind kind = Kind::inserted;
    std::int64_t message_id = 0;  // 0 for insufficient_balance and opted_out
    std::optional<OptOut> optout;  // opted_out: the recipient's entry
    // existing, duplicate_in_batch: the message the key names has this one's
    // recipient and text, i.e. this is a repeat of it rather than another
    // message under a reused key.
    bool same_request = true;
};

struct Message {
    std::int64_t id = 0;
    std::string recipient;
    std::string text;
    std::string encoding;
    std::string category;
    int priority = 5;
    Time not_before{};
    std::optional<Time> expires_at;
    bool report = false;
    std::optional<int> validity_minutes;
    std::optional<std::string> requested_modem;
    std::optional<std::string> modem;
    // The IMSI of the SIM it is bound to with its modem (Store::claim_next_parts).
    std::optional<std::string> sim;
    std::optional<std::string> idempotency_key;
    State state = State::queued;
    std::optional<std::string> error;
    std::int64_t cost = 0;
    std::string currency;  // of the cost, as it was priced (NewMessage::currency)
    Time created_at{};
    Time updated_at{};
    std::optional<std::int64_t> caller_uid;
    int parts_total = 0;
};

struct Part {
    std::int64_t id = 0;
    std::int64_t message_id = 0;
    int seq = 1;
    int total = 1;
    std::string pdu;
    int tpdu_length = 0;
    State state = State::queued;
    std::optional<std::string> modem;
    std::optional<int> tp_mr;
    int attempts = 0;
    Time next_attempt_at{};
    std::optional<std::string> error;
    std::optional<Time> sent_at;
    std::optional<Time> delivered_at;
    std::optional<int> status;  // TP-ST
    std::optional<int> concat_ref;
    // In sending: its AT+CMGS may have been written (Store::mark_written).
    bool written = false;
};

struct MessageDetail {
    Message message;
    std::vector<Part> parts;
};

struct StateChange {
    std::string entity;  // "message" | "part"
    std::int64_t entity_id = 0;
    std::optional<State> from;
    State to = State::queued;
    Time at{};
    std::optional<std::string> detail;
};

// What a part transition did to the part and to its message: the daemon emits
// a message.* event when message_from != message_to.
struct StateUpdate {
    std::int64_t part_id = 0;
    std::int64_t message_id = 0;
    State part_state = State::queued;
    State message_from = State::queued;
    State message_to = State::queued;
    std::optional<Time> retry_at;  // mark_failed: when the part will be tried again
    bool message_changed() const { return message_from != message_to; }
};

// What one modem did, as the store keeps it: modem.list's counters at start.
struct ModemTotals {
    std::string modem;
    std::int64_t sent = 0;        // parts the network took (they have a TP-MR)
    std::int64_t sent_since = 0;  // of those, sent at or after the time asked for
    std::int64_t received = 0;    // inbound messages it received
};

// message.list filters; all optional, combined with AND. Newest first.
struct MessageFilter {
    std::optional<State> state;
    std::optional<std::string> recipient;
    std::optional<std::string> modem;
    std::optional<std::string> category;
    std::optional<Time> since;  // created_at >= since
    std::optional<Time> until;  // created_at < until
};

// not_submitter: the caller may cancel only what it submitted, and did not
// submit this one.
enum class CancelResult { cancelled, not_found, already_sending, already_final, not_submitter };
std::string_view to_string(CancelResult result);

struct StatusReport {
    std::string modem;
    int tp_mr = 0;          // 0…255
    std::string recipient;  // E.164, normalised like the message's
    int status = 0;         // TP-ST, TS 23.040 §9.2.3.15
    // The report as the modem gave it, remembered with its match so that one
    // read again (smsgwd stopped before AT+CMGD) is only deleted: matched
    // again it could land on a later part whose TP-MR came round to the same.
    std::optional<std::string> pdu;
    // Another reading of the same address: digits an SMSC sent with TON
    // "unknown" may be national or international without the '+'.
    std::optional<std::string> recipient_alternative;
    // TP-SCTS, when the SMSC took the part: of the parts that share TP-MR and
    // recipient, the one sent closest to it is meant. None: the latest.
    std::optional<Time> submitted_at;
};

// A concatenated message's reference as its fragments are grouped by: 8- and
// 16-bit references (TS 23.040 §9.2.3.24.1 and .8) are separate spaces, so a
// 16-bit one is kept as 65536 + its value and never meets an 8-bit one of the
// same value from the same sender.
constexpr int group_ref(int reference, bool reference_16bit) {
    return reference_16bit ? 0x10000 + reference : reference;
}
// The reference itself, as the message carried it.
constexpr int concat_reference(int group_ref) {
    return group_ref & 0xFFFF;
}

struct Fragment {
    std::int64_t id = 0;
    std::string modem;
    std::string sender;
    int ref = 0;  // group_ref()
    int total = 0;
    int seq = 0;
    std::string text;
    std::string pdu;
    Time received_at{};
};

// All fragments of one concatenated message waiting for its siblings.
struct FragmentGroup {
    std::string modem;
    std::string sender;
    int ref = 0;  // group_ref()
    int total = 0;
    std::vector<Fragment> fragments;  // by seq
};

struct NewInbound {
    std::string modem;
    std::string sender;
    std::string text;
    Time received_at{};
    std::vector<std::string> raw_pdus;  // hex, in seq order
    bool complete = true;
    std::optional<int> concat_ref;
    int parts_total = 1;
    // "gsm7", "ucs2", "8bit" (pdu::to_string(Alphabet)); nullopt when the PDU
    // did not decode, so the text is no message content in any encoding.
    std::optional<std::string> encoding;
    // "opt_out", "resubscribe", "help" (policy::to_string(KeywordKind)) when
    // the whole text was such a keyword; nullopt for any other message.
    std::optional<std::string> keyword;
};

struct Inbound {
    std::int64_t id = 0;
    std::string modem;
    std::string sender;
    std::string text;
    Time received_at{};
    std::vector<std::string> raw_pdus;
    bool complete = true;
    std::optional<int> concat_ref;
    int parts_total = 1;
    int parts_received = 1;
    // As NewInbound::encoding; also null for a message stored before schema
    // version 10 whose PDU did not decode.
    std::optional<std::string> encoding;
    // As NewInbound::keyword; before schema version 12 only an opt-out still
    // on the list is known.
    std::optional<std::string> keyword;
};

struct InboundFilter {
    std::optional<std::string> sender;
    std::optional<std::string> modem;
    std::optional<Time> since;
    std::optional<Time> until;
};

struct Setting {
    std::string key;
    std::string value;  // JSON text
    Time updated_at{};
    std::optional<std::int64_t> updated_by;
};

struct LedgerEntry {
    std::int64_t id = 0;
    Time at{};
    std::int64_t amount = 0;
    std::int64_t balance_after = 0;
    std::string reason;
    std::optional<std::int64_t> message_id;
    std::optional<std::int64_t> uid;
    std::string currency;  // of amount and balance_after
};

// The wallet as its newest ledger row leaves it. A balance is a sum of the
// ledger's amounts, and the ledger never adds an amount in one currency to a
// balance in another: a row's currency may differ from the row before it only
// when that one left the balance at zero. `currency` is empty while the
// ledger has no row.
struct Wallet {
    std::int64_t balance = 0;
    std::string currency;
};

// What keeps sms.currency from changing (Store::change_currency): money in
// the wallet, which would read as the new currency, or charged messages with
// parts not yet ended, whose refund would come back in the old one.
struct CurrencyHold {
    Wallet wallet;
    std::int64_t open_charges = 0;                  // such messages
    std::optional<std::int64_t> first_open_charge;  // the oldest of them
};

// The most the wallet holds, in micro-units: the largest amount the protocol
// writes (999999999999.999999, api::max_amount_micros). Top-ups stop here; the
// int64 room above it (over 8 * 10^18) takes the refunds of charges made
// earlier, so no ledger sum can wrap around.
inline constexpr std::int64_t max_balance = 999'999'999'999'999'999;

// What a charge or top-up did. ok false: refused and nothing changed (a charge
// beyond the balance, a top-up beyond max_balance); balance is the current one.
struct LedgerResult {
    bool ok = false;
    std::int64_t balance = 0;
};

struct Stats {
    std::array<std::int64_t, state_names.size()> messages{};  // by State
    std::int64_t parts_queued = 0;
    std::int64_t inbound = 0;
    std::int64_t fragments_waiting = 0;
    std::int64_t optouts = 0;
};

}  // namespace smsgw::store
