// Levenshtein distance over one rolling row; names are short (≤ 20 bytes), and
// anything longer than 64 bytes is not a typo worth a suggestion.
#include "daemon/api/suggest.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace smsgw::api {

namespace {

std::size_t edit_distance(std::string_view from, std::string_view to) {
    std::vector<std::size_t> row(to.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (char f : from) {
        std::size_t diagonal = row[0]++;
        for (std::size_t j = 1; j <= to.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (f == to[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row.back();
}

}  // namespace

std::string did_you_mean(std::string_view wrong, std::span<const std::string_view> known) {
    if (wrong.empty() || wrong.size() > 64) return {};
    const std::string_view* best = nullptr;
    std::size_t best_distance = 0;
    for (const std::string_view& k : known) {
        const std::size_t d = edit_distance(wrong, k);
        if (!best || d < best_distance) best = &k, best_distance = d;
    }
    // Two slips (a swapped pair counts as two) in names of four or more bytes.
    const std::size_t allowed =
        best && best->size() >= 4 ? std::max<std::size_t>(2, best->size() / 3) : 1;
    if (!best || best_distance > allowed) return {};
    return "; did you mean `" + std::string(*best) + "`?";
}

}  // namespace smsgw::api
