// AtEngine: see at_engine.hpp. The Session decides; this file only moves bytes,
// sleeps until deadlines and wakes the coroutines waiting for their replies.
#include "drivers/at_engine.hpp"

#include <spdlog/spdlog.h>

#include "drivers/at/text.hpp"
#include "drivers/at/trace.hpp"

namespace smsgw::drivers {

namespace {

template <typename... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

at::TimePoint now() {
    return at::Clock::now();
}

// The byte trace is formatted only when it is logged: escaping every line of a
// busy modem costs more than the rest of the engine's work on it.
bool tracing() {
    return spdlog::should_log(spdlog::level::debug);
}

}  // namespace

std::string Reply::line(std::string_view prefix) const {
    for (const auto& l : lines)
        if (at::istarts_with(l, prefix)) return l;
    return {};
}

AtEngine::AtEngine(asio::any_io_executor executor, std::string log_name, at::SessionConfig config)
    : executor_(executor),
      log_name_(std::move(log_name)),
      session_(std::move(config)),
      tick_timer_(executor),
      write_event_(executor),
      turn_event_(executor, asio::steady_timer::time_point::max()) {}

AtEngine::~AtEngine() = default;

void AtEngine::attach(asio::posix::stream_descriptor& stream, FirstCommand first) {
    detach();
    stream_ = &stream;
    ++generation_;
    if (first == FirstCommand::after_sync)
        session_.open(now(), "port opened");
    else
        session_.reset(now(), "port opened again");
    process();
    auto self = shared_from_this();
    asio::co_spawn(executor_, reader(self, generation_), asio::detached);
    asio::co_spawn(executor_, writer(self, generation_), asio::detached);
    if (!ticker_running_) {
        ticker_running_ = true;
        asio::co_spawn(executor_, ticker(self), [self](std::exception_ptr e) {
            self->ticker_running_ = false;
            if (e) spdlog::error("{} AT ticker stopped by an exception", self->log_name_);
        });
    }
}

void AtEngine::detach() {
    if (!stream_) return;
    stream_ = nullptr;
    ++generation_;  // the reader and writer of the old stream see this and end
    out_.clear();
    write_event_.cancel();
    session_.reset(now(), "port closed");
    process();
}

void AtEngine::shutdown() {
    shut_down_ = true;
    detach();
    tick_timer_.cancel();
}

void AtEngine::write_raw(std::string bytes) {
    if (!stream_) return;
    if (tracing()) spdlog::debug("{} > {}", log_name_, at::c_escape(bytes));
    out_.push_back(std::move(bytes));
    write_event_.cancel_one();
}

bool AtEngine::session_free() const {
    return session_.state() == at::SessionState::idle && session_.queued() == 0;
}

awaitable<void> AtEngine::wait_turn_change() {
    ++turn_waiters_;
    boost::system::error_code ec;
    co_await turn_event_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    --turn_waiters_;
}

awaitable<Reply> AtEngine::command(at::Command cmd, Gate gate) {
    const auto not_sent = [](std::string why) {
        Reply r;
        r.final = at::Final{at::Outcome::not_sent, {}, std::nullopt, std::move(why)};
        return r;
    };
    if (gate) {
        // A command the Session would refuse or hold back anyway is not gated:
        // the gate's work would be for nothing. Waiting for its turn, it holds
        // the commands submitted after it back (first come, first served): a
        // busy lifecycle, one command after another, would never leave the
        // line free for it otherwise. It leaves the line however it ends (an
        // exception in the gate too), or those behind it would wait for ever.
        struct InLine {
            AtEngine& engine;
            bool gate_open = false;
            explicit InLine(AtEngine& e) : engine(e) { ++engine.gated_in_line_; }
            ~InLine() {
                --engine.gated_in_line_;
                if (gate_open) engine.gate_open_ = false;
                if (engine.turn_waiters_ > 0) engine.turn_event_.cancel();
            }
        } in_line(*this);
        while (stream_ && !session_.unresponsive() && !(session_free() && !gate_open_))
            co_await wait_turn_change();
        if (stream_ && !session_.unresponsive() && cmd.hold) {
            if (std::string held = cmd.hold(); !held.empty())
                co_return not_sent("not written: " + std::move(held));
        }
        if (stream_ && !session_.unresponsive()) {
            in_line.gate_open = gate_open_ = true;
            if (std::string refused = co_await gate(); !refused.empty())
                co_return not_sent("not written: " + std::move(refused));
        }
    } else {
        while (stream_ && gated_in_line_ > 0) co_await wait_turn_change();
    }
    Waiter waiter(executor_);
    waiter.event.expires_at(asio::steady_timer::time_point::max());
    at::CommandId id = 0;
    if (!stream_) co_return not_sent("port not open");
    // The entry must not outlive this frame, even if the coroutine is destroyed.
    struct Unregister {
        std::map<at::CommandId, Waiter*>& waiters;
        at::CommandId& id;
        ~Unregister() { waiters.erase(id); }
    } unregister{waiters_, id};
    id = session_.submit(std::move(cmd), now());
    waiters_[id] = &waiter;
    process();
    while (!waiter.reply) {
        boost::system::error_code ec;
        co_await waiter.event.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return std::move(*waiter.reply);
}

void AtEngine::process() {
    for (auto& action : session_.take_actions()) {
        if (tracing()) spdlog::debug("{} {}", log_name_, at::trace_line(action));
        std::visit(Overloaded{
                       [&](at::Write& w) {
                           if (!stream_) return;
                           out_.push_back(std::move(w.bytes));
                           write_event_.cancel_one();
                       },
                       [&](at::Complete& c) {
                           if (complete_handler_) complete_handler_(c);
                           const auto it = waiters_.find(c.id);
                           if (it == waiters_.end()) return;
                           it->second->reply = Reply{std::move(c.lines), std::move(c.final)};
                           it->second->event.cancel();
                           waiters_.erase(it);
                       },
                       [&](at::Urc& u) {
                           if (!u.noise && urc_handler_) urc_handler_(u);
                       },
                       [](at::Stray&) {},
                       [](at::Transition&) {},
                   },
                   action);
    }
    rearm_ticker();
    if (turn_waiters_ > 0) turn_event_.cancel();
}

void AtEngine::rearm_ticker() {
    const auto deadline = session_.next_deadline();
    const auto at = deadline ? *deadline : asio::steady_timer::time_point::max();
    if (tick_timer_.expiry() != at) tick_timer_.expires_at(at);
}

awaitable<void> AtEngine::ticker(std::shared_ptr<AtEngine> self) {
    while (!shut_down_) {
        boost::system::error_code ec;
        co_await tick_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (shut_down_) break;
        session_.on_tick(now());
        process();
    }
    (void)self;
}

awaitable<void> AtEngine::writer(std::shared_ptr<AtEngine> self, std::uint64_t generation) {
    while (generation_ == generation && stream_) {
        if (out_.empty()) {
            boost::system::error_code ec;
            write_event_.expires_at(asio::steady_timer::time_point::max());
            co_await write_event_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        std::string bytes = std::move(out_.front());
        out_.pop_front();
        boost::system::error_code ec;
        co_await asio::async_write(*stream_, asio::buffer(bytes),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec && generation_ == generation) {
            gone("write failed: " + ec.message());
            break;
        }
    }
    (void)self;
}

awaitable<void> AtEngine::reader(std::shared_ptr<AtEngine> self, std::uint64_t generation) {
    char buf[1024];
    while (generation_ == generation && stream_) {
        boost::system::error_code ec;
        const std::size_t n = co_await stream_->async_read_some(
            asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        if (generation_ != generation) break;
        if (n > 0) {
            if (tracing()) spdlog::debug("{} < {}", log_name_, at::c_escape(std::string_view(buf, n)));
            session_.on_bytes(std::string_view(buf, n), now());
            process();
        }
        if (ec) {
            gone(ec == asio::error::eof ? std::string("end of file") : ec.message());
            break;
        }
    }
    (void)self;
}

void AtEngine::gone(const std::string& why) {
    detach();
    if (gone_handler_) gone_handler_(why);
}

}  // namespace smsgw::drivers
