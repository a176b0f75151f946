// Who is on the other end of a connection, and which role the config gives
// them (DESIGN.md, "Roles"). SO_PEERCRED yields numbers; the config speaks in
// user and group names, so the numbers are resolved through NSS first and the
// mapping itself is a pure function the tests feed with made-up identities.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "daemon/api/role.hpp"

namespace smsgw::server {

struct PeerIdentity {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string user;                 // empty: the uid has no passwd entry
    std::vector<std::string> groups;  // primary and supplementary group names
};

// The highest role whose `users` name the peer's user or whose `groups` name
// one of its groups; uid 0 is always admin. nullopt: no role at all.
std::optional<api::Role> role_for(const config::RolesConfig& roles, const PeerIdentity& peer);

// Resolves names through NSS: the user by uid (getpwuid_r), its groups with
// getgrouplist (the primary gid included even when the user has no entry),
// each group's name by gid (getgrgid_r). Unknown ids are left out, not guessed.
PeerIdentity lookup_peer(uid_t uid, gid_t gid);

}  // namespace smsgw::server
