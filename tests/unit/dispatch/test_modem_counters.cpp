// modem.list's SENT, TODAY and RECEIVED: the store's totals at start, counted
// on in memory, TODAY again from zero at local midnight.
#include <catch2/catch.hpp>

#include "daemon/dispatch/modem_counters.hpp"

using namespace smsgw;
using namespace smsgw::dispatch;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

// Noon of a local day, and the store's totals as Store::modem_totals gives them.
store::Time noon() {
    const LocalDay day = local_day(store::from_millis(1'780'000'000'000));
    return day.start + hours(12);
}

std::vector<store::ModemTotals> loaded() {
    return {{"office-1", 500, 120, 7}, {"office-2", 0, 0, 3}};
}

}  // namespace

TEST_CASE("modem counters start from the store's totals, not from zero", "[dispatch][modem]") {
    ModemCounters c;
    c.load(loaded(), noon());
    const ModemCount one = c.get("office-1", noon());
    CHECK(one.sent == 500);
    CHECK(one.sent_today == 120);
    CHECK(one.received == 7);
    CHECK(c.get("office-2", noon()).received == 3);
    // A modem the store never saw counts from zero.
    const ModemCount none = c.get("office-9", noon());
    CHECK(none.sent == 0);
    CHECK(none.received == 0);
}

TEST_CASE("modem counters count sends and receipts after the load", "[dispatch][modem]") {
    ModemCounters c;
    c.load(loaded(), noon());
    c.count_sent("office-1", noon() + minutes(1));
    c.count_sent("office-3", noon() + minutes(1));
    c.count_received("office-2");
    CHECK(c.get("office-1", noon() + minutes(2)).sent == 501);
    CHECK(c.get("office-1", noon() + minutes(2)).sent_today == 121);
    CHECK(c.get("office-3", noon() + minutes(2)).sent == 1);
    CHECK(c.get("office-2", noon() + minutes(2)).received == 4);
}

TEST_CASE("modem counters start TODAY again at local midnight", "[dispatch][modem]") {
    ModemCounters c;
    c.load(loaded(), noon());
    const store::Time tomorrow = local_day(noon()).next + minutes(5);
    // Asked after midnight: nothing was sent today yet; the totals stay.
    CHECK(c.get("office-1", tomorrow).sent_today == 0);
    CHECK(c.get("office-1", tomorrow).sent == 500);
    c.count_sent("office-1", tomorrow + minutes(1));
    CHECK(c.get("office-1", tomorrow + minutes(2)).sent_today == 1);
    CHECK(c.get("office-1", tomorrow + minutes(2)).sent == 501);

    // A send recorded after midnight before anyone asked starts the day too.
    ModemCounters d;
    d.load(loaded(), noon());
    d.count_sent("office-1", tomorrow);
    CHECK(d.get("office-1", tomorrow).sent_today == 1);
}
