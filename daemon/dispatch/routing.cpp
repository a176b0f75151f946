#include "daemon/dispatch/routing.hpp"

#include <algorithm>

namespace smsgw::dispatch {

namespace {

bool strictly_extends(std::string_view longer, std::string_view shorter) {
    return longer.size() > shorter.size() && longer.starts_with(shorter);
}


// Why a modem takes nothing now: "is down: port gone: …", "has reached its max_per_day…".
std::string why_not_sending(const ModemAvailability& m) {
    if (!m.enabled) return "is disabled (enabled: false)";
    if (m.sending && m.capped) return "has reached its max_per_day for today";
    if (m.sending && !m.resting.empty()) return "rests: " + m.resting;
    return "is " + (m.condition.empty() ? std::string("not ready") : m.condition);
}

}  // namespace

std::vector<std::string> exclusions(std::span<const std::string> own,
                                    std::span<const std::vector<std::string>> others) {
    std::vector<std::string> out;
    for (const auto& list : others) {
        for (const auto& q : list) {
            if (q.empty()) continue;
            if (std::find(own.begin(), own.end(), q) != own.end()) continue;
            const bool more_specific =
                own.empty() || std::any_of(own.begin(), own.end(), [&](const std::string& p) {
                    return strictly_extends(q, p);
                });
            const bool own_deeper = std::any_of(own.begin(), own.end(), [&](const std::string& p) {
                return strictly_extends(p, q);
            });
            if (more_specific && !own_deeper) out.push_back(q);
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string joined(std::span<const std::string> items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

bool matches_any(std::string_view recipient, std::span<const std::string> prefixes) {
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](const std::string& p) { return recipient.starts_with(p); });
}

std::optional<std::string> why_waiting(std::string_view recipient,
                                       const std::optional<BoundTo>& bound,
                                       std::span<const ModemAvailability> modems) {
    const auto may_send = [](const ModemAvailability& m) {
        return m.enabled && m.sending && !m.capped && m.resting.empty();
    };
    if (bound) {
        const auto it = std::find_if(modems.begin(), modems.end(),
                                     [&](const auto& m) { return m.name == bound->modem; });
        const std::string head = "waits for modem " + bound->modem + " (" + bound->because + "), ";
        if (it == modems.end()) return head + "which is not in the config";
        if (!bound->sim.empty() && !it->sim.empty() && it->sim != bound->sim)
            return head + "which holds another SIM now (IMSI " + it->sim +
                   "): the first parts went out from IMSI " + bound->sim +
                   ", and a handset joins only parts from one sender; put that SIM back in it";
        if (may_send(*it)) return std::nullopt;
        return head + "which " + why_not_sending(*it);
    }
    // A modem with routes takes only those; one without takes the rest, and
    // leaves a routed prefix alone only while a modem that routes it may send.
    const auto routes = [&](const ModemAvailability& m) {
        return m.route_prefixes.empty() || matches_any(recipient, m.route_prefixes);
    };
    std::vector<std::string> blocked;
    std::vector<std::string> enabled_routes;
    for (const auto& m : modems) {
        if (!routes(m)) {
            if (m.enabled) enabled_routes.insert(enabled_routes.end(), m.route_prefixes.begin(),
                                                 m.route_prefixes.end());
            continue;
        }
        if (may_send(m)) return std::nullopt;
        if (!m.enabled) continue;
        const std::string what = m.route_prefixes.empty()
                                     ? "any number"
                                     : "routes " + joined(m.route_prefixes, ", ");
        blocked.push_back(m.name + " (" + what + ") " + why_not_sending(m));
    }
    if (!blocked.empty()) return "no modem may send it now: " + joined(blocked, "; ");
    if (enabled_routes.empty()) return std::string("no modem is enabled in the config");
    std::sort(enabled_routes.begin(), enabled_routes.end());
    enabled_routes.erase(std::unique(enabled_routes.begin(), enabled_routes.end()),
                         enabled_routes.end());
    return "no modem routes " + std::string(recipient) +
           ": every enabled modem has route_prefixes (" + joined(enabled_routes, ", ") +
           ") and none matches; add its prefix to one, or a modem without route_prefixes";
}

}  // namespace smsgw::dispatch
