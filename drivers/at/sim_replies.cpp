// Parsers for +CPIN and the PIN attempt counters; see sim_replies.hpp.
#include "drivers/at/sim_replies.hpp"

#include "drivers/at/enum_names.hpp"
#include "drivers/at/text.hpp"

namespace smsgw::at {

namespace {

// The name is also the code as TS 27.007 §8.3 spells it, after spaces and dashes
// are folded away ("PH-NETSUB PIN" → "phnetsubpin").
struct PinCode {
    PinState state;
    std::string_view name;
    std::string_view code;
};
constexpr PinCode pin_codes[] = {
    {PinState::ready, "ready", "READY"},
    {PinState::sim_pin, "sim_pin", "SIM PIN"},
    {PinState::sim_puk, "sim_puk", "SIM PUK"},
    {PinState::sim_pin2, "sim_pin2", "SIM PIN2"},
    {PinState::sim_puk2, "sim_puk2", "SIM PUK2"},
    {PinState::ph_sim_pin, "ph_sim_pin", "PH-SIM PIN"},
    {PinState::ph_sim_puk, "ph_sim_puk", "PH-SIM PUK"},
    {PinState::ph_fsim_pin, "ph_fsim_pin", "PH-FSIM PIN"},
    {PinState::ph_fsim_puk, "ph_fsim_puk", "PH-FSIM PUK"},
    {PinState::ph_net_pin, "ph_net_pin", "PH-NET PIN"},
    {PinState::ph_net_puk, "ph_net_puk", "PH-NET PUK"},
    {PinState::ph_netsub_pin, "ph_netsub_pin", "PH-NETSUB PIN"},
    {PinState::ph_netsub_puk, "ph_netsub_puk", "PH-NETSUB PUK"},
    {PinState::ph_sp_pin, "ph_sp_pin", "PH-SP PIN"},
    {PinState::ph_sp_puk, "ph_sp_puk", "PH-SP PUK"},
    {PinState::ph_corp_pin, "ph_corp_pin", "PH-CORP PIN"},
    {PinState::ph_corp_puk, "ph_corp_puk", "PH-CORP PUK"},
    {PinState::not_inserted, "not_inserted", "NOT INSERTED"},
    {PinState::not_ready, "not_ready", "NOT READY"},
};

std::optional<PinState> pin_code(std::string_view text) {
    std::string key = normalize_words(text);
    if (key == "simnotinserted") key = "notinserted";
    for (const auto& c : pin_codes)
        if (normalize_words(c.code) == key) return c.state;
    return std::nullopt;
}

// An attempt counter: 0-99.
std::optional<int> count(std::string_view field) {
    return int_field(field, 0, 99);
}

}  // namespace

std::string_view to_string(PinState s) {
    for (const auto& c : pin_codes)
        if (c.state == s) return c.name;
    return "?";
}

ParseResult<PinState> parse_cpin(std::string_view line) {
    const auto body = info_body(line, "+CPIN");
    if (!body) return parse_error("expected +CPIN: in " + quoted(line));
    const auto state = pin_code(unquote(*body));
    if (!state) return parse_error("unknown +CPIN code " + quoted(*body));
    return *state;
}

ParseResult<PinRetries> parse_pin_retries(std::span<const std::string> lines) {
    PinRetries r;
    bool found = false;
    for (const std::string& line : lines) {
        if (const auto body = info_body(line, "+CPINR")) {
            // TS 27.007 §8.65: <code>,<retries>[,<default_retries>]
            const auto args = split_args(*body);
            const auto code = pin_code(unquote(args[0]));
            const auto n = args.size() >= 2 ? count(args[1]) : std::nullopt;
            if (!code || !n) return parse_error("expected <code>,<retries> in " + quoted(line));
            if (*code == PinState::sim_pin)
                r.pin = n;
            else if (*code == PinState::sim_puk)
                r.puk = n;
            else if (*code == PinState::sim_pin2)
                r.pin2 = n;
            else if (*code == PinState::sim_puk2)
                r.puk2 = n;
            found = true;
        } else if (const auto hw = info_body(line, "^CPIN")) {
            // Huawei: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times>
            const auto args = split_args(*hw);
            if (args.size() < 6) return parse_error("expected six ^CPIN fields in " + quoted(line));
            r.puk = count(args[2]);
            r.pin = count(args[3]);
            r.puk2 = count(args[4]);
            r.pin2 = count(args[5]);
            if (!r.pin || !r.puk)
                return parse_error("^CPIN counters are not numbers in " + quoted(line));
            found = true;
        } else if (const auto qc = info_body(line, "+QPINC")) {
            // Quectel: <facility>,<pincounter>,<pukcounter>
            const auto args = split_args(*qc);
            if (args.size() < 3)
                return parse_error("expected <facility>,<pin>,<puk> in " + quoted(line));
            const std::string facility = unquote(args[0]);
            const auto pin = count(args[1]);
            const auto puk = count(args[2]);
            if (!pin || !puk)
                return parse_error("+QPINC counters are not numbers in " + quoted(line));
            if (iequals(facility, "SC"))
                r.pin = pin, r.puk = puk;
            else if (iequals(facility, "P2"))
                r.pin2 = pin, r.puk2 = puk;
            found = true;
        } else if (const auto sc = info_body(line, "+SPIC")) {
            // SIMCom: <pin1>,<puk1>,<pin2>,<puk2>
            const auto args = split_args(*sc);
            if (args.size() < 2) return parse_error("expected <pin1>,<puk1>… in " + quoted(line));
            r.pin = count(args[0]);
            r.puk = count(args[1]);
            if (args.size() >= 4) r.pin2 = count(args[2]), r.puk2 = count(args[3]);
            if (!r.pin || !r.puk)
                return parse_error("+SPIC counters are not numbers in " + quoted(line));
            found = true;
        }
    }
    if (!found) return parse_error("no +CPINR, ^CPIN, +QPINC or +SPIC line");
    return r;
}

}  // namespace smsgw::at
