// The Session's timers as one table (STYLE habit 7, after libosmocore's osmo_tdef):
// each row has a name, a default, a unit and what it bounds, so that logs, config
// overrides and documentation all read from the same place. Each Session state
// names the timer that guards it (see session.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "drivers/at/command.hpp"

namespace smsgw::at {

enum class TimerId { command, prompt, prompt_delay, send, quiet, probe };
enum class TimerUnit { ms, s };
std::string_view to_string(TimerId t);
std::string_view to_string(TimerUnit u);

struct TimerDef {
    TimerId id;
    std::string_view name;
    long default_value;
    TimerUnit unit;
    std::string_view description;
};
std::span<const TimerDef> timer_table();
const TimerDef& timer_def(TimerId id);

// The values in force for one Session: the table's defaults unless overridden.
class Timers {
  public:
    Timers();
    Millis get(TimerId id) const { return values_[static_cast<std::size_t>(id)]; }
    void set(TimerId id, Millis value) { values_[static_cast<std::size_t>(id)] = value; }

  private:
    std::array<Millis, 6> values_;
};

}  // namespace smsgw::at
