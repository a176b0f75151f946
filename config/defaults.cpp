// Defaults that are data rather than a member initializer: the opt-out and
// resubscribe keywords. A reply consisting of one of these words (trimmed, any
// case) opts the sender out or back in. The list covers the languages our
// installs see; a config that names `optout.keywords` replaces it entirely,
// so an operator can drop a word that means something else to their customers.
#include "config/config.hpp"

namespace smsgw::config {

std::string_view to_string(LogLevel level) {
    switch (level) {
        case LogLevel::trace:
            return "trace";
        case LogLevel::debug:
            return "debug";
        case LogLevel::info:
            return "info";
        case LogLevel::warn:
            return "warn";
        case LogLevel::error:
            return "error";
    }
    return "info";
}

const std::vector<std::string>& default_optout_keywords() {
    static const std::vector<std::string> words = {
        // English (CTIA's list plus common variants)
        "STOP",
        "STOPALL",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
        "OPTOUT",
        "REMOVE",
        // German
        "STOPP",
        "ENDE",
        "ABBRUCH",
        "BEENDEN",
        "ABMELDEN",
        "ABBESTELLEN",
        "AUSTRAGEN",
        // French
        "ARRET",
        "ARRÊT",
        "DESABONNER",
        "DÉSABONNER",
        // Spanish, Portuguese
        "ALTO",
        "BAJA",
        "PARAR",
        "CANCELAR",
        "SAIR",
        // Italian
        "BASTA",
        "DISISCRIVI",
        "CANCELLA",
        // Dutch
        "STOPPEN",
        "AFMELDEN",
        "UITSCHRIJVEN",
        // Nordic
        "SLUTA",
        "AVSLUTA",
        "AFMELD",
        "AVMELD",
        "LOPETA",
        // Polish, Czech
        "REZYGNACJA",
        "NIE",
        "WYPISZ",
        "ODHLASIT",
        "ZRUŠIT",
        // Greek (matched without accents: Διαγραφή, ΔΙΑΓΡΑΦΗ)
        "ΔΙΑΓΡΑΦΗ",
        "ΑΠΕΓΓΡΑΦΗ",
        "ΣΤΟΠ",
        // Romanian (matched without diacritics: Dezabonare, OPREȘTE)
        "DEZABONARE",
        "DEZABONEAZA",
        "OPREȘTE",
        // Turkish, Russian/Ukrainian/Bulgarian
        "IPTAL",
        "İPTAL",
        "СТОП",
        "ОТПИСКА",
    };
    return words;
}

const std::vector<std::string>& default_resubscribe_keywords() {
    static const std::vector<std::string> words = {
        "START", "UNSTOP",   "SUBSCRIBE", "ANMELDEN", "AANMELDEN",
        "ALTA",  "INSCRIRE", "ISCRIVI",   "СТАРТ",    "ΕΓΓΡΑΦΗ",   "ABONARE",
    };
    return words;
}

Config::Config() {
    optout.keywords = default_optout_keywords();
    optout.resubscribe_keywords = default_resubscribe_keywords();
}

}  // namespace smsgw::config
