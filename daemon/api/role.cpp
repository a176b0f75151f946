// Role names as the config (`roles: admin/manager/member`) and `hello` spell them.
#include "daemon/api/role.hpp"

#include <array>

#include "daemon/api/vocabulary.hpp"

namespace smsgw::api {

namespace {
constexpr std::array<std::string_view, 3> role_names = {"member", "manager", "admin"};
}

std::string_view to_string(Role role) {
    return role_names[static_cast<std::size_t>(role)];
}

std::optional<Role> role_from_string(std::string_view name) {
    return from_name<Role>(role_names, name);
}

}  // namespace smsgw::api
