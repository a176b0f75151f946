// Replays every transcript of tests/transcripts/ through a Session with a fake
// clock and compares the trace — Session actions plus what the parsers make of
// each answer — with the golden .chk file beside it (gpsd's regression style).
// SMSGW_REBUILD_GOLDEN=1 rewrites the .chk files; review reads the diff.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "drivers/at/quirks.hpp"
#include "drivers/at/session.hpp"
#include "drivers/at/text.hpp"
#include "drivers/at/trace.hpp"
#include "reply_summary.hpp"
#include "transcript.hpp"

using namespace smsgw::at;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string without_cr(std::string s) {
    if (!s.empty() && s.back() == '\r') s.pop_back();
    return s;
}

// Drives one transcript: "> " lines are submitted as commands unless the Session
// has already written them (the PDU after a prompt, the resync AT), in which case
// they must match what it wrote.
class Replay {
  public:
    explicit Replay(const test::Transcript& t) : transcript_(t) {
        const auto quirks = t.headers.find("Quirks");
        SessionConfig config = session_config(
            quirks == t.headers.end() ? generic_quirks() : find_quirks(quirks->second, ""));
        session_.set_config(std::move(config));
    }

    std::string run() {
        const auto& steps = transcript_.steps;
        for (std::size_t i = 0; i < steps.size(); ++i) {
            const auto& step = steps[i];
            switch (step.kind) {
                case test::TranscriptStep::Kind::advance:
                    now_ += step.step;
                    session_.on_tick(now_);
                    break;
                case test::TranscriptStep::Kind::receive:
                    session_.on_bytes(step.bytes, now_);
                    break;
                case test::TranscriptStep::Kind::send:
                    send(i);
                    break;
            }
            collect();
        }
        for (const auto& w : written_)
            problem("the session wrote \"" + c_escape(w) + "\" that the transcript lacks");
        return trace_;
    }

    const std::vector<std::string>& problems() const { return problems_; }

  private:
    void send(std::size_t i) {
        const std::string& text = transcript_.steps[i].bytes;
        if (written_.empty() && istarts_with(text, "AT")) {
            Command cmd;
            cmd.text = text;
            // TS 27.005 §3.5.1: the PDU for AT+CMGS/AT+CMGW is the next "> " line ending in Ctrl-Z.
            if (istarts_with(text, "AT+CMGS=") || istarts_with(text, "AT+CMGW=")) {
                for (std::size_t j = i + 1; j < transcript_.steps.size(); ++j) {
                    const auto& s = transcript_.steps[j];
                    if (s.kind == test::TranscriptStep::Kind::send && s.bytes.ends_with('\x1A')) {
                        cmd.pdu = s.bytes.substr(0, s.bytes.size() - 1);
                        break;
                    }
                }
            }
            session_.submit(std::move(cmd), now_);
            collect();
        }
        if (written_.empty()) {
            problem("line " + std::to_string(transcript_.steps[i].line) +
                    ": the transcript sends \"" + c_escape(text) +
                    "\" but the session wrote nothing");
            return;
        }
        if (written_.front() != text)
            problem("line " + std::to_string(transcript_.steps[i].line) + ": the session wrote \"" +
                    c_escape(written_.front()) + "\", the transcript sends \"" + c_escape(text) +
                    "\"");
        written_.pop_front();
    }

    void collect() {
        for (const auto& action : session_.take_actions()) {
            line(trace_line(action));
            if (const auto* w = std::get_if<Write>(&action))
                written_.push_back(without_cr(w->bytes));
            std::optional<std::string> summary;
            if (const auto* c = std::get_if<Complete>(&action)) summary = test::summarize(*c);
            if (const auto* u = std::get_if<Urc>(&action)) summary = test::summarize(*u);
            if (summary) line("  parsed: " + *summary);
        }
    }

    void line(const std::string& text) {
        const auto ms = std::chrono::duration_cast<Millis>(now_ - TimePoint{}).count();
        trace_ += "@" + std::to_string(ms) + " " + text + "\n";
    }

    void problem(std::string text) {
        line("!! " + text);
        problems_.push_back(std::move(text));
    }

    const test::Transcript& transcript_;
    Session session_;
    TimePoint now_{};
    std::deque<std::string> written_;
    std::string trace_;
    std::vector<std::string> problems_;
};

std::vector<fs::path> transcript_files() {
    std::vector<fs::path> files;
    for (const auto& entry :
         fs::directory_iterator(fs::path(SMSGW_SOURCE_DIR) / "tests" / "transcripts"))
        if (entry.path().extension() == ".at") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

// The first line where two texts differ, for a readable failure.
std::string first_difference(const std::string& want, const std::string& got) {
    std::istringstream a(want), b(got);
    std::string la, lb;
    for (int n = 1;; ++n) {
        const bool ea = !std::getline(a, la), eb = !std::getline(b, lb);
        if (ea && eb) return "identical";
        if (ea != eb || la != lb)
            return "line " + std::to_string(n) + "\n  golden: " + (ea ? "<end>" : la) +
                   "\n  replay: " + (eb ? "<end>" : lb);
    }
}

}  // namespace

TEST_CASE("transcripts carry provenance and parse cleanly") {
    const auto files = transcript_files();
    REQUIRE(files.size() >= 3);
    for (const auto& file : files) {
        INFO(file.filename().string());
        const auto t = test::parse_transcript(read_file(file));
        CHECK(t.errors.empty());
        for (const char* key : {"Name", "Firmware", "Source", "Date"})
            CHECK(t.headers.count(key) == 1);
        CHECK_FALSE(t.steps.empty());
    }
}

TEST_CASE("transcript replays match their golden traces") {
    const bool rebuild = std::getenv("SMSGW_REBUILD_GOLDEN") != nullptr;
    for (const auto& file : transcript_files()) {
        INFO(file.filename().string());
        const auto transcript = test::parse_transcript(read_file(file));
        Replay replay(transcript);
        const std::string trace = replay.run();
        CHECK(replay.problems().empty());
        fs::path golden = file;
        golden.replace_extension(".chk");
        if (rebuild) {
            std::ofstream(golden, std::ios::binary) << trace;
            continue;
        }
        REQUIRE(fs::exists(golden));
        const std::string want = read_file(golden);
        INFO(first_difference(want, trace));
        CHECK(want == trace);
    }
}

TEST_CASE("transcript reader: escapes, clock steps and malformed lines") {
    const auto t = test::parse_transcript(
        "# Name: x\n# Firmware: y\n> AT+CMGS=5\n< \\r\\n> \n> 00\\x1A\n@ +250ms\n< \\x1\n? what\n");
    REQUIRE(t.steps.size() == 5);
    CHECK(t.headers.at("Name") == "x");
    CHECK(t.steps[1].bytes == "\r\n> ");
    CHECK(t.steps[2].bytes == std::string("00\x1A"));
    CHECK(t.steps[3].step == Millis(250));
    CHECK(t.errors.size() == 2);
}
