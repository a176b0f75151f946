// Caller roles, from the least: member < manager < admin (DESIGN.md, "Roles").
// The daemon maps a peer's uid/gid to one of these; each op names the least
// role that may call it (op_table.hpp). Ordered so `caller >= needed` works.
#pragma once

#include <optional>
#include <string_view>

namespace smsgw::api {

enum class Role { member = 0, manager = 1, admin = 2 };

std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view name);

}  // namespace smsgw::api
