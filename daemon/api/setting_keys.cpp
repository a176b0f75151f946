#include "daemon/api/setting_keys.hpp"

#include <algorithm>
#include <iterator>

namespace smsgw::api {
namespace {

using T = SettingType;

// Roles follow DESIGN.md ("managers … feature settings; admins … wallet, every
// setting"): what spends money or changes what recipients see as the sender is
// admin's; what shapes the messages and replies is a manager's.
constexpr SettingSpec specs[] = {
    {"sms.enabled", T::boolean, "true", Role::admin, 0, 0,
     "Send SMS at all (a paid service). Off: every send is refused with service_disabled, "
     "nothing queued goes to a modem until it is on again (validity still runs), and no "
     "automatic reply is queued."},
    {"sms.company_name", T::text, R"("")", Role::manager, 0, 50,
     "The company name, for the prefix of marketing messages."},
    {"sms.prefix_company_name", T::boolean, "false", Role::manager, 0, 0,
     "Start every marketing message with \"<company name>: \" (not transactional ones)."},
    {"sms.cost_per_segment", T::money, R"("0")", Role::admin, 0, 0,
     "Price of one SMS segment in sms.currency, a decimal with up to 6 places (\"0.09\")."},
    {"sms.currency", T::currency, R"("EUR")", Role::admin, 0, 0,
     "ISO 4217 code of the currency new costs, charges and top-ups are in; each cost and "
     "ledger entry keeps its own. Changes only while the wallet is empty (wallet.withdraw) "
     "and no charge may still be refunded."},
    {"wallet.enabled", T::boolean, "false", Role::admin, 0, 0,
     "Charge each message's cost to the wallet; refuse sends it cannot pay "
     "(insufficient_balance)."},
    {"sms.max_segments", T::integer, "10", Role::admin, 1, 255,
     "The most segments one message may have; longer texts are refused (text_too_long). "
     "At most the daemon's limits.max_parts_per_message (10 unless its config says more)."},
    {"sms.sender_caption", T::sender_caption, R"("")", Role::admin, 0, 0,
     "Originator shown to recipients: up to 11 letters/digits (A-Z, 0-9, space, - _) or up "
     "to 15 digits; empty: the SIM's number. Only where the network lets it through."},
    {"optout.confirmation_enabled", T::boolean, "false", Role::manager, 0, 0,
     "Reply to an opt-out with optout.confirmation_text."},
    {"optout.confirmation_text", T::reply_text,
     R"("You are unsubscribed and will get no more messages. Reply START to subscribe again.")",
     Role::manager, 0, 0, "The opt-out confirmation reply; must fit in one SMS."},
    {"optout.resubscribe_confirmation_enabled", T::boolean, "false", Role::manager, 0, 0,
     "Reply to a re-subscription (START, …) that lifted an opt-out with "
     "optout.resubscribe_confirmation_text."},
    {"optout.resubscribe_confirmation_text", T::reply_text,
     R"("You are subscribed again. Reply STOP to unsubscribe.")", Role::manager, 0, 0,
     "The re-subscription confirmation reply; must fit in one SMS."},
    {"optout.help_enabled", T::boolean, "false", Role::manager, 0, 0,
     "Reply to HELP/INFO (and translations) with optout.help_text."},
    {"optout.help_text", T::reply_text,
     R"("Reply STOP to unsubscribe or START to subscribe again.")", Role::manager, 0, 0,
     "The HELP reply; must fit in one SMS."},
    {"optout.allow_transactional", T::boolean, "false", Role::admin, 0, 0,
     "Let transactional messages reach opted-out numbers (marketing never does)."},
};

}  // namespace

std::string_view to_string(SettingType type) {
    switch (type) {
        case T::boolean:
            return "boolean";
        case T::integer:
            return "integer";
        case T::text:
            return "text";
        case T::reply_text:
            return "reply_text";
        case T::money:
            return "money";
        case T::currency:
            return "currency";
        case T::sender_caption:
            return "sender_caption";
    }
    return "text";
}

std::span<const SettingSpec> setting_specs() {
    return specs;
}

const SettingSpec* find_setting(std::string_view key) {
    const auto* it = std::find_if(std::begin(specs), std::end(specs),
                                  [key](const SettingSpec& s) { return s.key == key; });
    return it == std::end(specs) ? nullptr : it;
}

}  // namespace smsgw::api
