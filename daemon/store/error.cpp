// explain() and is_transient() of error.hpp. The hints name files and users
// as they are on this machine, since "unable to open database file" alone
// does not say whether the directory is missing or not writable.
#include "daemon/store/error.hpp"

#include <pwd.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace smsgw::store {
namespace {

std::string this_user() {
    const uid_t uid = ::geteuid();
    const passwd* pw = ::getpwuid(uid);
    return "uid " + std::to_string(uid) + (pw ? " (" + std::string(pw->pw_name) + ")" : "");
}

// Why the file cannot be created or written, as far as the file system says.
std::string where_it_cannot_write(const std::string& path) {
    namespace fs = std::filesystem;
    const fs::path file(path);
    const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::exists(dir, ec))
        return "its directory " + dir.string() +
               " does not exist: create it (the unit's StateDirectory= does), or correct "
               "`database` in the config";
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        return "its directory " + dir.string() + " is not writable by " + this_user() +
               ", and SQLite creates " + file.filename().string() + "-wal and -shm beside it: "
               "give that user the directory (chown)";
    if (fs::exists(file, ec) && ::access(file.c_str(), R_OK | W_OK) != 0)
        return "the file is not readable and writable by " + this_user() + ": give that user the file (chown)";
    return "check that " + this_user() + " may create and write files in " + dir.string();
}

}  // namespace

std::string explain(const StoreError& e, const std::string& path) {
    std::string what;
    switch (e.sqlite_code() & 0xff) {
        case SQLITE_NOTADB:
            what = "is not an SQLite database (or not one this SQLite can read): restore it "
                   "from a backup, or move it aside to start with an empty database";
            break;
        case SQLITE_CORRUPT:
            what = "is damaged: stop smsgwd, keep a copy of the file, then restore a backup or "
                   "rescue what is readable with `sqlite3 " + path + " .recover | sqlite3 NEW.db` "
                   "and put NEW.db in its place";
            break;
        case SQLITE_CANTOPEN:
            what = "cannot be opened: " + where_it_cannot_write(path);
            break;
        case SQLITE_READONLY:
        case SQLITE_PERM:
            what = "cannot be written: " + where_it_cannot_write(path);
            break;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            what = "is locked by another process (a second smsgwd, or a sqlite3 shell in the "
                   "middle of a transaction): end it; smsgwd must be the only writer";
            break;
        case SQLITE_FULL:
            what = "cannot grow: the file system holding it is full; free space there (the "
                   "messages not stored were refused, nothing acknowledged is lost)";
            break;
        case SQLITE_IOERR:
            what = "cannot be read or written (an input/output error): check the disk "
                   "(dmesg, smartctl)";
            break;
        default:
            return "database " + path + ": " + e.what();
    }
    return "database " + path + " " + what + " [SQLite: " + e.what() + "]";
}

std::string reason(const StoreError& e) {
    return e.sqlite_code() != 0 ? sqlite3_errstr(e.sqlite_code()) : e.what();
}

bool is_transient(const StoreError& e) {
    const int primary = e.sqlite_code() & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

}  // namespace smsgw::store
