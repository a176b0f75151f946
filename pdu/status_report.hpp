// TP-Status values of SMS-STATUS-REPORT (TS 23.040 §9.2.3.15): what happened to
// a sent message, for people and for the queue's state machine.
#pragma once

#include <cstdint>

namespace smsgw::pdu {

enum class DeliveryOutcome : std::uint8_t {
    delivered,          // 0x00–0x1F: short message transaction completed
    pending,            // 0x20–0x3F: temporary error, SC still trying
    failed_permanent,   // 0x40–0x5F: permanent error, SC is not trying
    failed_temporary,   // 0x60–0x7F: temporary error, SC stopped trying
};
const char* to_string(DeliveryOutcome outcome);

struct StatusMeaning {
    DeliveryOutcome outcome;
    const char* text;  // e.g. "received by the recipient", "unknown subscriber"
};

StatusMeaning describe_status(std::uint8_t tp_status);

}  // namespace smsgw::pdu
