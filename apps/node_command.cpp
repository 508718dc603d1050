// `troupe node`: a process that hosts replicas for a coordinator
// (docs/cluster.md). It publishes its agent at --listen, registers the
// replica for remote spawn, and serves until SIGINT or SIGTERM.

#include <csignal>
#include <stdexcept>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/publish.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "actors/core_lender.hpp"
#include "actors/core_pinning.hpp"
#include "actors/node_agent.hpp"
#include "apps/command_errors.hpp"
#include "apps/commands.hpp"
#include "models/durations.hpp"
#include "runtime/node_address.hpp"
#include "runtime/system_config.hpp"

namespace troupe {

namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void on_stop(int) {
  stop_requested = 1;
}

} // namespace

int node_command(const node_command_options& options) {
  return report_errors("troupe node", [&]() -> int {
    auto address = parse_node_address(options.listen);
    if (options.name.empty())
      throw std::invalid_argument("--name must not be empty");
    network_settings network;
    network.enabled = true;
    network.certificate = options.certificate;
    network.key = options.key;
    network.ca_file = options.ca_file;
    network.set_connection_timeout(from_ms(options.connection_timeout_ms));
    if (!is_loopback_host(address.host) && !network.tls()) {
      if (!options.insecure) {
        std::cerr << "troupe node: " << options.listen
                  << " is reachable from other machines: anyone who reaches "
                     "it could run replicas here. Use --tls with the "
                     "cluster's certificates, or pass --insecure to listen "
                     "there without them\n";
        return 2;
      }
      std::cerr << "troupe node: warning: listening on " << options.listen
                << " without TLS (--insecure)\n";
    }
    // The node's first `threads` cores: its actors (one scheduler thread,
    // and the network's) on the first, the torch replicas' forward passes
    // on the others (actors/core_lender.hpp).
    auto allowed = cores_of_this_thread();
    if (options.threads > 0 && allowed.size() > options.threads)
      allowed.resize(options.threads);
    auto split = split_cores(allowed);
    std::shared_ptr<core_lender> lender;
    std::optional<pinned_scope> on_actor_cores;
    if (split) {
      lender = std::make_shared<core_lender>(split->replica_cores);
      on_actor_cores.emplace(split->actor_cores);
    }
    system_config cfg{clock_kind::real_time,
                      split ? split->actor_cores.size() : options.threads,
                      network};
    add_remote_actor_types(cfg, lender);
    caf::actor_system sys{cfg};
    on_actor_cores.reset();
    // Replicas whose coordinator vanished never end on their own: do not
    // wait for them at exit.
    sys.await_actors_before_shutdown(false);
    auto agent = sys.spawn(node_agent, options.name);
    auto published
      = network.tls()
          ? caf::openssl::publish(agent, address.port, address.host.c_str(),
                                  true)
          : sys.middleman().publish(agent, address.port,
                                    address.host.c_str(), true);
    if (!published) {
      std::cerr << "troupe node: cannot listen on " << options.listen << ": "
                << sys.render(published.error()) << "\n";
      return 1;
    }
    std::cout << fmt::format("node '{}' listening on {} ({}); stop it with "
                             "Ctrl-C\n",
                             options.name, options.listen,
                             network.tls() ? "mutual TLS" : "plain TCP");
    if (split) {
      auto replicas = split->replica_cores.size();
      auto plural = replicas == 1 ? "" : "s";
      std::cout << fmt::format("actors on core {}; up to {} torch "
                               "replica{} on core{} {}, more on any core\n",
                               fmt::join(split->actor_cores, ","), replicas,
                               plural, plural,
                               fmt::join(split->replica_cores, ","));
    }
    std::cout << std::flush;
    std::signal(SIGINT, on_stop);
    std::signal(SIGTERM, on_stop);
    while (stop_requested == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::cout << fmt::format("node '{}' stopping\n", options.name);
    anon_send_exit(agent, caf::exit_reason::user_shutdown);
    return 0;
  });
}

} // namespace troupe
