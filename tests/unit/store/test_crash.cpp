// Crash safety: a child process inserts batches in a loop and reports each
// batch over a pipe only after insert_messages (the commit) returned; the
// parent kills it with SIGKILL at random moments, reopens the file and checks
// that every reported batch is there, intact, and that no batch is half there.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdint>
#include <map>
#include <random>
#include <thread>

#include "store_test_util.hpp"

using namespace smsgw::store;
using namespace smsgw::store::test;

namespace {

struct Report {
    std::int32_t batch;
    std::int32_t size;
};

std::string key(int batch, int item) {
    return "crash-" + std::to_string(batch) + "-" + std::to_string(item);
}

// The child: never returns. Batch numbers start at first_batch.
[[noreturn]] void insert_forever(const std::string& path, int first_batch, int pipe_fd,
                                 unsigned seed) {
    try {
        Store store(path);
        std::mt19937 rng(seed);
        for (int batch = first_batch;; ++batch) {
            const int size = 1 + static_cast<int>(rng() % 64);
            std::vector<NewMessage> messages;
            for (int i = 0; i < size; ++i) {
                NewMessage m = message("+4917" + std::to_string(batch), 1 + i % 3);
                m.idempotency_key = key(batch, i);
                m.text = "batch " + std::to_string(batch) + " item " + std::to_string(i) + " of " +
                         std::to_string(size);
                messages.push_back(std::move(m));
            }
            store.insert_messages(messages, t0());
            Report r{batch, size};
            if (write(pipe_fd, &r, sizeof r) != static_cast<ssize_t>(sizeof r)) _exit(3);
        }
    } catch (...) {
        _exit(2);
    }
}

}  // namespace

TEST_CASE("batches reported committed survive SIGKILL at random moments", "[store][crash]") {
    TempDir dir;
    const std::string path = dir.file("crash.db");
    { Store create(path); }  // the schema exists before the first kill
    std::mt19937 rng(4242);
    std::map<int, int> reported;  // batch → size
    int next_batch = 0;
    for (int round = 0; round < 8; ++round) {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        const int first = next_batch;
        pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            close(fds[0]);
            insert_forever(path, first, fds[1], static_cast<unsigned>(round));
        }
        close(fds[1]);
        // Let it run for 20–300 ms, then kill it wherever it is.
        std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 280));
        REQUIRE(kill(child, SIGKILL) == 0);
        int status = 0;
        REQUIRE(waitpid(child, &status, 0) == child);
        REQUIRE(WIFSIGNALED(status));  // it was killed, not failing on its own
        Report r{};
        while (read(fds[0], &r, sizeof r) == static_cast<ssize_t>(sizeof r)) {
            reported[r.batch] = r.size;
            next_batch = std::max(next_batch, r.batch + 1);
        }
        close(fds[0]);
        // The batch in progress when it died may have committed unreported: skip its number.
        next_batch += 1;

        Store store(path);
        Statement check = store.database().prepare("PRAGMA integrity_check");
        REQUIRE(check.step());
        REQUIRE(check.text(0) == "ok");
        for (const auto& [batch, size] : reported) {
            for (int i = 0; i < size; ++i) {
                auto m = store.find_by_idempotency_key(key(batch, i));
                REQUIRE(m);
                REQUIRE(m->text == "batch " + std::to_string(batch) + " item " + std::to_string(i) +
                                       " of " + std::to_string(size));
                REQUIRE(m->parts_total == 1 + i % 3);
            }
        }
        // Atomicity: every batch in the file, reported or not, is whole.
        Statement batches = store.database().prepare(
            "SELECT recipient, count(*), min(text) FROM messages GROUP BY recipient");
        while (batches.step()) {
            const std::string text = batches.text(2);
            const int size = std::stoi(text.substr(text.rfind(' ') + 1));
            INFO(text);
            REQUIRE(batches.int64(1) == size);
        }
    }
    // The child made progress between kills, so the checks above had work to do.
    CHECK(reported.size() > 8);
    std::size_t messages = 0;
    for (const auto& [batch, size] : reported) messages += static_cast<std::size_t>(size);
    CHECK(messages > 100);
}
