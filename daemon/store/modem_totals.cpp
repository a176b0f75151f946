// modem.list's counters survive a restart: what each modem sent (in total and
// since the local midnight that max_per_day counts from) and received, counted
// from the store once at start. Each count is a scan of an index that holds
// what it needs (parts_report, inbound_modem), never of the tables, whose rows
// carry PDUs and texts.
#include <map>

#include "daemon/store/sqlite.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::store {

std::vector<ModemTotals> Store::modem_totals(Time since) {
    std::map<std::string, ModemTotals> by_modem;
    const auto of = [&](std::string name) -> ModemTotals& {
        ModemTotals& t = by_modem[name];
        t.modem = std::move(name);
        return t;
    };
    // A TP-MR marks a part the network took (mark_sent), as in sent_count().
    Statement sent = db_->prepare(
        "SELECT modem, count(*), sum(sent_at >= ?) FROM parts "
        "WHERE tp_mr IS NOT NULL AND modem IS NOT NULL GROUP BY modem");
    sent.bind(1, to_millis(since));
    while (sent.step()) {
        ModemTotals& t = of(sent.text(0));
        t.sent = sent.int64(1);
        t.sent_since = sent.int64(2);
    }
    Statement received = db_->prepare("SELECT modem, count(*) FROM inbound GROUP BY modem");
    while (received.step()) of(received.text(0)).received = received.int64(1);

    std::vector<ModemTotals> out;
    out.reserve(by_modem.size());
    for (auto& [name, totals] : by_modem) out.push_back(std::move(totals));
    return out;
}

}  // namespace smsgw::store
