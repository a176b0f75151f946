// Property test: random mutations of the example config (bytes flipped, lines
// dropped or duplicated, values swapped) never crash the loader, and every
// refusal is a located diagnostic with a message. Seeded, so a failure repeats.
#include <fstream>
#include <random>
#include <sstream>

#include "config_test_util.hpp"

using namespace smsgw::config;

namespace {

std::string read_example() {
    std::ifstream in(SMSGW_SOURCE_DIR "/config/smsgw.yaml");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::stringstream s(text);
    for (std::string line; std::getline(s, line);) lines.push_back(line);
    return lines;
}

std::string mutate(const std::string& base, std::mt19937& rng) {
    static const char* const tokens[] = {
        "0", "-1", "\"\"", "[]", "{}", "~",    "true",      "+49",
        "x", ":",  "- ",   "[",  "&a", "*a",   "\t",        "99999999999999999999",
        "#", "'",  "\"",   ",",  "}",  "\xC3", "${SMSGW_X}"};
    std::string text = base;
    std::uniform_int_distribution<int> op_pick(0, 4);
    const int mutations = 1 + static_cast<int>(rng() % 4);
    for (int m = 0; m < mutations && !text.empty(); ++m) {
        const std::size_t pos = rng() % text.size();
        switch (op_pick(rng)) {
            case 0:  // flip a byte
                text[pos] = static_cast<char>(rng() % 256);
                break;
            case 1:  // insert a YAML-significant token
                text.insert(pos, tokens[rng() % std::size(tokens)]);
                break;
            case 2:  // delete a run
                text.erase(pos, rng() % 20);
                break;
            case 3: {  // drop or duplicate a whole line
                auto lines = split_lines(text);
                const std::size_t i = rng() % lines.size();
                if (rng() % 2)
                    lines.erase(lines.begin() + static_cast<long>(i));
                else
                    lines.insert(lines.begin() + static_cast<long>(i), lines[i]);
                text.clear();
                for (const auto& l : lines) text += l + "\n";
                break;
            }
            default:  // swap two values after their colons
            {
                auto lines = split_lines(text);
                const std::size_t a = rng() % lines.size(), b = rng() % lines.size();
                const auto ca = lines[a].find(": "), cb = lines[b].find(": ");
                if (ca != std::string::npos && cb != std::string::npos) {
                    const std::string va = lines[a].substr(ca), vb = lines[b].substr(cb);
                    lines[a] = lines[a].substr(0, ca) + vb;
                    lines[b] = lines[b].substr(0, cb) + va;
                }
                text.clear();
                for (const auto& l : lines) text += l + "\n";
            } break;
        }
    }
    return text;
}

}  // namespace

TEST_CASE("random mutations of the example config never crash and always explain themselves") {
    const std::string base = read_example();
    REQUIRE(load_string(base).ok());
    std::mt19937 rng(20240611);
    int refused = 0;
    for (int i = 0; i < 2000; ++i) {
        const std::string text = mutate(base, rng);
        const LoadResult r = load_string(text, "m.yaml");
        if (r.ok()) continue;
        ++refused;
        for (const Diagnostic& d : r.errors) {
            INFO("input:\n" << text << "\ndiagnostic: " << d.to_string());
            CHECK(d.file == "m.yaml");
            CHECK(!d.message.empty());
            // Every diagnostic is either about a key or a located syntax error.
            CHECK((!d.path.empty() || d.line > 0));
        }
    }
    // The mutations must actually exercise the refusal paths: about half are
    // refused (which half depends on the example's keys and on what is legal).
    CHECK(refused > 700);
}
