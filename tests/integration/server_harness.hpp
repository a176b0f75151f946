// Harness for the socket server tests: a real smsgw::server::Server on a
// temporary socket, run on its own io_context thread with a test
// RequestHandler that answers canned but realistic results per op, and a
// blocking client socket with timeouts. Everything the tests ask of the
// server goes through on_io(), so the server stays single-threaded.
#pragma once

#include <pwd.h>
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/server/server.hpp"
#include "tests/integration/sim_harness_wait.hpp"

namespace smsgw::test {

using nlohmann::json;
using namespace std::chrono_literals;

// Canned answers per op, in the shapes the daemon's service layer answers.
// Special inputs: send to +4915199999999 → opted_out; text "boom" → throws;
// message.get 404 → not_found; message.get >= 1000 waits for release(id);
// message.list `limit` rows of about 1 KiB each (big replies on demand).
// The wallet starts at 12.34 EUR with three ledger entries; wallet.topup adds
// to it and wallet.withdraw takes from it (bad_request beyond the balance), and
// a top-up with the reason "disabled" is answered service_disabled;
// wallet.get before_id 1000 answers in a richer shape (amounts with a
// direction, micro-unit twins, display, next_before_id).
class TestHandler : public server::RequestHandler {
  public:
    explicit TestHandler(server::asio::io_context& io);
    server::awaitable<server::HandlerResult> handle(const api::Request& request,
                                                    const server::CallerInfo& caller) override;
    void release(std::int64_t id);  // on the io thread

    std::vector<api::Request> seen;  // every request handled, in order of arrival
    std::optional<server::CallerInfo> last_caller;

    static json send_result(const api::SendParams& p, std::int64_t id);

  private:
    server::asio::io_context& io_;
    std::map<std::int64_t, std::shared_ptr<server::asio::steady_timer>> gates_;
    std::vector<std::int64_t> released_;
    // A top-up (amount > 0) or withdrawal (< 0) in the ledger; the reply.
    json adjust(std::int64_t amount, std::string reason, uid_t uid);
    std::int64_t balance_micros_ = 12'340'000;
    json ledger_;  // newest first
};

class ServerFixture {
  public:
    explicit ServerFixture(const std::function<void(server::ServerOptions&)>& tune = {});
    ~ServerFixture();

    // Runs `f` on the io thread and returns its result.
    template <typename F>
    auto on_io(F f) -> decltype(f()) {
        std::packaged_task<decltype(f())()> task(std::move(f));
        auto result = task.get_future();
        server::asio::post(io, [&task] { task(); });
        return result.get();
    }
    server::ServerStats stats() {
        return on_io([this] { return srv->stats(); });
    }
    template <typename Pred>
    bool wait_stats(Pred pred, std::chrono::milliseconds timeout = 5s) {
        return wait_for([&] { return pred(stats()); }, timeout);
    }
    void publish(api::EventName event, const json& fields) {
        on_io([&] { srv->events().publish(event, fields); });
    }
    std::size_t subscribers() {
        return on_io([this] { return srv->events().subscriber_count(); });
    }
    // Graceful stop; true once the server reported it stopped.
    void stop();
    bool stopped() const { return stopped_; }

    std::string dir;
    std::string path;
    server::asio::io_context io;
    TestHandler handler{io};
    server::ServerOptions options;
    std::unique_ptr<server::Server> srv;

  private:
    std::thread thread_;
    std::atomic<bool> stopped_{false};
};

// A blocking client socket; reads give up after a timeout.
class Client {
  public:
    explicit Client(const std::string& path);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool connected() const { return fd_ >= 0; }
    void send(const std::string& bytes);
    // The next line; nullopt at EOF or after `timeout`.
    std::optional<std::string> line(std::chrono::milliseconds timeout = 5s);
    std::optional<json> reply(std::chrono::milliseconds timeout = 5s);
    json request(const json& request);  // send one, read one reply
    // True once the server closed the connection (EOF or reset) within `timeout`.
    bool closed(std::chrono::milliseconds timeout = 5s);
    int fd() const { return fd_; }

  private:
    int fd_ = -1;
    std::string buffer_;
};

// A client running as uid/gid in a forked child, kept connected between
// requests: each request line goes to the child through one pipe, and the
// child's answer (one line per request) comes back through another.
class ForkedClient {
  public:
    ForkedClient(uid_t uid, gid_t gid, const std::string& path);
    ~ForkedClient() { finish(); }
    ForkedClient(const ForkedClient&) = delete;
    ForkedClient& operator=(const ForkedClient&) = delete;

    // Sends one request line and returns the answer line.
    std::string request(const std::string& line);
    // The next line the server sends without a request (an event).
    std::string next_line() { return request(""); }
    // Closes the client; its exit status says whether every request was answered.
    int finish();

  private:
    pid_t child_ = -1;
    int to_ = -1, from_ = -1;
    int status_ = -1;
};

// Runs a client as uid/gid in a forked child: connects, sends `lines`, and
// returns what it read (one line per request).
std::vector<std::string> exchange_as(uid_t uid, gid_t gid, const std::string& path,
                                     const std::vector<std::string>& lines);

// The "nobody" account: a second uid for role tests (they run as root).
passwd nobody();

// Temporary directory for sockets (short path: sun_path has 108 bytes).
std::string temp_dir();

}  // namespace smsgw::test
