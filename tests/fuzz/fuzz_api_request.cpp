// libFuzzer target for the socket protocol: any bytes on a connection go
// through the line splitter and the request parser. Refusals must carry a
// message and serialise to one reply line; accepted requests must survive a
// round trip through the client helper unchanged. Seeds:
// tests/fuzz/corpus/fuzz_api_request/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "daemon/api/client.hpp"
#include "daemon/api/line_splitter.hpp"
#include "daemon/api/reply.hpp"
#include "daemon/api/request_parser.hpp"

namespace {

using namespace smsgw::api;

// A send_batch item that gives a key twice is refused on its own. Once
// parsed, a JSON object holds each key once, so such an item cannot be
// written back as it came, and the round trip below does not apply to it.
bool repeats_a_key(const Request& request) {
    const auto* batch = std::get_if<SendBatchParams>(&request.params);
    if (batch == nullptr) return false;
    for (const auto& item : batch->messages)
        if (item.refused && item.refused->message.ends_with(": given more than once")) return true;
    return false;
}

void check_line(std::string_view line, Role role) {
    auto request = parse_request(line, role);
    if (!request) {
        const std::string reply = error_reply(request.error());
        if (request.error().error.message.empty() || reply.find('\n') != reply.size() - 1)
            std::abort();
        if (!parse_server_line(reply)) std::abort();
        return;
    }
    if (repeats_a_key(*request)) {
        (void)success_reply(request->id, nlohmann::json::object());
        return;
    }
    const std::string again = request_line(*request);
    auto back = parse_request(std::string_view(again).substr(0, again.size() - 1), role);
    if (!back || !(*back == *request)) std::abort();
    (void)success_reply(request->id, nlohmann::json::object());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // The first byte picks the caller's role and the chunk size, so the
    // splitter sees the stream cut at different places.
    const auto role = static_cast<Role>(data[0] % 3);
    const std::size_t chunk = 1 + data[0] / 3 % 64;
    const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);

    // Whole input as one line, as the daemon would see a single request.
    check_line(stream, role);

    LineSplitter splitter(1024);
    for (std::size_t pos = 0; pos < stream.size(); pos += chunk) {
        splitter.feed(stream.substr(pos, chunk));
        while (auto item = splitter.next())
            if (item->kind == SplitItem::Kind::line) {
                if (item->line.size() > 1024) std::abort();
                check_line(item->line, role);
            }
        if (splitter.buffered() > 1025) std::abort();
    }
    while (auto item = splitter.finish())
        if (item->kind == SplitItem::Kind::line) check_line(item->line, role);
    return 0;
}
