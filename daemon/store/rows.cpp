// Row readers for the column lists of rows.hpp.
#include "daemon/store/rows.hpp"

namespace smsgw::store::rows {

State state(const Statement& st, int column) {
    auto name = st.text(column);
    auto s = state_from_string(name);
    if (!s) throw StoreError("unknown state in database: " + name);
    return *s;
}

std::optional<Time> optional_time(const Statement& st, int column) {
    if (st.is_null(column)) return std::nullopt;
    return from_millis(st.int64(column));
}

std::optional<int> optional_int(const Statement& st, int column) {
    if (st.is_null(column)) return std::nullopt;
    return static_cast<int>(st.int64(column));
}

std::string json_array(std::span<const std::string> items) {
    std::string out = "[";
    for (const auto& item : items) {
        if (out.size() > 1) out += ',';
        out += '"';
        for (char c : item) {
            if (c == '"' || c == '\\') out += '\\';
            if (static_cast<unsigned char>(c) >= 0x20)
                out += c;  // PDUs and prefixes have no controls
        }
        out += '"';
    }
    return out + "]";
}

std::string json_array(std::span<const std::int64_t> ids) {
    std::string out = "[";
    for (const std::int64_t id : ids) {
        if (out.size() > 1) out += ',';
        out += std::to_string(id);
    }
    return out + "]";
}

Message message(const Statement& st) {
    Message m;
    m.id = st.int64(0);
    m.recipient = st.text(1);
    m.text = st.text(2);
    m.encoding = st.text(3);
    m.category = st.text(4);
    m.priority = static_cast<int>(st.int64(5));
    m.not_before = from_millis(st.int64(6));
    m.expires_at = optional_time(st, 7);
    m.report = st.int64(8) != 0;
    m.validity_minutes = optional_int(st, 9);
    m.requested_modem = st.optional_text(10);
    m.modem = st.optional_text(11);
    m.idempotency_key = st.optional_text(12);
    m.state = state(st, 13);
    m.error = st.optional_text(14);
    m.cost = st.int64(15);
    m.created_at = from_millis(st.int64(16));
    m.updated_at = from_millis(st.int64(17));
    m.caller_uid = st.optional_int64(18);
    m.parts_total = static_cast<int>(st.int64(19));
    m.currency = st.text(20);
    m.sim = st.optional_text(21);
    return m;
}

Part part(const Statement& st) {
    Part p;
    p.id = st.int64(0);
    p.message_id = st.int64(1);
    p.seq = static_cast<int>(st.int64(2));
    p.total = static_cast<int>(st.int64(3));
    p.pdu = st.text(4);
    p.tpdu_length = static_cast<int>(st.int64(5));
    p.state = state(st, 6);
    p.modem = st.optional_text(7);
    p.tp_mr = optional_int(st, 8);
    p.attempts = static_cast<int>(st.int64(9));
    p.next_attempt_at = from_millis(st.int64(10));
    p.error = st.optional_text(11);
    p.sent_at = optional_time(st, 12);
    p.delivered_at = optional_time(st, 13);
    p.status = optional_int(st, 14);
    p.concat_ref = optional_int(st, 15);
    p.written = st.int64(16) != 0;
    return p;
}

Fragment fragment(const Statement& st) {
    Fragment f;
    f.id = st.int64(0);
    f.modem = st.text(1);
    f.sender = st.text(2);
    f.ref = static_cast<int>(st.int64(3));
    f.total = static_cast<int>(st.int64(4));
    f.seq = static_cast<int>(st.int64(5));
    f.text = st.text(6);
    f.pdu = st.text(7);
    f.received_at = from_millis(st.int64(8));
    return f;
}

OptOut optout(const Statement& st) {
    OptOut o;
    o.id = st.int64(0);
    o.number = st.text(1);
    o.keyword = st.optional_text(2);
    o.at = from_millis(st.int64(3));
    o.source_inbound_id = st.optional_int64(4);
    o.source = st.text(5);
    o.note = st.optional_text(6);
    o.uid = st.optional_int64(7);
    return o;
}

}  // namespace smsgw::store::rows
