// What a PDU that does not decode still tells. An SMS-DELIVER names its sender,
// coding and time stamp (TP-OA, TP-PID, TP-DCS, TP-SCTS, TS 23.040 §9.2.2.1)
// before its user data, where a phone's or an SMSC's mistakes usually are (a
// length that lies, a broken UDH): the daemon keeps such a message raw, and
// with these fields its inbox still shows who sent it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "pdu/decode_error.hpp"
#include "pdu/expected.hpp"
#include "pdu/tpdu.hpp"

namespace smsgw::pdu {

// The fields read before decoding failed, in PDU order: each is set only when
// it and every field before it decoded.
struct PartialPdu {
    DecodeError error;  // why the rest does not decode, as decode_pdu says it
    std::optional<Address> smsc;
    bool deliver = false;  // TP-MTI said SMS-DELIVER; the fields below are its
    std::optional<Address> originator;             // TP-OA
    std::optional<std::uint8_t> protocol_id;       // TP-PID
    std::optional<DataCoding> coding;              // TP-DCS
    std::optional<Timestamp> service_centre_time;  // TP-SCTS
};

// decode_pdu (pdu_codec.hpp) that, when it refuses a PDU, says what decoded
// before the error. A PDU decode_pdu takes gives the same Pdu here.
Expected<Pdu, PartialPdu> decode_pdu_partial(std::string_view hex);
Expected<Pdu, PartialPdu> decode_pdu_partial(std::span<const std::uint8_t> octets);

}  // namespace smsgw::pdu
