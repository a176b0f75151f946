// E.164 normalisation: national and international forms for DE, PL, RO, GR and
// US, layout characters, IDD prefixes, lengths, letters, short codes, senders.
#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <random>

#include "daemon/policy/numbers.hpp"

using namespace smsgw::policy;

// libphonenumber's compiled-in metadata (a serialized PhoneMetadataCollection);
// exported by the library, declared in a header Debian does not install.
namespace i18n::phonenumbers {
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace {

std::string ok(std::string_view input, std::string_view country) {
    auto n = normalize(input, country);
    INFO(input << " @" << country << " → " << (n ? *n : n.error().reason));
    REQUIRE(n);
    return *n;
}

std::string reason(std::string_view input, std::string_view country) {
    auto n = normalize(input, country);
    INFO(input << " @" << country << " → " << (n ? *n : std::string("(accepted)")));
    REQUIRE_FALSE(n);
    return n.error().reason;
}

}  // namespace

TEST_CASE("numbers: national formats with default_country") {
    CHECK(ok("0151 23456789", "DE") == "+4915123456789");
    CHECK(ok("030 1234567", "DE") == "+49301234567");
    CHECK(ok("(030) 123 45 67", "DE") == "+49301234567");
    CHECK(ok("0151/2345-6789", "DE") == "+4915123456789");
    CHECK(ok("512 345 678", "PL") == "+48512345678");
    CHECK(ok("512-345-678", "PL") == "+48512345678");
    CHECK(ok("0721 123 456", "RO") == "+40721123456");
    CHECK(ok("0721.123.456", "RO") == "+40721123456");
    CHECK(ok("691 234 5678", "GR") == "+306912345678");
    CHECK(ok("210 123 4567", "GR") == "+302101234567");
    CHECK(ok("(201) 555-0123", "US") == "+12015550123");
    CHECK(ok("1 201 555 0123", "US") == "+12015550123");
    CHECK(ok("201.555.0123", "US") == "+12015550123");
}

TEST_CASE("numbers: default_country in lower case is accepted") {
    CHECK(ok("0151 23456789", "de") == "+4915123456789");
}

TEST_CASE("numbers: international forms") {
    CHECK(ok("+49 151 23456789", "") == "+4915123456789");
    CHECK(ok("+49 151 23456789", "PL") == "+4915123456789");
    CHECK(ok("+48 512 345 678", "DE") == "+48512345678");
    CHECK(ok("+40 721 123 456", "") == "+40721123456");
    CHECK(ok("+30 691 234 5678", "") == "+306912345678");
    CHECK(ok("+1 (201) 555-0123", "") == "+12015550123");
    CHECK(ok("  +4915123456789  ", "") == "+4915123456789");
}

TEST_CASE("numbers: 00 and the default country's own international prefix") {
    CHECK(ok("0049 151 23456789", "DE") == "+4915123456789");
    CHECK(ok("0049 151 23456789", "") == "+4915123456789");
    CHECK(ok("0048 512 345 678", "RO") == "+48512345678");
    // The US dials 011; 00 is still understood as the ITU-recommended prefix.
    CHECK(ok("011 49 151 23456789", "US") == "+4915123456789");
    CHECK(ok("0049 151 23456789", "US") == "+4915123456789");
}

TEST_CASE("numbers: Unicode layout characters copied from documents") {
    CHECK(ok("+49\u00A0151\u00A023456789", "") == "+4915123456789");  // no-break space
    CHECK(ok("+49\u2013151\u201323456789", "") == "+4915123456789");  // en dash
    CHECK(ok("+49\u202F151\u202F23456789", "") == "+4915123456789");  // narrow nbsp
    CHECK(ok("+\uFF14\uFF19 151 23456789", "") == "+4915123456789");  // fullwidth digits
    CHECK(ok(" +49 151 23456789\r\n", "") == "+4915123456789");      // a cell's line end
}

TEST_CASE("numbers: too short and too long, with the country named") {
    CHECK(reason("0151 234", "DE") == "too short for DE (+49)");
    CHECK(reason("+49 151", "").starts_with("too short for DE (+49)"));
    CHECK(reason("+48 512 345", "") == "too short for PL (+48)");
    CHECK(reason("+49 1512345678901234", "") == "too long for DE (+49)");
    CHECK(reason("+48 512 345 678 901", "") == "too long for PL (+48)");
    CHECK(reason("+40 721 123 4567", "").find("RO (+40)") != std::string::npos);
    // A US local number without its area code.
    CHECK(reason("555-0123", "US").starts_with("too short for US (+1)"));
}

TEST_CASE("numbers: possible length but not a valid number") {
    CHECK(reason("+48 112 345 678", "") == "not a valid number for PL (+48)");
    CHECK(reason("+30 591 234 5678", "").find("GR (+30)") != std::string::npos);
    CHECK(reason("+1 099 555 0123", "").find("(+1)") != std::string::npos);
}

TEST_CASE("numbers: letters and other characters are refused") {
    CHECK(reason("1-800-FLOWERS", "US") == "letters are not allowed in a phone number");
    CHECK(reason("+49 151 2345678 ext. 12", "") == "letters are not allowed in a phone number");
    CHECK(reason("MyBank", "DE") == "letters are not allowed in a phone number");
    CHECK(reason("0151 2345ö", "DE") == "letters are not allowed in a phone number");
    CHECK(reason("*100#", "DE") == "unexpected character '*' in a phone number");
    CHECK(reason("+49 151 2345678#", "") == "unexpected character '#' in a phone number");
    CHECK(reason("49+151", "") == "'+' is allowed only at the start");
    CHECK(reason("++49151", "") == "'+' is allowed only at the start");
    CHECK(reason("", "DE") == "empty number");
    CHECK(reason("  - ", "DE") == "no digits in the number");
    CHECK(reason("\xFF\xFE", "DE") == "not valid UTF-8");
}

TEST_CASE("numbers: without default_country only +CC and 00CC are accepted") {
    CHECK(reason("0151 23456789", "") ==
          "no country code and no default_country configured (write it as +CC…)");
    CHECK(reason("3200", "") ==
          "no country code and no default_country configured (write it as +CC…)");
}

TEST_CASE("numbers: unknown country codes and default countries") {
    CHECK(reason("+999 123 456", "") == "unknown country code");
    CHECK(reason("0151 23456789", "XX").starts_with("default_country \"XX\""));
    CHECK(reason("0151 23456789", "DEU").starts_with("default_country"));
    CHECK(is_known_region("DE"));
    CHECK(is_known_region("gr"));
    CHECK_FALSE(is_known_region("XX"));
    CHECK_FALSE(is_known_region(""));
    CHECK_FALSE(is_known_region("DEU"));
}

TEST_CASE("numbers: short codes need a default_country and stay national") {
    const auto n = parse_number("3200", "PL");
    REQUIRE(n);
    CHECK(n->number == "3200");
    CHECK(n->kind == NumberKind::short_code);
    CHECK(n->region == "PL");
    CHECK(ok("11833", "DE") == "11833");
    CHECK(ok("22 123", "DE") == "22123");
    CHECK(ok("80333", "PL") == "80333");
    CHECK(ok("1840", "RO") == "1840");
    CHECK(ok("54321", "GR") == "54321");
    CHECK(ok("898211", "US") == "898211");
    // Not short codes: a leading 0 is a truncated national number, 7 digits a
    // local number, a '+' or 00 an international one.
    CHECK(reason("01234", "DE").starts_with("too short for DE"));
    CHECK(reason("+3200", "").find("3200") == std::string::npos);
    CHECK_FALSE(normalize("0048 3200", "PL"));
    CHECK_FALSE(normalize("12", "DE"));
    CHECK_FALSE(normalize("1234567", "DE"));
}

TEST_CASE("numbers: emergency numbers are refused") {
    CHECK(reason("112", "DE") == "112 is an emergency number in DE");
    CHECK(reason("110", "DE") == "110 is an emergency number in DE");
    CHECK(reason("911", "US") == "911 is an emergency number in US");
    CHECK(reason("997", "PL") == "997 is an emergency number in PL");
}

TEST_CASE("numbers: parse_number names kind and region") {
    const auto n = parse_number("0721 123 456", "RO");
    REQUIRE(n);
    CHECK(*n == Number{"+40721123456", NumberKind::e164, "RO"});
    CHECK(to_string(NumberKind::e164) == "e164");
    CHECK(to_string(NumberKind::short_code) == "short_code");
}

TEST_CASE("numbers: inbound senders") {
    CHECK(normalize_sender("+4915123456789", "DE") == Sender{"+4915123456789", SenderKind::e164});
    CHECK(normalize_sender("015123456789", "DE") == Sender{"+4915123456789", SenderKind::e164});
    CHECK(normalize_sender("MyBank", "DE") == Sender{"MyBank", SenderKind::alphanumeric});
    CHECK(normalize_sender("  DHL Paket ", "DE") == Sender{"DHL Paket", SenderKind::alphanumeric});
    CHECK(normalize_sender("Ελλάδα", "GR") == Sender{"Ελλάδα", SenderKind::alphanumeric});
    CHECK(normalize_sender("bank24", "PL") == Sender{"bank24", SenderKind::alphanumeric});
    CHECK(normalize_sender("3200", "PL") == Sender{"3200", SenderKind::short_code});
    // Digits libphonenumber rejects are kept as received (layout removed).
    CHECK(normalize_sender("+49 151", "DE") == Sender{"+49151", SenderKind::unverified});
    CHECK(normalize_sender("3200", "") == Sender{"3200", SenderKind::unverified});
    CHECK(normalize_sender("112", "DE") == Sender{"112", SenderKind::unverified});
    CHECK(normalize_sender("   ", "DE") == Sender{"", SenderKind::unverified});
    CHECK(to_string(SenderKind::alphanumeric) == "alphanumeric");
}

TEST_CASE("numbers: the sender of a STOP and the recipient of a send agree") {
    for (const char* written : {"0151 23456789", "+49 151 23456789", "0049151-23456789"}) {
        CHECK(normalize_sender(written, "DE").address == ok(written, "DE"));
    }
}

TEST_CASE("numbers: cost of normalize() per call (printed, not asserted)") {
    (void)normalize("+4915123456789", "DE");  // metadata loaded before timing
    const char* inputs[] = {"0151 23456789", "+48 512 345 678", "(201) 555-0123", "0721 123 456",
                            "3200"};
    const char* regions[] = {"DE", "PL", "US", "RO", "PL"};
    constexpr int rounds = 2000;
    int accepted = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < rounds; ++r)
        for (int i = 0; i < 5; ++i) accepted += normalize(inputs[i], regions[i]) ? 1 : 0;
    const auto elapsed = std::chrono::steady_clock::now() - start;
    const double per_call_us =
        std::chrono::duration<double, std::micro>(elapsed).count() / (rounds * 5);
    std::printf("normalize(): %.2f us per call over %d calls\n", per_call_us, rounds * 5);
    CHECK(accepted == rounds * 5);
}

// The shortcut is exact only where Parse's national-prefix step is the plain
// removal of a literal prefix: no rewrite rule, no pattern, no carrier code.
TEST_CASE("numbers: countries that skip Parse have a literal national prefix in the metadata") {
    using namespace i18n::phonenumbers;
    PhoneMetadataCollection collection;
    REQUIRE(collection.ParseFromArray(metadata_get(), metadata_size()));
    REQUIRE(collection.metadata_size() > 200);
    const auto regions = detail::regions_parsed_without_parse();
    REQUIRE_FALSE(regions.empty());
    for (const std::string_view region : regions) {
        INFO(region);
        const PhoneMetadata* found = nullptr;
        for (const auto& m : collection.metadata())
            if (m.id() == region) found = &m;
        REQUIRE(found);
        CHECK(found->national_prefix_transform_rule().empty());
        const std::string& parsing = found->national_prefix_for_parsing();
        CHECK(parsing.find_first_not_of("0123456789") == std::string::npos);
        std::string ndd;
        PhoneNumberUtil::GetInstance()->GetNddPrefixForRegion(std::string(region), true, &ndd);
        CHECK(parsing == ndd);
    }
}

// parse_number skips libphonenumber's Parse for "+CC…" of countries with a
// plain national prefix. Property: for numbers near every example number of
// those countries (and of countries with national-prefix rewrites, which must
// not take the shortcut), with and without a national prefix or a leading 0
// after the country code, and random digit strings, the answer is the one
// Parse gives: the same E.164 form and region, or the same error.
TEST_CASE("numbers: +CC numbers agree with libphonenumber's full Parse") {
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    const auto& util = *PhoneNumberUtil::GetInstance();
    std::mt19937 rng(20261123);
    const auto digit = [&] { return static_cast<char>('0' + rng() % 10); };
    const char* regions[] = {"AT", "BE", "CH", "CZ", "DE", "DK", "ES", "FR", "GB", "GR",
                             "IE", "IT", "NL", "NO", "PL", "PT", "RO", "SE",
                             // national-prefix rewrites, carrier codes, shared codes
                             "AR", "BR", "MX", "RU", "US", "HU", "FI", "CO", "JE"};
    const PhoneNumberUtil::PhoneNumberType types[] = {
        PhoneNumberUtil::FIXED_LINE, PhoneNumberUtil::MOBILE, PhoneNumberUtil::TOLL_FREE,
        PhoneNumberUtil::PREMIUM_RATE, PhoneNumberUtil::VOIP, PhoneNumberUtil::SHARED_COST,
        PhoneNumberUtil::UAN, PhoneNumberUtil::PAGER, PhoneNumberUtil::PERSONAL_NUMBER};
    int compared = 0, valid = 0;
    const auto compare = [&](const std::string& digits) {
        const auto reference = detail::check_international_with_parse(digits);
        const auto got = parse_number("+" + digits, "");
        INFO("+" << digits);
        REQUIRE(got.has_value() == reference.has_value());
        if (got)
            CHECK(*got == *reference);
        else
            CHECK(got.error() == reference.error());
        ++compared;
        valid += got.has_value();
    };
    for (const char* region : regions) {
        const std::string cc = std::to_string(util.GetCountryCodeForRegion(region));
        std::string ndd;
        util.GetNddPrefixForRegion(region, true, &ndd);
        for (auto type : types) {
            PhoneNumber example;
            if (!util.GetExampleNumberForType(region, type, &example)) continue;
            std::string nsn;
            util.GetNationalSignificantNumber(example, &nsn);
            for (int k = 0; k < 40; ++k) {
                std::string near = nsn;
                const std::size_t changed = 1 + rng() % std::min<std::size_t>(4, near.size());
                for (std::size_t i = near.size() - changed; i < near.size(); ++i) near[i] = digit();
                compare(cc + near);
                compare(cc + ndd + near);
                compare(cc + "0" + near);
                if (near.size() > 3) compare(cc + near.substr(0, near.size() - 1 - rng() % 3));
                compare(cc + near + digit());
            }
        }
        for (int k = 0; k < 100; ++k) {
            std::string random;
            const std::size_t length = 1 + rng() % 18;
            for (std::size_t i = 0; i < length; ++i) random += digit();
            compare(cc + random);
        }
    }
    INFO(compared << " compared, " << valid << " valid");
    CHECK(compared > 20000);
    CHECK(valid > compared / 5);  // the shortcut was exercised, not only the errors
}

TEST_CASE("numbers: what is too short to read says so, naming the country") {
    for (const char* input : {"0000", "0", "+49"}) {
        const auto r = normalize(input, "DE");
        INFO(input);
        REQUIRE_FALSE(r);
        CHECK(r.error().reason.find("too few digits after the country code or the national prefix") == 0);
    }
    CHECK(normalize("0", "DE").error().reason.find("for DE") != std::string::npos);
}
