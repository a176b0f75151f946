// All vendor knowledge in one table (STYLE habit 4), keyed by what +CGMI and +CGMM
// answer: how to read the ICCID and the PIN attempts, which +CNMI settings to try
// in which order (each with why), which unsolicited chatter to drop, whether the
// PDU must wait after the "> " prompt, where storage indices start and whether
// direct-routed messages need +CNMA. A row names the devices it was written from.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "drivers/at/command.hpp"
#include "drivers/at/session.hpp"
#include "drivers/at/sms_replies.hpp"
#include "drivers/at/urc.hpp"

namespace smsgw::at {

// One command of a sequence, with the reason it is there.
struct AtStep {
    std::string_view command;
    std::string_view why;
};

struct Quirks {
    std::string_view name;          // "huawei"; also the vendor key of error_table
    std::string_view manufacturer;  // case-insensitive substring of +CGMI; "" matches any
    std::string_view model;         // case-insensitive substring of +CGMM; "" matches any
    std::string_view devices;       // the devices and sources this row comes from
    Millis prompt_delay{0};         // wait between "> " and the PDU
    std::string_view iccid_command;
    std::string_view pin_retries_command;     // "" when the vendor has none we can read
    std::span<const AtStep> init;             // vendor commands after the common init
    std::span<const AtStep> cnmi_candidates;  // first supported one wins (choose_cnmi)
    std::span<const UrcKind> noise;           // URCs reported with noise = true
    int storage_index_base = 1;               // first index of +CMGR/+CMTI in SM storage
    bool needs_cnma = false;                  // +CMT/+CDS must be acknowledged with AT+CNMA
    bool sms_storage = true;                  // false: the device keeps no SMS storage over AT
};

std::span<const Quirks> quirk_table();
const Quirks& generic_quirks();
// The first row whose patterns match; the generic row when none does.
const Quirks& find_quirks(std::string_view cgmi, std::string_view cgmm);

// The Session settings a vendor needs: its name (for vendor +CMS codes), its noise
// and its prompt delay, on top of `base`.
SessionConfig session_config(const Quirks& quirks, SessionConfig base = {});

// Whether an AT+CNMI=… setting has the modem announce new messages (<mt>
// not 0); without it they are found only by reading the storage.
bool announces_messages(std::string_view cnmi_command);

// The first candidate whose values +CNMI=? lists; nullopt when none fits. A
// candidate may still be refused when set — then the engine tries the next one.
std::optional<AtStep> choose_cnmi(std::span<const AtStep> candidates, const CnmiSupport& support);

}  // namespace smsgw::at
