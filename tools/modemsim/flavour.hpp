// The vendor dialects the simulator can imitate. What differs between real
// sticks and matters to a client — identification strings, the index base of
// the message storage, URCs printed at boot, Huawei's ^RSSI chatter, how an
// empty storage slot is read — is one row of a table, so a quirk is data.
#pragma once

#include <string_view>
#include <vector>

#include "tools/modemsim/sim_config.hpp"

namespace smsgw::modemsim {

struct FlavourTraits {
    Flavour flavour;
    std::string_view manufacturer;  // AT+CGMI
    std::string_view model;         // AT+CGMM
    std::string_view revision;      // AT+CGMR
    int index_base;                 // first storage index
    bool noise;                     // periodic ^RSSI/^MODE/^BOOT (Huawei, until AT^CURC=0)
    bool huawei_commands;           // ^ICCID?, ^CPIN?, ^CURC
    // Reading an empty slot: SIMCom SIM800 answers plain OK, the others +CMS ERROR: 321.
    bool empty_read_ok;
    // +CCID answer: "+CCID: <iccid>" (Quectel, generic) or the bare number (SIMCom).
    bool ccid_prefixed;
    // Quectel and SIMCom power up with +CNMI: 2,1,0,0,0; Huawei and the generic
    // modem with 0,0,0,0,0 (messages stored silently until the client asks).
    bool cnmi_on_by_default;
    int access_technology;  // +COPS <AcT>: 0 GSM, 2 UTRAN, 7 E-UTRAN
    // ATI lines; {manufacturer} {model} {revision} {imei} are filled in.
    std::vector<std::string_view> ati;
    // Lines printed when the modem has (re)booted, before it takes commands.
    std::vector<std::string_view> boot_urcs;
};

const FlavourTraits& traits_of(Flavour flavour);

}  // namespace smsgw::modemsim
