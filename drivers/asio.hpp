// The one place drivers/ (and its users) include Boost.Asio. Boost 1.74's
// boost/asio/awaitable.hpp uses std::exchange without including <utility>, which
// g++ 12 does not pull in by accident: <utility> must come first, so nobody
// includes Asio headers directly. Only the parts we use, to keep compiles short.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio/awaitable.hpp>
// clang-format on
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

// g++ 12 reports -Wmismatched-new-delete at the end of some longer coroutines:
// it pairs Asio's recycling operator delete of awaitable_frame_base with the
// global operator new it inlined elsewhere. Both sides are Asio's own pair (GCC
// bug 105245 family); the warning is false and only this one is silenced.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace smsgw::drivers {
namespace asio = boost::asio;
template <typename T>
using awaitable = boost::asio::awaitable<T>;
}  // namespace smsgw::drivers
