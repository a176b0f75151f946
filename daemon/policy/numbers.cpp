// E.164 normalisation on top of libphonenumber. libphonenumber's PhoneNumberUtil
// is a process-wide singleton that parses its metadata once (the first call
// takes a few milliseconds); ShortNumberInfo loads the short-number metadata in
// its constructor, so one instance is kept for the process as well. Both are
// safe to use from several threads once built.
#include "daemon/policy/numbers.hpp"

#include <phonenumbers/phonenumberutil.h>
#include <phonenumbers/shortnumberinfo.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

#include "daemon/policy/text_fold.hpp"
#include "pdu/utf8.hpp"

namespace smsgw::policy {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;
using i18n::phonenumbers::ShortNumberInfo;

const PhoneNumberUtil& util() {
    return *PhoneNumberUtil::GetInstance();
}

const ShortNumberInfo& short_numbers() {
    static const ShortNumberInfo info;
    return info;
}

// Short codes are 3–6 digits in every country smsgw is used in (US 5–6, UK 5,
// DE 4–5, PL 4–5, FR 5, RO 4, GR 5); longer ones would be confused with local
// numbers missing their area code.
constexpr std::size_t short_code_min_digits = 3;
constexpr std::size_t short_code_max_digits = 6;

std::string upper_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

bool is_layout(char32_t cp) {
    switch (cp) {
        case U' ':
        case U'\t':
        case U'\r':  // a line end copied along with the number
        case U'\n':
        case U'-':
        case U'.':
        case U'(':
        case U')':
        case U'/':
        case 0x00A0:  // no-break space (copied from web pages and office documents)
        case 0x2007:  // figure space
        case 0x2009:  // thin space
        case 0x202F:  // narrow no-break space
        case 0x2010:  // hyphen
        case 0x2011:  // non-breaking hyphen
        case 0x2012:  // figure dash
        case 0x2013:  // en dash
        case 0x2014:  // em dash
        case 0x2212:  // minus sign
            return true;
        default:
            return false;
    }
}

// What the input says once the layout is removed: '+' or not, then digits.
struct Digits {
    bool plus = false;
    std::string digits;
};

Expected<Digits, NumberError> scan(std::string_view input) {
    std::u32string text;
    if (pdu::utf8_decode(input, text)) return unexpected(NumberError{"not valid UTF-8"});
    Digits d;
    for (char32_t cp : text) {
        if (is_layout(cp)) continue;
        char32_t digit = cp;
        if (cp >= 0xFF10 && cp <= 0xFF19) digit = cp - 0xFF10 + U'0';  // fullwidth digits
        if (digit >= U'0' && digit <= U'9') {
            d.digits += static_cast<char>(digit);
            continue;
        }
        if (cp == U'+') {
            if (d.plus || !d.digits.empty())
                return unexpected(NumberError{"'+' is allowed only at the start"});
            d.plus = true;
            continue;
        }
        std::u32string folded;
        if (fold_code_point(cp, folded))
            return unexpected(NumberError{"letters are not allowed in a phone number"});
        std::string shown;
        pdu::utf8_append(shown, cp);
        return unexpected(NumberError{"unexpected character '" + shown + "' in a phone number"});
    }
    if (d.digits.empty())
        return unexpected(NumberError{input.empty() ? "empty number" : "no digits in the number"});
    return d;
}

// "DE (+49)", or "+800" for non-geographic numbers.
std::string where(const PhoneNumber& n) {
    std::string region;
    util().GetRegionCodeForNumber(n, &region);
    if (region == "ZZ") util().GetRegionCodeForCountryCode(n.country_code(), &region);
    const std::string cc = "+" + std::to_string(n.country_code());
    if (region == "ZZ" || region == "001") return cc;
    return region + " (" + cc + ")";
}

// Many countries have a wide range of possible lengths (DE: 5–15 digits), so a
// number cut short is often "possible" but not valid. When it is shorter than
// both the region's example fixed-line and mobile numbers, "too short" is what
// the person needs to hear; longer than both, "too long".
std::string length_hint(const PhoneNumber& n) {
    std::string region;
    util().GetRegionCodeForNumber(n, &region);
    if (region == "ZZ") util().GetRegionCodeForCountryCode(n.country_code(), &region);
    std::string nsn;
    util().GetNationalSignificantNumber(n, &nsn);
    std::size_t shortest = 0;
    std::size_t longest = 0;
    for (auto type : {PhoneNumberUtil::FIXED_LINE, PhoneNumberUtil::MOBILE}) {
        PhoneNumber example;
        std::string example_nsn;
        if (!util().GetExampleNumberForType(region, type, &example)) continue;
        util().GetNationalSignificantNumber(example, &example_nsn);
        shortest = shortest == 0 ? example_nsn.size() : std::min(shortest, example_nsn.size());
        longest = std::max(longest, example_nsn.size());
    }
    if (shortest != 0 && nsn.size() < shortest) return "too short for ";
    if (longest != 0 && nsn.size() > longest) return "too long for ";
    return "not a valid number for ";
}

std::string parse_error_reason(PhoneNumberUtil::ErrorType e, const std::string& region) {
    const std::string in = region.empty() || region == "ZZ" ? "" : " for " + region;
    switch (e) {
        case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
            return "unknown country code";
        case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
            return "too short after the international prefix";
        case PhoneNumberUtil::TOO_SHORT_NSN:
            return "too short" + in;
        case PhoneNumberUtil::TOO_LONG_NSN:
            return "too long" + in;
        case PhoneNumberUtil::NOT_A_NUMBER:  // "0", "0000", "+49": nothing left to dial
            return "too few digits after the country code or the national prefix" + in;
        case PhoneNumberUtil::NO_PARSING_ERROR:
            break;
    }
    return "not a phone number";
}

// A valid number as the store keeps it.
Number e164_of(const PhoneNumber& n) {
    Number out;
    util().Format(n, PhoneNumberUtil::E164, &out.number);
    util().GetRegionCodeForNumber(n, &out.region);
    out.kind = NumberKind::e164;
    return out;
}

// libphonenumber's verdict on `text` parsed for `region` ("ZZ": must be +CC):
// the E.164 form, or why it is not a valid number.
Expected<Number, NumberError> check(const std::string& text, const std::string& region) {
    PhoneNumber n;
    const auto e = util().Parse(text, region, &n);
    if (e != PhoneNumberUtil::NO_PARSING_ERROR)
        return unexpected(NumberError{parse_error_reason(e, region)});
    if (!util().IsValidNumber(n)) {
        switch (util().IsPossibleNumberWithReason(n)) {
            case PhoneNumberUtil::INVALID_COUNTRY_CODE:
                return unexpected(
                    NumberError{"unknown country code +" + std::to_string(n.country_code())});
            case PhoneNumberUtil::TOO_SHORT:
                return unexpected(NumberError{"too short for " + where(n)});
            case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
                return unexpected(NumberError{"too short for " + where(n) +
                                              ": a local number without its area code?"});
            case PhoneNumberUtil::TOO_LONG:
                return unexpected(NumberError{"too long for " + where(n)});
            case PhoneNumberUtil::INVALID_LENGTH:
                return unexpected(NumberError{"wrong number of digits for " + where(n)});
            case PhoneNumberUtil::IS_POSSIBLE:
                break;
        }
        return unexpected(NumberError{length_hint(n) + where(n)});
    }
    return e164_of(n);
}

// Countries whose metadata (PhoneNumberMetadata.xml) has no
// nationalPrefixForParsing rule and no carrier codes: for "+CC" followed by a
// national significant number that starts neither with 0 nor with the
// country's national prefix, libphonenumber's Parse does nothing but split the
// country code off. Parse runs ~10 ICU regular expressions over the input and
// costs more than the validity check itself, so these numbers skip it.
// tests/unit/policy/test_numbers.cpp checks this in the metadata libphonenumber
// was built with and compares both ways on sampled numbers; a country with a
// national-prefix rewrite (AR, BR, MX, HU, …) must never be added.
constexpr std::array<std::string_view, 18> plain_regions = {
    "AT", "BE", "CH", "CZ", "DE", "DK", "ES", "FR", "GB",
    "GR", "IE", "IT", "NL", "NO", "PL", "PT", "RO", "SE"};

// "+CC…" as libphonenumber would parse it, when that is only the split of
// the country code (see plain_regions); nullopt: let Parse decide.
std::optional<PhoneNumber> split_plain_international(std::string_view digits) {
    // ITU-T E.164 country codes are prefix-free and 1–3 digits: the first
    // known prefix is the code (libphonenumber's ExtractCountryCode).
    if (digits.empty() || digits.front() == '0') return std::nullopt;
    for (std::size_t len = 1; len <= 3 && len < digits.size(); ++len) {
        int code = 0;
        std::from_chars(digits.data(), digits.data() + len, code);
        std::string region;
        util().GetRegionCodeForCountryCode(code, &region);
        if (region == "ZZ") continue;
        if (std::find(plain_regions.begin(), plain_regions.end(), region) == plain_regions.end())
            return std::nullopt;
        const std::string_view nsn = digits.substr(len);
        // Shorter than 2 or longer than 17 digits: Parse's own errors.
        if (nsn.size() < 2 || nsn.size() > 17 || nsn.front() == '0') return std::nullopt;
        std::string national_prefix;
        util().GetNddPrefixForRegion(region, true, &national_prefix);
        if (!national_prefix.empty() && nsn.starts_with(national_prefix)) return std::nullopt;
        std::uint64_t national = 0;
        std::from_chars(nsn.data(), nsn.data() + nsn.size(), national);
        PhoneNumber n;
        n.set_country_code(code);
        n.set_national_number(national);
        return n;
    }
    return std::nullopt;
}

// "+" + digits: the shortcut when it applies and the number is valid; every
// other case (and every error message) comes from check().
Expected<Number, NumberError> check_international(const std::string& digits) {
    if (const auto n = split_plain_international(digits); n && util().IsValidNumber(*n))
        return e164_of(*n);
    return check("+" + digits, "ZZ");
}

}  // namespace

namespace detail {
Expected<Number, NumberError> check_international_with_parse(const std::string& digits) {
    return check("+" + digits, "ZZ");
}
std::span<const std::string_view> regions_parsed_without_parse() {
    return plain_regions;
}
}  // namespace detail

std::string_view to_string(NumberKind kind) {
    return kind == NumberKind::short_code ? "short_code" : "e164";
}

std::string_view to_string(SenderKind kind) {
    switch (kind) {
        case SenderKind::e164:
            return "e164";
        case SenderKind::short_code:
            return "short_code";
        case SenderKind::alphanumeric:
            return "alphanumeric";
        case SenderKind::unverified:
            return "unverified";
    }
    return "unverified";
}

bool is_known_region(std::string_view region) {
    if (region.size() != 2) return false;
    return util().GetCountryCodeForRegion(upper_ascii(region)) != 0;
}

Expected<Number, NumberError> parse_number(std::string_view input,
                                           std::string_view default_country) {
    const std::string region = upper_ascii(default_country);
    if (!region.empty() && !is_known_region(region))
        return unexpected(NumberError{"default_country \"" + std::string(default_country) +
                                      "\" is not an ISO 3166 country code libphonenumber knows"});
    auto scanned = scan(input);
    if (!scanned) return unexpected(std::move(scanned).error());
    const Digits& d = *scanned;

    if (d.plus) return check_international(d.digits);

    // "00" is the international prefix ITU-T E.164 recommends and most of the
    // world dials; countries with another one (US 011) also get it tried first.
    const bool idd00 = d.digits.size() > 2 && d.digits.starts_with("00");
    if (region.empty()) {
        if (idd00) return check_international(d.digits.substr(2));
        return unexpected(
            NumberError{"no country code and no default_country configured (write it as +CC…)"});
    }
    auto national = check(d.digits, region);
    if (national) return national;
    if (idd00) return check_international(d.digits.substr(2));

    // Short codes are national: "3200" is a different service in every
    // country, so they need the default_country and are never E.164.
    const auto& digits = d.digits;
    if (digits.size() >= short_code_min_digits && digits.size() <= short_code_max_digits &&
        digits.front() != '0') {
        if (short_numbers().IsEmergencyNumber(digits, region))
            return unexpected(NumberError{digits + " is an emergency number in " + region});
        return Number{digits, NumberKind::short_code, region};
    }
    return national;
}

Expected<std::string, NumberError> normalize(std::string_view input,
                                             std::string_view default_country) {
    auto n = parse_number(input, default_country);
    if (!n) return unexpected(std::move(n).error());
    return std::move(n->number);
}

Sender normalize_sender(std::string_view input, std::string_view default_country) {
    const auto first = input.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {"", SenderKind::unverified};
    const auto last = input.find_last_not_of(" \t\r\n");
    const std::string_view text = input.substr(first, last - first + 1);

    std::u32string cps;
    if (pdu::utf8_decode(text, cps)) return {std::string(text), SenderKind::unverified};
    const bool has_letter = std::any_of(cps.begin(), cps.end(), [](char32_t cp) {
        std::u32string folded;
        return fold_code_point(cp, folded) && !(folded[0] >= U'0' && folded[0] <= U'9');
    });
    if (has_letter) return {std::string(text), SenderKind::alphanumeric};

    if (auto n = parse_number(text, default_country))
        return {n->number,
                n->kind == NumberKind::short_code ? SenderKind::short_code : SenderKind::e164};
    auto scanned = scan(text);
    if (!scanned) return {std::string(text), SenderKind::unverified};
    return {(scanned->plus ? "+" : "") + scanned->digits, SenderKind::unverified};
}

}  // namespace smsgw::policy
