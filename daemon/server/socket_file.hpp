// The listening socket's file: never take over a path where another daemon is
// listening, never leave a socket with looser permissions than configured, and
// on the way out remove only the file we created (a second daemon started by
// mistake must not unlink the first one's socket).
#pragma once

#include <sys/types.h>

#include <string>

#include "config/config.hpp"

namespace smsgw::server {

struct ListeningSocket {
    int fd = -1;  // a listening AF_UNIX stream socket, close-on-exec, owned by the caller
    std::string path;
    dev_t dev = 0;  // the file's identity right after bind
    ino_t ino = 0;
    unsigned mode = 0;  // as set: config.mode, or its owner bits alone (no such group)
    std::string group;  // the group given to it; empty: none (the daemon's own)
};

// Creates the parent-less socket at config.path: an existing socket file is
// probed with connect() — answered: refuse (another daemon), refused: stale,
// removed; any other file is refused. Binds under umask 0177, then chmod to
// config.mode and chown to config.group (getgrnam_r), then listen(backlog).
// A group that does not exist leaves the owner alone able to connect (and
// root): the start goes on (app/host_checks.cpp warns), and no one the group
// was to keep out gets in.
// Throws std::runtime_error naming the path and the reason.
ListeningSocket open_listening_socket(const config::SocketConfig& config, int backlog);

// Unlinks the path if it is still the file `socket` bound.
void remove_socket_file(const ListeningSocket& socket);

}  // namespace smsgw::server
