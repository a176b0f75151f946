#include "store_test_util.hpp"

#include <cstdlib>
#include <stdexcept>

namespace smsgw::store::test {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "smsgw-store-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

NewMessage message(const std::string& recipient, int parts, int priority) {
    NewMessage m;
    m.recipient = recipient;
    m.text = "text for " + recipient;
    m.priority = priority;
    for (int i = 1; i <= parts; ++i)
        m.parts.push_back({"0011000B91" + std::to_string(i), 20 + i,
                           parts > 1 ? std::optional<int>(42) : std::nullopt});
    return m;
}

}  // namespace smsgw::store::test
