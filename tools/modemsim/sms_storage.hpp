// The simulated message memories of TS 27.005 §3.1: "SM" (the SIM), "ME" (the
// modem's flash) and "MT" (both, SIM first), each a fixed number of slots, and
// "SR", where some modems keep status reports (read and delete only).
// Indexes are shown 0- or 1-based as the modem's flavour does; a client that
// hard-codes either base is caught by running it against the other.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smsgw::modemsim {

// <stat> of TS 27.005 §3.1 in PDU mode (0..3); 4 ("ALL") exists only as a filter.
enum class MessageStat : std::uint8_t { rec_unread = 0, rec_read = 1, sto_unsent = 2, sto_sent = 3 };
const char* to_string(MessageStat stat);  // "REC UNREAD", …

enum class Memory : std::uint8_t { sm, me, mt, sr };
const char* to_string(Memory memory);  // "SM", "ME", "MT", "SR"
std::optional<Memory> memory_from_string(std::string_view name);

struct StoredMessage {
    MessageStat stat = MessageStat::rec_unread;
    std::string pdu;  // hex, SMSC information field first
    int tpdu_length = 0;
};

class MessageStore {
public:
    // `sim_slots` in "SM" (0: a SIM with no message records), `flash_slots`
    // in "ME" and in "SR".
    MessageStore(int sim_slots, int flash_slots, int index_base);

    int index_base() const { return base_; }
    int total(Memory m) const;
    int used(Memory m) const;
    bool full(Memory m) const { return used(m) >= total(m); }

    // Stores into the first free slot; the index, or nullopt when full.
    std::optional<int> store(Memory m, StoredMessage message);
    // Whether `index` names a slot of `m` (used or not).
    bool valid_index(Memory m, int index) const;
    StoredMessage* find(Memory m, int index);
    bool erase(Memory m, int index);
    // Used slots in index order.
    std::vector<std::pair<int, StoredMessage*>> list(Memory m);

private:
    using Slots = std::vector<std::optional<StoredMessage>>;
    // The physical slot behind (memory, index): SIM or flash, and its position.
    std::optional<std::pair<Slots*, std::size_t>> locate(Memory m, int index);

    int base_;
    Slots sim_;
    Slots flash_;
    Slots reports_;
};

}  // namespace smsgw::modemsim
