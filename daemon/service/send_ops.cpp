// send, send_batch and preview: validation and policy per message, then one
// group-committed transaction; the reply goes out only after the commit.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "daemon/api/suggest.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/event_publisher.hpp"
#include "daemon/core/message_builder.hpp"
#include "daemon/core/settings_cache.hpp"
#include "daemon/core/views.hpp"
#include "daemon/policy/cost.hpp"
#include "daemon/policy/numbers.hpp"
#include "daemon/service/service_impl.hpp"
#include "daemon/store/store.hpp"
#include "pdu/preview.hpp"

namespace smsgw::service {

namespace {

using Clock = std::chrono::steady_clock;

// The message as the store will hold it once committed (id 0 until then,
// text left out: no reply or event carries it), for the reply and the
// message.queued event: the NewMessage itself moves into the store call.
store::Message queued_view(const store::NewMessage& m, store::Time now) {
    store::Message v;
    v.recipient = m.recipient;
    v.encoding = m.encoding;
    v.category = m.category;
    v.priority = m.priority;
    v.not_before = m.not_before.value_or(now);
    v.expires_at = m.expires_at;
    v.report = m.report;
    v.validity_minutes = m.validity_minutes;
    v.requested_modem = m.requested_modem;
    v.idempotency_key = m.idempotency_key;
    v.state = store::State::queued;
    v.cost = m.cost;
    v.currency = m.currency;
    v.created_at = v.updated_at = now;
    v.caller_uid = m.caller_uid;
    v.parts_total = static_cast<int>(m.parts.size());
    return v;
}

// The cost in the currency it was priced in: a change of sms.currency while
// the message waited for its commit does not relabel it.
json accepted_reply(std::int64_t id, const store::Message& a, std::string_view state) {
    json r = {{"message_id", id},     {"to", a.recipient},
              {"segments", a.parts_total}, {"encoding", a.encoding},
              {"state", state}};
    r.update(core::money_json(a.cost, a.currency));
    return r;
}

// A repeated idempotency_key: the first message as stored now (its state may
// have moved on, and its text and number are the first request's), or this
// request's view if it cannot be read back.
json duplicate_reply(std::int64_t id, const store::Message& first, std::string_view state) {
    json r = accepted_reply(id, first, state);
    r["duplicate"] = true;
    return r;
}
json duplicate_reply(std::int64_t id, const std::optional<store::Message>& first,
                     const store::Message& fallback) {
    return first ? duplicate_reply(id, *first, store::to_string(first->state))
                 : duplicate_reply(id, fallback, "queued");
}

// An idempotency key names one caller's message: another user's send with the
// same key is refused, never answered with that message (its number, cost and
// state are not the caller's to see) nor taken for a repeat.
std::optional<api::Error> key_of_another(const store::Message& first, const CallerInfo& caller,
                                         std::string_view prefix) {
    if (first.caller_uid == static_cast<std::int64_t>(caller.uid)) return std::nullopt;
    return make_error(api::ErrorCode::bad_request,
                      "idempotency_key \"" + first.idempotency_key.value_or("") +
                          "\" is the key of a message another user submitted; use keys "
                          "unique to your application (a prefix of its own, for example)",
                      std::string(prefix) + "idempotency_key");
}

// What a repeat must repeat: the number and the text the handset gets. A
// retry sends the same request; the same key with another number or text is
// a client's bug (a key per order, reused for the order's second message),
// and answering it with the first message would drop the second in silence.
// `same_request` says whether it repeats `first` (compared by the store in the
// insert's transaction, or by the caller on a message it built).
std::optional<api::Error> key_reused(const store::Message& first, const std::string& recipient,
                                     bool same_request, std::string_view prefix) {
    if (same_request) return std::nullopt;
    const bool same_to = first.recipient == recipient;
    return make_error(api::ErrorCode::bad_request,
                      "idempotency_key \"" + first.idempotency_key.value_or("") +
                          "\" belongs to message " + std::to_string(first.id) +
                          (same_to ? ", which has another text"
                                   : ", which went to another number (" + first.recipient + ")") +
                          "; a retry repeats its request unchanged, a new message needs a new key",
                      std::string(prefix) + "idempotency_key");
}
std::optional<api::Error> key_reused(const store::Message& first, const store::NewMessage& m) {
    return key_reused(first, m.recipient, first.recipient == m.recipient && first.text == m.text,
                      "");
}

// Publishes message.queued for a message just committed as `id`.
void publish_queued(core::EventPublisher& events, store::Message view, std::int64_t id) {
    if (!events.listening(api::EventName::message_queued)) return;
    view.id = id;
    events.message_queued(view);
}

json error_json(const api::Error& e) {
    json j = {{"code", api::to_string(e.code)}, {"message", e.message}};
    if (!e.field.empty()) j["field"] = e.field;
    return j;
}

}  // namespace

bool SubmitRate::take(std::uint64_t connection, std::int64_t count, int per_minute,
                      Clock::time_point now) {
    if (now - last_sweep_ > std::chrono::minutes(10)) {  // forget closed connections
        std::erase_if(buckets_, [&](const auto& kv) {
            return now - kv.second.at > std::chrono::minutes(1);
        });
        last_sweep_ = now;
    }
    const double capacity = per_minute;
    auto [it, fresh] = buckets_.try_emplace(connection, Bucket{capacity, now});
    Bucket& b = it->second;
    if (!fresh) {
        const double minutes = std::chrono::duration<double, std::ratio<60>>(now - b.at).count();
        b.tokens = std::min(capacity, b.tokens + minutes * per_minute);
        b.at = now;
    }
    if (b.tokens < static_cast<double>(count)) return false;
    b.tokens -= static_cast<double>(count);
    return true;
}

Expected<std::string, api::Error> Service::Impl::number_param(const std::string& input,
                                                              std::string_view field) const {
    return core::number_param(input, config->default_country, {}, field);
}

std::string Service::Impl::sender_address(const std::string& input) const {
    return policy::normalize_sender(input, config->default_country).address;
}

namespace {

// The checks every submission passes before its messages are built.
std::optional<api::Error> admission(Service::Impl& s, const CallerInfo& caller, std::int64_t count) {
    if (!s.accepting)
        return make_error(api::ErrorCode::service_disabled,
                          "smsgwd is shutting down and takes no new messages");
    if (!s.deps.settings.get().sms_enabled)
        return make_error(api::ErrorCode::service_disabled,
                          "sending is switched off (setting sms.enabled is false)");
    const auto now = Clock::now();
    if (!s.rate.take(caller.connection_id, count, s.config->limits.submit_rate_per_minute, now))
        return make_error(api::ErrorCode::overloaded,
                          "more than " + std::to_string(s.config->limits.submit_rate_per_minute) +
                              " messages per minute on this connection "
                              "(limits.submit_rate_per_minute); slow down and retry");
    // Between counts the estimate only grows (accepted messages are added, sent
    // ones are not taken off), so while it stays under the limit the queue is
    // under it too and nothing is counted. Only near the limit is the queue
    // counted again, at most once a second.
    const bool never_counted = s.queue_counted_at == Clock::time_point{};
    const bool near_limit = s.queue_estimate + count > s.config->limits.max_queue;
    if (never_counted || (near_limit && now - s.queue_counted_at > std::chrono::seconds(1))) {
        s.queue_estimate = s.deps.store.queue_length();
        s.queue_counted_at = now;
    }
    if (s.queue_estimate + count > s.config->limits.max_queue)
        return make_error(api::ErrorCode::overloaded,
                          "the queue holds " + std::to_string(s.queue_estimate) +
                              " messages (limits.max_queue " +
                              std::to_string(s.config->limits.max_queue) + "); retry later");
    return std::nullopt;
}

// Why `send`'s `modem` names no modem a part may go to: one that is configured
// but disabled, or a name that is not configured, with the names that are
// (a modem's name is matched exactly, case included).
std::string modem_refusal(const std::string& name, const std::vector<std::string>& configured) {
    if (std::find(configured.begin(), configured.end(), name) != configured.end())
        return "modem \"" + name + "\" is disabled in the configuration (enabled: false)";
    if (configured.empty()) return "no modem named \"" + name + "\": no modem is configured";
    std::string names;
    for (const auto& n : configured) names += (names.empty() ? "" : ", ") + n;
    const std::vector<std::string_view> known(configured.begin(), configured.end());
    return "no modem named \"" + name + "\" is configured (configured: " + names + ")" +
           api::did_you_mean(name, known);
}

// Builds one message. The checks that need the store (opt-outs, idempotency,
// the wallet) run in the insert's transaction; their refusals are turned into
// errors by refusal() below.
Expected<store::NewMessage, api::Error> prepare(Service::Impl& s, const api::SendParams& p,
                                                const CallerInfo& caller, std::string_view prefix,
                                                store::Time now) {
    const auto& settings = s.deps.settings.get();
    if (p.modem && !s.deps.modems.has(*p.modem))
        return unexpected(make_error(api::ErrorCode::not_found,
                                     modem_refusal(*p.modem, s.deps.modems.names()),
                                     std::string(prefix) + "modem"));
    const int limit = s.config->limits.max_parts_per_message;
    core::BuildContext ctx{s.config->default_country, settings,
                           std::min(limit, settings.max_segments), now,
                           settings.max_segments <= limit ? "sms.max_segments"
                                                          : "limits.max_parts_per_message"};
    auto built = core::build_message(p, ctx, static_cast<std::int64_t>(caller.uid), prefix);
    if (!built) return built;
    built->refuse_if_opted_out =
        !(p.category == api::Category::transactional && settings.optout_allow_transactional);
    return built;
}

// The reply to a batch each of whose messages repeats a key its caller has
// committed, as the batch answered them the first time; nullopt when any is
// refused, new, another's or without a key (the batch then goes the usual way).
std::optional<json> repeated_batch(Service::Impl& s, const api::SendBatchParams& p,
                                   const CallerInfo& caller) {
    if (p.messages.empty()) return std::nullopt;
    json items = json::array();
    for (std::size_t i = 0; i < p.messages.size(); ++i) {
        const auto& m = p.messages[i];
        if (m.refused || !m.params.idempotency_key) return std::nullopt;
        const auto first = s.deps.store.find_by_idempotency_key(*m.params.idempotency_key);
        if (!first || key_of_another(*first, caller, "")) return std::nullopt;
        // Not a repeat unless it asks for the same: the usual way refuses it.
        const auto built = prepare(s, m.params, caller, "", core::now());
        if (!built || key_reused(*first, *built)) return std::nullopt;
        json item = duplicate_reply(first->id, *first, store::to_string(first->state));
        item["index"] = i;
        item["ok"] = true;
        items.push_back(std::move(item));
    }
    return json{{"messages", std::move(items)}, {"accepted", 0}, {"refused", 0}};
}

api::Error opted_out_error(const store::OptOut& optout, const std::string& recipient,
                           bool transactional, std::string_view prefix) {
    return make_error(
        api::ErrorCode::opted_out,
        recipient + " opted out" +
            (optout.keyword ? " with \"" + *optout.keyword + "\"" : std::string()) + " on " +
            core::format_time(optout.at) +
            (transactional ? "; transactional messages to opted-out numbers are not allowed "
                             "(setting optout.allow_transactional)"
                           : ""),
        std::string(prefix) + "to");
}

}  // namespace

awaitable<HandlerResult> Service::Impl::send(const api::SendParams& p, const CallerInfo& caller) {
    const auto& settings = deps.settings.get();
    // A repeat is answered before the admission checks: a client retrying a
    // send whose reply it lost learns that it was stored even while smsgwd
    // stops, sending is switched off or the queue is full.
    if (p.idempotency_key) {
        if (auto first = deps.store.find_by_idempotency_key(*p.idempotency_key)) {
            if (auto e = key_of_another(*first, caller, "")) co_return unexpected(std::move(*e));
            // The number and text as this request would store them; a request
            // that no longer builds (a setting changed) is taken for the repeat.
            if (const auto built = prepare(*this, p, caller, "", core::now()))
                if (auto e = key_reused(*first, *built)) co_return unexpected(std::move(*e));
            co_return duplicate_reply(first->id, *first, store::to_string(first->state));
        }
    }
    if (auto e = admission(*this, caller, 1)) co_return unexpected(std::move(*e));
    const auto now = core::now();
    auto built = prepare(*this, p, caller, "", now);
    if (!built) co_return unexpected(std::move(built).error());
    const store::Message accepted = queued_view(*built, now);
    std::vector<store::NewMessage> one;
    one.push_back(std::move(*built));
    auto results = co_await submits.submit(std::move(one), settings.wallet_enabled);
    const auto& r = results.at(0);
    if (r.kind == store::InsertResult::Kind::opted_out)
        co_return unexpected(opted_out_error(*r.optout, accepted.recipient,
                                             p.category == api::Category::transactional, ""));
    if (r.kind == store::InsertResult::Kind::insufficient_balance)
        // The balance is an admin's to see (wallet.get), so only an admin is told it.
        co_return unexpected(make_error(
            api::ErrorCode::insufficient_balance,
            "the message costs " + policy::format_money(accepted.cost, accepted.currency) +
                (caller.role == api::Role::admin
                     ? " and the wallet holds " +
                           wallet_text(deps.store.wallet(), settings.currency)
                     : ", more than the wallet holds; an admin tops it up")));
    if (r.kind != store::InsertResult::Kind::inserted) {
        // The same key committed by a concurrent request in the meantime:
        // the answer is the first message, as it is now.
        const auto first = deps.store.find_message(r.message_id);
        if (first) {
            if (auto e = key_of_another(*first, caller, "")) co_return unexpected(std::move(*e));
            if (auto e = key_reused(*first, accepted.recipient, r.same_request, ""))
                co_return unexpected(std::move(*e));
        }
        co_return duplicate_reply(r.message_id, first, accepted);
    }
    ++queue_estimate;
    publish_queued(deps.events, accepted, r.message_id);
    deps.modems.wake();
    co_return accepted_reply(r.message_id, accepted, "queued");
}

awaitable<HandlerResult> Service::Impl::send_batch(const api::SendBatchParams& p,
                                                   const CallerInfo& caller) {
    const auto count = static_cast<std::int64_t>(p.messages.size());
    if (count > config->limits.max_batch_messages)
        co_return unexpected(make_error(
            api::ErrorCode::bad_request,
            std::to_string(count) + " messages in one batch; at most " +
                std::to_string(config->limits.max_batch_messages) + " (limits.max_batch_messages)",
            "messages"));
    // A batch larger than a minute's allowance would be refused "overloaded"
    // on every retry: say so once, and what to do.
    if (count > config->limits.submit_rate_per_minute)
        co_return unexpected(make_error(
            api::ErrorCode::bad_request,
            std::to_string(count) + " messages in one batch; a connection may submit at most " +
                std::to_string(config->limits.submit_rate_per_minute) +
                " a minute (limits.submit_rate_per_minute): split it into smaller batches",
            "messages"));
    // A retried batch whose every message was stored is answered before the
    // admission checks, as a repeated send is.
    if (auto repeat = repeated_batch(*this, p, caller)) co_return std::move(*repeat);
    if (auto e = admission(*this, caller, count)) co_return unexpected(std::move(*e));
    const auto now = core::now();
    const auto& settings = deps.settings.get();

    // Each item is refused or accepted on its own; the accepted ones share one
    // transaction. A campaign is not lost because one number in it is invalid.
    // The accepted ones stream to the store's writer while the next are still
    // validated (no co_await in this loop: see SubmitQueue::Stream).
    json items = json::array();
    auto batch = submits.stream(settings.wallet_enabled);
    std::vector<std::size_t> batch_index;
    std::vector<store::Message> summaries;
    batch_index.reserve(p.messages.size());
    summaries.reserve(p.messages.size());
    for (std::size_t i = 0; i < p.messages.size(); ++i) {
        if (const auto& refused = p.messages[i].refused) {
            items.push_back({{"index", i}, {"ok", false}, {"error", error_json(*refused)}});
            continue;
        }
        const std::string prefix = "messages[" + std::to_string(i) + "].";
        auto built = prepare(*this, p.messages[i].params, caller, prefix, now);
        if (!built) {
            items.push_back({{"index", i}, {"ok", false}, {"error", error_json(built.error())}});
            continue;
        }
        items.push_back(nullptr);
        summaries.push_back(queued_view(*built, now));
        batch_index.push_back(i);
        batch.add(std::move(*built));
    }
    const auto results = co_await batch.finish();

    std::int64_t accepted = 0;
    for (std::size_t k = 0; k < results.size(); ++k) {
        const auto& r = results[k];
        const auto& a = summaries[k];
        json& item = items[batch_index[k]];
        if (r.kind == store::InsertResult::Kind::opted_out) {
            const auto i = batch_index[k];
            item = {{"index", i},
                    {"ok", false},
                    {"error", error_json(opted_out_error(
                                  *r.optout, a.recipient,
                                  p.messages[i].params.category == api::Category::transactional,
                                  "messages[" + std::to_string(i) + "]."))}};
            continue;
        }
        if (r.kind == store::InsertResult::Kind::insufficient_balance) {
            item = {
                {"index", batch_index[k]},
                {"ok", false},
                {"error", error_json(make_error(api::ErrorCode::insufficient_balance,
                                                "the wallet cannot pay " +
                                                    policy::format_money(a.cost, a.currency)))}};
            continue;
        }
        const bool fresh = r.kind == store::InsertResult::Kind::inserted;
        if (fresh) {
            item = accepted_reply(r.message_id, a, "queued");
        } else {
            const auto first = deps.store.find_message(r.message_id);
            const auto i = batch_index[k];
            const std::string prefix = "messages[" + std::to_string(i) + "].";
            std::optional<api::Error> e;
            if (first) e = key_of_another(*first, caller, prefix);
            if (first && !e) e = key_reused(*first, a.recipient, r.same_request, prefix);
            if (e) {
                item = {{"index", i}, {"ok", false}, {"error", error_json(*e)}};
                continue;
            }
            item = duplicate_reply(r.message_id, first, a);
        }
        item["index"] = batch_index[k];
        item["ok"] = true;
        if (!fresh) continue;
        ++accepted;
        publish_queued(deps.events, a, r.message_id);
    }
    if (accepted > 0) {
        queue_estimate += accepted;
        deps.modems.wake();
    }
    const auto refused = std::count_if(items.begin(), items.end(),
                                       [](const json& it) { return !it.value("ok", false); });
    co_return json{{"messages", std::move(items)},
                   {"accepted", accepted},
                   {"refused", refused}};
}

HandlerResult Service::Impl::preview(const api::PreviewParams& p) {
    const auto& settings = deps.settings.get();
    if (p.to)
        if (auto n = number_param(*p.to, "to"); !n) return unexpected(std::move(n).error());
    if (auto contradiction = core::check_encoding_options(p.transliterate, p.encoding))
        return unexpected(std::move(*contradiction));
    // The text as a send of that category carries it: a marketing one with the
    // company prefix (sms.prefix_company_name), transliterated when asked.
    const std::string text = core::outgoing_text(p.text, p.category, p.transliterate, settings);
    pdu::Encoding enc = p.encoding == api::Encoding::gsm7   ? pdu::Encoding::gsm7
                        : p.encoding == api::Encoding::ucs2 ? pdu::Encoding::ucs2
                                                            : pdu::Encoding::automatic;
    auto pv = pdu::preview_text(text, enc);
    if (!pv) return unexpected(make_error(api::ErrorCode::bad_request, pv.error(), "text"));
    const int max_segments =
        std::min(config->limits.max_parts_per_message, settings.max_segments);
    json forcing = json::array();
    for (const auto& c : pv->ucs2_characters)
        forcing.push_back({{"character", c.character}, {"position", c.position}});
    const auto count_json = [&](const pdu::SegmentCount& c) {
        json j = {{"encoding", pdu::to_string(c.encoding)},
                  {"segments", c.segments},
                  {"units", c.units},
                  {"units_per_segment", c.units_per_segment},
                  {"units_left", c.units_left},
                  {"fits", c.segments <= max_segments}};
        j.update(core::money_json(policy::message_cost(c.segments, settings.cost_per_segment),
                                  settings.currency));
        return j;
    };
    json r = count_json(pv->count);
    r["text"] = text;
    r["max_segments"] = max_segments;
    r["ucs2_characters"] = std::move(forcing);
    json alt = count_json(pv->transliterated_count);
    alt["text"] = pv->transliterated;
    r["transliterated"] = std::move(alt);
    return r;
}

}  // namespace smsgw::service
