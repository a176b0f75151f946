// One GSM modem, driven for its owner (the daemon): the lifecycle open →
// identify → unlock → register → configure → ready → recover runs as one
// coroutine on the owner's io_context, and the owner sees plain data — a
// ModemStatus snapshot on every state change, each inbound PDU, each status
// report — through a ModemObserver, and sends with send(). A stored message is
// deleted from the modem (AT+CMGD) only when the owner calls confirm_committed():
// a crash between receiving and committing loses nothing (DESIGN.md, Data kept).
// Settings are plain data: drivers/ knows nothing of config/.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/asio.hpp"
#include "drivers/at/error_table.hpp"

namespace smsgw::drivers {

using namespace std::chrono_literals;

struct ModemSettings {
    std::string name;  // "office-1": log prefix modem[office-1]
    // Either a fixed port, or a match: candidate ports are opened in turn and the
    // one whose AT+CGSN is `imei` (or whose USB serial number is `usb_serial`) wins.
    // With both a port and an imei, the modem on the port must have that IMEI.
    std::string port;
    std::string imei;
    std::string usb_serial;
    std::vector<std::string> candidates = {"/dev/ttyUSB*", "/dev/ttyACM*"};  // shell globs
    int baud = 115200;
    bool rtscts = false;
    std::string pin;   // empty: none configured
    std::string smsc;  // "+491722270333"; empty: keep the SIM's
    // Timeouts and periods. Tests shorten them; the defaults suit real sticks.
    std::chrono::milliseconds command_timeout = 5s;
    // +CMGS after Ctrl-Z. Vendors give the network up to 120 s (Quectel's
    // manuals: "maximum response time 120 s, determined by network"); an
    // answer after the timeout leaves the part uncertain, so waiting less
    // would turn slow sends into messages a person must look at.
    std::chrono::milliseconds send_timeout = 120s;
    std::chrono::milliseconds register_timeout = 90s;
    std::chrono::milliseconds register_poll = 2s;
    // SMS commands fail for some seconds after the SIM is ready, until the
    // modem's SMS service has started: AT+CMGF=0 and AT+CPMS are tried this
    // long, every register_poll, before the modem is taken for one without
    // PDU mode (or set up without a message storage).
    std::chrono::milliseconds sms_service_wait = 60s;
    std::chrono::milliseconds health_interval = 30s;
    std::chrono::milliseconds drain_interval = 5min;  // AT+CMGL=4: some modems never announce
    // AT+CMGL=4 this often instead when the +CNMI in force announces no new
    // message (<mt>=1 refused, or no setting taken): polling finds them.
    std::chrono::milliseconds poll_interval = 10s;
    std::chrono::milliseconds backoff_min = 1s;       // reopen after unplug, doubling…
    std::chrono::milliseconds backoff_max = 60s;      // …up to this (5 s while the port is absent)
    std::chrono::milliseconds reboot_wait = 10s;      // after AT+CFUN=1,1
    std::chrono::milliseconds resync_quiet = 500ms;   // at::TimerId::quiet
    std::chrono::milliseconds resync_probe = 2s;      // at::TimerId::probe
};

enum class ModemState {
    stopped,      // not started, or stop() called
    opening,      // looking for / opening the port
    identifying,  // AT, ATE0, +CMEE, +CGMI/+CGMM/+CGMR/+CGSN/+CIMI, ICCID
    unlocking,    // +CPIN?, PIN entry
    registering,  // waiting for +CREG/+CEREG home or roaming
    configuring,  // +CMGF=0, +CSCA, +CPMS, +CNMI
    ready,        // sending and receiving
    recovering,   // a hang: ESC and AT, port re-open, AT+CFUN=1,1
    down,         // the port vanished or cannot be opened: retrying with backoff
    failed,       // a technician must act (wrong PIN, PUK, no SIM, wrong modem)
};
std::string_view to_string(ModemState s);

struct ModemStatus {
    std::string name;
    ModemState state = ModemState::stopped;
    std::string port;  // the path in use or last used
    std::string manufacturer, model, firmware;
    std::string imei, imsi, iccid;
    std::string operator_name;
    std::string registration;  // to_string(at::RegStatus): "home", "roaming", "denied"…
    // The last AT+CSQ reading and when it was taken. It is taken while the
    // modem is ready (every health check) and kept when the modem goes away,
    // so it says what the signal was, not what it is: the owner decides when
    // it is current (daemon/core/views.cpp).
    std::optional<int> signal_dbm;
    int signal_bars = 0;  // 0–5
    std::optional<std::chrono::system_clock::time_point> signal_at;
    std::string smsc;
    std::optional<int> pin_retries;
    std::string storage;  // "SM"
    int storage_used = 0, storage_total = 0;
    std::string cnmi;  // the +CNMI setting in force
    std::string last_error;       // machine name: "pin_rejected", "port_busy", "+CMS ERROR 38 …"
    std::string last_error_text;  // for people, with what to do
};

// TP-Status report of a sent part (TS 23.040 §9.2.2.3), matched by TP-MR.
struct StatusReport {
    int mr = 0;             // TP-MR of the part it reports on
    std::string recipient;  // "+49…"
    int status = 0;         // TP-ST
    bool delivered = false;  // TP-ST 0x00–0x1F
    bool final = true;       // false while the SMSC keeps trying (0x20–0x3F)
    std::string text;        // pdu::describe_status
    // TP-SCTS: when the SMSC took the part, which tells two parts apart that
    // share TP-MR and recipient (the MR wraps at 256).
    std::optional<std::chrono::sys_seconds> submitted_at;
};

// A PDU read from the modem. Stored ones (index set) stay on the modem until
// confirm_committed(); direct ones (+CMT/+CDS) were acknowledged already.
struct InboundPdu {
    std::string modem;
    std::string storage;       // "SM", "ME", "SR"; empty when routed directly
    std::optional<int> index;  // storage index; nullopt for +CMT/+CDS
    std::string hex;           // as AT+CMGR gives it: SMSC field first
    int tpdu_length = 0;
    std::optional<StatusReport> status_report;  // set for SMS-STATUS-REPORTs
    std::string decode_error;                   // non-empty when pdu/ could not decode it
};

struct SendResult {
    enum class Status {
        sent,       // the network took it (+CMGS: <mr>); mr is its TP-MR
        failed,     // refused: error says why and whether to retry (error_class())
        uncertain,  // no answer after the PDU, or OK without +CMGS: the network may have
                    // it — never resend silently
        not_ready,  // the modem did not take it (not ready, gone, prompt timeout): safe to retry
    };
    Status status = Status::not_ready;
    int mr = -1;
    std::optional<at::ModemError> error;
    std::string reason;  // for people

    at::ErrorClass error_class() const {
        return error ? error->entry().error_class : at::ErrorClass::temporary;
    }
};
std::string_view to_string(SendResult::Status s);

class ModemObserver {
  public:
    virtual ~ModemObserver() = default;
    // Every state change, with the status after it and why ("+CREG: 0,1").
    virtual void on_state(const ModemStatus& status, ModemState from, const std::string& why) = 0;
    // An SMS-DELIVER (or a PDU that did not decode); confirm_committed() when stored.
    virtual void on_inbound(const InboundPdu& pdu) = 0;
    // An SMS-STATUS-REPORT (pdu.status_report is set); confirm_committed() likewise.
    virtual void on_status_report(const InboundPdu& pdu) = 0;
};

class Modem {
  public:
    // The observer must outlive the Modem or be detached with stop().
    Modem(asio::io_context& io, ModemSettings settings, ModemObserver* observer);
    ~Modem();  // stops
    Modem(const Modem&) = delete;
    Modem& operator=(const Modem&) = delete;

    // Starts run() on the io_context; an exception inside is logged and the
    // lifecycle restarts from open after backoff_min.
    void start();
    // Closes the port and ends the lifecycle; no observer call after this returns.
    void stop();

    // The lifecycle itself (start() spawns it). Returns when stopped.
    awaitable<void> run();

    // Awaited right before a part's AT+CMGS is written, with nothing else on
    // the line then and no other command written until it answers: empty lets
    // the part go; a reason keeps it back (not_ready, "not written: <reason>").
    // The owner commits there that the part may be on the network.
    using SendGate = std::function<awaitable<std::string>()>;

    // Sends one part: AT+CMGS=<tpdu_length>, the PDU (SMSC field first), Ctrl-Z.
    // A message the modem has announced (+CMTI) is read first, so that an
    // inbound STOP waits for no more than the AT+CMGS already in flight.
    awaitable<SendResult> send(std::string pdu_hex, int tpdu_length, SendGate before_write = {});

    // The owner has committed `pdu`: delete it from the modem (AT+CMGD), once
    // the messages the modem has announced meanwhile are read. Unless it was
    // read on this line with no resync since, the slot is read first
    // (AT+CMGR) and deleted only while it holds this PDU: an AT+CMGD whose
    // answer was lost is never repeated blindly, since a new message may have
    // taken the freed slot (it is reported instead). A refused AT+CMGD is
    // tried again after the next health check. Does nothing for PDUs without
    // an index. Safe to call from any callback.
    void confirm_committed(const InboundPdu& pdu);
    // The owner could not store `pdu` (its database failed): it stays on the
    // modem and is reported again after the next health check. Does nothing
    // for PDUs without an index (+CMT/+CDS, acknowledged when they came).
    void release(const InboundPdu& pdu);

    // A modem failed (a technician had to act) or down (its port gone) is
    // tried again now rather than at its next retry; otherwise nothing.
    void try_again_now();

    const ModemStatus& status() const;
    const ModemSettings& settings() const;

  private:
    class Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace smsgw::drivers
