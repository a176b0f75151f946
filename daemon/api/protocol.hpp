// Fixed numbers of the socket protocol (DESIGN.md, "Socket protocol"): the
// version `hello` reports and the longest request line a daemon must accept.
#pragma once

#include <cstddef>

namespace smsgw::api {

inline constexpr int protocol_version = 1;
inline constexpr std::size_t max_line_bytes = 256 * 1024;

}  // namespace smsgw::api
