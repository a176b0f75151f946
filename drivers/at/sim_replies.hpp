// Parsers for the SIM lock answers: +CPIN? (TS 27.007 §8.3: which password the
// modem waits for) and the PIN/PUK attempts left, which TS 27.007 reports with
// +CPINR (§8.65) and vendors with their own commands (Huawei ^CPIN, Quectel
// +QPINC, SIMCom +SPIC). Technicians need the attempts before a wrong PIN from the
// config burns the last one.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "drivers/at/fields.hpp"

namespace smsgw::at {

enum class PinState {
    ready,
    sim_pin,
    sim_puk,
    sim_pin2,
    sim_puk2,
    ph_sim_pin,
    ph_sim_puk,
    ph_fsim_pin,
    ph_fsim_puk,
    ph_net_pin,
    ph_net_puk,
    ph_netsub_pin,
    ph_netsub_puk,
    ph_sp_pin,
    ph_sp_puk,
    ph_corp_pin,
    ph_corp_puk,
    not_inserted,  // outside the spec: some firmware answers "+CPIN: NOT INSERTED"
    not_ready,     // outside the spec: "+CPIN: NOT READY" while the SIM starts
};
std::string_view to_string(PinState s);

// +CPIN: <code>; the code may be quoted (Sierra) and any case.
ParseResult<PinState> parse_cpin(std::string_view line);

struct PinRetries {
    std::optional<int> pin, puk, pin2, puk2;
};
// Reads whichever form the lines hold: "+CPINR: SIM PIN,3,3" (one line per code),
// "^CPIN: SIM PIN,3,10,3,10,3" (<code>,[<times>],<puk>,<pin>,<puk2>,<pin2>),
// "+QPINC: "SC",3,10" (SC = PIN/PUK, P2 = PIN2/PUK2), "+SPIC: 3,10,3,10".
ParseResult<PinRetries> parse_pin_retries(std::span<const std::string> lines);

}  // namespace smsgw::at
