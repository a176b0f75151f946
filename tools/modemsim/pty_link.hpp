// The simulated modem's serial port: a pseudo-terminal whose slave side is
// reachable through a symlink, as /dev/ttyUSB2 would be. The master starts in
// raw mode (a pty is born cooked and would turn <CR> into <LF>). unplug()
// removes both, like pulling a USB stick; plug() makes a NEW pty, so a client
// must reopen the path exactly as after a real re-enumeration.
#pragma once

#include <string>

namespace smsgw::modemsim {

class PtyLink {
public:
    explicit PtyLink(std::string link_path) : link_(std::move(link_path)) {}
    ~PtyLink() { unplug(); }
    PtyLink(const PtyLink&) = delete;
    PtyLink& operator=(const PtyLink&) = delete;

    // Creates the pty and the symlink; throws std::system_error on failure.
    void plug();
    // Closes the master (clients get EIO/hang-up) and removes the symlink.
    void unplug();

    int fd() const { return master_; }
    bool plugged() const { return master_ >= 0; }
    const std::string& slave_name() const { return slave_; }
    const std::string& link_path() const { return link_; }

    // Whether a client has the slave open. Without one the master reports
    // POLLHUP; output is then dropped, as a USB serial port drops it.
    bool client_attached() const;
    // Drops what was queued for a client that has gone away.
    void discard_queued() const;

private:
    std::string link_;
    std::string slave_;
    int master_ = -1;
};

}  // namespace smsgw::modemsim
