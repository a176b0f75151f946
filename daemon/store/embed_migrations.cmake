# Turns daemon/store/migrations/NNNN_name.sql into a C++ source (cmake -P):
#   cmake -DMIGRATIONS_DIR=… -DOUTPUT=… -P embed_migrations.cmake
# Each file becomes a raw string literal; the numbers must run 1, 2, 3, … with
# no gap, so a missing or renamed file fails the build instead of the daemon.
file(GLOB files RELATIVE ${MIGRATIONS_DIR} ${MIGRATIONS_DIR}/*.sql)
list(SORT files)
set(body "")
set(expected 1)
foreach(name IN LISTS files)
  if(NOT name MATCHES "^([0-9][0-9][0-9][0-9])_[a-z0-9_]+\\.sql$")
    message(FATAL_ERROR "migration file ${name}: expected NNNN_name.sql")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  if(NOT version EQUAL expected)
    message(FATAL_ERROR "migration file ${name}: expected number ${expected}")
  endif()
  file(READ ${MIGRATIONS_DIR}/${name} sql)
  if(sql MATCHES "\\)smsgw_sql\"")
    message(FATAL_ERROR "migration file ${name} contains the raw-string delimiter")
  endif()
  string(APPEND body "    {${version}, \"${name}\", R\"smsgw_sql(${sql})smsgw_sql\"},\n")
  math(EXPR expected "${expected} + 1")
endforeach()
if(expected EQUAL 1)
  message(FATAL_ERROR "no migrations in ${MIGRATIONS_DIR}")
endif()
set(content "// Generated from daemon/store/migrations/ by embed_migrations.cmake. Do not edit.
#include \"daemon/store/migrations.hpp\"

namespace smsgw::store {
namespace {
constexpr Migration all[] = {
${body}};
}  // namespace

std::span<const Migration> migrations() {
    return all;
}

}  // namespace smsgw::store
")
# Rewrite only on change, so an unrelated reconfigure does not rebuild.
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE ${OUTPUT} "${content}")
