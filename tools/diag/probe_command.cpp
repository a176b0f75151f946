// `smsgw-diag probe PORT`: the checklist a technician reads at a customer's
// site. The checks are a table (probe_steps below), in the order a modem comes
// up, each with why it is there and what it needs; each row's run function asks
// the modem through the daemon's own SerialPort + AtEngine and hands the answers
// to a pure judge (probe_checks.cpp). Exit 0 when nothing FAILs, 1 otherwise.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "drivers/at/quirks.hpp"
#include "tools/diag/commands.hpp"
#include "tools/diag/modem_steps.hpp"
#include "tools/diag/output.hpp"
#include "tools/diag/port_link.hpp"
#include "tools/diag/probe_checks.hpp"

namespace smsgw::diag {

namespace {

using namespace std::chrono_literals;

struct ProbeArgs {
    std::string port;
    ModemOptions modem;
    bool json = false;
};

// What the steps learn and later steps rely on.
struct ProbeContext {
    PortLink& link;
    const ProbeArgs& args;
    bool port_open = false;
    bool responds = false;
    bool sim_ready = false;
    bool registered = false;
    bool pin_entered = false;
    const at::Quirks* quirks = &at::generic_quirks();
};

awaitable<Answer> ask(ProbeContext& c, std::string text, at::Millis timeout = at::Millis{0}) {
    return diag::ask(c.link, std::move(text), timeout);
}

// --- the steps ------------------------------------------------------------

awaitable<Check> step_responds(ProbeContext& c) {
    const at::Session& session = c.link.engine().session();
    const int restored_before = session.result_codes_restored();
    auto a = co_await ask(c, "AT", 3000ms);
    bool after_esc = false;
    if (!a.ok()) {
        // A modem left in the PDU entry of an AT+CMGS (a program stopped
        // halfway) takes "AT" as PDU text and says nothing: ESC ends the entry
        // without sending anything. Nothing of ours is in AT+CMGS here.
        c.link.engine().write_raw("\x1B");
        a = co_await ask(c, "AT", 3000ms);
        after_esc = true;
    }
    if (!a.ok())
        co_return Check{
            "responds to AT", Status::fail, describe_final(a.final, c.link.error_codes_on()),
            "no OK to AT, not even after ESC: wrong port (USB modems offer several; the AT "
            "port is often the second or third — see `smsgw-diag scan --probe`), wrong "
            "--baud, the modem is still booting (wait 20 s), or it hangs — if this port "
            "answered before, power-cycle the modem (pull and re-insert a USB stick)"};
    c.responds = true;
    co_await set_up_session(c.link);
    // The AT engine's resync turned them on while the second AT waited.
    if (session.result_codes_restored() != restored_before)
        co_return Check{"responds to AT", Status::warn, "OK after ATQ0V1",
                        "its result codes were off (ATQ1) or came as digits (ATV0), as a "
                        "program that used this port before saved them (AT&W) and the modem "
                        "powers up with them; smsgw turns them back on each time. To keep them "
                        "on: `smsgw-diag at PORT`, then ATQ0V1 and AT&W"};
    if (after_esc)
        co_return Check{"responds to AT", Status::warn, "OK after ESC",
                        "it was waiting for the PDU of an unfinished AT+CMGS (a program "
                        "stopped halfway through a send); ESC ended that, nothing was sent"};
    co_return Check{"responds to AT", Status::ok, "OK", {}};
}

awaitable<Check> step_identity(ProbeContext& c) {
    auto id = co_await identify(c.link);
    c.quirks = id.quirks;
    auto check = judge_identity(id.cgmi, id.cgmm, co_await ask(c, "AT+CGMR"));
    if (check.status == Status::ok && c.quirks->name != "generic")
        check.hint = "vendor quirks: " + std::string(c.quirks->name);
    co_return check;
}

awaitable<Check> step_imei(ProbeContext& c) {
    co_return judge_imei(co_await ask(c, "AT+CGSN"));
}

awaitable<Check> step_sim(ProbeContext& c) {
    const auto wait = std::chrono::seconds(c.args.modem.wait_seconds);
    auto u = co_await unlock_sim(c.link, *c.quirks, c.args.modem.pin, c.args.modem.force, wait);
    c.pin_entered = u.entered;
    c.sim_ready = u.sim.state == at::PinState::ready;
    if (u.rejected) co_return judge_wrong_pin(u.sim, *u.rejected);
    co_return judge_sim(u.sim, c.args.modem.pin.has_value(), u.entered);
}

awaitable<Check> step_sim_identity(ProbeContext& c) {
    auto cimi = co_await ask(c, "AT+CIMI");
    auto iccid = co_await ask(c, std::string(c.quirks->iccid_command));
    co_return judge_sim_identity(cimi, iccid);
}

awaitable<Check> step_registration(ProbeContext& c) {
    const auto reg = co_await wait_registration(c.link, c.pin_entered,
                                                std::chrono::seconds(c.args.modem.wait_seconds));
    c.registered = reg.registration && at::is_registered(reg.registration->status);
    co_return judge_registration(reg.registration, reg.answer);
}

awaitable<Check> step_operator(ProbeContext& c) {
    co_await ask(c, "AT+COPS=3,0");  // names, not MCC/MNC digits, in the answer
    co_return judge_operator(co_await ask(c, "AT+COPS?"), c.registered);
}

awaitable<Check> step_signal(ProbeContext& c) {
    co_return judge_signal(co_await ask(c, "AT+CSQ"), c.registered);
}

awaitable<Check> step_smsc(ProbeContext& c) {
    co_return judge_smsc(co_await ask(c, "AT+CSCA?"));
}

awaitable<Check> step_storage(ProbeContext& c) {
    co_return judge_storage(co_await ask(c, "AT+CPMS?"));
}

awaitable<Check> step_pdu_mode(ProbeContext& c) {
    co_return judge_pdu_mode(co_await ask(c, "AT+CMGF=?"));
}

awaitable<Check> step_cnmi(ProbeContext& c) {
    co_return judge_cnmi(co_await ask(c, "AT+CNMI=?"), c.quirks->cnmi_candidates);
}

// What a step needs from the ones before it; without it the row is SKIPped.
enum class Needs { port, at, sim };

struct ProbeStep {
    std::string_view item;
    Needs needs;
    awaitable<Check> (*run)(ProbeContext&);
    std::string_view why;
};

// clang-format off
constexpr ProbeStep probe_steps[] = {
    {"responds to AT", Needs::port, step_responds,
     "a port that opens is not yet the AT port: USB modems also offer diagnostics and data ports"},
    {"manufacturer/model/firmware", Needs::at, step_identity,
     "selects the vendor quirks (ICCID and PIN-attempt commands, +CNMI choices) like the daemon does"},
    {"IMEI", Needs::at, step_imei,
     "the config can match a modem by IMEI; ttyUSB numbers change after re-plugging"},
    {"SIM/PIN", Needs::at, step_sim,
     "a locked SIM blocks everything after it; a wrong PIN in the config burns the tries, so they are shown"},
    {"IMSI/ICCID", Needs::sim, step_sim_identity,
     "what the operator asks for when a SIM is refused or barred"},
    {"registration", Needs::sim, step_registration,
     "no SMS without registration; denied/searching point at the SIM contract or the coverage"},
    {"operator", Needs::sim, step_operator, "which network the SIM is on (roaming shows here)"},
    {"signal", Needs::at, step_signal,
     "weak signal makes sends fail and retry; shown in dBm and bars for the antenna placement"},
    {"SMSC", Needs::sim, step_smsc,
     "PDUs are sent with the SIM's SMS centre; without one every send fails"},
    {"SMS storage", Needs::sim, step_storage,
     "a full storage makes the network hold back incoming messages"},
    {"PDU mode", Needs::at, step_pdu_mode, "smsgw speaks PDU mode only (AT+CMGF=0)"},
    {"new message indications", Needs::at, step_cnmi,
     "+CNMI announcements deliver replies at once; without them the daemon polls the storage"},
};
// clang-format on

std::string skip_reason(Needs needs, const ProbeContext& c) {
    if (!c.port_open) return "the port did not open";
    if (needs != Needs::port && !c.responds) return "the modem does not answer AT";
    if (needs == Needs::sim && !c.sim_ready) return "needs the SIM unlocked (see SIM/PIN)";
    return {};
}

awaitable<int> run_probe(asio::any_io_executor ex, const ProbeArgs& args,
                         std::vector<Check>& checks) {
    PortLink link(ex, args.port);
    ProbeContext c{link, args};
    if (auto failure = link.open(args.modem.baud)) {
        checks.push_back({"port opens", Status::fail, failure->what, failure->hint});
    } else {
        c.port_open = true;
        checks.push_back({"port opens",
                          Status::ok,
                          args.port + " at " + std::to_string(args.modem.baud) + " baud",
                          {}});
    }
    for (const auto& step : probe_steps) {
        if (auto why = skip_reason(step.needs, c); !why.empty()) {
            checks.push_back({std::string(step.item), Status::skip, "", why});
            continue;
        }
        checks.push_back(co_await step.run(c));
    }
    link.close();
    co_return 0;
}

int probe(const ProbeArgs& args) {
    std::vector<Check> checks;
    run_on_io([&](asio::any_io_executor ex) { return run_probe(ex, args, checks); });
    const bool ok = std::none_of(checks.begin(), checks.end(),
                                 [](const Check& c) { return c.status == Status::fail; });
    if (args.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& c : checks)
            list.push_back({{"item", c.item},
                            {"status", to_string(c.status)},
                            {"value", c.value},
                            {"hint", c.hint}});
        std::cout << nlohmann::json{{"port", args.port}, {"checks", list}, {"ok", ok}}.dump()
                  << "\n";
    } else {
        TextTable table({"ITEM", "STATUS", "VALUE", "HINT"});
        for (const auto& c : checks)
            table.add({c.item, std::string(to_string(c.status)), c.value, c.hint});
        std::cout << "smsgw-diag probe " << args.port << "\n\n";
        table.print(std::cout);
        const auto count = [&](Status s) {
            return std::count_if(checks.begin(), checks.end(),
                                 [&](const Check& c) { return c.status == s; });
        };
        std::cout << "\n"
                  << (ok ? "ready for SMS" : "NOT ready for SMS") << ": " << count(Status::ok)
                  << " OK, " << count(Status::warn) << " WARN, " << count(Status::fail) << " FAIL, "
                  << count(Status::skip) << " SKIP\n";
    }
    return ok ? 0 : 1;
}

}  // namespace

void add_probe_command(CLI::App& app, int& status) {
    auto args = std::make_shared<ProbeArgs>();
    auto* cmd = app.add_subcommand(
        "probe",
        "checklist of a modem: AT, SIM/PIN, registration, signal, SMSC, storage, PDU mode");
    cmd->add_option("port", args->port, "serial port of the modem (e.g. /dev/ttyUSB2)")->required();
    add_modem_options(*cmd, args->modem);
    cmd->add_flag("--json", args->json,
                  "one JSON object: {port, checks:[{item,status,value,hint}], ok}");
    cmd->callback([args, &status] {
        set_verbose(args->modem.verbose);
        status = probe(*args);
    });
}

}  // namespace smsgw::diag
