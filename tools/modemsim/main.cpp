// smsgw-modemsim: a simulated GSM modem on a pseudo-terminal for integration
// tests, benchmarks and the demo. This file only turns the command line into
// a SimConfig and starts the loop; see README/DESIGN for the control socket.
#include <CLI/CLI.hpp>

#include <iostream>
#include <sstream>

#include "tools/modemsim/sim_log.hpp"
#include "tools/modemsim/simulator.hpp"

using namespace smsgw::modemsim;

namespace {

std::vector<int> parse_codes(const std::string& list) {
    std::vector<int> codes;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ',')) {
        std::size_t used = 0;
        int code = std::stoi(item, &used);
        if (used != item.size() || code < 0 || code > 511) throw std::invalid_argument(item);
        codes.push_back(code);
    }
    return codes;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"smsgw-modemsim — a simulated GSM modem (AT, PDU mode) on a pseudo-terminal"};
    SimConfig c;
    SimPaths paths;
    std::string flavour = "generic", registration = "home", error_codes = "38,42";
    int index_base = -1;

    app.add_option("--link", paths.link, "symlink to create for the pty slave")->required();
    app.add_option("--control", paths.control, "Unix socket for the JSON-lines control protocol");
    app.add_option("--log", paths.log, "append one JSON line per sent part to FILE");
    app.add_option("--flavour", flavour, "vendor dialect")
        ->check(CLI::IsMember({"generic", "huawei", "quectel", "simcom"}))
        ->capture_default_str();
    app.add_option("--manufacturer", c.manufacturer, "AT+CGMI answer (default: the flavour's)");
    app.add_option("--model", c.model, "AT+CGMM answer (default: the flavour's)");
    app.add_option("--imei", c.imei, "AT+CGSN answer")->capture_default_str();
    app.add_option("--imsi", c.imsi, "AT+CIMI answer; MCC+MNC are its first 5 digits")->capture_default_str();
    app.add_option("--iccid", c.iccid, "AT+CCID answer")->capture_default_str();
    app.add_option("--operator", c.operator_name, "operator name for AT+COPS")->capture_default_str();
    app.add_option("--smsc", c.smsc, "SMSC address in AT+CSCA?")->capture_default_str();
    app.add_option("--pin", c.pin, "SIM PIN; the SIM starts locked when given");
    app.add_option("--puk", c.puk, "SIM PUK")->capture_default_str();
    app.add_option("--storage-size", c.storage_size, "slots in each of SM and ME")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    app.add_option("--sim-slots", c.sim_slots,
                   "slots in SM where not --storage-size; 0: a SIM with no message records, "
                   "whose SM the modem accepts with 0 slots")
        ->check(CLI::Range(0, 1000));
    app.add_option("--me-slots", c.me_slots,
                   "slots in ME where not --storage-size; 0: a modem with no message storage of "
                   "its own")
        ->check(CLI::Range(0, 1000));
    app.add_option("--index-base", index_base, "first storage index, 0 or 1 (default: the flavour's)")
        ->check(CLI::IsMember({0, 1}));
    app.add_option("--cmgs-latency-ms", c.cmgs_latency_ms, "network round trip of each AT+CMGS")
        ->check(CLI::Range(0, 600000))
        ->capture_default_str();
    app.add_option("--answer-latency-ms", c.answer_latency_ms,
                   "time the modem works on each command line before it answers (indications "
                   "wait meanwhile)")
        ->check(CLI::Range(0, 600000))
        ->capture_default_str();
    app.add_option("--error-rate", c.error_rate, "probability that a submit gets +CMS ERROR")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    app.add_option("--error-codes", error_codes, "+CMS ERROR codes used for --error-rate")
        ->capture_default_str();
    app.add_flag("--bare-submit-errors", c.bare_submit_errors,
                 "answer those refusals with a bare ERROR, whatever AT+CMEE says");
    app.add_flag("--cmgs-final-lost", c.cmgs_final_lost,
                 "the OK after each +CMGS: <mr> is lost (a noisy serial line)");
    app.add_flag("--cmgs-without-mr", c.cmgs_without_mr,
                 "faulty firmware: a sent part is answered OK without +CMGS: <mr>");
    app.add_flag("--echo-stuck", c.echo_stuck,
                 "faulty firmware: ATE0 is answered OK but the echo stays on");
    app.add_flag("--numeric-results", c.saved_numeric_results,
                 "the saved profile (power-on, ATZ) gives result codes as digits: ATV0");
    app.add_flag("--quiet-results", c.saved_quiet,
                 "the saved profile (power-on, ATZ) sends no result codes: ATQ1");
    app.add_option("--seed", c.seed, "random seed (errors, noise, shuffled parts)")->capture_default_str();
    app.add_option("--signal", c.signal, "AT+CSQ <rssi>: 0..31, 99 unknown")
        ->check(CLI::Range(0, 31) | CLI::IsMember({99}))
        ->capture_default_str();
    app.add_option("--registration", registration, "network registration")
        ->check(CLI::IsMember({"home", "roaming", "searching", "denied", "none"}))
        ->capture_default_str();
    app.add_flag("--lte-only", c.lte_only,
                 "registered on LTE only: +CREG and +CGREG say searching, +CEREG the registration");
    app.add_flag("--auto-report", c.auto_report, "status report for each part that requests one");
    app.add_option("--report-delay-ms", c.report_delay_ms, "delay of --auto-report reports")
        ->check(CLI::Range(0, 600000))
        ->capture_default_str();
    app.add_option("--first-mr", c.first_mr, "TP-MR of the first submit")
        ->check(CLI::Range(0, 255))
        ->capture_default_str();
    app.add_option("--csms-power-on", c.csms_power_on,
                   "the message service the modem starts with (kept in NV memory by some)")
        ->check(CLI::Range(0, 1))
        ->capture_default_str();
    app.add_option("--cnmi-test", c.cnmi_test, "what AT+CNMI=? lists")->capture_default_str();
    app.add_option("--lose-answer-every", c.lose_answer_every,
                   "every Nth command line is carried out but its answer lost (0: none)")
        ->check(CLI::Range(0, 1000000))
        ->capture_default_str();
    app.add_flag("--reports-in-sr", c.reports_in_sr,
                 "store status reports in \"SR\" (announced +CDSI: \"SR\",<index>), not in <mem3>");
    app.add_flag("--no-sim-storage", c.no_sim_storage,
                 "the SIM holds no messages: AT+CPMS refuses \"SM\", received ones go to \"ME\"");
    app.add_flag("--padded-reads", c.padded_reads,
                 "AT+CMGR shows an SM message padded with FF to its SIM record's 175 octets");
    app.add_option("--cnma-timeout-ms", c.cnma_timeout_ms, "+CMT/+CDS acknowledgement timeout (AT+CSMS=1)")
        ->check(CLI::Range(1, 600000))
        ->capture_default_str();
    app.add_option("--noise-interval-ms", c.noise_interval_ms, "Huawei: period of ^RSSI/^MODE/^BOOT (0: off)")
        ->check(CLI::Range(0, 3600000))
        ->capture_default_str();
    app.add_option("--noise-in-response", c.noise_in_response,
                   "Huawei: probability of a noise line inside a response")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    app.add_option("--reset-ms", c.reset_ms, "how long AT+CFUN=1,1 leaves the modem deaf")
        ->check(CLI::Range(0, 600000))
        ->capture_default_str();
    app.add_option("--sms-init-ms", c.sms_init_ms,
                   "SMS commands answer ERROR for this long after power-on or a restart")
        ->check(CLI::Range(0, 600000))
        ->capture_default_str();
    app.add_flag("-v,--verbose", c.verbose, "log every AT line to stderr");
    app.footer(
        "Control protocol (--control SOCKET): one JSON object per line, one answer per line,\n"
        "{\"ok\":true,…} or {\"ok\":false,\"error\":\"<field>: <what was expected>\"}.\n"
        "  {\"op\":\"inject_sms\",\"from\":\"+49…\",\"text\":\"…\"}  a received message; optional:\n"
        "      encoding (auto|gsm7|ucs2), reference (0–65535; >255: 16-bit), parts_order\n"
        "      (inorder|reverse|shuffled), class0, announce (false: no +CMTI)\n"
        "  {\"op\":\"inject_pdu\",\"pdu\":\"<SMS-DELIVER hex, SMSC field first>\"}\n"
        "  {\"op\":\"status_report\",\"mr\":N}  optional: status (TP-ST), recipient, announce\n"
        "  {\"op\":\"noise\",\"line\":\"^RSSI: 17\"}  now; or during_next_response: true, or\n"
        "      during_response_to: \"AT+CMGS\" (inside that answer), before_answer: true\n"
        "  {\"op\":\"hang\",\"seconds\":S}  {\"op\":\"unplug\",\"seconds\":S}\n"
        "  {\"op\":\"restart\"}  optional: quiet, keep_echo\n"
        "  {\"op\":\"sim\",\"event\":\"reset\"}  the SIM, without a restart: reset (asks for its PIN\n"
        "      again when it has one), removed or inserted; optional: announce (+CPIN: …)\n"
        "  {\"op\":\"set\",…}  signal (0–31, 99), registration (home|roaming|searching|denied|none),\n"
        "      lte_only (true|false, as --lte-only),\n"
        "      error_rate (0–1), operator, lose_answer_to (\"AT+CMGD\"), refuse_reads, cmgs_without_mr,\n"
        "      answer_latency_ms (as --answer-latency-ms, from the next command)\n"
        "  {\"op\":\"stats\"}  {\"op\":\"sent\"}  {\"op\":\"storage\"}  counters, parts sent, slots\n");
    CLI11_PARSE(app, argc, argv);

    c.flavour = *flavour_from_string(flavour);
    c.registration = *registration_from_string(registration);
    if (index_base >= 0) c.index_base = index_base;
    try {
        c.error_codes = parse_codes(error_codes);
    } catch (const std::exception&) {
        std::cerr << "--error-codes: expected a comma-separated list of numbers 0..511, got \""
                  << error_codes << "\"\n";
        return 2;
    }
    log_verbose() = c.verbose;
    try {
        Simulator sim(std::move(c), std::move(paths));
        return sim.run();
    } catch (const std::exception& e) {
        std::cerr << "smsgw-modemsim: " << e.what() << '\n';
        return 1;
    }
}
