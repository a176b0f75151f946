// Typed requests: what a valid request line means, as plain structs the daemon
// uses without touching JSON. One struct per op, in Op's order inside the
// Params variant, so the variant index is the op. Defaults here are the
// protocol's defaults for parameters a client leaves out.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "daemon/api/error.hpp"
#include "daemon/api/vocabulary.hpp"

namespace smsgw::api {

// An ISO-8601 time with offset, as given and as seconds since the epoch (UTC).
struct Timestamp {
    std::string text;
    std::int64_t unix_seconds = 0;
    int millis = 0;  // 0..999 after unix_seconds
    std::chrono::milliseconds since_epoch() const {
        return std::chrono::seconds(unix_seconds) + std::chrono::milliseconds(millis);
    }
    bool operator==(const Timestamp&) const = default;
};

using SettingValue = std::variant<std::string, std::int64_t, bool>;

// A sum of money in micro-units (millionths of the currency's major unit), the
// unit daemon/policy/cost.hpp and the wallet's ledger count in. On the wire it
// is a decimal string ("10.50", at most 6 decimals) or a whole JSON integer
// (10); a JSON number with a fraction (10.5) is refused, because a binary
// double cannot hold most decimal amounts exactly (amount.hpp).
struct Amount {
    std::int64_t micros = 0;
    bool operator==(const Amount&) const = default;
};

struct HelloParams {
    std::optional<std::string> client;     // the caller's name, for the log
    std::optional<std::int64_t> protocol;  // version the client speaks (1)
    bool operator==(const HelloParams&) const = default;
};

struct SendParams {
    std::string to;
    std::string text;
    Encoding encoding = Encoding::auto_detect;
    bool transliterate = false;  // replace characters outside GSM-7 instead of UCS-2
    bool report = true;          // request a delivery report
    std::optional<std::int64_t> validity_minutes;
    std::int64_t priority = 5;  // 0 (lowest) … 9 (highest)
    std::optional<Timestamp> not_before;
    std::optional<std::string> idempotency_key;
    std::optional<std::string> modem;
    Category category = Category::transactional;
    bool operator==(const SendParams&) const = default;
};

// One item of a send_batch. Each is checked on its own: an item that is not a
// valid `send` (a bad number, an empty text, an unknown parameter, not an
// object) is refused with its index and the others are still queued, so a
// campaign is not lost to one bad line.
struct SendItem {
    SendParams params;
    std::optional<Error> refused;  // why the item is not a valid send
    std::string raw;               // a refused item as it came (JSON text), written back as is
    bool operator==(const SendItem&) const = default;
};

struct SendBatchParams {
    std::vector<SendItem> messages;  // the accepted ones are stored in one transaction
    bool operator==(const SendBatchParams&) const = default;
};

struct MessageGetParams {
    std::int64_t message_id = 0;
    bool operator==(const MessageGetParams&) const = default;
};

// Lists are newest first; `before_id` continues after the last id a page showed.
struct MessageListParams {
    std::optional<MessageState> state;
    std::optional<std::string> to;
    std::optional<std::string> modem;
    std::optional<Category> category;
    std::optional<Timestamp> since;
    std::optional<Timestamp> until;
    std::int64_t limit = 100;
    std::optional<std::int64_t> before_id;
    bool operator==(const MessageListParams&) const = default;
};

struct MessageCancelParams {
    std::int64_t message_id = 0;
    bool operator==(const MessageCancelParams&) const = default;
};

struct InboundListParams {
    std::optional<std::string> from;
    std::optional<std::string> modem;
    std::optional<Timestamp> since;
    std::optional<Timestamp> until;
    std::int64_t limit = 100;
    std::optional<std::int64_t> before_id;
    bool operator==(const InboundListParams&) const = default;
};

struct OptoutListParams {
    std::optional<std::string> number;
    std::int64_t limit = 100;
    std::optional<std::int64_t> before_id;
    bool operator==(const OptoutListParams&) const = default;
};

struct OptoutAddParams {
    std::string number;
    std::optional<std::string> note;
    bool operator==(const OptoutAddParams&) const = default;
};

struct OptoutRemoveParams {
    std::string number;
    bool operator==(const OptoutRemoveParams&) const = default;
};

struct SettingsGetParams {
    std::vector<std::string> keys;  // empty: every setting the caller may read
    bool operator==(const SettingsGetParams&) const = default;
};

struct SettingsSetParams {
    std::string key;
    SettingValue value;
    bool operator==(const SettingsSetParams&) const = default;
};

struct ModemListParams {
    bool operator==(const ModemListParams&) const = default;
};

struct PreviewParams {
    std::string text;
    Encoding encoding = Encoding::auto_detect;
    bool transliterate = false;
    std::optional<std::string> to;  // for the cost of the destination
    Category category = Category::transactional;  // marketing: with the company prefix
    bool operator==(const PreviewParams&) const = default;
};

struct SubscribeParams {
    std::vector<EventName> events;
    bool operator==(const SubscribeParams&) const = default;
};

// The balance and the newest `ledger_limit` ledger entries (0: the balance
// only); `before_id` continues after the last entry id a page showed.
struct WalletGetParams {
    std::int64_t ledger_limit = 20;
    std::optional<std::int64_t> before_id;
    bool operator==(const WalletGetParams&) const = default;
};

// Credits the wallet; the ledger keeps the amount, the reason and the caller's uid.
struct WalletTopupParams {
    Amount amount;  // above 0
    std::optional<std::string> reason;
    bool operator==(const WalletTopupParams&) const = default;
};

// Debits the wallet by hand (a payout, a correction, emptying it before a
// change of sms.currency), at most its balance; the ledger keeps it as a
// top-up's.
struct WalletWithdrawParams {
    Amount amount;  // above 0
    std::optional<std::string> reason;
    bool operator==(const WalletWithdrawParams&) const = default;
};

using Params =
    std::variant<HelloParams, SendParams, SendBatchParams, MessageGetParams, MessageListParams,
                 MessageCancelParams, InboundListParams, OptoutListParams, OptoutAddParams,
                 OptoutRemoveParams, SettingsGetParams, SettingsSetParams, ModemListParams,
                 PreviewParams, SubscribeParams, WalletGetParams, WalletTopupParams,
                 WalletWithdrawParams>;
static_assert(std::variant_size_v<Params> == op_names.size());

struct Request {
    std::string id;  // the request's id as JSON text, echoed verbatim in the reply
    Params params;

    Op op() const { return static_cast<Op>(params.index()); }
    bool operator==(const Request&) const = default;
};

}  // namespace smsgw::api
