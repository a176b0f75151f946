// The settings key table and its validation: parse → validate → apply, with the
// key and the expectation named in every error (STYLE.md habit 9).
#include "daemon/policy/settings_schema.hpp"

#include <algorithm>
#include <array>

#include "daemon/api/suggest.hpp"
#include "daemon/policy/sender_caption.hpp"
#include "pdu/preview.hpp"
#include "pdu/utf8.hpp"

namespace smsgw::policy {
namespace {

using api::Role;
using json = nlohmann::json;
using T = SettingType;

SettingError invalid(const SettingSpec& spec, std::string_view expected, const json& got) {
    std::string shown = got.dump(-1, ' ', false, json::error_handler_t::replace);
    if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
    return {SettingErrorKind::invalid_value, std::string(spec.key), "value",
            std::string(spec.key) + ": expected " + std::string(expected) + ", got " + shown};
}

SettingError invalid_because(const SettingSpec& spec, std::string_view why) {
    return {SettingErrorKind::invalid_value, std::string(spec.key), "value",
            std::string(spec.key) + ": " + std::string(why)};
}

Expected<json, SettingError> check_text(const SettingSpec& spec, const json& value) {
    if (!value.is_string()) return unexpected(invalid(spec, "a string", value));
    const auto& text = value.get_ref<const std::string&>();
    std::u32string cps;
    if (pdu::utf8_decode(text, cps)) return unexpected(invalid_because(spec, "not valid UTF-8"));
    if (spec.type == T::text) {
        if (std::any_of(cps.begin(), cps.end(), [](char32_t c) { return c < 0x20 || c == 0x7F; }))
            return unexpected(invalid_because(spec, "one line without control characters"));
        if (static_cast<std::int64_t>(cps.size()) > spec.max)
            return unexpected(invalid_because(spec, "at most " + std::to_string(spec.max) +
                                                        " characters, got " +
                                                        std::to_string(cps.size())));
        return value;
    }
    // reply_text: sent automatically for each STOP/HELP, so one segment each.
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        return unexpected(invalid_because(spec, "a reply text cannot be empty"));
    if (std::any_of(cps.begin(), cps.end(),
                    [](char32_t c) { return (c < 0x20 && c != U'\n') || c == 0x7F; }))
        return unexpected(invalid_because(spec, "no control characters other than line breaks"));
    auto preview = pdu::preview_text(text);
    if (!preview) return unexpected(invalid_because(spec, preview.error()));
    if (preview->count.segments > 1)
        return unexpected(invalid_because(
            spec,
            "must fit in one SMS (160 GSM-7 characters, or 70 when a character needs "
            "UCS-2); this text needs " +
                std::to_string(preview->count.segments) + " segments"));
    return value;
}

Expected<json, SettingError> check_value(const SettingSpec& spec, const json& value,
                                         const SettingCeiling* ceiling = nullptr) {
    switch (spec.type) {
        case T::boolean:
            if (!value.is_boolean()) return unexpected(invalid(spec, "true or false", value));
            return value;
        case T::integer: {
            const bool capped = ceiling && ceiling->max < spec.max;
            const std::int64_t max = capped ? ceiling->max : spec.max;
            const std::string expected = "an integer from " + std::to_string(spec.min) + " to " +
                                         std::to_string(max) +
                                         (capped ? " (" + std::string(ceiling->source) + ")" : "");
            if (!value.is_number_integer()) return unexpected(invalid(spec, expected, value));
            if (value.is_number_unsigned() && value.get<std::uint64_t>() > 0x7FFFFFFFu)
                return unexpected(invalid(spec, expected, value));
            const auto v = value.get<std::int64_t>();
            if (v < spec.min || v > max) return unexpected(invalid(spec, expected, value));
            return value;
        }
        case T::text:
        case T::reply_text:
            return check_text(spec, value);
        case T::money: {
            constexpr std::string_view expected = "a decimal amount ≥ 0 such as \"0.09\"";
            std::string text;
            if (value.is_string())
                text = value.get<std::string>();
            else if (value.is_number())
                text = value.dump();  // a float dumps in its shortest exact form: 0.09 → "0.09"
            else
                return unexpected(invalid(spec, expected, value));
            if (text.starts_with('-')) return unexpected(invalid(spec, expected, value));
            auto micros = parse_decimal(text);
            if (!micros)
                return unexpected(
                    invalid(spec, std::string(expected) + " (" + micros.error() + ")", value));
            if (*micros > max_cost_per_segment)
                return unexpected(invalid(
                    spec, "at most " + format_decimal(max_cost_per_segment) + " per segment",
                    value));
            return json(format_decimal(*micros));
        }
        case T::currency: {
            constexpr std::string_view expected = "an ISO 4217 currency code such as \"EUR\"";
            if (!value.is_string()) return unexpected(invalid(spec, expected, value));
            std::string code = value.get<std::string>();
            std::transform(code.begin(), code.end(), code.begin(), [](char c) {
                return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
            });
            if (!currency_minor_digits(code)) return unexpected(invalid(spec, expected, value));
            return json(code);
        }
        case T::sender_caption: {
            if (!value.is_string())
                return unexpected(invalid(spec, "a string (a name or a number)", value));
            auto ok = check_sender_caption(value.get_ref<const std::string&>());
            if (!ok) return unexpected(invalid_because(spec, ok.error()));
            return value;
        }
    }
    return unexpected(invalid_because(spec, "unknown type"));
}

SettingError unknown_key(std::string_view key) {
    return {SettingErrorKind::unknown_key, std::string(key), "key", unknown_setting_text(key)};
}

}  // namespace

std::string unknown_setting_text(std::string_view key) {
    std::vector<std::string_view> keys;
    for (const SettingSpec& spec : setting_specs()) keys.push_back(spec.key);
    return "unknown setting `" + std::string(key) + "`" + api::did_you_mean(key, keys);
}

std::string_view SettingError::code() const {
    return kind == SettingErrorKind::forbidden ? "forbidden" : "bad_request";
}

Expected<json, SettingError> validate(std::string_view key, const json& value) {
    const SettingSpec* spec = find_setting(key);
    if (!spec) return unexpected(unknown_key(key));
    return check_value(*spec, value);
}

Expected<json, SettingError> validate_change(std::string_view key, const json& value,
                                             api::Role caller,
                                             std::span<const SettingCeiling> ceilings) {
    const SettingSpec* spec = find_setting(key);
    if (!spec) return unexpected(unknown_key(key));
    if (caller < spec->min_role)
        return unexpected(SettingError{
            SettingErrorKind::forbidden, std::string(key), "key",
            std::string(key) + ": only " + std::string(api::to_string(spec->min_role)) +
                (spec->min_role == Role::admin ? "s" : "s and admins") + " may change it"});
    const auto ceiling = std::find_if(ceilings.begin(), ceilings.end(),
                                      [key](const SettingCeiling& c) { return c.key == key; });
    return check_value(*spec, value, ceiling == ceilings.end() ? nullptr : &*ceiling);
}

const json& defaults() {
    static const json values = [] {
        json out = json::object();
        for (const auto& spec : setting_specs())
            out[std::string(spec.key)] = json::parse(spec.default_json);
        return out;
    }();
    return values;
}

Settings resolve(const json& stored, std::vector<SettingError>* problems) {
    json values = defaults();
    if (stored.is_object()) {
        for (const auto& [key, value] : stored.items()) {
            if (!find_setting(key)) continue;
            auto checked = validate(key, value);
            if (checked)
                values[key] = std::move(*checked);
            else if (problems)
                problems->push_back(std::move(checked).error());
        }
    }
    Settings s;
    s.sms_enabled = values["sms.enabled"].get<bool>();
    s.company_name = values["sms.company_name"].get<std::string>();
    s.prefix_company_name = values["sms.prefix_company_name"].get<bool>();
    s.cost_per_segment = *parse_decimal(values["sms.cost_per_segment"].get<std::string>());
    s.currency = values["sms.currency"].get<std::string>();
    s.wallet_enabled = values["wallet.enabled"].get<bool>();
    s.max_segments = values["sms.max_segments"].get<int>();
    s.sender_caption = values["sms.sender_caption"].get<std::string>();
    s.optout_confirmation_enabled = values["optout.confirmation_enabled"].get<bool>();
    s.optout_confirmation_text = values["optout.confirmation_text"].get<std::string>();
    s.optout_resubscribe_confirmation_enabled =
        values["optout.resubscribe_confirmation_enabled"].get<bool>();
    s.optout_resubscribe_confirmation_text =
        values["optout.resubscribe_confirmation_text"].get<std::string>();
    s.optout_help_enabled = values["optout.help_enabled"].get<bool>();
    s.optout_help_text = values["optout.help_text"].get<std::string>();
    s.optout_allow_transactional = values["optout.allow_transactional"].get<bool>();
    return s;
}

}  // namespace smsgw::policy
