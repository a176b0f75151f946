// See inbound_pipeline.hpp. A received PDU is taken in one transaction: the
// fragment or message, the PDU's "seen" record, the opt-out it asks for and the
// automatic reply. The events and log lines that announce them run only after
// the commit; a failed commit leaves the PDU on the modem to be read again,
// with nothing half done (a seen PDU is only deleted, so an opt-out committed
// apart from its message could be lost).
#include "daemon/dispatch/inbound_pipeline.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <span>
#include <stdexcept>

#include "daemon/api/op_table.hpp"
#include "daemon/api/params.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/event_publisher.hpp"
#include "daemon/core/message_builder.hpp"
#include "daemon/core/settings_cache.hpp"
#include "daemon/dispatch/outbound_scheduler.hpp"
#include "daemon/policy/numbers.hpp"
#include "daemon/policy/optout_matcher.hpp"
#include "daemon/store/store.hpp"
#include "pdu/partial_pdu.hpp"
#include "pdu/pdu_codec.hpp"
#include "pdu/reassembly.hpp"

namespace smsgw::dispatch {

namespace asio = drivers::asio;
using drivers::awaitable;

namespace {

policy::OptoutMatcher make_matcher(const config::OptoutConfig& optout) {
    auto m = policy::OptoutMatcher::create(optout);
    if (!m) throw std::invalid_argument(m.error().message);
    return std::move(*m);
}

// FNV-1a, 64 bits: a stable name for "the reply to these PDUs".
std::string fingerprint(std::string_view modem, const std::vector<std::string>& pdus) {
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&](std::string_view s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        h ^= 0xFF;
        h *= 1099511628211ULL;
    };
    mix(modem);
    for (const auto& p : pdus) mix(p);
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

// A group's parts (by seq) as one text, and their encoding.
struct Joined {
    std::string text;
    std::optional<std::string> encoding;  // the first part's: a phone codes all alike
};

// The parts decoded again together, so a character the sender split between
// two parts (a surrogate pair, an escape and its character) comes out whole
// (pdu::join_texts). The parts' own texts when one no longer decodes.
Joined joined_text(std::span<const store::Fragment> parts) {
    Joined out;
    std::vector<pdu::SmsDeliver> delivers;
    for (const auto& p : parts) {
        auto decoded = pdu::decode_pdu(p.pdu);
        const auto* deliver = decoded ? std::get_if<pdu::SmsDeliver>(&decoded->tpdu) : nullptr;
        if (!deliver) {
            for (const auto& q : parts) out.text += q.text;
            return out;
        }
        if (!out.encoding) out.encoding = pdu::to_string(deliver->coding.alphabet);
        delivers.push_back(std::move(*deliver));
    }
    out.text = pdu::join_texts(delivers);
    return out;
}

// An incomplete group as the inbound row shows it: each run of consecutive
// parts joined as a whole group's is (joined_text), a gap marker for each
// missing part, and the missing sequence numbers ("2, 3").
struct WithGaps {
    Joined joined;
    std::string missing;
};
WithGaps with_gaps(const store::FragmentGroup& g) {
    WithGaps out;
    const std::span<const store::Fragment> parts = g.fragments;  // by seq
    std::size_t run = 0;  // where the current run of consecutive parts begins
    std::size_t next = 0;
    const auto add_run = [&] {
        Joined j = joined_text(parts.subspan(run, next - run));
        out.joined.text += j.text;
        if (!out.joined.encoding) out.joined.encoding = std::move(j.encoding);
        run = next;
    };
    for (int seq = 1; seq <= g.total; ++seq) {
        if (next < parts.size() && parts[next].seq == seq) {
            ++next;
            continue;
        }
        add_run();
        out.joined.text += pdu::Reassembler::kGapMarker;
        out.missing += (out.missing.empty() ? "" : ", ") + std::to_string(seq);
    }
    add_run();
    return out;
}

// A group's fragments (by seq) as one inbound row with `joined`'s text and
// encoding, and the fragment ids it consumes; completeness is the caller's.
// It was received when its last part came: an incomplete one released a day
// later still files under the time its parts arrived.
store::NewInbound grouped(const store::FragmentGroup& g, Joined joined,
                          std::vector<std::int64_t>& consumed) {
    store::NewInbound n;
    n.modem = g.modem;
    n.sender = g.sender;
    n.text = std::move(joined.text);
    n.encoding = std::move(joined.encoding);
    for (const auto& f : g.fragments) n.received_at = std::max(n.received_at, f.received_at);
    n.concat_ref = store::concat_reference(g.ref);
    n.parts_total = g.total;
    for (const auto& f : g.fragments) {
        n.raw_pdus.push_back(f.pdu);
        consumed.push_back(f.id);
    }
    return n;
}

std::string shown_sender(const std::string& s) {
    return s.empty() ? std::string("(unknown sender)") : s;
}

}  // namespace

InboundOptions InboundOptions::from(const config::Config& config) {
    InboundOptions o;
    o.default_country = config.default_country;
    o.optout = config.optout;
    o.reassembly_timeout = std::chrono::minutes(config.inbound.reassembly_timeout_minutes);
    o.sweep_interval = std::min<std::chrono::milliseconds>(60s, o.reassembly_timeout / 10);
    o.sweep_interval = std::max<std::chrono::milliseconds>(o.sweep_interval, 1s);
    o.max_parts = config.limits.max_parts_per_message;
    return o;
}

class InboundPipeline::Impl : public std::enable_shared_from_this<InboundPipeline::Impl> {
  public:
    Impl(asio::io_context& io, store::Store& store, core::EventPublisher& events,
         const core::SettingsCache& settings, OutboundScheduler& scheduler, InboundOptions options)
        : io_(io),
          store_(store),
          events_(events),
          settings_(settings),
          scheduler_(scheduler),
          options_(std::move(options)),
          matcher_(make_matcher(options_.optout)),
          timer_(io) {}

    void start();
    void close() {
        closed_ = true;
        timer_.cancel();
    }
    void reconfigure(InboundOptions options) {
        auto matcher = make_matcher(options.optout);
        options_ = std::move(options);
        matcher_ = std::move(matcher);
        timer_.cancel();  // the sweep picks up its new interval
    }
    bool on_inbound(const drivers::InboundPdu& pdu);
    void on_status_report(const drivers::InboundPdu& pdu, std::function<void(bool stored)> settled);
    int sweep(store::Time now);
    // Matches a report to its part (and publishes the message's update); false:
    // no part sent in the window matches it.
    bool apply_report(const store::StatusReport& report);
    void drop_report(const store::StatusReport& report, const std::string& text);

  private:
    awaitable<void> sweep_loop(std::shared_ptr<Impl> self);
    // A PDU kept raw with the reason, and its sender (TP-OA as the PDU
    // writes it) when that decoded.
    void store_raw(const drivers::InboundPdu& pdu, const std::string& why,
                   const std::string& originator, store::Time now);
    void received(const drivers::InboundPdu& pdu, const policy::Sender& sender,
                  const pdu::SmsDeliver& deliver, store::Time now);
    void fragment(const drivers::InboundPdu& pdu, const policy::Sender& sender,
                  const pdu::SmsDeliver& deliver, const pdu::Concatenation& concat,
                  store::Time now);
    // What a transaction set off, run once it has committed: events, log
    // lines, the scheduler's wake-up.
    using Announcements = std::vector<std::function<void()>>;
    // A complete message's keyword (nullopt: none), kept with it as it is
    // stored, so that inbound.list shows it as inbound.received does.
    std::optional<policy::KeywordMatch> keyword_of(store::NewInbound& n) const;
    // A stored complete message's keyword: the opt-out change and the reply,
    // inside the caller's transaction.
    void after_insert(std::int64_t id, const std::optional<policy::KeywordMatch>& match,
                      const policy::Sender& sender, const std::vector<std::string>& pdus,
                      std::string_view modem, store::Time now, Announcements& later);
    void reply(const policy::Sender& to, const std::string& text, std::string_view purpose,
               std::string_view modem, const std::vector<std::string>& pdus, store::Time now,
               Announcements& later);
    // A group whose parts will not all come (timed out, or its reference
    // taken by a new message) stored as one incomplete message.
    // Its log line and inbound.received go to `later`; false: nothing to
    // store (the group had no usable part).
    bool release_group(const store::FragmentGroup& group, const char* why,
                       Announcements& later);
    // Runs what a committed transaction set off. One that throws (an event
    // sink, a read) is logged and the rest still run: the PDU is stored.
    static void announce(Announcements& later);
    void publish(std::int64_t id);

    asio::io_context& io_;
    store::Store& store_;
    core::EventPublisher& events_;
    const core::SettingsCache& settings_;
    OutboundScheduler& scheduler_;
    InboundOptions options_;
    policy::OptoutMatcher matcher_;
    asio::steady_timer timer_;
    bool started_ = false;
    bool closed_ = false;
};

// ---- public handle ------------------------------------------------------------------

InboundPipeline::InboundPipeline(asio::io_context& io, store::Store& store,
                                 core::EventPublisher& events, const core::SettingsCache& settings,
                                 OutboundScheduler& scheduler, InboundOptions options)
    : impl_(std::make_shared<Impl>(io, store, events, settings, scheduler, std::move(options))) {}
InboundPipeline::~InboundPipeline() {
    impl_->close();
}
void InboundPipeline::start() {
    impl_->start();
}
void InboundPipeline::reconfigure(InboundOptions options) {
    impl_->reconfigure(std::move(options));
}
bool InboundPipeline::on_inbound(const drivers::InboundPdu& pdu) {
    return impl_->on_inbound(pdu);
}
void InboundPipeline::on_status_report(const drivers::InboundPdu& pdu,
                                       std::function<void(bool stored)> settled) {
    impl_->on_status_report(pdu, std::move(settled));
}
int InboundPipeline::sweep(store::Time now) {
    return impl_->sweep(now);
}

// ---- Impl ----------------------------------------------------------------------------

void InboundPipeline::Impl::start() {
    if (started_ || closed_) return;
    started_ = true;
    auto self = shared_from_this();
    asio::co_spawn(io_, sweep_loop(self), [self](std::exception_ptr e) {
        if (e && !self->closed_)
            spdlog::error("inbound: the reassembly sweep stopped by an exception");
    });
}

awaitable<void> InboundPipeline::Impl::sweep_loop(std::shared_ptr<Impl> self) {
    while (!closed_) {
        timer_.expires_after(options_.sweep_interval);
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (closed_) break;
        if (ec) continue;  // reconfigured: a new interval
        try {
            sweep(core::now());
        } catch (const std::exception& e) {
            spdlog::error("inbound: reassembly sweep: {}", e.what());
        }
    }
    (void)self;
}

bool InboundPipeline::Impl::on_inbound(const drivers::InboundPdu& in) {
    const store::Time now = core::now();
    try {
        if (store_.inbound_pdu_seen(in.modem, in.hex)) {
            // Read again after a stop between the commit and AT+CMGD, or the
            // network delivering it twice (an acknowledgement lost on the
            // radio): the same PDU, to its timestamp's second, is the same message.
            spdlog::info("inbound: modem[{}] message {}{} is a PDU stored before (read again "
                         "after a stop, or delivered twice by the network); deleting it now",
                         in.modem, in.storage, in.index ? std::to_string(*in.index) : std::string());
            return true;
        }
        // Decoded here again rather than taking the driver's decode_error:
        // what decoded before an error (the sender) is kept with the message.
        auto decoded = pdu::decode_pdu_partial(in.hex);
        if (!decoded) {
            const auto& partial = decoded.error();
            store_raw(in, partial.error.to_string(),
                      partial.originator ? partial.originator->display() : std::string(), now);
            return true;
        }
        const auto* deliver = std::get_if<pdu::SmsDeliver>(&decoded->tpdu);
        if (!deliver) {
            store_raw(in,
                      std::string("an ") + pdu::type_name(decoded->tpdu) + ", not an SMS-DELIVER",
                      {}, now);
            return true;
        }
        const policy::Sender sender =
            policy::normalize_sender(deliver->originator.display(), options_.default_country);
        const auto& header = deliver->user_data.header;
        if (header && header->concat && header->concat->total > 1 &&
            header->concat->sequence >= 1 && header->concat->sequence <= header->concat->total)
            fragment(in, sender, *deliver, *header->concat, now);
        else
            received(in, sender, *deliver, now);
        return true;
    } catch (const std::exception& e) {
        // Only a stored PDU (+CMTI, a listing) can be read again; one the modem
        // routed straight to us (+CMT) is gone with this failure.
        if (in.index)
            spdlog::error("inbound: modem[{}] message {}{} not stored ({}); it stays on the modem",
                          in.modem, in.storage, *in.index, e.what());
        else
            spdlog::error("inbound: modem[{}] message routed directly (+CMT) not stored ({}); "
                          "it is lost: PDU {}",
                          in.modem, e.what(), in.hex);
        return false;
    }
}

void InboundPipeline::Impl::store_raw(const drivers::InboundPdu& in, const std::string& why,
                                      const std::string& originator, store::Time now) {
    store::NewInbound n;
    n.modem = in.modem;
    // Normalised as a decoded message's sender is, so the inbox files it with
    // that sender's other messages. Its text is no keyword: nothing here goes
    // near the opt-out list, whatever the user data would have said.
    if (!originator.empty())
        n.sender = policy::normalize_sender(originator, options_.default_country).address;
    n.text = "[undecodable PDU: " + why + "]";
    n.received_at = now;
    n.raw_pdus = {in.hex};
    n.complete = false;
    const auto id = store_.insert_inbound(n);
    spdlog::warn("inbound: modem[{}] kept undecodable PDU from {} as inbound {}: {}", in.modem,
                 shown_sender(n.sender), id, why);
    publish(id);
}

void InboundPipeline::Impl::received(const drivers::InboundPdu& in, const policy::Sender& sender,
                                     const pdu::SmsDeliver& deliver, store::Time now) {
    store::NewInbound n;
    n.modem = in.modem;
    n.sender = sender.address;
    n.text = deliver.user_data.text;
    n.encoding = pdu::to_string(deliver.coding.alphabet);
    n.received_at = now;
    n.raw_pdus = {in.hex};
    const auto match = keyword_of(n);
    store::Store::Batch batch(store_, store::Store::Atomicity::all_or_nothing);
    const auto id = store_.insert_inbound(n);
    Announcements later;
    after_insert(id, match, sender, n.raw_pdus, in.modem, now, later);
    batch.commit();
    spdlog::debug("inbound: modem[{}] inbound {} from {}", in.modem, id, shown_sender(n.sender));
    announce(later);
}

void InboundPipeline::Impl::fragment(const drivers::InboundPdu& in, const policy::Sender& sender,
                                     const pdu::SmsDeliver& deliver,
                                     const pdu::Concatenation& concat, store::Time now) {
    store::Fragment f;
    f.modem = in.modem;
    f.sender = sender.address;
    f.ref = store::group_ref(concat.reference, concat.reference_16bit);
    f.total = concat.total;
    f.seq = concat.sequence;
    f.text = deliver.user_data.text;
    f.pdu = in.hex;
    f.received_at = now;
    // The part, the message it completes and what that sets off commit
    // together: a part stored (and so seen) apart from its message would, read
    // again after a failed commit, only be deleted, its message left to the
    // timeout and its STOP never honoured.
    store::Store::Batch batch(store_, store::Store::Atomicity::all_or_nothing);
    Announcements later;
    auto waiting = store_.fragments_for(f.modem, f.sender, f.ref, f.total);
    const auto same_seq = std::find_if(waiting.begin(), waiting.end(),
                                       [&](const store::Fragment& p) { return p.seq == f.seq; });
    if (same_seq != waiting.end() && same_seq->text != f.text) {
        // The sender's phone has reused the reference for a new message
        // (8-bit references wrap after 256 long messages) before the old one
        // was whole: the old one will not get this part.
        store::FragmentGroup old{f.modem, f.sender, f.ref, f.total, std::move(waiting)};
        release_group(old, "its reference was reused by a new message", later);
        waiting.clear();
    }
    if (const auto id = store_.store_fragment(f)) {
        // The group as the table now holds it, by seq and one per seq (its
        // unique key), without reading it again.
        f.id = *id;
        const auto at = std::find_if(waiting.begin(), waiting.end(),
                                     [&](const store::Fragment& p) { return p.seq > f.seq; });
        waiting.insert(at, f);
    } else {
        spdlog::debug("inbound: modem[{}] part {}/{} of ref {} from {} again: kept the first",
                      in.modem, f.seq, f.total, concat.reference, f.sender);
    }
    const store::FragmentGroup group{f.modem, f.sender, f.ref, f.total, std::move(waiting)};
    if (static_cast<int>(group.fragments.size()) < f.total) {
        batch.commit();
        spdlog::debug("inbound: modem[{}] part {}/{} of ref {} from {} stored ({} of {})", in.modem,
                      f.seq, f.total, concat.reference, f.sender, group.fragments.size(), f.total);
        announce(later);
        return;
    }
    std::vector<std::int64_t> consumed;
    store::NewInbound n = grouped(group, joined_text(group.fragments), consumed);
    n.complete = true;
    const auto match = keyword_of(n);
    const auto id = store_.insert_inbound(n, consumed);
    after_insert(id, match, sender, n.raw_pdus, in.modem, now, later);
    batch.commit();
    spdlog::debug("inbound: modem[{}] inbound {} from {} reassembled from {} parts", in.modem, id,
                  n.sender, f.total);
    announce(later);
}

std::optional<policy::KeywordMatch> InboundPipeline::Impl::keyword_of(store::NewInbound& n) const {
    auto match = matcher_.match(n.text);
    if (match) n.keyword = std::string(policy::to_string(match->kind));
    return match;
}

void InboundPipeline::Impl::after_insert(std::int64_t id,
                                         const std::optional<policy::KeywordMatch>& match,
                                         const policy::Sender& sender,
                                         const std::vector<std::string>& pdus,
                                         std::string_view modem, store::Time now,
                                         Announcements& later) {
    later.emplace_back([this, id] { publish(id); });
    if (!match) return;
    const policy::Settings& settings = settings_.get();
    switch (match->kind) {
        case policy::KeywordKind::opt_out: {
            store::OptOut o;
            o.number = sender.address;
            o.keyword = match->keyword;
            o.at = now;
            o.source_inbound_id = id;
            o.source = "keyword";
            // What was queued for the number and would now be refused is
            // cancelled with it (a campaign still in the queue, a message
            // scheduled for tomorrow).
            if (auto added = store_.add_optout(o, settings.optout_allow_transactional);
                added.added) {
                later.emplace_back([this, number = o.number, keyword = match->keyword, id,
                                    stored = store_.get_optout(o.number),
                                    cancelled = std::move(added.cancelled)] {
                    spdlog::info("inbound: {} opted out ({}), inbound {}{}", number, keyword, id,
                                 cancelled.empty() ? std::string()
                                                   : "; " + std::to_string(cancelled.size()) +
                                                         " queued message(s) to it cancelled");
                    if (stored) events_.optout_added(*stored);
                    for (const auto& u : cancelled) events_.message_update(store_, u);
                });
            } else {
                later.emplace_back([number = o.number, keyword = match->keyword] {
                    spdlog::info("inbound: {} sent {} again; opted out already", number, keyword);
                });
            }
            if (settings.optout_confirmation_enabled)
                reply(sender, settings.optout_confirmation_text, "optout-confirmation", modem, pdus,
                      now, later);
            break;
        }
        case policy::KeywordKind::resubscribe:
            if (store_.remove_optout(sender.address)) {
                later.emplace_back([this, number = sender.address, keyword = match->keyword, id,
                                    now] {
                    spdlog::info("inbound: {} opted in again ({}), inbound {}", number, keyword,
                                 id);
                    events_.optout_removed(number, "keyword", now, id, std::nullopt);
                });
                // Only when an opt-out was lifted: "Start" from anyone else is
                // an ordinary message, not a request for a reply.
                if (settings.optout_resubscribe_confirmation_enabled)
                    reply(sender, settings.optout_resubscribe_confirmation_text,
                          "resubscribe-confirmation", modem, pdus, now, later);
            }
            break;
        case policy::KeywordKind::help:
            if (settings.optout_help_enabled)
                reply(sender, settings.optout_help_text, "help", modem, pdus, now, later);
            break;
    }
}

void InboundPipeline::Impl::reply(const policy::Sender& to, const std::string& text,
                                  std::string_view purpose, std::string_view modem,
                                  const std::vector<std::string>& pdus, store::Time now,
                                  Announcements& later) {
    if (text.empty()) return;
    // Switched off, nothing goes out; a confirmation queued now would reach
    // the sender whenever sending is switched on again, days later perhaps.
    if (!settings_.get().sms_enabled) {
        spdlog::info("inbound: no {} reply to {}: sending is switched off (setting sms.enabled)",
                     purpose, shown_sender(to.address));
        return;
    }
    if (to.kind == policy::SenderKind::alphanumeric || to.address.empty()) {
        spdlog::info("inbound: no {} reply to {}: not a number a message can reach", purpose,
                     shown_sender(to.address));
        return;
    }
    // One of each kind per number and interval: a sender repeating STOP, or an
    // auto-responder answering HELP with HELP, does not get (and pay for) a
    // reply to each.
    const std::string key_prefix = std::string(api::daemon_key_prefix) + std::string(purpose) + ":";
    if (store_.queued_since(to.address, key_prefix, now - options_.auto_reply_interval)) {
        spdlog::info("inbound: no {} reply to {}: one was queued in the last {} min", purpose,
                     to.address,
                     std::chrono::duration_cast<std::chrono::minutes>(options_.auto_reply_interval)
                         .count());
        return;
    }
    const policy::Settings& settings = settings_.get();
    api::SendParams params;
    params.to = to.address;
    params.text = text;
    params.category = api::Category::transactional;
    // From the number the customer wrote to, as a person would answer: a
    // reply from another SIM reads as a stranger's. It waits for that modem
    // (up to retry.bound_modem_wait_minutes) rather than go out from another.
    params.modem = std::string(modem);
    params.idempotency_key = key_prefix + fingerprint(modem, pdus);
    int max_parts = options_.max_parts;
    if (settings.max_segments > 0) max_parts = std::min(max_parts, settings.max_segments);
    const core::BuildContext context{options_.default_country, settings, max_parts, now};
    auto message = core::build_message(params, context, std::nullopt);
    if (!message) {
        spdlog::warn("inbound: {} reply to {} not queued: {}", purpose, to.address,
                     message.error().message);
        return;
    }
    // The confirmation of a STOP goes to the number that has just opted out:
    // it is the one message the opt-out itself asks for.
    message->refuse_if_opted_out = false;
    const auto results = store_.insert_messages({&*message, 1}, now, false);
    const auto& r = results.at(0);
    if (r.kind != store::InsertResult::Kind::inserted) {
        spdlog::debug("inbound: {} reply to {} queued before (message {})", purpose, to.address,
                      r.message_id);
        return;
    }
    later.emplace_back([this, purpose = std::string(purpose), to = to.address, id = r.message_id] {
        spdlog::info("inbound: {} reply to {} queued as message {}", purpose, to, id);
        if (auto detail = store_.get_message(id)) events_.message_queued(detail->message);
        scheduler_.wake();
    });
}

void InboundPipeline::Impl::publish(std::int64_t id) {
    if (auto inbound = store_.get_inbound(id)) events_.inbound_received(*inbound);
}

int InboundPipeline::Impl::sweep(store::Time now) {
    store_.forget_seen_pdus(
        now - std::chrono::duration_cast<std::chrono::milliseconds>(options_.seen_pdu_window));
    const auto groups = store_.expired_fragments(
        now - std::chrono::duration_cast<std::chrono::milliseconds>(options_.reassembly_timeout));
    int released = 0;
    for (const auto& g : groups) {
        if (g.fragments.empty()) continue;
        Announcements later;  // insert_inbound commits on its own
        if (release_group(g, "they never arrived", later)) ++released;
        announce(later);
    }
    return released;
}

void InboundPipeline::Impl::announce(Announcements& later) {
    for (auto& one : later) {
        try {
            one();
        } catch (const std::exception& e) {
            spdlog::error("inbound: announcing a stored message: {}", e.what());
        }
    }
}

bool InboundPipeline::Impl::release_group(const store::FragmentGroup& g, const char* why,
                                          Announcements& later) {
    if (g.fragments.empty()) return false;
    WithGaps released = with_gaps(g);
    std::vector<std::int64_t> consumed;
    store::NewInbound n = grouped(g, std::move(released.joined), consumed);
    n.complete = released.missing.empty();
    const auto id = store_.insert_inbound(n, consumed);
    later.emplace_back([this, g_modem = g.modem, sender = g.sender,
                        ref = store::concat_reference(g.ref), total = g.total,
                        id, missing = released.missing, why] {
        spdlog::info(
            "inbound: modem[{}] message from {} (ref {}) released incomplete as inbound {}: "
            "part(s) {} of {} missing: {}",
            g_modem, sender, ref, id, missing, total, why);
        publish(id);
    });
    return true;
}

void InboundPipeline::Impl::on_status_report(const drivers::InboundPdu& in,
                                             std::function<void(bool stored)> settled) {
    if (!in.status_report) {
        const bool stored = on_inbound(in);
        if (settled) settled(stored);
        return;
    }
    const auto& sr = *in.status_report;
    store::StatusReport report;
    report.modem = in.modem;
    report.tp_mr = sr.mr;
    report.recipient = policy::normalize_sender(sr.recipient, options_.default_country).address;
    if (!sr.recipient.empty() && sr.recipient.front() != '+') {
        // TON "unknown": national digits, or international ones without the '+'.
        const auto international = policy::normalize_sender("+" + sr.recipient, "");
        if (international.kind == policy::SenderKind::e164 &&
            international.address != report.recipient)
            report.recipient_alternative = international.address;
    }
    report.status = sr.status;
    if (sr.submitted_at) report.submitted_at = store::Time(*sr.submitted_at);
    if (!in.hex.empty()) report.pdu = in.hex;
    // Matched and committed (or matching nothing): the modem may delete it.
    // The store failed: it stays on the modem, which reads it again later.
    auto match = [weak = weak_from_this(), report, text = sr.text,
                  settled = std::move(settled)] {
        auto self = weak.lock();
        if (!self || self->closed_) return;
        bool stored = true;
        try {
            if (!self->apply_report(report)) self->drop_report(report, text);
        } catch (const std::exception& e) {
            spdlog::error("inbound: modem[{}] status report for TP-MR {} not stored ({})",
                          report.modem, report.tp_mr, e.what());
            stored = false;
        }
        if (settled) settled(stored);
    };
    if (!scheduler_.results_pending(in.modem)) {
        match();
        return;
    }
    // The network may have answered before the part's result was committed
    // (results wait up to record_delay to share a commit): matched now, the
    // report would find nothing, or an older part to the same recipient whose
    // TP-MR the counter has wrapped back to. Matched once they are.
    scheduler_.after_pending_results(in.modem, std::move(match));
}

bool InboundPipeline::Impl::apply_report(const store::StatusReport& report) {
    if (report.pdu && store_.inbound_pdu_seen(report.modem, *report.pdu)) {
        spdlog::info("inbound: modem[{}] status report for TP-MR {} was matched before (read "
                     "again after a stop); deleting it now",
                     report.modem, report.tp_mr);
        return true;
    }
    const auto update = store_.match_status_report(report, core::now(), options_.report_window);
    if (!update) return false;
    spdlog::debug("inbound: modem[{}] status report TP-MR {}: part {} {}", report.modem,
                  report.tp_mr, update->part_id, store::to_string(update->part_state));
    // Its message can never be whole (it may still say sending while parts
    // are claimed): what senders hold of it is not sent.
    if (update->part_state == store::State::failed || update->part_state == store::State::expired)
        scheduler_.message_ended(update->message_id);
    events_.message_update(store_, *update);
    return true;
}

void InboundPipeline::Impl::drop_report(const store::StatusReport& report, const std::string& text) {
    spdlog::info(
        "inbound: modem[{}] status report for TP-MR {} to {} ({}) matches no part sent in the "
        "window; dropped",
        report.modem, report.tp_mr, report.recipient, text);
}

}  // namespace smsgw::dispatch
