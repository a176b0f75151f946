// What one simulated modem is: its identity, SIM, network and the faults it
// injects. Filled from the command line by main.cpp, read by every other part
// of the simulator; changed at run time only through the control socket's
// `set` operation. Kept free of CLI11 and JSON so the AT core stays plain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smsgw::modemsim {

// Which vendor dialect the simulator speaks (see flavour.hpp for the details).
enum class Flavour : std::uint8_t { generic, huawei, quectel, simcom };
const char* to_string(Flavour f);
std::optional<Flavour> flavour_from_string(std::string_view name);

// Network registration as +CREG reports it (TS 27.007 §7.2 <stat>).
enum class Registration : std::uint8_t { none, home, searching, denied, roaming };
const char* to_string(Registration r);
std::optional<Registration> registration_from_string(std::string_view name);
int creg_stat(Registration r);  // 0 none, 1 home, 2 searching, 3 denied, 5 roaming
bool is_registered(Registration r);  // home or roaming

struct SimConfig {
    Flavour flavour = Flavour::generic;
    std::string manufacturer;  // empty: the flavour's
    std::string model;         // empty: the flavour's
    std::string imei = "356938035643809";
    std::string imsi = "262019876543210";
    std::string iccid = "89490200001234567890";
    std::string operator_name = "smsgw-net";
    std::string smsc = "+491722270333";
    std::string pin;  // empty: the SIM is not PIN-locked
    std::string puk = "12345678";
    int storage_size = 20;              // slots per storage ("SM" and "ME")
    // Slots on the SIM ("SM") where not storage_size; 0: a SIM with no message
    // records whose "SM" the modem still accepts, showing 0 slots.
    std::optional<int> sim_slots;
    // Slots in the modem's own "ME" where not storage_size; 0: a module with no
    // message storage of its own.
    std::optional<int> me_slots;
    std::optional<int> index_base;      // 0 or 1; empty: the flavour's
    int cmgs_latency_ms = 0;            // network round trip of one submit
    // How long the modem works on each command line before it answers (real
    // sticks take tens to hundreds of ms for SIM reads and lists); the line is
    // busy meanwhile: what is typed waits, indications are held.
    int answer_latency_ms = 0;
    double error_rate = 0.0;            // probability that a submit fails
    bool cmgs_without_mr = false;       // faulty firmware: OK without +CMGS: <mr>
    bool cmgs_final_lost = false;       // the OK after +CMGS: <mr> is lost on the line
    bool echo_stuck = false;            // faulty firmware: ATE0 answers OK, the echo stays on
    // The profile the modem powers on with and ATZ restores, as a program that
    // once used the port may have saved it with AT&W: result codes as digits
    // (ATV0) or none at all (ATQ1).
    bool saved_numeric_results = false;
    bool saved_quiet = false;
    std::vector<int> error_codes = {38, 42};  // +CMS ERROR codes used then
    // Those refusals as a bare ERROR, as some firmware answers a PDU it
    // refuses whatever AT+CMEE says.
    bool bare_submit_errors = false;
    std::uint32_t seed = 1;
    int signal = 20;                    // +CSQ <rssi>, 0..31 or 99
    Registration registration = Registration::home;
    // An LTE-only stick (or a network without 2G/3G): +CREG and +CGREG say
    // "searching" while +CEREG reports the registration; its SMS go over LTE.
    bool lte_only = false;
    bool auto_report = false;           // a status report for each part with SRR
    int report_delay_ms = 500;
    int first_mr = 0;                   // TP-MR the first submit gets
    int cnma_timeout_ms = 15000;        // +CMT/+CDS not acknowledged → routing off
    int csms_power_on = 0;              // the message service kept in NV memory (AT+CSMS)
    // What AT+CNMI=? lists; some modems offer no stored status reports (<ds>=2).
    std::string cnmi_test = "(0-2),(0-3),(0,2),(0-2),(0,1)";
    int noise_interval_ms = 4000;       // Huawei periodic ^RSSI/^MODE/^BOOT
    double noise_in_response = 0.1;     // Huawei: chance of a noise line inside a reply
    int reset_ms = 500;                 // AT+CFUN=1,1: deaf while it reboots
    // SMS commands answer ERROR for this long after power-on or a restart, until
    // the modem's SMS service has started (SIM800's "SMS Ready", Quectel's
    // "+QIND: SMS DONE", which then come at its end rather than with the rest
    // of the start-up lines).
    int sms_init_ms = 0;
    int lose_answer_every = 0;          // every Nth command line is done but not answered
    // Status reports are stored in "SR" whatever AT+CPMS says (some Qualcomm
    // and SIMCom modems), not in <mem3>.
    bool reports_in_sr = false;
    // The SIM holds no messages (some data-only SIMs and modules): AT+CPMS
    // refuses "SM", and the modem stores what it receives in its own "ME".
    bool no_sim_storage = false;
    // AT+CMGR shows a SIM message as its record holds it: the PDU followed by
    // FF octets up to the record's 175 (TS 31.102 EF_SMS); AT+CMGL does not.
    bool padded_reads = false;
    bool verbose = false;               // log every AT line to stderr
};

}  // namespace smsgw::modemsim
