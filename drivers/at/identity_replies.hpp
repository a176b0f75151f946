// Parsers for the identification answers: the IMEI (+CGSN, TS 27.007 §5.4), the
// IMSI (+CIMI, §5.6), the SIM's ICCID (+CCID and the vendor forms ^ICCID, +QCCID,
// #CCID, !ICCID) and the free-text manufacturer/model/revision (+CGMI/+CGMM/+CGMR,
// §5.1–5.3). Modems wrap the digits in prefixes and quotes or send them bare; the
// parsers accept all of that and return digits only, or say why not.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "drivers/at/fields.hpp"

namespace smsgw::at {

enum class IdentityKind { imei, imsi, iccid };
std::string_view to_string(IdentityKind k);

// `lines`: the information lines of the answer. An ICCID given nibble-swapped
// (starting "98" instead of the "89" of ITU-T E.118) is swapped back; a trailing
// 'F' filler is dropped.
ParseResult<std::string> parse_identity(std::span<const std::string> lines, IdentityKind kind);

// +CGMI/+CGMM/+CGMR/ATI: the lines joined by a space, without a "+CGMx: " prefix.
ParseResult<std::string> parse_text_answer(std::span<const std::string> lines);

}  // namespace smsgw::at
