// Connection: the per-client half of the server. Single-threaded like the rest
// of the daemon, so plain members are shared by reader, writer and requests;
// steady_timers that never expire serve as wake-up events (cancel() wakes).
#include "daemon/server/connection.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>

#include <algorithm>

#include "daemon/api/reply.hpp"
#include "daemon/api/request_parser.hpp"

namespace smsgw::server {

namespace {

using boost::system::error_code;
constexpr std::size_t read_chunk = 64 * 1024;
constexpr std::size_t write_batch_bytes = 256 * 1024;
constexpr std::size_t write_batch_lines = 64;

auto on_error(error_code& ec) {
    return asio::redirect_error(asio::use_awaitable, ec);
}

void never_expire(asio::steady_timer& timer) {
    timer.expires_at(asio::steady_timer::time_point::max());
}

}  // namespace

Connection::Connection(ServerCore& core, UnixSocket socket, CallerInfo caller,
                       std::optional<api::Role> role)
    : core_(core),
      socket_(std::move(socket)),
      caller_(std::move(caller)),
      role_(role),
      splitter_(core.options.max_line_bytes),
      reader_wake_(socket_.get_executor()),
      writer_wake_(socket_.get_executor()),
      deadline_(socket_.get_executor()) {
    never_expire(reader_wake_);
    never_expire(writer_wake_);
    never_expire(deadline_);
}

Connection::~Connection() = default;

void Connection::start() {
    // Neither coroutine lets an exception escape by design; if one does (a
    // bug), the connection is closed and the daemon keeps serving the others.
    const auto guard = [self = shared_from_this()](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            spdlog::error("socket: connection {}: {}", self->caller_.connection_id, ex.what());
        }
        self->abort();
    };
    asio::co_spawn(socket_.get_executor(), reader(shared_from_this()), guard);
    asio::co_spawn(socket_.get_executor(), writer(shared_from_this()), guard);
}

void Connection::set_role(std::optional<api::Role> role) {
    role_ = role;
    if (role) caller_.role = *role;
    // A lower role keeps only the events it may see (none without a role),
    // as a new subscription would be held to them.
    const EventMask allowed = role ? events_for(*role) : 0;
    if ((subscription_ & ~allowed) == 0) return;
    spdlog::info("socket: connection {} (uid {}): subscription narrowed to the events of role {}",
                 caller_.connection_id, caller_.uid, role ? api::to_string(*role) : "none");
    subscription_ &= allowed;
    core_.bus.subscribe(*this, subscription_);
}

void Connection::stop() {
    core_.bus.unsubscribe(*this);
    subscription_ = 0;
    stop_reading();
    arm_deadline(core_.options.drain_timeout);
    wake(writer_wake_);
}

bool Connection::must_pause() const {
    const ServerOptions& o = core_.options;
    return in_flight_ >= o.max_in_flight || in_flight_bytes_ >= o.max_in_flight_bytes ||
           reply_bytes_ > o.output_high_water;
}

bool Connection::may_resume() const {
    const ServerOptions& o = core_.options;
    return in_flight_ < o.max_in_flight && in_flight_bytes_ < o.max_in_flight_bytes &&
           reply_bytes_ <= o.output_high_water / 2;
}

bool Connection::finished() const {
    if (aborted_) return true;
    if (!outbox_.empty()) return false;
    return dropping_ || (read_done_ && in_flight_ == 0);
}

awaitable<void> Connection::reader([[maybe_unused]] std::shared_ptr<Connection> keep_alive) {
    std::vector<char> buf(read_chunk);
    bool eof = false;
    while (!stop_reading_ && !aborted_) {
        if (must_pause()) {
            ++core_.stats.read_pauses;
            while (!stop_reading_ && !aborted_ && !may_resume()) {
                error_code ec;
                co_await reader_wake_.async_wait(on_error(ec));
            }
            continue;
        }
        std::optional<api::SplitItem> item = splitter_.next();
        if (!item && eof) break;
        if (!item) {
            error_code ec;
            const std::size_t n = co_await socket_.async_read_some(asio::buffer(buf), on_error(ec));
            if (stop_reading_ || aborted_) break;
            splitter_.feed({buf.data(), n});
            if (ec == asio::error::eof) {
                eof = true;
                item = splitter_.finish();  // a last line without its newline
            } else if (ec) {
                spdlog::debug("socket: connection {}: read: {}", caller_.connection_id, ec.message());
                break;
            }
            if (!item) continue;
        }
        if (item->kind == api::SplitItem::Kind::too_long) {
            ++core_.stats.requests;
            enqueue(api::error_reply(
                "null", {api::ErrorCode::bad_request,
                         "request line longer than " + std::to_string(core_.options.max_line_bytes) +
                             " bytes (limits.max_line_bytes); the line was dropped",
                         {}}));
        } else {
            on_line(std::move(item->line));
        }
    }
    read_done_ = true;
    wake(writer_wake_);
}

void Connection::on_line(std::string line) {
    ++core_.stats.requests;
    if (!role_) {
        // The parser runs only to find the id to echo; the answer is the same
        // whatever the line says, so an outsider learns nothing about ops.
        const auto parsed = api::parse_request(line, api::Role::admin);
        enqueue(api::error_reply(parsed ? parsed->id : parsed.error().id,
                                 {api::ErrorCode::forbidden,
                                  "uid " + std::to_string(caller_.uid) + " (" + caller_.user +
                                      ") has no role: the daemon's config (roles:) names neither "
                                      "this user nor one of its groups",
                                  {}}));
        return;
    }
    auto parsed = api::parse_request(line, *role_);
    if (!parsed) {
        enqueue(api::error_reply(parsed.error()));
        return;
    }
    const api::Op op = parsed->op();
    if (op == api::Op::hello || op == api::Op::subscribe) {
        answer_locally(*parsed);
        return;
    }
    ++in_flight_;
    in_flight_bytes_ += line.size();
    // Each request is its own coroutine: a slow one delays no other.
    asio::co_spawn(socket_.get_executor(),
                   request(shared_from_this(), std::move(*parsed), line.size()), asio::detached);
}

awaitable<void> Connection::request([[maybe_unused]] std::shared_ptr<Connection> keep_alive, api::Request req,
                                    std::size_t line_bytes) {
    ++core_.stats.handler_calls;
    std::optional<HandlerResult> result;
    try {
        result = co_await core_.handler.handle(req, caller_);
    } catch (const std::exception& e) {
        spdlog::error("socket: connection {}: {} failed: {}", caller_.connection_id,
                      api::to_string(req.op()), e.what());
    }
    if (!result)
        result.emplace(unexpected(api::Error{
            api::ErrorCode::internal, "the daemon failed to handle the request; see its log", {}}));
    --in_flight_;
    in_flight_bytes_ -= line_bytes;
    if (!aborted_ && !dropping_)
        enqueue(*result ? api::success_reply(req.id, **result)
                        : api::error_reply(req.id, result->error()));
    if (may_resume()) wake(reader_wake_);
    wake(writer_wake_);
}

void Connection::answer_locally(const api::Request& req) {
    if (req.op() == api::Op::hello) {
        enqueue(api::success_reply(req.id, {{"daemon", "smsgwd"},
                                            {"version", daemon_version()},
                                            {"protocol", api::protocol_version},
                                            {"role", api::to_string(*role_)},
                                            {"user", caller_.user},
                                            {"uid", caller_.uid}}));
        return;
    }
    const auto& params = std::get<api::SubscribeParams>(req.params);
    EventMask mask = 0;
    for (const api::EventName e : params.events) mask |= event_bit(e);
    subscription_ = mask;
    core_.bus.subscribe(*this, mask);
    nlohmann::json names = nlohmann::json::array();
    for (std::size_t i = 0; i < api::event_names.size(); ++i)
        if (mask & event_bit(static_cast<api::EventName>(i))) names.push_back(api::event_names[i]);
    enqueue(api::success_reply(req.id, {{"events", std::move(names)}}));
}

void Connection::enqueue(std::shared_ptr<const std::string> text, bool event) {
    if (aborted_ || dropping_) return;
    const std::size_t n = text->size();
    outbox_.push_back({std::move(text), event});
    unsent_bytes_ += n;
    (event ? event_bytes_ : reply_bytes_) += n;
    core_.stats.max_unsent_bytes = std::max(core_.stats.max_unsent_bytes, unsent_bytes_);
    wake(writer_wake_);
}

void Connection::deliver_event(const std::shared_ptr<const std::string>& line) {
    if (aborted_ || dropping_ || subscription_ == 0) return;
    if (event_bytes_ + line->size() > core_.options.event_backlog_limit) {
        drop_subscription();
        return;
    }
    enqueue(line, true);
}

void Connection::drop_subscription() {
    const std::size_t backlog = event_bytes_;
    core_.bus.unsubscribe(*this);
    subscription_ = 0;
    ++core_.stats.subscribers_dropped;
    // Events still queued would reach the reader only after a backlog it
    // cannot keep up with: they are counted as missed, and the last line
    // follows right after what is already on its way.
    std::size_t missed = 1;  // the event that did not fit
    for (auto it = outbox_.begin(); it != outbox_.end();) {
        if (!it->event) {
            ++it;
            continue;
        }
        unsent_bytes_ -= it->text->size();
        event_bytes_ -= it->text->size();
        ++missed;
        it = outbox_.erase(it);
    }
    const nlohmann::json last = {{"event", "subscription.dropped"},
                                 {"reason", "slow reader"},
                                 {"unsent_bytes", backlog},
                                 {"limit_bytes", core_.options.event_backlog_limit},
                                 {"missed_events", missed}};
    enqueue(std::make_shared<const std::string>(last.dump() + "\n"), true);
    dropping_ = true;
    spdlog::warn("socket: connection {} (uid {}): slow subscriber dropped, {} bytes unsent",
                 caller_.connection_id, caller_.uid, backlog);
    stop_reading();
    arm_deadline(core_.options.linger);
}

void Connection::stop_reading() {
    if (stop_reading_) return;
    stop_reading_ = true;
    // Wakes a pending read with end-of-file (AF_UNIX, Linux) without
    // cancelling the writes that are still to go out.
    error_code ec;
    socket_.shutdown(UnixSocket::shutdown_receive, ec);
    wake(reader_wake_);
}

void Connection::abort() {
    if (aborted_) return;
    aborted_ = true;
    error_code ec;
    socket_.shutdown(UnixSocket::shutdown_both, ec);
    socket_.close(ec);
    outbox_.clear();
    wake(reader_wake_);
    wake(writer_wake_);
}

void Connection::arm_deadline(std::chrono::milliseconds after) {
    const auto at = asio::steady_timer::clock_type::now() + after;
    if (at >= deadline_.expiry()) return;  // an earlier deadline stands
    deadline_.expires_at(at);
    deadline_.async_wait([self = shared_from_this()](error_code ec) {
        if (ec) return;
        if (self->reply_bytes_ > 0)  // a client that stopped reading its replies
            spdlog::info("socket: connection {} closed at its deadline with {} bytes of replies "
                         "it did not read",
                         self->caller_.connection_id, self->reply_bytes_);
        else
            spdlog::debug("socket: connection {}: closed at its deadline",
                          self->caller_.connection_id);
        self->abort();
    });
}

awaitable<void> Connection::writer([[maybe_unused]] std::shared_ptr<Connection> keep_alive) {
    std::vector<Out> batch;
    std::vector<asio::const_buffer> buffers;
    while (!aborted_) {
        if (outbox_.empty()) {
            if (finished()) break;
            error_code ec;
            co_await writer_wake_.async_wait(on_error(ec));
            continue;
        }
        std::size_t bytes = 0;
        while (!outbox_.empty() && batch.size() < write_batch_lines && bytes < write_batch_bytes) {
            bytes += outbox_.front().text->size();
            batch.push_back(std::move(outbox_.front()));
            outbox_.pop_front();
        }
        buffers.clear();
        for (const Out& out : batch) buffers.push_back(asio::buffer(*out.text));
        error_code ec;
        co_await asio::async_write(socket_, buffers, on_error(ec));
        for (const Out& out : batch) {
            unsent_bytes_ -= out.text->size();
            (out.event ? event_bytes_ : reply_bytes_) -= out.text->size();
        }
        batch.clear();
        if (ec) {
            spdlog::debug("socket: connection {}: write: {}", caller_.connection_id, ec.message());
            break;
        }
        if (may_resume()) wake(reader_wake_);
    }
    abort();
    deadline_.cancel();
    core_.bus.unsubscribe(*this);
    if (!closed_) {
        closed_ = true;
        spdlog::debug("socket: connection {} (uid {}) closed", caller_.connection_id, caller_.uid);
        core_.connection_closed(caller_.connection_id);
    }
}

}  // namespace smsgw::server
