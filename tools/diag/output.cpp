// TextTable and the log switch; see output.hpp.
#include "tools/diag/output.hpp"

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace smsgw::diag {

namespace {

// Display width of UTF-8 text: code points, not bytes ("→", "é" are one column).
std::size_t width(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::function<void(std::string_view)>& trace_observer() {
    static std::function<void(std::string_view)> observer;
    return observer;
}

// Hands each log line's text to the trace observer (single-threaded: one io_context).
class ObserverSink : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        if (auto& f = trace_observer()) f(std::string_view(msg.payload.data(), msg.payload.size()));
    }
    void flush_() override {}
};

}  // namespace

TextTable::TextTable(std::vector<std::string> header) {
    rows_.push_back(std::move(header));
}

void TextTable::add(std::vector<std::string> row) {
    rows_.push_back(std::move(row));
}

void TextTable::print(std::ostream& out) const {
    std::vector<std::size_t> widths;
    for (const auto& row : rows_) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
    }
    for (const auto& row : rows_) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - width(row[i]) + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << "\n";
    }
}

void set_verbose(bool verbose) {
    auto stderr_sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
    stderr_sink->set_level(verbose ? spdlog::level::debug : spdlog::level::warn);
    auto logger = std::make_shared<spdlog::logger>(
        "smsgw-diag", spdlog::sinks_init_list{stderr_sink, std::make_shared<ObserverSink>()});
    logger->set_pattern("%H:%M:%S.%e %v");
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
}

void on_engine_trace(std::function<void(std::string_view)> observer) {
    trace_observer() = std::move(observer);
}

}  // namespace smsgw::diag
