// Role mapping, on the names NSS gives (nss.hpp).
#include "daemon/server/peer_role.hpp"

#include <grp.h>
#include <pwd.h>

#include <algorithm>

#include "daemon/server/nss.hpp"

namespace smsgw::server {

namespace {

bool names_peer(const config::RoleMembers& members, const PeerIdentity& peer) {
    const auto has = [](const std::vector<std::string>& list, const std::string& name) {
        return !name.empty() && std::find(list.begin(), list.end(), name) != list.end();
    };
    if (has(members.users, peer.user)) return true;
    return std::any_of(peer.groups.begin(), peer.groups.end(),
                       [&](const std::string& g) { return has(members.groups, g); });
}

}  // namespace

std::optional<api::Role> role_for(const config::RolesConfig& roles, const PeerIdentity& peer) {
    if (peer.uid == 0) return api::Role::admin;
    if (names_peer(roles.admin, peer)) return api::Role::admin;
    if (names_peer(roles.manager, peer)) return api::Role::manager;
    if (names_peer(roles.member, peer)) return api::Role::member;
    return std::nullopt;
}

PeerIdentity lookup_peer(uid_t uid, gid_t gid) {
    PeerIdentity peer{uid, gid, user_name(uid).value_or(""), {}};
    std::vector<gid_t> gids{gid};
    if (!peer.user.empty()) {
        int count = 32;
        for (;;) {
            gids.assign(static_cast<std::size_t>(count), 0);
            int n = count;
            if (getgrouplist(peer.user.c_str(), gid, gids.data(), &n) >= 0) {
                gids.resize(static_cast<std::size_t>(n));
                break;
            }
            if (n <= count) {  // failed without saying how many: keep the primary
                gids.assign(1, gid);
                break;
            }
            count = n;
        }
    }
    for (const gid_t g : gids)
        if (auto name = group_name(g); name && std::find(peer.groups.begin(), peer.groups.end(),
                                                         *name) == peer.groups.end())
            peer.groups.push_back(std::move(*name));
    return peer;
}

}  // namespace smsgw::server
