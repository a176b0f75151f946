// Concatenated-message reassembly, TS 23.040 §9.2.3.24.1.
#include "pdu/reassembly.hpp"

#include "pdu/gsm7.hpp"
#include "pdu/text_codec.hpp"

namespace smsgw::pdu {

std::optional<ReassembledMessage> Reassembler::add(InboundPart part, AddResult* result) {
    auto set = [&](AddResult r) {
        if (result) *result = r;
    };
    if (part.total == 0 || part.sequence == 0 || part.sequence > part.total) {
        set(AddResult::invalid);
        return std::nullopt;
    }
    Key key{part.sender, part.reference, part.reference_16bit, part.total};
    if (part.total == 1) {
        set(AddResult::stored);
        Group single;
        single.first_received = part.received;
        single.parts.emplace(part.sequence, std::move(part));
        return assemble(key, single);
    }
    auto [it, inserted] = groups_.try_emplace(key);
    Group& group = it->second;
    if (inserted || part.received < group.first_received) group.first_received = part.received;
    if (group.parts.count(part.sequence)) {
        set(AddResult::duplicate);  // a retransmission: the first copy wins
        return std::nullopt;
    }
    group.parts.emplace(part.sequence, std::move(part));
    set(AddResult::stored);
    if (group.parts.size() < std::get<3>(key)) return std::nullopt;
    ReassembledMessage whole = assemble(key, group);
    groups_.erase(it);
    return whole;
}

std::vector<ReassembledMessage> Reassembler::expire(std::chrono::system_clock::time_point now) {
    std::vector<ReassembledMessage> released;
    for (auto it = groups_.begin(); it != groups_.end();) {
        if (now - it->second.first_received >= timeout_) {
            released.push_back(assemble(it->first, it->second));
            it = groups_.erase(it);
        } else {
            ++it;
        }
    }
    return released;
}

ReassembledMessage Reassembler::assemble(const Key& key, const Group& group) {
    ReassembledMessage m;
    m.sender = std::get<0>(key);
    m.reference = std::get<1>(key);
    m.reference_16bit = std::get<2>(key);
    m.total = std::get<3>(key);
    m.first_received = group.first_received;
    for (unsigned seq = 1; seq <= m.total; ++seq) {
        auto part = group.parts.find(static_cast<std::uint8_t>(seq));
        if (part == group.parts.end()) {
            m.missing.push_back(static_cast<std::uint8_t>(seq));
            m.text += kGapMarker;
            continue;
        }
        m.text += part->second.text;
        m.tokens.push_back(part->second.token);
    }
    m.complete = m.missing.empty();
    return m;
}

std::string join_texts(std::span<const SmsDeliver> parts) {
    std::string out;
    std::vector<std::uint8_t> utf16;
    const auto flush = [&] {
        ucs2_decode_text(utf16, out);
        utf16.clear();
    };
    // An escape ending a GSM-7 part belongs to the next part's first septet:
    // some phones split "€" (0x1B 0x65) that way, TS 23.038 §6.2.1.1 and
    // TS 23.040 §9.2.3.24.1 notwithstanding. It is carried over and decoded
    // with that septet, under the next part's shift tables.
    std::vector<std::uint8_t> septets;
    bool carried_escape = false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const SmsDeliver& part = parts[i];
        if (part.coding.alphabet == Alphabet::ucs2) {
            utf16.insert(utf16.end(), part.user_data.octets.begin(), part.user_data.octets.end());
            continue;
        }
        flush();
        if (part.coding.alphabet != Alphabet::gsm7) {
            out += part.user_data.text;
            continue;
        }
        septets.clear();
        if (carried_escape) septets.push_back(kGsm7Escape);
        septets.insert(septets.end(), part.user_data.septets.begin(), part.user_data.septets.end());
        const bool next_gsm7 = i + 1 < parts.size() && parts[i + 1].coding.alphabet == Alphabet::gsm7;
        carried_escape = next_gsm7 && ends_in_escape(septets);
        if (carried_escape) septets.pop_back();
        const auto& header = part.user_data.header;
        gsm7_decode_text(septets, out, header ? header->locking_shift : 0, header ? header->single_shift : 0);
    }
    flush();
    return out;
}

}  // namespace smsgw::pdu
