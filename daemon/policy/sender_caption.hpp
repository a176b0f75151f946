// The sender caption (`sms.sender_caption`): the name or number a recipient
// sees as the originator. TS 23.040 §9.1.2.5: an alphanumeric originator is
// GSM-7 coded in at most 10 octets (20 semi-octets), i.e. 11 characters; a
// numeric one is an E.164 number of at most 15 digits (ITU-T E.164 §6).
#pragma once

#include <string>
#include <string_view>

#include "pdu/expected.hpp"

namespace smsgw::policy {

enum class CaptionKind { none, alphanumeric, numeric };

// Rules (what every operator accepts, not what some do):
// - empty: no caption (the SIM's own number is shown);
// - numeric: an optional '+' and 1–15 digits, nothing else;
// - alphanumeric: 1–11 characters from A–Z, a–z, 0–9, space, '-' and '_';
//   at least one letter; no space at either end and no two spaces in a row.
//   Letters, digits and space are the set aggregators document as accepted
//   everywhere (Twilio, Telnyx); '-' and '_' are accepted by the gateways that
//   allow more (AWS, playSMS) and are single GSM-7 septets. Accented letters
//   are refused even when GSM-7 has them (ä, é): networks show them
//   inconsistently in the originator field.
// The error says what is wrong in words a manager understands.
Expected<CaptionKind, std::string> check_sender_caption(std::string_view caption);

}  // namespace smsgw::policy
