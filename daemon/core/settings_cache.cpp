#include "daemon/core/settings_cache.hpp"

#include <spdlog/spdlog.h>

#include "daemon/store/store.hpp"

namespace smsgw::core {

SettingsCache::SettingsCache(store::Store& store) : store_(store) {
    reload();
}

void SettingsCache::reload() {
    nlohmann::json stored = nlohmann::json::object();
    for (const auto& s : store_.all_settings()) {
        auto value = nlohmann::json::parse(s.value, nullptr, false);
        if (value.is_discarded()) {
            spdlog::warn("setting {}: stored value is not JSON ({}); using the default", s.key,
                         s.value);
            continue;
        }
        stored[s.key] = std::move(value);
    }
    std::vector<policy::SettingError> problems;
    settings_ = policy::resolve(stored, &problems);
    for (const auto& p : problems) spdlog::warn("setting {}: {}; using the default", p.key, p.message);
}

}  // namespace smsgw::core
