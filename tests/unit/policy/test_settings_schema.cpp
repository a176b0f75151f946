// The settings table: every key with valid and invalid values, roles, defaults,
// the typed view, sender captions and the company-name prefix.
#include <catch2/catch.hpp>

#include <set>

#include "daemon/policy/company_prefix.hpp"
#include "daemon/policy/sender_caption.hpp"
#include "daemon/policy/settings_schema.hpp"

using namespace smsgw::policy;
using nlohmann::json;
using smsgw::api::Role;

namespace {

json accepted(std::string_view key, const json& value) {
    auto v = validate(key, value);
    INFO(key << " = " << value.dump() << " → " << (v ? v->dump() : v.error().message));
    REQUIRE(v);
    return *v;
}

std::string refused(std::string_view key, const json& value) {
    auto v = validate(key, value);
    INFO(key << " = " << value.dump() << " → " << (v ? v->dump() : std::string()));
    REQUIRE_FALSE(v);
    CHECK(v.error().kind == SettingErrorKind::invalid_value);
    CHECK(v.error().key == key);
    CHECK(v.error().field == "value");
    CHECK(v.error().code() == "bad_request");
    CHECK(v.error().message.starts_with(std::string(key) + ": "));
    return v.error().message;
}

}  // namespace

TEST_CASE("settings: the table") {
    const std::set<std::string_view> expected = {"sms.enabled",
                                                 "sms.company_name",
                                                 "sms.prefix_company_name",
                                                 "sms.cost_per_segment",
                                                 "sms.currency",
                                                 "wallet.enabled",
                                                 "sms.max_segments",
                                                 "sms.sender_caption",
                                                 "optout.confirmation_enabled",
                                                 "optout.confirmation_text",
                                                 "optout.resubscribe_confirmation_enabled",
                                                 "optout.resubscribe_confirmation_text",
                                                 "optout.help_enabled",
                                                 "optout.help_text",
                                                 "optout.allow_transactional"};
    std::set<std::string_view> keys;
    for (const auto& spec : setting_specs()) {
        INFO(spec.key);
        CHECK(keys.insert(spec.key).second);
        CHECK_FALSE(spec.description.empty());
        CHECK(find_setting(spec.key) == &spec);
        // Every default passes its own validation unchanged.
        const json d = defaults().at(std::string(spec.key));
        CHECK(accepted(spec.key, d) == d);
    }
    CHECK(keys == expected);
    CHECK(defaults().size() == expected.size());
    CHECK(find_setting("sms.nope") == nullptr);
    CHECK(to_string(SettingType::sender_caption) == "sender_caption");
}

TEST_CASE("settings: roles — admin for money, service and sender, manager for features") {
    const std::set<std::string_view> admin_only = {"sms.enabled",
                                                   "sms.cost_per_segment",
                                                   "sms.currency",
                                                   "wallet.enabled",
                                                   "sms.max_segments",
                                                   "sms.sender_caption",
                                                   "optout.allow_transactional"};
    for (const auto& spec : setting_specs()) {
        INFO(spec.key);
        CHECK(spec.min_role == (admin_only.count(spec.key) ? Role::admin : Role::manager));
        const json d = defaults().at(std::string(spec.key));
        CHECK(validate_change(spec.key, d, Role::admin));
        CHECK(bool(validate_change(spec.key, d, Role::manager)) ==
              (spec.min_role == Role::manager));
        const auto member = validate_change(spec.key, d, Role::member);
        REQUIRE_FALSE(member);
        CHECK(member.error().kind == SettingErrorKind::forbidden);
        CHECK(member.error().code() == "forbidden");
        CHECK(member.error().field == "key");
    }
    const auto e = validate_change("wallet.enabled", true, Role::manager);
    REQUIRE_FALSE(e);
    CHECK(e.error().message == "wallet.enabled: only admins may change it");
    const auto m = validate_change("sms.company_name", "ACME", Role::member);
    REQUIRE_FALSE(m);
    CHECK(m.error().message == "sms.company_name: only managers and admins may change it");
    // The role is checked before the value: a member learns nothing about the rules.
    CHECK(validate_change("wallet.enabled", "yes", Role::member).error().kind ==
          SettingErrorKind::forbidden);
}

TEST_CASE("settings: unknown keys are named, with a suggestion") {
    const auto e = validate("sms.enabeld", true);
    REQUIRE_FALSE(e);
    CHECK(e.error().kind == SettingErrorKind::unknown_key);
    CHECK(e.error().field == "key");
    CHECK(e.error().code() == "bad_request");
    CHECK(e.error().message.starts_with("unknown setting `sms.enabeld`"));
    CHECK(e.error().message.find("sms.enabled") != std::string::npos);
    CHECK_FALSE(validate_change("nope", true, Role::admin));
}

TEST_CASE("settings: a deployment's ceiling is the range checked and the range stated") {
    const SettingCeiling ceilings[] = {
        {"sms.max_segments", 10, "limits.max_parts_per_message in the daemon's config"}};
    // 300 is beyond the setting's own 255 and 11 only beyond the config's 10:
    // both are told the same range, the one enforced.
    for (const int value : {300, 11}) {
        const auto e = validate_change("sms.max_segments", value, Role::admin, ceilings);
        REQUIRE_FALSE(e);
        CHECK(e.error().field == "value");
        CHECK(e.error().message == "sms.max_segments: expected an integer from 1 to 10 "
                                   "(limits.max_parts_per_message in the daemon's config), got " +
                                       std::to_string(value));
    }
    CHECK(*validate_change("sms.max_segments", 10, Role::admin, ceilings) == json(10));
    // A ceiling above the setting's own bound changes nothing.
    const SettingCeiling loose[] = {{"sms.max_segments", 255, "the config"}};
    CHECK(validate_change("sms.max_segments", 256, Role::admin, loose).error().message ==
          "sms.max_segments: expected an integer from 1 to 255, got 256");
    CHECK(unknown_setting_text("sms.enabeld") ==
          validate("sms.enabeld", true).error().message);
}

TEST_CASE("settings: booleans") {
    for (const char* key :
         {"sms.enabled", "sms.prefix_company_name", "wallet.enabled", "optout.confirmation_enabled",
          "optout.help_enabled", "optout.allow_transactional"}) {
        CHECK(accepted(key, true) == json(true));
        CHECK(accepted(key, false) == json(false));
        CHECK(refused(key, 1) == std::string(key) + ": expected true or false, got 1");
        CHECK(refused(key, "true") == std::string(key) + ": expected true or false, got \"true\"");
        refused(key, nullptr);
        refused(key, json::array());
    }
}

TEST_CASE("settings: sms.max_segments is 1..255") {
    CHECK(accepted("sms.max_segments", 1) == 1);
    CHECK(accepted("sms.max_segments", 255) == 255);
    CHECK(refused("sms.max_segments", 0) ==
          "sms.max_segments: expected an integer from 1 to 255, got 0");
    refused("sms.max_segments", 256);
    refused("sms.max_segments", -1);
    refused("sms.max_segments", 2.5);
    refused("sms.max_segments", "10");
    refused("sms.max_segments", json(std::uint64_t{1} << 63));
}

TEST_CASE("settings: sms.company_name") {
    CHECK(accepted("sms.company_name", "ACME") == "ACME");
    CHECK(accepted("sms.company_name", "") == "");
    CHECK(accepted("sms.company_name", "Żabka Polska Sp. z o.o.") == "Żabka Polska Sp. z o.o.");
    CHECK(accepted("sms.company_name", std::string(50, 'x')) == std::string(50, 'x'));
    // 50 characters, not bytes: 50 × "ł" is 100 bytes.
    std::string polish;
    for (int i = 0; i < 50; ++i) polish += "ł";
    accepted("sms.company_name", polish);
    CHECK(refused("sms.company_name", std::string(51, 'x')) ==
          "sms.company_name: at most 50 characters, got 51");
    CHECK(refused("sms.company_name", "ACME\nGmbH") ==
          "sms.company_name: one line without control characters");
    refused("sms.company_name", 5);
    refused("sms.company_name", nullptr);
}

TEST_CASE("settings: sms.cost_per_segment in micro-units, canonical decimal string") {
    CHECK(accepted("sms.cost_per_segment", "0.09") == "0.09");
    CHECK(accepted("sms.cost_per_segment", 0.09) == "0.09");
    CHECK(accepted("sms.cost_per_segment", "0.090") == "0.09");
    CHECK(accepted("sms.cost_per_segment", "0.0035") == "0.0035");
    CHECK(accepted("sms.cost_per_segment", 0) == "0");
    CHECK(accepted("sms.cost_per_segment", 2) == "2");
    CHECK(accepted("sms.cost_per_segment", "1000") == "1000");
    CHECK(accepted("sms.cost_per_segment", "0.000001") == "0.000001");
    CHECK(refused("sms.cost_per_segment", "0.0000001").find("at most 6 decimals") !=
          std::string::npos);
    CHECK(refused("sms.cost_per_segment", "1000.01").find("at most 1000 per segment") !=
          std::string::npos);
    refused("sms.cost_per_segment", -0.09);
    refused("sms.cost_per_segment", "-1");
    refused("sms.cost_per_segment", "0,09");
    refused("sms.cost_per_segment", "1e-2");
    refused("sms.cost_per_segment", "");
    refused("sms.cost_per_segment", ".5");
    refused("sms.cost_per_segment", "5.");
    refused("sms.cost_per_segment", true);
    refused("sms.cost_per_segment", 1e300);
}

TEST_CASE("settings: sms.currency") {
    CHECK(accepted("sms.currency", "EUR") == "EUR");
    CHECK(accepted("sms.currency", "pln") == "PLN");
    CHECK(accepted("sms.currency", "RON") == "RON");
    CHECK(accepted("sms.currency", "JPY") == "JPY");
    CHECK(refused("sms.currency", "EURO") ==
          "sms.currency: expected an ISO 4217 currency code such as \"EUR\", got \"EURO\"");
    refused("sms.currency", "XXX");
    refused("sms.currency", "");
    refused("sms.currency", "€");
    refused("sms.currency", 978);
}

TEST_CASE("settings: reply texts fit in one SMS") {
    for (const char* key : {"optout.confirmation_text", "optout.resubscribe_confirmation_text",
                            "optout.help_text"}) {
        CHECK(accepted(key, "Abgemeldet. Antworte START zum Anmelden.") ==
              "Abgemeldet. Antworte START zum Anmelden.");
        accepted(key, std::string(160, 'a'));
        accepted(key, "Line one\nline two");
        CHECK(refused(key, std::string(161, 'a')).find("this text needs 2 segments") !=
              std::string::npos);
        // One Polish letter forces UCS-2: 70 characters per SMS.
        std::string ucs2 = "ż" + std::string(69, 'a');
        accepted(key, ucs2);
        refused(key, ucs2 + "a");
        CHECK(refused(key, "") == std::string(key) + ": a reply text cannot be empty");
        refused(key, "  \n ");
        refused(key, "tab\there");
        refused(key, false);
    }
}

TEST_CASE("settings: sms.sender_caption") {
    accepted("sms.sender_caption", "");
    CHECK(accepted("sms.sender_caption", "MyBank") == "MyBank");
    CHECK(refused("sms.sender_caption", "Müller").find("'ü' is not allowed") != std::string::npos);
    refused("sms.sender_caption", 12345);
}

TEST_CASE("caption: 11 characters or 15 digits") {
    CHECK(*check_sender_caption("") == CaptionKind::none);
    CHECK(*check_sender_caption("A") == CaptionKind::alphanumeric);
    CHECK(*check_sender_caption("ABCDEFGHIJK") == CaptionKind::alphanumeric);  // 11
    CHECK(check_sender_caption("ABCDEFGHIJKL").error() ==
          "a name caption has at most 11 characters, this one has 12");
    CHECK(*check_sender_caption("ACME Shop") == CaptionKind::alphanumeric);
    CHECK(*check_sender_caption("Shop-24_de") == CaptionKind::alphanumeric);
    CHECK(*check_sender_caption("24Shop") == CaptionKind::alphanumeric);
    CHECK(*check_sender_caption("123456789012345") == CaptionKind::numeric);  // 15
    CHECK(*check_sender_caption("+491512345678") == CaptionKind::numeric);
    CHECK(*check_sender_caption("3200") == CaptionKind::numeric);
    CHECK(check_sender_caption("1234567890123456").error() ==
          "a numeric caption has at most 15 digits, this one has 16");
    CHECK(check_sender_caption("+1234567890123456").error() ==
          "a numeric caption has at most 15 digits, this one has 16");
    CHECK(check_sender_caption("+49 151").error() ==
          "a caption starting with '+' must be digits only");
    CHECK(check_sender_caption("12-34").error() == "a name caption needs at least one letter");
    CHECK(check_sender_caption(" ACME").error() == "a caption cannot start or end with a space");
    CHECK(check_sender_caption("ACME ").error() == "a caption cannot start or end with a space");
    CHECK(check_sender_caption("AC  ME").error() == "a caption cannot have two spaces in a row");
    CHECK(check_sender_caption("M&S").error() ==
          "'&' is not allowed in a caption (letters A-Z, digits, space, '-' and '_' only)");
    CHECK_FALSE(check_sender_caption("Dr.Oetker"));
    CHECK_FALSE(check_sender_caption("Café"));    // é is GSM-7, but not in a caption
    CHECK_FALSE(check_sender_caption("Ωmega"));   // Ω too
    CHECK_FALSE(check_sender_caption("Łódź"));    // not GSM-7 at all
    CHECK_FALSE(check_sender_caption("AB\xFF"));  // invalid UTF-8
    // 11 characters counted as characters: "ÄBCDEFGHIJK" is refused for Ä, not length.
    CHECK(check_sender_caption("ÄBCDEFGHIJK").error().starts_with("'Ä'"));
}

TEST_CASE("settings: resolve() gives the typed view with defaults") {
    const Settings d = resolve(json::object());
    CHECK(d.sms_enabled);
    CHECK(d.company_name.empty());
    CHECK_FALSE(d.prefix_company_name);
    CHECK(d.cost_per_segment == 0);
    CHECK(d.currency == "EUR");
    CHECK_FALSE(d.wallet_enabled);
    CHECK(d.max_segments == 10);
    CHECK(d.sender_caption.empty());
    CHECK_FALSE(d.optout_confirmation_enabled);
    CHECK(d.optout_confirmation_text.find("START") != std::string::npos);
    CHECK_FALSE(d.optout_resubscribe_confirmation_enabled);
    CHECK(d.optout_resubscribe_confirmation_text.find("STOP") != std::string::npos);
    CHECK_FALSE(d.optout_help_enabled);
    CHECK(d.optout_help_text.find("STOP") != std::string::npos);
    CHECK_FALSE(d.optout_allow_transactional);

    const json stored = {{"sms.enabled", false},
                         {"sms.company_name", "ACME"},
                         {"sms.prefix_company_name", true},
                         {"sms.cost_per_segment", "0.09"},
                         {"sms.currency", "PLN"},
                         {"wallet.enabled", true},
                         {"sms.max_segments", 3},
                         {"sms.sender_caption", "ACME"},
                         {"optout.allow_transactional", true},
                         {"some.future_key", 1}};
    std::vector<SettingError> problems;
    const Settings s = resolve(stored, &problems);
    CHECK(problems.empty());
    CHECK_FALSE(s.sms_enabled);
    CHECK(s.company_name == "ACME");
    CHECK(s.prefix_company_name);
    CHECK(s.cost_per_segment == 90000);
    CHECK(s.currency == "PLN");
    CHECK(s.wallet_enabled);
    CHECK(s.max_segments == 3);
    CHECK(s.sender_caption == "ACME");
    CHECK(s.optout_allow_transactional);
}

TEST_CASE("settings: resolve() falls back to the default for an invalid stored value") {
    const json stored = {{"sms.max_segments", 0}, {"sms.currency", "EURO"}, {"sms.enabled", false}};
    std::vector<SettingError> problems;
    const Settings s = resolve(stored, &problems);
    CHECK(s.max_segments == 10);
    CHECK(s.currency == "EUR");
    CHECK_FALSE(s.sms_enabled);
    REQUIRE(problems.size() == 2);
    CHECK((problems[0].key == "sms.currency" || problems[0].key == "sms.max_segments"));
    CHECK(resolve(json::array()) == resolve(json::object()));
}

TEST_CASE("company prefix: \"<Company>: <text>\"") {
    CHECK(with_company_prefix("Sale today", "ACME") == "ACME: Sale today");
    CHECK(with_company_prefix("  Sale today", "ACME") == "ACME: Sale today");
    CHECK(with_company_prefix("Sale today\n", "ACME") == "ACME: Sale today\n");
    CHECK(with_company_prefix("Sale", " ACME ") == "ACME: Sale");
    CHECK(with_company_prefix("Sale", "ACME:") == "ACME: Sale");
    CHECK(with_company_prefix("Promocja!", "Żabka") == "Żabka: Promocja!");
    // Already signed: left alone, however the sender wrote the name.
    CHECK(with_company_prefix("ACME: Sale", "ACME") == "ACME: Sale");
    CHECK(with_company_prefix("acme - sale", "ACME") == "acme - sale");
    CHECK(with_company_prefix("Acme sale", "ACME") == "Acme sale");
    CHECK(with_company_prefix("ACME", "ACME") == "ACME");
    CHECK(with_company_prefix("ZABKA: promocja", "Żabka") == "ZABKA: promocja");
    CHECK(with_company_prefix("ACME GmbH: Sale", "ACME GmbH") == "ACME GmbH: Sale");
    // The name as part of a longer word is not a signature.
    CHECK(with_company_prefix("ACMEcorp sale", "ACME") == "ACME: ACMEcorp sale");
    CHECK(with_company_prefix("Acmes are here", "ACME") == "ACME: Acmes are here");
    // Nothing to prefix, or no name.
    CHECK(with_company_prefix("", "ACME") == "");
    CHECK(with_company_prefix("   ", "ACME") == "   ");
    CHECK(with_company_prefix("Sale", "") == "Sale");
    CHECK(with_company_prefix("Sale", "  ") == "Sale");
}

TEST_CASE("company prefix: only marketing messages, only when enabled") {
    Settings s = resolve(json::object());
    s.company_name = "ACME";
    using smsgw::api::Category;
    CHECK(apply_company_prefix("Sale", Category::marketing, s) == "Sale");
    s.prefix_company_name = true;
    CHECK(apply_company_prefix("Sale", Category::marketing, s) == "ACME: Sale");
    CHECK(apply_company_prefix("Your code is 1234", Category::transactional, s) ==
          "Your code is 1234");
    s.company_name.clear();
    CHECK(apply_company_prefix("Sale", Category::marketing, s) == "Sale");
}
