// One line of text per Session action, in one format, for debug logs and for the
// golden .chk files of the transcript replays (gpsd's regression style): a change
// in behaviour shows up as a readable diff. Bytes are C-escaped and PINs arrive
// here already masked by the Session.
#pragma once

#include <string>

#include "drivers/at/action.hpp"

namespace smsgw::at {

// write "AT+CSQ\r"
// state idle -> awaiting_reply: #1 AT+CSQ
// complete #1 "AT+CSQ" ["+CSQ: 20,99"] "OK" => ok
// complete #2 "AT+CMGR=9" [] "+CMS ERROR: 321" => error +CMS ERROR 321 invalid_memory_index: …
// (permanent) urc sms_stored ["+CMTI: \"SM\",3"]        urc noise huawei_rssi ["^RSSI: 12"] stray
// "OK": late reply while resynchronising
std::string trace_line(const Action& action);

// "ok", "error +CME ERROR 10 sim_not_inserted: SIM not inserted (modem)", "timeout: …"
std::string describe(const Final& final);

}  // namespace smsgw::at
