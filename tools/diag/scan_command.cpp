// `smsgw-diag scan`: the serial ports of this machine as libserialport lists
// them, with what USB says about each (VID:PID, manufacturer, product, serial,
// and the interface's name and number from sysfs), which look like a modem's
// AT port and why, who holds each one, and with --probe whether the modem
// candidates answer AT (and which model they are). --include adds ports that
// libserialport does not enumerate: ptys such as the simulator's link, socat
// or ser2net devices.
#include <libserialport.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "drivers/at/identity_replies.hpp"
#include "drivers/at/text.hpp"
#include "tools/diag/commands.hpp"
#include "tools/diag/modem_steps.hpp"
#include "tools/diag/output.hpp"

namespace smsgw::diag {

namespace {

using namespace std::chrono_literals;

// USB vendors whose serial ports are (almost always) cellular modems.
struct ModemVendor {
    std::uint16_t vid;
    std::string_view name;
};
constexpr ModemVendor modem_vendors[] = {
    {0x12d1, "Huawei"},
    {0x19d2, "ZTE"},
    {0x2c7c, "Quectel"},
    {0x1e0e, "SIMCom"},
    {0x1199, "Sierra Wireless"},
    {0x1bc7, "Telit"},
    {0x1546, "u-blox"},
    {0x05c6, "Qualcomm"},
    {0x2cb7, "Fibocom"},
    {0x1e2d, "Cinterion"},
    {0x0681, "Siemens"},
    {0x114f, "Wavecom"},
    {0x106c, "Pantech"},
    {0x1410, "Novatel"},
    {0x0bdb, "Ericsson"},
    {0x413c, "Dell (Sierra/Telit inside)"},
    {0x03f0, "HP (Huawei/Sierra inside)"},
    {0x2001, "D-Link"},
    {0x0af0, "Option"},
    {0x1c9e, "Longcheer/4G Systems"},
    {0x2020, "MediaTek-based"},
    {0x1782, "Spreadtrum/Unisoc"},
};

// Words in the USB interface name that tell an AT port from the others.
struct InterfaceHint {
    std::string_view word;  // case-insensitive substring of the sysfs `interface` string
    bool at_port;
};
constexpr InterfaceHint interface_hints[] = {
    {"PC UI", true},  // Huawei's AT command port
    {"Application", true}, {"Modem", true}, {" AT", true},
    {"AT ", true},         {"Diag", false},  // Qualcomm DM/diagnostics: binary, never send AT there
    {"NMEA", false},       {"GPS", false},  {"GNSS", false},
};

struct PortInfo {
    std::string path;
    std::string description;
    std::string transport;  // usb, native, bluetooth, other
    std::optional<std::uint16_t> vid, pid;
    std::string manufacturer, product, serial;
    std::optional<std::string> interface_name;
    std::optional<int> interface_number;
    std::string vendor;  // from modem_vendors
    bool candidate = false;
    std::string why;
    std::optional<std::string> holder;
    std::optional<bool> answers_at;  // set by --probe
    std::string model;
    std::string probe_note;
};

std::string read_line_of(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::string s;
    std::getline(in, s);
    return std::string(at::trim(s));
}

// The USB interface behind /dev/ttyXXX: ttyACM's device link is the interface,
// ttyUSB's is a usb-serial port one level below it.
void read_interface(PortInfo& info) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto name = fs::path(info.path).filename();
    auto dir = fs::canonical(fs::path("/sys/class/tty") / name / "device", ec);
    if (ec) return;
    for (int up = 0; up < 2; ++up, dir = dir.parent_path()) {
        if (!fs::exists(dir / "bInterfaceNumber", ec)) continue;
        const auto number = read_line_of(dir / "bInterfaceNumber");
        if (!number.empty()) info.interface_number = std::stoi(number, nullptr, 16);
        if (fs::exists(dir / "interface", ec))
            info.interface_name = read_line_of(dir / "interface");
        return;
    }
}

std::string hex4(std::uint16_t v) {
    char buf[5];
    std::snprintf(buf, sizeof buf, "%04x", v);
    return buf;
}

void classify(PortInfo& p) {
    if (p.vid)
        for (const auto& v : modem_vendors)
            if (v.vid == *p.vid) p.vendor = std::string(v.name);
    std::optional<bool> by_interface;
    if (p.interface_name) {
        const auto upper = at::to_upper(" " + *p.interface_name + " ");
        for (const auto& h : interface_hints)
            if (upper.find(at::to_upper(h.word)) != std::string::npos) {
                by_interface = h.at_port;
                break;
            }
    }
    if (by_interface == false) {
        p.why = "interface \"" + *p.interface_name + "\" is not an AT port";
    } else if (by_interface == true) {
        p.candidate = true;
        p.why = "interface \"" + *p.interface_name + "\"";
    } else if (!p.vendor.empty()) {
        p.candidate = true;
        p.why = p.vendor + " USB device";
    } else if (p.transport == "usb") {
        p.why = "USB serial device of an unknown vendor (USB-serial adapter? try probe on it)";
    } else {
        p.why = "not USB";
    }
}

std::vector<PortInfo> list_ports() {
    std::vector<PortInfo> out;
    sp_port** ports = nullptr;
    if (sp_list_ports(&ports) != SP_OK) return out;
    for (int i = 0; ports[i] != nullptr; ++i) {
        sp_port* port = ports[i];
        PortInfo p;
        p.path = sp_get_port_name(port);
        if (const char* d = sp_get_port_description(port)) p.description = d;
        switch (sp_get_port_transport(port)) {
            case SP_TRANSPORT_USB:
                p.transport = "usb";
                break;
            case SP_TRANSPORT_BLUETOOTH:
                p.transport = "bluetooth";
                break;
            default:
                p.transport = "native";
                break;
        }
        if (p.transport == "usb") {
            int vid = 0, pid = 0;
            if (sp_get_port_usb_vid_pid(port, &vid, &pid) == SP_OK) {
                p.vid = static_cast<std::uint16_t>(vid);
                p.pid = static_cast<std::uint16_t>(pid);
            }
            if (const char* s = sp_get_port_usb_manufacturer(port)) p.manufacturer = s;
            if (const char* s = sp_get_port_usb_product(port)) p.product = s;
            if (const char* s = sp_get_port_usb_serial(port)) p.serial = s;
            read_interface(p);
        }
        out.push_back(std::move(p));
    }
    sp_free_port_list(ports);
    return out;
}

struct ScanArgs {
    std::vector<std::string> include;
    bool probe = false, json = false, verbose = false;
    int baud = 115200;
};

// AT with a short deadline; the model when it answers. Busy ports are left alone.
awaitable<int> probe_port(asio::any_io_executor ex, PortInfo& p, int baud) {
    PortLink link(ex, p.path);
    if (auto failure = link.open(baud)) {
        p.probe_note = failure->what;
        if (failure->holder && !p.holder) p.holder = failure->holder;
        co_return 0;
    }
    const auto answer = co_await ask(link, "AT", 1500ms);
    p.answers_at = answer.ok();
    if (!answer.ok()) {
        p.probe_note = describe_final(answer.final);
    } else {
        co_await ask(link, "ATE0", 1500ms);
        const auto cgmi = co_await ask(link, "AT+CGMI", 1500ms);
        const auto cgmm = co_await ask(link, "AT+CGMM", 1500ms);
        for (const auto* a : {&cgmi, &cgmm})
            if (a->ok())
                if (auto t = at::parse_text_answer(a->lines))
                    p.model += (p.model.empty() ? "" : " ") + *t;
    }
    link.close();
    co_return 0;
}

nlohmann::json to_json(const PortInfo& p) {
    using nlohmann::json;
    auto opt = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
    json usb = nullptr;
    if (p.transport == "usb") {
        usb = {
            {"vid", p.vid ? json(hex4(*p.vid)) : json(nullptr)},
            {"pid", p.pid ? json(hex4(*p.pid)) : json(nullptr)},
            {"manufacturer", opt(p.manufacturer)},
            {"product", opt(p.product)},
            {"serial", opt(p.serial)},
            {"interface", p.interface_name ? json(*p.interface_name) : json(nullptr)},
            {"interface_number", p.interface_number ? json(*p.interface_number) : json(nullptr)}};
    }
    json j{{"path", p.path},
           {"description", opt(p.description)},
           {"transport", p.transport},
           {"usb", usb},
           {"vendor", opt(p.vendor)},
           {"modem_candidate", p.candidate},
           {"why", p.why},
           {"holder", p.holder ? json(*p.holder) : json(nullptr)},
           {"answers_at", p.answers_at ? json(*p.answers_at) : json(nullptr)},
           {"model", opt(p.model)}};
    if (!p.probe_note.empty()) j["probe"] = p.probe_note;
    return j;
}

int scan(const ScanArgs& a) {
    auto ports = list_ports();
    for (auto& p : ports) classify(p);
    for (const auto& path : a.include) {
        if (std::any_of(ports.begin(), ports.end(),
                        [&](const PortInfo& p) { return p.path == path; }))
            continue;
        PortInfo p;
        p.path = path;
        p.transport = "other";
        p.candidate = true;
        p.why = "given with --include";
        ports.push_back(std::move(p));
    }
    for (auto& p : ports) p.holder = drivers::port_holder(p.path);
    if (a.probe)
        for (auto& p : ports)
            if (p.candidate)
                run_on_io([&](asio::any_io_executor ex) { return probe_port(ex, p, a.baud); });

    if (a.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& p : ports) list.push_back(to_json(p));
        std::cout << nlohmann::json{{"ports", list}}.dump() << "\n";
        return 0;
    }
    if (ports.empty()) {
        std::cout << "no serial ports found.\n  hint: check `lsusb`; a USB stick that shows up as "
                     "a CD-ROM or "
                     "storage device needs usb_modeswitch to become a modem\n";
        return 0;
    }
    std::vector<std::string> header = {"PORT", "USB", "DEVICE", "INTERFACE", "MODEM?", "HOLDER"};
    if (a.probe) header.push_back("AT");
    TextTable table(header);
    for (const auto& p : ports) {
        std::string usb = p.vid ? hex4(*p.vid) + ":" + hex4(p.pid.value_or(0)) : p.transport;
        std::string device = p.manufacturer;
        if (!p.product.empty()) device += (device.empty() ? "" : " ") + p.product;
        if (!p.serial.empty()) device += " (serial " + p.serial + ")";
        if (device.empty()) device = p.description;
        std::string iface;
        if (p.interface_number) iface = "#" + std::to_string(*p.interface_number);
        if (p.interface_name) iface += (iface.empty() ? "" : " ") + *p.interface_name;
        std::vector<std::string> row = {p.path,
                                        usb,
                                        device,
                                        iface,
                                        (p.candidate ? "yes: " : "no: ") + p.why,
                                        p.holder.value_or("-")};
        if (a.probe) {
            if (!p.candidate)
                row.push_back("not probed");
            else if (p.answers_at == true)
                row.push_back("OK" + (p.model.empty() ? std::string() : " (" + p.model + ")"));
            else
                row.push_back("no: " + p.probe_note);
        }
        table.add(std::move(row));
    }
    table.print(std::cout);
    // Each held port with what to do about its holder, in probe's words.
    const bool held = std::any_of(ports.begin(), ports.end(),
                                  [](const PortInfo& p) { return p.holder.has_value(); });
    if (held) {
        std::cout << "\nheld ports:\n";
        for (const auto& p : ports)
            if (p.holder) std::cout << "  " << p.path << " " << held_by(*p.holder) << "\n";
    }
    if (!a.probe) std::cout << "\nsend AT to the modem candidates with --probe\n";
    return 0;
}

}  // namespace

void add_scan_command(CLI::App& app, int& status) {
    auto args = std::make_shared<ScanArgs>();
    auto* cmd = app.add_subcommand(
        "scan",
        "list serial ports, their USB identity, which look like modem AT ports, who holds them");
    cmd->add_option("--include", args->include,
                    "also list these paths (ptys, socat/ser2net devices)");
    cmd->add_flag("--probe", args->probe,
                  "send AT to each modem candidate (1.5 s each) and show which answer");
    cmd->add_option("--baud", args->baud, "line speed for --probe")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_flag("--json", args->json,
                  "one JSON object: {ports:[{path, usb:{vid,pid,…}, modem_candidate, holder, "
                  "answers_at,…}]}");
    cmd->add_flag("-v,--verbose", args->verbose, "log the AT engine's every step to stderr");
    cmd->callback([args, &status] {
        set_verbose(args->verbose);
        status = scan(*args);
    });
}

}  // namespace smsgw::diag
