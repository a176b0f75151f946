// Internal to smsgw_api: a row of the op table binds a ParamSpec to the member
// of the typed struct that holds it (mavlink-router's option_table[] with a
// member pointer for the offset). read_params() and write_params() walk the
// rows, so validation, conversion and serialisation cannot drift apart.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <type_traits>
#include <variant>

#include "daemon/api/amount.hpp"
#include "daemon/api/param_io.hpp"
#include "daemon/api/suggest.hpp"
#include "daemon/api/timestamp.hpp"

namespace smsgw::api {

template <typename S>
using Member = std::variant<
    std::string S::*, std::optional<std::string> S::*, bool S::*, std::int64_t S::*,
    std::optional<std::int64_t> S::*, std::optional<Timestamp> S::*, std::vector<std::string> S::*,
    Encoding S::*, Category S::*, std::optional<Category> S::*, std::optional<MessageState> S::*,
    std::vector<EventName> S::*, SettingValue S::*, std::vector<SendItem> S::*, Amount S::*>;

template <typename S>
struct Field {
    ParamSpec spec;
    Member<S> member;
};

// send_batch items are send params; defined next to the send rows. `path` is
// the item's own (`messages[3]`); a refused item keeps its error and raw text.
SendItem read_send_item(const nlohmann::json& item, const std::string& path);
nlohmann::json write_send_item(const SendItem& item);

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

template <typename E>
E enum_at(std::span<const std::string_view> choices, const std::string& name) {
    const auto it = std::find(choices.begin(), choices.end(), name);
    return static_cast<E>(it - choices.begin());  // check_value made sure it is there
}

// JSON → member, for a value check_value() accepted.
template <typename T>
std::optional<Error> convert(const nlohmann::json& v, const ParamSpec& spec,
                             const std::string& path, T& out) {
    if constexpr (is_optional<T>::value) {
        typename T::value_type inner{};
        auto e = convert(v, spec, path, inner);
        if (!e) out = std::move(inner);
        return e;
    } else if constexpr (std::is_same_v<T, Timestamp>) {
        out = *parse_timestamp(v.get_ref<const std::string&>());
    } else if constexpr (std::is_enum_v<T>) {
        out = enum_at<T>(spec.choices, v.get_ref<const std::string&>());
    } else if constexpr (std::is_same_v<T, std::vector<EventName>>) {
        for (const auto& item : v)
            out.push_back(enum_at<EventName>(spec.choices, item.get<std::string>()));
    } else if constexpr (std::is_same_v<T, SettingValue>) {
        if (v.is_string())
            out = v.get<std::string>();
        else if (v.is_boolean())
            out = v.get<bool>();
        else
            out = v.get<std::int64_t>();
    } else if constexpr (std::is_same_v<T, Amount>) {
        // A whole integer counts major units; check_value bounded both forms.
        out.micros = v.is_string() ? *parse_amount(v.get_ref<const std::string&>())
                                   : v.get<std::int64_t>() * micros_per_unit;
    } else if constexpr (std::is_same_v<T, std::vector<SendItem>>) {
        for (std::size_t i = 0; i < v.size(); ++i)
            out.push_back(read_send_item(v[i], path + "[" + std::to_string(i) + "]"));
    } else {
        out = v.get<T>();  // string, bool, int64, list of strings
    }
    return std::nullopt;
}

// Member → JSON.
template <typename T>
nlohmann::json to_json_value(const T& in, const ParamSpec& spec) {
    if constexpr (is_optional<T>::value) {
        return to_json_value(*in, spec);  // callers skip nullopt
    } else if constexpr (std::is_same_v<T, Timestamp>) {
        return in.text;
    } else if constexpr (std::is_enum_v<T>) {
        return spec.choices[static_cast<std::size_t>(in)];
    } else if constexpr (std::is_same_v<T, std::vector<EventName>>) {
        nlohmann::json out = nlohmann::json::array();
        for (EventName e : in) out.push_back(to_string(e));
        return out;
    } else if constexpr (std::is_same_v<T, SettingValue>) {
        return std::visit([](const auto& x) { return nlohmann::json(x); }, in);
    } else if constexpr (std::is_same_v<T, Amount>) {
        return format_amount(in.micros);  // always text: exact for every amount
    } else if constexpr (std::is_same_v<T, std::vector<SendItem>>) {
        nlohmann::json out = nlohmann::json::array();
        for (const SendItem& item : in) out.push_back(write_send_item(item));
        return out;
    } else {
        return nlohmann::json(in);
    }
}

// Reads an op's params from `object`. `envelope` skips the `id` and `op` keys of
// a request; `prefix` is put before parameter names (`messages[3].`).
template <typename S>
std::optional<Error> read_params(const nlohmann::json& object, std::span<const Field<S>> fields,
                                 std::string_view op_name, const std::string& prefix, bool envelope,
                                 S& out) {
    // Unknown names first: a typo (`tetx`) explains the "missing `text`" too.
    for (auto entry = object.begin(); entry != object.end(); ++entry) {
        const std::string& key =
            entry.key();  // not a structured binding: clang 14 cannot capture one
        if (envelope && (key == "id" || key == "op")) continue;
        const bool known = std::any_of(fields.begin(), fields.end(),
                                       [&](const Field<S>& f) { return f.spec.name == key; });
        if (known) continue;
        std::vector<std::string_view> names;
        for (const Field<S>& f : fields) names.push_back(f.spec.name);
        return Error{ErrorCode::bad_request,
                     prefix + key + ": unknown parameter for " + std::string(op_name) +
                         did_you_mean(key, names),
                     prefix + key};
    }
    for (const Field<S>& f : fields) {
        const std::string path = prefix + std::string(f.spec.name);
        const auto it = object.find(f.spec.name);
        // null stands for "not given", as many JSON encoders write unset fields.
        if (it == object.end() || (it->is_null() && !f.spec.required)) {
            if (f.spec.required)
                return Error{ErrorCode::bad_request, path + ": required parameter is missing",
                             path};
            continue;
        }
        if (auto e = check_value(*it, f.spec, path)) return e;
        auto e = std::visit([&](auto member) { return convert(*it, f.spec, path, out.*member); },
                            f.member);
        if (e) return e;
    }
    return std::nullopt;
}

// Writes params into `out`, leaving out optional parameters that are unset or
// at their default, so a request carries only what the caller chose.
template <typename S>
void write_params(const S& in, std::span<const Field<S>> fields, nlohmann::json& out) {
    const S defaults{};
    for (const Field<S>& f : fields) {
        std::visit(
            [&](auto member) {
                const auto& value = in.*member;
                if (!f.spec.required && value == defaults.*member) return;
                out[std::string(f.spec.name)] = to_json_value(value, f.spec);
            },
            f.member);
    }
}

}  // namespace smsgw::api
