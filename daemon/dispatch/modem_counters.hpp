// modem.list's SENT, TODAY and RECEIVED: what each modem did as the store
// keeps it, not since the daemon started. The store's totals are read once at
// start (Store::modem_totals) and every part sent and message received after
// that is counted here, so modem.list reads memory only. TODAY is the local
// day that max_per_day counts in (local_day.hpp): it starts again from zero at
// local midnight. Pure: the caller passes the times; one thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/dispatch/local_day.hpp"
#include "daemon/store/types.hpp"

namespace smsgw::dispatch {

struct ModemCount {
    std::int64_t sent = 0;        // parts the network took
    std::int64_t sent_today = 0;  // of those, since local midnight
    std::int64_t received = 0;    // inbound messages
};

class ModemCounters {
  public:
    // The store's totals, their sent_since counted from the start of the local
    // day of `now`. Replaces what was counted before.
    void load(const std::vector<store::ModemTotals>& totals, store::Time now);
    void count_sent(std::string_view modem, store::Time at);
    void count_received(std::string_view modem);
    ModemCount get(std::string_view modem, store::Time now);

  private:
    // A new local day: nothing is sent in it yet.
    void roll_to(store::Time now);
    ModemCount& of(std::string_view modem);

    LocalDayCache days_;
    std::int64_t day_ = -1;
    std::map<std::string, ModemCount, std::less<>> counts_;
};

}  // namespace smsgw::dispatch
