// Reassembly of concatenated inbound messages (TS 23.040 §9.2.3.24.1) as a pure
// component: parts keyed by sender + reference + total, arriving in any order,
// duplicates ignored, and incomplete messages released after a timeout. The
// daemon persists the parts; this decides when a message is whole.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "pdu/tpdu.hpp"

namespace smsgw::pdu {

// The text of a whole concatenated message from its parts in sequence order.
// Consecutive UCS-2 parts are joined as UTF-16 before decoding: phones split a
// message by code units, and a character outside the BMP (an emoji) whose
// surrogate pair falls across two parts comes out whole, not as two U+FFFD.
std::string join_texts(std::span<const SmsDeliver> parts);

struct InboundPart {
    std::string sender;
    std::uint16_t reference = 0;
    std::uint8_t total = 1;
    std::uint8_t sequence = 1;
    std::string text;         // decoded text of this part (UTF-8)
    std::uint64_t token = 0;  // the caller's id for the part (e.g. a row id)
    std::chrono::system_clock::time_point received{};
    // 8- and 16-bit references are separate spaces: 77 in one is not 77 in the other.
    bool reference_16bit = false;
};

struct ReassembledMessage {
    std::string sender;
    std::uint16_t reference = 0;
    std::uint8_t total = 1;
    std::string text;  // parts joined in sequence order; gaps marked when incomplete
    bool complete = true;
    std::vector<std::uint8_t> missing;  // sequence numbers never received
    std::vector<std::uint64_t> tokens;  // tokens of the parts used, in sequence order
    std::chrono::system_clock::time_point first_received{};
    bool reference_16bit = false;
};

class Reassembler {
public:
    explicit Reassembler(std::chrono::seconds timeout) : timeout_(timeout) {}

    enum class AddResult : std::uint8_t { stored, duplicate, invalid };

    // Adds a part. A part with total 1 (or no concatenation) is whole at once.
    // Returns the message when this part completed it.
    std::optional<ReassembledMessage> add(InboundPart part, AddResult* result = nullptr);

    // Releases, marked incomplete, every message whose first part is older than
    // the timeout at `now`.
    std::vector<ReassembledMessage> expire(std::chrono::system_clock::time_point now);

    std::size_t pending() const { return groups_.size(); }

    // Text shown in place of a missing part of an incomplete message.
    static constexpr const char* kGapMarker = "[…]";

private:
    using Key = std::tuple<std::string, std::uint16_t, bool, std::uint8_t>;  // sender, ref, 16-bit, total
    struct Group {
        std::map<std::uint8_t, InboundPart> parts;
        std::chrono::system_clock::time_point first_received{};
    };
    static ReassembledMessage assemble(const Key& key, const Group& group);

    std::chrono::seconds timeout_;
    std::map<Key, Group> groups_;
};

}  // namespace smsgw::pdu
