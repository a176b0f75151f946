// The rows of the op table: for every operation (DESIGN.md's core ones and
// those feature issues add) its least role and one row per parameter (schema +
// the struct member it fills). Adding an op: a struct in params.hpp, its name
// at the end of vocabulary.hpp's list, its rows here.
#include <array>

#include "daemon/api/amount.hpp"
#include "daemon/api/param_binding.hpp"

namespace smsgw::api {

namespace {

using T = ParamType;
using C = ParamCheck;
constexpr std::int64_t max_id = INT64_MAX;

// ---- send (also every item of send_batch) ------------------------------------
const Field<SendParams> send_fields[] = {
    {{"to", T::string, true, 1, 64, {}, C::phone_number}, &SendParams::to},
    // Bytes bound: the longest sendable text (255 UCS-2 or GSM-7 parts) in UTF-8.
    {{"text", T::string, true, 1, 160000, {}, C::sms_text}, &SendParams::text},
    {{"encoding", T::enumeration, false, 0, 0, encoding_names}, &SendParams::encoding},
    {{"transliterate", T::boolean}, &SendParams::transliterate},
    {{"report", T::boolean}, &SendParams::report},
    // 5 minutes to 7 days: shorter is lost to SMSC queueing, longer SMSCs clip.
    {{"validity_minutes", T::integer, false, 5, 10080}, &SendParams::validity_minutes},
    {{"priority", T::integer, false, 0, 9}, &SendParams::priority},
    {{"not_before", T::timestamp}, &SendParams::not_before},
    {{"idempotency_key", T::string, false, 1, 128, {}, C::client_key}, &SendParams::idempotency_key},
    {{"modem", T::string, false, 1, 32, {}, C::name}, &SendParams::modem},
    {{"category", T::enumeration, false, 0, 0, category_names}, &SendParams::category},
};

// The ParamSpec column of a row set, for OpInfo (public, no member pointers).
template <typename S, std::size_t N>
std::vector<ParamSpec> specs(const Field<S> (&fields)[N]) {
    std::vector<ParamSpec> out;
    for (const Field<S>& f : fields) out.push_back(f.spec);
    return out;
}

const std::vector<ParamSpec>& send_specs() {
    static const std::vector<ParamSpec> s = specs(send_fields);
    return s;
}

// ---- everything else ---------------------------------------------------------
const Field<HelloParams> hello_fields[] = {
    {{"client", T::string, false, 1, 64}, &HelloParams::client},
    {{"protocol", T::integer, false, 1, 1}, &HelloParams::protocol},
};

const Field<SendBatchParams> send_batch_fields[] = {
    // The configured limits.max_batch_messages (≤ this) is applied by the daemon.
    {{"messages", T::object_list, true, 1, 100000, {}, C::none, {}}, &SendBatchParams::messages},
};

const Field<MessageGetParams> message_get_fields[] = {
    {{"message_id", T::integer, true, 1, max_id}, &MessageGetParams::message_id},
};

const Field<MessageCancelParams> message_cancel_fields[] = {
    {{"message_id", T::integer, true, 1, max_id}, &MessageCancelParams::message_id},
};

const Field<MessageListParams> message_list_fields[] = {
    {{"state", T::enumeration, false, 0, 0, message_state_names}, &MessageListParams::state},
    {{"to", T::string, false, 1, 64, {}, C::phone_number}, &MessageListParams::to},
    {{"modem", T::string, false, 1, 32, {}, C::name}, &MessageListParams::modem},
    {{"category", T::enumeration, false, 0, 0, category_names}, &MessageListParams::category},
    {{"since", T::timestamp}, &MessageListParams::since},
    {{"until", T::timestamp}, &MessageListParams::until},
    {{"limit", T::integer, false, 1, 1000}, &MessageListParams::limit},
    {{"before_id", T::integer, false, 1, max_id}, &MessageListParams::before_id},
};

const Field<InboundListParams> inbound_list_fields[] = {
    // A number, a short code or a name: the daemon reads it as it stores senders.
    {{"from", T::string, false, 1, 64, {}, C::sender}, &InboundListParams::from},
    {{"modem", T::string, false, 1, 32, {}, C::name}, &InboundListParams::modem},
    {{"since", T::timestamp}, &InboundListParams::since},
    {{"until", T::timestamp}, &InboundListParams::until},
    {{"limit", T::integer, false, 1, 1000}, &InboundListParams::limit},
    {{"before_id", T::integer, false, 1, max_id}, &InboundListParams::before_id},
};

// An opt-out is kept under the address its STOP came from, which may be a
// short code or a name: list and remove read `number` as a sender.
const Field<OptoutListParams> optout_list_fields[] = {
    {{"number", T::string, false, 1, 64, {}, C::sender}, &OptoutListParams::number},
    {{"limit", T::integer, false, 1, 1000}, &OptoutListParams::limit},
    {{"before_id", T::integer, false, 1, max_id}, &OptoutListParams::before_id},
};

const Field<OptoutAddParams> optout_add_fields[] = {
    {{"number", T::string, true, 1, 64, {}, C::phone_number}, &OptoutAddParams::number},
    {{"note", T::string, false, 1, 256}, &OptoutAddParams::note},
};

const Field<OptoutRemoveParams> optout_remove_fields[] = {
    {{"number", T::string, true, 1, 64, {}, C::sender}, &OptoutRemoveParams::number},
};

const Field<SettingsGetParams> settings_get_fields[] = {
    {{"keys", T::string_list, false, 0, 256, {}, C::setting_key}, &SettingsGetParams::keys},
};

const Field<SettingsSetParams> settings_set_fields[] = {
    {{"key", T::string, true, 1, 64, {}, C::setting_key}, &SettingsSetParams::key},
    {{"value", T::scalar, true, 0, 4096}, &SettingsSetParams::value},
};

const Field<PreviewParams> preview_fields[] = {
    {{"text", T::string, true, 1, 160000, {}, C::sms_text}, &PreviewParams::text},
    {{"encoding", T::enumeration, false, 0, 0, encoding_names}, &PreviewParams::encoding},
    {{"transliterate", T::boolean}, &PreviewParams::transliterate},
    {{"to", T::string, false, 1, 64, {}, C::phone_number}, &PreviewParams::to},
    {{"category", T::enumeration, false, 0, 0, category_names}, &PreviewParams::category},
};

const Field<SubscribeParams> subscribe_fields[] = {
    {{"events", T::enum_list, true, 1, event_names.size(), event_names}, &SubscribeParams::events},
};

// ---- wallet ------------------------------------------------------------------
const Field<WalletGetParams> wallet_get_fields[] = {
    // 0 asks for the balance alone.
    {{"ledger_limit", T::integer, false, 0, 1000}, &WalletGetParams::ledger_limit},
    {{"before_id", T::integer, false, 1, max_id}, &WalletGetParams::before_id},
};

const Field<WalletTopupParams> wallet_topup_fields[] = {
    // "10.50" or 10, never 10.5: see amount.hpp. Whether the sum still fits the
    // balance is the daemon's check.
    {{"amount", T::amount, true, 1, max_amount_micros}, &WalletTopupParams::amount},
    {{"reason", T::string, false, 1, 200}, &WalletTopupParams::reason},
};

const Field<WalletWithdrawParams> wallet_withdraw_fields[] = {
    // As a top-up's; whether the balance holds it is the daemon's check.
    {{"amount", T::amount, true, 1, max_amount_micros}, &WalletWithdrawParams::amount},
    {{"reason", T::string, false, 1, 200}, &WalletWithdrawParams::reason},
};

// Rows per params struct, found by type.
template <typename S>
std::span<const Field<S>> fields_of() {
    if constexpr (std::is_same_v<S, HelloParams>)
        return hello_fields;
    else if constexpr (std::is_same_v<S, SendParams>)
        return send_fields;
    else if constexpr (std::is_same_v<S, SendBatchParams>)
        return send_batch_fields;
    else if constexpr (std::is_same_v<S, MessageGetParams>)
        return message_get_fields;
    else if constexpr (std::is_same_v<S, MessageListParams>)
        return message_list_fields;
    else if constexpr (std::is_same_v<S, MessageCancelParams>)
        return message_cancel_fields;
    else if constexpr (std::is_same_v<S, InboundListParams>)
        return inbound_list_fields;
    else if constexpr (std::is_same_v<S, OptoutListParams>)
        return optout_list_fields;
    else if constexpr (std::is_same_v<S, OptoutAddParams>)
        return optout_add_fields;
    else if constexpr (std::is_same_v<S, OptoutRemoveParams>)
        return optout_remove_fields;
    else if constexpr (std::is_same_v<S, SettingsGetParams>)
        return settings_get_fields;
    else if constexpr (std::is_same_v<S, SettingsSetParams>)
        return settings_set_fields;
    else if constexpr (std::is_same_v<S, ModemListParams>)
        return {};
    else if constexpr (std::is_same_v<S, PreviewParams>)
        return preview_fields;
    else if constexpr (std::is_same_v<S, SubscribeParams>)
        return subscribe_fields;
    else if constexpr (std::is_same_v<S, WalletGetParams>)
        return wallet_get_fields;
    else if constexpr (std::is_same_v<S, WalletTopupParams>)
        return wallet_topup_fields;
    else
        return wallet_withdraw_fields;
}

struct OpRole {
    Op op;
    Role min_role;
};

// DESIGN.md, "Roles": members send and read; managers also handle opt-outs and
// feature settings (the daemon checks per key which settings need admin);
// admins also the modems (whose list shows IMEI, IMSI and ICCID) and the wallet.
constexpr OpRole op_roles[] = {
    {Op::hello, Role::member},         {Op::send, Role::member},
    {Op::send_batch, Role::member},    {Op::message_get, Role::member},
    {Op::message_list, Role::member},  {Op::message_cancel, Role::member},
    {Op::inbound_list, Role::member},  {Op::optout_list, Role::manager},
    {Op::optout_add, Role::manager},   {Op::optout_remove, Role::manager},
    {Op::settings_get, Role::manager}, {Op::settings_set, Role::manager},
    {Op::modem_list, Role::admin},     {Op::preview, Role::member},
    {Op::subscribe, Role::member},     {Op::wallet_get, Role::admin},
    {Op::wallet_topup, Role::admin},   {Op::wallet_withdraw, Role::admin},
};
constexpr bool roles_in_op_order() {
    for (std::size_t i = 0; i < std::size(op_roles); ++i)
        if (op_roles[i].op != static_cast<Op>(i)) return false;
    return std::size(op_roles) == op_names.size();
}
static_assert(roles_in_op_order());

// The op whose answer shows what each event says (in EventName order).
constexpr Op event_ops[] = {
    Op::message_get,   // message.queued
    Op::message_get,   // message.sent
    Op::message_get,   // message.delivered
    Op::message_get,   // message.failed
    Op::inbound_list,  // inbound.received
    Op::optout_list,   // optout.added: the number and note
    Op::optout_list,   // optout.removed
    Op::modem_list,    // modem.up
    Op::modem_list,    // modem.down
};
static_assert(std::size(event_ops) == event_names.size());

template <std::size_t... I>
std::array<OpInfo, sizeof...(I)> build_table(std::index_sequence<I...>) {
    static std::array<std::vector<ParamSpec>, sizeof...(I)> storage;
    (([&] {
         auto rows = fields_of<std::variant_alternative_t<I, Params>>();
         for (const auto& row : rows) storage[I].push_back(row.spec);
         for (ParamSpec& spec : storage[I])
             if (spec.type == ParamType::object_list) spec.item_params = send_specs();
     }()),
     ...);
    return {OpInfo{op_names[I], static_cast<Op>(I), op_roles[I].min_role, storage[I]}...};
}

template <std::size_t... I>
std::optional<Error> read_dispatch(std::index_sequence<I...>, const OpInfo& op,
                                   const nlohmann::json& request, Params& out) {
    std::optional<Error> error;
    ((static_cast<std::size_t>(op.op) == I
          ? [&] {
                std::variant_alternative_t<I, Params> params;
                error = read_params(request, fields_of<decltype(params)>(), op.name, "", true, params);
                out = std::move(params);
            }()
          : void()),
     ...);
    return error;
}

}  // namespace

std::span<const OpInfo> op_table() {
    static const auto table = build_table(std::make_index_sequence<op_names.size()>());
    return table;
}

const OpInfo* find_op(std::string_view name) {
    for (const OpInfo& info : op_table())
        if (info.name == name) return &info;
    return nullptr;
}

const OpInfo& op_info(Op op) {
    return op_table()[static_cast<std::size_t>(op)];
}

Op event_source_op(EventName event) {
    return event_ops[static_cast<std::size_t>(event)];
}

Role event_min_role(EventName event) {
    return op_roles[static_cast<std::size_t>(event_source_op(event))].min_role;
}

std::vector<EventName> events_visible_to(Role role) {
    std::vector<EventName> events;
    for (std::size_t i = 0; i < event_names.size(); ++i) {
        const auto event = static_cast<EventName>(i);
        if (role >= event_min_role(event)) events.push_back(event);
    }
    return events;
}

std::optional<Error> read_op_params(const OpInfo& op, const nlohmann::json& request, Params& out) {
    return read_dispatch(std::make_index_sequence<op_names.size()>(), op, request, out);
}

void write_op_params(const Params& params, nlohmann::json& out) {
    std::visit([&](const auto& p) { write_params(p, fields_of<std::decay_t<decltype(p)>>(), out); },
               params);
}

SendItem read_send_item(const nlohmann::json& item, const std::string& path) {
    SendItem out;
    std::optional<Error> e =
        item.is_object()
            ? read_params<SendParams>(item, send_fields, "send_batch messages", path + ".", false,
                                      out.params)
            : Error{ErrorCode::bad_request,
                    path + ": expected an object of send parameters, found " + describe(item),
                    path};
    if (e) {
        out.params = {};
        out.refused = std::move(*e);
        out.raw = item.dump();
    }
    return out;
}

nlohmann::json write_send_item(const SendItem& item) {
    if (item.refused) return nlohmann::json::parse(item.raw);
    nlohmann::json out = nlohmann::json::object();
    write_params<SendParams>(item.params, send_fields, out);
    return out;
}

}  // namespace smsgw::api
