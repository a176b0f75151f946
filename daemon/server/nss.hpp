// Users and groups by name or id through NSS (files, LDAP, …), with the
// reentrant _r calls and a buffer grown on ERANGE: a group with many members
// outgrows any fixed size. nullopt: no such entry (or the lookup failed, then
// `error` holds errno's value when asked for).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace smsgw::server {

std::optional<std::string> user_name(uid_t uid);
std::optional<std::string> group_name(gid_t gid);
std::optional<uid_t> user_id(const std::string& name, int* error = nullptr);
std::optional<gid_t> group_id(const std::string& name, int* error = nullptr);

}  // namespace smsgw::server
