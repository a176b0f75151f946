// SerialPort's failures as error_codes of our own category, the glob expansion
// of candidate ports and the /proc scan that names who holds a busy port.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "drivers/modem.hpp"
#include "drivers/serial_port.hpp"

using namespace smsgw::drivers;
namespace fs = std::filesystem;

namespace {

struct ScratchDir {
    fs::path path;
    ScratchDir() {
        std::string tmpl = (fs::temp_directory_path() / "smsgw-drv-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

}  // namespace

TEST_CASE("SerialError: our category names what failed") {
    const std::error_code busy = SerialError::busy;
    CHECK(std::string(busy.category().name()) == "smsgw.serial");
    CHECK(busy.message() == "serial port busy: another program holds it");
    CHECK(std::error_code(SerialError::gone).message() == "serial device went away");
    CHECK(busy == SerialError::busy);
    CHECK(busy != SerialError::not_found);
}

TEST_CASE("SerialPort: a missing device is not_found, a regular file is not a terminal") {
    ScratchDir dir;
    boost::asio::io_context io;
    SerialPort port(io.get_executor());
    std::string detail;
    CHECK(port.open((dir.path / "ttyUSB9").string(), {}, &detail) == SerialError::not_found);
    CHECK(detail.find("ttyUSB9") != std::string::npos);
    CHECK_FALSE(port.is_open());

    std::ofstream((dir.path / "plain").string()) << "x";
    CHECK(port.open((dir.path / "plain").string(), {}, &detail) == SerialError::open_failed);
    CHECK(detail.find("not a terminal") != std::string::npos);
}

TEST_CASE("expand_globs: sorted, de-duplicated candidate ports") {
    ScratchDir dir;
    for (const char* name : {"ttyUSB1", "ttyUSB0", "ttyACM0", "other"})
        std::ofstream((dir.path / name).string()) << "";
    const auto base = dir.path.string();
    const auto ports = expand_globs({base + "/ttyUSB*", base + "/ttyACM*", base + "/ttyUSB0"});
    CHECK(ports == std::vector<std::string>{base + "/ttyACM0", base + "/ttyUSB0", base + "/ttyUSB1"});
    CHECK(expand_globs({base + "/nothing*"}).empty());
}

TEST_CASE("port_holder: names the process that has the device open") {
    ScratchDir dir;
    const auto file = (dir.path / "ttyFAKE").string();
    std::ofstream(file) << "";
    CHECK_FALSE(port_holder(file).has_value());
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::execlp("sh", "sh", "-c", ("exec sleep 20 < " + file).c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // The shell opens the file before it execs sleep: until then the holder
    // is rightly named "sh". Wait for the exec, at most 5 s.
    std::optional<std::string> holder;
    for (int i = 0; i < 250; ++i) {
        holder = port_holder(file);
        if (holder && holder->starts_with("sleep")) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(child, SIGTERM);
    ::waitpid(child, nullptr, 0);
    REQUIRE(holder.has_value());
    CHECK(*holder == "sleep (pid " + std::to_string(child) + ")");
}

TEST_CASE("ModemState and SendResult names are the log and JSON names") {
    CHECK(to_string(ModemState::registering) == "registering");
    CHECK(to_string(ModemState::ready) == "ready");
    CHECK(to_string(ModemState::recovering) == "recovering");
    CHECK(to_string(SendResult::Status::uncertain) == "uncertain");
    CHECK(to_string(SendResult::Status::not_ready) == "not_ready");
}
