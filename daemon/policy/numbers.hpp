// Phone numbers in E.164 (issue 4, "Numbers"): every recipient of a `send` and
// every sender of an inbound message is stored in one canonical form, so an
// opt-out from "0151 2345 6789" also stops a later send to "+49 151 23456789".
// Parsing and validity come from Debian's libphonenumber (8.12.57); this file
// adds the rules of an SMS gateway and reasons a person understands.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "pdu/expected.hpp"

namespace smsgw::policy {

struct NumberError {
    std::string reason;  // "too short for DE", "letters are not allowed in a phone number"
    bool operator==(const NumberError&) const = default;
};

enum class NumberKind {
    e164,        // "+4915123456789"
    short_code,  // "11833": national, digits only, no '+'
};
std::string_view to_string(NumberKind kind);

struct Number {
    std::string number;  // E.164 with '+', or the short code's digits
    NumberKind kind = NumberKind::e164;
    std::string region;  // ISO 3166 alpha-2 of the number ("DE"), "001" for global services
    bool operator==(const Number&) const = default;
};

// Parses a recipient written by a person or a program.
// - "+CC…" and "00CC…" are international everywhere; with a default_country,
//   that country's own international prefix too ("011" for US), and national
//   forms ("0151 2345 6789" for DE, "(201) 555-0123" for US).
// - Spaces, dashes, dots, slashes and brackets are ignored; letters are refused
//   (no vanity numbers: "1-800-FLOWERS" is more likely a mistake than a number
//   an SMS can reach), and so are '*', '#' and extensions.
// - The number must be *valid* for its country in libphonenumber's metadata
//   (not only of a possible length), so a typo in an area or mobile prefix is
//   caught before a modem spends money on it.
// - Short codes ("3200", "11833") are accepted when the input is not a valid
//   national number and: a default_country is configured (a short code is
//   national: "3200" is another service in each country), it is digits only
//   (no '+', no 00), 3–6 digits (US 5–6, UK 5, DE 4–5, PL 4–5, FR 5, RO 4,
//   GR 5; 7 and more would be local numbers missing their area code), no
//   leading 0 (a truncated national number), and not an emergency number
//   (ShortNumberInfo::IsEmergencyNumber: 112, 110, 911, 997 are refused). They
//   are kept as digits, never E.164. libphonenumber 8.12's ShortNumberInfo
//   validity is not required: its metadata knows service numbers (DE 11833,
//   US 898211) but not commercial SMS short codes (PL 3200 and 7100 are
//   "invalid" there).
// default_country: ISO 3166 alpha-2 (any case), or empty: then only +CC/00CC.
Expected<Number, NumberError> parse_number(std::string_view input,
                                           std::string_view default_country);

// parse_number(…).number: the E.164 form (or short code) of a recipient.
Expected<std::string, NumberError> normalize(std::string_view input,
                                             std::string_view default_country);

namespace detail {
// "+" + digits checked by libphonenumber's full Parse, without the shortcut
// parse_number takes for countries with a plain national prefix; the tests
// hold the two to the same answers.
Expected<Number, NumberError> check_international_with_parse(const std::string& digits);
// The countries (ISO 3166) whose "+CC…" numbers skip Parse.
std::span<const std::string_view> regions_parsed_without_parse();
}  // namespace detail

enum class SenderKind {
    e164,          // a number libphonenumber accepts
    short_code,    // a service's short code
    alphanumeric,  // a name such as "MyBank" (TS 23.040 §9.1.2.5, TON 101)
    unverified,    // digits that are no valid number (kept as received)
};
std::string_view to_string(SenderKind kind);

struct Sender {
    std::string address;  // what the store keeps and opt-outs are keyed by
    SenderKind kind = SenderKind::e164;
    bool operator==(const Sender&) const = default;
};

// Canonical form of the originator of an inbound message. Never fails: who
// sent a message is a fact to record even when it is no valid number. Text
// with a letter is an alphanumeric sender and kept as text (trimmed);
// numbers are normalised as recipients are, so the sender of a STOP matches
// the recipient of a later send; digits libphonenumber rejects are kept with
// their '+' if they had one.
Sender normalize_sender(std::string_view input, std::string_view default_country);

// Whether libphonenumber knows `region` (ISO 3166 alpha-2, any case), for the
// config's default_country.
bool is_known_region(std::string_view region);

}  // namespace smsgw::policy
