// The vendor quirk table; see quirks.hpp. Facts come from the vendors' AT manuals,
// from ModemManager's plugins and from the transcripts in tests/transcripts/.
#include "drivers/at/quirks.hpp"

#include <array>
#include <iterator>

#include "drivers/at/fields.hpp"
#include "drivers/at/text.hpp"

namespace smsgw::at {

namespace {

// What we want from TS 27.005 §3.4.1: new messages and status reports stored and
// announced by index (+CMTI/+CDSI), so that nothing is deleted from the modem
// before the daemon has committed it (AT+CMGD only after the commit, DESIGN.md).
constexpr AtStep cnmi_default[] = {
    {"AT+CNMI=2,1,0,2,0", "SMS and status reports stored and announced (+CMTI, +CDSI)"},
    // Huawei E1752-era firmware lists <ds> as (0-1) only (gammu at-cnmi/01.dump).
    {"AT+CNMI=2,1,0,1,0", "status reports routed directly (+CDS) where <ds>=2 is not offered"},
    // Siemens and Nokia phones keep <mode> to 0-1 on some firmware.
    {"AT+CNMI=1,1,0,2,0", "<mode>=1 where the TA cannot buffer indications (<mode>=2 refused)"},
    {"AT+CNMI=1,1,0,1,0", "<mode>=1 with direct status reports"},
    {"AT+CNMI=2,1,0,0,0", "SMS announced, no status reports"},
    // A modem that refuses <mt>=1 (it offers only 0, 2, 3): messages stay
    // stored unannounced and are polled for (AT+CMGL), rather than routed
    // directly (<mt>=2), which the modem acknowledges to the network before
    // the daemon has committed them, so a crash in between would lose one.
    // Status reports still come, stored or routed.
    {"AT+CNMI=2,0,0,2,0", "<mt>=1 refused: SMS polled for, status reports announced (+CDSI)"},
    {"AT+CNMI=2,0,0,1,0", "<mt>=1 refused: SMS polled for, status reports routed (+CDS)"},
    {"AT+CNMI=1,0,0,1,0", "<mt>=1 refused, <mode>=1: SMS polled for, status reports routed"},
};

// Huawei sticks interleave periodic status reports with command answers unless
// AT^CURC=0 stops them; until then they are dropped on purpose.
constexpr UrcKind huawei_noise[] = {UrcKind::huawei_rssi,  UrcKind::huawei_hcsq,
                                    UrcKind::huawei_boot,  UrcKind::huawei_mode,
                                    UrcKind::huawei_srvst, UrcKind::huawei_dsflowrpt};
constexpr AtStep huawei_init[] = {
    {"AT^CURC=0",
     "stop the periodic ^RSSI/^BOOT/^MODE/^DSFLOWRPT reports (Huawei E1550/E1752/E3372)"},
};

// ZTE/Qualcomm sticks (K3565-Z, MF190) report PS attach and SIM state on their own.
constexpr UrcKind zte_noise[] = {UrcKind::zte_status};
// Wavecom sends +WIND start-up events unless AT+WIND=0 (python-gsmmodem WavecomMultiband900E1800).
constexpr UrcKind wavecom_noise[] = {UrcKind::wavecom_wind};

// Before the vendor is known, the chatter that never carries anything we act on.
constexpr UrcKind generic_noise[] = {UrcKind::huawei_rssi, UrcKind::huawei_hcsq,
                                     UrcKind::huawei_boot, UrcKind::huawei_mode,
                                     UrcKind::huawei_dsflowrpt};

// One row per vendor; clang-format would put each field on its own line.
// clang-format off
constexpr Quirks table[] = {
    {"huawei", "huawei", "",
     "E160G/E1550/E1752/K3715/E3372 sticks (python-gsmmodem HuaweiE1752/HuaweiK3715, gammu at-creg/huawei.dump)",
     Millis{0}, "AT^ICCID?", "AT^CPIN?", huawei_init, cnmi_default, huawei_noise,
     // +CMGL listings start at index 0 on Huawei firmware.
     0, false, true},
    {"quectel", "quectel", "",
     "EC25/EG25/M95/UC20 (Quectel AT manuals): +QCCID, +QPINC, +QIND start-up events (not noise: SMS DONE "
     "says SMS commands now work)",
     Millis{0}, "AT+QCCID", "AT+QPINC=\"SC\"", {}, cnmi_default, {}, 0, false, true},
    {"simcom", "simcom", "",
     "SIM800/SIM900/SIM7600: AT+CCID answers the bare digits; SIM800 firmware can lose the first PDU bytes "
     "when they follow the prompt at once",
     Millis{50}, "AT+CCID", "AT+SPIC", {}, cnmi_default, {}, 1, false, true},
    {"zte", "zte", "", "K3565-Z, MF190 (python-gsmmodem ZteK3565Z): ICCID only through the SIM file EF_ICCID",
     Millis{0}, "AT+CRSM=176,12258,0,0,10", "", {}, cnmi_default, zte_noise, 1, false, true},
    {"qualcomm", "qualcomm", "", "M6280 (python-gsmmodem QualcommM6280), a ZTE design",
     Millis{0}, "AT+CRSM=176,12258,0,0,10", "", {}, cnmi_default, zte_noise, 1, false, true},
    {"sierra", "sierra", "", "MC87xx/AirCard 312U (gammu at-creg/sierra312u.dump)",
     Millis{0}, "AT!ICCID?", "AT+CPINR", {}, cnmi_default, {}, 1, false, true},
    {"telit", "telit", "", "GE865/HE910/LE910 (gammu at-creg/telit.dump): #CCID",
     Millis{0}, "AT#CCID", "AT+CPINR", {}, cnmi_default, {}, 1, false, true},
    {"wavecom", "wavecom", "",
     "Multiband 900E/1800 (python-gsmmodem, gammu at-model/01.dump): +CCID, +WIND events; direct +CMT routing "
     "waits for +CNMA once AT+CSMS=1 is set",
     Millis{0}, "AT+CCID", "", {}, cnmi_default, wavecom_noise, 1, true, true},
    {"siemens", "siemens", "", "MC35i and S55-era phones (gammu at-creg/siemens.dump): ^SCID for the ICCID",
     Millis{0}, "AT^SCID", "", {}, cnmi_default, {}, 1, false, true},
    {"nokia", "nokia", "",
     "Nokia phones (python-gsmmodem NokiaN79: +CPMS: (),(),() and AT+CNMI=2,1,0,2 refused): messages stay in "
     "the phone's own inbox, out of reach of AT+CMGR",
     Millis{0}, "AT+CCID", "", {}, cnmi_default, {}, 1, false, false},
    {"generic", "", "", "any modem following TS 27.005/27.007", Millis{0}, "AT+CCID", "AT+CPINR", {},
     cnmi_default, generic_noise, 1, false, true},
};
// clang-format on

// "AT+CNMI=2,1,0,2,0" → {2,1,0,2,0}; missing values are 0 (TS 27.005 defaults).
std::optional<std::array<int, 5>> cnmi_values(std::string_view command) {
    const auto eq = command.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::array<int, 5> v{};
    const auto args = split_args(command.substr(eq + 1));
    if (args.size() > v.size()) return std::nullopt;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto n = to_long(args[i]);
        if (!n) return std::nullopt;
        v[i] = static_cast<int>(*n);
    }
    return v;
}

bool matches(std::string_view pattern, std::string_view answer) {
    if (pattern.empty()) return true;
    const std::string hay = to_upper(answer);
    return hay.find(to_upper(pattern)) != std::string::npos;
}

}  // namespace

std::span<const Quirks> quirk_table() {
    return table;
}
const Quirks& generic_quirks() {
    return table[std::size(table) - 1];
}

const Quirks& find_quirks(std::string_view cgmi, std::string_view cgmm) {
    for (const auto& q : table)
        if (matches(q.manufacturer, cgmi) && matches(q.model, cgmm)) return q;
    return generic_quirks();
}

SessionConfig session_config(const Quirks& quirks, SessionConfig base) {
    base.vendor = std::string(quirks.name);
    base.noise.assign(quirks.noise.begin(), quirks.noise.end());
    base.timers.set(TimerId::prompt_delay, quirks.prompt_delay);
    return base;
}

bool announces_messages(std::string_view cnmi_command) {
    const auto v = cnmi_values(cnmi_command);
    return v && (*v)[1] != 0;
}

std::optional<AtStep> choose_cnmi(std::span<const AtStep> candidates, const CnmiSupport& support) {
    for (const auto& step : candidates) {
        const auto v = cnmi_values(step.command);
        if (v && support.supports((*v)[0], (*v)[1], (*v)[2], (*v)[3], (*v)[4])) return step;
    }
    return std::nullopt;
}

}  // namespace smsgw::at
