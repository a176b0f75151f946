// Comparison keys for short replies such as "Stop", " STOP! ", "stopp." or
// "Arrêt": the text with case folded, accents stripped and every character that
// is neither a letter nor a digit removed. Used to match opt-out keywords and to
// compare a company name with the start of a message. This is a key for
// comparing, never a text to send (pdu/transliterate.hpp does that).
#pragma once

#include <string>
#include <string_view>

namespace smsgw::policy {

// Appends the folded form of one code point to `out`, or nothing when the code
// point is a separator (whitespace, punctuation, symbols, emoji, combining
// marks, zero-width characters). Returns false for a separator.
//
// Decisions:
// - Latin letters fold to unaccented capitals: é/É → E, ł/Ł → L, ș/ş → S,
//   ø → O; ß and ẞ → SS, æ → AE, œ → OE, þ → TH (the German and Nordic
//   spellings without those letters).
// - Turkish dotted İ and dotless ı both fold to I, without locale: İPTAL,
//   IPTAL, iptal and ıptal are one key. A locale-aware fold would make "iptal"
//   differ between Turkish and other phones, which a keyword must not.
// - Greek folds to unaccented capitals; σ and final ς → Σ.
// - Cyrillic folds to capitals; Ё/ё and Ѐ/ѐ → Е, Ѝ/ѝ → И (accents), but Й
//   stays (a letter of its own in Russian and Ukrainian).
// - Fullwidth Latin letters and digits fold to ASCII.
// - Letters of other scripts are kept unchanged.
bool fold_code_point(char32_t cp, std::u32string& out);

// The key of a UTF-8 text, UTF-8 encoded (the folded letters and digits, no
// separators): "  Arrêt ! " → "ARRET", "opt-out" → "OPTOUT". Invalid UTF-8
// gives an empty key. With `max_key_chars` (0: no limit), folding stops and
// the key is empty as soon as it would exceed that many code points: the
// opt-out matcher need not fold the rest of a long message.
std::string fold_key(std::string_view utf8, std::size_t max_key_chars = 0);

}  // namespace smsgw::policy
