// libFuzzer target for config loading: any bytes given as a config file must
// end in a Config or in located diagnostics — never a crash, a hang or an
// exception escaping yaml-cpp. Seeds: tests/fuzz/corpus/fuzz_config/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    smsgw::config::LoadOptions options;
    options.variables = {{"SMSGW_DEMO_DIR", "/tmp/demo"}, {"SMSGW_DEMO_USER", "demo"}};
    const smsgw::config::LoadResult result = smsgw::config::load_string(text, "fuzz.yaml", options);
    for (const auto& d : result.errors) {
        // Every refusal explains itself and formats.
        if (d.message.empty() || d.to_string().empty()) std::abort();
    }
    return 0;
}
