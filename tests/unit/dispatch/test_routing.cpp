// The exclusion rule of routing.hpp: catch-all modems yield to routes, the
// most specific route wins when prefixes nest, equal routes share, and no
// configuration leaves a recipient that no available modem may take.
#include <catch2/catch.hpp>

#include <algorithm>

#include "daemon/dispatch/routing.hpp"

using smsgw::dispatch::exclusions;
using smsgw::dispatch::matches_any;
using Prefixes = std::vector<std::string>;

namespace {

// Whether the modem with `own` routes may claim `recipient` (the claim query's rule).
bool may_take(const Prefixes& own, const std::vector<Prefixes>& others,
              const std::string& recipient) {
    if (!own.empty() && !matches_any(recipient, own)) return false;
    return !matches_any(recipient, exclusions(own, others));
}

}  // namespace

TEST_CASE("a modem without routes leaves every routed prefix to its modem", "[dispatch][routing]") {
    CHECK(exclusions({}, std::vector<Prefixes>{{"+49"}, {"+43", "+41"}}) ==
          Prefixes{"+41", "+43", "+49"});
    CHECK(exclusions({}, std::vector<Prefixes>{{}, {}}).empty());
}

TEST_CASE("equal routes share, unrelated routes do not exclude", "[dispatch][routing]") {
    CHECK(exclusions(Prefixes{"+49"}, std::vector<Prefixes>{{"+49"}}).empty());
    CHECK(exclusions(Prefixes{"+49"}, std::vector<Prefixes>{{"+43"}}).empty());
}

TEST_CASE("nested routes: the most specific prefix wins", "[dispatch][routing]") {
    const Prefixes de = {"+49"}, de_mobile = {"+4915"};
    CHECK(exclusions(de, std::vector<Prefixes>{de_mobile}) == Prefixes{"+4915"});
    CHECK(exclusions(de_mobile, std::vector<Prefixes>{de}).empty());
    CHECK(may_take(de, {de_mobile}, "+493012345678"));
    CHECK_FALSE(may_take(de, {de_mobile}, "+4915112345678"));
    CHECK(may_take(de_mobile, {de}, "+4915112345678"));
}

TEST_CASE("no overlap of routes leaves a recipient to nobody", "[dispatch][routing]") {
    // Every pairing of these lists, every recipient: some modem may take it
    // when any modem routes it (or a catch-all modem is there).
    const std::vector<Prefixes> lists = {
        {}, {"+49"}, {"+4915"}, {"+49", "+49151"}, {"+491511"}, {"+43", "+4915"}, {"+4"}};
    const std::vector<std::string> recipients = {"+4915112345678", "+4915212345678",
                                                 "+493012345678",  "+436641234567",
                                                 "+41791234567",   "+12025550123"};
    for (std::size_t a = 0; a < lists.size(); ++a)
        for (std::size_t b = 0; b < lists.size(); ++b)
            for (std::size_t c = 0; c < lists.size(); ++c) {
                const std::vector<Prefixes> modems = {lists[a], lists[b], lists[c]};
                for (const auto& r : recipients) {
                    bool routable = false, taken = false;
                    for (std::size_t i = 0; i < modems.size(); ++i) {
                        std::vector<Prefixes> others;
                        for (std::size_t j = 0; j < modems.size(); ++j)
                            if (j != i) others.push_back(modems[j]);
                        routable |= modems[i].empty() || matches_any(r, modems[i]);
                        taken |= may_take(modems[i], others, r);
                    }
                    INFO("modems " << a << "," << b << "," << c << " recipient " << r);
                    CHECK(taken == routable);
                }
            }
}

namespace {

using smsgw::dispatch::BoundTo;
using smsgw::dispatch::ModemAvailability;
using smsgw::dispatch::why_waiting;

ModemAvailability modem(std::string name, Prefixes routes, bool sending,
                        std::string condition = "ready") {
    ModemAvailability m;
    m.name = std::move(name);
    m.route_prefixes = std::move(routes);
    m.sending = sending;
    m.condition = std::move(condition);
    return m;
}

}  // namespace

TEST_CASE("a message waits for nothing while a modem may take it", "[dispatch][routing]") {
    const std::vector<ModemAvailability> modems = {
        modem("de", {"+49"}, true), modem("any", {}, false, "down: port gone: EOF")};
    CHECK_FALSE(why_waiting("+4930123", std::nullopt, modems));
    // The catch-all is down, but only it takes +33.
    CHECK(why_waiting("+33123", std::nullopt, modems) ==
          "no modem may send it now: any (any number) is down: port gone: EOF");
}

TEST_CASE("a routed modem down with no catch-all: the message says so", "[dispatch][routing]") {
    std::vector<ModemAvailability> modems = {
        modem("de", {"+49", "+4915"}, false, "recovering: no answer to AT+CSQ"),
        modem("at", {"+43"}, true)};
    CHECK(why_waiting("+4930123", std::nullopt, modems) ==
          "no modem may send it now: de (routes +49, +4915) is recovering: no answer to AT+CSQ");
    // A catch-all that sends stands in for it.
    modems.push_back(modem("any", {}, true));
    CHECK_FALSE(why_waiting("+4930123", std::nullopt, modems));
    // At its daily cap, it does not.
    modems.back().capped = true;
    CHECK(why_waiting("+4930123", std::nullopt, modems) ==
          "no modem may send it now: de (routes +49, +4915) is recovering: no answer to AT+CSQ; "
          "any (any number) has reached its max_per_day for today");
}

TEST_CASE("a recipient no route covers names the routes there are", "[dispatch][routing]") {
    std::vector<ModemAvailability> modems = {modem("de", {"+49"}, true),
                                             modem("at", {"+43", "+49"}, true)};
    CHECK(why_waiting("+33123", std::nullopt, modems) ==
          "no modem routes +33123: every enabled modem has route_prefixes (+43, +49) and none "
          "matches; add its prefix to one, or a modem without route_prefixes");
    for (auto& m : modems) m.enabled = false;
    CHECK(why_waiting("+33123", std::nullopt, modems) == "no modem is enabled in the config");
    CHECK(why_waiting("+33123", std::nullopt, {}) == "no modem is enabled in the config");
}

TEST_CASE("a bound message waits for its own modem only", "[dispatch][routing]") {
    std::vector<ModemAvailability> modems = {modem("one", {}, false, "down: port gone: EOF"),
                                             modem("two", {}, true)};
    const BoundTo first_part{"one", "its first part went through it", ""};
    CHECK(why_waiting("+4930123", first_part, modems) ==
          "waits for modem one (its first part went through it), which is down: port gone: EOF");
    CHECK_FALSE(why_waiting("+4930123", BoundTo{"two", "the send asked for it", ""}, modems));
    modems[1].enabled = false;
    CHECK(why_waiting("+4930123", BoundTo{"two", "the send asked for it", ""}, modems) ==
          "waits for modem two (the send asked for it), which is disabled (enabled: false)");
    CHECK(why_waiting("+4930123", BoundTo{"gone", "the send asked for it", ""}, modems) ==
          "waits for modem gone (the send asked for it), which is not in the config");
}

TEST_CASE("a message bound to a SIM waits while its modem holds another", "[dispatch][routing]") {
    std::vector<ModemAvailability> modems = {modem("one", {}, true)};
    modems[0].sim = "262079999999999";
    const BoundTo bound{"one", "its first part went through it", "262019876543210"};
    CHECK(why_waiting("+4930123", bound, modems) ==
          "waits for modem one (its first part went through it), which holds another SIM now "
          "(IMSI 262079999999999): the first parts went out from IMSI 262019876543210, and a "
          "handset joins only parts from one sender; put that SIM back in it");
    modems[0].sim = bound.sim;  // back
    CHECK_FALSE(why_waiting("+4930123", bound, modems));
    modems[0].sim.clear();  // a modem that does not tell its IMSI: taken as the same
    CHECK_FALSE(why_waiting("+4930123", bound, modems));
    CHECK_FALSE(why_waiting("+4930123", BoundTo{"one", "the send asked for it", ""}, modems));
}
