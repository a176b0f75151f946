// Canonical ordering and composition (the Unicode Standard §3.11) over the
// pairs of pdu/compose_table.hpp. Runs for the text of every message, so a text
// without combining marks costs one scan and nothing else.
#include "pdu/compose.hpp"

#include <algorithm>

#include "pdu/compose_table.hpp"
#include "pdu/utf8.hpp"

namespace smsgw::pdu {
namespace {

using detail::kCombiningClass0300;
using detail::kCompositionPairs;

constexpr char32_t kMarksFirst = 0x0300;
constexpr char32_t kMarksLast = kMarksFirst + kCombiningClass0300.size() - 1;

constexpr bool pair_less(const CompositionPair& a, const CompositionPair& b) {
    return a.base != b.base ? a.base < b.base : a.mark < b.mark;
}

constexpr bool pairs_sorted() {
    for (std::size_t i = 1; i < kCompositionPairs.size(); ++i)
        if (!pair_less(kCompositionPairs[i - 1], kCompositionPairs[i])) return false;
    return true;
}
static_assert(pairs_sorted(),
              "compose_table.hpp must be sorted by base, then mark, without duplicates");

bool is_known_mark(char32_t cp) {
    return combining_class(cp) != 0;
}

// Whether any code point lies in U+0300..U+036F. A count without an early exit,
// so that the compiler vectorises it: this scan is all that a text without
// marks, nearly every text, costs.
bool any_in_mark_block(std::u32string_view text) {
    std::size_t in_block = 0;
    for (const char32_t cp : text) in_block += cp - kMarksFirst <= kMarksLast - kMarksFirst;
    return in_block != 0;
}

// Stable sort of each run of known marks by class; returns whether anything moved.
bool order_marks(std::u32string& text, std::size_t from) {
    bool moved = false;
    const auto by_class = [](char32_t a, char32_t b) {
        return combining_class(a) < combining_class(b);
    };
    auto it = text.begin() + static_cast<std::ptrdiff_t>(from);
    while (it != text.end()) {
        const auto run = std::find_if(it, text.end(), is_known_mark);
        const auto run_end = std::find_if_not(run, text.end(), is_known_mark);
        if (!std::is_sorted(run, run_end, by_class)) {
            std::stable_sort(run, run_end, by_class);
            moved = true;
        }
        it = run_end;
    }
    return moved;
}

}  // namespace

std::span<const CompositionPair> composition_pairs() {
    return kCompositionPairs;
}

std::uint8_t combining_class(char32_t cp) {
    return cp >= kMarksFirst && cp <= kMarksLast ? kCombiningClass0300[cp - kMarksFirst] : 0;
}

char32_t compose_pair(char32_t base, char32_t mark) {
    if (base > 0xFFFF || mark > 0xFFFF) return 0;
    const CompositionPair key{static_cast<char16_t>(base), static_cast<char16_t>(mark), 0};
    const auto it =
        std::lower_bound(kCompositionPairs.begin(), kCompositionPairs.end(), key, pair_less);
    if (it == kCompositionPairs.end() || it->base != key.base || it->mark != key.mark) return 0;
    return it->composite;
}

bool has_combining_marks(std::u32string_view text) {
    return any_in_mark_block(text) && std::any_of(text.begin(), text.end(), is_known_mark);
}

bool compose_canonical(std::u32string& text) {
    if (!any_in_mark_block(text)) return false;
    const auto first_mark = std::find_if(text.begin(), text.end(), is_known_mark);
    if (first_mark == text.end()) return false;
    const std::size_t first = static_cast<std::size_t>(first_mark - text.begin());
    bool changed = order_marks(text, first);

    // Composition, writing in place behind the reading position: `starter` is
    // the output index of the last starter (npos before the first one, so a mark
    // at the very start stays), `last_class` the class of the last character
    // written after it (0: none yet, the mark would be adjacent). Everything
    // before the first mark has class 0, so the starter of that mark is the
    // character just before it.
    constexpr std::size_t npos = std::u32string::npos;
    std::size_t starter = first > 0 ? first - 1 : npos;
    unsigned last_class = 0;
    std::size_t out = first;
    for (std::size_t i = first; i < text.size(); ++i) {
        const char32_t c = text[i];
        const unsigned cls = combining_class(c);
        if (cls != 0 && starter != npos && (last_class == 0 || last_class < cls)) {
            if (const char32_t composite = compose_pair(text[starter], c)) {
                text[starter] = composite;
                changed = true;
                continue;
            }
        }
        if (cls == 0) {
            starter = out;
            last_class = 0;
        } else {
            last_class = cls;
        }
        text[out++] = c;
    }
    text.resize(out);
    return changed;
}

bool compose_canonical_utf8(std::string& text) {
    // U+0300..U+036F are two-byte forms with the lead byte 0xCC or 0xCD (so are
    // U+0340..U+037F, which compose_canonical then tells apart). A count rather
    // than any_of, vectorised as in any_in_mark_block.
    std::size_t leads = 0;
    for (const char b : text) leads += (static_cast<unsigned char>(b) & 0xFE) == 0xCC;
    if (leads == 0) return false;
    std::u32string code_points;
    if (utf8_decode(text, code_points) || !compose_canonical(code_points)) return false;
    text = utf8_encode(code_points);
    return true;
}

}  // namespace smsgw::pdu
