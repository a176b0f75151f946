// The readable form of `smsgw-diag pdu decode|encode`: a field table that splits
// the hex into its TS 23.040 fields with names and meanings, as a technician
// reading a modem log wants to see it.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "pdu/pdu_codec.hpp"

namespace smsgw::diag {

// `octets` is the PDU that decoded to `pdu` (SMSC field first).
std::string explain_pdu(std::span<const std::uint8_t> octets, const pdu::Pdu& pdu);

}  // namespace smsgw::diag
