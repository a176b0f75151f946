// The JSON of records as modem.list, modem.* events and message.get show
// them: a modem that is not ready shows no signal as current, only its last
// reading and when it was taken; a message's cost goes with its currency.
#include <catch2/catch.hpp>

#include "daemon/core/views.hpp"

using namespace smsgw;
using nlohmann::json;

namespace {

drivers::ModemStatus read_at(drivers::ModemState state) {
    drivers::ModemStatus s;
    s.name = "office-1";
    s.state = state;
    s.signal_dbm = -71;
    s.signal_bars = 4;
    s.signal_at =
        std::chrono::system_clock::time_point(std::chrono::milliseconds(1'780'000'000'123));
    return s;
}

}  // namespace

TEST_CASE("modem views: a ready modem's signal is current, with when it was read") {
    const json j = core::modem_json(read_at(drivers::ModemState::ready));
    CHECK(j["signal_dbm"] == -71);
    CHECK(j["signal_bars"] == 4);
    CHECK(j["last_signal_dbm"] == -71);
    CHECK(j["last_signal_bars"] == 4);
    CHECK(j["signal_at"] == "2026-05-28T20:26:40.123Z");
}

TEST_CASE("modem views: a signal the modem cannot measure (+CSQ: 99) has no bars either") {
    auto s = read_at(drivers::ModemState::ready);
    s.signal_dbm.reset();
    s.signal_bars = 0;
    const json j = core::modem_json(s);
    CHECK(j["signal_dbm"].is_null());
    CHECK(j["signal_bars"].is_null());
    CHECK(j["last_signal_dbm"].is_null());
    CHECK(j["last_signal_bars"].is_null());
    CHECK(j["signal_at"] == "2026-05-28T20:26:40.123Z");
}

TEST_CASE("modem views: a modem that is not ready shows its last signal as the last, not now") {
    for (const auto state : {drivers::ModemState::down, drivers::ModemState::failed,
                             drivers::ModemState::recovering, drivers::ModemState::registering,
                             drivers::ModemState::opening, drivers::ModemState::stopped}) {
        INFO(drivers::to_string(state));
        const json j = core::modem_json(read_at(state));
        CHECK(j["signal_dbm"].is_null());
        CHECK(j["signal_bars"].is_null());
        CHECK(j["last_signal_dbm"] == -71);
        CHECK(j["last_signal_bars"] == 4);
        CHECK(j["signal_at"] == "2026-05-28T20:26:40.123Z");
    }
}

TEST_CASE("modem views: a modem never read has no signal, current or last") {
    drivers::ModemStatus s;
    s.state = drivers::ModemState::ready;
    const json j = core::modem_json(s);
    CHECK(j["signal_dbm"].is_null());
    CHECK(j["signal_bars"].is_null());
    CHECK(j["last_signal_dbm"].is_null());
    CHECK(j["signal_at"].is_null());
}

TEST_CASE("message views: the cost as a decimal with its currency, as send answers it") {
    store::Message m;
    m.id = 5;
    m.cost = 180'000;
    m.currency = "PLN";  // the one it was priced in, whatever sms.currency says now
    const json j = core::message_json(m);
    CHECK(j["cost"] == "0.18");
    CHECK(j["cost_micros"] == 180'000);
    CHECK(j["currency"] == "PLN");
    // A row that knows none (a test's) says so rather than guess.
    CHECK(core::message_json(store::Message{})["currency"].is_null());
    CHECK(core::money_json(180'000, "EUR") ==
          json{{"cost", "0.18"}, {"cost_micros", 180'000}, {"currency", "EUR"}});
}

TEST_CASE("opt-out views: who added an entry by hand, none for a keyword's") {
    store::OptOut by_hand;
    by_hand.number = "+4917612345678";
    by_hand.uid = 1000;
    CHECK(core::optout_json(by_hand)["uid"] == 1000);
    store::OptOut keyword;
    keyword.source = "keyword";
    keyword.source_inbound_id = 7;
    CHECK(core::optout_json(keyword)["uid"].is_null());
}
