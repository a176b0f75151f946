// The daemon's notion of "now": UTC milliseconds, the unit the store keeps.
#pragma once

#include <chrono>

#include "daemon/store/types.hpp"

namespace smsgw::core {

inline store::Time now() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
}

}  // namespace smsgw::core
