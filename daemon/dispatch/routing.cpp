#include "daemon/dispatch/routing.hpp"

#include <algorithm>

namespace smsgw::dispatch {

namespace {

bool strictly_extends(std::string_view longer, std::string_view shorter) {
    return longer.size() > shorter.size() && longer.starts_with(shorter);
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

bool matches_any(std::string_view recipient, std::span<const std::string> prefixes) {
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](const std::string& p) { return recipient.starts_with(p); });
}

}  // namespace smsgw::dispatch
