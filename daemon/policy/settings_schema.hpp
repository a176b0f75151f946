// The run-time settings staff change over the socket (`settings.get`/`set`,
// issue 4, "Settings over the socket"). Their key table (key, type, default,
// role, limits, description) is the protocol's, daemon/api/setting_keys.hpp;
// the store persists key → JSON value (daemon/store); this file decides what
// a valid value is, its canonical JSON, and the typed Settings the daemon
// works with.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/api/role.hpp"
#include "daemon/api/setting_keys.hpp"
#include "daemon/policy/cost.hpp"
#include "pdu/expected.hpp"

namespace smsgw::policy {

// The key table is the protocol's (daemon/api/setting_keys.hpp).
using api::find_setting;
using api::setting_specs;
using api::SettingSpec;
using api::SettingType;

enum class SettingErrorKind { unknown_key, invalid_value, forbidden };

struct SettingError {
    SettingErrorKind kind;
    std::string key;      // the setting ("sms.max_segments")
    std::string field;    // the socket parameter at fault: "key" or "value"
    std::string message;  // "sms.max_segments: expected an integer from 1 to 255, got 300"
    // The socket protocol's error code (DESIGN.md): bad_request or forbidden.
    std::string_view code() const;
};

// The canonical JSON of a valid value for `key`, or what was expected.
Expected<nlohmann::json, SettingError> validate(std::string_view key, const nlohmann::json& value);

// A bound the deployment sets below an integer setting's own: the daemon's
// config caps sms.max_segments with limits.max_parts_per_message. A value is
// checked against the lower of the two, and the message names the one that
// applies, so the limit stated is the limit enforced.
struct SettingCeiling {
    std::string_view key;     // "sms.max_segments"
    std::int64_t max = 0;     // 10
    std::string_view source;  // "limits.max_parts_per_message in the daemon's config"
};

// validate(), after checking that `caller` may change `key` (DESIGN.md,
// "Roles": managers change feature settings, admins every setting), with the
// deployment's ceilings applied.
Expected<nlohmann::json, SettingError> validate_change(
    std::string_view key, const nlohmann::json& value, api::Role caller,
    std::span<const SettingCeiling> ceilings = {});

// "unknown setting `sms.enabeld`; did you mean `sms.enabled`?" — for an error
// about a key in any parameter.
std::string unknown_setting_text(std::string_view key);

// {key: default} for every setting.
const nlohmann::json& defaults();

// The typed view the daemon decides with.
struct Settings {
    bool sms_enabled = false;  // off: every send is refused with service_disabled
    std::string company_name;
    bool prefix_company_name = false;  // marketing messages only (company_prefix.hpp)
    Micros cost_per_segment = 0;
    std::string currency;
    bool wallet_enabled = false;
    int max_segments = 0;
    std::string sender_caption;  // empty: the SIM's number
    bool optout_confirmation_enabled = false;
    std::string optout_confirmation_text;
    bool optout_resubscribe_confirmation_enabled = false;
    std::string optout_resubscribe_confirmation_text;
    bool optout_help_enabled = false;
    std::string optout_help_text;
    bool optout_allow_transactional = false;  // transactional sends reach opted-out numbers
    bool operator==(const Settings&) const = default;
};

// Settings from the stored values ({key: value}, e.g. from Store::all_settings),
// each missing key at its default. A stored value this build finds invalid (an
// older build's rules, a hand-edited database) falls back to the default and
// is reported in `problems`, so the daemon logs it instead of refusing to start.
// Unknown keys are ignored (a newer build's settings).
Settings resolve(const nlohmann::json& stored, std::vector<SettingError>* problems = nullptr);

}  // namespace smsgw::policy
