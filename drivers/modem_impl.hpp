// Modem's private half, shared by modem.cpp (the lifecycle) and modem_io.cpp
// (sending, receiving, health). Not installed; only drivers/*.cpp include it.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "drivers/at/network_replies.hpp"
#include "drivers/at/quirks.hpp"
#include "drivers/at/sms_replies.hpp"
#include "drivers/at_engine.hpp"
#include "drivers/modem.hpp"
#include "drivers/serial_port.hpp"

namespace smsgw::drivers {

// Why a step of the lifecycle ended.
enum class Exit {
    ok,          // go on to the next step
    gone,        // read error / EOF: the device went away
    hang,        // no answer in time: recovery ladder
    failed,      // a technician must act; retried slowly, never with a rejected PIN
    reregister,  // registration lost while ready
    sim,         // the SIM asks for attention again (its PIN, gone): unlock it anew
    restarted,   // the modem announced a start-up while ready: set it up again
    stopped,     // stop() was called
};

class Modem::Impl : public std::enable_shared_from_this<Modem::Impl> {
  public:
    Impl(asio::io_context& io, ModemSettings settings, ModemObserver* observer);

    void start();
    void stop();
    awaitable<void> run();
    awaitable<SendResult> send(std::string pdu_hex, int tpdu_length, Modem::SendGate before_write);
    void confirm_committed(const InboundPdu& pdu);
    void release(const InboundPdu& pdu);
    void try_again_now();

    ModemSettings settings_;
    ModemStatus status_;

  private:
    // ---- modem.cpp: lifecycle -----------------------------------------------
    awaitable<Exit> open_port();
    awaitable<Exit> try_port(const std::string& path, bool must_match);
    awaitable<Exit> identify_basic();
    awaitable<Exit> identify();
    awaitable<Exit> unlock();
    // While not registered: whether the SIM is the reason (AT+CPIN? says other
    // than READY) — Exit::sim then, with sim_attention_ saying why.
    awaitable<Exit> check_sim_while_unregistered();
    // Whether an error (by its table name) is about the SIM's state: not
    // inserted, failed, wrong, or asking for a PIN or PUK.
    static bool is_sim_state_error(std::string_view error_name);
    // Whether an error (by its table name) is the SIM asking for a PIN or PUK.
    static bool asks_for_code(std::string_view error_name);
    awaitable<Exit> register_network();
    awaitable<Exit> configure();
    // configure() waits this long for the modem's SMS service to start.
    struct SmsServiceWait {
        std::chrono::steady_clock::time_point deadline;
        bool waited = false;  // some SMS command was refused meanwhile
    };
    // Parts of configure(): AT+CMGF=0, and the message storage (AT+CPMS).
    awaitable<Exit> enter_pdu_mode(SmsServiceWait& wait);
    awaitable<Exit> choose_storage(SmsServiceWait& wait);
    // All three storages set to `name` ("SM", "ME"), its answer's counts shown.
    void use_storage(const std::string& name, const Reply& cpms_set);
    // After an SMS command was refused at set-up (`why`: the command and its
    // answer): Exit::ok after a pause to try again, Exit::failed once the
    // wait's deadline has passed, Exit::stopped.
    awaitable<Exit> wait_for_sms_service(SmsServiceWait& wait, const std::string& why);
    awaitable<Exit> ready_loop();
    // How often the storage is read for what nobody announced: rarely when the
    // +CNMI in force announces new messages, every poll_interval when not.
    std::chrono::milliseconds drain_every() const;
    awaitable<Exit> recover(std::string why);
    awaitable<bool> responds();
    awaitable<bool> answered_after_recovery();
    bool reopen(const std::string& path);
    void close_port();

    // ---- modem_io.cpp: traffic and health -----------------------------------
    // Signal, registration, operator, storage; Exit::ok, or why the lifecycle
    // must leave ready (no answer, gone, no longer registered).
    awaitable<Exit> health();
    // Part of health(): +CNMI still as set (else Exit::restarted, or set again
    // when the last such restart was under 10 minutes ago).
    awaitable<Exit> check_settings();
    // The +CNMI line of an AT+CNMI? answer, spaces dropped; empty when none.
    static std::string cnmi_shown(const Reply& r);
    // Messages in `storage` the driver knows of: announced or reported and not
    // yet deleted, and outgoing ones someone wrote to the SIM (last drain).
    int known_stored(const std::string& storage) const;
    // Lists and reports what the storages hold that the driver does not know of.
    awaitable<void> drain();
    // One storage (AT+CMGL=4): reports what it holds that was not reported
    // yet, and answers the indexes listed; nullopt when it could not be listed
    // (not selected, refused, not understood, no answer).
    awaitable<std::optional<std::set<int>>> list_stored(const std::string& storage);
    // What AT+CMGR shows in a slot. Neither empty nor held: not selected,
    // no answer (the lifecycle recovers), or an answer not understood.
    struct Slot {
        bool selected = false;  // AT+CPMS took the storage
        bool empty = false;
        std::optional<at::StoredPdu> held;
    };
    awaitable<Slot> read_slot(const std::string& storage, int index);
    // Reports what a slot holds unless it is an outgoing message.
    void report_slot(const std::string& storage, int index, const at::StoredPdu& held);
    awaitable<void> read_stored(std::string storage, int index);
    // Reads what the modem announced (to_read_): the first slot with AT+CMGR,
    // or every slot waiting in its storage with one listing (see there).
    awaitable<void> read_announced();
    // Ready, with messages announced: reads them (read_announced) with a send
    // waiting for that held back meanwhile (see health_cmd).
    awaitable<void> read_announced_first();
    awaitable<void> delete_stored(InboundPdu pdu);
    // Before an AT+CMGD: selects the storage and, with read_again, reads the
    // slot. True when the delete may go (the slot still holds `pdu`);
    // otherwise it has dealt with the slot (reported what took its place,
    // put the delete off).
    awaitable<bool> may_delete(InboundPdu& pdu, bool read_again);
    void forget_slot(const std::pair<std::string, int>& where);  // deleted, or found empty
    awaitable<bool> select_storage(const std::string& storage);
    awaitable<void> acknowledge();
    void report(InboundPdu pdu);
    // Why a part cannot go out now (not ready, recovering, gone); empty: it can.
    std::string cannot_send() const;
    void on_urc(const at::Urc& urc);

    // ---- helpers ------------------------------------------------------------
    // One command. A lost answer is asked once more (after the session's
    // resync has found the modem answering) before the modem counts as hung:
    // real modems drop an answer now and then, and a whole new set-up for each
    // would keep one that drops many from ever getting ready. Not for a PIN
    // (a second try could cost a SIM attempt), a reset nor a delete (see cmd).
    awaitable<Reply> cmd(std::string text, std::chrono::milliseconds timeout = {},
                         bool sensitive = false);
    // One command of the health check, then what the modem announced
    // meanwhile is read: a STOP waits for one command, not a whole check.
    awaitable<Reply> health_cmd(std::string text);
    // A command got no answer for good: the lifecycle recovers (hang_).
    void no_answer(const std::string& command, const std::string& reason);
    // Sleeps for `d` or until wake(); true unless stopped.
    awaitable<bool> sleep(std::chrono::milliseconds d);
    void wake();
    void set_state(ModemState to, const std::string& why);
    void publish(const std::string& why);  // same state, new values
    void set_error(std::string name, std::string text);
    // A modem-class refusal of AT+CMGS shown as the modem's last error.
    void show_send_error(const at::Final& final);
    Exit exit_for(const Reply& r) const;  // gone/hang/stopped for a failed Reply, else ok
    at::SessionConfig session_config() const;
    void note_echo(const at::Complete& c);
    // A restart guessed from a symptom (the echo back on, +CNMI lost) sets the
    // modem up anew at most once in 10 minutes: one showing the symptom for
    // another reason is not set up again all the time.
    bool may_set_up_anew() const;
    void set_up_anew(std::string why);  // restarted_ = why, and the time noted
    // Notes what a domain said (an answer or a URC; +CGREG, packet data only,
    // is left out) and shows the registered one, if one is, in the status.
    void note_registration(const at::Registration& reg);
    bool registered() const;  // the circuit or the EPS domain is
    std::string log_name() const { return "modem[" + settings_.name + "]"; }

    asio::io_context& io_;
    ModemObserver* observer_;
    std::shared_ptr<AtEngine> engine_;
    std::unique_ptr<SerialPort> port_;
    asio::steady_timer wake_;
    const at::Quirks* quirks_;

    bool running_ = false;
    bool stopping_ = false;
    bool in_recovery_ = false;
    std::string gone_;  // why the port went away; empty while it is there
    std::string hang_;  // the command that got no answer; empty when none
    std::string restarted_;  // the start-up indication seen while ready; empty when none
    // Why the SIM needs unlocking again while the modem runs (an AT+CMGS or
    // AT+CPIN? said so: a SIM re-seated or reset asks for its PIN again, one
    // pulled is gone); empty when it does not.
    std::string sim_attention_;
    bool echo_seen_off_ = false;  // a command answered without echo since the last set-up
    bool echo_after_restart_told_ = false;  // the log said it once since the last set-up
    bool send_error_shown_ = false;  // last_error is a refused AT+CMGS's (show_send_error)
    bool reregister_ = false;
    // What each domain said last: +CREG (circuit) and +CEREG (EPS). An LTE-only
    // stick, or a network without 2G/3G, answers "searching" to AT+CREG? while
    // +CEREG says registered, and its SMS go over LTE: the modem counts as
    // registered while either says so (as smsgw-diag judges it).
    std::optional<at::RegStatus> circuit_reg_;
    std::optional<at::RegStatus> eps_reg_;
    // When the lifecycle last left ready because the registration was lost.
    std::optional<std::chrono::steady_clock::time_point> last_reregister_;
    bool drain_requested_ = false;
    bool pin_rejected_ = false;
    bool needs_cnma_ = false;
    std::string mem1_;  // storage AT+CMGR/AT+CMGD work on
    // <mem3>, where the modem stores received messages: "SM" unless the SIM
    // refused to hold them; always drained.
    std::string received_storage_ = "SM";
    std::deque<std::pair<std::string, int>> to_read_;  // +CMTI/+CDSI
    // Announced slots still to read one by one after a listing of them
    // failed, so that a modem whose listings fail is not asked for one
    // before each read.
    std::size_t read_singly_ = 0;
    // Drained besides received_storage_: "SR" when AT+CPMS=? offers it, any
    // other an indication named.
    std::set<std::string> drained_storages_;
    // "+CNMI:…" as the modem showed it once set up (spaces dropped); empty
    // when none was accepted or the modem does not answer AT+CNMI?.
    std::string cnmi_as_set_;
    std::optional<std::chrono::steady_clock::time_point> last_settings_restart_;
    // The last RING of a call coming in; empty once it ended.
    std::optional<std::chrono::steady_clock::time_point> last_ring_;
    // Stored-sent/unsent messages the last drain found in received_storage_.
    int outgoing_stored_ = 0;
    bool reading_ = false;  // the lifecycle is in read_announced()
    // Cancelled when a read ends, the state changes, or wake() or stop() is
    // called: a send waiting for the announced messages looks again (send()).
    asio::steady_timer inbound_read_;
    bool inbound_waiting() const { return !to_read_.empty() || reading_; }
    // While read_announced() runs; at its end a send waiting for it goes on.
    struct Reading {
        explicit Reading(Impl& modem) : m(modem) { m.reading_ = true; }
        ~Reading() {
            m.reading_ = false;
            m.inbound_read_.cancel();
        }
        Reading(const Reading&) = delete;
        Reading& operator=(const Reading&) = delete;
        Impl& m;
    };
    std::deque<InboundPdu> to_delete_;                 // confirmed by the owner
    // Reported, not yet confirmed: each slot with the line's resync count
    // when it was read (see delete_stored).
    std::map<std::pair<std::string, int>, std::uint64_t> outstanding_;
    // Released by the owner (not stored): read again after the next health check.
    std::vector<std::pair<std::string, int>> not_stored_;
    // Whose AT+CMGD the modem refused: tried again after the next health check.
    std::vector<InboundPdu> delete_later_;
    // Slots AT+CMGR would not show before their AT+CMGD: how often in a row.
    std::map<std::pair<std::string, int>, int> unreadable_slot_tries_;
};

}  // namespace smsgw::drivers
