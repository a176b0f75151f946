#include "daemon/server/nss.hpp"

#include <grp.h>
#include <pwd.h>

#include <cerrno>
#include <vector>

namespace smsgw::server {

namespace {

// One lookup; `take` reads what is needed from the entry while its buffer lives.
template <typename Entry, typename Key, typename Lookup, typename Take>
auto lookup(Key key, Lookup call, Take take, int* error) -> std::optional<decltype(take(Entry{}))> {
    std::vector<char> buffer(1024);
    for (;;) {
        Entry entry{};
        Entry* found = nullptr;
        const int rc = call(key, &entry, buffer.data(), buffer.size(), &found);
        if (rc == ERANGE && buffer.size() < (1u << 20)) {
            buffer.resize(buffer.size() * 4);
            continue;
        }
        if (error) *error = rc;
        if (rc != 0 || found == nullptr) return std::nullopt;
        return take(*found);
    }
}

}  // namespace

std::optional<std::string> user_name(uid_t uid) {
    return lookup<passwd>(uid, ::getpwuid_r, [](const passwd& p) { return std::string(p.pw_name); },
                          nullptr);
}

std::optional<std::string> group_name(gid_t gid) {
    return lookup<group>(gid, ::getgrgid_r, [](const group& g) { return std::string(g.gr_name); },
                         nullptr);
}

std::optional<uid_t> user_id(const std::string& name, int* error) {
    return lookup<passwd>(name.c_str(), ::getpwnam_r, [](const passwd& p) { return p.pw_uid; },
                          error);
}

std::optional<gid_t> group_id(const std::string& name, int* error) {
    return lookup<group>(name.c_str(), ::getgrnam_r, [](const group& g) { return g.gr_gid; },
                         error);
}

}  // namespace smsgw::server
