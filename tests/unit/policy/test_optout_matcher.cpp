// Opt-out keyword matching: every default keyword in case, accent, whitespace and
// punctuation variants; non-matches; folding of non-ASCII scripts; list errors;
// and a property test over random variants and random extra words.
#include <catch2/catch.hpp>

#include <random>

#include "config/config.hpp"
#include "daemon/policy/optout_matcher.hpp"
#include "daemon/policy/text_fold.hpp"
#include "pdu/utf8.hpp"

using namespace smsgw::policy;
namespace config = smsgw::config;

namespace {

const OptoutMatcher& defaults() {
    static const OptoutMatcher m = *OptoutMatcher::create(config::OptoutConfig{
        config::default_optout_keywords(), config::default_resubscribe_keywords()});
    return m;
}

std::optional<KeywordMatch> match(std::string_view text) {
    return defaults().match(text);
}

KeywordMatch opt_out(std::string keyword) {
    return {KeywordKind::opt_out, std::move(keyword)};
}

// Lower case by the same rules a phone keyboard would: ASCII, Latin-1, Greek,
// Cyrillic (enough to produce the variants the tests need).
std::string lower(std::string_view upper) {
    std::u32string cps;
    REQUIRE_FALSE(smsgw::pdu::utf8_decode(upper, cps));
    for (char32_t& c : cps) {
        if ((c >= U'A' && c <= U'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
            c += 0x20;
        else if (c >= 0x0391 && c <= 0x03A9)
            c += 0x20;
        else if (c >= 0x0410 && c <= 0x042F)
            c += 0x20;
        else if (c == 0x0130)
            c = U'i';  // İ → i
    }
    return smsgw::pdu::utf8_encode(cps);
}

// "Stop": first letter as written, the rest lower case.
std::string title(std::string_view upper) {
    std::string low = lower(upper);
    std::u32string a, b;
    (void)smsgw::pdu::utf8_decode(upper, a);
    (void)smsgw::pdu::utf8_decode(low, b);
    b[0] = a[0];
    return smsgw::pdu::utf8_encode(b);
}

}  // namespace

TEST_CASE("optout: the examples of the issue") {
    CHECK(match("Stop") == opt_out("STOP"));
    CHECK(match(" STOP! ") == opt_out("STOP"));
    CHECK(match("stopp.") == opt_out("STOPP"));
    CHECK(match("Arrêt") == opt_out("ARRET"));
    CHECK(match("ÉNDE") == opt_out("ENDE"));
    CHECK(match("Rezygnacja") == opt_out("REZYGNACJA"));
    // The seed markets' own words: Greek and Romanian, with their accents.
    CHECK(match("Διαγραφή") == opt_out("ΔΙΑΓΡΑΦΗ"));
    CHECK(match("απεγγραφή.") == opt_out("ΑΠΕΓΓΡΑΦΗ"));
    CHECK(match("Dezabonare") == opt_out("DEZABONARE"));
    CHECK(match("Oprește!") == opt_out("OPREȘTE"));
    CHECK(match("Wypisz") == opt_out("WYPISZ"));
    CHECK(match("Abbestellen") == opt_out("ABBESTELLEN"));
    CHECK(match("zrušit") == opt_out("ZRUŠIT"));
    CHECK(match("nie") == opt_out("NIE"));
    CHECK(match("stop sending me ads") == std::nullopt);
    CHECK(match("Stopp bitte") == std::nullopt);
}

TEST_CASE("optout: every default keyword in every case variant") {
    for (const auto& word : config::default_optout_keywords()) {
        for (const std::string& variant :
             {word, lower(word), title(word), " " + word + " ", "\t" + lower(word) + "\r\n",
              word + "!", "\"" + title(word) + "\"", "..." + word + "...", word + " :)",
              "«" + lower(word) + "»", "¡" + word + "!", word + " 👍"}) {
            INFO("keyword " << word << ", text [" << variant << "]");
            const auto m = match(variant);
            REQUIRE(m);
            CHECK(m->kind == KeywordKind::opt_out);
        }
    }
    for (const auto& word : config::default_resubscribe_keywords()) {
        for (const std::string& variant : {word, lower(word), title(word), " " + word + "."}) {
            INFO("keyword " << word << ", text [" << variant << "]");
            const auto m = match(variant);
            REQUIRE(m);
            CHECK(m->kind == KeywordKind::resubscribe);
        }
    }
}

TEST_CASE("optout: accents are ignored both ways") {
    CHECK(match("arret") == opt_out("ARRET"));
    CHECK(match("ARRÊT") == opt_out("ARRET"));
    CHECK(match("Désabonner") == opt_out("DESABONNER"));
    CHECK(match("desabonner") == opt_out("DESABONNER"));
    CHECK(match("Rezygnačja") == opt_out("REZYGNACJA"));
    CHECK(match("Odhlásit") == opt_out("ODHLASIT"));
    CHECK(match("Lopetä") == opt_out("LOPETA"));
    CHECK(match("Arre\u0302t") == opt_out("ARRET"));  // decomposed: e + combining circumflex
    CHECK(match("ＳＴＯＰ") == opt_out("STOP"));      // fullwidth
}

TEST_CASE("optout: Turkish dotted and dotless i fold to one key") {
    for (const char* text : {"İPTAL", "IPTAL", "iptal", "ıptal", "Iptal", "i\u0307ptal"}) {
        INFO(text);
        const auto m = match(text);
        REQUIRE(m);
        CHECK(m->kind == KeywordKind::opt_out);
        CHECK(m->keyword == "IPTAL");
    }
}

TEST_CASE("optout: Cyrillic and Greek") {
    CHECK(match("стоп") == opt_out("СТОП"));
    CHECK(match("Стоп!") == opt_out("СТОП"));
    CHECK(match("отписка") == opt_out("ОТПИСКА"));
    CHECK(match("старт")->kind == KeywordKind::resubscribe);
    // Cyrillic СТОП is not Latin STOP folded: both are opt-out, but by their own keyword.
    CHECK(match("STOP") == opt_out("STOP"));
}

TEST_CASE("optout: internal separators are ignored, words are not") {
    CHECK(match("stop all") == opt_out("STOPALL"));
    CHECK(match("Opt-Out") == opt_out("OPTOUT"));
    CHECK(match("opt out") == opt_out("OPTOUT"));
    CHECK(match("un-subscribe") == opt_out("UNSUBSCRIBE"));
    CHECK(match("stop stop") == std::nullopt);
    CHECK(match("please stop") == std::nullopt);
    CHECK(match("STOP2") == std::nullopt);
    CHECK(match("stopping") == std::nullopt);
    CHECK(match("nie wiem") == std::nullopt);
    CHECK(match("") == std::nullopt);
    CHECK(match("!!!") == std::nullopt);
    CHECK(match("\xFF stop") == std::nullopt);  // invalid UTF-8 is never a keyword
    // README's examples: spacing, quotes, an emoji, a zero-width space and
    // fullwidth letters are no letters of the word.
    CHECK(match("S T O P") == opt_out("STOP"));
    CHECK(match("'STOP'") == opt_out("STOP"));
    CHECK(match("Stop \U0001F600") == opt_out("STOP"));
    CHECK(match("S\u200BTOP") == opt_out("STOP"));
    CHECK(match("\uFF33\uFF34\uFF2F\uFF30") == opt_out("STOP"));
}

TEST_CASE("optout: help keywords") {
    CHECK(match("help") == KeywordMatch{KeywordKind::help, "HELP"});
    CHECK(match("Hilfe?") == KeywordMatch{KeywordKind::help, "HILFE"});
    CHECK(match("βοήθεια") == KeywordMatch{KeywordKind::help, "ΒΟΗΘΕΙΑ"});
    CHECK(to_string(KeywordKind::help) == "help");
    CHECK(to_string(KeywordKind::opt_out) == "opt_out");
    CHECK(to_string(KeywordKind::resubscribe) == "resubscribe");
}

TEST_CASE("optout: a long message is rejected without folding all of it") {
    std::string text = "STOP";
    text.append(100000, 'x');
    CHECK(match(text) == std::nullopt);
    CHECK(fold_key(text, 20).empty());
}

TEST_CASE("optout: configured lists replace the defaults") {
    const std::vector<std::string> out = {"NEIN", "Tschüss"};
    const std::vector<std::string> in = {"JA"};
    const std::vector<std::string> help = {};
    auto m = OptoutMatcher::create(out, in, help);
    REQUIRE(m);
    CHECK(m->match("tschuss") == KeywordMatch{KeywordKind::opt_out, "Tschüss"});
    CHECK(m->match("nein!") == KeywordMatch{KeywordKind::opt_out, "NEIN"});
    CHECK(m->match("Ja")->kind == KeywordKind::resubscribe);
    CHECK(m->match("STOP") == std::nullopt);
    CHECK(m->match("HELP") == std::nullopt);
}

TEST_CASE("optout: unusable keyword lists are refused with the list named") {
    const std::vector<std::string> none = {};
    {
        const std::vector<std::string> out = {"STOP"};
        const std::vector<std::string> in = {"stop!"};
        auto m = OptoutMatcher::create(out, in, none);
        REQUIRE_FALSE(m);
        CHECK(m.error().message ==
              "optout.resubscribe_keywords: \"stop!\" is the same word as \"STOP\" in "
              "optout.keywords");
    }
    {
        const std::vector<std::string> out = {"STOP", "?!"};
        auto m = OptoutMatcher::create(out, none, none);
        REQUIRE_FALSE(m);
        CHECK(m.error().message == "optout.keywords: \"?!\" has no letters or digits");
    }
    {
        const std::vector<std::string> out = {"ST\xC3"};
        CHECK_FALSE(OptoutMatcher::create(out, none, none));
    }
}

TEST_CASE("text_fold: case folding and accent stripping decisions") {
    CHECK(fold_key("Straße") == "STRASSE");
    CHECK(fold_key("STRAẞE") == "STRASSE");
    CHECK(fold_key("Łódź") == "LODZ");
    CHECK(fold_key("łódź") == "LODZ");
    CHECK(fold_key("Ärger ärger") == "ARGERARGER");
    CHECK(fold_key("Ștefan ţară") == "STEFANTARA");
    CHECK(fold_key("Søren Ærø") == "SORENAERO");
    CHECK(fold_key("œuvre") == "OEUVRE");
    CHECK(fold_key("ΣΊΣΥΦΟΣ") == fold_key("σίσυφος"));
    CHECK(fold_key("σίσυφος") == "ΣΙΣΥΦΟΣ");
    CHECK(fold_key("ς") == "Σ");
    CHECK(fold_key("Ёлка") == "ЕЛКА");
    CHECK(fold_key("йод") == "ЙОД");  // Й is a letter, not an accented И
    CHECK(fold_key("ґанок") == "ҐАНОК");
    CHECK(fold_key("İı") == "II");
    CHECK(fold_key("  a-b_c.d  ") == "ABCD");
    CHECK(fold_key("東京") == "東京");  // other scripts are kept
    CHECK(fold_key("\xC3") == "");      // invalid UTF-8
}

TEST_CASE("optout: property — random variants of every keyword match, extra words never") {
    std::mt19937 rng(20240611);
    const std::vector<std::string> pads = {" ", "  ", "\t", "\n",     "\u00A0", ".",      "!", "!!",
                                           "?", ",",  ";",  ":",      "-",      "\"",     "'", "(",
                                           ")", "*",  "…",  "\u2014", "🙏",      "\u3000", "¿", "»"};
    // None of these completes a keyword when joined to one: the matcher ignores
    // separators, so "STOP" + "ALL" is the keyword STOPALL by design.
    const std::vector<std::string> extra = {"please", "now",    "bitte", "sofort", "me",
                                            "danke",  "proszę", "merci", "ok",     "2",
                                            "ads",    "grazie", "x"};
    std::vector<std::pair<std::string, KeywordKind>> words;
    for (const auto& w : config::default_optout_keywords())
        words.emplace_back(w, KeywordKind::opt_out);
    for (const auto& w : config::default_resubscribe_keywords())
        words.emplace_back(w, KeywordKind::resubscribe);

    const auto pick = [&](const std::vector<std::string>& v) {
        return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
    };
    const auto padding = [&] {
        std::string s;
        for (int n = std::uniform_int_distribution<int>(0, 3)(rng); n > 0; --n) s += pick(pads);
        return s;
    };
    const auto random_case = [&](const std::string& word) {
        // Mix lower/upper per character (via whole-word forms per code point).
        std::u32string up, low;
        (void)smsgw::pdu::utf8_decode(word, up);
        (void)smsgw::pdu::utf8_decode(lower(word), low);
        std::u32string out;
        for (std::size_t i = 0; i < up.size(); ++i)
            out += std::bernoulli_distribution(0.5)(rng) ? up[i] : low[i];
        return smsgw::pdu::utf8_encode(out);
    };

    int checked = 0;
    for (int round = 0; round < 40; ++round) {
        for (const auto& [word, kind] : words) {
            const std::string variant = padding() + random_case(word) + padding();
            INFO("[" << variant << "]");
            const auto m = match(variant);
            REQUIRE(m);
            CHECK(m->kind == kind);

            const std::string more = pick(extra);
            const std::string before = padding() + more + " " + random_case(word) + padding();
            const std::string after = padding() + random_case(word) + " " + more + padding();
            INFO("[" << before << "] / [" << after << "]");
            CHECK(match(before) == std::nullopt);
            CHECK(match(after) == std::nullopt);
            checked += 3;
        }
    }
    CHECK(checked == 40 * 3 * static_cast<int>(words.size()));
}
