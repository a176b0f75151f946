// The +CME/+CMS error table and final-result recognition: numeric and verbose
// forms reach the same entry, unknown codes keep their number.
#include <catch2/catch.hpp>

#include <set>
#include <utility>

#include "drivers/at/error_table.hpp"
#include "drivers/at/final_result.hpp"

using namespace smsgw::at;

namespace {
ModemError final_error(std::string_view line, std::string_view vendor = {}) {
    const auto final = parse_final_result(line, vendor);
    REQUIRE(final);
    REQUIRE_FALSE(final->success);
    REQUIRE(final->error);
    return *final->error;
}
}  // namespace

TEST_CASE("final results: OK, CONNECT and V.250 failures") {
    CHECK(parse_final_result("OK")->success);
    CHECK(parse_final_result("ok")->success);
    CHECK(parse_final_result("CONNECT 115200")->success);
    CHECK(final_error("ERROR").entry().name == "error");
    CHECK(final_error("NO CARRIER").entry().name == "no_carrier");
    CHECK(final_error("BUSY").entry().name == "busy");
    CHECK(final_error("NO ANSWER").entry().name == "no_answer");
    CHECK(final_error("NO DIALTONE").entry().name == "no_dialtone");
    CHECK_FALSE(parse_final_result("+CSQ: 20,99"));
    CHECK_FALSE(parse_final_result("OKAY"));
    CHECK_FALSE(parse_final_result(""));
}

TEST_CASE("Huawei E1752 answers unknown commands with COMMAND NOT SUPPORT") {
    const auto e = final_error("COMMAND NOT SUPPORT");
    CHECK(e.entry().name == "command_not_supported");
    CHECK(e.entry().error_class == ErrorClass::permanent);
    CHECK(final_error("TOO MANY PARAMETERS").entry().name == "too_many_parameters");
}

TEST_CASE("+CME ERROR numeric and verbose forms reach the same entry") {
    const auto numeric = final_error("+CME ERROR: 10");
    const auto verbose = final_error("+CME ERROR: SIM not inserted");
    CHECK(numeric.code == 10);
    CHECK(verbose.code == 10);
    CHECK(&numeric.entry() == &verbose.entry());
    CHECK(numeric.entry().name == "sim_not_inserted");
    CHECK(numeric.entry().error_class == ErrorClass::modem);
    CHECK_FALSE(numeric.entry().hint.empty());
    // case and punctuation vary between firmware
    CHECK(final_error("+CME ERROR: sim PIN required").code == 11);
    CHECK(final_error("+CME ERROR: Network not allowed, emergency calls only").code == 32);
    CHECK(final_error("+CME ERROR:16").entry().name == "incorrect_password");
    CHECK(final_error("+CME ERROR: \"incorrect password\"").code == 16);
}

TEST_CASE("+CME ERROR: raspberry keeps the words and gets the generic entry") {
    const auto e = final_error("+CME ERROR: raspberry");
    CHECK(e.domain == ErrorDomain::cme);
    CHECK(e.code == -1);
    CHECK(e.detail == "raspberry");
    CHECK(e.known == nullptr);
    CHECK(e.entry().name == "cme_unknown");
    CHECK(e.to_string() == "+CME ERROR cme_unknown: raspberry");
}

TEST_CASE("+CMS ERROR codes of TS 27.005 and the RP causes of TS 24.011") {
    CHECK(final_error("+CMS ERROR: 321").entry().name == "invalid_memory_index");
    CHECK(final_error("+CMS ERROR: 322").entry().error_class == ErrorClass::modem);
    CHECK(final_error("+CMS ERROR: 330").entry().name == "smsc_address_unknown");
    CHECK(final_error("+CMS ERROR: 500").entry().name == "unknown_error");
    CHECK(final_error("+CMS ERROR: 1").entry().error_class == ErrorClass::permanent);
    CHECK(final_error("+CMS ERROR: 8").entry().name == "operator_determined_barring");
    CHECK(final_error("+CMS ERROR: 38").entry().error_class == ErrorClass::temporary);
    CHECK(final_error("+CMS ERROR: 42").entry().name == "congestion");
    CHECK(final_error("+CMS ERROR: invalid memory index").code == 321);
    CHECK(final_error("+CMS ERROR: SIM not inserted").code ==
          310);  // alias of "(U)SIM not inserted"
    CHECK(final_error("+CMS ERROR: (U)SIM busy").code == 314);
}

TEST_CASE("Telit GE865 +CMS ERROR: 314 while the SIM starts is temporary") {
    const auto e = final_error("+CMS ERROR: 314");
    CHECK(e.entry().name == "sim_busy");
    CHECK(e.entry().error_class == ErrorClass::temporary);
}

TEST_CASE("manufacturer-specific +CMS codes depend on the vendor") {
    CHECK(final_error("+CMS ERROR: 517", "simcom").entry().name == "sm_bl_not_ready");
    CHECK(final_error("+CMS ERROR: 512", "wavecom").entry().name == "mm_establishment_failure");
    CHECK(final_error("+CMS ERROR: 512", "simcom").entry().name == "sim_not_ready");
    const auto unknown = final_error("+CMS ERROR: 518");
    CHECK(unknown.code == 518);
    CHECK(unknown.entry().name == "cms_vendor_specific");
    CHECK(unknown.to_string() == "+CMS ERROR 518 cms_vendor_specific: 518");
    const auto odd = final_error("+CMS ERROR: 399");
    CHECK(odd.entry().name == "cms_unknown");
}

TEST_CASE("error table: unique keys, texts and names") {
    std::set<std::pair<int, std::string>> keys;
    for (const auto& e : error_table()) {
        CHECK_FALSE(e.name.empty());
        CHECK_FALSE(e.text.empty());
        const std::string key = std::string(to_string(e.domain)) + "/" + std::string(e.vendor) +
                                "/" + (e.code >= 0 ? std::to_string(e.code) : std::string(e.text));
        INFO(key);
        CHECK(keys.insert({e.code, key}).second);
        // Every verbose text finds its own row (vendor rows excepted: same code, other vendors)
        if (e.vendor.empty()) CHECK(find_error_text(e.domain, e.text) == &e);
    }
    CHECK(to_string(ErrorClass::temporary) == "temporary");
    CHECK(to_string(ErrorDomain::cms) == "cms");
}
