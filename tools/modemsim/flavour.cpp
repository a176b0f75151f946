// The rows of the vendor table. Strings are copied from real devices' answers:
// Huawei E1752 (firmware 11.126), Quectel EC25-E, SIMCom SIM800L (R14.18).
#include "tools/modemsim/flavour.hpp"

namespace smsgw::modemsim {
namespace {

const FlavourTraits kTraits[] = {
    {Flavour::generic, "smsgw", "modemsim", "1.0", 1, false, false, false, true, false, 7,
     {"Manufacturer: {manufacturer}", "Model: {model}", "Revision: {revision}", "IMEI: {imei}",
      "+GCAP: +CGSM"},
     {}},
    // Huawei sticks index the SIM from 0 and chatter ^RSSI/^MODE/^BOOT on the
    // AT port unless told AT^CURC=0; after a reset they re-enumerate silently.
    {Flavour::huawei, "huawei", "E1752", "11.126.03.01.314", 0, true, true, false, true, false, 2,
     {"Manufacturer: {manufacturer}", "Model: {model}", "Revision: {revision}", "IMEI: {imei}",
      "+GCAP: +CGSM,+DS,+ES"},
     {}},
    // Quectel EC25: 0-based indexes; announces itself after power-up.
    {Flavour::quectel, "Quectel", "EC25", "EC25EFAR06A06M4G", 0, false, false, false, true, true, 7,
     {"{manufacturer}", "{model}", "Revision: {revision}"},
     {"RDY", "+CFUN: 1", "+QUSIM: 1", "+QIND: SMS DONE"}},
    // SIMCom SIM800L: 1-based indexes, bare ICCID, OK for an empty slot.
    {Flavour::simcom, "SIMCOM_Ltd", "SIMCOM_SIM800L", "Revision:1418B04SIM800L24", 1, false, false,
     true, false, true, 0, {"SIM800 R14.18"}, {"RDY", "+CFUN: 1", "Call Ready", "SMS Ready"}},
};

}  // namespace

const FlavourTraits& traits_of(Flavour flavour) {
    for (const auto& t : kTraits)
        if (t.flavour == flavour) return t;
    return kTraits[0];
}

}  // namespace smsgw::modemsim
