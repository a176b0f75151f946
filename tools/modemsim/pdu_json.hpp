// What a test or the demo wants to know about a PDU the simulator handled —
// who it was for, the text the recipient sees, its encoding and concatenation,
// TP-MR and whether a report was asked for — as JSON, for the --log file and
// the control socket's `sent` and `storage` answers.
#pragma once

#include <nlohmann/json.hpp>

#include "tools/modemsim/modem_core.hpp"

namespace smsgw::modemsim {

// One accepted AT+CMGS part: time, mr, to, text, encoding, concat, srr, pdu, …
nlohmann::json describe_sent(const SentPart& part);

// One message in a storage slot: index, stat, type, from/recipient, text, …
nlohmann::json describe_stored(int index, const StoredMessage& message);

}  // namespace smsgw::modemsim
