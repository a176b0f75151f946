// Slot bookkeeping of the simulated memories. "MT" is a view: SIM slots take
// the first indexes, flash slots follow, as Qualcomm-based modems number them.
#include "tools/modemsim/sms_storage.hpp"

#include <array>

namespace smsgw::modemsim {
namespace {

constexpr std::array<std::pair<MessageStat, const char*>, 4> kStatNames{{
    {MessageStat::rec_unread, "REC UNREAD"},
    {MessageStat::rec_read, "REC READ"},
    {MessageStat::sto_unsent, "STO UNSENT"},
    {MessageStat::sto_sent, "STO SENT"},
}};

constexpr std::array<std::pair<Memory, const char*>, 4> kMemoryNames{{
    {Memory::sm, "SM"},
    {Memory::me, "ME"},
    {Memory::mt, "MT"},
    {Memory::sr, "SR"},
}};

}  // namespace

const char* to_string(MessageStat stat) {
    for (const auto& [value, name] : kStatNames)
        if (value == stat) return name;
    return "?";
}

const char* to_string(Memory memory) {
    for (const auto& [value, name] : kMemoryNames)
        if (value == memory) return name;
    return "?";
}

std::optional<Memory> memory_from_string(std::string_view name) {
    for (const auto& [value, n] : kMemoryNames)
        if (name == n) return value;
    return std::nullopt;
}

MessageStore::MessageStore(int sim_slots, int flash_slots, int index_base)
    : base_(index_base),
      sim_(static_cast<std::size_t>(sim_slots)),
      flash_(static_cast<std::size_t>(flash_slots)),
      reports_(static_cast<std::size_t>(flash_slots)) {}

int MessageStore::total(Memory m) const {
    switch (m) {
        case Memory::sm: return static_cast<int>(sim_.size());
        case Memory::me: return static_cast<int>(flash_.size());
        case Memory::mt: return static_cast<int>(sim_.size() + flash_.size());
        case Memory::sr: return static_cast<int>(reports_.size());
    }
    return 0;
}

int MessageStore::used(Memory m) const {
    auto count = [](const Slots& s) {
        int n = 0;
        for (const auto& slot : s) n += slot.has_value() ? 1 : 0;
        return n;
    };
    switch (m) {
        case Memory::sm: return count(sim_);
        case Memory::me: return count(flash_);
        case Memory::mt: return count(sim_) + count(flash_);
        case Memory::sr: return count(reports_);
    }
    return 0;
}

std::optional<std::pair<MessageStore::Slots*, std::size_t>> MessageStore::locate(Memory m, int index) {
    int pos = index - base_;
    if (pos < 0 || pos >= total(m)) return std::nullopt;
    auto p = static_cast<std::size_t>(pos);
    switch (m) {
        case Memory::sm: return std::pair{&sim_, p};
        case Memory::me: return std::pair{&flash_, p};
        case Memory::mt:
            if (p < sim_.size()) return std::pair{&sim_, p};
            return std::pair{&flash_, p - sim_.size()};
        case Memory::sr: return std::pair{&reports_, p};
    }
    return std::nullopt;
}

bool MessageStore::valid_index(Memory m, int index) const {
    int pos = index - base_;
    return pos >= 0 && pos < total(m);
}

std::optional<int> MessageStore::store(Memory m, StoredMessage message) {
    for (int index = base_; index < base_ + total(m); ++index) {
        auto loc = locate(m, index);
        auto& slot = (*loc->first)[loc->second];
        if (!slot) {
            slot = std::move(message);
            return index;
        }
    }
    return std::nullopt;
}

StoredMessage* MessageStore::find(Memory m, int index) {
    auto loc = locate(m, index);
    if (!loc) return nullptr;
    auto& slot = (*loc->first)[loc->second];
    return slot ? &*slot : nullptr;
}

bool MessageStore::erase(Memory m, int index) {
    auto loc = locate(m, index);
    if (!loc) return false;
    auto& slot = (*loc->first)[loc->second];
    bool had = slot.has_value();
    slot.reset();
    return had;
}

std::vector<std::pair<int, StoredMessage*>> MessageStore::list(Memory m) {
    std::vector<std::pair<int, StoredMessage*>> out;
    for (int index = base_; index < base_ + total(m); ++index)
        if (auto* msg = find(m, index)) out.emplace_back(index, msg);
    return out;
}

}  // namespace smsgw::modemsim
