// The Session's timer table; see timers.hpp.
#include "drivers/at/timers.hpp"

#include "drivers/at/enum_names.hpp"

namespace smsgw::at {

namespace {

constexpr TimerDef table[] = {
    {TimerId::command, "T-command", 5, TimerUnit::s,
     "final result of an ordinary command (a Command may set its own, e.g. AT+COPS=? takes "
     "minutes)"},
    {TimerId::prompt, "T-prompt", 5, TimerUnit::s,
     "the \"> \" prompt after AT+CMGS=<length> (TS 27.005 §3.5.1)"},
    {TimerId::prompt_delay, "T-prompt-delay", 0, TimerUnit::ms,
     "pause between the prompt and the PDU; some firmware drops bytes sent at once (quirk table)"},
    {TimerId::send, "T-send", 120, TimerUnit::s,
     "+CMGS answer after the PDU and Ctrl-Z: a network round trip, up to 120 s by the vendors' "
     "manuals (Quectel's \"maximum response time, determined by network\"); a timeout here is "
     "'uncertain'"},
    {TimerId::quiet, "T-quiet", 500, TimerUnit::ms,
     "silence required after a timeout before probing with AT, so a late reply drains first"},
    {TimerId::probe, "T-probe", 2, TimerUnit::s, "the OK to the resynchronising AT"},
};

constexpr EnumName<TimerId> id_names[] = {{TimerId::command, "command"},
                                          {TimerId::prompt, "prompt"},
                                          {TimerId::prompt_delay, "prompt_delay"},
                                          {TimerId::send, "send"},
                                          {TimerId::quiet, "quiet"},
                                          {TimerId::probe, "probe"}};
constexpr EnumName<TimerUnit> unit_names[] = {{TimerUnit::ms, "ms"}, {TimerUnit::s, "s"}};

static_assert(sizeof(table) / sizeof(table[0]) == 6, "one row per TimerId");

}  // namespace

std::string_view to_string(TimerId t) {
    return enum_name(id_names, t);
}
std::string_view to_string(TimerUnit u) {
    return enum_name(unit_names, u);
}

std::span<const TimerDef> timer_table() {
    return table;
}

const TimerDef& timer_def(TimerId id) {
    return table[static_cast<std::size_t>(id)];
}

Timers::Timers() {
    for (const auto& def : table)
        values_[static_cast<std::size_t>(def.id)] =
            def.unit == TimerUnit::s ? Millis(def.default_value * 1000) : Millis(def.default_value);
}

}  // namespace smsgw::at
