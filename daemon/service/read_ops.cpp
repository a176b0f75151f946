// message.get, message.list, message.cancel, inbound.list.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "daemon/core/clock.hpp"
#include "daemon/core/event_publisher.hpp"
#include "daemon/core/views.hpp"
#include "daemon/service/modem_directory.hpp"
#include "daemon/service/service_impl.hpp"
#include "daemon/store/store.hpp"

namespace smsgw::service {

namespace {

std::optional<store::Time> time_of(const std::optional<api::Timestamp>& t) {
    if (!t) return std::nullopt;
    return store::Time(t->since_epoch());
}

json inbound_row(const store::Inbound& i) {
    json j = core::inbound_json(i);
    j.erase("raw_pdus");  // message lists stay small; inbound get would show them
    return j;
}

// What an unfinished message waits for: its time (not_before), a retry's
// backoff, or a modem that may take it; null while it only waits its turn
// (a part in AT+CMGS, the queue ahead, the modem's rate).
json waiting_json(const store::MessageDetail& d, const ModemDirectory& modems, store::Time now) {
    const store::Message& m = d.message;
    if (m.state != store::State::queued && m.state != store::State::sending) return nullptr;
    if (m.not_before > now) return "scheduled: not before " + core::format_time(m.not_before);
    const bool part_due = std::any_of(d.parts.begin(), d.parts.end(), [&](const store::Part& p) {
        return p.state == store::State::queued && p.next_attempt_at <= now;
    });
    if (!part_due) {
        // A queued part not due after not_before waits for a retry's backoff.
        for (const store::Part& p : d.parts)
            if (p.state == store::State::queued && p.next_attempt_at > now)
                return "part " + std::to_string(p.seq) + "/" + std::to_string(p.total) +
                       " is retried at " + core::format_time(p.next_attempt_at) + " (attempt " +
                       std::to_string(p.attempts + 1) + ")" +
                       (p.error ? "; it was refused: " + *p.error : std::string());
        return nullptr;
    }
    // Bound to a modem: the one the send asked for, or its first part's.
    const std::string bound = m.requested_modem.value_or(m.modem.value_or(""));
    const std::string_view because =
        m.requested_modem ? "the send asked for it"
                          : "its first part went through it; the rest must follow on the same SIM";
    // Bound by its first parts, it is bound to their SIM too (the store
    // keeps one only while a part has left the queue).
    return core::optional_json(modems.why_waiting(m.recipient, bound, because, m.sim.value_or("")));
}

}  // namespace

HandlerResult Service::Impl::message_get(const api::MessageGetParams& p) {
    auto detail = deps.store.get_message(p.message_id);
    if (!detail)
        return unexpected(make_error(api::ErrorCode::not_found,
                                     "no message " + std::to_string(p.message_id), "message_id"));
    json j = core::message_detail_json(*detail);
    j["waiting"] = waiting_json(*detail, deps.modems, core::now());
    json history = json::array();
    for (const auto& c : deps.store.message_history(p.message_id)) {
        json entry = core::state_change_json(c);
        // A part's row id means nothing to a person; its number does.
        if (c.entity == "part")
            for (const store::Part& part : detail->parts)
                if (part.id == c.entity_id) entry["seq"] = part.seq;
        history.push_back(std::move(entry));
    }
    j["history"] = std::move(history);
    return j;
}

HandlerResult Service::Impl::message_list(const api::MessageListParams& p) {
    store::MessageFilter f;
    if (p.state) f.state = store::state_from_string(api::to_string(*p.state));
    // Read as a send's `to`, so every way of writing a number finds what was
    // sent to it; an invalid one is refused rather than matching nothing.
    if (p.to) {
        auto to = number_param(*p.to, "to");
        if (!to) return unexpected(std::move(to).error());
        f.recipient = std::move(*to);
    }
    f.modem = p.modem;
    if (p.category) f.category = std::string(api::to_string(*p.category));
    f.since = time_of(p.since);
    f.until = time_of(p.until);
    auto rows = deps.store.list_messages(f, p.before_id, static_cast<int>(p.limit));
    return page("messages", rows, p.limit,
                [](const store::Message& m) { return core::message_json(m); });
}

HandlerResult Service::Impl::message_cancel(const api::MessageCancelParams& p,
                                            const CallerInfo& caller) {
    const std::string id = std::to_string(p.message_id);
    // A member cancels what it submitted; someone else's campaign or an
    // automatic reply is a manager's to stop.
    const auto submitted_by = caller.role == api::Role::member
                                  ? std::optional<std::int64_t>(caller.uid)
                                  : std::nullopt;
    const auto result = deps.store.cancel(p.message_id, core::now(), submitted_by);
    switch (result) {
        case store::CancelResult::cancelled:
            spdlog::info("message {} cancelled by {} (uid {})", id, caller.user, caller.uid);
            {
                store::StateUpdate u;
                u.message_id = p.message_id;
                u.message_from = store::State::queued;
                u.message_to = store::State::cancelled;
                deps.events.message_update(deps.store, u);
            }
            return json{{"message_id", p.message_id}, {"state", "cancelled"}};
        case store::CancelResult::not_found:
            return unexpected(
                make_error(api::ErrorCode::not_found, "no message " + id, "message_id"));
        case store::CancelResult::already_sending:
            return unexpected(make_error(api::ErrorCode::bad_request,
                                         "message " + id +
                                             " cannot be cancelled: a part of it is already with "
                                             "a modem",
                                         "message_id"));
        case store::CancelResult::not_submitter:
            return unexpected(make_error(
                api::ErrorCode::forbidden,
                "message " + id + " was not submitted by uid " + std::to_string(caller.uid) +
                    ": a member may cancel only its own messages; a manager or admin may "
                    "cancel any",
                "message_id"));
        case store::CancelResult::already_final:
            break;
    }
    auto d = deps.store.get_message(p.message_id);
    return unexpected(make_error(
        api::ErrorCode::bad_request,
        "message " + id + " cannot be cancelled: it is already " +
            std::string(d ? store::to_string(d->message.state) : "finished"),
        "message_id"));
}

HandlerResult Service::Impl::inbound_list(const api::InboundListParams& p) {
    store::InboundFilter f;
    // Normalised as the inbound pipeline stores a sender (a number in E.164, a
    // short code's digits, a name trimmed), so "0176 1234 5678" finds the
    // messages from +4917612345678.
    if (p.from) f.sender = sender_address(*p.from);
    f.modem = p.modem;
    f.since = time_of(p.since);
    f.until = time_of(p.until);
    auto rows = deps.store.list_inbound(f, p.before_id, static_cast<int>(p.limit));
    return page("messages", rows, p.limit, inbound_row);
}

}  // namespace smsgw::service
