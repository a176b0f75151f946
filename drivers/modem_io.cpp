// What a ready modem does besides its lifecycle: sending a part, reading what
// arrives (+CMTI → AT+CMGR, or one AT+CMGL=4 for several announced at once;
// +CMT/+CDS direct, acknowledged with AT+CNMA when the quirk table says so;
// AT+CMGL=4 drains at start, every few minutes and when the storage is full),
// deleting a stored PDU only once the owner has committed it, and the health
// poll (signal, registration, operator, storage).
#include <algorithm>
#include <spdlog/spdlog.h>

#include "drivers/at/network_replies.hpp"
#include "drivers/at/sms_replies.hpp"
#include "drivers/at/text.hpp"
#include "drivers/at/urc.hpp"
#include "drivers/modem_impl.hpp"
#include "pdu/pdu_codec.hpp"
#include "pdu/status_report.hpp"

namespace smsgw::drivers {

namespace {

// An outgoing message someone wrote to the SIM: not for the owner.
bool outgoing(const at::StoredPdu& stored) {
    return stored.status && (*stored.status == at::MessageStatus::stored_sent ||
                             *stored.status == at::MessageStatus::stored_unsent);
}

constexpr int cms_memory_full = 322;  // TS 27.005 §3.2.5

bool is_memory_full(const at::Final& f) {
    return f.error && f.error->domain == at::ErrorDomain::cms && f.error->code == cms_memory_full;
}

// Decodes the PDU: a status report gets its TP-MR, recipient and TP-ST.
void decode_into(InboundPdu& in) {
    const auto decoded = pdu::decode_pdu(in.hex);
    if (!decoded) {
        in.decode_error = decoded.error().to_string();
        return;
    }
    if (const auto* sr = std::get_if<pdu::SmsStatusReport>(&decoded->tpdu)) {
        const auto meaning = pdu::describe_status(sr->status);
        StatusReport r;
        r.mr = sr->message_reference;
        r.recipient = sr->recipient.display();
        r.status = sr->status;
        r.delivered = meaning.outcome == pdu::DeliveryOutcome::delivered;
        r.final = meaning.outcome != pdu::DeliveryOutcome::pending;
        r.text = meaning.text;
        r.submitted_at = sr->service_centre_time.to_utc();
        in.status_report = std::move(r);
    }
}

}  // namespace

std::string Modem::Impl::cannot_send() const {
    if (status_.state != ModemState::ready)
        return "modem " + std::string(to_string(status_.state)) + ", not ready";
    // Still ready until the lifecycle acts on it.
    if (!gone_.empty()) return "port gone: " + gone_;
    if (!hang_.empty()) return "recovering: " + hang_;
    if (!restarted_.empty()) return "restarted (" + restarted_ + "): setting it up again";
    return {};
}

awaitable<SendResult> Modem::Impl::send(std::string pdu_hex, int tpdu_length,
                                        Modem::SendGate before_write) {
    auto self = shared_from_this();
    SendResult result;
    result.reason = cannot_send();
    if (!result.reason.empty()) co_return result;
    // A message the modem announced (+CMTI) is read before the next part goes
    // out. One command runs at a time and an AT+CMGS takes seconds on a real
    // network, so a STOP read after it would wait that long for its opt-out;
    // the read is one quick exchange. The wait is bounded: a lifecycle held up
    // in a command of its own does not stop the sending for longer than that.
    // Every wake-up (the read ended, a state change, stop, gone, hang) asks
    // again whether the part can go out at all.
    const auto until = std::chrono::steady_clock::now() + 2 * settings_.command_timeout;
    while (inbound_waiting() && std::chrono::steady_clock::now() < until) {
        inbound_read_.expires_at(until);
        boost::system::error_code ec;
        co_await inbound_read_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        result.reason = cannot_send();
        if (!result.reason.empty()) co_return result;
    }
    at::Command c;
    c.text = "AT+CMGS=" + std::to_string(tpdu_length);
    c.pdu = std::move(pdu_hex);
    c.echo_off = echo_seen_off_ && status_.state == ModemState::ready;
    // Queued behind another command, it may find the modem restarted (at its
    // defaults, perhaps in text mode, where the length would be taken for a
    // number) or recovering by its turn: then it is not written.
    c.hold = [weak = weak_from_this()] {
        const auto modem = weak.lock();
        return modem ? modem->cannot_send() : std::string("modem stopped");
    };
    auto engine = engine_;
    const Reply r = co_await engine->command(std::move(c), std::move(before_write));
    // Success is "+CMGS: <mr>" then OK (TS 27.005 §3.5.1). The TP-MR comes only
    // from the network's acknowledgement, so with it the message is sent
    // whatever follows: OK, an OK lost on the line, or an error that
    // contradicts it (sent, never retried).
    if (const auto mr = at::parse_cmgs(r.line("+CMGS:"))) {
        result.status = SendResult::Status::sent;
        result.mr = *mr;
        if (send_error_shown_) {  // the SIM sends again: what refused it is past
            set_error("", "");
            send_error_shown_ = false;
        }
        if (r.final.outcome == at::Outcome::uncertain) no_answer("AT+CMGS", r.final.reason);
        if (r.final.outcome == at::Outcome::error)
            spdlog::warn("{} AT+CMGS answered +CMGS: {} and then {}: taken as sent", log_name(),
                         *mr, r.final.line);
        if (r.final.outcome == at::Outcome::ok && !r.final.reason.empty())
            spdlog::warn("{} AT+CMGS answered +CMGS: {} {}: sent", log_name(), *mr, r.final.reason);
        spdlog::debug("{} send: sent (TP-MR {})", log_name(), *mr);
        co_return result;
    }
    switch (r.final.outcome) {
        case at::Outcome::ok:
            // An OK alone is what a modem answers when something (an ESC, a
            // reset) cancelled the message at its prompt, or the line was lost.
            // Whether the network has the message is unknown: uncertain, never
            // re-sent silently, never reported sent.
            result.status = SendResult::Status::uncertain;
            result.reason = "OK without a readable +CMGS: <mr> (the modem did not confirm "
                            "that the network took the message)";
            break;
        case at::Outcome::error:
            result.status = SendResult::Status::failed;
            result.error = r.final.error;
            result.reason = r.final.error ? r.final.error->to_string() : r.final.line;
            if (r.final.bare_error())  // "final error: ERROR" tells a technician nothing
                result.reason =
                    "the modem answered a bare ERROR to the PDU, with no +CMS ERROR code to say "
                    "why (it may not read this PDU, or its SIM may not send SMS now: "
                    "smsgw-diag send tries a message by hand)";
            if (!r.final.reason.empty()) result.reason += " (" + r.final.reason + ")";
            show_send_error(r.final);
            if (is_memory_full(r.final)) {
                drain_requested_ = true;
                wake();
            }
            break;
        case at::Outcome::uncertain:
            result.status = SendResult::Status::uncertain;
            result.reason = r.final.reason;
            no_answer("AT+CMGS", r.final.reason);
            break;
        case at::Outcome::rejected:
            // Malformed PDU: nothing was written; the same PDU will never go out.
            result.status = SendResult::Status::failed;
            result.error = at::make_modem_error(at::ErrorDomain::cms, "304");
            result.reason = "PDU refused before sending: " + r.final.reason;
            break;
        case at::Outcome::timeout:
            no_answer("AT+CMGS", r.final.reason);  // no prompt: never asked again
            result.status = SendResult::Status::not_ready;
            result.reason = r.final.reason;
            break;
        case at::Outcome::not_sent:
            result.status = SendResult::Status::not_ready;
            result.reason = r.final.reason;
            break;
    }
    spdlog::debug("{} send: {} {}", log_name(), to_string(result.status), result.reason);
    co_return result;
}

void Modem::Impl::show_send_error(const at::Final& final) {
    // A refusal that is the SIM's or the modem's, not the message's (a barred
    // SIM, no SMSC address, storage): every part will meet it, so the modem's
    // status says it, with what to do, until a part goes out again.
    if (!final.error) return;
    const at::ErrorEntry& entry = final.error->entry();
    if (entry.error_class != at::ErrorClass::modem) return;
    std::string text = "AT+CMGS refused: " + final.error->to_string();
    if (!entry.hint.empty()) text += " (" + std::string(entry.hint) + ")";
    // The SIM asks for its PIN again, or is gone: the lifecycle unlocks it
    // anew (with the configured PIN) or says what it needs.
    if (is_sim_state_error(entry.name) && sim_attention_.empty()) {
        sim_attention_ = "AT+CMGS refused: " + final.error->to_string();
        wake();
    }
    set_error(std::string(entry.name), std::move(text));
    send_error_shown_ = true;
}

void Modem::Impl::confirm_committed(const InboundPdu& pdu) {
    if (!pdu.index || stopping_) return;
    to_delete_.push_back(pdu);
    wake();
}

void Modem::Impl::release(const InboundPdu& pdu) {
    if (!pdu.index || stopping_) return;
    const std::pair<std::string, int> where{pdu.storage, *pdu.index};
    if (!outstanding_.erase(where)) return;
    spdlog::warn("{} message {}{} was not stored; it stays on the modem and is read again "
                 "after the next health check",
                 log_name(), pdu.storage, *pdu.index);
    not_stored_.push_back(where);
}

namespace {

// The significant octets of a stored PDU's hex: the SMSC field and <length>
// TPDU octets. AT+CMGL and AT+CMGR of one message may differ in what follows
// (a SIM record's padding).
std::string_view significant(std::string_view hex, int tpdu_length) {
    if (hex.size() < 2 || tpdu_length <= 0) return hex;
    const auto smsc = at::to_hex_ulong(hex.substr(0, 2));
    if (!smsc) return hex;
    const std::size_t octets = 1 + *smsc + static_cast<std::size_t>(tpdu_length);
    return hex.substr(0, std::min(hex.size(), 2 * octets));
}

// The PDU without a SIM record's padding: some modems show a SIM message as
// its record holds it (TS 31.102 EF_SMS), the PDU followed by FF octets up to
// 175. Only all-F excess is cut: a <length> a modem gets too short loses
// nothing unless the octets past it are themselves FF.
std::string without_record_padding(std::string hex, int tpdu_length) {
    const std::size_t keep = significant(hex, tpdu_length).size();
    if (keep < hex.size() &&
        std::all_of(hex.begin() + static_cast<std::ptrdiff_t>(keep), hex.end(),
                    [](char c) { return c == 'F' || c == 'f'; }))
        hex.resize(keep);
    return hex;
}

// The same stored PDU, whatever follows its <length> octets.
bool same_pdu(std::string_view a, int a_length, std::string_view b, int b_length) {
    return at::iequals(significant(a, a_length), significant(b, b_length));
}

}  // namespace

void Modem::Impl::report(InboundPdu in) {
    in.modem = settings_.name;
    in.hex = without_record_padding(std::move(in.hex), in.tpdu_length);
    decode_into(in);
    if (in.index) outstanding_[{in.storage, *in.index}] = engine_->session().resyncs();
    if (!observer_) return;
    if (in.status_report) {
        spdlog::debug("{} status report for TP-MR {}: {} ({})", log_name(), in.status_report->mr,
                      in.status_report->status, in.status_report->text);
        observer_->on_status_report(in);
    } else {
        if (!in.decode_error.empty())
            spdlog::warn("{} inbound PDU does not decode: {}", log_name(), in.decode_error);
        observer_->on_inbound(in);
    }
}

awaitable<bool> Modem::Impl::select_storage(const std::string& storage) {
    if (storage.empty() || at::iequals(storage, mem1_)) co_return true;
    const Reply r = co_await cmd("AT+CPMS=\"" + storage + "\"");
    if (r.ok()) mem1_ = storage;
    co_return r.ok();
}

awaitable<Modem::Impl::Slot> Modem::Impl::read_slot(const std::string& storage, int index) {
    Slot slot;
    if (!co_await select_storage(storage)) co_return slot;
    slot.selected = true;
    const Reply r = co_await cmd("AT+CMGR=" + std::to_string(index));
    if (!r.ok()) {
        if (exit_for(r) == Exit::ok)
            spdlog::debug("{} AT+CMGR={} gave nothing: {}", log_name(), index, r.final.line);
        // 321: invalid memory index, what most modems answer for an empty slot.
        slot.empty = r.final.error && r.final.error->code == 321;
        co_return slot;
    }
    // The +CMGR: line and the PDU after it. A line the modem slipped in before
    // them (an unsolicited code no table knows) is not the answer.
    auto header = std::find_if(r.lines.begin(), r.lines.end(), [](const std::string& l) {
        return at::info_body(l, "+CMGR").has_value();
    });
    if (header == r.lines.end() && r.lines.size() >= 2) header = r.lines.begin();
    if (header == r.lines.end() || std::next(header) == r.lines.end()) {
        slot.empty = true;
        co_return slot;
    }
    auto stored = at::parse_cmgr(*header, *std::next(header));
    if (!stored) {
        spdlog::warn("{} AT+CMGR={} answer not understood: {}", log_name(), index,
                     stored.error().reason);
        co_return slot;
    }
    slot.held = std::move(*stored);
    co_return slot;
}

std::string Modem::Impl::cnmi_shown(const Reply& r) {
    return r.ok() ? at::without_spaces(r.line("+CNMI:")) : std::string();
}

void Modem::Impl::report_slot(const std::string& storage, int index, const at::StoredPdu& held) {
    if (outgoing(held)) return;
    report(InboundPdu{{}, storage, index, held.pdu, held.length, std::nullopt, {}});
}

awaitable<void> Modem::Impl::read_stored(std::string storage, int index) {
    if (outstanding_.count({storage, index})) co_return;
    const Slot slot = co_await read_slot(storage, index);
    if (slot.held) report_slot(storage, index, *slot.held);
}

awaitable<void> Modem::Impl::read_announced_first() {
    while (!to_read_.empty() && status_.state == ModemState::ready && hang_.empty() &&
           gone_.empty() && restarted_.empty() && !stopping_) {
        Reading guard(*this);
        co_await read_announced();
    }
}

awaitable<void> Modem::Impl::read_announced() {
    // One storage at a time, the first announcement's: a listing shows one.
    const std::string storage = to_read_.front().first;
    std::set<int> unread;  // a slot reported already needs no read
    for (const auto& [mem, index] : to_read_)
        if (mem == storage && !outstanding_.count({mem, index})) unread.insert(index);
    // Two or more waiting (a burst of replies, or messages announced while a
    // command was in flight): one AT+CMGL=4 reads them all in one exchange,
    // where an AT+CMGR each would cost a round trip each, and a STOP at the
    // end of a burst would wait for all the reads before it. One alone is
    // read with AT+CMGR: its answer does not grow with what else is stored.
    // The listing reports what the storage holds unreported (its order is
    // the modem's), skips what was reported already, and shows the slots'
    // indexes as +CMTI and AT+CMGD count them, whatever base the modem uses.
    if (read_singly_ == 0 && unread.size() > 1 && quirks_->sms_storage) {
        const auto listed = co_await list_stored(storage);
        if (!hang_.empty() || !gone_.empty() || stopping_) co_return;  // read after the recovery
        if (listed) {
            // Read now: every announcement of a listed slot, those that came
            // while the listing was in flight too. One the listing did not
            // show stays, and is read by itself (a message deleted meanwhile
            // reads empty; a listing that left one out does not lose it).
            std::erase_if(to_read_, [&](const std::pair<std::string, int>& slot) {
                return slot.first == storage && listed->count(slot.second) > 0;
            });
            co_return;
        }
        // The listing was refused or not understood: these are read one by
        // one, rather than listed again before each.
        read_singly_ = unread.size();
    }
    if (read_singly_ > 0) --read_singly_;
    auto [mem, index] = to_read_.front();
    to_read_.pop_front();
    co_await read_stored(mem, index);
}

awaitable<void> Modem::Impl::drain() {
    if (!quirks_->sms_storage) co_return;
    // Where received messages are stored ("SM", or the modem's own when the
    // SIM holds none), and the others where some modems keep status reports
    // whatever AT+CPMS says ("SR"): one whose +CDSI was lost would stay there.
    std::set<std::string> storages = drained_storages_;
    storages.insert(received_storage_);
    for (const auto& storage : storages) {
        const auto listed = co_await list_stored(storage);
        if (!listed && (!hang_.empty() || !gone_.empty() || stopping_)) co_return;
    }
}

awaitable<std::optional<std::set<int>>> Modem::Impl::list_stored(const std::string& storage) {
    if (!co_await select_storage(storage)) co_return std::nullopt;
    // <stat>=4: all messages, read ones included (a crash may have left them).
    const Reply r = co_await cmd("AT+CMGL=4");
    if (!r.ok()) {
        if (exit_for(r) == Exit::ok)
            spdlog::debug("{} AT+CMGL=4 in {} refused: {}", log_name(), storage, r.final.line);
        co_return std::nullopt;
    }
    const auto list = at::parse_cmgl(r.lines);
    if (!list) {
        spdlog::warn("{} AT+CMGL=4 answer not understood: {}", log_name(), list.error().reason);
        co_return std::nullopt;
    }
    std::set<int> listed;
    int fresh = 0;
    int outgoing_here = 0;
    for (const auto& stored : *list) {
        if (!stored.index) continue;
        listed.insert(*stored.index);
        if (outstanding_.count({mem1_, *stored.index})) continue;
        if (outgoing(stored)) {
            ++outgoing_here;
            continue;
        }
        ++fresh;
        report_slot(mem1_, *stored.index, stored);
    }
    if (at::iequals(storage, received_storage_)) outgoing_stored_ = outgoing_here;
    if (fresh > 0)
        spdlog::debug("{} AT+CMGL=4: {} stored message(s) in {} reported", log_name(), fresh,
                      storage);
    co_return listed;
}

awaitable<void> Modem::Impl::delete_stored(InboundPdu pdu) {
    const std::pair<std::string, int> where{pdu.storage, *pdu.index};
    // Read on this line with no resync since, the slot holds what was read:
    // the modem frees a slot only for our AT+CMGD, and every AT+CMGD had its
    // answer (a lost one means a timeout, hence a resync), as had every
    // read; a reopened port resynchronises too. Otherwise it is read again.
    const auto reported = outstanding_.find(where);
    const bool read_on_this_line =
        reported != outstanding_.end() && reported->second == engine_->session().resyncs();
    if (!co_await may_delete(pdu, !read_on_this_line)) co_return;
    if (!to_read_.empty()) {
        // Announced meanwhile (a modem holds its indications until it has
        // answered, so a burst's +CMTIs come just after an answer, often one
        // the lifecycle has acted on already): read first, a STOP among them
        // not held up by this AT+CMGD; the slot is looked at again after if
        // the line was resynchronised meanwhile. Deletes cannot starve for
        // long: a storage that fills stops the announcements.
        to_delete_.push_front(std::move(pdu));
        co_return;
    }
    const Reply r = co_await cmd("AT+CMGD=" + std::to_string(*pdu.index));
    if (r.ok() || (r.final.error && r.final.error->code == 321)) {  // already gone
        forget_slot(where);
    } else if (exit_for(r) == Exit::ok) {
        spdlog::warn("{} AT+CMGD={} refused: {}; tried again after the next health check",
                     log_name(), *pdu.index, r.final.line);
        delete_later_.push_back(std::move(pdu));
    } else {
        to_delete_.push_front(std::move(pdu));  // looked at again after the recovery
    }
}

void Modem::Impl::forget_slot(const std::pair<std::string, int>& where) {
    outstanding_.erase(where);
    if (status_.storage_used > 0) --status_.storage_used;
}

awaitable<bool> Modem::Impl::may_delete(InboundPdu& pdu, bool read_again) {
    const std::pair<std::string, int> where{pdu.storage, *pdu.index};
    // Read again: an AT+CMGD whose answer was lost may have been carried
    // out, and a new message may since sit in the freed slot, its +CMTI
    // skipped as announcing a message already reported; or the port was
    // reopened. Deleted only while the slot still holds the committed PDU.
    Slot slot;
    if (read_again)
        slot = co_await read_slot(pdu.storage, *pdu.index);
    else
        slot.selected = co_await select_storage(pdu.storage);
    if (!hang_.empty() || !gone_.empty()) {
        to_delete_.push_front(std::move(pdu));  // after the recovery
        co_return false;
    }
    if (!slot.selected) {
        spdlog::warn("{} storage {} not selected for AT+CMGD={}; tried again after the next "
                     "health check",
                     log_name(), pdu.storage, *pdu.index);
        delete_later_.push_back(std::move(pdu));
        co_return false;
    }
    if (!read_again) co_return true;
    if (slot.empty) {
        forget_slot(where);
        co_return false;
    }
    if (slot.held && !same_pdu(slot.held->pdu, slot.held->length, pdu.hex, pdu.tpdu_length)) {
        spdlog::info("{} message {}{} is gone and a new one is in its place; reading it",
                     log_name(), pdu.storage, *pdu.index);
        forget_slot(where);
        report_slot(pdu.storage, *pdu.index, *slot.held);
        co_return false;
    }
    if (!slot.held) {
        // The modem would not show the slot (SIM busy after a reset, an
        // answer not understood): it may hold a new message, so it is not
        // deleted blind — unless it never shows it (a modem that cannot
        // read a slot), after three health checks.
        const int tries = ++unreadable_slot_tries_[where];
        if (tries <= 3) {
            spdlog::warn("{} slot {}{} not shown before AT+CMGD; looked at again after the next "
                         "health check",
                         log_name(), pdu.storage, *pdu.index);
            delete_later_.push_back(std::move(pdu));
            co_return false;
        }
        spdlog::warn("{} slot {}{} never shown; deleted without looking", log_name(),
                     pdu.storage, *pdu.index);
    }
    unreadable_slot_tries_.erase(where);
    co_return true;
}

awaitable<void> Modem::Impl::acknowledge() {
    auto self = shared_from_this();
    const Reply r = co_await cmd("AT+CNMA");
    if (!r.ok() && exit_for(r) == Exit::ok)
        spdlog::warn("{} AT+CNMA refused: {}", log_name(), r.final.line);
}

int Modem::Impl::known_stored(const std::string& storage) const {
    // Each slot once: one the owner could not store may be reported again by a
    // drain before the health check offers it again, and an indication may
    // come twice. Counted twice, it would hide a message whose +CMTI was lost.
    std::set<int> slots;
    const auto add = [&](const auto& known) {
        for (const auto& [mem, index] : known)
            if (mem == storage) slots.insert(index);
    };
    for (const auto& [where, resyncs] : outstanding_)
        if (where.first == storage) slots.insert(where.second);
    add(to_read_);
    add(not_stored_);
    return (at::iequals(storage, received_storage_) ? outgoing_stored_ : 0) +
           static_cast<int>(slots.size());
}

awaitable<Reply> Modem::Impl::health_cmd(std::string text) {
    Reply r = co_await cmd(std::move(text));
    co_await read_announced_first();
    co_return r;
}

awaitable<Exit> Modem::Impl::health() {
    bool changed = false;
    Reply r = co_await health_cmd("AT+CSQ");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    if (auto q = at::parse_csq(r.line("+CSQ:"))) {
        changed |= status_.signal_dbm != q->dbm;
        status_.signal_dbm = q->dbm;
        status_.signal_bars = q->bars;
        status_.signal_at = std::chrono::system_clock::now();
    }
    // Only while ready: the first check follows the set-up at once. Before
    // the registration: a modem that restarted with a PIN on its SIM is not
    // registered, and must be unlocked, not waited for.
    if (!cnmi_as_set_.empty() && status_.state == ModemState::ready && restarted_.empty()) {
        if (const Exit e = co_await check_settings(); e != Exit::ok) co_return e;
    }
    r = co_await health_cmd("AT+CREG?");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    if (auto reg = at::parse_registration(r.line("+CREG:"))) {
        const std::string before = status_.registration;
        note_registration(*reg);
        if (!at::is_registered(reg->status)) {
            // Not on 2G/3G: an LTE-only modem may be registered on LTE.
            eps_reg_.reset();
            r = co_await health_cmd("AT+CEREG?");
            if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
            if (auto eps = at::parse_registration(r.line("+CEREG:"))) note_registration(*eps);
        }
        changed |= before != status_.registration;
        if (!registered()) {
            reregister_ = true;
            co_return Exit::reregister;
        }
    }
    r = co_await health_cmd("AT+COPS?");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    if (auto op = at::parse_cops(r.line("+COPS:"))) {
        changed |= op->name != status_.operator_name;
        status_.operator_name = op->name;
    }
    if (quirks_->sms_storage) {
        r = co_await cmd("AT+CPMS?");
        if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
        if (auto use = at::parse_cpms_query(r.line("+CPMS:")); use && !use->empty()) {
            // Not <mem1>: it follows the last read or delete, maybe in "SR".
            const at::StorageUse& received = at::received_storage_use(*use);
            changed |= received.used != status_.storage_used;
            status_.storage = received.storage;
            status_.storage_used = received.used;
            status_.storage_total = received.total;
            if (status_.storage_total > 0 && status_.storage_used >= status_.storage_total) {
                spdlog::warn("{} storage {} full ({}/{}): draining", log_name(), status_.storage,
                             status_.storage_used, status_.storage_total);
                drain_requested_ = true;
            } else if (const int known = known_stored(at::to_upper(status_.storage));
                       status_.storage_used > known) {
                // More on the SIM than was announced and not yet confirmed: an
                // indication was lost (or never sent): read them now rather
                // than at the next periodic drain.
                spdlog::debug("{} storage {} holds {} message(s), {} known: draining", log_name(),
                              status_.storage, status_.storage_used, known);
                drain_requested_ = true;
            }
        }
    }
    // Before ready, set_state(ready) reports the whole status.
    if (changed && status_.state == ModemState::ready) publish("health");
    co_return Exit::ok;
}

awaitable<Exit> Modem::Impl::check_settings() {
    // A modem that restarted without a start-up line we know (Huawei's
    // ^SIMST, or none at all) and was sent nothing since (its echo would have
    // told: note_echo) is back at its defaults: no +CNMI, so new messages sit
    // on the SIM unannounced, and the SIM may ask for its PIN.
    Reply r = co_await health_cmd("AT+CNMI?");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    const bool pin_asked = r.final.error && asks_for_code(r.final.error->entry().name);
    const std::string now = cnmi_shown(r);
    if (!pin_asked && (now.empty() || now == cnmi_as_set_)) co_return Exit::ok;
    const std::string what = pin_asked ? r.final.line : now;
    // Within 10 minutes of the last set-up anew, +CNMI is only set again.
    if (pin_asked || may_set_up_anew()) {
        spdlog::warn("{} {} while ready, not {} as set: the modem lost its settings", log_name(),
                     what, cnmi_as_set_);
        set_up_anew(what);
        co_return Exit::restarted;
    }
    spdlog::warn("{} {} while ready, not {} as set (set up anew less than 10 min ago): setting "
                 "{} again",
                 log_name(), what, cnmi_as_set_, status_.cnmi);
    r = co_await cmd(status_.cnmi);
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    r = co_await cmd("AT+CNMI?");
    if (const Exit e = exit_for(r); e != Exit::ok) co_return e;
    if (const std::string shown = cnmi_shown(r); !shown.empty()) cnmi_as_set_ = shown;
    drain_requested_ = true;  // what came meanwhile was not announced
    co_return Exit::ok;
}

void Modem::Impl::on_urc(const at::Urc& urc) {
    if (urc.lines.empty() || stopping_) return;
    const std::string& line = urc.lines.front();
    switch (urc.kind) {
        case at::UrcKind::sms_stored:
        case at::UrcKind::report_stored: {
            const auto where = at::parse_message_indication(line);
            if (!where) {
                spdlog::warn("{} unreadable indication {}", log_name(), line);
                drain_requested_ = true;
            } else {
                // Upper case: the slot's key is the same whoever names it.
                const std::string storage = at::to_upper(where->storage);
                to_read_.emplace_back(storage, where->index);
                drained_storages_.insert(storage);
            }
            wake();
            break;
        }
        case at::UrcKind::sms_deliver:
        case at::UrcKind::status_report: {
            if (urc.lines.size() < 2) {
                spdlog::warn("{} {} without its PDU line", log_name(), line);
                break;
            }
            const auto header = at::parse_pdu_urc_header(line);
            report(InboundPdu{{}, {}, std::nullopt, at::to_upper(urc.lines[1]),
                              header ? header->length : 0, std::nullopt, {}});
            // TS 27.005 §3.4.1: with AT+CSMS=1 the modem waits for +CNMA after the
            // observer has taken the PDU, else it stops routing to us.
            if (needs_cnma_) asio::co_spawn(io_, acknowledge(), asio::detached);
            break;
        }
        case at::UrcKind::registration:
        case at::UrcKind::eps_registration: {
            const auto reg = at::parse_registration(line);
            if (!reg) break;
            const bool was = registered();
            note_registration(*reg);
            if (status_.state == ModemState::ready && was && !registered()) reregister_ = true;
            wake();
            break;
        }
        case at::UrcKind::modem_ready:
        case at::UrcKind::functionality:
        case at::UrcKind::pin_state:
            // A modem that restarts by itself (a watchdog, a brown-out) is back
            // at its power-up defaults: echo on, no +CNMI, so new messages sit on
            // the SIM unannounced and a PIN may be asked again. Set it up anew.
            if (status_.state == ModemState::ready && restarted_.empty()) {
                spdlog::warn("{} start-up indication {} while ready: the modem restarted",
                             log_name(), line);
                restarted_ = line;
                wake();
            } else {
                spdlog::debug("{} start-up indication {}", log_name(), line);
            }
            break;
        case at::UrcKind::ring: {
            // smsgwd answers no calls: the caller hears it ring until they hang
            // up. Said once a call (RING comes every few seconds, and not every
            // modem says when the call ends) so that the log explains the RINGs.
            const auto now = std::chrono::steady_clock::now();
            if (!last_ring_ || now - *last_ring_ > std::chrono::seconds(30))
                spdlog::info("{} a call is coming in ({}): smsgwd does not answer calls",
                             log_name(), line);
            last_ring_ = now;
            break;
        }
        case at::UrcKind::call_ended:
            if (last_ring_) spdlog::info("{} the incoming call ended ({})", log_name(), line);
            last_ring_.reset();
            break;
        case at::UrcKind::storage_full:
            // The network holds messages back until a slot is free: read and
            // delete what is stored now rather than at the next drain.
            spdlog::warn("{} the modem says its message storage is full ({}): reading it now",
                         log_name(), line);
            drain_requested_ = true;
            wake();
            break;
        case at::UrcKind::huawei_boot:  // Huawei's periodic ^BOOT heartbeat, not a restart
            spdlog::debug("{} {}", log_name(), line);
            break;
        default:
            spdlog::debug("{} unsolicited {} ignored", log_name(), line);
            break;
    }
}

}  // namespace smsgw::drivers
