// The JSON a client sees for the daemon's records: messages and their parts,
// inbound messages, opt-outs, ledger entries and modems. One rendering per
// record, shared by replies and events, so `message.get` and `message.sent`
// spell a message the same way. Times are ISO-8601 UTC with milliseconds.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/store/types.hpp"
#include "drivers/modem.hpp"

namespace smsgw::core {

std::string format_time(store::Time t);  // "2026-11-23T10:15:00.123Z"
// The value, or null when there is none.
template <typename T>
nlohmann::json optional_json(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// A sum of money as every reply writes one: {"<name>": "0.18" (exact
// decimal), "<name>_micros": 180000, "currency": "EUR"} — the currency the
// amount was kept in (its row's, never sms.currency now, which may have
// changed since), null when none is known.
nlohmann::json money_json(std::int64_t micros, std::string_view currency,
                          std::string_view name = "cost");

// With its cost in the currency it was priced in. Without the text when
// `with_text` is false (events stay small; a client that wants the text asks
// message.get).
nlohmann::json message_json(const store::Message& m, bool with_text = true);
nlohmann::json part_json(const store::Part& p);
nlohmann::json message_detail_json(const store::MessageDetail& d);
nlohmann::json state_change_json(const store::StateChange& c);
nlohmann::json inbound_json(const store::Inbound& i);
nlohmann::json optout_json(const store::OptOut& o);
// The signal is current only while the modem is ready, the one state in which
// the driver reads it: in any other (down, failed, recovering, registering…)
// signal_dbm and signal_bars are null, and last_signal_dbm, last_signal_bars
// and signal_at say what the last reading was and when.
nlohmann::json modem_json(const drivers::ModemStatus& s);

}  // namespace smsgw::core
