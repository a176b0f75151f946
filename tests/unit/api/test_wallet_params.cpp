// wallet.get, wallet.topup and wallet.withdraw against the op table: paging bounds, the least
// roles, and money — amounts as exact decimal strings or whole integers, each
// refusal naming `amount` and saying what was expected.
#include <climits>

#include "api_test_util.hpp"
#include "daemon/api/amount.hpp"
#include "daemon/api/client.hpp"

using namespace smsgw::api;
using smsgw::api::test::parsed;
using smsgw::api::test::refused;

namespace {

std::int64_t topup_micros(const std::string& amount_json) {
    return parsed<WalletTopupParams>(R"({"id":1,"op":"wallet.topup","amount":)" + amount_json + "}")
        .amount.micros;
}

Error topup_refused(const std::string& amount_json) {
    return refused(R"({"id":1,"op":"wallet.topup","amount":)" + amount_json + "}");
}

}  // namespace

TEST_CASE("wallet.get defaults to the balance and the 20 newest ledger entries") {
    const auto p = parsed<WalletGetParams>(R"({"id":1,"op":"wallet.get"})");
    CHECK(p.ledger_limit == 20);
    CHECK_FALSE(p.before_id);
    const auto page =
        parsed<WalletGetParams>(R"({"id":1,"op":"wallet.get","ledger_limit":0,"before_id":31})");
    CHECK(page.ledger_limit == 0);
    CHECK(page.before_id == 31);
    CHECK(
        parsed<WalletGetParams>(R"({"id":1,"op":"wallet.get","ledger_limit":1000})").ledger_limit ==
        1000);
}

TEST_CASE("wallet.get refuses limits and ids out of range, naming the field") {
    const Error big = refused(R"({"id":1,"op":"wallet.get","ledger_limit":1001})");
    CHECK(big.code == ErrorCode::bad_request);
    CHECK(big.field == "ledger_limit");
    CHECK(big.message == "ledger_limit: expected an integer in 0..1000, found the number 1001");
    CHECK(refused(R"({"id":1,"op":"wallet.get","ledger_limit":-1})").field == "ledger_limit");
    CHECK(refused(R"({"id":1,"op":"wallet.get","ledger_limit":"5"})").field == "ledger_limit");
    CHECK(refused(R"({"id":1,"op":"wallet.get","before_id":0})").field == "before_id");
    CHECK(refused(R"({"id":1,"op":"wallet.get","ledger_limt":5})").message ==
          "ledger_limt: unknown parameter for wallet.get; did you mean `ledger_limit`?");
}

TEST_CASE("the wallet is an admin's: wallet.get and wallet.topup") {
    CHECK(parse_request(R"({"id":1,"op":"wallet.get"})", Role::admin).has_value());
    for (const Role role : {Role::member, Role::manager}) {
        auto refused = parse_request(R"({"id":1,"op":"wallet.get"})", role);
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().error.code == ErrorCode::forbidden);
    }
    // The role is checked before the parameters: a manager learns nothing of them.
    auto manager = parse_request(R"({"id":2,"op":"wallet.topup","amount":"x"})", Role::manager);
    REQUIRE_FALSE(manager.has_value());
    CHECK(manager.error().id == "2");
    CHECK(manager.error().error.code == ErrorCode::forbidden);
    CHECK(manager.error().error.message ==
          "wallet.topup needs the admin role; the caller is manager");
    CHECK(parse_request(R"({"id":1,"op":"wallet.topup","amount":"5"})", Role::admin).has_value());
}

TEST_CASE("wallet.topup reads decimal strings exactly, in micro-units") {
    CHECK(topup_micros(R"("10.50")") == 10'500'000);
    CHECK(topup_micros(R"("10.5")") == 10'500'000);
    CHECK(topup_micros(R"("7")") == 7'000'000);
    CHECK(topup_micros(R"("0.000001")") == 1);
    CHECK(topup_micros(R"("0.1")") == 100'000);
    CHECK(topup_micros(R"("19.99")") == 19'990'000);
    CHECK(topup_micros(R"("007.250")") == 7'250'000);
    CHECK(topup_micros(R"("999999999999.999999")") == max_amount_micros);
    const auto p = parsed<WalletTopupParams>(
        R"({"id":1,"op":"wallet.topup","amount":"25","reason":"invoice 2024-117"})");
    CHECK(p.reason == "invoice 2024-117");
    CHECK_FALSE(parsed<WalletTopupParams>(R"({"id":1,"op":"wallet.topup","amount":"1"})").reason);
}

TEST_CASE("wallet.topup takes a whole JSON integer as major units") {
    CHECK(topup_micros("10") == 10'000'000);
    CHECK(topup_micros("1") == 1'000'000);
    CHECK(topup_micros("999999999999") == 999'999'999'999'000'000);
}

TEST_CASE("wallet.topup refuses a JSON number with a fraction, and says why") {
    for (const char* amount : {"10.5", "0.1", "1e3", "10.0"}) {
        INFO(amount);
        const Error e = topup_refused(amount);
        CHECK(e.code == ErrorCode::bad_request);
        CHECK(e.field == "amount");
        CHECK(e.message.find("write amounts as strings") != std::string::npos);
    }
    CHECK(topup_refused("10.5").message ==
          "amount: expected a decimal string such as \"10.50\" or a whole number, found the "
          "number 10.5 (write amounts as strings: a JSON number with a fraction is binary "
          "floating point and may not be the amount meant)");
}

TEST_CASE("wallet.topup refuses malformed decimal strings, naming amount") {
    const std::string format =
        "expected a decimal string such as \"10.50\" (digits and at most one '.', no sign)";
    for (const char* amount :
         {R"("10,50")", R"("")", R"(" 5")", R"("5 ")", R"("-5")", R"("+5")", R"(".5")", R"("5.")",
          R"("1.2.3")", R"("1e3")", R"("EUR 5")", R"("5€")", R"("1_000")", R"("NaN")"}) {
        INFO(amount);
        const Error e = topup_refused(amount);
        CHECK(e.code == ErrorCode::bad_request);
        CHECK(e.field == "amount");
        CHECK(e.message.find(format) != std::string::npos);
    }
    CHECK(topup_refused(R"("10,50")").message == "amount: " + format + ", found \"10,50\"");
    CHECK(topup_refused(R"("1.1234567")").message ==
          "amount: expected at most 6 decimals, found \"1.1234567\"");
    CHECK(topup_refused(R"("1000000000000")").message ==
          "amount: expected an amount of at most 999999999999.999999, found \"1000000000000\"");
}

TEST_CASE("wallet.topup amounts must be above zero and below 10^12") {
    const std::string range = "expected an amount from 0.000001 to 999999999999.999999";
    for (const char* amount : {R"("0")", R"("0.00")", R"("0.0000000")", "0", "-5", "1000000000000",
                               "18446744073709551615", "-9223372036854775808"}) {
        INFO(amount);
        const Error e = topup_refused(amount);
        CHECK(e.field == "amount");
        // "0.0000000" has too many decimals before it is zero; both name the field.
        if (std::string(amount) != R"("0.0000000")")
            CHECK(e.message.find(range) != std::string::npos);
    }
    CHECK(topup_refused("0").message == "amount: " + range + ", found the number 0");
}

TEST_CASE("wallet.topup refuses other types, a missing amount and bad reasons") {
    for (const char* amount : {"true", "[1]", R"({"micros":5})"}) {
        INFO(amount);
        CHECK(topup_refused(amount).field == "amount");
    }
    const Error missing = refused(R"({"id":1,"op":"wallet.topup","reason":"x"})");
    CHECK(missing.field == "amount");
    CHECK(missing.message == "amount: required parameter is missing");
    CHECK(topup_refused("null").field == "amount");
    CHECK(refused(R"({"id":1,"op":"wallet.topup","amount":"5","reason":""})").field == "reason");
    CHECK(refused(R"({"id":1,"op":"wallet.topup","amount":"5","reason":")" + std::string(201, 'r') +
                  "\"}")
              .field == "reason");
    CHECK(parsed<WalletTopupParams>(R"({"id":1,"op":"wallet.topup","amount":"5","reason":")" +
                                    std::string(200, 'r') + "\"}")
              .reason->size() == 200);
    CHECK(refused(R"({"id":1,"op":"wallet.topup","amout":"5"})").message ==
          "amout: unknown parameter for wallet.topup; did you mean `amount`?");
}

TEST_CASE("the client helper writes amounts as exact decimal strings") {
    CHECK(request_line(make_request(5, WalletTopupParams{Amount{10'500'000}, "cash"})) ==
          "{\"id\":5,\"op\":\"wallet.topup\",\"amount\":\"10.5\",\"reason\":\"cash\"}\n");
    CHECK(request_line(make_request(6, WalletTopupParams{Amount{1}, std::nullopt})) ==
          "{\"id\":6,\"op\":\"wallet.topup\",\"amount\":\"0.000001\"}\n");
    CHECK(request_line(make_request(7, WalletGetParams{})) == "{\"id\":7,\"op\":\"wallet.get\"}\n");
    CHECK(request_line(make_request(8, WalletGetParams{0, 40})) ==
          "{\"id\":8,\"op\":\"wallet.get\",\"before_id\":40,\"ledger_limit\":0}\n");
}

TEST_CASE("format_amount and parse_amount agree on every form") {
    CHECK(format_amount(0) == "0");
    CHECK(format_amount(10'500'000) == "10.5");
    CHECK(format_amount(7'000'000) == "7");
    CHECK(format_amount(3'500) == "0.0035");
    CHECK(format_amount(-90'000) == "-0.09");
    CHECK(format_amount(max_amount_micros) == "999999999999.999999");
    CHECK(format_amount(INT64_MIN) == "-9223372036854.775808");
    for (std::int64_t micros :
         {std::int64_t{1}, std::int64_t{10}, std::int64_t{999'999}, std::int64_t{1'000'000},
          std::int64_t{123'456'789}, max_amount_micros}) {
        INFO(micros);
        const auto back = parse_amount(format_amount(micros));
        REQUIRE(back.has_value());
        CHECK(*back == micros);
    }
}

TEST_CASE("wallet.withdraw is an admin's and reads its amount as a top-up's") {
    const auto p = parsed<WalletWithdrawParams>(
        R"({"id":1,"op":"wallet.withdraw","amount":"1.95","reason":"paid back"})");
    CHECK(p.amount.micros == 1'950'000);
    CHECK(p.reason == "paid back");
    CHECK(parsed<WalletWithdrawParams>(R"({"id":1,"op":"wallet.withdraw","amount":2})")
              .amount.micros == 2'000'000);
    // No negative amounts, no zero: a withdrawal says its direction by its op.
    for (const char* amount : {R"("-1")", R"("0")", "0", "-1"}) {
        INFO(amount);
        CHECK(refused(std::string(R"({"id":1,"op":"wallet.withdraw","amount":)") + amount + "}")
                  .field == "amount");
    }
    CHECK(refused(R"({"id":1,"op":"wallet.withdraw"})").field == "amount");
    auto manager = parse_request(R"({"id":2,"op":"wallet.withdraw","amount":"1"})", Role::manager);
    REQUIRE_FALSE(manager.has_value());
    CHECK(manager.error().error.code == ErrorCode::forbidden);
    CHECK(request_line(make_request(3, WalletWithdrawParams{Amount{1'950'000}, std::nullopt})) ==
          "{\"id\":3,\"op\":\"wallet.withdraw\",\"amount\":\"1.95\"}\n");
}
