// store_bench: how fast smsgw_store accepts and hands out messages on a real
// file. Prints inserts/s for one message per transaction against group-commit
// batches, claim throughput, and the median latency of a single-message insert
// as the messages table grows to --rows (a `send` must not slow down as the
// queue grows). Run by hand; results go to README.md. Never asserts on time.
//   store_bench [--dir DIR] [--rows N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon/store/sqlite.hpp"
#include "daemon/store/store.hpp"

using namespace smsgw::store;
using Clock = std::chrono::steady_clock;

namespace {

Time now() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
}

// A realistic single-part message: an E.164 recipient, a 160-character GSM-7
// text, its 153-octet TPDU as hex, and an idempotency key (the unique index).
NewMessage sample(std::int64_t n) {
    NewMessage m;
    m.recipient = "+4917" + std::to_string(10'000'000 + n % 90'000'000);
    m.text = std::string(160, 'x');
    m.idempotency_key = "bench-" + std::to_string(n);
    m.priority = static_cast<int>(n % 10);
    m.parts.push_back({std::string(2 + 2 * 153, 'A'), 153, std::nullopt});
    return m;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Counter {
    std::int64_t next = 0;
    std::vector<NewMessage> batch(std::size_t n) {
        std::vector<NewMessage> out;
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) out.push_back(sample(next++));
        return out;
    }
};

double insert_rate(Store& store, Counter& counter, std::size_t batch_size, std::size_t total) {
    std::vector<std::vector<NewMessage>> batches;
    for (std::size_t done = 0; done < total; done += batch_size)
        batches.push_back(counter.batch(batch_size));
    auto start = Clock::now();
    for (auto& b : batches) store.insert_messages(b, now());
    return static_cast<double>(batches.size() * batch_size) / seconds_since(start);
}

void set_sync(Store& store, const char* mode) {
    store.database().exec(std::string("PRAGMA synchronous = ") + mode);
}

// Median and 99th percentile of n single-message transactions, in µs.
std::pair<double, double> single_insert_latency(Store& store, Counter& counter, int n) {
    std::vector<double> us;
    us.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        NewMessage m = sample(counter.next++);
        auto start = Clock::now();
        store.insert_messages({&m, 1}, now());
        us.push_back(seconds_since(start) * 1e6);
    }
    std::sort(us.begin(), us.end());
    return {us[us.size() / 2], us[us.size() * 99 / 100]};
}

}  // namespace

int main(int argc, char** argv) {
    std::filesystem::path dir = std::filesystem::temp_directory_path();
    std::int64_t rows = 1'000'000;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string arg = argv[i];
        if (arg == "--dir")
            dir = argv[i + 1];
        else if (arg == "--rows")
            rows = std::atoll(argv[i + 1]);
        else {
            std::fprintf(stderr, "usage: store_bench [--dir DIR] [--rows N]\n");
            return 2;
        }
    }
    auto fresh = [&](const char* name) {
        const auto path = (dir / name).string();
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
        return path;
    };
    const auto path = fresh("store_bench.db");
    Store store(path);
    Counter counter;

    std::printf("smsgw_store benchmark on %s (SQLite WAL)\n\n", path.c_str());
    std::printf("## Inserts (one message, one part each)\n\n");
    std::printf("| transaction | synchronous | messages/s |\n|---|---|---:|\n");
    for (const char* mode : {"FULL", "NORMAL"}) {
        set_sync(store, mode);
        std::printf("| 1 message | %s | %.0f |\n", mode, insert_rate(store, counter, 1, 2000));
        for (std::size_t b : {16u, 256u, 4096u})
            std::printf("| batch of %zu | %s | %.0f |\n", b, mode,
                        insert_rate(store, counter, b, b * std::max<std::size_t>(4, 16384 / b)));
    }
    set_sync(store, "FULL");

    std::printf(
        "\n## Claims (claim_next_parts + mark_sent per part, synchronous FULL, %lld queued)\n\n",
        static_cast<long long>(store.queue_length()));
    std::printf("| parts per claim | parts/s |\n|---|---:|\n");
    for (int limit : {1, 16}) {
        std::int64_t claimed = 0;
        auto start = Clock::now();
        while (seconds_since(start) < 3.0) {
            auto parts = store.claim_next_parts("bench", now(), limit);
            for (const Part& p : parts) store.mark_sent(p.id, static_cast<int>(p.id & 0xFF), now());
            claimed += static_cast<std::int64_t>(parts.size());
        }
        std::printf("| %d | %.0f |\n", limit, static_cast<double>(claimed) / seconds_since(start));
    }

    // What the dispatcher's writer does for a modem quicker than its commits
    // (GroupCommit puts a claim of many parts and the results of the parts
    // sent meanwhile into one transaction): its SQLite time per part, which
    // bounds how fast one such modem can send.
    std::printf("\n## The dispatcher's writer per part (claims of 256, half of their results "
                "one by one and half together, one transaction each, medians of 9 rounds, µs)\n\n");
    std::printf(
        "| claim | results one by one (mark_sent) | results together (mark_sent_many, as the "
        "dispatcher) | commit |\n|---:|---:|---:|---:|\n");
    {
        std::vector<double> claim_us, one_by_one_us, together_us, commit_us;
        for (int round = 0; round < 9; ++round) {
            Store::Batch batch(store);
            auto t0 = Clock::now();
            const auto parts = store.claim_next_parts("bench", now(), 256, {}, {},
                                                      Store::Written::with_claim);
            const std::size_t half = parts.size() / 2;
            auto t1 = Clock::now();
            for (std::size_t i = 0; i < half; ++i)
                store.mark_sent(parts[i].id, static_cast<int>(parts[i].id & 0xFF), now());
            auto t2 = Clock::now();
            std::vector<Store::SentPart> rest;
            for (std::size_t i = half; i < parts.size(); ++i)
                rest.push_back({parts[i].id, static_cast<int>(parts[i].id & 0xFF)});
            store.mark_sent_many(rest, now());
            auto t3 = Clock::now();
            batch.commit();
            auto t4 = Clock::now();
            const auto us = [](auto a, auto b, std::size_t count) {
                return std::chrono::duration<double, std::micro>(b - a).count() /
                       static_cast<double>(std::max<std::size_t>(count, 1));
            };
            claim_us.push_back(us(t0, t1, parts.size()));
            one_by_one_us.push_back(us(t1, t2, half));
            together_us.push_back(us(t2, t3, rest.size()));
            commit_us.push_back(us(t3, t4, parts.size()));
        }
        const auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v[v.size() / 2];
        };
        std::printf("| %.1f | %.1f | %.1f | %.1f |\n", median(claim_us), median(one_by_one_us),
                    median(together_us), median(commit_us));
    }

    // A fresh file, so the first row of the table starts near empty.
    Store growing(fresh("store_bench_growth.db"));
    Counter grown;
    std::printf("\n## Single-message insert latency as the table grows (µs)\n\n");
    std::printf(
        "| messages in table | median FULL | p99 FULL | median NORMAL | p99 NORMAL "
        "|\n|---:|---:|---:|---:|---:|\n");
    std::vector<std::int64_t> checkpoints = {1'000,   10'000,  100'000,  250'000,
                                             500'000, 750'000, 1'000'000};
    checkpoints.erase(
        std::remove_if(checkpoints.begin(), checkpoints.end(), [&](auto c) { return c > rows; }),
        checkpoints.end());
    if (checkpoints.empty() || checkpoints.back() != rows) checkpoints.push_back(rows);
    for (std::int64_t target : checkpoints) {
        while (grown.next < target) {
            auto b = grown.batch(
                static_cast<std::size_t>(std::min<std::int64_t>(4096, target - grown.next)));
            growing.insert_messages(b, now());
        }
        auto [full_median, full_p99] = single_insert_latency(growing, grown, 300);
        set_sync(growing, "NORMAL");
        auto [normal_median, normal_p99] = single_insert_latency(growing, grown, 300);
        set_sync(growing, "FULL");
        std::printf("| %lld | %.0f | %.0f | %.0f | %.0f |\n", static_cast<long long>(grown.next),
                    full_median, full_p99, normal_median, normal_p99);
        std::fflush(stdout);
    }
    std::printf("\nqueue_length: %lld messages\n", static_cast<long long>(growing.queue_length()));
    return 0;
}
