// The name tables of the simulator's configuration enums: the command line,
// the control socket and the logs use the same words.
#include "tools/modemsim/sim_config.hpp"

#include <array>
#include <utility>

namespace smsgw::modemsim {
namespace {

constexpr std::array<std::pair<Flavour, const char*>, 4> kFlavourNames{{
    {Flavour::generic, "generic"},
    {Flavour::huawei, "huawei"},
    {Flavour::quectel, "quectel"},
    {Flavour::simcom, "simcom"},
}};

struct RegistrationRow {
    Registration value;
    const char* name;
    int stat;  // TS 27.007 §7.2 <stat>
};
constexpr std::array<RegistrationRow, 5> kRegistrations{{
    {Registration::none, "none", 0},
    {Registration::home, "home", 1},
    {Registration::searching, "searching", 2},
    {Registration::denied, "denied", 3},
    {Registration::roaming, "roaming", 5},
}};

}  // namespace

const char* to_string(Flavour f) {
    for (const auto& [value, name] : kFlavourNames)
        if (value == f) return name;
    return "?";
}

std::optional<Flavour> flavour_from_string(std::string_view name) {
    for (const auto& [value, n] : kFlavourNames)
        if (name == n) return value;
    return std::nullopt;
}

const char* to_string(Registration r) {
    for (const auto& row : kRegistrations)
        if (row.value == r) return row.name;
    return "?";
}

std::optional<Registration> registration_from_string(std::string_view name) {
    for (const auto& row : kRegistrations)
        if (name == row.name) return row.value;
    return std::nullopt;
}

int creg_stat(Registration r) {
    for (const auto& row : kRegistrations)
        if (row.value == r) return row.stat;
    return 0;
}

bool is_registered(Registration r) {
    return r == Registration::home || r == Registration::roaming;
}

}  // namespace smsgw::modemsim
