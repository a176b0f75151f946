// Recognises opt-out, re-subscribe and help replies (issue 4, "Inbound and
// opt-out"): a received message whose WHOLE text is a keyword, ignoring case,
// accents, whitespace and punctuation. "Stop", " STOP! ", "stopp." and "Arrêt"
// are opt-outs; "stop sending me ads" and "Stopp bitte" are not — a longer
// message is a conversation for the inbox, and guessing there would opt out
// people who only complained about one message.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "pdu/expected.hpp"

namespace smsgw::policy {

enum class KeywordKind { opt_out, resubscribe, help };
std::string_view to_string(KeywordKind kind);

struct KeywordMatch {
    KeywordKind kind;
    std::string keyword;  // as the list spells it (first of equal keys): "ARRET"
    bool operator==(const KeywordMatch&) const = default;
};

// A keyword list the matcher cannot use, with the offending word and list named.
struct KeywordListError {
    std::string message;  // "optout.keywords: \"!!\" has no letters or digits"
};

// HELP words (CTIA's HELP/INFO and their translations). The config has no key
// for them yet; the daemon answers them only when `optout.help_enabled` is on.
const std::vector<std::string>& default_help_keywords();

class OptoutMatcher {
  public:
    // Each keyword is compared after the same folding as the text
    // (text_fold.hpp): letters and digits only, so "OPT-OUT", "opt out" and
    // "OptOut" are the one key OPTOUT, and "STOP ALL" matches STOPALL. A key in
    // two lists is refused (an operator's list that says STOP both opts out and
    // in is a mistake to report at start, not to resolve silently).
    static Expected<OptoutMatcher, KeywordListError> create(
        std::span<const std::string> opt_out, std::span<const std::string> resubscribe,
        std::span<const std::string> help = default_help_keywords());
    static Expected<OptoutMatcher, KeywordListError> create(const config::OptoutConfig& config);

    // The keyword the whole text is, or nullopt. Cost is bounded by the longest
    // keyword, not the message length.
    std::optional<KeywordMatch> match(std::string_view text) const;

  private:
    OptoutMatcher() = default;
    std::unordered_map<std::string, KeywordMatch> by_key_;
    std::size_t longest_key_ = 0;  // in code points
};

}  // namespace smsgw::policy
