// Crash safety (issue 4): smsgwd is killed with SIGKILL at random moments while
// a client submits and a simulated modem sends; after each kill it is started
// again and the client resubmits what was not acknowledged, with the same
// idempotency keys. At the end the simulator's record of what the network got
// is compared with the database:
//   - every acknowledged message exists (nothing accepted is lost);
//   - no text reached the network twice (no silent duplicate);
//   - a message sent or delivered reached the network exactly once per part;
//   - an uncertain part reached it at most once, and was not re-sent;
//   - nothing is left queued or sending once the daemon has drained.
// And a part claimed but still waiting for its turn on the modem when the
// daemon dies is sent after the restart, not left uncertain.
#include <signal.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "tests/integration/daemon_harness.hpp"

namespace smsgw::test {

TEST_CASE("SIGKILL at random moments loses nothing accepted and sends nothing twice") {
    SimProcess sim({"--cmgs-latency-ms", "15"});
    TempDir dir;
    const std::string config = daemon_config(dir.path(), {{"office-1", &sim, ""}},
                                             "limits: { submit_rate_per_minute: 1000000 }\n");
    std::mt19937 rng(Catch::rngSeed() != 0 ? Catch::rngSeed() : 20261123u);
    std::uniform_int_distribution<int> kill_after_ms(150, 900);

    std::map<std::string, std::int64_t> acknowledged;  // idempotency key → message id
    std::set<std::string> submitted;                    // every key ever tried
    int next_key = 0;
    const int rounds = 6;
    const int max_new_per_round = 400;

    DaemonProcess d(dir.path(), config);
    for (int round = 0; round < rounds; ++round) {
        if (round > 0) d.start();
        // The client: keys never acknowledged are tried again first, then new ones.
        std::vector<std::string> todo;
        for (const auto& key : submitted)
            if (!acknowledged.count(key)) todo.push_back(key);
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(kill_after_ms(rng));
        std::size_t i = 0;
        int fresh = 0;
        Client client(d.socket_path());
        while (std::chrono::steady_clock::now() < deadline && client.connected()) {
            std::string key;
            if (i < todo.size()) {
                key = todo[i++];
            } else {
                // Bounded: on a quick machine the rounds would queue more
                // than the modem's 100 parts/s can send in the test's time.
                if (++fresh > max_new_per_round) break;
                key = "k" + std::to_string(next_key++);
                submitted.insert(key);
            }
            // Every third message is two parts long, so crashes also land between parts.
            std::string text = "crash test message " + key;
            // (the key at both ends keeps every part's text unique).
            if (std::stoi(key.substr(1)) % 3 == 0) text += " " + std::string(160, '=') + " " + key;
            client.send(json({{"id", key},
                              {"op", "send"},
                              {"to", "+4915123456789"},
                              {"text", text},
                              {"idempotency_key", key}})
                            .dump() +
                        "\n");
            auto reply = client.reply(2s);
            if (!reply) break;  // the daemon is gone mid-request
            if ((*reply)["ok"] == true) acknowledged[key] = (*reply)["result"]["message_id"];
        }
        // Kill while the modem is busy sending what was queued.
        std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(rng) / 3));
        d.signal(SIGKILL);
        REQUIRE(d.wait_exit(10s).has_value());
    }

    // Last run: let the queue drain completely.
    d.start();
    REQUIRE(d.wait_modems_ready(1));
    // However many messages the rounds queued (it depends on the machine's
    // speed), the queue must keep moving: the wait ends when it is empty, or
    // fails when the modem has sent nothing for 30 s while work is left.
    json unfinished;
    std::size_t sent_before = 0;
    auto last_progress = std::chrono::steady_clock::now();
    for (;;) {
        auto q = d.request_ok({{"id", "q"}, {"op", "message.list"}, {"state", "queued"}, {"limit", 1}});
        auto s = d.request_ok({{"id", "s"}, {"op", "message.list"}, {"state", "sending"}, {"limit", 1}});
        unfinished = json::array();
        for (const auto* list : {&q, &s})
            for (const auto& m : (*list)["messages"])
                unfinished.push_back(d.request_ok(
                    {{"id", "g"}, {"op", "message.get"}, {"message_id", m["message_id"]}}));
        if (unfinished.empty()) break;
        std::ifstream sent_log(sim.sent_log());
        const auto sent = static_cast<std::size_t>(
            std::count(std::istreambuf_iterator<char>(sent_log), {}, '\n'));
        const auto now = std::chrono::steady_clock::now();
        if (sent != sent_before) {
            sent_before = sent;
            last_progress = now;
        } else if (now - last_progress > 30s) {
            break;
        }
        std::this_thread::sleep_for(200ms);
    }
    INFO("unfinished: " << unfinished.dump(1));
    INFO("modems: " << d.request_ok({{"id", "m"}, {"op", "modem.list"}}).dump());
    REQUIRE(unfinished.empty());

    // What the network got: count per text.
    std::map<std::string, int> network;
    std::ifstream log(sim.sent_log());
    for (std::string line; std::getline(log, line);) {
        const json part = json::parse(line);
        ++network[part.value("text", "")];
    }
    int duplicates = 0;
    for (const auto& [text, count] : network)
        if (count > 1) ++duplicates;

    int lost = 0, sent = 0, uncertain = 0, other = 0;
    for (const auto& [key, id] : acknowledged) {
        auto r = d.request({{"id", key}, {"op", "message.get"}, {"message_id", id}});
        if (r["ok"] != true) {
            ++lost;
            continue;
        }
        const std::string state = r["result"]["state"];
        if (state == "sent" || state == "delivered") {
            ++sent;
        } else if (state == "uncertain") {
            ++uncertain;
        } else {
            ++other;
            UNSCOPED_INFO("message " << id << " ended " << state);
        }
    }
    INFO("acknowledged " << acknowledged.size() << ", sent " << sent << ", uncertain " << uncertain
                         << ", other " << other << ", texts on the network " << network.size());
    std::printf("crash test: %d kills, %zu acknowledged, %d sent or delivered, %d uncertain, "
                "%d lost, %d texts twice on the network\n",
                rounds, acknowledged.size(), sent, uncertain, lost, duplicates);
    CHECK(acknowledged.size() > 20);
    CHECK(lost == 0);
    CHECK(duplicates == 0);
    CHECK(other == 0);
    // Single-part messages: the network got each sent one exactly once.
    for (const auto& [key, id] : acknowledged) {
        if (std::stoi(key.substr(1)) % 3 == 0) continue;
        auto r = d.request_ok({{"id", key}, {"op", "message.get"}, {"message_id", id}});
        const std::string text = "crash test message " + key;
        const int times = network.count(text) ? network[text] : 0;
        if (r["state"] == "sent" || r["state"] == "delivered") {
            CHECK(times == 1);
        } else if (r["state"] == "uncertain") {
            CHECK(times <= 1);
        }
    }
    d.signal(SIGTERM);
    CHECK(d.wait_exit(30s) == 0);
}

namespace {

bool transcript_has(const SimProcess& sim, std::size_t from, const std::string& command) {
    return sim.stderr_text().find("modemsim: < " + command, from) != std::string::npos;
}

}  // namespace

TEST_CASE("SIGKILL while a claimed part waits behind an inbound read: sent after the restart") {
    // A message is read before a part goes out (a STOP must not wait for
    // sends), so a part the daemon has claimed — `sending` in the database —
    // may still wait for its AT+CMGS. Killed then, it was never on the
    // network: after the restart it is sent, not left uncertain for a person.
    SimProcess sim;
    TempDir dir;
    DaemonProcess d(dir.path(), daemon_config(dir.path(), {{"office-1", &sim, ""}}));
    REQUIRE(d.wait_modems_ready(1));
    // The modem now takes 3 s to answer each command: the read of the message
    // below holds the line while the part is claimed.
    sim.control({{"op", "set"}, {"answer_latency_ms", 3000}});
    const std::size_t from = sim.stderr_text().size();
    sim.control({{"op", "inject_sms"}, {"from", "+4917612345678"}, {"text", "Thanks!"}});
    REQUIRE(wait_for([&] { return transcript_has(sim, from, "AT+CMGR"); }, 10s));
    const auto id = d.request_ok({{"id", 1},
                                  {"op", "send"},
                                  {"to", "+4915123456789"},
                                  {"text", "Your table is ready"}})["message_id"]
                        .get<std::int64_t>();
    REQUIRE(d.wait_message_state(id, "sending", 2s));
    REQUIRE_FALSE(transcript_has(sim, from, "AT+CMGS"));
    d.signal(SIGKILL);
    REQUIRE(d.wait_exit(10s).has_value());
    sim.control({{"op", "set"}, {"answer_latency_ms", 0}});

    d.start();
    REQUIRE(d.wait_modems_ready(1, 30s));
    REQUIRE(d.wait_message_state(id, "sent", 20s));
    std::ifstream log(sim.sent_log());
    int times = 0;
    for (std::string line; std::getline(log, line);)
        times += json::parse(line).value("text", "") == "Your table is ready";
    CHECK(times == 1);
    // Its history says why it went back to the queue.
    const auto got = d.request_ok({{"id", 2}, {"op", "message.get"}, {"message_id", id}});
    CHECK_THAT(got.dump(), Catch::Contains("not yet written to it when smsgwd stopped"));
    d.signal(SIGTERM);
    CHECK(d.wait_exit(30s) == 0);
}

}  // namespace smsgw::test
