// See outbound_scheduler.hpp. One Sender per modem name, kept for the life of
// the scheduler (its counters are "since start"); its coroutine runs while the
// modem is attached and ends after putting back what it held. Every store write
// of a sender is an operation of the GroupCommit, so they happen in the order
// the sender queued them: a requeue is only queued with nothing in AT+CMGS and
// after the results of everything sent, and a claim queued before a requeue is
// undone by it (the sender's epoch tells its result to drop the parts).
#include "daemon/dispatch/outbound_scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "daemon/core/clock.hpp"
#include "daemon/core/event_publisher.hpp"
#include "daemon/dispatch/group_commit.hpp"
#include "daemon/dispatch/local_day.hpp"
#include "daemon/dispatch/rate_limiter.hpp"
#include "daemon/dispatch/routing.hpp"
#include "daemon/dispatch/submit_pdu.hpp"
#include "daemon/store/store.hpp"
#include "drivers/modem.hpp"

namespace smsgw::dispatch {

namespace asio = drivers::asio;
using drivers::awaitable;
using drivers::SendResult;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::string routes_text(const std::vector<std::string>& prefixes) {
    return prefixes.empty() ? "any" : joined(prefixes, ",");
}

std::string describe(const store::Part& p) {
    return "part " + std::to_string(p.id) + " (" + std::to_string(p.seq) + "/" +
           std::to_string(p.total) + " of message " + std::to_string(p.message_id) + ")";
}

// A modem whose part takes this long or longer claims one part at a time: a
// real modem's AT+CMGS is a network round trip of half a second to seconds, so
// claiming ahead would gain it under 1% and cost a false "uncertain" on a crash.
constexpr double no_lookahead_ms = 250.0;
// A quicker one holds enough parts to keep sending through this many commits.
constexpr double lookahead_commits = 8.0;

// A modem whose network refuses every send (+CMS ERROR 38 "network out of
// order", 331 "no network service", 42 congestion) is idle sooner than the
// others after each refusal, so it would claim most retries and fail them for
// good. After this many temporary refusals in a row it rests — claims nothing
// while another modem may send — for rest_first, doubling up to rest_longest
// while the refusals go on; one part sent ends it.
constexpr int refusals_before_rest = 3;
constexpr std::chrono::seconds rest_first{30};
constexpr std::chrono::seconds rest_longest{300};

// How long a part's turn on the modem waits for the store to record that it
// is being written (one commit, milliseconds on a healthy disk). The modem
// writes nothing else meanwhile, so a failing disk must not hold its inbound
// reads for long: the part goes back to the queue instead.
constexpr std::chrono::seconds written_mark_wait{5};

}  // namespace

struct Sender {
    Sender(asio::io_context& io, std::string n)
        : name(std::move(n)), limiter(0, 0, SteadyClock::now()), timer(io) {}

    std::string name;
    std::shared_ptr<drivers::Modem> modem;  // set while attached
    config::ModemConfig config;
    RateLimiter limiter;
    std::int64_t day = -1;            // LocalDay::number the limiter counts for; -1: ask the store
    bool rate_resumed = false;        // the limiter knows the last send before smsgwd started
    asio::steady_timer timer;         // its sleeps; cancelled to wake it
    bool running = false;             // the coroutine is alive
    bool idle = false;                // asleep with nothing to do
    std::deque<store::Part> claimed;  // claimed (durably), not yet written
    bool claim_pending = false;
    std::uint64_t claim_wake = 0;  // wake_seq_ when the last claim ran
    // The time the last claim took what was due by: a part falling due after
    // it is the sender's next wake-up, even when it is due by the time the
    // sender goes idle.
    store::Time claimed_due_by{};
    std::uint64_t epoch = 0;       // bumped by every requeue: older claims are void
    std::optional<std::int64_t> in_flight;
    std::vector<std::int64_t> unrecorded;  // results the store did not take (see requeue)
    SteadyClock::duration send_time{};     // moving average of AT+CMGS; zero: none yet
    std::vector<std::function<void()>> on_idle;
    SenderCounters counters;
    std::vector<std::string> excluded;
    bool capped = false;
    int refused_in_row = 0;              // temporary refusals since a part was last sent
    SteadyClock::duration rest_span{};   // the last rest's length; zero: none since a send
    SteadyClock::time_point rest_until{};
    std::string resting;                 // why it rests; empty: it does not
    // Messages a part of which was refused or reported failed: what s holds of
    // them is put back before it sends another part (see round()).
    std::vector<std::int64_t> ended;
    // Sends begun (AT+CMGS), numbered, until settled: the result committed or
    // given up, or the part not taken. They settle out of order (a part not
    // taken at once, a result after its commit), so by number.
    // after_pending_results' waiters keep the number of the next send then.
    std::uint64_t next_send = 0;
    std::set<std::uint64_t> unsettled_sends;
    std::vector<std::pair<std::uint64_t, std::function<void()>>> after_results;
};

class OutboundScheduler::Impl : public std::enable_shared_from_this<OutboundScheduler::Impl> {
  public:
    Impl(asio::io_context& io, store::Store& store, core::EventPublisher& events,
         SchedulerOptions options)
        : io_(io),
          store_(store),
          events_(events),
          options_(options),
          commits_(std::make_shared<GroupCommit>(io, store)),
          poke_timer_(io),
          expire_timer_(io) {}

    void start();
    std::vector<store::Part> startup();
    void wake();
    void hold(std::string why);
    void release();
    const std::string& held() const { return held_; }
    void attach(std::shared_ptr<drivers::Modem> modem, const config::ModemConfig& config);
    void update(const config::ModemConfig& config);
    void detach(const std::string& name, std::function<void()> idle);
    void drain(std::function<void()> done);
    void close();
    SenderInfo info(std::string_view name) const;
    std::function<void(std::string_view modem)> part_sent;  // see on_part_sent
    bool draining() const { return draining_; }
    // Only what SchedulerOptions::from reads from a config; the rest are the
    // daemon's own timings.
    void reconfigure(const SchedulerOptions& o) { options_.bound_modem_wait = o.bound_modem_wait; }
    bool results_pending(std::string_view modem) const {
        auto it = senders_.find(modem);
        return it != senders_.end() && unsettled(*it->second);
    }
    void after_pending_results(std::string_view modem, std::function<void()> then);
    void message_ended(std::int64_t message_id);

  private:
    Sender& sender(const std::string& name);
    void spawn(Sender& s);
    void poke(Sender& s) { s.timer.cancel(); }
    void poke_idle();
    void defer(std::function<void()> fn);
    void recompute_routes();
    // Stops s claiming for a while after refusals in a row (see refusals_before_rest).
    void rest(Sender& s, const std::string& last_error);
    void finished(Sender& s);
    void check_drained();
    // Attached, under its daily cap and not resting: it may claim parts, and
    // stands in for the others' routes.
    static bool may_take_parts(const Sender& s) {
        return s.modem && !s.capped && s.resting.empty();
    }
    bool active(const Sender& s) const {
        return !closed_ && s.modem && !draining_ && s.on_idle.empty();
    }

    awaitable<void> run(std::shared_ptr<Impl> self, Sender* s);
    // One round: budget, claim, send. Returns how long to rest (zero: go on).
    awaitable<SteadyClock::duration> round(Sender& s);
    awaitable<void> nap(Sender& s, SteadyClock::duration d);
    awaitable<void> expiry_loop(std::shared_ptr<Impl> self);
    void fail_stranded(store::Time now);
    // The same for messages bound to a SIM their modem no longer holds.
    void fail_awaiting_sim(store::Time now);
    // How long an idle sender may sleep: until the first part due after
    // `looked_at` (its last claim's time), at most options_.idle_recheck. A
    // known later due time is kept between calls: every path that makes a new
    // due time (a retry, a requeue, a new message) calls wake() or lowers it.
    std::chrono::milliseconds idle_time(store::Time looked_at);
    int lookahead(const Sender& s) const;
    // A part in AT+CMGS, or results not yet committed: a status report may be
    // about a send whose TP-MR is not in the store yet.
    static bool unsettled(const Sender& s) { return !s.unsettled_sends.empty(); }
    // Send `id` settled: runs the waiters whose sends all are.
    void send_settled(Sender& s, std::uint64_t id);
    // Whether s holds parts of the message, or may get some from its pending claim.
    static bool may_hold(const Sender& s, std::int64_t message_id);
    // Queues a claim that fills s.claimed up to `want` parts, durable by
    // `deadline`; `written` for a sender that claims ahead (see the header).
    void claim(Sender& s, int want, SteadyClock::time_point deadline,
               store::Store::Written written);
    // The gate of a part's AT+CMGS: commits Store::mark_written right before
    // the write, unless its claim marked it already (then none).
    drivers::Modem::SendGate before_write(const store::Part& part);
    awaitable<std::string> commit_written(std::shared_ptr<Impl> self, std::int64_t part_id);
    // Queues the result of send `id` (settled once committed or given up).
    void record(Sender& s, const store::Part& part, const SendResult& r, std::uint64_t id);
    void record_sent(Sender& s, const store::Part& part, const SendResult& r, std::uint64_t id);
    // A result committed (update) or given up (null): counted, logged, its event.
    void settle(Sender& s, const store::Part& part, const SendResult& r, std::uint64_t id,
                const store::StateUpdate* update, const std::optional<store::Message>& message);
    void recorded(Sender& s, const store::Part& part, const SendResult& r,
                  const store::StateUpdate& update);
    // Queues requeue_modem_parts; what s holds claimed is void from now on.
    // `why` goes into the parts' history; empty: the modem went down.
    void requeue(Sender& s, std::function<void()> done = {}, std::string why = {});

    asio::io_context& io_;
    store::Store& store_;
    core::EventPublisher& events_;
    SchedulerOptions options_;
    std::shared_ptr<GroupCommit> commits_;
    std::map<std::string, std::unique_ptr<Sender>, std::less<>> senders_;
    // Modems holding partly sent messages while not attached, and since when.
    std::map<std::string, store::Time, std::less<>> unavailable_since_;
    // (modem, IMSI): since when the modem holds another SIM than the one
    // messages bound to it were sent from.
    std::map<std::pair<std::string, std::string>, store::Time> sim_away_since_;
    std::uint64_t wake_seq_ = 0;
    int idle_count_ = 0;
    bool poke_pending_ = false;
    std::size_t rotate_ = 0;
    asio::steady_timer poke_timer_;
    asio::steady_timer expire_timer_;
    bool started_ = false;
    bool draining_ = false;
    bool closed_ = false;
    std::string held_;  // see hold(); empty: senders claim
    std::vector<std::function<void()>> drained_;
    bool due_known_ = false;
    std::optional<store::Time> next_due_;
    LocalDayCache today_;
    // Sent results gathered into one writer operation until it starts.
    struct SentResults {
        struct Item {
            Sender* sender;
            store::Part part;
            SendResult result;
            std::uint64_t id;
            std::optional<store::StateUpdate> update;  // none: the part was no longer sending
            std::optional<store::Message> message;     // for its event, when someone listens
        };
        std::vector<Item> items;
        bool listening = false;
    };
    std::weak_ptr<SentResults> sent_waiting_;
};

// ---- public handle ------------------------------------------------------------------

OutboundScheduler::OutboundScheduler(asio::io_context& io, store::Store& store,
                                     core::EventPublisher& events, SchedulerOptions options)
    : impl_(std::make_shared<Impl>(io, store, events, options)) {}
OutboundScheduler::~OutboundScheduler() {
    impl_->close();
}
void OutboundScheduler::start() {
    impl_->start();
}
std::vector<store::Part> OutboundScheduler::startup() {
    return impl_->startup();
}
void OutboundScheduler::wake() {
    impl_->wake();
}
void OutboundScheduler::hold(std::string why) {
    impl_->hold(std::move(why));
}
void OutboundScheduler::release() {
    impl_->release();
}
const std::string& OutboundScheduler::held() const {
    return impl_->held();
}
void OutboundScheduler::reconfigure(const SchedulerOptions& from_config) {
    impl_->reconfigure(from_config);
}
void OutboundScheduler::message_ended(std::int64_t message_id) {
    impl_->message_ended(message_id);
}
bool OutboundScheduler::results_pending(std::string_view modem) const {
    return impl_->results_pending(modem);
}
void OutboundScheduler::after_pending_results(std::string_view modem,
                                              std::function<void()> then) {
    impl_->after_pending_results(modem, std::move(then));
}
void OutboundScheduler::attach(std::shared_ptr<drivers::Modem> modem,
                               const config::ModemConfig& config) {
    impl_->attach(std::move(modem), config);
}
void OutboundScheduler::update(const config::ModemConfig& config) {
    impl_->update(config);
}
void OutboundScheduler::detach(const std::string& name, std::function<void()> idle) {
    impl_->detach(name, std::move(idle));
}
void OutboundScheduler::drain(std::function<void()> done) {
    impl_->drain(std::move(done));
}
bool OutboundScheduler::draining() const {
    return impl_->draining();
}
SenderInfo OutboundScheduler::info(std::string_view name) const {
    return impl_->info(name);
}
void OutboundScheduler::on_part_sent(std::function<void(std::string_view modem)> listener) {
    impl_->part_sent = std::move(listener);
}

// ---- lifecycle and wiring ----------------------------------------------------------

void OutboundScheduler::Impl::start() {
    if (started_ || closed_) return;
    started_ = true;
    auto self = shared_from_this();
    asio::co_spawn(io_, expiry_loop(self), [self](std::exception_ptr e) {
        if (e && !self->closed_)
            spdlog::error("dispatch: the expiry sweep stopped by an exception");
    });
}

std::vector<store::Part> OutboundScheduler::Impl::startup() {
    auto parts = store_.recover_after_crash(core::now());
    for (const auto& p : parts)
        spdlog::warn(
            "dispatch: {} was in AT+CMGS on modem[{}] when smsgwd stopped: uncertain, not "
            "re-sent",
            describe(p), p.modem.value_or("?"));
    if (!parts.empty())
        spdlog::warn("dispatch: {} part(s) uncertain after an unclean stop; message.get shows them",
                     parts.size());
    return parts;
}

Sender& OutboundScheduler::Impl::sender(const std::string& name) {
    auto it = senders_.find(name);
    if (it == senders_.end())
        it = senders_.emplace(name, std::make_unique<Sender>(io_, name)).first;
    return *it->second;
}

void OutboundScheduler::Impl::wake() {
    ++wake_seq_;
    due_known_ = false;
    if (idle_count_ == 0 || poke_pending_ || closed_) return;
    // One handler for any number of wake() calls before it runs.
    poke_pending_ = true;
    poke_timer_.expires_at(SteadyClock::time_point::min());
    std::weak_ptr<Impl> weak = shared_from_this();
    poke_timer_.async_wait([weak](const boost::system::error_code&) {
        if (auto self = weak.lock()) self->poke_idle();
    });
}

void OutboundScheduler::Impl::hold(std::string why) {
    if (why.empty()) why = "sending is held";
    const bool was = !held_.empty();
    held_ = std::move(why);
    if (was) return;
    spdlog::warn("dispatch: no part goes to a modem: {}", held_);
    // Senders that hold claimed parts put them back at their next round.
    for (auto& [name, s] : senders_) poke(*s);
}

void OutboundScheduler::Impl::release() {
    if (held_.empty()) return;
    held_.clear();
    spdlog::info("dispatch: sending resumed");
    // Held senders sleep without a due time: each looks at the queue now.
    for (auto& [name, s] : senders_) poke(*s);
    wake();
}

void OutboundScheduler::Impl::poke_idle() {
    poke_pending_ = false;
    if (closed_ || senders_.empty()) return;
    // Round-robin start, so light traffic spreads over equally idle modems.
    std::vector<Sender*> order;
    for (auto& [name, s] : senders_) order.push_back(s.get());
    rotate_ = (rotate_ + 1) % order.size();
    for (std::size_t i = 0; i < order.size(); ++i) {
        Sender* s = order[(rotate_ + i) % order.size()];
        if (s->idle) poke(*s);
    }
}

SchedulerOptions SchedulerOptions::from(const config::Config& config) {
    SchedulerOptions o;
    o.bound_modem_wait = std::chrono::minutes(config.retry.bound_modem_wait_minutes);
    return o;
}

void OutboundScheduler::Impl::defer(std::function<void()> fn) {
    if (!fn) return;
    auto timer = std::make_shared<asio::steady_timer>(io_, SteadyClock::time_point::min());
    timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code&) { fn(); });
}

void OutboundScheduler::Impl::attach(std::shared_ptr<drivers::Modem> modem,
                                     const config::ModemConfig& config) {
    if (closed_) return;
    Sender& s = sender(config.name);
    s.modem = std::move(modem);
    unavailable_since_.erase(config.name);
    s.config = config;
    s.limiter.set_limits(config.send_rate_per_minute, config.max_per_day, SteadyClock::now());
    if (!s.rate_resumed) {
        // A restart (a crash loop, or systemd's Restart=) must not reset the
        // pace a carrier allows: the last send before it counts.
        s.rate_resumed = true;
        if (config.send_rate_per_minute > 0)
            if (const auto last = store_.last_sent(config.name)) {
                const auto now = SteadyClock::now();
                const auto ago = std::chrono::duration_cast<SteadyClock::duration>(core::now() - *last);
                s.limiter.sent_before(now - std::max(ago, SteadyClock::duration::zero()), now);
            }
    }
    s.day = -1;  // the daily count comes from the store again
    s.capped = false;
    recompute_routes();
    spdlog::info("dispatch: modem[{}] takes messages for {} ({} per minute{})", s.name,
                 routes_text(config.route_prefixes), config.send_rate_per_minute,
                 config.max_per_day > 0 ? ", " + std::to_string(config.max_per_day) + " per day"
                                        : std::string());
    if (!s.running && !draining_)
        spawn(s);
    else
        poke(s);
    wake();  // routes changed: the others' exclusions too
    try {
        fail_awaiting_sim(core::now());  // says at once when it holds another SIM than they need
    } catch (const std::exception& e) {
        // The expiry loop looks again; a store that fails says so there too.
        spdlog::warn("dispatch: modem[{}] could not look for messages bound to another SIM: {}",
                     s.name, e.what());
    }
}

void OutboundScheduler::Impl::update(const config::ModemConfig& config) {
    auto it = senders_.find(config.name);
    if (it == senders_.end() || closed_) return;
    Sender& s = *it->second;
    s.config = config;
    s.limiter.set_limits(config.send_rate_per_minute, config.max_per_day, SteadyClock::now());
    s.day = -1;
    recompute_routes();
    poke(s);
    wake();
}

void OutboundScheduler::Impl::detach(const std::string& name, std::function<void()> idle) {
    auto it = senders_.find(name);
    if (it == senders_.end() || closed_) {
        defer(std::move(idle));
        return;
    }
    Sender& s = *it->second;
    const bool was_attached = s.modem != nullptr;
    s.modem.reset();
    if (was_attached) unavailable_since_.try_emplace(name, core::now());
    recompute_routes();
    if (s.running) {
        if (idle) s.on_idle.push_back(std::move(idle));
        poke(s);  // asleep: end now; in AT+CMGS: end after it
    } else if (was_attached) {
        requeue(s, std::move(idle));
    } else {
        defer(std::move(idle));
    }
    wake();  // what it routed may now go to the others
}

void OutboundScheduler::Impl::drain(std::function<void()> done) {
    if (done) drained_.push_back(std::move(done));
    if (!draining_) {
        draining_ = true;
        std::size_t in_flight = 0;
        for (auto& [name, s] : senders_) {
            in_flight += s->in_flight.has_value();
            poke(*s);
        }
        spdlog::info("dispatch: draining, {} part(s) in AT+CMGS", in_flight);
    }
    check_drained();
}

void OutboundScheduler::Impl::check_drained() {
    if (!draining_ || drained_.empty()) return;
    for (auto& [name, s] : senders_)
        if (s->running) return;
    // Senders queue their results before they end: those are committed first.
    auto callbacks = std::move(drained_);
    drained_.clear();
    commits_->flush([callbacks = std::move(callbacks)] {
        for (auto& cb : callbacks) cb();
    });
}

void OutboundScheduler::Impl::close() {
    closed_ = true;
    commits_->close();
    poke_timer_.cancel();
    expire_timer_.cancel();
    for (auto& [name, s] : senders_) {
        s->modem.reset();
        s->timer.cancel();
        s->after_results.clear();
    }
}

SenderInfo OutboundScheduler::Impl::info(std::string_view name) const {
    SenderInfo out;
    auto it = senders_.find(name);
    if (it == senders_.end()) return out;
    const Sender& s = *it->second;
    out.attached = s.modem != nullptr;
    out.in_flight = s.in_flight;
    out.counters = s.counters;
    out.sent_today = s.limiter.sent_today(s.day);
    out.capped = s.capped;
    out.resting = s.resting.empty() ? held_ : s.resting;
    out.claimed_ahead = s.claimed.size();
    out.excluded = s.excluded;
    return out;
}

void OutboundScheduler::Impl::recompute_routes() {
    for (auto& [name, s] : senders_) {
        if (!s->modem) {
            s->excluded.clear();
            continue;
        }
        std::vector<std::vector<std::string>> others;
        for (auto& [other_name, o] : senders_)
            if (o.get() != s.get() && may_take_parts(*o))
                others.push_back(o->config.route_prefixes);
        s->excluded = exclusions(s->config.route_prefixes, others);
    }
}

void OutboundScheduler::Impl::spawn(Sender& s) {
    s.running = true;
    auto self = shared_from_this();
    Sender* sp = &s;
    asio::co_spawn(io_, run(self, sp), [self, sp](std::exception_ptr e) {
        if (!e) return;
        // run() handles the modem's and the store's failures; this is a bug.
        // What the sender held stays in `sending` (a restart makes it uncertain).
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            spdlog::error("dispatch: modem[{}] sender ended by an exception: {}", sp->name,
                          ex.what());
        } catch (...) {
            spdlog::error("dispatch: modem[{}] sender ended by an unknown exception", sp->name);
        }
        sp->in_flight.reset();
        sp->claimed.clear();
        // A send it began and never recorded would hold reports back for ever.
        for (const auto id : std::set(sp->unsettled_sends)) self->send_settled(*sp, id);
        if (!self->closed_) self->finished(*sp);
    });
}

void OutboundScheduler::Impl::finished(Sender& s) {
    s.running = false;
    auto callbacks = std::move(s.on_idle);
    s.on_idle.clear();
    for (auto& cb : callbacks) defer(std::move(cb));
    // Attached again while it was winding down (a quick recovery).
    if (s.modem && !draining_ && !closed_) spawn(s);
    check_drained();
}

// ---- the sender ---------------------------------------------------------------------

awaitable<void> OutboundScheduler::Impl::nap(Sender& s, SteadyClock::duration d) {
    d = std::clamp<SteadyClock::duration>(d, SteadyClock::duration::zero(), std::chrono::hours(24));
    s.timer.expires_after(d);
    boost::system::error_code ec;
    co_await s.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

awaitable<void> OutboundScheduler::Impl::run(std::shared_ptr<Impl> self, Sender* s) {
    // A pending detach callback (a modem being restarted) ends the loop even if
    // the modem came back meanwhile: finished() starts a new one if it did.
    while (active(*s)) {
        const auto rest = co_await round(*s);
        if (closed_) co_return;
        if (rest > SteadyClock::duration::zero()) co_await nap(*s, rest);
    }
    if (closed_) co_return;
    // Nothing in AT+CMGS now: put back what this modem holds, once its results
    // are committed (the same queue, in order), then end.
    bool requeued = false;
    requeue(*s, [&requeued, sp = s] {
        requeued = true;
        sp->timer.cancel();
    });
    while (!requeued && !closed_) co_await nap(*s, std::chrono::hours(1));
    if (closed_) co_return;
    finished(*s);
    (void)self;
}

awaitable<SteadyClock::duration> OutboundScheduler::Impl::round(Sender& s) {
    // Daily cap: the count of today's parts comes from the store once a day.
    const store::Time wall = core::now();
    const LocalDay day = today_.at(wall);
    if (day.number != s.day) {
        s.limiter.set_day(day.number,
                          s.limiter.max_per_day() > 0 ? store_.sent_count(s.name, day.start) : 0);
        s.day = day.number;
    }
    const bool capped = s.limiter.capped(day.number);
    if (capped != s.capped) {
        s.capped = capped;
        if (capped)
            spdlog::warn(
                "dispatch: modem[{}] reached its {} parts for today; the others take its "
                "messages until midnight",
                s.name, s.limiter.max_per_day());
        recompute_routes();
        wake();
    }
    if (capped) {
        if (!s.claimed.empty())
            requeue(s, {}, "claimed, put back unsent: modem " + s.name + " reached its max_per_day");
        co_return day.next - wall;
    }

    if (!held_.empty()) {
        if (!s.claimed.empty())
            requeue(s, {}, "claimed, put back unsent: " + held_);
        co_return std::chrono::hours(24);  // release() pokes it
    }

    if (!s.resting.empty()) {
        const auto now = SteadyClock::now();
        if (now < s.rest_until) {
            if (!s.claimed.empty())
                requeue(s, {}, "claimed, put back unsent: modem " + s.name + " rests");
            co_return s.rest_until - now;
        }
        s.resting.clear();
        spdlog::info("dispatch: modem[{}] takes messages again after its rest", s.name);
        recompute_routes();
        wake();
    }

    // Rate: the next part waits for a token (claimed parts wait with it).
    if (const auto w = s.limiter.wait(SteadyClock::now()); w > SteadyClock::duration::zero())
        co_return w;

    if (s.claimed.empty()) {
        if (const int ahead = lookahead(s); !s.claim_pending)
            claim(s, 1 + ahead, SteadyClock::now(),
                  ahead > 0 ? store::Store::Written::with_claim : store::Store::Written::later);
        else
            commits_->hurry();  // a claim made ahead: it is needed now
        while (s.claim_pending && active(s)) co_await nap(s, std::chrono::hours(1));
        // Held while it claimed: the next round puts the claim back.
        if (!active(s) || !held_.empty()) co_return SteadyClock::duration::zero();
        if (s.claimed.empty()) {
            if (s.claim_wake != wake_seq_) co_return SteadyClock::duration::zero();
            if (commits_->failing()) co_return std::chrono::seconds(1);
            const auto wait = idle_time(s.claimed_due_by);
            s.idle = true;
            ++idle_count_;
            co_await nap(s, wait);
            s.idle = false;
            --idle_count_;
            co_return SteadyClock::duration::zero();
        }
    }

    if (!s.ended.empty()) {
        const bool stale = std::any_of(s.claimed.begin(), s.claimed.end(), [&](const auto& p) {
            return std::find(s.ended.begin(), s.ended.end(), p.message_id) != s.ended.end();
        });
        if (!s.claim_pending) s.ended.clear();  // nothing claimed earlier can arrive any more
        if (stale) {
            // Nothing in AT+CMGS here; the store decides after the result or
            // report that came first (the same queue, in order): failed or
            // expired, they end with the message; retried, they wait with it.
            requeue(s, {},
                    "claimed, put back unsent: another part of its message was refused or "
                    "reported failed");
            co_return SteadyClock::duration::zero();
        }
    }
    const store::Part part = s.claimed.front();
    s.claimed.pop_front();
    const std::shared_ptr<drivers::Modem> modem = s.modem;
    s.limiter.take(SteadyClock::now());
    s.in_flight = part.id;
    const std::uint64_t send_id = s.next_send++;
    s.unsettled_sends.insert(send_id);
    // Claim what comes next while this part is in AT+CMGS, durable before it
    // returns: half its expected time for each part still in hand.
    const int ahead = lookahead(s);
    if (ahead > 0 && !s.claim_pending && static_cast<int>(s.claimed.size()) * 2 <= ahead) {
        const auto budget = s.send_time * static_cast<long>(s.claimed.size() + 1) / 2;
        claim(s, ahead, SteadyClock::now() + budget, store::Store::Written::with_claim);
    }
    const auto started = SteadyClock::now();
    // A named PDU, not a temporary inside the co_await: g++ 12 destroys a
    // conditional's temporary twice across a suspension.
    std::string pdu = s.config.status_reports ? part.pdu : without_status_report_request(part.pdu);
    const SendResult result =
        co_await modem->send(std::move(pdu), part.tpdu_length, before_write(part));
    s.in_flight.reset();
    if (closed_) co_return SteadyClock::duration::zero();
    if (result.status != SendResult::Status::not_ready) {
        const auto took = SteadyClock::now() - started;
        s.send_time =
            s.send_time == SteadyClock::duration::zero() ? took : (s.send_time * 3 + took) / 4;
    }
    record(s, part, result, send_id);
    // Counted here, not when the result is committed: a quick modem would
    // refuse the parts it claimed ahead meanwhile.
    if (result.status == SendResult::Status::sent) {
        s.refused_in_row = 0;
        s.rest_span = SteadyClock::duration::zero();
    } else if (result.status == SendResult::Status::failed &&
               result.error_class() != at::ErrorClass::permanent &&
               ++s.refused_in_row >= refusals_before_rest) {
        rest(s, result.reason);
    }
    if (result.status == SendResult::Status::not_ready) send_settled(s, send_id);  // nothing recorded
    // Its siblings claimed ahead must not go out before the store has decided.
    if (result.status == SendResult::Status::failed && part.total > 1 &&
        may_hold(s, part.message_id))
        s.ended.push_back(part.message_id);
    if (result.status == SendResult::Status::not_ready) {
        // The modem did not take it: back to the queue, no attempt counted.
        // Rest unless the modem left ready anyway (then the loop ends).
        s.limiter.give_back();
        requeue(s, {},
                "modem " + s.name + " did not take it (" + result.reason + "): back to the queue");
        co_return s.modem == modem && modem->status().state == drivers::ModemState::ready
            ? SteadyClock::duration(options_.not_ready_pause)
            : SteadyClock::duration::zero();
    }
    co_return SteadyClock::duration::zero();
}

void OutboundScheduler::Impl::after_pending_results(std::string_view modem,
                                                    std::function<void()> then) {
    auto it = senders_.find(modem);
    if (it == senders_.end() || !unsettled(*it->second)) {
        defer(std::move(then));
        return;
    }
    // Only the sends begun so far: a modem that keeps sending does not hold it up.
    it->second->after_results.emplace_back(it->second->next_send, std::move(then));
}

void OutboundScheduler::Impl::send_settled(Sender& s, std::uint64_t id) {
    s.unsettled_sends.erase(id);
    const std::uint64_t oldest =
        s.unsettled_sends.empty() ? s.next_send : *s.unsettled_sends.begin();
    auto& waiting = s.after_results;
    const auto ready = [&](const auto& w) { return w.first <= oldest; };
    for (auto& w : waiting)
        if (ready(w)) defer(std::move(w.second));
    std::erase_if(waiting, ready);
}

void OutboundScheduler::Impl::message_ended(std::int64_t message_id) {
    for (auto& [name, s] : senders_)
        if (may_hold(*s, message_id)) s->ended.push_back(message_id);
}

bool OutboundScheduler::Impl::may_hold(const Sender& s, std::int64_t message_id) {
    return s.claim_pending ||
           std::any_of(s.claimed.begin(), s.claimed.end(),
                       [&](const store::Part& p) { return p.message_id == message_id; });
}

int OutboundScheduler::Impl::lookahead(const Sender& s) const {
    if (options_.max_lookahead <= 0 || idle_count_ > 0) return 0;
    // The time one part really takes: AT+CMGS, or the rate limit's spacing.
    if (s.send_time == SteadyClock::duration::zero()) return 0;  // not measured yet
    double per_part = std::chrono::duration<double, std::milli>(s.send_time).count();
    if (s.config.send_rate_per_minute > 0)
        per_part = std::max(per_part, 60000.0 / s.config.send_rate_per_minute);
    if (per_part >= no_lookahead_ms) return 0;
    const double commit =
        std::chrono::duration<double, std::milli>(commits_->commit_time()).count();
    int n = static_cast<int>(std::ceil(lookahead_commits * commit / std::max(per_part, 0.01)));
    n = std::clamp(n, 1, options_.max_lookahead);
    if (s.limiter.max_per_day() > 0)
        n = static_cast<int>(std::min<std::int64_t>(
            n,
            std::max<std::int64_t>(0, s.limiter.max_per_day() - s.limiter.sent_today(s.day) - 1)));
    return n;
}

drivers::Modem::SendGate OutboundScheduler::Impl::before_write(const store::Part& part) {
    if (part.written) return {};
    return [self = shared_from_this(), id = part.id] { return self->commit_written(self, id); };
}

awaitable<std::string> OutboundScheduler::Impl::commit_written(std::shared_ptr<Impl> self,
                                                               std::int64_t part_id) {
    struct Mark {
        explicit Mark(asio::io_context& io) : event(io) {}
        asio::steady_timer event;
        bool marked = false;  // set by the writer, read after the commit
        std::optional<bool> committed;
    };
    auto mark = std::make_shared<Mark>(io_);
    mark->event.expires_after(written_mark_wait);
    commits_->submit([mark, part_id](store::Store& st) { mark->marked = st.mark_written(part_id); },
                     [mark](bool committed) {
                         mark->committed = committed;
                         mark->event.cancel();
                     },
                     SteadyClock::now());
    boost::system::error_code ec;
    co_await mark->event.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    (void)self;
    if (!mark->committed)
        co_return "the store did not record within " + std::to_string(written_mark_wait.count()) +
            " s that it is being written";
    if (!*mark->committed) co_return "the store could not record that it is being written";
    if (!mark->marked) co_return "no longer claimed: its message ended meanwhile";
    co_return std::string();
}

void OutboundScheduler::Impl::claim(Sender& s, int want, SteadyClock::time_point deadline,
                                    store::Store::Written written) {
    s.claim_pending = true;
    // What the store needs, copied from the sender as the batch forms (the
    // writer thread must not read the sender), and what it claimed.
    struct Claim {
        std::string modem;
        std::string sim;  // the IMSI the modem holds now
        int count = 0;
        std::vector<std::string> routes, excluded;
        std::vector<store::Part> parts;
        std::optional<store::Time> due_by;  // when it looked; none for a void claim
    };
    auto job = std::make_shared<Claim>();
    Sender* sp = &s;
    const std::uint64_t epoch = s.epoch;
    commits_->submit(
        [job, written](store::Store& st) {
            job->parts.clear();
            if (job->count <= 0) return;
            job->due_by = core::now();
            job->parts = st.claim_next_parts(job->modem, *job->due_by, job->count, job->routes,
                                             job->excluded, written, job->sim);
        },
        [this, sp, job, epoch](bool committed) {
            sp->claim_pending = false;
            // Committed or given up, it looked at the queue then: a claim
            // that keeps failing on a due part must not make the idle wait
            // zero (a spin); the sender looks again at the next due time or
            // recheck.
            if (job->due_by) sp->claimed_due_by = *job->due_by;
            if (committed && epoch == sp->epoch)
                for (auto& p : job->parts) sp->claimed.push_back(std::move(p));
            poke(*sp);
        },
        deadline,
        [this, sp, job, want, epoch] {
            job->count = 0;
            // Detached, draining, held or requeued since: claim nothing for it.
            if (epoch != sp->epoch || !sp->modem || draining_ || !held_.empty()) return;
            sp->claim_wake = wake_seq_;
            job->count = want - static_cast<int>(sp->claimed.size());
            job->modem = sp->name;
            job->sim = sp->modem->status().imsi;
            job->routes = sp->config.route_prefixes;
            job->excluded = sp->excluded;
        });
}

void OutboundScheduler::Impl::record(Sender& s, const store::Part& part, const SendResult& r,
                                     std::uint64_t id) {
    if (r.status == SendResult::Status::not_ready) {
        spdlog::info("dispatch: modem[{}] did not take {} ({}): back to the queue", s.name,
                     describe(part), r.reason);
        return;  // requeue() puts it back
    }
    if (r.status == SendResult::Status::sent || r.status == SendResult::Status::uncertain)
        s.limiter.count_sent(s.day);  // an uncertain part may have cost a send too
    if (r.status == SendResult::Status::sent) {
        record_sent(s, part, r, id);
        return;
    }
    // The update, and the message as its event shows it: read by the writer in
    // the same transaction when someone listens, which spares the io_context
    // a read transaction of its own for every part.
    struct Outcome {
        store::StateUpdate update;
        bool listening = false;
        std::optional<store::Message> message;
    };
    auto out = std::make_shared<Outcome>();
    Sender* sp = &s;
    commits_->submit(
        [part, r, out](store::Store& st) {
            const store::Time now = core::now();
            auto& update = out->update;
            if (r.status == SendResult::Status::failed)
                update = st.mark_failed(part.id, r.reason,
                                        r.error_class() == at::ErrorClass::permanent
                                            ? store::FailureKind::permanent
                                            : store::FailureKind::temporary,
                                        now);
            else
                update = st.mark_uncertain(
                    part.id, r.reason.empty() ? "no answer to AT+CMGS after the PDU" : r.reason,
                    now);
            if (out->listening && core::EventPublisher::has_event(update))
                out->message = st.find_message(update.message_id);
        },
        [this, sp, part, r, out, id](bool committed) {
            settle(*sp, part, r, id, committed ? &out->update : nullptr, out->message);
        },
        SteadyClock::now() + options_.record_delay,
        [this, out] { out->listening = events_.listening_to_updates(); });
}

void OutboundScheduler::Impl::record_sent(Sender& s, const store::Part& part, const SendResult& r,
                                          std::uint64_t id) {
    // Joins the sent results not yet handed to the writer, one operation for
    // them all: at 0 ms a modem has hundreds between two commits, and the
    // writer's time per part is what holds it back.
    if (auto batch = sent_waiting_.lock()) {
        batch->items.push_back(SentResults::Item{&s, part, r, id, {}, {}});
        return;
    }
    auto batch = std::make_shared<SentResults>();
    batch->items.push_back(SentResults::Item{&s, part, r, id, {}, {}});
    sent_waiting_ = batch;
    commits_->submit(
        [batch](store::Store& st) {
            std::vector<store::Store::SentPart> sent;
            sent.reserve(batch->items.size());
            for (const auto& item : batch->items) sent.push_back({item.part.id, item.result.mr});
            auto updates = st.mark_sent_many(sent, core::now());
            std::vector<std::int64_t> shown;  // messages whose event is built
            for (std::size_t i = 0; i < updates.size(); ++i) {
                batch->items[i].update = std::move(updates[i]);
                const auto& u = batch->items[i].update;
                if (batch->listening && u && core::EventPublisher::has_event(*u))
                    shown.push_back(u->message_id);
            }
            if (shown.empty()) return;
            std::unordered_map<std::int64_t, store::Message> messages;
            for (auto& m : st.find_messages(shown)) messages.emplace(m.id, std::move(m));
            for (auto& item : batch->items) {
                if (!item.update || !core::EventPublisher::has_event(*item.update)) continue;
                const auto it = messages.find(item.update->message_id);
                if (it != messages.end()) item.message = it->second;
            }
        },
        [this, batch](bool committed) {
            for (auto& item : batch->items) {
                const store::StateUpdate* update =
                    committed && item.update ? &*item.update : nullptr;
                settle(*item.sender, item.part, item.result, item.id, update, item.message);
            }
        },
        SteadyClock::now() + options_.record_delay,
        [this, batch] {
            // Handed to the writer: what is sent from now on goes in a new one.
            if (sent_waiting_.lock() == batch) sent_waiting_.reset();
            batch->listening = events_.listening_to_updates();
        });
}

void OutboundScheduler::Impl::settle(Sender& s, const store::Part& part, const SendResult& r,
                                     std::uint64_t id, const store::StateUpdate* update,
                                     const std::optional<store::Message>& message) {
    // Given up too: a report about it then matches nothing, and the part
    // becomes uncertain (below); later reports are not held up.
    send_settled(s, id);
    if (!update) {
        // It stays in sending; the next requeue marks it uncertain first, so
        // that it is never put back in the queue and sent again.
        spdlog::error(
            "dispatch: modem[{}] the outcome of {} ({}) could not be recorded; it will be "
            "marked uncertain",
            s.name, describe(part), to_string(r.status));
        s.unrecorded.push_back(part.id);
        return;
    }
    recorded(s, part, r, *update);
    if (message)
        events_.message_update(*update, *message);
    else
        events_.message_update(store_, *update);  // a subscriber came meanwhile
}

void OutboundScheduler::Impl::recorded(Sender& s, const store::Part& part, const SendResult& r,
                                       const store::StateUpdate& update) {
    // describe() builds a string: only for what is logged (a sent part, the
    // common case, is logged at debug level).
    switch (r.status) {
        case SendResult::Status::sent:
            ++s.counters.sent;
            if (part_sent) part_sent(s.name);
            if (spdlog::should_log(spdlog::level::debug))
                spdlog::debug("dispatch: modem[{}] {} sent, TP-MR {}", s.name, describe(part),
                              r.mr);
            break;
        case SendResult::Status::failed:
            ++s.counters.failed;
            if (update.retry_at) {
                if (!next_due_ || *update.retry_at < *next_due_) next_due_ = *update.retry_at;
                spdlog::info(
                    "dispatch: modem[{}] {} refused ({}); retry in {:.1f} s", s.name, describe(part),
                    r.reason, std::chrono::duration<double>(*update.retry_at - core::now()).count());
                wake();  // idle senders sleep until the retry is due
            } else {
                spdlog::warn("dispatch: modem[{}] {} failed: {}", s.name, describe(part), r.reason);
            }
            break;
        case SendResult::Status::uncertain:
            ++s.counters.uncertain;
            spdlog::warn("dispatch: modem[{}] {} uncertain ({}): not re-sent", s.name, describe(part),
                         r.reason);
            break;
        case SendResult::Status::not_ready:
            return;
    }
}

void OutboundScheduler::Impl::rest(Sender& s, const std::string& last_error) {
    // Alone, it keeps trying: resting would only add to the retries' backoff.
    const bool stand_in = std::any_of(senders_.begin(), senders_.end(), [&](const auto& o) {
        return o.second.get() != &s && may_take_parts(*o.second);
    });
    if (!stand_in || !s.resting.empty()) return;
    s.rest_span = s.rest_span == SteadyClock::duration::zero()
                      ? SteadyClock::duration(rest_first)
                      : std::min<SteadyClock::duration>(s.rest_span * 2, rest_longest);
    s.rest_until = SteadyClock::now() + s.rest_span;
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(s.rest_span).count();
    s.resting = "its network refused " + std::to_string(s.refused_in_row) +
                " sends in a row (last: " + last_error + "); the other modems take its messages for " +
                std::to_string(seconds) + " s";
    s.refused_in_row = 0;
    spdlog::warn("dispatch: modem[{}] rests: {}", s.name, s.resting);
    recompute_routes();
    wake();
    poke(s);
}

void OutboundScheduler::Impl::requeue(Sender& s, std::function<void()> done, std::string why) {
    ++s.epoch;
    s.claimed.clear();
    Sender* sp = &s;
    struct Requeue {
        std::string modem;
        std::vector<std::int64_t> unrecorded;  // the sender's, as the batch forms
        std::vector<std::int64_t> settled, released;
        std::string why;
    };
    auto job = std::make_shared<Requeue>();
    job->modem = s.name;
    job->why = std::move(why);
    commits_->submit(
        [job](store::Store& st) {
            // A part whose result could not be recorded may be on the network:
            // uncertain, before anything in sending goes back to the queue.
            auto& settled = job->settled;
            settled.clear();
            for (const auto id : job->unrecorded) {
                try {
                    st.mark_uncertain(id, "its AT+CMGS outcome could not be recorded", core::now());
                } catch (const store::StoreError& e) {
                    if (e.sqlite_code() != 0) throw;  // the store fails: requeue nothing
                    // Not in sending any more: its outcome was recorded after all.
                }
                settled.push_back(id);
            }
            job->released = st.requeue_modem_parts(job->modem, core::now(), job->why);
        },
        [this, sp, job, done = std::move(done)](bool committed) {
            if (committed) {
                auto& u = sp->unrecorded;
                for (const auto id : job->settled)
                    u.erase(std::remove(u.begin(), u.end(), id), u.end());
            }
            if (!job->released.empty())
                spdlog::info(
                    "dispatch: modem[{}] released {} queued message(s) to the other modems",
                    sp->name, job->released.size());
            wake();
            if (done) done();
        },
        SteadyClock::now(), [sp, job] { job->unrecorded = sp->unrecorded; });
}

std::chrono::milliseconds OutboundScheduler::Impl::idle_time(store::Time looked_at) {
    const store::Time now = core::now();
    if (!due_known_ || (next_due_ && *next_due_ <= now)) {
        try {
            // From the claim's time, not now: a retry that fell due between
            // the two was not claimed, and is not "after now" either.
            next_due_ = store_.next_due_time(std::min(looked_at, now));
            due_known_ = true;
        } catch (const std::exception& e) {
            spdlog::error("dispatch: next due time: {}", e.what());
            return std::chrono::seconds(1);
        }
    }
    std::chrono::milliseconds wait = options_.idle_recheck;
    if (next_due_)
        wait = std::clamp(
            std::chrono::duration_cast<std::chrono::milliseconds>(*next_due_ - now) + 1ms, 0ms,
            wait);
    return wait;
}

void OutboundScheduler::Impl::fail_stranded(store::Time now) {
    if (options_.bound_modem_wait <= 0ms) return;
    std::map<std::string, store::Time, std::less<>> still;
    for (const std::string& name : store_.modems_holding_messages()) {
        const auto s = senders_.find(name);
        if (s != senders_.end() && s->second->modem) continue;  // attached: it sends them
        const auto known = unavailable_since_.find(name);
        // Not seen detaching (down since the daemon started, or no longer
        // configured): the wait starts now.
        const store::Time since = known == unavailable_since_.end() ? now : known->second;
        // Kept while anything waits for the modem: a message that asked for it
        // and is due later must not restart the modem's wait.
        still.emplace(name, since);
        if (now - since < options_.bound_modem_wait) continue;
        const auto minutes =
            std::chrono::duration_cast<std::chrono::minutes>(now - since).count();
        const std::string reason =
            "modem " + name + " has been unavailable for " + std::to_string(minutes) +
            " min (retry.bound_modem_wait_minutes), and the message must go through it: the "
            "send asked for it, or it sent the first parts (a handset joins only parts from "
            "one sender)";
        // A message that asked for the modem waits as long from when it was due.
        const auto updates =
            store_.fail_bound_to(name, reason, now, now - options_.bound_modem_wait);
        for (const auto& u : updates) events_.message_update(store_, u);
        if (!updates.empty())
            spdlog::warn("dispatch: modem[{}] unavailable for {} min: {} message(s) bound to it "
                         "or asking for it failed",
                         name, minutes, updates.size());
    }
    unavailable_since_ = std::move(still);
}

void OutboundScheduler::Impl::fail_awaiting_sim(store::Time now) {
    // A modem that holds another SIM than the one it sent a message's first
    // parts from (a stick swapped at its port, or its port changed): those
    // messages wait for that SIM as for a modem that is away.
    std::map<std::pair<std::string, std::string>, store::Time> still;
    for (const auto& [name, s] : senders_) {
        if (!s->modem) continue;  // away: fail_stranded waits for the modem itself
        const std::string& imsi = s->modem->status().imsi;
        if (imsi.empty()) continue;
        for (const std::string& sim : store_.sims_awaited(name, imsi)) {
            const auto key = std::pair(name, sim);
            const auto known = sim_away_since_.find(key);
            const store::Time since = known == sim_away_since_.end() ? now : known->second;
            if (known == sim_away_since_.end())
                spdlog::warn("dispatch: modem[{}] holds SIM IMSI {}, but messages it sent part "
                             "of went out from IMSI {}: they wait for that SIM (a handset joins "
                             "only parts from one sender), and fail after "
                             "retry.bound_modem_wait_minutes",
                             name, imsi, sim);
            still.emplace(key, since);
            if (options_.bound_modem_wait <= 0ms || now - since < options_.bound_modem_wait)
                continue;
            const auto minutes =
                std::chrono::duration_cast<std::chrono::minutes>(now - since).count();
            const std::string reason =
                "modem " + name + " has held another SIM (IMSI " + imsi + ") for " +
                std::to_string(minutes) +
                " min (retry.bound_modem_wait_minutes), and the message must go out from the "
                "SIM its first parts went out from (IMSI " + sim +
                "): a handset joins only parts from one sender";
            const auto updates = store_.fail_bound_to_sim(name, sim, reason, now);
            for (const auto& u : updates) events_.message_update(store_, u);
            if (!updates.empty())
                spdlog::warn("dispatch: modem[{}] without SIM IMSI {} for {} min: {} message(s) "
                             "bound to it failed",
                             name, sim, minutes, updates.size());
        }
    }
    sim_away_since_ = std::move(still);
}

awaitable<void> OutboundScheduler::Impl::expiry_loop(std::shared_ptr<Impl> self) {
    while (!closed_) {
        expire_timer_.expires_after(options_.expire_interval);
        boost::system::error_code ec;
        co_await expire_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (closed_) break;
        try {
            const auto updates = store_.expire(core::now());
            for (const auto& u : updates) events_.message_update(store_, u);
            if (!updates.empty())
                spdlog::info("dispatch: {} message(s) expired before they were sent",
                             updates.size());
            fail_stranded(core::now());
            fail_awaiting_sim(core::now());
        } catch (const std::exception& e) {
            spdlog::error("dispatch: expiry sweep: {}", e.what());
        }
    }
    (void)self;
}

}  // namespace smsgw::dispatch
