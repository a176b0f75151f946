// "Did you mean" for unknown keys: `send_rate_per_min` → `send_rate_per_minute`.
// Optimal-string-alignment distance (Levenshtein plus adjacent swaps, the most
// common typing slip); a suggestion is offered only when it is clearly close.
#include <algorithm>

#include "config/yaml_reader.hpp"

namespace smsgw::config {

namespace {

std::size_t osa_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

std::string suggest(std::string_view wrong, const std::vector<std::string_view>& known) {
    if (wrong.size() > 64) return {};  // not a typo of any key of ours
    std::string_view best;
    std::size_t best_distance = 0;
    for (std::string_view k : known) {
        const std::size_t dist = osa_distance(wrong, k);
        if (best.empty() || dist < best_distance) {
            best = k;
            best_distance = dist;
        }
    }
    // Close means at most a third of the key changed, or what was written is the
    // start of a key (`send_rate` for `send_rate_per_minute`).
    if (!best.empty() && best_distance <= std::max<std::size_t>(1, best.size() / 3))
        return "did you mean `" + std::string(best) + "`?";
    for (std::string_view k : known)
        if (wrong.size() >= 4 && k.starts_with(wrong))
            return "did you mean `" + std::string(k) + "`?";
    return {};
}

}  // namespace smsgw::config
