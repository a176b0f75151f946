// Transliteration to the GSM 7-bit alphabet (TS 23.038 §6.2.1 default alphabet
// plus the §6.2.1.1 extension table). One character outside GSM-7 forces the
// whole message into UCS-2 (70 instead of 160 characters per part, §6.2.3), so
// senders may ask smsgw to replace such characters by their closest GSM-7
// spelling. The table below has one row per character, sorted by code point and
// searched by bisection; characters with no row become '?'. Every replacement is
// GSM-7 itself (the unit tests check each row), and may be empty: zero-width
// characters and the soft hyphen are dropped.
#include "pdu/transliterate.hpp"

#include <algorithm>
#include <cstddef>

#include "pdu/compose.hpp"
#include "pdu/gsm7.hpp"

namespace smsgw::pdu {
namespace {

struct Row {
    char32_t cp;
    std::string_view to;  // UTF-8, every character in GSM-7
};

// Decisions that are not obvious (see also the comments on the rows):
// - ç → Ç. GSM-7 has one c-cedilla, at 0x09. TS 23.038 draws it as a capital,
//   but the Unicode consortium's GSM0338.TXT maps 0x09 to U+00E7 (small ç)
//   because the alphabet was meant to cover French/Portuguese lower case, and
//   many handsets display it that way. Sending 0x09 keeps the cedilla; "c"
//   would lose it on every handset.
// - Letters whose accent GSM-7 lacks lose the accent (á → a), but an accent
//   GSM-7 has is kept where it is the same letter in the language: Hungarian
//   ő/ű are long ö/ü and become ö/ü.
// - Greek: GSM-7 has the capitals Γ Δ Θ Λ Ξ Π Σ Φ Ψ Ω; the other capitals are
//   drawn like Latin letters and are sent as those (Α → A, Η → H, Ρ → P, Χ → X).
//   Small and accented letters become capitals (GSM-7 has no small Greek), as
//   handsets did when GSM-7 was the only alphabet in Greece: "Καλημέρα" →
//   "KAΛHMEPA".
// - Cyrillic: simplified BGN/PCGN romanisation (the form English-language
//   publications use): no diacritics, ж → zh, х → kh, ц → ts, ч → ch, ш → sh,
//   щ → shch, й/ы → y, ю → yu, я → ya, ё → yo, э → e, and the hard and soft signs
//   ъ ь dropped. Ukrainian є і ї ґ → ye i yi g; Serbian/Macedonian ђ ј љ њ ћ џ →
//   dj j lj nj c dzh (the usual ASCII spelling of Serbian Latin đ lj nj ć dž).
//   ISO 9 was not chosen: its output (ž, š, č, ŝ) is not GSM-7 either.
// - Croatian/Serbian Latin đ → dj, the usual ASCII spelling ("Djokovic").
// - The rows are context-free, so a capital digraph is written in title case
//   (Ж → Zh, Ш → Sh) even inside an all-capitals word.
// clang-format off
constexpr Row kRows[] = {
    // C0 controls and ASCII: GSM-7 has LF, CR and FF but no tab or backtick.
    {U'\t', " "},  // tab → space
    {U'`', "'"},   // grave accent, mostly used as an apostrophe

    // Latin-1 Supplement (U+00A0..U+00FF), only the characters GSM-7 lacks.
    {U'\u00A0', " "},    // no-break space
    {U'¢', "c"},         // cent sign
    {U'¦', "|"},         // broken bar
    {U'¨', "\""},        // spacing diaeresis
    {U'©', "(C)"},       // copyright sign
    {U'ª', "a"},         // feminine ordinal (1ª)
    {U'«', "\""},        // guillemets become straight double quotes
    {U'¬', "-"},         // not sign
    {U'\u00AD', ""},     // soft hyphen: invisible unless a line breaks there
    {U'®', "(R)"},       // registered sign
    {U'¯', "-"},         // macron
    {U'°', "o"},         // degree sign: 20° → 20o
    {U'±', "+/-"},       // plus-minus sign
    {U'²', "2"},         // superscript two
    {U'³', "3"},         // superscript three
    {U'´', "'"},         // acute accent, mostly used as an apostrophe
    {U'µ', "u"},         // micro sign: µg → ug, the usual ASCII spelling
    {U'·', "."},         // middle dot
    {U'¸', ","},         // spacing cedilla
    {U'¹', "1"},         // superscript one
    {U'º', "o"},         // masculine ordinal (1º)
    {U'»', "\""},        // guillemet
    {U'¼', "1/4"},       // vulgar fraction one quarter
    {U'½', "1/2"},       // vulgar fraction one half
    {U'¾', "3/4"},       // vulgar fraction three quarters
    {U'À', "A"}, {U'Á', "A"}, {U'Â', "A"}, {U'Ã', "A"},  // GSM-7 has only Ä Å of the capital A's
    {U'È', "E"}, {U'Ê', "E"}, {U'Ë', "E"},               // GSM-7 has only É
    {U'Ì', "I"}, {U'Í', "I"}, {U'Î', "I"}, {U'Ï', "I"},  // no capital I with accent in GSM-7
    {U'Ð', "D"},                                         // Icelandic eth
    {U'Ò', "O"}, {U'Ó', "O"}, {U'Ô', "O"}, {U'Õ', "O"},  // GSM-7 has only Ö Ø
    {U'×', "x"},                                         // multiplication sign
    {U'Ù', "U"}, {U'Ú', "U"}, {U'Û', "U"},               // GSM-7 has only Ü
    {U'Ý', "Y"},                                         // Icelandic, Czech
    {U'Þ', "Th"},                                        // Icelandic thorn
    {U'á', "a"}, {U'â', "a"}, {U'ã', "a"},               // GSM-7 has à ä å
    {U'ç', "Ç"},                                         // see above: 0x09
    {U'ê', "e"}, {U'ë', "e"},                            // GSM-7 has è é
    {U'í', "i"}, {U'î', "i"}, {U'ï', "i"},               // GSM-7 has ì
    {U'ð', "d"},                                         // Icelandic eth
    {U'ó', "o"}, {U'ô', "o"}, {U'õ', "o"},               // GSM-7 has ò ö ø
    {U'÷', "/"},                                         // division sign
    {U'ú', "u"}, {U'û', "u"},                            // GSM-7 has ù ü
    {U'ý', "y"},                                         // Icelandic, Czech
    {U'þ', "th"},                                        // Icelandic thorn
    {U'ÿ', "y"},                                         // French

    // Latin Extended-A (U+0100..U+017F), complete.
    {U'Ā', "A"}, {U'ā', "a"},    // Latvian
    {U'Ă', "A"}, {U'ă', "a"},    // Romanian
    {U'Ą', "A"}, {U'ą', "a"},    // Polish, Lithuanian
    {U'Ć', "C"}, {U'ć', "c"},    // Polish, Croatian
    {U'Ĉ', "C"}, {U'ĉ', "c"},    // Esperanto
    {U'Ċ', "C"}, {U'ċ', "c"},    // Maltese
    {U'Č', "C"}, {U'č', "c"},    // Czech, Slovak, Croatian, Baltic
    {U'Ď', "D"}, {U'ď', "d"},    // Czech, Slovak
    {U'Đ', "Dj"}, {U'đ', "dj"},  // Croatian, Serbian Latin: see above
    {U'Ē', "E"}, {U'ē', "e"},    // Latvian
    {U'Ĕ', "E"}, {U'ĕ', "e"},    // breve
    {U'Ė', "E"}, {U'ė', "e"},    // Lithuanian
    {U'Ę', "E"}, {U'ę', "e"},    // Polish, Lithuanian
    {U'Ě', "E"}, {U'ě', "e"},    // Czech
    {U'Ĝ', "G"}, {U'ĝ', "g"},    // Esperanto
    {U'Ğ', "G"}, {U'ğ', "g"},    // Turkish, Azerbaijani
    {U'Ġ', "G"}, {U'ġ', "g"},    // Maltese
    {U'Ģ', "G"}, {U'ģ', "g"},    // Latvian
    {U'Ĥ', "H"}, {U'ĥ', "h"},    // Esperanto
    {U'Ħ', "H"}, {U'ħ', "h"},    // Maltese
    {U'Ĩ', "I"}, {U'ĩ', "i"},    // tilde
    {U'Ī', "I"}, {U'ī', "i"},    // Latvian
    {U'Ĭ', "I"}, {U'ĭ', "i"},    // breve
    {U'Į', "I"}, {U'į', "i"},    // Lithuanian
    {U'İ', "I"}, {U'ı', "i"},    // Turkish dotted capital, dotless small
    {U'Ĳ', "IJ"}, {U'ĳ', "ij"},  // Dutch ligature
    {U'Ĵ', "J"}, {U'ĵ', "j"},    // Esperanto
    {U'Ķ', "K"}, {U'ķ', "k"},    // Latvian
    {U'ĸ', "k"},                 // Greenlandic kra
    {U'Ĺ', "L"}, {U'ĺ', "l"},    // Slovak
    {U'Ļ', "L"}, {U'ļ', "l"},    // Latvian
    {U'Ľ', "L"}, {U'ľ', "l"},    // Slovak
    {U'Ŀ', "L"}, {U'ŀ', "l"},    // Catalan middle dot
    {U'Ł', "L"}, {U'ł', "l"},    // Polish
    {U'Ń', "N"}, {U'ń', "n"},    // Polish
    {U'Ņ', "N"}, {U'ņ', "n"},    // Latvian
    {U'Ň', "N"}, {U'ň', "n"},    // Czech, Slovak
    {U'ŉ', "'n"},                // Afrikaans
    {U'Ŋ', "N"}, {U'ŋ', "n"},    // Sami
    {U'Ō', "O"}, {U'ō', "o"},    // macron
    {U'Ŏ', "O"}, {U'ŏ', "o"},    // breve
    {U'Ő', "Ö"}, {U'ő', "ö"},    // Hungarian long ö: keep the GSM-7 ö
    {U'Œ', "OE"}, {U'œ', "oe"},  // French ligature
    {U'Ŕ', "R"}, {U'ŕ', "r"},    // Slovak
    {U'Ŗ', "R"}, {U'ŗ', "r"},    // Latvian (old)
    {U'Ř', "R"}, {U'ř', "r"},    // Czech
    {U'Ś', "S"}, {U'ś', "s"},    // Polish
    {U'Ŝ', "S"}, {U'ŝ', "s"},    // Esperanto
    {U'Ş', "S"}, {U'ş', "s"},    // Turkish; also Romanian written with cedilla
    {U'Š', "S"}, {U'š', "s"},    // Czech, Slovak, Croatian, Baltic
    {U'Ţ', "T"}, {U'ţ', "t"},    // Romanian written with cedilla
    {U'Ť', "T"}, {U'ť', "t"},    // Czech, Slovak
    {U'Ŧ', "T"}, {U'ŧ', "t"},    // Sami
    {U'Ũ', "U"}, {U'ũ', "u"},    // tilde
    {U'Ū', "U"}, {U'ū', "u"},    // Latvian, Lithuanian
    {U'Ŭ', "U"}, {U'ŭ', "u"},    // Esperanto
    {U'Ů', "U"}, {U'ů', "u"},    // Czech
    {U'Ű', "Ü"}, {U'ű', "ü"},    // Hungarian long ü: keep the GSM-7 ü
    {U'Ų', "U"}, {U'ų', "u"},    // Lithuanian
    {U'Ŵ', "W"}, {U'ŵ', "w"},    // Welsh
    {U'Ŷ', "Y"}, {U'ŷ', "y"},    // Welsh
    {U'Ÿ', "Y"},                 // French
    {U'Ź', "Z"}, {U'ź', "z"},    // Polish
    {U'Ż', "Z"}, {U'ż', "z"},    // Polish, Maltese
    {U'Ž', "Z"}, {U'ž', "z"},    // Czech, Slovak, Croatian, Baltic
    {U'ſ', "s"},                 // long s

    // Latin Extended-B (U+0180..U+024F): letters of European, African and
    // transliteration use; the rest has no row.
    {U'ƀ', "b"},                               // b with stroke
    {U'Ɓ', "B"},                               // Hausa
    {U'Ɔ', "O"},                               // open o, West African
    {U'Ɖ', "D"},                               // African d
    {U'Ɗ', "D"},                               // Hausa
    {U'Ǝ', "E"},                               // reversed e
    {U'Ə', "E"},                               // Azerbaijani schwa
    {U'Ɛ', "E"},                               // open e, West African
    {U'Ƒ', "F"}, {U'ƒ', "f"},                  // f with hook (florin)
    {U'Ɨ', "I"},                               // i with stroke
    {U'Ƙ', "K"}, {U'ƙ', "k"},                  // Hausa
    {U'Ɲ', "N"},                               // n with left hook
    {U'Ɵ', "O"},                               // barred o
    {U'Ơ', "O"}, {U'ơ', "o"},                  // Vietnamese horn
    {U'Ư', "U"}, {U'ư', "u"},                  // Vietnamese horn
    {U'Ƴ', "Y"}, {U'ƴ', "y"},                  // Hausa
    {U'Ƶ', "Z"}, {U'ƶ', "z"},                  // z with stroke
    {U'Ǆ', "DZ"}, {U'ǅ', "Dz"}, {U'ǆ', "dz"},  // Croatian dž digraph
    {U'Ǉ', "LJ"}, {U'ǈ', "Lj"}, {U'ǉ', "lj"},  // Croatian lj digraph
    {U'Ǌ', "NJ"}, {U'ǋ', "Nj"}, {U'ǌ', "nj"},  // Croatian nj digraph
    {U'Ǎ', "A"}, {U'ǎ', "a"},                  // pinyin third tone
    {U'Ǐ', "I"}, {U'ǐ', "i"},                  // pinyin third tone
    {U'Ǒ', "O"}, {U'ǒ', "o"},                  // pinyin third tone
    {U'Ǔ', "U"}, {U'ǔ', "u"},                  // pinyin third tone
    {U'Ǖ', "Ü"}, {U'ǖ', "ü"},                  // pinyin ü with tone: keep ü
    {U'Ǘ', "Ü"}, {U'ǘ', "ü"},                  //   second tone
    {U'Ǚ', "Ü"}, {U'ǚ', "ü"},                  //   third tone
    {U'Ǜ', "Ü"}, {U'ǜ', "ü"},                  //   fourth tone
    {U'ǝ', "e"},                               // turned e
    {U'Ǟ', "Ä"}, {U'ǟ', "ä"},                  // ä with macron: keep ä
    {U'Ǣ', "Æ"}, {U'ǣ', "æ"},                  // æ with macron: keep æ
    {U'Ǥ', "G"}, {U'ǥ', "g"},                  // Sami
    {U'Ǧ', "G"}, {U'ǧ', "g"},                  // Sami
    {U'Ǩ', "K"}, {U'ǩ', "k"},                  // Sami
    {U'Ǫ', "O"}, {U'ǫ', "o"},                  // ogonek
    {U'Ǭ', "O"}, {U'ǭ', "o"},                  // ogonek and macron
    {U'ǰ', "j"},                               // j with caron
    {U'Ǳ', "DZ"}, {U'ǲ', "Dz"}, {U'ǳ', "dz"},  // dz digraph
    {U'Ǵ', "G"}, {U'ǵ', "g"},                  // Macedonian transliteration
    {U'Ǹ', "N"}, {U'ǹ', "n"},                  // pinyin
    {U'Ǻ', "Å"}, {U'ǻ', "å"},                  // å with acute: keep å
    {U'Ǽ', "Æ"}, {U'ǽ', "æ"},                  // æ with acute: keep æ
    {U'Ǿ', "Ø"}, {U'ǿ', "ø"},                  // ø with acute: keep ø
    {U'Ș', "S"}, {U'ș', "s"},                  // Romanian, comma below
    {U'Ț', "T"}, {U'ț', "t"},                  // Romanian, comma below
    {U'Ȟ', "H"}, {U'ȟ', "h"},                  // Finnish Romani
    {U'Ȧ', "A"}, {U'ȧ', "a"},                  // dot above
    {U'Ȩ', "E"}, {U'ȩ', "e"},                  // cedilla
    {U'Ȯ', "O"}, {U'ȯ', "o"},                  // dot above
    {U'Ȳ', "Y"}, {U'ȳ', "y"},                  // macron
    {U'ȷ', "j"},                               // dotless j

    // IPA extensions and spacing modifier letters that appear in ordinary text.
    {U'ə', "e"},   // Azerbaijani schwa
    {U'ʹ', "'"},   // modifier prime (transliterated soft sign)
    {U'ʺ', "\""},  // modifier double prime
    {U'ʻ', "'"},   // okina, Uzbek o‘
    {U'ʼ', "'"},   // modifier apostrophe (Ukrainian, Belarusian)
    {U'ˆ', "^"},   // modifier circumflex
    {U'ˈ', "'"},   // primary stress mark
    {U'˜', "~"},   // small tilde

    // Combining diacritical marks. Text in decomposed form (NFD) is composed
    // before these rows are looked up (compose.hpp): a mark that composes goes
    // with its letter's row. These are for the marks left over (no composite,
    // as q + acute, or at the very start): the mark is dropped, the base kept.
    {U'\u0300', ""},  // grave
    {U'\u0301', ""},  // acute
    {U'\u0302', ""},  // circumflex
    {U'\u0303', ""},  // tilde
    {U'\u0304', ""},  // macron
    {U'\u0306', ""},  // breve
    {U'\u0307', ""},  // dot above
    {U'\u0308', ""},  // diaeresis
    {U'\u030A', ""},  // ring above
    {U'\u030B', ""},  // double acute
    {U'\u030C', ""},  // caron
    {U'\u0326', ""},  // comma below
    {U'\u0327', ""},  // cedilla
    {U'\u0328', ""},  // ogonek

    // Greek (U+0370..U+03FF): see above. GSM-7 has Γ Δ Θ Λ Ξ Π Σ Φ Ψ Ω.
    {U'\u037E', ";"},                       // Greek question mark (looks like ;)
    {U'Ά', "A"},                            // accented capitals lose the tonos
    {U'\u0387', ";"},                       // ano teleia, the Greek semicolon
    {U'Έ', "E"}, {U'Ή', "H"}, {U'Ί', "I"},
    {U'Ό', "O"}, {U'Ύ', "Y"}, {U'Ώ', "Ω"},
    {U'ΐ', "I"},                            // iota with dialytika and tonos
    {U'Α', "A"}, {U'Β', "B"},               // capitals drawn like Latin letters
    {U'Ε', "E"}, {U'Ζ', "Z"}, {U'Η', "H"},
    {U'Ι', "I"}, {U'Κ', "K"},
    {U'Μ', "M"}, {U'Ν', "N"},
    {U'Ο', "O"},
    {U'Ρ', "P"},
    {U'Τ', "T"}, {U'Υ', "Y"},
    {U'Χ', "X"},
    {U'Ϊ', "I"}, {U'Ϋ', "Y"},               // with dialytika
    {U'ά', "A"}, {U'έ', "E"}, {U'ή', "H"},  // accented small letters → capitals
    {U'ί', "I"}, {U'ΰ', "Y"},
    {U'α', "A"}, {U'β', "B"}, {U'γ', "Γ"},  // small letters → capitals
    {U'δ', "Δ"}, {U'ε', "E"}, {U'ζ', "Z"},
    {U'η', "H"}, {U'θ', "Θ"}, {U'ι', "I"},
    {U'κ', "K"}, {U'λ', "Λ"}, {U'μ', "M"},
    {U'ν', "N"}, {U'ξ', "Ξ"}, {U'ο', "O"},
    {U'π', "Π"}, {U'ρ', "P"}, {U'ς', "Σ"},  // final sigma → Σ
    {U'σ', "Σ"}, {U'τ', "T"}, {U'υ', "Y"},
    {U'φ', "Φ"}, {U'χ', "X"}, {U'ψ', "Ψ"},
    {U'ω', "Ω"},
    {U'ϊ', "I"}, {U'ϋ', "Y"},               // with dialytika
    {U'ό', "O"}, {U'ύ', "Y"}, {U'ώ', "Ω"},  // with tonos
    {U'ϐ', "B"}, {U'ϑ', "Θ"}, {U'ϒ', "Y"},  // symbol variants
    {U'ϕ', "Φ"}, {U'ϖ', "Π"},
    {U'ϰ', "K"}, {U'ϱ', "P"}, {U'ϲ', "Σ"},
    {U'ϵ', "E"},

    // Cyrillic (U+0400..U+04FF): simplified BGN/PCGN, see above.
    {U'Ѐ', "E"},    // Macedonian, Bulgarian accented е
    {U'Ё', "Yo"},
    {U'Ђ', "Dj"},   // Serbian
    {U'Ѓ', "Gj"},   // Macedonian
    {U'Є', "Ye"},   // Ukrainian
    {U'Ѕ', "Dz"},   // Macedonian
    {U'І', "I"},    // Ukrainian, Belarusian
    {U'Ї', "Yi"},   // Ukrainian
    {U'Ј', "J"},    // Serbian, Macedonian
    {U'Љ', "Lj"},   // Serbian, Macedonian
    {U'Њ', "Nj"},   // Serbian, Macedonian
    {U'Ћ', "C"},    // Serbian (Latin ć)
    {U'Ќ', "Kj"},   // Macedonian
    {U'Ѝ', "I"},    // Macedonian, Bulgarian accented и
    {U'Ў', "U"},    // Belarusian
    {U'Џ', "Dzh"},  // Serbian, Macedonian (Latin dž)
    {U'А', "A"}, {U'Б', "B"}, {U'В', "V"}, {U'Г', "G"},
    {U'Д', "D"}, {U'Е', "E"}, {U'Ж', "Zh"}, {U'З', "Z"},
    {U'И', "I"}, {U'Й', "Y"}, {U'К', "K"}, {U'Л', "L"},
    {U'М', "M"}, {U'Н', "N"}, {U'О', "O"}, {U'П', "P"},
    {U'Р', "R"}, {U'С', "S"}, {U'Т', "T"}, {U'У', "U"},
    {U'Ф', "F"}, {U'Х', "Kh"}, {U'Ц', "Ts"}, {U'Ч', "Ch"},
    {U'Ш', "Sh"}, {U'Щ', "Shch"},
    {U'Ъ', ""},  // hard sign: dropped
    {U'Ы', "Y"},
    {U'Ь', ""},  // soft sign: dropped
    {U'Э', "E"}, {U'Ю', "Yu"}, {U'Я', "Ya"},
    {U'а', "a"}, {U'б', "b"}, {U'в', "v"}, {U'г', "g"},
    {U'д', "d"}, {U'е', "e"}, {U'ж', "zh"}, {U'з', "z"},
    {U'и', "i"}, {U'й', "y"}, {U'к', "k"}, {U'л', "l"},
    {U'м', "m"}, {U'н', "n"}, {U'о', "o"}, {U'п', "p"},
    {U'р', "r"}, {U'с', "s"}, {U'т', "t"}, {U'у', "u"},
    {U'ф', "f"}, {U'х', "kh"}, {U'ц', "ts"}, {U'ч', "ch"},
    {U'ш', "sh"}, {U'щ', "shch"},
    {U'ъ', ""},  // hard sign: dropped
    {U'ы', "y"},
    {U'ь', ""},  // soft sign: dropped
    {U'э', "e"}, {U'ю', "yu"}, {U'я', "ya"},
    {U'ѐ', "e"},    // Macedonian, Bulgarian accented е
    {U'ё', "yo"},
    {U'ђ', "dj"},   // Serbian
    {U'ѓ', "gj"},   // Macedonian
    {U'є', "ye"},   // Ukrainian
    {U'ѕ', "dz"},   // Macedonian
    {U'і', "i"},    // Ukrainian, Belarusian
    {U'ї', "yi"},   // Ukrainian
    {U'ј', "j"},    // Serbian, Macedonian
    {U'љ', "lj"},   // Serbian, Macedonian
    {U'њ', "nj"},   // Serbian, Macedonian
    {U'ћ', "c"},    // Serbian (Latin ć)
    {U'ќ', "kj"},   // Macedonian
    {U'ѝ', "i"},    // Macedonian, Bulgarian accented и
    {U'ў', "u"},    // Belarusian
    {U'џ', "dzh"},  // Serbian, Macedonian (Latin dž)
    {U'Ґ', "G"}, {U'ґ', "g"},  // Ukrainian hard g

    // Other spaces (U+1680 and General Punctuation) become a plain space.
    {U'\u1680', " "},  // ogham space mark

    // Latin Extended Additional: Welsh, and the German capital sharp s.
    {U'Ẁ', "W"}, {U'ẁ', "w"},  // Welsh
    {U'Ẃ', "W"}, {U'ẃ', "w"},  // Welsh
    {U'Ẅ', "W"}, {U'ẅ', "w"},  // Welsh
    {U'ẞ', "SS"},              // capital sharp s (GSM-7 has only small ß)
    {U'Ỳ', "Y"}, {U'ỳ', "y"},  // Welsh

    // General Punctuation (U+2000..U+206F).
    {U'\u2000', " "}, {U'\u2001', " "}, {U'\u2002', " "},  // en/em quad, en space
    {U'\u2003', " "}, {U'\u2004', " "}, {U'\u2005', " "},  // em, three- and four-per-em
    {U'\u2006', " "}, {U'\u2007', " "}, {U'\u2008', " "},  // six-per-em, figure, punctuation
    {U'\u2009', " "}, {U'\u200A', " "},                    // thin, hair space
    {U'\u200B', ""},                                       // zero width space
    {U'\u200C', ""},                                       // zero width non-joiner
    {U'\u200D', ""},                                       // zero width joiner
    {U'\u200E', ""},                                       // left-to-right mark
    {U'\u200F', ""},                                       // right-to-left mark
    {U'‐', "-"}, {U'‑', "-"},                              // hyphen, non-breaking hyphen
    {U'‒', "-"}, {U'–', "-"}, {U'—', "-"}, {U'―', "-"},    // figure/en/em dash, bar
    {U'‘', "'"}, {U'’', "'"}, {U'‚', "'"}, {U'‛', "'"},    // single quotes
    {U'“', "\""}, {U'”', "\""}, {U'„', "\""}, {U'‟', "\""},  // double quotes
    {U'†', "+"},                                           // dagger
    {U'•', "."},                                           // bullet
    {U'․', "."},                                           // one dot leader
    {U'‥', ".."},                                          // two dot leader
    {U'…', "..."},                                         // ellipsis
    {U'\u2028', "\n"},                                     // line separator
    {U'\u2029', "\n"},                                     // paragraph separator
    {U'\u202A', ""}, {U'\u202B', ""}, {U'\u202C', ""},     // bidi embeddings: invisible
    {U'\u202D', ""}, {U'\u202E', ""},                      // bidi overrides: invisible
    {U'\u202F', " "},                                      // narrow no-break space
    {U'′', "'"},                                           // prime (feet, minutes)
    {U'″', "\""},                                          // double prime (inches)
    {U'‹', "<"}, {U'›', ">"},                              // single guillemets
    {U'‼', "!!"},                                          // double exclamation
    {U'⁃', "-"},                                           // hyphen bullet
    {U'⁄', "/"},                                           // fraction slash
    {U'⁇', "??"}, {U'⁈', "?!"}, {U'⁉', "!?"},              // question/exclamation pairs
    {U'\u205F', " "},                                      // medium mathematical space
    {U'\u2060', ""},                                       // word joiner
    {U'\u2066', ""}, {U'\u2067', ""},                      // bidi isolates: invisible
    {U'\u2068', ""}, {U'\u2069', ""},

    // Superscripts and subscripts.
    {U'⁰', "0"}, {U'ⁱ', "i"},
    {U'⁴', "4"}, {U'⁵', "5"}, {U'⁶', "6"}, {U'⁷', "7"}, {U'⁸', "8"}, {U'⁹', "9"},
    {U'⁺', "+"}, {U'⁻', "-"}, {U'⁼', "="}, {U'⁽', "("}, {U'⁾', ")"}, {U'ⁿ', "n"},
    {U'₀', "0"}, {U'₁', "1"}, {U'₂', "2"}, {U'₃', "3"}, {U'₄', "4"},
    {U'₅', "5"}, {U'₆', "6"}, {U'₇', "7"}, {U'₈', "8"}, {U'₉', "9"},
    {U'₊', "+"}, {U'₋', "-"}, {U'₌', "="}, {U'₍', "("}, {U'₎', ")"},

    // Currency signs: the ISO 4217 code, or the Latin abbreviation people use
    // locally where there is one (TL, Rs, NIS). € is GSM-7 (extension table).
    {U'₡', "CRC"},  // colón
    {U'₣', "F"},    // French franc
    {U'₤', "L"},    // lira
    {U'₦', "NGN"},  // naira
    {U'₨', "Rs"},   // rupee
    {U'₩', "KRW"},  // won
    {U'₪', "NIS"},  // new shekel
    {U'₫', "VND"},  // dong
    {U'₭', "LAK"},  // kip
    {U'₱', "PHP"},  // peso
    {U'₴', "UAH"},  // hryvnia
    {U'₸', "KZT"},  // tenge
    {U'₹', "Rs"},   // Indian rupee
    {U'₺', "TL"},   // Turkish lira
    {U'₼', "AZN"},  // manat
    {U'₽', "RUB"},  // ruble
    {U'₾', "GEL"},  // lari
    {U'₿', "BTC"},  // bitcoin

    // Letterlike symbols.
    {U'℅', "c/o"},  // care of
    {U'ℓ', "l"},    // litre
    {U'№', "No"},   // numero
    {U'℗', "(P)"},  // sound recording copyright
    {U'℠', "SM"},   // service mark
    {U'™', "TM"},   // trade mark
    {U'\u2126', "Ω"},  // ohm sign → the Greek capital GSM-7 has
    {U'\u212A', "K"},  // kelvin sign
    {U'\u212B', "Å"},  // angstrom sign → the letter GSM-7 has

    // Vulgar fractions.
    {U'⅐', "1/7"}, {U'⅑', "1/9"}, {U'⅒', "1/10"}, {U'⅓', "1/3"}, {U'⅔', "2/3"},
    {U'⅕', "1/5"}, {U'⅖', "2/5"}, {U'⅗', "3/5"}, {U'⅘', "4/5"}, {U'⅙', "1/6"},
    {U'⅚', "5/6"}, {U'⅛', "1/8"}, {U'⅜', "3/8"}, {U'⅝', "5/8"}, {U'⅞', "7/8"},

    // Arrows and mathematical operators that appear in notifications.
    {U'←', "<-"}, {U'→', "->"}, {U'↔', "<->"},
    {U'⇐', "<="}, {U'⇒', "=>"}, {U'⇔', "<=>"},
    {U'−', "-"},   // minus sign
    {U'∕', "/"},   // division slash
    {U'∗', "*"},   // asterisk operator
    {U'∙', "."},   // bullet operator
    {U'≈', "~"},   // almost equal
    {U'≠', "!="},  // not equal
    {U'≤', "<="},  // less-than or equal
    {U'≥', ">="},  // greater-than or equal

    // CJK and specials.
    {U'\u3000', " "},  // ideographic space
    {U'ﬀ', "ff"}, {U'ﬁ', "fi"}, {U'ﬂ', "fl"},  // ligatures from PDF copy-paste
    {U'ﬃ', "ffi"}, {U'ﬄ', "ffl"},
    {U'ﬅ', "st"}, {U'ﬆ', "st"},
    {U'\uFEFF', ""},  // byte order mark / zero width no-break space
    // U+FF01..U+FF5E (full-width ASCII) are handled by kFullWidth below.
    {U'￠', "c"}, {U'￡', "£"}, {U'￥', "¥"},  // full-width currency signs
};
// clang-format on

constexpr bool strictly_ascending() {
    for (std::size_t i = 1; i < std::size(kRows); ++i)
        if (!(kRows[i - 1].cp < kRows[i].cp)) return false;
    return true;
}
static_assert(strictly_ascending(), "kRows must be sorted by code point, without duplicates");

// Full-width forms U+FF01..U+FF5E are ASCII U+0021..U+007E shifted by 0xFEE0
// (Unicode's Halfwidth and Fullwidth Forms block); one ASCII character each,
// except the backtick, which GSM-7 lacks, written as an apostrophe like U+0060.
constexpr char32_t kFullWidthFirst = 0xFF01;
constexpr char32_t kFullWidthLast = 0xFF5E;
constexpr std::string_view kFullWidth =
    "!\"#$%&'()*+,-./"
    "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_'abcdefghijklmnopqrstuvwxyz{|}~";
static_assert(kFullWidth.size() == kFullWidthLast - kFullWidthFirst + 1);

constexpr bool rows_avoid_full_width() {
    for (const Row& row : kRows)
        if (row.cp >= kFullWidthFirst && row.cp <= kFullWidthLast) return false;
    return true;
}
static_assert(rows_avoid_full_width(), "full-width forms are handled by kFullWidth");

// Appends the code points of a replacement. Replacements are UTF-8 written in
// this file (the tests decode every one with utf8_decode), so this needs no
// error handling beyond staying inside the string.
void append_replacement(std::u32string& out, std::string_view utf8) {
    std::size_t i = 0;
    while (i < utf8.size()) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        std::size_t len = 1;
        char32_t cp = lead;
        if (lead >= 0xF0) {
            len = 4;
            cp = lead & 0x07;
        } else if (lead >= 0xE0) {
            len = 3;
            cp = lead & 0x0F;
        } else if (lead >= 0xC0) {
            len = 2;
            cp = lead & 0x1F;
        }
        for (std::size_t k = 1; k < len && i + k < utf8.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        out.push_back(cp);
        i += len;
    }
}

}  // namespace

std::optional<std::string_view> transliteration_of(char32_t cp) {
    if (cp >= kFullWidthFirst && cp <= kFullWidthLast)
        return kFullWidth.substr(cp - kFullWidthFirst, 1);
    const auto* end = std::end(kRows);
    const auto* it = std::lower_bound(std::begin(kRows), end, cp,
                                      [](const Row& row, char32_t key) { return row.cp < key; });
    if (it == end || it->cp != cp) return std::nullopt;
    return it->to;
}

std::u32string transliterate_to_gsm7(std::u32string_view text) {
    // Decomposed accents are composed first, so that "e" + U+0301 stays é
    // (GSM-7) and "c" + U+030C goes by the row of č, as the precomposed
    // letters do, rather than each mark being dropped blindly.
    std::u32string composed;
    if (has_combining_marks(text)) {
        composed.assign(text);
        compose_canonical(composed);
        text = composed;
    }
    std::u32string out;
    out.reserve(text.size());
    for (const char32_t cp : text) {
        if (gsm7_representable(cp)) {
            out.push_back(cp);
        } else if (const auto replacement = transliteration_of(cp)) {
            append_replacement(out, *replacement);
        } else {
            out.push_back(U'?');
        }
    }
    return out;
}

}  // namespace smsgw::pdu
