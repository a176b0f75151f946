// smsgw_server over real Unix sockets: a Server on a temporary socket with the
// canned TestHandler, real client sockets (and forked clients under other
// uids for SO_PEERCRED roles). Every wait is on a condition with a deadline.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <cstring>
#include <set>
#include <thread>

#include "daemon/server/peer_role.hpp"
#include "tests/integration/server_harness.hpp"

using namespace smsgw;
using namespace smsgw::test;

namespace {

json error_of(const json& reply) {
    REQUIRE(reply.at("ok") == false);
    return reply.at("error");
}

}  // namespace

TEST_CASE("roles: uid 0, users, primary and supplementary groups, the highest role wins") {
    config::RolesConfig roles;
    roles.admin = {{"alice"}, {"smsgw-admin"}};
    roles.manager = {{}, {"smsgw-manager"}};
    roles.member = {{"carol"}, {"smsgw"}};
    const auto role = [&](server::PeerIdentity p) { return server::role_for(roles, p); };

    CHECK(role({0, 0, "root", {"root"}}) == api::Role::admin);
    CHECK(role({0, 0, "", {}}) == api::Role::admin);  // uid 0 even without a name
    CHECK(role({1001, 1001, "alice", {"alice"}}) == api::Role::admin);
    CHECK(role({1002, 1002, "carol", {"carol"}}) == api::Role::member);
    // Primary group only, then a supplementary group lifting the role.
    CHECK(role({1003, 2000, "dave", {"smsgw"}}) == api::Role::member);
    CHECK(role({1003, 2000, "dave", {"smsgw", "smsgw-manager"}}) == api::Role::manager);
    CHECK(role({1003, 2000, "dave", {"dave", "smsgw-admin", "smsgw"}}) == api::Role::admin);
    CHECK(role({1004, 1004, "carol", {"smsgw-manager"}}) == api::Role::manager);
    CHECK_FALSE(role({1005, 1005, "eve", {"eve", "users"}}).has_value());
    CHECK_FALSE(role({1006, 1006, "", {}}).has_value());
    // An empty name never matches an entry (a uid without a passwd entry).
    roles.member.users.push_back("");
    CHECK_FALSE(role({1006, 1006, "", {}}).has_value());
}

TEST_CASE("roles: lookup_peer resolves names through NSS") {
    const server::PeerIdentity root = server::lookup_peer(0, 0);
    CHECK(root.user == "root");
    CHECK(std::find(root.groups.begin(), root.groups.end(), "root") != root.groups.end());
    const passwd nb = nobody();
    const server::PeerIdentity peer = server::lookup_peer(nb.pw_uid, nb.pw_gid);
    CHECK(peer.user == "nobody");
    const group* primary = ::getgrgid(nb.pw_gid);
    REQUIRE(primary != nullptr);
    CHECK(std::find(peer.groups.begin(), peer.groups.end(), primary->gr_name) != peer.groups.end());
    // A uid without an entry keeps its primary group's name and no user name.
    const server::PeerIdentity ghost = server::lookup_peer(54321, 0);
    CHECK(ghost.user.empty());
    CHECK(ghost.groups == std::vector<std::string>{"root"});
}

TEST_CASE("server: hello answers version, protocol 1 and the SO_PEERCRED role") {
    ServerFixture fx;
    Client c(fx.path);
    REQUIRE(c.connected());
    const json hello = c.request({{"id", "h"}, {"op", "hello"}, {"client", "test"}});
    CHECK(hello.at("id") == "h");
    CHECK(hello.at("ok") == true);
    CHECK(hello.at("result").at("protocol") == 1);
    CHECK(hello.at("result").at("version") == std::string(server::daemon_version()));
    CHECK(hello.at("result").at("role") == "admin");  // the test runs as root
    CHECK(hello.at("result").at("uid") == 0);
    // The handler sees the caller SO_PEERCRED reported.
    const json sent = c.request({{"id", 1}, {"op", "send"}, {"to", "+4917612345678"}, {"text", "Hi"}});
    CHECK(sent.at("result").at("message_id") == 42);
    const auto caller = fx.on_io([&] { return *fx.handler.last_caller; });
    CHECK(caller.uid == 0);
    CHECK(caller.pid == ::getpid());
    CHECK(caller.role == api::Role::admin);
    CHECK(caller.user == "root");
}

TEST_CASE("server: each error class is answered and the connection stays up") {
    ServerFixture fx([](server::ServerOptions& o) { o.max_line_bytes = 4096; });
    Client c(fx.path);
    REQUIRE(c.connected());
    const auto ask = [&](const std::string& line) {
        c.send(line + "\n");
        auto answer = c.reply();
        REQUIRE(answer.has_value());
        return *answer;
    };

    json e = error_of(ask("{\"id\":1,\"op\":\"hello\""));
    CHECK(e.at("code") == "bad_request");
    CHECK(e.at("message").get<std::string>().find("malformed JSON") != std::string::npos);

    e = error_of(ask("[1,2,3]"));
    CHECK(e.at("code") == "bad_request");

    e = error_of(ask(R"({"op":"hello"})"));
    CHECK(e.at("field") == "id");

    json r = ask(R"({"id":7,"op":"sned","to":"+4917612345678"})");
    CHECK(r.at("id") == 7);
    CHECK(error_of(r).at("code") == "unknown_op");
    CHECK(error_of(r).at("field") == "op");
    CHECK(error_of(r).at("message").get<std::string>().find("send") != std::string::npos);

    r = ask(R"({"id":8,"op":"send","to":"+4917612345678","text":"x","priority":"high"})");
    CHECK(error_of(r).at("code") == "bad_request");
    CHECK(error_of(r).at("field") == "priority");

    r = ask(R"({"id":9,"op":"send","text":"no recipient"})");
    CHECK(error_of(r).at("field") == "to");

    // A bad item of a batch is refused on its own; the request stands.
    r = ask(R"({"id":10,"op":"send_batch","messages":[{"to":"+4917612345678","text":"a"},{"text":"b"}]})");
    REQUIRE(r.at("ok") == true);
    CHECK(r.at("result").at("messages").at(0).at("message_id") == 100);
    CHECK(r.at("result").at("messages").at(1).at("error").at("field") == "messages[1].to");

    // Oversize: named limit, no id (it was never read), the rest of the line dropped.
    r = ask(R"({"id":11,"op":"send","to":"+4917612345678","text":")" + std::string(5000, 'a') +
            "\"}");
    CHECK(r.at("id").is_null());
    CHECK(error_of(r).at("code") == "bad_request");
    CHECK(error_of(r).at("message").get<std::string>().find("4096") != std::string::npos);

    // A handler that throws is `internal`; the daemon carries on.
    r = ask(R"({"id":12,"op":"send","to":"+4917612345678","text":"boom"})");
    CHECK(error_of(r).at("code") == "internal");

    // An error the handler answers keeps its field.
    r = ask(R"({"id":13,"op":"send","to":"+4915199999999","text":"hi"})");
    CHECK(error_of(r).at("code") == "opted_out");
    CHECK(error_of(r).at("field") == "to");

    // Same connection still serves; so does a new one.
    CHECK(ask(R"({"id":14,"op":"hello"})").at("ok") == true);
    Client other(fx.path);
    CHECK(other.request({{"id", 1}, {"op", "hello"}}).at("ok") == true);
    CHECK(fx.stats().connections == 2);
}

TEST_CASE("server: a request line with a NUL byte is refused whole and the connection stays up") {
    ServerFixture fx;
    Client c(fx.path);
    REQUIRE(c.connected());
    // The JSON parser stops at a NUL: the hello before it would run, the top-up after it go unseen.
    using namespace std::string_literals;
    c.send("{\"id\":1,\"op\":\"hello\"}\0{\"id\":2,\"op\":\"wallet.topup\",\"amount\":\"5\"}\n"s);
    auto r = c.reply();
    REQUIRE(r.has_value());
    CHECK(r->at("id").is_null());
    CHECK(error_of(*r).at("code") == "bad_request");
    const std::string message = error_of(*r).at("message");
    CHECK(message.find("NUL byte") != std::string::npos);
    CHECK(message.find("column 22") != std::string::npos);
    // Nothing else answers that line, and the connection goes on serving.
    c.send(R"({"id":3,"op":"message.get","message_id":1})" "\n");
    r = c.reply();
    REQUIRE(r.has_value());
    CHECK(r->at("id") == 3);
    CHECK(r->at("ok") == true);
    CHECK(fx.on_io([&] { return fx.handler.seen.size(); }) == 1u);
}

TEST_CASE("server: pipelined requests with ids of every JSON type all come back") {
    ServerFixture fx;
    Client c(fx.path);
    REQUIRE(c.connected());
    const std::vector<json> kinds = {json(0),       json(-17),         json(3.25),
                                     json("abc"),   json("äöü ✓ \"q\""), json(true),
                                     json(false),   json::object({{"a", json::array({1, "x"})}}),
                                     json::array({1, 2, json::object()}), json(std::int64_t{1} << 53)};
    std::vector<json> ids;
    std::string burst;
    for (int i = 0; i < 400; ++i) {
        json id = kinds[static_cast<std::size_t>(i) % kinds.size()];
        if (id.is_number_integer()) id = id.get<std::int64_t>() + i * 1000;
        if (id.is_string()) id = id.get<std::string>() + std::to_string(i);
        if (id.is_object()) id["n"] = i;
        if (id.is_array()) id.push_back(i);
        if (id.is_boolean() || id.is_number_float()) id = json::array({id, i});
        ids.push_back(id);
        const char* op = i % 3 == 0 ? "hello" : (i % 3 == 1 ? "send" : "modem.list");
        json req = {{"id", id}, {"op", op}};
        if (i % 3 == 1) req.update({{"to", "+4917612345678"}, {"text", "pipelined " + std::to_string(i)}});
        burst += req.dump() + "\n";
    }
    c.send(burst);
    std::vector<json> got;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto r = c.reply();
        REQUIRE(r.has_value());
        CHECK(r->at("ok") == true);
        got.push_back(r->at("id"));
    }
    // Every id exactly once, whatever order async ops finished in.
    std::multiset<std::string> want, have;
    for (const json& id : ids) want.insert(id.dump());
    for (const json& id : got) have.insert(id.dump());
    CHECK(want == have);
    CHECK(fx.stats().handler_calls == 266);  // hello answered by the server itself
}

TEST_CASE("server: a slow request is overtaken by later ones on the same connection") {
    ServerFixture fx;
    Client c(fx.path);
    REQUIRE(c.connected());
    c.send(R"({"id":"slow","op":"message.get","message_id":1000})" "\n"
           R"({"id":"fast","op":"message.get","message_id":5})" "\n"
           R"({"id":"hello","op":"hello"})" "\n");
    std::set<std::string> first;
    for (int i = 0; i < 2; ++i) {
        auto r = c.reply();
        REQUIRE(r.has_value());
        first.insert(r->at("id").get<std::string>());
    }
    CHECK(first == std::set<std::string>{"fast", "hello"});
    CHECK_FALSE(c.line(200ms).has_value());  // the slow one waits for its gate
    // Another connection is not held up either.
    Client other(fx.path);
    CHECK(other.request({{"id", 1}, {"op", "message.get"}, {"message_id", 6}}).at("ok") == true);
    fx.on_io([&] {
        fx.handler.release(1000);
        return 0;
    });
    auto slow = c.reply();
    REQUIRE(slow.has_value());
    CHECK(slow->at("id") == "slow");
    CHECK(slow->at("result").at("message_id") == 1000);
}

TEST_CASE("server: SO_PEERCRED roles — a member is refused manager ops, a caller without a role only gets forbidden") {
    const passwd nb = nobody();
    SECTION("member by user name") {
        ServerFixture fx([](server::ServerOptions& o) {
            o.socket.mode = 0666;
            o.roles.member.users = {"nobody"};
        });
        REQUIRE(::chmod(fx.dir.c_str(), 0755) == 0);
        const auto replies = exchange_as(nb.pw_uid, nb.pw_gid, fx.path,
                                         {R"({"id":1,"op":"hello"})", R"({"id":2,"op":"optout.list"})",
                                          R"({"id":3,"op":"message.list","limit":1})"});
        REQUIRE(replies.size() == 3);
        CHECK(json::parse(replies[0]).at("result").at("role") == "member");
        CHECK(json::parse(replies[0]).at("result").at("user") == "nobody");
        const json refused = json::parse(replies[1]);
        CHECK(refused.at("id") == 2);
        CHECK(error_of(refused).at("code") == "forbidden");
        CHECK(error_of(refused).at("message").get<std::string>().find("manager") != std::string::npos);
        CHECK(json::parse(replies[2]).at("ok") == true);
    }
    SECTION("no role") {
        ServerFixture fx([](server::ServerOptions& o) { o.socket.mode = 0666; });
        REQUIRE(::chmod(fx.dir.c_str(), 0755) == 0);
        const auto replies = exchange_as(nb.pw_uid, nb.pw_gid, fx.path,
                                         {R"({"id":1,"op":"hello"})", R"({"id":"x","op":"nosuchop"})",
                                          "not json at all", R"({"id":4,"op":"send"})"});
        REQUIRE(replies.size() == 4);
        const std::vector<json> ids = {1, "x", nullptr, 4};
        for (std::size_t i = 0; i < replies.size(); ++i) {
            const json r = json::parse(replies[i]);
            CHECK(r.at("id") == ids[i]);
            CHECK(error_of(r).at("code") == "forbidden");
            CHECK(error_of(r).at("message").get<std::string>().find("no role") != std::string::npos);
        }
        CHECK(fx.on_io([&] { return fx.handler.seen.size(); }) == 0u);
    }
}

TEST_CASE("server: reloaded roles apply to open connections and to new ones") {
    const passwd nb = nobody();
    ServerFixture fx([](server::ServerOptions& o) {
        o.socket.mode = 0666;
        o.roles.manager.users = {"nobody"};
    });
    REQUIRE(::chmod(fx.dir.c_str(), 0755) == 0);
    const auto role_of = [](const std::string& reply) {
        const json r = json::parse(reply);
        return r.at("ok") == true ? r.at("result").at("role").get<std::string>()
                                  : r.at("error").at("code").get<std::string>();
    };
    const std::string hello = R"({"id":1,"op":"hello"})";
    ForkedClient open(nb.pw_uid, nb.pw_gid, fx.path);
    REQUIRE(role_of(open.request(hello)) == "manager");

    // Demoted: the open connection and a new one are members now.
    server::ServerOptions demoted = fx.options;
    demoted.roles.manager.users.clear();
    demoted.roles.member.users = {"nobody"};
    fx.on_io([&] { fx.srv->reconfigure(demoted); });
    CHECK(role_of(open.request(hello)) == "member");
    CHECK(error_of(json::parse(open.request(R"({"id":2,"op":"optout.list"})"))).at("code") ==
          "forbidden");
    CHECK(role_of(exchange_as(nb.pw_uid, nb.pw_gid, fx.path, {hello})[0]) == "member");

    // Removed: every request is forbidden, on the open connection too.
    server::ServerOptions removed = fx.options;
    removed.roles = {};
    fx.on_io([&] { fx.srv->reconfigure(removed); });
    CHECK(role_of(open.request(hello)) == "forbidden");
    CHECK(role_of(open.request(R"({"id":3,"op":"message.list"})")) == "forbidden");
    CHECK(role_of(exchange_as(nb.pw_uid, nb.pw_gid, fx.path, {hello})[0]) == "forbidden");
    CHECK(open.finish() == 0);
}

TEST_CASE("server: over the connection limit a client gets one overloaded line and is closed") {
    ServerFixture fx([](server::ServerOptions& o) { o.max_connections = 2; });
    auto a = std::make_unique<Client>(fx.path);
    Client b(fx.path);
    CHECK(a->request({{"id", 1}, {"op", "hello"}}).at("ok") == true);
    CHECK(b.request({{"id", 1}, {"op", "hello"}}).at("ok") == true);

    Client third(fx.path);
    REQUIRE(third.connected());
    third.send(R"({"id":1,"op":"hello"})" "\n");
    auto refused = third.reply();
    REQUIRE(refused.has_value());
    CHECK(refused->at("id").is_null());
    CHECK(error_of(*refused).at("code") == "overloaded");
    CHECK(error_of(*refused).at("message").get<std::string>().find("2 connections") != std::string::npos);
    CHECK(third.closed());
    CHECK(fx.stats().refused_overloaded == 1);

    a.reset();  // a slot frees up
    REQUIRE(fx.wait_stats([](const server::ServerStats& s) { return s.connections == 1; }));
    Client fourth(fx.path);
    CHECK(fourth.request({{"id", 1}, {"op", "hello"}}).at("ok") == true);
}

TEST_CASE("server: connections without a role give their place to one with a role") {
    // A socket everyone may open: users the config does not name fill the
    // connection limit, and an admin still gets in; the oldest of them goes.
    const passwd nb = nobody();
    ServerFixture fx([](server::ServerOptions& o) {
        o.socket.mode = 0666;
        o.max_connections = 2;
    });
    REQUIRE(::chmod(fx.dir.c_str(), 0755) == 0);
    // Each answered before the next connects: the children connect in any order.
    ForkedClient oldest(nb.pw_uid, nb.pw_gid, fx.path);
    CHECK(error_of(json::parse(oldest.request(R"({"id":1,"op":"hello"})"))).at("code") == "forbidden");
    ForkedClient newer(nb.pw_uid, nb.pw_gid, fx.path);
    CHECK(error_of(json::parse(newer.request(R"({"id":1,"op":"hello"})"))).at("code") == "forbidden");

    Client admin(fx.path);
    CHECK(admin.request({{"id", 1}, {"op", "hello"}}).at("result").at("role") == "admin");
    CHECK(oldest.request(R"({"id":2,"op":"hello"})").empty());  // closed
    CHECK(oldest.finish() == 12);
    CHECK(error_of(json::parse(newer.request(R"({"id":2,"op":"hello"})"))).at("code") == "forbidden");
    CHECK(fx.stats().refused_overloaded == 0);
    // Without a role, a newcomer to a full daemon is refused as before.
    REQUIRE(fx.wait_stats([](const server::ServerStats& s) { return s.connections == 2; }));
    ForkedClient refused(nb.pw_uid, nb.pw_gid, fx.path);
    CHECK(error_of(json::parse(refused.request(R"({"id":1,"op":"hello"})"))).at("code") ==
          "overloaded");
    CHECK(fx.stats().refused_overloaded == 1);
    CHECK(admin.request({{"id", 2}, {"op", "hello"}}).at("ok") == true);
}

TEST_CASE("server: a client that never reads is paused, bounded, and stalls nobody") {
    constexpr std::size_t high_water = 64 * 1024;
    constexpr std::size_t in_flight = 16;
    ServerFixture fx([&](server::ServerOptions& o) {
        o.output_high_water = high_water;
        o.max_in_flight = in_flight;
    });
    Client hog(fx.path);
    REQUIRE(hog.connected());
    // 2000 requests for ~10 KiB replies each: ~20 MiB if the daemon buffered them.
    std::string burst;
    constexpr int requests = 2000;
    for (int i = 0; i < requests; ++i)
        burst += json({{"id", i}, {"op", "message.list"}, {"limit", 12}}).dump() + "\n";
    std::thread writer([&] { hog.send(burst); });  // blocks once the daemon stops reading

    REQUIRE(fx.wait_stats([](const server::ServerStats& s) { return s.read_pauses >= 1; }));
    // Others are served while the hog is paused.
    Client other(fx.path);
    for (int i = 0; i < 20; ++i)
        CHECK(other.request({{"id", i}, {"op", "message.get"}, {"message_id", 3}}).at("ok") == true);
    const std::size_t reply_size = 12 * 1024;
    CHECK(fx.stats().max_unsent_bytes <= high_water + in_flight * reply_size);

    // When the hog reads, it gets everything, in full.
    std::set<int> ids;
    for (int i = 0; i < requests; ++i) {
        auto r = hog.reply(10s);
        REQUIRE(r.has_value());
        REQUIRE(r->at("result").at("messages").size() == 12);
        ids.insert(r->at("id").get<int>());
    }
    writer.join();
    CHECK(ids.size() == static_cast<std::size_t>(requests));
    CHECK(fx.stats().max_unsent_bytes <= high_water + in_flight * reply_size);
}

TEST_CASE("server: subscriptions filter events, subscribe answers the list") {
    ServerFixture fx;
    Client c(fx.path);
    const json sub = c.request({{"id", "s"}, {"op", "subscribe"}, {"events", {"message.sent", "modem.down"}}});
    CHECK(sub.at("result").at("events") == json({"message.sent", "modem.down"}));
    const json bad = c.request({{"id", "t"}, {"op", "subscribe"}, {"events", {"message.teleported"}}});
    CHECK(error_of(bad).at("code") == "bad_request");
    CHECK(error_of(bad).at("field").get<std::string>().rfind("events", 0) == 0);

    fx.publish(api::EventName::message_queued, {{"message_id", 1}});
    fx.publish(api::EventName::message_sent, {{"message_id", 1}, {"modem", "office-1"}});
    auto ev = c.reply();
    REQUIRE(ev.has_value());
    CHECK(ev->at("event") == "message.sent");
    CHECK(ev->at("modem") == "office-1");
    CHECK_FALSE(c.line(100ms).has_value());
}

TEST_CASE("server: events reach only the roles that may call the op that shows their data") {
    const passwd nb = nobody();
    ServerFixture fx([](server::ServerOptions& o) {
        o.socket.mode = 0666;
        o.roles.member.users = {"nobody"};
    });
    REQUIRE(::chmod(fx.dir.c_str(), 0755) == 0);
    ForkedClient member(nb.pw_uid, nb.pw_gid, fx.path);
    Client admin(fx.path);  // the test runs as root

    // optout.list needs a manager: so do its events (numbers and notes).
    const json refused = json::parse(member.request(
        R"({"id":1,"op":"subscribe","events":["message.sent","optout.added"]})"));
    CHECK(error_of(refused).at("code") == "forbidden");
    CHECK(error_of(refused).at("field") == "events[1]");
    CHECK(error_of(refused).at("message") ==
          "events[1]: optout.added needs the manager role (as optout.list does); the caller is member");
    CHECK(fx.subscribers() == 0);  // refused whole: not even message.sent
    // modem.list is an admin's (IMEI, IMSI, ICCID): so are the modems' events.
    const json modems = json::parse(member.request(
        R"({"id":2,"op":"subscribe","events":["message.sent","modem.up"]})"));
    CHECK(error_of(modems).at("field") == "events[1]");
    const json accepted = json::parse(member.request(
        R"({"id":3,"op":"subscribe","events":["message.sent","inbound.received"]})"));
    CHECK(accepted.at("ok") == true);
    CHECK(admin.request({{"id", 1}, {"op", "subscribe"}, {"events", {"optout.removed", "message.sent"}}})
              .at("ok") == true);

    fx.publish(api::EventName::optout_removed, {{"number", "+4917612348888"}});
    fx.publish(api::EventName::message_sent, {{"message_id", 5}});
    CHECK(json::parse(member.next_line()).at("event") == "message.sent");
    for (const char* event : {"optout.removed", "message.sent"}) {
        const auto line = admin.reply();
        REQUIRE(line.has_value());
        CHECK(line->at("event") == event);
    }
    CHECK(member.finish() == 0);
}

TEST_CASE("server: a reload that lowers a subscriber's role narrows its subscription") {
    const passwd nb = nobody();
    ServerFixture fx([](server::ServerOptions& o) {
        o.socket.mode = 0666;
        o.roles.manager.users = {"nobody"};
    });
    REQUIRE(::chmod(fx.dir.c_str(), 0755) == 0);
    ForkedClient open(nb.pw_uid, nb.pw_gid, fx.path);
    REQUIRE(json::parse(open.request(R"({"id":1,"op":"subscribe","events":["optout.added","message.failed"]})"))
                .at("ok") == true);
    fx.publish(api::EventName::optout_added, {{"number", "+4917612348888"}});
    CHECK(json::parse(open.next_line()).at("event") == "optout.added");

    server::ServerOptions demoted = fx.options;
    demoted.roles.manager.users.clear();
    demoted.roles.member.users = {"nobody"};
    fx.on_io([&] { fx.srv->reconfigure(demoted); });
    fx.publish(api::EventName::optout_added, {{"number", "+4917612349999"}});
    fx.publish(api::EventName::message_failed, {{"message_id", 9}});
    CHECK(json::parse(open.next_line()).at("event") == "message.failed");

    // No role at all: the subscription ends.
    server::ServerOptions removed = fx.options;
    removed.roles = {};
    fx.on_io([&] { fx.srv->reconfigure(removed); });
    CHECK(fx.subscribers() == 0);
    CHECK(open.finish() == 0);
}

TEST_CASE("server: a slow subscriber is dropped with a last event, a fast one keeps receiving") {
    ServerFixture fx([](server::ServerOptions& o) {
        o.event_backlog_limit = 16 * 1024;
        o.linger = 30s;  // the slow reader reads only after the fast part is checked
    });
    Client slow(fx.path);
    Client fast(fx.path);
    CHECK(slow.request({{"id", 1}, {"op", "subscribe"}, {"events", {"message.delivered"}}}).at("ok") == true);
    CHECK(fast.request({{"id", 1}, {"op", "subscribe"}, {"events", {"message.delivered"}}}).at("ok") == true);

    std::atomic<int> fast_count{0};
    std::atomic<bool> fast_failed{false};
    std::atomic<bool> done{false};
    std::thread reader([&] {
        while (!done) {
            auto line = fast.line(200ms);
            if (!line) continue;
            if (json::parse(*line).at("event") != "message.delivered") fast_failed = true;
            ++fast_count;
        }
    });
    const std::string padding(200, 'p');
    int published = 0;
    // Publish in rounds until the slow reader's backlog trips the bound; the
    // fast reader must have everything of each round before the next.
    for (int round = 0; round < 200 && fx.stats().subscribers_dropped == 0; ++round) {
        for (int i = 0; i < 100; ++i, ++published)
            fx.publish(api::EventName::message_delivered, {{"message_id", published}, {"pad", padding}});
        const int want = published;
        REQUIRE(wait_for([&] { return fast_count.load() == want; }, 5s));
    }
    CHECK(fx.stats().subscribers_dropped == 1);
    for (int i = 0; i < 100; ++i, ++published)
        fx.publish(api::EventName::message_delivered, {{"message_id", published}, {"pad", padding}});
    const int want = published;
    CHECK(wait_for([&] { return fast_count.load() == want; }, 5s));
    done = true;
    reader.join();
    CHECK_FALSE(fast_failed);
    CHECK(fx.subscribers() == 1);

    // The slow one: events in order, then the last line saying why, then EOF.
    json last;
    int previous = -1;
    for (;;) {
        auto line = slow.line(5s);
        REQUIRE(line.has_value());
        last = json::parse(*line);
        if (last.at("event") != "message.delivered") break;
        CHECK(last.at("message_id").get<int>() == previous + 1);
        previous = last.at("message_id").get<int>();
    }
    CHECK(last.at("event") == "subscription.dropped");
    CHECK(last.at("reason") == "slow reader");
    CHECK(last.at("limit_bytes") == 16 * 1024);
    CHECK(previous >= 0);
    CHECK(previous + 1 + last.at("missed_events").get<int>() <= want);
    CHECK(slow.closed());
}

TEST_CASE("server: graceful stop finishes in-flight requests, then closes") {
    ServerFixture fx;
    Client c(fx.path);
    c.send(R"({"id":"pending","op":"message.get","message_id":1001})" "\n");
    REQUIRE(wait_for([&] { return fx.on_io([&] { return fx.handler.seen.size(); }) == 1; }, 5s));
    fx.stop();
    // No longer accepting, the socket file is gone…
    REQUIRE(wait_for([&] { return ::access(fx.path.c_str(), F_OK) != 0; }, 5s));
    CHECK_FALSE(Client(fx.path).connected());
    // …but the request in flight is answered before the connection closes.
    CHECK_FALSE(fx.stopped());
    fx.on_io([&] {
        fx.handler.release(1001);
        return 0;
    });
    auto r = c.reply();
    REQUIRE(r.has_value());
    CHECK(r->at("id") == "pending");
    CHECK(r->at("ok") == true);
    CHECK(c.closed());
    CHECK(wait_for([&] { return fx.stopped(); }, 5s));
}

TEST_CASE("server: socket file — mode and group applied, live daemon refused, stale file replaced") {
    const group* gr = ::getgrgid(1);
    REQUIRE(gr != nullptr);
    const std::string group_name = gr->gr_name;
    ServerFixture fx([&](server::ServerOptions& o) {
        o.socket.mode = 0640;
        o.socket.group = group_name;
    });
    struct stat st {};
    REQUIRE(::stat(fx.path.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 07777) == 0640);
    CHECK(st.st_gid == 1);

    server::ServerOptions second;
    second.socket.path = fx.path;
    server::asio::io_context io;
    TestHandler handler(io);
    server::Server rival(io, second, handler);
    REQUIRE_THROWS_WITH(rival.start(), Catch::Contains("another daemon is listening"));
    // The refused rival leaves the running daemon's socket alone.
    Client c(fx.path);
    CHECK(c.request({{"id", 1}, {"op", "hello"}}).at("ok") == true);

    const std::string dir = temp_dir();
    const std::string stale = dir + "/stale.sock";
    {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, stale.c_str(), sizeof(addr.sun_path) - 1);
        REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0);
        ::close(fd);  // left behind, as after a crash
    }
    {
        server::ServerOptions o;
        o.socket.path = stale;
        server::Server revived(io, o, handler);
        CHECK_NOTHROW(revived.start());
        Client probe(stale);
        CHECK(probe.connected());
    }
    CHECK(::access(stale.c_str(), F_OK) != 0);  // removed by the server that made it

    const std::string regular = dir + "/not-a-socket";
    ::close(::open(regular.c_str(), O_CREAT | O_WRONLY, 0600));
    server::ServerOptions o;
    o.socket.path = regular;
    server::Server refused(io, o, handler);
    REQUIRE_THROWS_WITH(refused.start(), Catch::Contains("not a socket"));
    CHECK(::access(regular.c_str(), F_OK) == 0);
    ::unlink(regular.c_str());
    ::rmdir(dir.c_str());
}
