// JSON rendering for `smsgw-diag pdu encode|decode --json` (DESIGN.md contract).
#include "tools/diag/pdu_json.hpp"

namespace smsgw::diag {
namespace {

using nlohmann::json;

json concat_json(const std::optional<pdu::UserDataHeader>& header) {
    if (!header || !header->concat) return nullptr;
    const auto& c = *header->concat;
    return json{{"ref", c.reference}, {"total", c.total}, {"seq", c.sequence}};
}

void add_user_data(json& out, const pdu::DataCoding& coding, const pdu::UserData& ud) {
    out["text"] = ud.text;
    out["encoding"] = pdu::to_string(coding.alphabet);
    out["concat"] = concat_json(ud.header);
}

}  // namespace

json pdu_to_json(const pdu::Pdu& p) {
    json out;
    out["type"] = pdu::type_name(p.tpdu);
    out["smsc"] = p.smsc ? json(p.smsc->display()) : json(nullptr);
    if (const auto* d = std::get_if<pdu::SmsDeliver>(&p.tpdu)) {
        out["from"] = d->originator.display();
        add_user_data(out, d->coding, d->user_data);
        out["timestamp"] = d->service_centre_time.to_iso8601();
    } else if (const auto* s = std::get_if<pdu::SmsSubmit>(&p.tpdu)) {
        out["to"] = s->destination.display();
        add_user_data(out, s->coding, s->user_data);
    } else if (const auto* r = std::get_if<pdu::SmsStatusReport>(&p.tpdu)) {
        out["recipient"] = r->recipient.display();
        out["status"] = r->status;
        out["message_reference"] = r->message_reference;
        out["timestamp"] = r->service_centre_time.to_iso8601();
    }
    return out;
}

json encoded_to_json(const pdu::EncodedMessage& message) {
    json parts = json::array();
    for (const auto& part : message.parts) parts.push_back(json{{"pdu", part.hex}, {"length", part.tpdu_length}});
    return json{{"encoding", pdu::to_string(message.alphabet)}, {"parts", std::move(parts)}};
}

}  // namespace smsgw::diag
