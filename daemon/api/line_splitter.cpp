// LineSplitter: bytes are scanned once. At most max + 1 bytes of one line are
// held — the extra one for a `\r` that may turn out to precede the newline.
#include "daemon/api/line_splitter.hpp"

namespace smsgw::api {

void LineSplitter::complete(std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > max_) {
        ready_.push_back({SplitItem::Kind::too_long, {}});
        return;
    }
    if (line.empty()) return;
    ready_.push_back({SplitItem::Kind::line, std::move(line)});
}

void LineSplitter::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        const std::size_t newline = bytes.find('\n');
        const bool ends = newline != std::string_view::npos;
        const std::string_view chunk = bytes.substr(0, newline);
        if (discarding_) {
            if (!ends) return;
            discarding_ = false;
        } else if (partial_.size() + chunk.size() > max_ + 1) {
            // Certainly too long: say so now and drop the rest as it comes.
            partial_.clear();
            ready_.push_back({SplitItem::Kind::too_long, {}});
            discarding_ = !ends;
            if (!ends) return;
        } else {
            partial_.append(chunk);
            if (!ends) return;
            complete(std::move(partial_));
            partial_.clear();
        }
        bytes.remove_prefix(newline + 1);
    }
}

std::optional<SplitItem> LineSplitter::next() {
    if (ready_.empty()) return std::nullopt;
    SplitItem item = std::move(ready_.front());
    ready_.pop_front();
    return item;
}

std::optional<SplitItem> LineSplitter::finish() {
    if (!discarding_ && !partial_.empty()) complete(std::move(partial_));
    partial_.clear();
    discarding_ = false;
    return next();
}

}  // namespace smsgw::api
