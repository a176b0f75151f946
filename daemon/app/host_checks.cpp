#include "daemon/app/host_checks.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "config/pin_file.hpp"
#include "daemon/server/nss.hpp"

namespace smsgw::app {

namespace {

bool group_exists(const std::string& name) {
    return server::group_id(name).has_value();
}

bool user_exists(const std::string& name) {
    return server::user_id(name).has_value();
}

void check_role(const config::RoleMembers& members, const std::string& role,
                std::vector<HostProblem>& out) {
    for (const auto& user : members.users)
        if (!user_exists(user))
            out.push_back({"roles." + role + ".users",
                           "no user \"" + user + "\" on this machine: nobody gets " + role +
                               " through it"});
    for (const auto& name : members.groups)
        if (!group_exists(name))
            out.push_back({"roles." + role + ".groups",
                           "no group \"" + name + "\" on this machine: nobody gets " + role +
                               " through it"});
}

// The directory a file smsgwd creates goes into. The unit's StateDirectory=
// and RuntimeDirectory= create them as it starts; run by hand, nothing does.
void check_directory(const std::string& file, const std::string& key, const std::string& unit_key,
                     std::vector<HostProblem>& out) {
    const std::string dir = std::filesystem::path(file).parent_path().string();
    if (dir.empty()) return;
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return;
    out.push_back({key, "its directory " + dir + " does not exist (yet): smsgwd.service's " +
                            unit_key + " creates it as the service starts; to run smsgwd by hand, "
                            "create it first (mkdir -p " + dir + ", owned by the user smsgwd runs as)"});
}

// The modems' fixed ports: one that is not there (yet) is a warning (a stick
// not plugged in waits for it), two names of one device an error (the
// second modem would find its port held, by smsgwd itself).
void check_ports(const std::vector<config::ModemConfig>& modems, std::vector<HostProblem>& out) {
    struct Seen {
        std::size_t index;
        dev_t device;
        ino_t inode;
    };
    std::vector<Seen> seen;
    for (std::size_t i = 0; i < modems.size(); ++i) {
        const auto& m = modems[i];
        if (m.port.empty() || !m.enabled) continue;
        const std::string key = "modems[" + std::to_string(i) + "].port";
        struct stat st {};
        if (::stat(m.port.c_str(), &st) != 0) {
            if (errno == ENOENT)
                out.push_back({key, m.port + " does not exist (yet): modem " + m.name +
                                        " stays down, looked for every 5 s, until it appears "
                                        "(plugged in; or named otherwise: ls /dev/serial/by-id/)"});
            continue;
        }
        for (const Seen& other : seen) {
            if (other.device != st.st_dev || other.inode != st.st_ino) continue;
            out.push_back({key,
                           m.port + " is the same device as modems[" +
                               std::to_string(other.index) + "].port (" +
                               modems[other.index].port +
                               "): one modem per device; remove one of them",
                           true});
            break;
        }
        seen.push_back({i, st.st_dev, st.st_ino});
    }
}

}  // namespace

std::vector<HostProblem> check_host(const config::Config& config) {
    std::vector<HostProblem> out;
    check_directory(config.database, "database", "StateDirectory=", out);
    check_directory(config.socket.path, "socket.path", "RuntimeDirectory=", out);
    // The socket is then its owner's alone (socket_file.cpp): no one the group
    // was to keep out gets in, so it may start.
    if (!config.socket.group.empty() && !group_exists(config.socket.group))
        out.push_back({"socket.group",
                       "no group \"" + config.socket.group +
                           "\" on this machine: only smsgwd's own user (and root) can connect "
                           "until it exists (create it, e.g. with systemd-sysusers, and restart)"});
    for (std::size_t i = 0; i < config.modems.size(); ++i) {
        const auto& pin_file = config.modems[i].pin_file;
        if (pin_file.empty()) continue;
        const auto read = config::read_pin_file(pin_file);
        if (read.pin) continue;
        const std::string key = "modems[" + std::to_string(i) + "].pin_file";
        if (read.unreadable)
            out.push_back(
                {key, read.problem + ": the modem will not be started unless smsgwd's user can"});
        else
            out.push_back({key, read.problem, true});
    }
    check_ports(config.modems, out);
    check_role(config.roles.admin, "admin", out);
    check_role(config.roles.manager, "manager", out);
    check_role(config.roles.member, "member", out);
    return out;
}

}  // namespace smsgw::app
