// The key tables of the config file, one per mapping, in the order of
// DESIGN.md's example. Each row parses one key and checks the value on its own
// (a standard baud rate, a 4–8 digit PIN, an E.164-looking SMSC); checks that
// involve several keys live in validate.cpp. Adding a key is adding a row.
#include <array>
#include <cctype>

#include "config/key_table.hpp"
#include "config/pin_file.hpp"
#include "config/stages.hpp"

namespace smsgw::config {

namespace {

using Node = YAML::Node;
using Path = std::string;

// `+` and 1–15 digits: E.164 allows 15 digits after the country code's `+`.
bool is_international(std::string_view s, std::size_t min_digits) {
    return s.size() >= 1 + min_digits && s.size() <= 16 && s[0] == '+' && all_digits(s.substr(1));
}

// User and group names as useradd(8) on Debian accepts them.
bool is_account_name(std::string_view s, std::string& expected) {
    expected = "a user or group name (letters, digits, `_`, `-`, `.`)";
    return s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                      c == '.';
           });
}

bool is_route_prefix(std::string_view s, std::string& expected) {
    expected = "a prefix of international numbers such as \"+49\" or \"+4915\"";
    return is_international(s, 1);
}

bool is_keyword(std::string_view s, std::string& expected) {
    expected = "a keyword of at most 32 bytes without leading or trailing spaces";
    return s.size() <= 32 && s.front() != ' ' && s.back() != ' ';
}

// Modem names appear in logs (`modem[office-1]`), the socket protocol and the
// `modem` parameter of `send`, so they stay short and plain.
bool is_modem_name(std::string_view s) {
    return s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                      c == '.';
           });
}

// Rates termios can set on Linux that modems actually use.
constexpr std::array<int, 11> standard_bauds = {1200,  2400,   4800,   9600,   19200, 38400,
                                                57600, 115200, 230400, 460800, 921600};

// ---- socket ----------------------------------------------------------------

const KeyRule<SocketConfig> socket_keys[] = {
    {"path", false,
     [](Reader& r, const Node& v, const Path& p, SocketConfig& o) {
         auto value = r.absolute_path(v, p);
         // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
         if (value && value->size() > 107)
             r.error(v, p,
                     "expected a socket path of at most 107 bytes, found " +
                         std::to_string(value->size()) + " bytes");
         else
             assign(value, o.path);
     }},
    {"mode", false,
     [](Reader& r, const Node& v, const Path& p, SocketConfig& o) {
         // Read as text so `0660` keeps meaning octal whatever YAML version
         // the writer had in mind.
         const std::string s = v.IsScalar() ? v.Scalar() : std::string();
         const bool octal =
             (s.size() == 3 || (s.size() == 4 && s[0] == '0')) &&
             std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '7'; });
         if (!octal) return r.expected(v, p, "permission bits in octal such as \"0660\"");
         const unsigned mode = static_cast<unsigned>(std::stoul(s, nullptr, 8));
         if ((mode & 0600) != 0600)
             return r.error(
                 v, p,
                 "expected a mode that lets the owner read and write (0600 at least), found \"" +
                     s + "\"");
         o.mode = mode;
     }},
    {"group", false,
     [](Reader& r, const Node& v, const Path& p, SocketConfig& o) {
         auto value = r.text(v, p);
         std::string expected;
         if (value && !is_account_name(*value, expected))
             return r.error(v, p, "expected " + expected + ", found \"" + *value + "\"");
         assign(value, o.group);
     }},
};

// ---- log -------------------------------------------------------------------

const KeyRule<Config> log_keys[] = {
    {"level", false,
     [](Reader& r, const Node& v, const Path& p, Config& o) {
         constexpr std::array levels = {LogLevel::trace, LogLevel::debug, LogLevel::info,
                                        LogLevel::warn, LogLevel::error};
         if (v.IsScalar())
             for (LogLevel level : levels)
                 if (v.Scalar() == to_string(level)) return void(o.log_level = level);
         r.expected(v, p, "one of trace, debug, info, warn, error");
     }},
};

// ---- roles -----------------------------------------------------------------

const KeyRule<RoleMembers> role_member_keys[] = {
    {"users", false,
     [](Reader& r, const Node& v, const Path& p, RoleMembers& o) {
         assign(r.text_list(v, p, is_account_name), o.users);
     }},
    {"groups", false,
     [](Reader& r, const Node& v, const Path& p, RoleMembers& o) {
         assign(r.text_list(v, p, is_account_name), o.groups);
     }},
};

void read_role(Reader& r, const Node& v, const Path& p, RoleMembers& o) {
    read_map<RoleMembers>(r, v, p, role_member_keys, o);
}

const KeyRule<RolesConfig> roles_keys[] = {
    {"admin", false,
     [](Reader& r, const Node& v, const Path& p, RolesConfig& o) { read_role(r, v, p, o.admin); }},
    {"manager", false,
     [](Reader& r, const Node& v, const Path& p, RolesConfig& o) {
         read_role(r, v, p, o.manager);
     }},
    {"member", false,
     [](Reader& r, const Node& v, const Path& p, RolesConfig& o) { read_role(r, v, p, o.member); }},
};

// ---- modems ----------------------------------------------------------------

const KeyRule<ModemMatch> match_keys[] = {
    {"imei", false,
     [](Reader& r, const Node& v, const Path& p, ModemMatch& o) {
         auto value = r.text(v, p);
         if (!value) return;
         if (!all_digits(*value) || (value->size() != 14 && value->size() != 15))
             return r.error(
                 v, p,
                 "expected an IMEI of 15 digits (as AT+CGSN prints it), found \"" + *value + "\"");
         if (value->size() == 15) {
             // The 15th digit is a Luhn check digit (3GPP TS 23.003 §6.2.1): a
             // mistyped IMEI would otherwise never match and fail silently.
             int sum = 0;
             for (std::size_t i = 0; i < 14; ++i) {
                 int d = (*value)[i] - '0';
                 if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
                 sum += d;
             }
             if ((10 - sum % 10) % 10 != (*value)[14] - '0')
                 return r.error(v, p,
                                "expected a valid IMEI, found \"" + *value +
                                    "\" whose check digit (the last) is wrong; is it mistyped?");
         }
         o.imei = *value;
     }},
    {"usb_serial", false,
     [](Reader& r, const Node& v, const Path& p, ModemMatch& o) {
         assign(r.text(v, p), o.usb_serial);
     }},
};

const KeyRule<ModemConfig> modem_keys[] = {
    {"name", true,
     [](Reader& r, const Node& v, const Path& p, ModemConfig& o) {
         auto value = r.text(v, p);
         if (value && !is_modem_name(*value))
             return r.error(
                 v, p,
                 "expected a name of at most 32 letters, digits, `_`, `-` or `.`, found \"" +
                     *value + "\"");
         assign(value, o.name);
     }},
    {"port", false,
     [](Reader& r, const Node& v, const Path& p, ModemConfig& o) {
         assign(r.absolute_path(v, p), o.port);
     }},
    {"match", false,
     [](Reader& r, const Node& v, const Path& p, ModemConfig& o) {
         read_map<ModemMatch>(r, v, p, match_keys, o.match);
     }},
    {"baud", false,
     [](Reader& r, const Node& v, const Path& p, ModemConfig& o) {
         auto value = r.integer(v, p, 1, 4000000);
         if (!value) return;
         if (std::find(standard_bauds.begin(), standard_bauds.end(), *value) ==
             standard_bauds.end())
             return r.error(
                 v, p,
                 "expected a standard baud rate (9600, 19200, 38400, 57600, 115200, 230400, "
                 "460800, 921600 …), found " +
                     std::to_string(*value));
         o.baud = static_cast<int>(*value);
     }},
    {"pin", false,
     [](Reader& r, const Node& v, const Path& p, ModemConfig& o) {
         auto value = r.text(v, p);
         if (value)
             if (const std::string problem = pin_problem(*value); !problem.empty())
                 return r.error(v, p, problem);
         assign(value, o.pin);
     }},
    {"pin_file", false,
     [](Reader& r, const Node& v, const Path& p, ModemConfig& o) {
         assign(r.absolute_path(v, p), o.pin_file);
     }},
    {"smsc", false,
     [](Reader& r, const Node& v, const Path& p, ModemConfig& o) {
         auto value = r.text(v, p);
         if (value && !is_international(*value, 3))
             return r.error(
                 v, p,
                 "expected the SMSC as an international number such as \"+491722270333\", "
                 "found \"" +
                     *value + "\"");
         assign(value, o.smsc);
     }},
    {"send_rate_per_minute", false,
     [](Reader& r, const Node& v, const Path& p, ModemConfig& o) {
         // No real modem sends more than a few messages a second on a GSM
         // channel; the bound is high so benchmarks against the simulator can
         // take the limit out of the way (600000: ten per millisecond, more
         // than the simulator answers at 0 ms latency).
         assign(r.integer(v, p, 1, 600000), o.send_rate_per_minute);
     }},
    {"max_per_day", false,
     [](Reader& r, const Node& v, const Path& p, ModemConfig& o) {
         assign(r.integer(v, p, 0, 1000000), o.max_per_day);
     }},
    {"route_prefixes", false,
     [](Reader& r, const Node& v, const Path& p, ModemConfig& o) {
         assign(r.text_list(v, p, is_route_prefix), o.route_prefixes);
     }},
    {"enabled", false,
     [](Reader& r, const Node& v, const Path& p, ModemConfig& o) {
         assign(r.boolean(v, p), o.enabled);
     }},
    {"status_reports", false,
     [](Reader& r, const Node& v, const Path& p, ModemConfig& o) {
         assign(r.boolean(v, p), o.status_reports);
     }},
};

// ---- retry, inbound, optout, limits ------------------------------------------

const KeyRule<RetryConfig> retry_keys[] = {
    {"attempts", false,
     [](Reader& r, const Node& v, const Path& p, RetryConfig& o) {
         assign(r.integer(v, p, 1, 100), o.attempts);
     }},
    {"backoff_seconds", false,
     [](Reader& r, const Node& v, const Path& p, RetryConfig& o) {
         if (!r.is_list(v, p)) return;
         // Empty fits `attempts: 1` only (validate.cpp). Equal delays are a
         // constant backoff; a shorter one after a longer one is a typo.
         std::vector<int> delays;
         bool good = true;
         for (std::size_t i = 0; i < v.size(); ++i) {
             const Path item_path = p + "[" + std::to_string(i) + "]";
             auto delay = r.integer(v[i], item_path, 1, 86400);
             if (!delay) {
                 good = false;
             } else if (!delays.empty() && *delay < delays.back()) {
                 r.error(v[i], item_path,
                         "expected a delay no shorter than the one before (" +
                             std::to_string(delays.back()) + "), found " + std::to_string(*delay));
                 good = false;
             } else {
                 delays.push_back(static_cast<int>(*delay));
             }
         }
         if (good) o.backoff_seconds = std::move(delays);
     }},
    {"bound_modem_wait_minutes", false,
     [](Reader& r, const Node& v, const Path& p, RetryConfig& o) {
         assign(r.integer(v, p, 0, 43200), o.bound_modem_wait_minutes);
     }},
};

const KeyRule<InboundConfig> inbound_keys[] = {
    {"reassembly_timeout_minutes", false,
     [](Reader& r, const Node& v, const Path& p, InboundConfig& o) {
         assign(r.integer(v, p, 1, 10080), o.reassembly_timeout_minutes);
     }},
};

// An empty list is refused rather than read as "none": a list left out
// means the built-in one, and an empty opt-out list would have the gateway
// ignore STOP, which the law (in most countries) and the carriers' rules (in
// the others) require it to honour. `when_empty` says so for the list.
void read_keywords(Reader& r, const Node& v, const Path& p, std::vector<std::string>& out,
                   std::string_view when_empty) {
    auto words = r.text_list(v, p, is_keyword);
    if (words && words->empty())
        return r.error(
            v, p, "expected at least one keyword, found an empty list; " + std::string(when_empty));
    assign(words, out);
}

const KeyRule<OptoutConfig> optout_keys[] = {
    {"keywords", false,
     [](Reader& r, const Node& v, const Path& p, OptoutConfig& o) {
         read_keywords(r, v, p, o.keywords,
                       "opt-out keywords cannot be switched off (a reply STOP must be "
                       "honoured): leave optout.keywords out for the built-in list (STOP, "
                       "STOPP, ENDE, ARRET, …) or list your customers' words");
     }},
    {"resubscribe_keywords", false,
     [](Reader& r, const Node& v, const Path& p, OptoutConfig& o) {
         read_keywords(r, v, p, o.resubscribe_keywords,
                       "leave optout.resubscribe_keywords out for the built-in list (START, "
                       "UNSTOP, ANMELDEN, …) or list your customers' words");
     }},
};

template <int LimitsConfig::*member, long long min, long long max>
void read_limit(Reader& r, const Node& v, const Path& p, LimitsConfig& o) {
    assign(r.integer(v, p, min, max), o.*member);
}

const KeyRule<LimitsConfig> limits_keys[] = {
    {"max_connections", false, read_limit<&LimitsConfig::max_connections, 1, 4096>},
    // The protocol's own maximum is 256 KiB; a smaller limit is allowed.
    {"max_line_bytes", false, read_limit<&LimitsConfig::max_line_bytes, 1024, 262144>},
    {"max_queue", false, read_limit<&LimitsConfig::max_queue, 1, 10000000>},
    {"submit_rate_per_minute", false,
     read_limit<&LimitsConfig::submit_rate_per_minute, 1, 1000000>},
    {"max_batch_messages", false, read_limit<&LimitsConfig::max_batch_messages, 1, 100000>},
    // TS 23.040 §9.2.3.24.1: the concatenation UDH counts at most 255 parts.
    {"max_parts_per_message", false, read_limit<&LimitsConfig::max_parts_per_message, 1, 255>},
};

// ---- top level ---------------------------------------------------------------

const KeyRule<Config> top_keys[] = {
    {"socket", false,
     [](Reader& r, const Node& v, const Path& p, Config& o) {
         read_map<SocketConfig>(r, v, p, socket_keys, o.socket);
     }},
    {"database", false,
     [](Reader& r, const Node& v, const Path& p, Config& o) {
         assign(r.absolute_path(v, p), o.database);
     }},
    {"default_country", false,
     [](Reader& r, const Node& v, const Path& p, Config& o) {
         auto value = r.text(v, p);
         if (!value) return;
         if (!is_iso_country(*value)) {
             std::string upper = *value;
             for (char& c : upper)
                 c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
             std::string message =
                 "expected an ISO 3166 alpha-2 country code such as DE, found \"" + *value + "\"";
             if (is_iso_country(upper)) message += "; did you mean `" + upper + "`?";
             return r.error(v, p, message);
         }
         o.default_country = *value;
     }},
    {"log", false,
     [](Reader& r, const Node& v, const Path& p, Config& o) {
         read_map<Config>(r, v, p, log_keys, o);
     }},
    {"roles", false,
     [](Reader& r, const Node& v, const Path& p, Config& o) {
         read_map<RolesConfig>(r, v, p, roles_keys, o.roles);
     }},
    {"modems", false,
     [](Reader& r, const Node& v, const Path& p, Config& o) {
         if (!r.is_list(v, p)) return;
         for (std::size_t i = 0; i < v.size(); ++i) {
             const Path item_path = p + "[" + std::to_string(i) + "]";
             r.remember(item_path, v[i]);
             ModemConfig modem;
             read_map<ModemConfig>(r, v[i], item_path, modem_keys, modem);
             o.modems.push_back(std::move(modem));
         }
     }},
    {"retry", false,
     [](Reader& r, const Node& v, const Path& p, Config& o) {
         read_map<RetryConfig>(r, v, p, retry_keys, o.retry);
     }},
    {"inbound", false,
     [](Reader& r, const Node& v, const Path& p, Config& o) {
         read_map<InboundConfig>(r, v, p, inbound_keys, o.inbound);
     }},
    {"optout", false,
     [](Reader& r, const Node& v, const Path& p, Config& o) {
         read_map<OptoutConfig>(r, v, p, optout_keys, o.optout);
     }},
    {"limits", false,
     [](Reader& r, const Node& v, const Path& p, Config& o) {
         read_map<LimitsConfig>(r, v, p, limits_keys, o.limits);
     }},
};

}  // namespace

void read_config(Reader& r, const YAML::Node& root, Config& out) {
    // An empty file is a config of defaults only (no modems yet).
    if (root.IsNull()) return;
    read_map<Config>(r, root, "", top_keys, out);
}

}  // namespace smsgw::config
