// Helpers for the api tests: parse a request as an admin (roles are tested
// apart) and get either the typed params or the error.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "daemon/api/request_parser.hpp"

namespace smsgw::api::test {

template <typename P>
P parsed(const std::string& line) {
    auto r = parse_request(line, Role::admin);
    INFO(line);
    if (!r) INFO("error: " << r.error().error.message);
    REQUIRE(r.has_value());
    REQUIRE(std::holds_alternative<P>(r->params));
    return std::get<P>(r->params);
}

inline Error refused(const std::string& line) {
    auto r = parse_request(line, Role::admin);
    INFO(line);
    REQUIRE_FALSE(r.has_value());
    return r.error().error;
}

}  // namespace smsgw::api::test
