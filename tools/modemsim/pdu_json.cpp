// Decodes the stored hex again with the project's pdu/ codec: the simulator
// keeps exactly the bytes it was given, and the description is derived.
#include "tools/modemsim/pdu_json.hpp"

#include <ctime>

#include "pdu/pdu_codec.hpp"

namespace smsgw::modemsim {
namespace {

using nlohmann::json;

std::string iso_utc(std::int64_t unix_ms) {
    std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(unix_ms % 1000));
    return out;
}

json concat_json(const pdu::UserData& ud) {
    if (!ud.header || !ud.header->concat) return nullptr;
    const auto& c = *ud.header->concat;
    return {{"ref", c.reference}, {"total", c.total}, {"seq", c.sequence}, {"ref16", c.reference_16bit}};
}

json coding_json(const pdu::DataCoding& coding) {
    json j = {{"encoding", pdu::to_string(coding.alphabet)}};
    j["class"] = coding.message_class ? json(*coding.message_class) : json(nullptr);
    return j;
}

}  // namespace

json describe_sent(const SentPart& part) {
    json j = {{"time", iso_utc(part.unix_ms)}, {"mr", part.mr}, {"to", part.to},
              {"srr", part.srr}, {"pdu", part.pdu}};
    auto decoded = pdu::decode_pdu(part.pdu);
    if (!decoded) {
        j["decode_error"] = decoded.error().to_string();
        return j;
    }
    if (const auto* s = std::get_if<pdu::SmsSubmit>(&decoded->tpdu)) {
        j["text"] = s->user_data.text;
        j.update(coding_json(s->coding));
        j["concat"] = concat_json(s->user_data);
        j["smsc"] = decoded->smsc ? json(decoded->smsc->display()) : json(nullptr);
        if (s->validity.format == pdu::ValidityPeriod::Format::relative)
            j["validity_minutes"] = pdu::relative_validity_minutes(s->validity.relative);
    }
    return j;
}

json describe_stored(int index, const StoredMessage& message) {
    json j = {{"index", index}, {"stat", to_string(message.stat)}, {"pdu", message.pdu},
              {"length", message.tpdu_length}};
    auto decoded = pdu::decode_pdu(message.pdu);
    if (!decoded) {
        j["decode_error"] = decoded.error().to_string();
        return j;
    }
    j["type"] = pdu::type_name(decoded->tpdu);
    if (const auto* d = std::get_if<pdu::SmsDeliver>(&decoded->tpdu)) {
        j["from"] = d->originator.display();
        j["text"] = d->user_data.text;
        j.update(coding_json(d->coding));
        j["concat"] = concat_json(d->user_data);
    } else if (const auto* s = std::get_if<pdu::SmsSubmit>(&decoded->tpdu)) {
        j["to"] = s->destination.display();
        j["text"] = s->user_data.text;
        j.update(coding_json(s->coding));
        j["concat"] = concat_json(s->user_data);
    } else if (const auto* r = std::get_if<pdu::SmsStatusReport>(&decoded->tpdu)) {
        j["recipient"] = r->recipient.display();
        j["mr"] = r->message_reference;
        j["status"] = r->status;
    }
    return j;
}

}  // namespace smsgw::modemsim
