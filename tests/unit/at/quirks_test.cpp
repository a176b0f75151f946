// The quirk table and the timer table: lookups by +CGMI/+CGMM, the +CNMI fallback
// choice, and that every row says where it comes from and why.
#include <catch2/catch.hpp>

#include "drivers/at/quirks.hpp"
#include "drivers/at/timers.hpp"

using namespace smsgw::at;

TEST_CASE("quirks are found by +CGMI answers as devices give them") {
    CHECK(find_quirks("huawei", "E1752").name == "huawei");
    CHECK(find_quirks("ZTE INCORPORATED", "K3565-Z").name == "zte");
    CHECK(find_quirks("QUALCOMM INCORPORATED", "M6280").name == "qualcomm");
    CHECK(find_quirks(" WAVECOM MODEM", " MULTIBAND  900E  1800").name == "wavecom");
    CHECK(find_quirks("Nokia", "Nokia N79").name == "nokia");
    CHECK(find_quirks("SIMCOM_Ltd", "SIMCOM_SIM800").name == "simcom");
    CHECK(find_quirks("Quectel", "EC25").name == "quectel");
    CHECK(find_quirks("Telit", "LE910").name == "telit");
    CHECK(find_quirks("Sierra Wireless, Incorporated", "MC7710").name == "sierra");
    CHECK(find_quirks("SIEMENS", "MC35i").name == "siemens");
    CHECK(find_quirks("Acme", "X1").name == "generic");
    CHECK(&find_quirks("", "") == &generic_quirks());
}

TEST_CASE("quirk rows are complete and explained") {
    for (const auto& q : quirk_table()) {
        INFO(q.name);
        CHECK_FALSE(q.devices.empty());
        CHECK(q.iccid_command.starts_with("AT"));
        CHECK((q.storage_index_base == 0 || q.storage_index_base == 1));
        REQUIRE_FALSE(q.cnmi_candidates.empty());
        for (const auto& step : q.cnmi_candidates) {
            CHECK(step.command.starts_with("AT+CNMI="));
            CHECK_FALSE(step.why.empty());
        }
        for (const auto& step : q.init) CHECK_FALSE(step.why.empty());
    }
    CHECK(find_quirks("huawei", "").init.front().command == "AT^CURC=0");
    CHECK(find_quirks("huawei", "").pin_retries_command == "AT^CPIN?");
    CHECK(find_quirks("Quectel", "").iccid_command == "AT+QCCID");
    CHECK_FALSE(find_quirks("Nokia", "").sms_storage);
}

TEST_CASE("the +CNMI candidate follows what +CNMI=? offers") {
    const auto& steps = generic_quirks().cnmi_candidates;
    // gammu at-cnmi/01.dump: <ds> only 0-1
    auto support = parse_cnmi_test("+CNMI: (2),(0-1,3),(0,2),(0-1),(0)");
    REQUIRE(support);
    auto pick = choose_cnmi(steps, *support);
    REQUIRE(pick);
    CHECK(pick->command == "AT+CNMI=2,1,0,1,0");
    // gammu at-cnmi/03.dump: all modes, <ds> 0-1
    support = parse_cnmi_test("+CNMI:(0-3),(0-3),(0-3),(0,1),(0,1)");
    pick = choose_cnmi(steps, *support);
    REQUIRE(pick);
    CHECK(pick->command == "AT+CNMI=2,1,0,1,0");
    // a modem offering <ds>=2 gets the first choice
    support = parse_cnmi_test("+CNMI: (0-2),(0-3),(0,2),(0-2),(0-1)");
    pick = choose_cnmi(steps, *support);
    REQUIRE(pick);
    CHECK(pick->command == "AT+CNMI=2,1,0,2,0");
    // <mode> 0-1 only (older phones)
    support = parse_cnmi_test("+CNMI: (0,1),(0-3),(0),(0-2),(0)");
    pick = choose_cnmi(steps, *support);
    REQUIRE(pick);
    CHECK(pick->command == "AT+CNMI=1,1,0,2,0");
    // gammu at-cnmi/02.dump: <mt> 0,1,3 and <ds> 0,1
    support = parse_cnmi_test("+CNMI: (0-2),(0,1,3),(0),(0,1),(0,1)");
    pick = choose_cnmi(steps, *support);
    REQUIRE(pick);
    CHECK(pick->command == "AT+CNMI=2,1,0,1,0");
    // nothing fits
    support = parse_cnmi_test("+CNMI: (0),(0),(0),(0),(0)");
    CHECK_FALSE(choose_cnmi(steps, *support));
}

TEST_CASE("session_config carries vendor, noise and prompt delay") {
    const auto cfg = session_config(find_quirks("SIMCOM_Ltd", ""));
    CHECK(cfg.vendor == "simcom");
    CHECK(cfg.timers.get(TimerId::prompt_delay) == Millis(50));
    CHECK(cfg.timers.get(TimerId::send) == Millis(120000));
    const auto hw = session_config(find_quirks("huawei", ""));
    CHECK(std::find(hw.noise.begin(), hw.noise.end(), UrcKind::huawei_rssi) != hw.noise.end());
}

TEST_CASE("timer table: one row per timer with a reason") {
    for (const auto& t : timer_table()) {
        INFO(t.name);
        CHECK(&timer_def(t.id) == &t);
        CHECK(t.name.starts_with("T-"));
        CHECK_FALSE(t.description.empty());
        CHECK_FALSE(to_string(t.id) == "?");
    }
    const Timers defaults;
    CHECK(defaults.get(TimerId::command) == Millis(5000));
    CHECK(defaults.get(TimerId::quiet) == Millis(500));
    CHECK(to_string(TimerUnit::s) == "s");
}
