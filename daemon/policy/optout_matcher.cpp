// Opt-out keyword matching: the folded key of the whole reply looked up in one
// hash map built from the configured lists.
#include "daemon/policy/optout_matcher.hpp"

#include "daemon/policy/text_fold.hpp"
#include "pdu/utf8.hpp"

namespace smsgw::policy {
namespace {

// Indexed by KeywordKind: its wire name and the config list it comes from.
constexpr std::string_view kind_names[] = {"opt_out", "resubscribe", "help"};
constexpr std::string_view list_names[] = {"optout.keywords", "optout.resubscribe_keywords",
                                           "help keywords"};

std::string_view list_name(KeywordKind kind) {
    return list_names[static_cast<int>(kind)];
}

std::size_t code_points(std::string_view utf8) {
    std::size_t n = 0;
    for (char c : utf8)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

}  // namespace

std::string_view to_string(KeywordKind kind) {
    return kind_names[static_cast<int>(kind)];
}

const std::vector<std::string>& default_help_keywords() {
    static const std::vector<std::string> words = {
        "HELP",     // English (CTIA)
        "INFO",     // English (CTIA)
        "HILFE",    // German
        "AIDE",     // French
        "AYUDA",    // Spanish
        "AJUDA",    // Portuguese
        "AIUTO",    // Italian
        "HULP",     // Dutch
        "POMOC",    // Polish, Czech
        "AJUTOR",   // Romanian
        "ΒΟΗΘΕΙΑ",  // Greek
        "ПОМОЩЬ",   // Russian
    };
    return words;
}

Expected<OptoutMatcher, KeywordListError> OptoutMatcher::create(
    std::span<const std::string> opt_out, std::span<const std::string> resubscribe,
    std::span<const std::string> help) {
    OptoutMatcher m;
    const std::pair<KeywordKind, std::span<const std::string>> lists[] = {
        {KeywordKind::opt_out, opt_out},
        {KeywordKind::resubscribe, resubscribe},
        {KeywordKind::help, help},
    };
    for (const auto& [kind, words] : lists) {
        for (const auto& word : words) {
            std::u32string ignored;
            if (pdu::utf8_decode(word, ignored))
                return unexpected(KeywordListError{std::string(list_name(kind)) +
                                                   ": a keyword is not valid UTF-8"});
            std::string key = fold_key(word);
            if (key.empty())
                return unexpected(KeywordListError{std::string(list_name(kind)) + ": \"" + word +
                                                   "\" has no letters or digits"});
            const auto [it, inserted] = m.by_key_.try_emplace(key, KeywordMatch{kind, word});
            if (!inserted && it->second.kind != kind)
                return unexpected(KeywordListError{
                    std::string(list_name(kind)) + ": \"" + word + "\" is the same word as \"" +
                    it->second.keyword + "\" in " + std::string(list_name(it->second.kind))});
            m.longest_key_ = std::max(m.longest_key_, code_points(key));
        }
    }
    return m;
}

Expected<OptoutMatcher, KeywordListError> OptoutMatcher::create(
    const config::OptoutConfig& config) {
    return create(config.keywords, config.resubscribe_keywords);
}

std::optional<KeywordMatch> OptoutMatcher::match(std::string_view text) const {
    const std::string key = fold_key(text, longest_key_);
    if (key.empty()) return std::nullopt;
    const auto it = by_key_.find(key);
    if (it == by_key_.end()) return std::nullopt;
    return it->second;
}

}  // namespace smsgw::policy
