// The daemon's configuration as plain data: what config/smsgw.yaml says once it
// has been read and validated (config/load.hpp). Only std types, so the daemon,
// the tools and the tests can pass it around without yaml-cpp. Every member has
// the default an operator gets by leaving the key out; DESIGN.md fixes the keys.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smsgw::config {

enum class LogLevel { trace, debug, info, warn, error };
std::string_view to_string(LogLevel level);

struct SocketConfig {
    std::string path = "/run/smsgw/smsgw.sock";
    unsigned mode = 0660;  // permission bits of the socket file
    std::string group;     // empty: keep the daemon's own group
};

// Who holds a role: user names and group names, resolved by the daemon.
struct RoleMembers {
    std::vector<std::string> users;
    std::vector<std::string> groups;
};

struct RolesConfig {
    RoleMembers admin;
    RoleMembers manager;
    RoleMembers member;
};

// A modem is found either by its device path or by what it reports about
// itself, because /dev/ttyUSBn numbers move when sticks are replugged.
struct ModemMatch {
    std::string imei;        // 15 digits (14 without the check digit)
    std::string usb_serial;  // the iSerial string of the USB device
};

struct ModemConfig {
    std::string name;
    std::string port;  // empty when `match` is used
    ModemMatch match;  // both empty when `port` is used
    int baud = 115200;
    std::string pin;       // the PIN itself, or
    std::string pin_file;  // a file holding it (kept out of the config's mode)
    std::string smsc;      // empty: the SMSC stored on the SIM
    int send_rate_per_minute = 10;
    int max_per_day = 0;                      // 0: no daily cap (prepaid SIMs often have one)
    std::vector<std::string> route_prefixes;  // empty: any destination
    bool enabled = true;
    bool status_reports = true;  // ask the network for delivery reports
};

struct RetryConfig {
    int attempts = 5;
    // Wait before attempt n+1; the last value repeats when attempts outnumber it.
    std::vector<int> backoff_seconds = {10, 60, 300, 900};
    // How long the rest of a partly sent message waits for the modem that sent
    // its first parts (a handset joins only parts from one sender) before it
    // fails with the reason; 0: wait for ever.
    int bound_modem_wait_minutes = 1440;

    bool operator==(const RetryConfig&) const = default;
};

struct InboundConfig {
    int reassembly_timeout_minutes = 1440;  // parts of a long SMS may trail by hours
};

struct OptoutConfig {
    std::vector<std::string> keywords;  // filled with default_optout_keywords()
    std::vector<std::string> resubscribe_keywords;
};

struct LimitsConfig {
    int max_connections = 64;
    int max_line_bytes = 262144;       // the socket protocol's maximum (DESIGN.md)
    int max_queue = 100000;            // queued messages before `overloaded`
    int submit_rate_per_minute = 6000;  // messages per connection (a batch counts each)
    int max_batch_messages = 1000;
    int max_parts_per_message = 10;  // longer texts get `text_too_long`
};

struct Config {
    SocketConfig socket;
    std::string database = "/var/lib/smsgw/smsgw.db";
    std::string default_country;  // ISO 3166 alpha-2; empty: only +CC numbers
    LogLevel log_level = LogLevel::info;
    RolesConfig roles;
    std::vector<ModemConfig> modems;
    RetryConfig retry;
    InboundConfig inbound;
    OptoutConfig optout;
    LimitsConfig limits;

    Config();  // fills the opt-out keyword defaults
};

// STOP words recognised when the config names none, across the languages our
// installs see; matched against the whole trimmed reply, case-insensitively.
const std::vector<std::string>& default_optout_keywords();
const std::vector<std::string>& default_resubscribe_keywords();

}  // namespace smsgw::config
