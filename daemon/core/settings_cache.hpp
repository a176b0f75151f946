// The typed run-time settings (daemon/policy/settings_schema.hpp) as stored in
// SQLite, read once and again after every settings.set, so the send path never
// parses JSON. A stored value this build finds invalid falls back to its
// default and is logged, never fatal.
#pragma once

#include "daemon/policy/settings_schema.hpp"

namespace smsgw::store {
class Store;
}

namespace smsgw::core {

class SettingsCache {
  public:
    explicit SettingsCache(store::Store& store);
    const policy::Settings& get() const { return settings_; }
    void reload();

  private:
    store::Store& store_;
    policy::Settings settings_;
};

}  // namespace smsgw::core
