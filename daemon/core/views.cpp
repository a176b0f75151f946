#include "daemon/core/views.hpp"

#include <cstdio>
#include <ctime>

#include "daemon/policy/cost.hpp"

namespace smsgw::core {

using nlohmann::json;

std::string format_time(store::Time t) {
    const std::int64_t ms = store::to_millis(t);
    std::int64_t secs = ms / 1000;
    std::int64_t frac = ms % 1000;
    if (frac < 0) {
        frac += 1000;
        secs -= 1;
    }
    const std::time_t tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(frac));
    return buf;
}

namespace {

json optional_time(const std::optional<store::Time>& t) {
    return t ? json(format_time(*t)) : json(nullptr);
}

}  // namespace

json money_json(std::int64_t micros, std::string_view currency, std::string_view name) {
    const std::string key(name);
    return {{key, policy::format_decimal(micros)},
            {key + "_micros", micros},
            {"currency", currency.empty() ? json(nullptr) : json(currency)}};
}

json message_json(const store::Message& m, bool with_text) {
    json j = {
        {"message_id", m.id},
        {"to", m.recipient},
        {"state", store::to_string(m.state)},
        {"encoding", m.encoding},
        {"category", m.category},
        {"priority", m.priority},
        {"segments", m.parts_total},
        {"report", m.report},
        {"modem", optional_json(m.modem)},
        {"requested_modem", optional_json(m.requested_modem)},
        {"idempotency_key", optional_json(m.idempotency_key)},
        {"error", optional_json(m.error)},
        {"not_before", format_time(m.not_before)},
        {"expires_at", optional_time(m.expires_at)},
        {"validity_minutes", optional_json(m.validity_minutes)},
        {"created_at", format_time(m.created_at)},
        {"updated_at", format_time(m.updated_at)},
    };
    j.update(money_json(m.cost, m.currency));
    if (with_text) j["text"] = m.text;
    return j;
}

json part_json(const store::Part& p) {
    return {
        {"seq", p.seq},
        {"state", store::to_string(p.state)},
        {"modem", optional_json(p.modem)},
        {"tp_mr", optional_json(p.tp_mr)},
        {"attempts", p.attempts},
        {"next_attempt_at", format_time(p.next_attempt_at)},
        {"error", optional_json(p.error)},
        {"sent_at", optional_time(p.sent_at)},
        {"delivered_at", optional_time(p.delivered_at)},
        {"status", optional_json(p.status)},
        {"pdu", p.pdu},
    };
}

json message_detail_json(const store::MessageDetail& d) {
    json j = message_json(d.message);
    json parts = json::array();
    for (const auto& p : d.parts) parts.push_back(part_json(p));
    j["parts"] = std::move(parts);
    return j;
}

json state_change_json(const store::StateChange& c) {
    return {
        {"entity", c.entity},
        {"id", c.entity_id},
        {"from", c.from ? json(store::to_string(*c.from)) : json(nullptr)},
        {"to", store::to_string(c.to)},
        {"at", format_time(c.at)},
        {"detail", optional_json(c.detail)},
    };
}

json inbound_json(const store::Inbound& i) {
    return {
        {"inbound_id", i.id},
        {"from", i.sender},
        {"text", i.text},
        {"encoding", optional_json(i.encoding)},
        {"keyword", optional_json(i.keyword)},
        {"modem", i.modem},
        {"received_at", format_time(i.received_at)},
        {"complete", i.complete},
        {"parts_total", i.parts_total},
        {"parts_received", i.parts_received},
        {"raw_pdus", i.raw_pdus},
    };
}

json optout_json(const store::OptOut& o) {
    return {
        {"number", o.number},
        {"keyword", optional_json(o.keyword)},
        {"note", optional_json(o.note)},
        {"at", format_time(o.at)},
        {"source", o.source},
        {"source_inbound_id", optional_json(o.source_inbound_id)},
        {"uid", optional_json(o.uid)},
        {"id", o.id},
    };
}

json modem_json(const drivers::ModemStatus& s) {
    const bool read = s.signal_at.has_value();
    const bool current = read && s.state == drivers::ModemState::ready;
    return {
        {"name", s.name},
        {"state", drivers::to_string(s.state)},
        {"port", s.port},
        {"manufacturer", s.manufacturer},
        {"model", s.model},
        {"firmware", s.firmware},
        {"imei", s.imei},
        {"imsi", s.imsi},
        {"iccid", s.iccid},
        {"operator", s.operator_name},
        {"registration", s.registration},
        {"signal_dbm", current ? optional_json(s.signal_dbm) : json(nullptr)},
        // +CSQ: 99 (not known or not detectable) has no dBm, and no bars either.
        {"signal_bars", current && s.signal_dbm ? json(s.signal_bars) : json(nullptr)},
        {"last_signal_dbm", read ? optional_json(s.signal_dbm) : json(nullptr)},
        {"last_signal_bars", read && s.signal_dbm ? json(s.signal_bars) : json(nullptr)},
        {"signal_at",
         read ? json(format_time(
                    std::chrono::time_point_cast<std::chrono::milliseconds>(*s.signal_at)))
              : json(nullptr)},
        {"smsc", s.smsc},
        {"storage", s.storage},
        {"storage_used", s.storage_used},
        {"storage_total", s.storage_total},
        {"last_error", s.last_error},
        {"last_error_text", s.last_error_text},
    };
}

}  // namespace smsgw::core
