// The one edit the dispatcher makes to a stored SMS-SUBMIT before AT+CMGS: a
// modem configured with `status_reports: false` (a SIM or operator that
// refuses or charges for them) sends it without TP-SRR, so the network is not
// asked for a delivery report the modem will not pass on.
#pragma once

#include <string>
#include <string_view>

namespace smsgw::dispatch {

// `pdu_hex` (SMSC information field first, as the store keeps it) with TP-SRR
// (bit 5 of the SMS-SUBMIT's first octet, TS 23.040 §9.2.3.5) cleared. Text
// that is not such a PDU is returned unchanged (the modem will refuse it).
std::string without_status_report_request(std::string_view pdu_hex);

}  // namespace smsgw::dispatch
