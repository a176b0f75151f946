// The daemon's answers to socket requests (DESIGN.md, "Socket protocol"): one
// RequestHandler that turns each op into store reads and writes, policy
// decisions and events. The server has already parsed the request, checked the
// caller's role against the op table, and answers hello/subscribe itself.
#pragma once

#include <memory>

#include "config/config.hpp"
#include "daemon/server/handler.hpp"
#include "daemon/service/submit_queue.hpp"

namespace smsgw::store {
class Store;
}
namespace smsgw::core {
class SettingsCache;
class EventPublisher;
}  // namespace smsgw::core

namespace smsgw::service {

class ModemDirectory;

struct ServiceDeps {
    asio::io_context& io;
    store::Store& store;
    core::SettingsCache& settings;
    core::EventPublisher& events;
    ModemDirectory& modems;
};

class Service : public server::RequestHandler {
  public:
    Service(ServiceDeps deps, std::shared_ptr<const config::Config> config);
    ~Service() override;

    awaitable<server::HandlerResult> handle(const api::Request& request,
                                            const server::CallerInfo& caller) override;

    // SIGHUP: limits, default_country and the like apply to later requests.
    void set_config(std::shared_ptr<const config::Config> config);
    // SIGTERM: later sends get `service_disabled` ("shutting down").
    void stop_accepting();
    // How submissions were committed so far (logged when the daemon stops).
    SubmitStats submit_stats() const;

    struct Impl;  // service_impl.hpp, shared by the op files

  private:
    // The op's own answer; handle() adds what a database failure means.
    awaitable<server::HandlerResult> answer(const api::Request& request,
                                            const server::CallerInfo& caller);

    std::unique_ptr<Impl> impl_;
};

}  // namespace smsgw::service
