// TP-Status meanings, TS 23.040 §9.2.3.15.
#include "pdu/status_report.hpp"

namespace smsgw::pdu {

const char* to_string(DeliveryOutcome outcome) {
    switch (outcome) {
        case DeliveryOutcome::delivered: return "delivered";
        case DeliveryOutcome::pending: return "pending";
        case DeliveryOutcome::failed_permanent: return "failed_permanent";
        case DeliveryOutcome::failed_temporary: return "failed_temporary";
    }
    return "failed_permanent";
}

StatusMeaning describe_status(std::uint8_t st) {
    using O = DeliveryOutcome;
    switch (st) {
        // Short message transaction completed
        case 0x00: return {O::delivered, "received by the recipient"};
        case 0x01: return {O::delivered, "forwarded by the SC, delivery not confirmed"};
        case 0x02: return {O::delivered, "replaced by the SC"};
        // Temporary error, SC still trying to transfer the SM
        case 0x20: return {O::pending, "congestion; the SC is still trying"};
        case 0x21: return {O::pending, "recipient busy; the SC is still trying"};
        case 0x22: return {O::pending, "no response from the recipient; the SC is still trying"};
        case 0x23: return {O::pending, "service rejected; the SC is still trying"};
        case 0x24: return {O::pending, "quality of service not available; the SC is still trying"};
        case 0x25: return {O::pending, "error in the recipient's handset; the SC is still trying"};
        // Permanent error, SC is not making any more transfer attempts
        case 0x40: return {O::failed_permanent, "remote procedure error"};
        case 0x41: return {O::failed_permanent, "incompatible destination"};
        case 0x42: return {O::failed_permanent, "connection rejected by the recipient"};
        case 0x43: return {O::failed_permanent, "not obtainable"};
        case 0x44: return {O::failed_permanent, "quality of service not available"};
        case 0x45: return {O::failed_permanent, "no interworking available"};
        case 0x46: return {O::failed_permanent, "validity period expired"};
        case 0x47: return {O::failed_permanent, "deleted by the originating SME"};
        case 0x48: return {O::failed_permanent, "deleted by the SC administration"};
        case 0x49: return {O::failed_permanent, "the message does not exist"};
        // Temporary error, SC is not making any more transfer attempts
        case 0x60: return {O::failed_temporary, "congestion; the SC gave up"};
        case 0x61: return {O::failed_temporary, "recipient busy; the SC gave up"};
        case 0x62: return {O::failed_temporary, "no response from the recipient; the SC gave up"};
        case 0x63: return {O::failed_temporary, "service rejected; the SC gave up"};
        case 0x64: return {O::failed_temporary, "quality of service not available; the SC gave up"};
        case 0x65: return {O::failed_temporary, "error in the recipient's handset; the SC gave up"};
        default: break;
    }
    // Reserved and SC-specific values take the meaning of their range (§9.2.3.15).
    if (st < 0x20) return {O::delivered, "completed (SC-specific status)"};
    if (st < 0x40) return {O::pending, "temporary error (SC-specific status); the SC is still trying"};
    if (st < 0x60) return {O::failed_permanent, "permanent error (SC-specific status)"};
    if (st < 0x80) return {O::failed_temporary, "temporary error (SC-specific status); the SC gave up"};
    // Values above 0x7F are reserved; treated as a permanent failure, as the spec asks.
    return {O::failed_permanent, "reserved status value (treated as a permanent error)"};
}

}  // namespace smsgw::pdu
