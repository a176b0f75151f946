// optout.*, settings.*, modem.list.
#include <spdlog/spdlog.h>

#include "daemon/core/clock.hpp"
#include "daemon/core/event_publisher.hpp"
#include "daemon/core/settings_cache.hpp"
#include "daemon/core/views.hpp"
#include "daemon/policy/cost.hpp"
#include "daemon/policy/settings_schema.hpp"
#include "daemon/service/service_impl.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::service {

namespace {

json setting_value(const policy::SettingSpec& spec, const std::optional<store::Setting>& stored) {
    if (stored) {
        auto v = json::parse(stored->value, nullptr, false);
        if (!v.is_discarded() && policy::validate(spec.key, v)) return v;
    }
    return json::parse(spec.default_json);
}

// A change of sms.currency refused: what holds the wallet to its currency,
// and what the admin does about it.
api::Error currency_held(const store::CurrencyHold& hold, const std::string& from,
                         const std::string& to) {
    const std::string change = "sms.currency: expected ";
    const std::string which = " to change the currency from " + from + " to " + to;
    if (hold.wallet.balance != 0)
        return make_error(
            api::ErrorCode::bad_request,
            change + "an empty wallet" + which + ", and the wallet holds " +
                policy::format_money(hold.wallet.balance, hold.wallet.currency) +
                ", which would then read as " + to +
                ": take it out first with wallet.withdraw (smsgwctl wallet withdraw " +
                policy::format_decimal(hold.wallet.balance) +
                "), change the currency, then top the wallet up in " + to,
            "value");
    const std::string first = std::to_string(hold.first_open_charge.value_or(0));
    return make_error(api::ErrorCode::bad_request,
                      change + "no charge that may still be refunded" + which + ", and " +
                          std::to_string(hold.open_charges) +
                          " charged message(s) have parts still queued or sending (message " +
                          first + " the oldest), whose refund would come back in " +
                          hold.wallet.currency +
                          ": wait until they end, or cancel them (smsgwctl message cancel " +
                          first + "), then change it",
                      "value");
}

}  // namespace

HandlerResult Service::Impl::optout_list(const api::OptoutListParams& p) {
    if (!p.number) {
        auto rows = deps.store.list_optouts(p.before_id, static_cast<int>(p.limit));
        return page("optouts", rows, p.limit, core::optout_json);
    }
    // One number: its entry or none, never a next page.
    std::vector<store::OptOut> rows;
    if (auto o = deps.store.get_optout(sender_address(*p.number))) rows.push_back(*o);
    return page("optouts", rows, 0, core::optout_json);
}

HandlerResult Service::Impl::optout_add(const api::OptoutAddParams& p, const CallerInfo& caller) {
    auto number = number_param(p.number, "number");
    if (!number) return unexpected(std::move(number).error());
    store::OptOut o;
    o.number = *number;
    o.at = core::now();
    o.source = "api";
    o.note = p.note;  // the reason staff gave ("asked by phone")
    o.uid = static_cast<std::int64_t>(caller.uid);
    // What was queued for the number and would now be refused is cancelled
    // with it, as for a STOP.
    const auto [added, cancelled] =
        deps.store.add_optout(o, deps.settings.get().optout_allow_transactional);
    if (added) {
        spdlog::info("opt-out added for {} by {} (uid {}){}", o.number, caller.user, caller.uid,
                     cancelled.empty() ? std::string()
                                       : "; " + std::to_string(cancelled.size()) +
                                             " queued message(s) to it cancelled");
        if (auto stored = deps.store.get_optout(o.number)) deps.events.optout_added(*stored);
        for (const auto& u : cancelled) deps.events.message_update(deps.store, u);
    }
    json r = {{"number", o.number}, {"added", added}, {"cancelled", cancelled.size()}};
    if (!added)
        if (auto first = deps.store.get_optout(o.number)) r["optout"] = core::optout_json(*first);
    return r;
}

HandlerResult Service::Impl::optout_remove(const api::OptoutRemoveParams& p,
                                           const CallerInfo& caller) {
    const std::string number = sender_address(p.number);
    if (!deps.store.remove_optout(number)) {
        // Nothing under that address: a number no send could go to says why.
        if (auto valid = number_param(p.number, "number"); !valid)
            return unexpected(std::move(valid).error());
        return unexpected(make_error(api::ErrorCode::not_found,
                                     number + " is not on the opt-out list", "number"));
    }
    spdlog::info("opt-out removed for {} by {} (uid {})", number, caller.user, caller.uid);
    deps.events.optout_removed(number, "api", core::now(), std::nullopt,
                               static_cast<std::int64_t>(caller.uid));
    return json{{"number", number}, {"removed", true}};
}

HandlerResult Service::Impl::settings_get(const api::SettingsGetParams& p) {
    std::vector<const policy::SettingSpec*> specs;
    if (p.keys.empty()) {
        for (const auto& s : policy::setting_specs()) specs.push_back(&s);
    } else {
        for (std::size_t i = 0; i < p.keys.size(); ++i) {
            const auto* spec = policy::find_setting(p.keys[i]);
            const std::string field = "keys[" + std::to_string(i) + "]";
            if (!spec)
                return unexpected(make_error(api::ErrorCode::bad_request,
                                             field + ": " + policy::unknown_setting_text(p.keys[i]),
                                             field));
            specs.push_back(spec);
        }
    }
    json values = json::object();
    json details = json::array();
    for (const auto* spec : specs) {
        auto stored = deps.store.get_setting(spec->key);
        json v = setting_value(*spec, stored);
        values[std::string(spec->key)] = v;
        details.push_back({{"key", spec->key},
                           {"value", v},
                           {"default", json::parse(spec->default_json)},
                           {"type", api::to_string(spec->type)},
                           {"min_role", api::to_string(spec->min_role)},
                           {"description", spec->description},
                           {"updated_at", stored ? json(core::format_time(stored->updated_at))
                                                 : json(nullptr)},
                           {"updated_by", stored && stored->updated_by ? json(*stored->updated_by)
                                                                       : json(nullptr)}});
    }
    return json{{"settings", std::move(values)}, {"details", std::move(details)}};
}

HandlerResult Service::Impl::settings_set(const api::SettingsSetParams& p,
                                          const CallerInfo& caller) {
    json value;
    std::visit([&](const auto& v) { value = v; }, p.value);
    // The config's hard limit bounds the setting: refused here rather than
    // capped in silence at every send, with the same range in every message.
    const policy::SettingCeiling ceilings[] = {
        {"sms.max_segments", config->limits.max_parts_per_message,
         "limits.max_parts_per_message in the daemon's config"}};
    auto canonical = policy::validate_change(p.key, value, caller.role, ceilings);
    if (!canonical) {
        const auto& e = canonical.error();
        const auto code = e.kind == policy::SettingErrorKind::forbidden ? api::ErrorCode::forbidden
                                                                        : api::ErrorCode::bad_request;
        return unexpected(make_error(code, e.message, e.field));
    }
    const auto* spec = policy::find_setting(p.key);
    json previous = setting_value(*spec, deps.store.get_setting(p.key));
    const auto uid = static_cast<std::int64_t>(caller.uid);
    if (p.key == "sms.currency" && *canonical != previous) {
        // Costs and ledger rows keep their currency; the wallet's balance is
        // one sum, so it changes currency only while it is empty and no
        // charge may still be refunded (in the charge's currency).
        if (const auto hold = deps.store.change_currency(canonical->dump(), uid, core::now()))
            return unexpected(
                currency_held(*hold, previous.get<std::string>(), canonical->get<std::string>()));
    } else {
        deps.store.set_setting(p.key, canonical->dump(), uid, core::now());
    }
    deps.settings.reload();
    deps.modems.settings_changed();
    spdlog::info("setting {} changed from {} to {} by {} (uid {})", p.key, previous.dump(),
                 canonical->dump(), caller.user, caller.uid);
    return json{{"key", p.key}, {"value", *canonical}, {"previous", previous}};
}

HandlerResult Service::Impl::modem_list() {
    return json{{"modems", deps.modems.list()}};
}

}  // namespace smsgw::service
