#include "daemon/dispatch/submit_pdu.hpp"

namespace smsgw::dispatch {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

}  // namespace

std::string without_status_report_request(std::string_view pdu_hex) {
    std::string out(pdu_hex);
    if (out.size() < 4) return out;
    const int hi = hex_value(out[0]), lo = hex_value(out[1]);
    if (hi < 0 || lo < 0) return out;
    // TS 24.011 §8.2.5.1: the SMSC field is its length octet and that many more.
    const std::size_t first = 2 + 2 * static_cast<std::size_t>(hi * 16 + lo);
    if (first + 1 >= out.size()) return out;
    const int a = hex_value(out[first]), b = hex_value(out[first + 1]);
    if (a < 0 || b < 0) return out;
    const int octet = a * 16 + b;
    if ((octet & 0x03) != 0x01) return out;  // TP-MTI 01: SMS-SUBMIT
    const int cleared = octet & ~0x20;
    static constexpr char digits[] = "0123456789ABCDEF";
    out[first] = digits[(cleared >> 4) & 0xF];
    out[first + 1] = digits[cleared & 0xF];
    return out;
}

}  // namespace smsgw::dispatch
