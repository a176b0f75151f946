// The control socket's transport: a Unix stream socket taking newline-
// delimited requests from any number of clients and writing one reply line
// per request. What a request means is control_ops' business; this file only
// frames lines, caps their length and keeps each client's unsent output. A
// client that half-closes after its requests (`echo … | socat - UNIX-CONNECT:…`)
// is still answered: the connection closes once every answer is written.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <poll.h>

namespace smsgw::modemsim {

class ControlServer {
public:
    using Handler = std::function<std::string(std::string_view line)>;

    ControlServer(std::string path, Handler handler);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // The descriptors to poll, and what to do with their events.
    void add_pollfds(std::vector<pollfd>& fds) const;
    void on_events(const std::vector<pollfd>& fds);

private:
    struct Client {
        int fd;
        std::string in;
        std::string out;
        bool eof = false;  // the client closed its write side: answer, then close
    };
    void answer_line(Client& c, std::string line);
    void accept_clients();
    bool read_client(Client& c);   // false: broken
    bool flush_client(Client& c);  // false: broken

    std::string path_;
    Handler handler_;
    int listen_fd_ = -1;
    std::vector<Client> clients_;
};

}  // namespace smsgw::modemsim
