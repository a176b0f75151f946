// The `smsgw-diag pdu` JSON contract of DESIGN.md: a decoded PDU or an encoded
// message as one JSON object, exactly the keys the contract names. Kept apart
// from the command line so the public test vectors can check it directly.
#pragma once

#include <nlohmann/json.hpp>

#include "pdu/pdu_codec.hpp"

namespace smsgw::diag {

// {"type", "smsc", "from"|"to"|"recipient", "text", "encoding", "timestamp",
//  "concat", "status", "message_reference"} with only the keys of the type.
nlohmann::json pdu_to_json(const pdu::Pdu& pdu);

// {"encoding", "parts": [{"pdu", "length"}, …]}
nlohmann::json encoded_to_json(const pdu::EncodedMessage& message);

}  // namespace smsgw::diag
