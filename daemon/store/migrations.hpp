// The schema migrations, numbered SQL files under daemon/store/migrations/
// embedded into the binary at build time (embed_migrations.cmake), so the
// daemon never reads SQL from disk and a build always carries its schema.
#pragma once

#include <span>
#include <string_view>

namespace smsgw::store {

struct Migration {
    int version;  // the file's number; PRAGMA user_version after it ran
    std::string_view name;
    std::string_view sql;
};

// In version order, 1, 2, 3, … without gaps (checked when embedding).
std::span<const Migration> migrations();

}  // namespace smsgw::store
