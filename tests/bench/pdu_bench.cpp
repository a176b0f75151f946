// PDU codec throughput on one core: segments per second for encode and decode
// of 160-character GSM-7, 70-character UCS-2 and 3-part GSM-7 messages and of a
// 160-character GSM-7 one typed with decomposed accents (composed when encoded),
// and heap allocations per segment (counted by replacing operator new), to show
// that the cost does not grow per septet. Prints a Markdown table.
//
// Usage: pdu_bench [--seconds S] [--runs N]   (median of N runs of S seconds)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "pdu/pdu_codec.hpp"

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}

void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using Clock = std::chrono::steady_clock;
using namespace smsgw::pdu;

struct Result {
    double segments_per_second;
    double allocations_per_segment;
};

// Runs `op` (which returns the number of segments it handled) repeatedly for
// `seconds`, `runs` times; reports the median rate.
template <typename Op>
Result measure(Op&& op, double seconds, int runs) {
    std::vector<double> rates;
    double allocs = 0;
    std::size_t sink = 0;
    for (int r = 0; r < runs; ++r) {
        std::uint64_t segments = 0;
        const auto a0 = g_allocations.load();
        const auto start = Clock::now();
        const auto until = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
        auto now = start;
        while (now < until) {
            for (int i = 0; i < 256; ++i) segments += op(sink);
            now = Clock::now();
        }
        const double elapsed = std::chrono::duration<double>(now - start).count();
        rates.push_back(static_cast<double>(segments) / elapsed);
        allocs = static_cast<double>(g_allocations.load() - a0) / static_cast<double>(segments);
    }
    std::sort(rates.begin(), rates.end());
    if (sink == 42) std::puts("");  // keeps the work observable
    return {rates[rates.size() / 2], allocs};
}

struct Case {
    const char* name;
    std::string text;
};

}  // namespace

int main(int argc, char** argv) {
    double seconds = 1.0;
    int runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
        if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    }
    std::string ucs2;
    for (int i = 0; i < 10; ++i) ucs2 += "Zażółć!";  // 70 characters, needs UCS-2
    std::string gsm160;
    for (int i = 0; i < 16; ++i) gsm160 += "Hello Wor" + std::string(1, static_cast<char>('a' + i));
    std::string three;
    for (int i = 0; i < 3; ++i) three += std::string(153, static_cast<char>('A' + i));
    // "Café über " sixteen times, the accents typed as letter + combining mark (NFD).
    std::string decomposed;
    for (int i = 0; i < 16; ++i) decomposed += "Cafe\u0301 u\u0308ber ";
    const Case cases[] = {{"GSM-7, 160 characters (1 part)", gsm160},
                          {"UCS-2, 70 characters (1 part)", ucs2},
                          {"GSM-7, 459 characters (3 parts)", three},
                          {"GSM-7, 160 characters typed decomposed (1 part)", decomposed}};

    std::printf("| message | encode segments/s | decode segments/s | allocations per segment (encode / decode) |\n");
    std::printf("|---|---:|---:|---:|\n");
    for (const auto& c : cases) {
        SubmitOptions o;
        o.reference = 7;
        const auto encoded = encode_submit("+4917012345678", c.text, o);
        if (!encoded) {
            std::fprintf(stderr, "encode failed: %s\n", encoded.error().message.c_str());
            return 1;
        }
        const std::size_t parts = encoded->parts.size();
        const Result enc = measure(
            [&](std::size_t& sink) {
                auto m = encode_submit("+4917012345678", c.text, o);
                sink += m->parts[0].hex.size();
                return m->parts.size();
            },
            seconds, runs);
        std::size_t next = 0;
        const Result dec = measure(
            [&](std::size_t& sink) {
                auto p = decode_pdu(encoded->parts[next].hex);
                next = (next + 1) % parts;
                sink += p->smsc.has_value();
                return std::size_t{1};
            },
            seconds, runs);
        std::printf("| %s | %.0f | %.0f | %.1f / %.1f |\n", c.name, enc.segments_per_second,
                    dec.segments_per_second, enc.allocations_per_segment, dec.allocations_per_segment);
    }
    return 0;
}
