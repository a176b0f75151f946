// A `send` request as the store keeps it: the recipient in E.164, the company
// prefix applied, decomposed accents composed (pdu/compose.hpp), the text
// transliterated when asked, every part encoded as the SMS-SUBMIT PDU the modem
// will get, and the cost. What does not depend on the database (opt-outs,
// wallet, idempotency) is decided here, so the socket handler, the batch path
// and the daemon's own replies (opt-out confirmations) build messages the same
// way.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/api/error.hpp"
#include "daemon/api/params.hpp"
#include "daemon/policy/settings_schema.hpp"
#include "daemon/store/types.hpp"
#include "pdu/expected.hpp"

namespace smsgw::core {

struct BuildContext {
    std::string_view default_country;
    const policy::Settings& settings;
    int max_parts = 10;  // min(limits.max_parts_per_message, sms.max_segments)
    store::Time now{};
    std::string_view max_parts_key = "sms.max_segments";  // the one of the two that binds
};

// The furthest ahead a `not_before` may lie. A year covers every real schedule
// (a yearly reminder included); a time beyond it is almost always a unit
// mistake (milliseconds taken for seconds, a placeholder year 9999) and would
// hold the message in the queue for ever.
inline constexpr std::chrono::days max_not_before_ahead{366};

// A number parameter read as a send's `to` (policy::normalize), in the
// store's form; invalid_number on `field_prefix` + `field` with the reason.
Expected<std::string, api::Error> number_param(const std::string& input,
                                               std::string_view default_country,
                                               std::string_view field_prefix,
                                               std::string_view field);

// `field_prefix` names the request path for errors ("messages[3]." in a batch).
Expected<store::NewMessage, api::Error> build_message(const api::SendParams& params,
                                                      const BuildContext& context,
                                                      std::optional<std::int64_t> caller_uid,
                                                      std::string_view field_prefix = {});

// `transliterate` replaces what GSM-7 lacks so that the text goes as GSM-7:
// with `encoding` "ucs2" the request contradicts itself, and sent, the text
// would lose characters and still cost UCS-2 segments. Refused, naming both.
std::optional<api::Error> check_encoding_options(bool transliterate, api::Encoding encoding,
                                                 std::string_view field_prefix = {});

// The text as it will be sent and stored (prefix, composed accents,
// transliteration), for `build_message` and `preview`.
std::string outgoing_text(std::string_view text, api::Category category, bool transliterate,
                          const policy::Settings& settings);

}  // namespace smsgw::core
