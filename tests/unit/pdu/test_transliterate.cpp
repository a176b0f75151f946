// Transliteration to GSM-7: every row of the table must produce GSM-7 (else a
// "transliterated" message would still need UCS-2), and whole sentences in the
// languages the table covers must come out as a reader of that language would
// write them on a keyboard without accents.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "pdu/gsm7.hpp"
#include "pdu/transliterate.hpp"
#include "pdu/utf8.hpp"

using namespace smsgw::pdu;

namespace {

// UTF-8 in, UTF-8 out: the tests read like the messages they stand for.
std::string translit(std::string_view utf8) {
    std::u32string cps;
    REQUIRE_FALSE(utf8_decode(utf8, cps).has_value());
    return utf8_encode(transliterate_to_gsm7(cps));
}

bool all_gsm7(std::u32string_view text) {
    for (const char32_t cp : text)
        if (!gsm7_representable(cp)) return false;
    return true;
}

bool is_scalar_value(char32_t cp) {
    return cp < 0xD800 || (cp > 0xDFFF && cp <= 0x10FFFF);
}

}  // namespace

TEST_CASE("every transliteration row is GSM-7 and only characters outside GSM-7 have rows") {
    int rows = 0;
    int empty_rows = 0;
    for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        if (!is_scalar_value(cp)) continue;
        const auto replacement = transliteration_of(cp);
        if (!replacement) continue;
        ++rows;
        INFO("U+" << std::hex << static_cast<std::uint32_t>(cp) << " -> \"" << *replacement
                  << "\"");
        // A row for a GSM-7 character would be dead (transliterate keeps those)
        // and, worse, a hint that the table disagrees with the alphabet.
        CHECK_FALSE(gsm7_representable(cp));
        std::u32string decoded;
        REQUIRE_FALSE(utf8_decode(*replacement, decoded).has_value());
        CHECK(all_gsm7(decoded));
        if (decoded.empty()) ++empty_rows;
        // The whole-text function uses the row as it is.
        CHECK(transliterate_to_gsm7(std::u32string(1, cp)) == decoded);
    }
    // 644 table rows plus the 94 full-width ASCII forms; a shrinking count
    // means rows were lost.
    CHECK(rows == 644 + 94);
    CHECK(empty_rows >= 30);  // zero-width, bidi, soft hyphen, combining marks, ъ ь
}

TEST_CASE("the output of transliteration is always GSM-7") {
    // Characters with a row get it, characters without one become '?', and
    // GSM-7 characters stay: together nothing outside GSM-7 can come out.
    std::u32string all;
    for (char32_t cp = 0; cp <= 0xFFFF; ++cp)
        if (is_scalar_value(cp)) all.push_back(cp);
    all.push_back(U'\U0001F600');  // an emoji, outside the BMP
    CHECK(all_gsm7(transliterate_to_gsm7(all)));
}

TEST_CASE("GSM-7 text passes through unchanged") {
    const std::string gsm7 =
        "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà\n\r"
        "^{}\\[~]|€\f";
    CHECK(translit(gsm7) == gsm7);
    CHECK_FALSE(transliteration_of(U'A').has_value());
    CHECK_FALSE(transliteration_of(U'é').has_value());
    CHECK_FALSE(transliteration_of(U'€').has_value());
    CHECK_FALSE(transliteration_of(U'Σ').has_value());
}

TEST_CASE("characters without a row become '?'") {
    CHECK(translit("日本語") == "???");
    CHECK(translit("ok 👍") == "ok ?");
    CHECK(translit("\x01") == "?");  // C0 control other than LF/CR/FF/tab
    CHECK_FALSE(transliteration_of(U'日').has_value());
    CHECK(transliterate_to_gsm7(U"") == U"");
}

TEST_CASE("an empty replacement removes the character") {
    // The API distinguishes "no row" (nullopt → '?') from "row with nothing".
    const auto zwsp = transliteration_of(U'\u200B');
    REQUIRE(zwsp.has_value());
    CHECK(zwsp->empty());
    CHECK(translit("a\u200Bb\u00ADc\u200Dd\uFEFFe\u2060f") == "abcdef");
    CHECK(translit("\u202Eevil\u202C") == "evil");
}

TEST_CASE("Polish") {
    CHECK(translit("Zażółć gęślą jaźń") == "Zazolc gesla jazn");
    CHECK(translit("ZAŻÓŁĆ GĘŚLĄ JAŹŃ") == "ZAZOLC GESLA JAZN");
}

TEST_CASE("Romanian, both comma-below and legacy cedilla forms") {
    CHECK(translit("Știință și țară, învățământ") == "Stiinta si tara, invatamant");
    CHECK(translit("ȘșȚț") == "SsTt");  // U+0218..U+021B, comma below
    CHECK(translit("ŞşŢţ") == "SsTt");  // U+015E..U+0163, cedilla
    CHECK(translit("ĂăÂâÎî") == "AaAaIi");
}

TEST_CASE("Czech and Slovak") {
    // é is GSM-7 and stays.
    CHECK(translit("Příliš žluťoučký kůň úpěl ďábelské ódy") ==
          "Prilis zlutoucky kun upel dabelské ody");
    CHECK(translit("Ďateľ, ľad, päť, mäso") == "Datel, lad, pät, mäso");  // ä is GSM-7
    CHECK(translit("ŘŠČŽĚŮŇŤĎ") == "RSCZEUNTD");
}

TEST_CASE("Turkish") {
    CHECK(translit("Iğdır'da ılık şişe, İstanbul") == "Igdir'da ilik sise, Istanbul");
    // ö ü are GSM-7; ç goes to the GSM-7 c-cedilla at 0x09 (see transliterate.cpp).
    CHECK(translit("Gülşen çok güzel") == "Gülsen Çok güzel");
}

TEST_CASE("Hungarian keeps ö and ü for the long ő and ű") {
    CHECK(translit("Árvíztűrő tükörfúrógép") == "Arviztürö tükörfurogép");
    CHECK(translit("ŐŰőű") == "ÖÜöü");
}

TEST_CASE("Croatian, Serbian Latin, Baltic, Nordic, French, German") {
    CHECK(translit("Đorđe Šćekić") == "Djordje Scekic");
    CHECK(translit("Ǆ ǅ ǆ Ǉ ǈ ǉ Ǌ ǋ ǌ") == "DZ Dz dz LJ Lj lj NJ Nj nj");
    CHECK(translit("Rīga, Šiauliai, Klaipėda, Ķekava, Ģirts") ==
          "Riga, Siauliai, Klaipeda, Kekava, Girts");
    CHECK(translit("Þórður Guðmundsson") == "Thordur Gudmundsson");
    CHECK(translit("Œuvre, cœur, français, Noël") == "OEuvre, coeur, franÇais, Noel");
    CHECK(translit("Straße, GROẞ") == "Straße, GROSS");  // ß is GSM-7; capital ẞ is not
    CHECK(translit("Ærø, Ångström, Øresund") == "Ærø, Ångström, Øresund");  // all GSM-7
}

TEST_CASE("Spanish and Portuguese accents GSM-7 lacks become plain vowels") {
    CHECK(translit("¿Dónde está la estación? ¡Ahí!") == "¿Donde esta la estacion? ¡Ahi!");
    CHECK(translit("Ação, coração, você, pôr, João") == "AÇao, coraÇao, voce, por, Joao");
    CHECK(translit("ÁÉÍÓÚ áéíóú àèìòù ñÑüÜ") == "AÉIOU aéiou àèìòù ñÑüÜ");
    CHECK(translit("ãõêôÃÕÊÔ") == "aoeoAOEO");
}

TEST_CASE("Greek becomes GSM-7 capitals and Latin look-alikes") {
    CHECK(translit("Καλημέρα") == "KAΛHMEPA");
    CHECK(translit("Ευχαριστώ πολύ") == "EYXAPIΣTΩ ΠOΛY");
    CHECK(translit("ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ") == "ABΓΔEZHΘIKΛMNΞOΠPΣTYΦXΨΩ");
    CHECK(translit("αβγδεζηθικλμνξοπρστυφχψω") == "ABΓΔEZHΘIKΛMNΞOΠPΣTYΦXΨΩ");
    CHECK(translit("ς") == "Σ");
    CHECK(translit("άέήίόύώΆΈΉΊΌΎΏϊϋΐΰ") == "AEHIOYΩAEHIOYΩIYIY");
    CHECK(translit("Τι κάνεις\u037E") == "TI KANEIΣ;");  // Greek question mark U+037E
}

TEST_CASE("Russian, Ukrainian and Serbian Cyrillic: simplified BGN/PCGN") {
    CHECK(translit("Привет, мир!") == "Privet, mir!");
    CHECK(translit("Съешь же ещё этих мягких французских булок") ==
          "Sesh zhe eshchyo etikh myagkikh frantsuzskikh bulok");
    CHECK(translit("Жанна, Юрий, Яна, Щукин, Хабаровск, Цой, Чехов, Шолохов") ==
          "Zhanna, Yuriy, Yana, Shchukin, Khabarovsk, Tsoy, Chekhov, Sholokhov");
    CHECK(translit("Игорь, подъезд, Ёлка") == "Igor, podezd, Yolka");
    // The table is context-free and Russian-based, so Ukrainian и is "i" as in
    // Russian (Київ → "Kiyiv", not the Ukrainian national "Kyiv").
    CHECK(translit("Їжак, Євген, Ґанок, Київ") == "Yizhak, Yevgen, Ganok, Kiyiv");
    CHECK(translit("Ђорђе, Љубав, Њива, Ћевап, Џеп, Јован") ==
          "Djordje, Ljubav, Njiva, Cevap, Dzhep, Jovan");
}

TEST_CASE("typographic punctuation") {
    CHECK(translit("“Hello” – ‘world’ — wait…") == "\"Hello\" - 'world' - wait...");
    CHECK(translit("„Guten Tag“ ‚ja‘ «oui» ‹non›") == "\"Guten Tag\" 'ja' \"oui\" <non>");
    CHECK(translit("it’s 5′ 10″") == "it's 5' 10\"");
    CHECK(translit("‐‑‒―−") == "-----");
    CHECK(translit("• item · item") == ". item . item");
    CHECK(translit("`code`") == "'code'");
}

TEST_CASE("spaces") {
    CHECK(translit("10\u00A0€") == "10 €");
    CHECK(translit("a\u2009b\u202Fc\u2003d\u3000e\tf") == "a b c d e f");
    CHECK(translit("line\u2028next") == "line\nnext");
}

TEST_CASE("symbols, fractions and currencies") {
    CHECK(translit("Brand™ © 2024 ®") == "BrandTM (C) 2024 (R)");
    CHECK(translit("½ ¼ ¾ ⅓") == "1/2 1/4 3/4 1/3");
    CHECK(translit("3×4 ÷ 2 ± 1, 20°C") == "3x4 / 2 +/- 1, 20oC");
    CHECK(translit("500 ₽, 20 ₺, 100 ₹, 50 ₴, 0.1 ₿") ==
          "500 RUB, 20 TL, 100 Rs, 50 UAH, 0.1 BTC");
    CHECK(translit("x² + y³ = H₂O") == "x2 + y3 = H2O");
    CHECK(translit("a → b ≤ c ≠ d") == "a -> b <= c != d");
    CHECK(translit("№ 5") == "No 5");
}

TEST_CASE("full-width ASCII forms become ASCII") {
    CHECK(translit("ＡＢＣ１２３！？") == "ABC123!?");
    CHECK(translit("ｈｅｌｌｏ　ｗｏｒｌｄ") == "hello world");  // U+3000 ideographic space
    CHECK(translit("｛｝［］～｜＼＾") == "{}[]~|\\^");          // extension-table characters
    CHECK(translit("｀") == "'");                                // GSM-7 has no backtick
    for (char32_t cp = 0xFF01; cp <= 0xFF5E; ++cp) {
        INFO("U+" << std::hex << static_cast<std::uint32_t>(cp));
        const auto r = transliteration_of(cp);
        REQUIRE(r.has_value());
        REQUIRE(r->size() == 1);
        if (cp != 0xFF40) CHECK(static_cast<char32_t>((*r)[0]) == cp - 0xFEE0);
    }
}

TEST_CASE("decomposed text (NFD) keeps its base letters") {
    // "Zaz" + combining dot above, "o" + combining acute, "l" …
    CHECK(translit("Za\u0307z\u0307o\u0301\u0142c\u0301") == "Zazolc");
    CHECK(translit("S\u0326tiint\u0326a\u0306") == "Stiinta");
}
