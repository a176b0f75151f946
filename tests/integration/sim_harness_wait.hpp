// wait_for(): the one polling loop of the integration tests (a condition and
// a deadline, checked every 20 ms) so no test sleeps blindly.
#pragma once

#include <thread>

namespace smsgw::test {

template <typename Pred>
bool wait_for(Pred pred, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

}  // namespace smsgw::test
