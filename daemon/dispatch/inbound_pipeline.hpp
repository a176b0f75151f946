// The inbound half of dispatch: what a modem reads becomes a committed record
// before the modem may delete it (DESIGN.md, "Data kept"). ModemPool hands
// each PDU here and calls Modem::confirm_committed only when this returns true.
//
//  - SMS-DELIVER, single part: one inbound row (raw PDU kept).
//  - Concatenated (TS 23.040 §9.2.3.24.1): each part is stored as a fragment;
//    the part that completes its group turns the group into one inbound row in
//    the same transaction that deletes the fragments. Groups still incomplete
//    after inbound.reassembly_timeout_minutes are released by a periodic sweep
//    as one row with complete=false, the parts in sequence order and each
//    missing one replaced by pdu::Reassembler::kGapMarker ("[…]");
//    parts_total/parts_received say how much arrived. A part whose sequence
//    number the group holds with another text starts a new group (the
//    sender reused the reference) after releasing the old one the same way.
//  - A PDU that does not decode (or is no SMS-DELIVER) is kept, never dropped:
//    an inbound row with complete=false, the raw PDU, no encoding, and the
//    text "[undecodable PDU: <reason>]" so the inbox shows why; its sender is
//    the TP-OA when that decoded before the error (pdu::decode_pdu_partial),
//    else empty. Such a row is never matched against the keywords.
//  - Every other row has the encoding of its PDUs ("gsm7", "ucs2", "8bit").
//  - Senders are normalised (policy::normalize_sender) so an opt-out matches
//    later sends. A complete text that is wholly an opt-out keyword adds the
//    opt-out (source "keyword", the inbound row as its source) and publishes
//    optout.added; a resubscribe keyword removes it (optout.removed); HELP
//    stores nothing. With the settings on, the opt-out confirmation and the
//    help text are queued as transactional messages to the sender — straight
//    into the store, never through the opted-out check of `send`, and not
//    charged to the wallet: a confirmation to a number that just opted out is
//    the point. Each gets an idempotency key from the received PDU(s), so a
//    PDU read again after a crash does not answer twice. With sms.enabled off
//    no reply is queued (the opt-out itself is kept).
//  - SMS-STATUS-REPORT: matched to the part by (modem, TP-MR, recipient) within
//    a window (the most recent part wins: TP-MR wraps at 256), message.* event.
//
// Every received message is published as inbound.received, with the keyword
// kind when one matched. Single-threaded, on the daemon's io_context.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "daemon/store/types.hpp"
#include "drivers/asio.hpp"
#include "drivers/modem.hpp"

namespace smsgw::store {
class Store;
}
namespace smsgw::core {
class EventPublisher;
class SettingsCache;
}  // namespace smsgw::core

namespace smsgw::dispatch {

class OutboundScheduler;

using namespace std::chrono_literals;

struct InboundOptions {
    std::string default_country;  // config default_country (ISO 3166 alpha-2)
    config::OptoutConfig optout;  // the keyword lists
    std::chrono::milliseconds reassembly_timeout = std::chrono::minutes(1440);
    std::chrono::milliseconds sweep_interval = 60s;  // how often timed-out groups are looked for
    // Status report matching: a send's validity_minutes may be 7 days, and
    // the SMSC reports a delivery (or the expiry) up to then, plus its way back.
    std::chrono::milliseconds report_window = std::chrono::hours(24 * 8);
    // How long a committed PDU is remembered, so the same PDU read again (the
    // daemon stopped between the commit and AT+CMGD) is only deleted.
    std::chrono::milliseconds seen_pdu_window = std::chrono::hours(24 * 7);
    int max_parts = 10;  // limits.max_parts_per_message, for automatic replies
    // At most one automatic reply of each kind (opt-out confirmation, HELP, …)
    // to a number within this interval.
    std::chrono::milliseconds auto_reply_interval = std::chrono::hours(1);

    // The options a config asks for (sweep at most every minute, or a tenth of
    // the timeout when that is shorter).
    static InboundOptions from(const config::Config& config);
};

class InboundPipeline {
  public:
    // store, events, settings and scheduler (woken after an automatic reply is
    // queued) must outlive the pipeline. Throws std::invalid_argument when the
    // keyword lists are unusable (config validation refuses those first).
    InboundPipeline(drivers::asio::io_context& io, store::Store& store,
                    core::EventPublisher& events, const core::SettingsCache& settings,
                    OutboundScheduler& scheduler, InboundOptions options);
    ~InboundPipeline();
    InboundPipeline(const InboundPipeline&) = delete;
    InboundPipeline& operator=(const InboundPipeline&) = delete;

    // Starts the periodic reassembly sweep.
    void start();
    // SIGHUP: new keyword lists, country, timeouts. Throws like the constructor
    // (and then keeps the old options).
    void reconfigure(InboundOptions options);

    // true: committed, the modem may delete the PDU. false: the store failed
    // (logged); the PDU stays on the modem.
    bool on_inbound(const drivers::InboundPdu& pdu);
    // Matched to its part — at once, or once the results of sends the modem
    // has answered are committed — then `settled(true)` (the modem may delete
    // the PDU; also when it matches nothing), or `settled(false)` when the
    // store failed (logged): the PDU stays on the modem, to be read again.
    void on_status_report(const drivers::InboundPdu& pdu, std::function<void(bool stored)> settled);

    // Releases fragment groups older than the timeout at `now`, marked
    // incomplete; returns how many messages it stored. The sweep calls it.
    int sweep(store::Time now);

  private:
    class Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace smsgw::dispatch
