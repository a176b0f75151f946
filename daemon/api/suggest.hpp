// "Did you mean" for unknown op and parameter names, so a client author sees
// `unknown parameter \`tetx\`; did you mean \`text\`?` instead of guessing.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace smsgw::api {

// "; did you mean `x`?" when one of `known` is within a small edit distance,
// else empty.
std::string did_you_mean(std::string_view wrong, std::span<const std::string_view> known);

}  // namespace smsgw::api
