// A bounds-checked cursor over PDU octets for the decoder: every read names
// the field it is reading, so running out of octets becomes a DecodeError
// ("octet 14 (TP-SCTS): PDU ends after 14 octets, 7 more expected").
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "pdu/decode_error.hpp"

namespace smsgw::pdu {

class OctetReader {
public:
    explicit OctetReader(std::span<const std::uint8_t> octets) : octets_(octets) {}

    std::size_t position() const { return pos_; }
    std::size_t remaining() const { return octets_.size() - pos_; }

    // Checks that `count` octets remain for `field`.
    bool need(std::size_t count, const char* field, DecodeError& error) const {
        if (remaining() >= count) return true;
        error = {pos_, field,
                 "PDU ends after " + std::to_string(octets_.size()) + " octets; " + std::to_string(count) +
                     " more expected"};
        return false;
    }
    bool read(std::uint8_t& out, const char* field, DecodeError& error) {
        if (!need(1, field, error)) return false;
        out = octets_[pos_++];
        return true;
    }
    bool take(std::size_t count, std::span<const std::uint8_t>& out, const char* field, DecodeError& error) {
        if (!need(count, field, error)) return false;
        out = octets_.subspan(pos_, count);
        pos_ += count;
        return true;
    }
    std::span<const std::uint8_t> rest() const { return octets_.subspan(pos_); }

private:
    std::span<const std::uint8_t> octets_;
    std::size_t pos_ = 0;
};

}  // namespace smsgw::pdu
