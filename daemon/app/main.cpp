// smsgwd — the SMS gateway daemon (DESIGN.md, "Programs").
//   smsgwd --config FILE [--check]
// Runs in the foreground for systemd (Type=notify). --check validates the
// config and exits 0, or 2 with every problem named by file, line and key.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <iostream>

#include "config/load.hpp"
#include "daemon/app/daemon.hpp"
#include "daemon/app/host_checks.hpp"
#include "daemon/app/journal_log.hpp"
#include "daemon/store/error.hpp"

extern char** environ;

int main(int argc, char** argv) {
    // The database holds message texts and phone numbers: whatever umask
    // smsgwd is started with (0022 in a shell), the files it creates are not
    // for other users (group: the socket's, read access for backups). The
    // unit sets UMask=0027 too. The socket's mode is set from the config.
    ::umask(0027);
    CLI::App app{
        "smsgwd — on-premises SMS gateway daemon.\n"
        "Drives GSM modems (AT commands, PDU mode), keeps a durable queue in SQLite and\n"
        "serves local applications on a Unix socket (see smsgwctl). Runs in the\n"
        "foreground; systemd starts it as smsgwd.service (Type=notify).\n\n"
        "Signals: SIGTERM stops taking new messages, finishes the AT+CMGS in flight\n"
        "and exits 0; SIGHUP reloads the config (modems added, removed or changed\n"
        "without a restart; socket and database changes need a restart).\n"
        "Environment: SMSGW_* variables fill ${SMSGW_…} placeholders in the config.\n"
        "Exit status: 0 stopped cleanly or config valid, 1 runtime failure (database\n"
        "or socket unusable), 2 invalid config or command line.",
        "smsgwd"};
    std::string config_path = "/etc/smsgw/smsgw.yaml";
    bool check = false;
    app.add_option("-c,--config", config_path, "the YAML config file")->capture_default_str();
    app.add_flag("--check", check, "validate the config, print what is wrong and exit");
    app.set_version_flag("--version", std::string(SMSGW_VERSION));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;  // --help and --version exit 0
    }

    smsgw::config::LoadOptions options;
    options.variables = smsgw::config::variables_from_environment(environ);
    auto loaded = smsgw::config::load_file(config_path, options);
    if (loaded.ok()) {
        // What only this machine can say (missing users, groups, PIN
        // files): warnings on stderr (the journal, under systemd), and an
        // error for a PIN file that holds no PIN.
        bool host_error = false;
        for (const auto& p : smsgw::app::check_host(loaded.config)) {
            std::cerr << config_path << ": " << p.key << (p.error ? ": " : ": warning: ")
                      << p.message << "\n";
            host_error |= p.error;
        }
        if (host_error) {
            if (!check)
                std::cerr << "smsgwd: not started: fix the config above (" << config_path << ")\n";
            return 2;
        }
    } else {
        std::cerr << smsgw::config::to_string(loaded.errors);
        if (!check) std::cerr << "smsgwd: not started: fix the config above (" << config_path << ")\n";
        return 2;
    }
    if (check) {
        std::cout << config_path << ": ok (" << loaded.config.modems.size() << " modem"
                  << (loaded.config.modems.size() == 1 ? "" : "s") << ", database "
                  << loaded.config.database << ", socket " << loaded.config.socket.path << ")\n";
        return 0;
    }
    smsgw::app::setup_logging(loaded.config.log_level);
    const std::string database = loaded.config.database;
    try {
        smsgw::app::Daemon daemon(config_path, options, std::move(loaded.config));
        return daemon.run();
    } catch (const smsgw::store::StoreError& e) {
        spdlog::critical("smsgwd: {}", smsgw::store::explain(e, database));
        return 1;
    } catch (const std::exception& e) {
        spdlog::critical("smsgwd: {}", e.what());
        return 1;
    }
}
