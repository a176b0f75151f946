// Server test harness: the canned handler, the fixture thread, the client.
#include "tests/integration/server_harness.hpp"

#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "daemon/api/amount.hpp"

namespace smsgw::test {

namespace asio = server::asio;

json TestHandler::send_result(const api::SendParams& p, std::int64_t id) {
    const std::size_t segments = p.text.size() <= 160 ? 1 : (p.text.size() + 152) / 153;
    return {{"message_id", id},
            {"segments", segments},
            {"encoding", "gsm7"},
            {"cost", 0.09 * static_cast<double>(segments)},
            {"state", "queued"}};
}

namespace {

json message_row(std::int64_t id, std::string state) {
    return {{"message_id", id},      {"to", "+4917612345678"}, {"state", std::move(state)},
            {"segments", 1},         {"modem", "office-1"},    {"category", "transactional"},
            {"created", "2024-05-02T10:15:00+02:00"}};
}

// An ISO-8601 UTC time `seconds` ago, as smsgwd writes times.
std::string seconds_ago(long seconds) {
    const std::time_t t = std::time(nullptr) - seconds;
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    return buf;
}

// message.get as smsgwd answers it (daemon/core/views.cpp): a two-part
// message, delivered, with its history; 78 still waits for a modem.
json message_detail(std::int64_t id) {
    const bool waiting = id == 78;
    json m = {{"message_id", id},
              {"to", "+4917612345678"},
              {"state", waiting ? "queued" : "delivered"},
              {"encoding", "gsm7"},
              {"category", "transactional"},
              {"priority", 5},
              {"segments", 2},
              {"cost", "0.18"},
              {"cost_micros", 180'000},
              {"currency", "EUR"},
              {"report", true},
              {"modem", "office-1"},
              {"requested_modem", waiting ? json("office-1") : json(nullptr)},
              {"idempotency_key", nullptr},
              {"error", nullptr},
              {"not_before", "2024-05-02T10:15:00+02:00"},
              {"expires_at", nullptr},
              {"validity_minutes", nullptr},
              {"created_at", "2024-05-02T10:15:00+02:00"},
              {"updated_at", "2024-05-02T10:15:09+02:00"},
              {"text", "Your order has shipped"}};
    m["waiting"] = waiting ? json("office-1 is registering, not ready (the send asked for it)")
                           : json(nullptr);
    const auto part = [&](int seq, int mr) {
        return json{{"seq", seq},
                    {"state", waiting ? "queued" : "delivered"},
                    {"modem", waiting ? json(nullptr) : json("office-1")},
                    {"tp_mr", waiting ? json(nullptr) : json(mr)},
                    {"attempts", waiting ? 0 : 1},
                    {"next_attempt_at", "2024-05-02T10:15:00+02:00"},
                    {"error", nullptr},
                    {"sent_at", waiting ? json(nullptr) : json("2024-05-02T10:15:03+02:00")},
                    {"delivered_at", waiting ? json(nullptr) : json("2024-05-02T10:15:09+02:00")},
                    {"status", waiting ? json(nullptr) : json(0)},
                    {"pdu", std::string(60, 'A')}};
    };
    m["parts"] = json::array({part(1, 17), part(2, 18)});
    const auto change = [](std::string entity, std::int64_t row, json from, std::string to,
                           std::string at, json detail) {
        json c{{"entity", entity},         {"id", row},
               {"from", std::move(from)},  {"to", std::move(to)},
               {"at", std::move(at)},      {"detail", std::move(detail)}};
        if (entity == "part") c["seq"] = row - 300;  // smsgwd numbers a part's entries
        return c;
    };
    m["history"] = json::array(
        {change("message", id, nullptr, "queued", "2024-05-02T10:15:00+02:00", nullptr)});
    if (!waiting) {
        m["history"].push_back(
            change("part", 301, "queued", "sending", "2024-05-02T10:15:01+02:00", "office-1"));
        m["history"].push_back(
            change("part", 302, "queued", "sending", "2024-05-02T10:15:02+02:00", "office-1"));
        m["history"].push_back(
            change("part", 302, "sending", "sent", "2024-05-02T10:15:04+02:00",
                   "TP-MR 18 after a retry: +CMS ERROR 38 network out of order on the first try"));
        m["history"].push_back(
            change("part", 301, "sending", "sent", "2024-05-02T10:15:03+02:00", "TP-MR 17"));
    }
    return m;
}

json ledger_entry(std::int64_t id, std::string at, std::int64_t amount, std::int64_t balance_after,
                  std::string reason, json message_id, std::int64_t uid) {
    return {{"id", id},
            {"at", std::move(at)},
            {"amount", api::format_amount(amount)},
            {"balance_after", api::format_amount(balance_after)},
            {"reason", std::move(reason)},
            {"message_id", std::move(message_id)},
            {"uid", uid}};
}

api::Error error(api::ErrorCode code, std::string message, std::string field = {}) {
    return {code, std::move(message), std::move(field)};
}

}  // namespace

TestHandler::TestHandler(asio::io_context& io)
    : io_(io),
      ledger_(json::array(
          {ledger_entry(3, "2024-05-02T10:15:00+02:00", -90'000, 12'340'000, "message", 901, 1000),
           ledger_entry(2, "2024-05-02T09:00:00+02:00", -180'000, 12'430'000, "message", 900, 1000),
           ledger_entry(1, "2024-05-01T08:00:00+02:00", 12'610'000, 12'610'000, "opening balance",
                        nullptr, 0)})) {}

server::awaitable<server::HandlerResult> TestHandler::handle(const api::Request& request,
                                                             const server::CallerInfo& caller) {
    seen.push_back(request);
    last_caller = caller;
    switch (request.op()) {
        case api::Op::send: {
            const auto& p = std::get<api::SendParams>(request.params);
            if (p.text == "boom") throw std::runtime_error("store exploded (test)");
            if (p.to == "+4915199999999")
                co_return unexpected(error(api::ErrorCode::opted_out,
                                           "+4915199999999 opted out (STOP, 2024-04-30)", "to"));
            co_return send_result(p, 42);
        }
        case api::Op::send_batch: {
            const auto& p = std::get<api::SendBatchParams>(request.params);
            json items = json::array();
            for (std::size_t i = 0; i < p.messages.size(); ++i) {
                if (const auto& e = p.messages[i].refused) {
                    items.push_back({{"index", i}, {"ok", false}, {"error", {{"code", api::to_string(e->code)}, {"field", e->field}}}});
                    continue;
                }
                items.push_back(send_result(p.messages[i].params, 100 + static_cast<std::int64_t>(i)));
            }
            co_return json{{"messages", items}};
        }
        case api::Op::message_get: {
            const auto id = std::get<api::MessageGetParams>(request.params).message_id;
            if (id == 404)
                co_return unexpected(error(api::ErrorCode::not_found, "no message 404", "message_id"));
            if (id >= 1000 && std::find(released_.begin(), released_.end(), id) == released_.end()) {
                auto gate = std::make_shared<asio::steady_timer>(io_, asio::steady_timer::time_point::max());
                gates_[id] = gate;
                boost::system::error_code ec;
                co_await gate->async_wait(asio::redirect_error(asio::use_awaitable, ec));
            }
            co_return message_detail(id);
        }
        case api::Op::message_list: {
            const auto& p = std::get<api::MessageListParams>(request.params);
            json rows = json::array();
            for (std::int64_t i = 0; i < std::min<std::int64_t>(p.limit, 3); ++i)
                rows.push_back(message_row(900 - i, i == 0 ? "queued" : "sent"));
            for (std::int64_t i = 3; i < p.limit; ++i) {
                json row = message_row(900 - i, "sent");
                row["text"] = std::string(900, 'x');
                rows.push_back(std::move(row));
            }
            co_return json{{"messages", rows}, {"next_before_id", 898}};
        }
        case api::Op::message_cancel:
            co_return json{{"message_id", std::get<api::MessageCancelParams>(request.params).message_id},
                           {"state", "cancelled"}};
        case api::Op::inbound_list:
            co_return json{{"messages",
                            json::array({{{"id", 7},
                                          {"from", "+4917612345678"},
                                          {"modem", "office-1"},
                                          {"text", "Stop"},
                                          {"received", "2024-05-02T11:00:00+02:00"},
                                          {"complete", true}}})}};
        case api::Op::optout_list:
            co_return json{{"optouts", json::array({{{"number", "+4917612345678"},
                                                     {"keyword", "STOP"},
                                                     {"source", "inbound"},
                                                     {"created", "2024-05-02T11:00:01+02:00"}}})}};
        case api::Op::optout_add:
            co_return json{{"number", std::get<api::OptoutAddParams>(request.params).number},
                           {"added", true}};
        case api::Op::optout_remove:
            co_return json{{"number", std::get<api::OptoutRemoveParams>(request.params).number},
                           {"removed", true}};
        case api::Op::settings_get: {
            // As smsgwd answers (daemon/service/admin_ops.cpp): the values, and the
            // key table's rows in its order.
            json details = json::array();
            const auto detail = [&](std::string key, json value, json default_value,
                                    std::string type, std::string role, std::string description) {
                details.push_back({{"key", std::move(key)},
                                   {"value", std::move(value)},
                                   {"default", std::move(default_value)},
                                   {"type", std::move(type)},
                                   {"min_role", std::move(role)},
                                   {"description", std::move(description)},
                                   {"updated_at", nullptr},
                                   {"updated_by", nullptr}});
            };
            detail("sms.enabled", true, true, "boolean", "admin",
                   "Send SMS at all. Off: every send is refused with service_disabled (a paid "
                   "service).");
            detail("sms.company_name", "ACME GmbH", "", "text", "manager",
                   "The company name, for the prefix of marketing messages.");
            detail("sms.cost_per_segment", "0.09", "0", "money", "admin",
                   "Price of one SMS segment in sms.currency, a decimal with up to 6 places "
                   "(\"0.09\").");
            detail("sms.max_segments", 10, 10, "integer", "admin",
                   "The most segments one message may have; longer texts are refused "
                   "(text_too_long).");
            details[0]["updated_at"] = "2024-05-02T09:00:00+02:00";
            details[0]["updated_by"] = 1000;
            co_return json{{"settings",
                            {{"sms.enabled", true},
                             {"sms.company_name", "ACME GmbH"},
                             {"sms.cost_per_segment", "0.09"},
                             {"sms.max_segments", 10}}},
                           {"details", std::move(details)}};
        }
        case api::Op::settings_set: {
            const auto& p = std::get<api::SettingsSetParams>(request.params);
            json value;
            std::visit([&](const auto& v) { value = v; }, p.value);
            co_return json{{"key", p.key}, {"value", value}};
        }
        case api::Op::modem_list:
            // The fields smsgwd's modem.list answers with (a subset).
            co_return json{{"modems", json::array({{{"name", "office-1"},
                                                    {"state", "ready"},
                                                    {"port", "/dev/ttyUSB2"},
                                                    {"imei", "867530912345678"},
                                                    {"operator", "Telekom.de"},
                                                    {"signal_dbm", -71},
                                                    {"signal_bars", 4},
                                                    {"last_signal_dbm", -71},
                                                    {"last_signal_bars", 4},
                                                    {"signal_at", seconds_ago(20)},
                                                    {"registration", "home"},
                                                    {"sent", 12},
                                                    {"sent_today", 3},
                                                    {"failed", 0},
                                                    {"received", 1},
                                                    {"capped", false},
                                                    {"resting",
                                                     "its network refused 5 sends in a row"},
                                                    {"last_error", ""},
                                                    {"last_error_text", ""}},
                                                   {{"name", "office-2"},
                                                    {"state", "registering"},
                                                    {"port", "/dev/ttyUSB5"},
                                                    {"imei", "867530912345679"},
                                                    {"operator", ""},
                                                    // Not ready: its last reading only.
                                                    {"signal_dbm", nullptr},
                                                    {"signal_bars", nullptr},
                                                    {"last_signal_dbm", -95},
                                                    {"last_signal_bars", 1},
                                                    {"signal_at", seconds_ago(190)},
                                                    {"registration", "searching"},
                                                    {"sent", 0},
                                                    {"sent_today", 0},
                                                    {"failed", 2},
                                                    {"received", 0},
                                                    {"capped", true},
                                                    {"resting", nullptr},
                                                    {"last_error", "not_registered"},
                                                    {"last_error_text",
                                                     "not registered after 90000 ms (searching): "
                                                     "check antenna, coverage and SIM"}}})}};
        case api::Op::preview: {
            const auto& p = std::get<api::PreviewParams>(request.params);
            co_return json{{"encoding", "gsm7"},
                           {"segments", 1},
                           {"characters", p.text.size()},
                           {"offending", json::array()},
                           {"cost", 0.09}};
        }
        case api::Op::wallet_get: {
            const auto& p = std::get<api::WalletGetParams>(request.params);
            if (p.before_id == 1000) {
                // The richer shape a daemon may answer: amounts with a direction,
                // signed (as smsgwd's charges are) or not (its credits), micro-unit
                // twins, a display text and the next page.
                const auto entry = [](std::int64_t id, const char* amount, const char* direction,
                                      std::int64_t micros, json message_id) {
                    return json{{"id", id},
                                {"at", "2024-04-30T12:00:00+02:00"},
                                {"amount", amount},
                                {"direction", direction},
                                {"amount_micros", micros},
                                {"balance_after", "12.34"},
                                {"balance_after_micros", 12'340'000},
                                {"reason", message_id.is_null() ? "cash" : "message"},
                                {"message_id", message_id},
                                {"uid", 1000}};
                };
                co_return json{
                    {"enabled", false},
                    {"balance", "12.34"},
                    {"balance_micros", 12'340'000},
                    {"currency", "EUR"},
                    {"display", "12.34 EUR"},
                    {"ledger", json::array({entry(999, "-0.09", "charge", -90'000, 880),
                                            entry(998, "5", "credit", 5'000'000, nullptr)})},
                    {"next_before_id", 998}};
            }
            json page = json::array();
            for (const json& entry : ledger_)
                if ((!p.before_id || entry.at("id").get<std::int64_t>() < *p.before_id) &&
                    static_cast<std::int64_t>(page.size()) < p.ledger_limit)
                    page.push_back(entry);
            co_return json{{"enabled", true},
                           {"balance", api::format_amount(balance_micros_)},
                           {"currency", "EUR"},
                           {"balance_micros", balance_micros_},
                           {"ledger", page}};
        }
        case api::Op::wallet_topup: {
            const auto& p = std::get<api::WalletTopupParams>(request.params);
            if (p.reason == "disabled")
                co_return unexpected(error(api::ErrorCode::service_disabled,
                                           "the wallet is not enabled (wallet.enabled)"));
            co_return adjust(p.amount.micros, p.reason.value_or("top-up"), caller.uid);
        }
        case api::Op::wallet_withdraw: {
            const auto& p = std::get<api::WalletWithdrawParams>(request.params);
            if (p.amount.micros > balance_micros_)
                co_return unexpected(error(api::ErrorCode::bad_request,
                                           "amount: expected at most " +
                                               api::format_amount(balance_micros_) + ", found " +
                                               api::format_amount(p.amount.micros),
                                           "amount"));
            co_return adjust(-p.amount.micros, p.reason.value_or("withdrawal"), caller.uid);
        }
        case api::Op::hello:
        case api::Op::subscribe:
            break;
    }
    co_return unexpected(error(api::ErrorCode::internal, "the server answers this op itself"));
}

json TestHandler::adjust(std::int64_t amount, std::string reason, uid_t uid) {
    const std::int64_t id = ledger_.front().at("id").get<std::int64_t>() + 1;
    balance_micros_ += amount;
    ledger_.insert(ledger_.begin(),
                   ledger_entry(id, "2024-05-03T08:00:00+02:00", amount, balance_micros_,
                                std::move(reason), nullptr, static_cast<std::int64_t>(uid)));
    return json{{"balance", api::format_amount(balance_micros_)},
                {"balance_micros", balance_micros_},
                {"ledger_id", id}};
}

void TestHandler::release(std::int64_t id) {
    released_.push_back(id);
    if (const auto it = gates_.find(id); it != gates_.end()) it->second->cancel();
}

std::string temp_dir() {
    char pattern[] = "/tmp/smsgw-srv-XXXXXX";
    const char* made = ::mkdtemp(pattern);
    REQUIRE(made != nullptr);
    return made;
}

ServerFixture::ServerFixture(const std::function<void(server::ServerOptions&)>& tune)
    : dir(temp_dir()), path(dir + "/smsgw.sock") {
    options.socket.path = path;
    options.socket.mode = 0660;
    options.linger = 2s;
    options.drain_timeout = 10s;
    if (tune) tune(options);
    srv = std::make_unique<server::Server>(io, options, handler);
    srv->start();
    thread_ = std::thread([this] {
        auto work = asio::make_work_guard(io);
        io.run();
    });
}

void ServerFixture::stop() {
    on_io([this] {
        srv->stop([this] { stopped_ = true; });
        return 0;
    });
}

ServerFixture::~ServerFixture() {
    stop();
    wait_for([this] { return stopped_.load(); }, 15s);
    io.stop();
    thread_.join();
    srv.reset();
    ::unlink(path.c_str());
    ::rmdir(dir.c_str());
}

Client::Client(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

Client::~Client() {
    if (fd_ >= 0) ::close(fd_);
}

void Client::send(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

std::optional<std::string> Client::line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
            std::string out = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return out;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char chunk[65536];
        const ssize_t n = ::read(fd_, chunk, sizeof(chunk));
        if (n <= 0) return std::nullopt;
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

std::optional<json> Client::reply(std::chrono::milliseconds timeout) {
    auto text = line(timeout);
    if (!text) return std::nullopt;
    return json::parse(*text);
}

json Client::request(const json& request) {
    send(request.dump() + "\n");
    auto answer = reply();
    REQUIRE(answer.has_value());
    return *answer;
}

bool Client::closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char chunk[65536];
        const ssize_t n = ::read(fd_, chunk, sizeof(chunk));
        if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
        if (n > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

ForkedClient::ForkedClient(uid_t uid, gid_t gid, const std::string& path) {
    int to_child[2], from_child[2];
    REQUIRE(::pipe(to_child) == 0);
    REQUIRE(::pipe(from_child) == 0);
    child_ = ::fork();
    REQUIRE(child_ >= 0);
    if (child_ == 0) {
        ::close(to_child[1]);
        ::close(from_child[0]);
        if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(10);
        Client client(path);
        if (!client.connected()) ::_exit(11);
        std::string pending;
        char buf[4096];
        for (ssize_t n; (n = ::read(to_child[0], buf, sizeof buf)) > 0;) {
            pending.append(buf, static_cast<std::size_t>(n));
            for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
                // An empty line asks for the next line the server sends (an event).
                if (nl > 0) client.send(pending.substr(0, nl + 1));
                pending.erase(0, nl + 1);
                auto answer = client.line();
                if (!answer) ::_exit(12);
                *answer += "\n";
                if (::write(from_child[1], answer->data(), answer->size()) < 0) ::_exit(13);
            }
        }
        ::_exit(0);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    to_ = to_child[1];
    from_ = from_child[0];
}

std::string ForkedClient::request(const std::string& line) {
    const std::string out = line + "\n";
    REQUIRE(::write(to_, out.data(), out.size()) == static_cast<ssize_t>(out.size()));
    std::string answer;
    char c;
    while (::read(from_, &c, 1) == 1 && c != '\n') answer += c;
    return answer;
}

int ForkedClient::finish() {
    if (child_ <= 0) return status_;
    ::close(to_);
    ::close(from_);
    int status = 0;
    ::waitpid(child_, &status, 0);
    child_ = -1;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return status_;
}

std::vector<std::string> exchange_as(uid_t uid, gid_t gid, const std::string& path,
                                     const std::vector<std::string>& lines) {
    ForkedClient client(uid, gid, path);
    std::vector<std::string> replies;
    for (const std::string& l : lines) replies.push_back(client.request(l));
    REQUIRE(client.finish() == 0);
    return replies;
}

passwd nobody() {
    const passwd* pw = ::getpwnam("nobody");
    REQUIRE(pw != nullptr);
    return *pw;
}

}  // namespace smsgw::test
