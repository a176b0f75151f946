// Which recipients a modem leaves to the others (DESIGN.md, "routing across
// modems"). A modem with route_prefixes takes only recipients starting with one
// of them; the claim query enforces that. What it must also leave alone are the
// recipients another available modem routes more specifically, and a modem
// without prefixes leaves every routed recipient to the modems that route it.
// Pure and table-free, so the rule is tested without a database.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smsgw::dispatch {

// The exclusion prefixes for a modem with `own` route prefixes, given the
// route prefixes of every *other* available modem. A prefix q of another modem
// is excluded when
//   - own is empty (a catch-all modem yields to every route), or
//   - q extends one of own (q is more specific: "+4915" against "+49"), and no
//     prefix of own extends q in turn (then own is the more specific one),
// and q is not itself one of own (equal routes share the traffic).
// So the modem with the longest matching prefix is never excluded from a
// recipient: nesting configs ("+49" and "+4915") go to the most specific
// modem, and no overlap can leave a message that nobody may send.
std::vector<std::string> exclusions(std::span<const std::string> own,
                                    std::span<const std::vector<std::string>> others);

// "+49, +43": prefixes (or any texts) for logs and reasons.
std::string joined(std::span<const std::string> items, std::string_view separator);

// Whether `recipient` starts with one of `prefixes`.
bool matches_any(std::string_view recipient, std::span<const std::string> prefixes);

// One configured modem as seen by a message waiting in the queue.
struct ModemAvailability {
    std::string name;
    std::vector<std::string> route_prefixes;
    bool enabled = true;
    bool sending = false;   // ready, with a sender taking parts
    bool capped = false;    // max_per_day reached for today
    std::string resting;    // why it takes nothing for a while (refusals in a row); empty: it does
    std::string condition;  // what it is doing instead, for people: "down: port gone: …"
    std::string sim;        // the IMSI of the SIM it holds; empty: not known
};

// A message whose due part must go through one modem: the one its send asked
// for, or the one its first part went through (one SIM per message).
struct BoundTo {
    std::string modem;
    std::string because;  // "the send asked for it", "its first part went through it"
    std::string sim;      // the IMSI it must hold (its first parts went out from it); empty: any
};

// Why no modem may take a due part to `recipient` now, or nullopt when one may
// (then it waits only for its turn and the rate limits). message.get shows it,
// so that a message sitting in the queue says what it waits for: a routed modem
// that is down with no modem without route_prefixes to stand in, a recipient
// that no route covers, a modem at its daily cap.
std::optional<std::string> why_waiting(std::string_view recipient,
                                       const std::optional<BoundTo>& bound,
                                       std::span<const ModemAvailability> modems);

}  // namespace smsgw::dispatch
