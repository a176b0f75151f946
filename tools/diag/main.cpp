// smsgw-diag: the technicians' tool. Works without the daemon: it talks to
// modems and PDUs directly, through the same libraries the daemon uses.
#include <CLI/CLI.hpp>

#include "tools/diag/commands.hpp"

int main(int argc, char** argv) {
    CLI::App app{"smsgw-diag — diagnostics for GSM modems and SMS PDUs"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(SMSGW_VERSION));
    int status = 0;
    smsgw::diag::add_scan_command(app, status);
    smsgw::diag::add_probe_command(app, status);
    smsgw::diag::add_at_command(app, status);
    smsgw::diag::add_send_command(app, status);
    smsgw::diag::add_pdu_command(app, status);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    return status;
}
