// One lookup for the to_string() tables of the enum classes in smsgw::at. Every
// enum has exactly one table {value, "name"} next to its definition; logs, traces
// and JSON share those names, so a value missing from its table is a bug and
// shows up as "?" rather than as an empty string.
#pragma once

#include <string_view>

namespace smsgw::at {

template <typename E>
struct EnumName {
    E value;
    std::string_view name;
};

template <typename E, std::size_t N>
constexpr std::string_view enum_name(const EnumName<E> (&table)[N], E value) {
    for (const auto& row : table)
        if (row.value == value) return row.name;
    return "?";
}

}  // namespace smsgw::at
