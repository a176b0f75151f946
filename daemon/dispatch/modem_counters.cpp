#include "daemon/dispatch/modem_counters.hpp"

namespace smsgw::dispatch {

void ModemCounters::load(const std::vector<store::ModemTotals>& totals, store::Time now) {
    counts_.clear();
    day_ = days_.at(now).number;
    for (const store::ModemTotals& t : totals)
        counts_[t.modem] = ModemCount{t.sent, t.sent_since, t.received};
}

void ModemCounters::roll_to(store::Time now) {
    const std::int64_t day = days_.at(now).number;
    if (day == day_) return;
    day_ = day;
    for (auto& [name, count] : counts_) count.sent_today = 0;
}

ModemCount& ModemCounters::of(std::string_view modem) {
    auto it = counts_.find(modem);
    if (it == counts_.end()) it = counts_.emplace(std::string(modem), ModemCount{}).first;
    return it->second;
}

void ModemCounters::count_sent(std::string_view modem, store::Time at) {
    roll_to(at);
    ModemCount& c = of(modem);
    ++c.sent;
    ++c.sent_today;
}

void ModemCounters::count_received(std::string_view modem) {
    ++of(modem).received;
}

ModemCount ModemCounters::get(std::string_view modem, store::Time now) {
    roll_to(now);
    const auto it = counts_.find(modem);
    return it == counts_.end() ? ModemCount{} : it->second;
}

}  // namespace smsgw::dispatch
