// Which recipients a modem leaves to the others (DESIGN.md, "routing across
// modems"). A modem with route_prefixes takes only recipients starting with one
// of them; the claim query enforces that. What it must also leave alone are the
// recipients another available modem routes more specifically, and a modem
// without prefixes leaves every routed recipient to the modems that route it.
// Pure and table-free, so the rule is tested without a database.
#pragma once

#include <span>
#include <string>
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

// Whether `recipient` starts with one of `prefixes`.
bool matches_any(std::string_view recipient, std::span<const std::string> prefixes);

}  // namespace smsgw::dispatch
