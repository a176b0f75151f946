// The outbound half of dispatch: one sender coroutine per ready modem pulls
// the next due part for that modem from the store, spends a token of the
// modem's rate limit, sends it with AT+CMGS (one in flight per modem) and
// records the outcome — sent, failed (permanent at once; temporary back to the
// queue with the store's backoff), uncertain (never re-sent silently), or
// not_ready (back to the queue, no attempt counted). Every StateUpdate becomes
// a message.* event. Pulling makes routing least-loaded by construction: a
// modem asks for work only when it is free. Route prefixes decide first (see
// routing.hpp); the store binds a message to the modem of its first part.
//
// Senders sleep until wake() (a request committed new messages), the next
// not_before/retry time the store reports, or a safety-net recheck every few
// seconds (a look at the queue that claims nothing writes nothing). wake() is
// a counter bump plus, when a sender is idle, one posted handler: cheap enough
// to call after every commit.
//
// Claims and results go through a GroupCommit: the operations of all modems
// that fall due together share one transaction (one fsync). A claim must be
// durable before its part is written to the modem; a result only needs to be
// durable soon. A claimed part may still wait for its turn on the modem (an
// inbound read goes first, so that a STOP is not held behind sends), so the
// part's turn commits Store::mark_written before its AT+CMGS goes out (the
// send's gate): a crash finds a written part in `sending` and makes it
// uncertain, never re-sends it, and puts a claimed-but-unwritten one back in
// the queue. A modem whose parts take under 250 ms (simulators; a real
// modem's AT+CMGS is a network round trip of half a second to seconds) claims
// its next parts while the current one is in flight — as many as it sends
// during a few commits, at most max_lookahead — and only while no other modem
// is idle; waiting for a commit before each part would pace it by the disk,
// so its claims mark the parts written at once, and after a crash they are
// reported uncertain too (on SIGTERM they go back to the queue). Real modems claim one
// part at a time and wait one commit (milliseconds) before each AT+CMGS, so
// after a crash only the part really in AT+CMGS is uncertain.
//
// A modem that leaves ready (detach) first finishes its AT+CMGS in flight, then
// its sender calls Store::requeue_modem_parts: claimed-but-unwritten parts and
// messages of which nothing was sent go back to the queue for any modem, while
// a message partly sent through it stays bound to it (its remaining parts wait
// for that modem; a message is never split across SIMs, whose different sender
// numbers would stop the handset from joining the parts). When that modem has
// been unavailable for bound_modem_wait, those remaining parts fail with the
// reason instead of waiting for ever. A message whose send asked for a modem
// (`modem`) waits for that modem the same way, counted from when the message
// was due if that is later, so a modem that is configured but never comes up
// does not hold it for ever either.
//
// All on the daemon's one io_context thread; no locks.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "daemon/store/types.hpp"
#include "drivers/asio.hpp"

namespace smsgw::store {
class Store;
}
namespace smsgw::core {
class EventPublisher;
}
namespace smsgw::drivers {
class Modem;
}

namespace smsgw::dispatch {

using namespace std::chrono_literals;

struct SchedulerOptions {
    // Parts a fast modem may hold claimed beyond the one in AT+CMGS (see above).
    // 0: always claim one part at a time.
    int max_lookahead = 128;
    // A result (sent, failed…) is committed, and its event published, at most
    // this long after the modem answered, sharing the commit with others.
    std::chrono::milliseconds record_delay = 50ms;
    // Store::expire() runs this often (queued parts past their validity).
    std::chrono::milliseconds expire_interval = 30s;
    // An idle sender looks at the queue at least this often even without a
    // wake() or a known due time (a safety net, not the mechanism): a message
    // a missed wake-up would strand waits seconds, not a minute. A look that
    // finds nothing writes nothing (and does not count in the commit time
    // that sizes the lookahead).
    std::chrono::milliseconds idle_recheck = 5s;
    // After a not_ready result while the modem still says ready.
    std::chrono::milliseconds not_ready_pause = 1s;
    // The rest of a message partly sent through a modem, or asking for it,
    // that has been unavailable this long fails (checked with the expiry
    // sweep); 0: never.
    std::chrono::milliseconds bound_modem_wait = std::chrono::hours(24);

    // The options a config asks for (retry.bound_modem_wait_minutes).
    static SchedulerOptions from(const config::Config& config);
};

// What a modem's sender did since the daemon started (modem.list).
struct SenderCounters {
    std::int64_t sent = 0;       // parts the network took
    std::int64_t failed = 0;     // refused parts, temporary ones included
    std::int64_t uncertain = 0;  // AT+CMGS outcome unknown
};

// A sender's view for modem.list.
struct SenderInfo {
    bool attached = false;                  // the modem is ready and has a sender
    std::optional<std::int64_t> in_flight;  // the part id in AT+CMGS
    SenderCounters counters;
    std::int64_t sent_today = 0;
    bool capped = false;                // max_per_day reached for today
    std::string resting;                // why it takes no new parts for a while; empty: it does
    std::size_t claimed_ahead = 0;      // claimed parts waiting behind the one in flight
    std::vector<std::string> excluded;  // prefixes left to other modems
};

class OutboundScheduler {
  public:
    // store and events must outlive the scheduler. Nothing runs before start().
    OutboundScheduler(drivers::asio::io_context& io, store::Store& store,
                      core::EventPublisher& events, SchedulerOptions options = {});
    ~OutboundScheduler();  // abandons senders without touching the store again
    OutboundScheduler(const OutboundScheduler&) = delete;
    OutboundScheduler& operator=(const OutboundScheduler&) = delete;

    // Starts the periodic expiry sweep (the app calls it once, after startup()).
    void start();
    // At start, before any modem is attached: Store::recover_after_crash, each
    // part it made uncertain logged at warn and published as message.* events.
    std::vector<store::Part> startup();

    // New work may be due (a commit, a settings change). Cheap; callable at any rate.
    void wake();
    // Sending switched off (sms.enabled false): no sender claims a part until
    // release(); what one holds claimed goes back to the queue, the AT+CMGS in
    // flight finishes. `why` is what modem.list and a waiting message say.
    void hold(std::string why);
    void release();
    // Why sending is held; empty: it is not.
    const std::string& held() const;
    // SIGHUP: the options a reloaded config asks for (the bound-modem wait),
    // used from the next expiry sweep on.
    void reconfigure(const SchedulerOptions& from_config);
    // Sends' results wait up to record_delay to share a commit; a status report
    // can arrive before its part's result is committed, even before its
    // AT+CMGS answer is taken (a +CDS read with it). Whether this modem has a
    // part in AT+CMGS or results not yet committed, and a call (on the
    // io_context) once the sends it began until then are settled — sends begun
    // later do not hold it up; not while the store fails. The call is dropped
    // if the scheduler closes first.
    bool results_pending(std::string_view modem) const;
    void after_pending_results(std::string_view modem, std::function<void()> then);
    // A status report ended this message (failed, or expired at the SMSC): a
    // sender holding parts of it claimed ahead puts them back before it sends
    // another, and the store ends them with the message.
    void message_ended(std::int64_t message_id);

    // --- for ModemPool ------------------------------------------------------
    // The modem became ready: start (or resume) its sender with this config's
    // rate, daily cap and route prefixes. Routing of every sender is recomputed.
    void attach(std::shared_ptr<drivers::Modem> modem, const config::ModemConfig& config);
    // A reloaded config for an attached modem whose driver settings are unchanged.
    void update(const config::ModemConfig& config);
    // The modem left ready (or is being stopped): its sender ends after the
    // AT+CMGS in flight, requeues (see above), then calls `idle` — at once when
    // it has no sender running.
    void detach(const std::string& name, std::function<void()> idle = {});
    // SIGTERM: stop claiming everywhere; `done` once no AT+CMGS is in flight
    // and every sender has put back what it held.
    void drain(std::function<void()> done);
    bool draining() const;

    SenderInfo info(std::string_view name) const;
    // Told of every part the network took, once its result is committed:
    // modem.list's counters (ModemCounters) count on from the store's.
    void on_part_sent(std::function<void(std::string_view modem)> listener);

  private:
    class Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace smsgw::dispatch
