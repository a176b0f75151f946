// The subcommands of smsgw-diag, each registered on the CLI11 app by its own
// file. A command stores its exit status in `status` when it runs.
#pragma once

namespace CLI {
class App;
}

namespace smsgw::diag {

// Exit statuses: 0 all good, 1 the checked thing is bad (bad PDU, failed
// probe), 2 usage error.
void add_pdu_command(CLI::App& app, int& status);
// The modem commands: a port list, a checklist, a terminal and a test send.
void add_scan_command(CLI::App& app, int& status);
void add_probe_command(CLI::App& app, int& status);
void add_at_command(CLI::App& app, int& status);
void add_send_command(CLI::App& app, int& status);


}  // namespace smsgw::diag
