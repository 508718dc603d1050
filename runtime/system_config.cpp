#include "runtime/system_config.hpp"

#include <algorithm>
#include <string>

#include <caf/atom.hpp>
#include <caf/message.hpp>

#include "messages/error.hpp"
#include <caf/actor_factory.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include "actors/client.hpp"
#include "actors/core_lender.hpp"
#include "actors/core_pinning.hpp"
#include "actors/cluster_keeper.hpp"
#include "actors/frontend.hpp"
#include "actors/join.hpp"
#include "actors/replica.hpp"
#include "actors/scaler.hpp"
#include "actors/sink.hpp"
#include "messages/interfaces.hpp"

namespace troupe {

system_config::system_config(clock_kind clock, size_t threads,
                             const network_settings& network) {
  add_message_types<caf::id_block::troupe>();
  add_error_category(error_category, [](uint8_t code, caf::atom_value,
                                        const caf::message& context) {
    auto text = to_string(static_cast<errc>(code));
    if (context.match_elements<std::string>())
      text += ": " + context.get_as<std::string>(0);
    return text;
  });
  if (clock == clock_kind::virtual_time) {
    set("scheduler.policy", caf::atom("testing"));
    return;
  }
  if (threads == 0)
    threads = usable_cores();
  set("scheduler.max-threads", threads);
  // An idle worker spins briefly, then sleeps on a condition variable that a
  // message from outside the scheduler (a detached replica's results)
  // notifies. CAF's middle phase of 50 us sleeps between polls instead made
  // that hand-off take about 60 us at the median (timer slack included).
  set("work-stealing.moderate-poll-attempts", size_t{0});
  if (!network.enabled)
    return;
  load<caf::io::middleman>();
  set("middleman.heartbeat-interval", network.heartbeat);
  set("middleman.connection-timeout", network.connection_timeout);
  if (!network.tls())
    return;
  load<caf::openssl::manager>();
  set("openssl.certificate", network.certificate);
  set("openssl.key", network.key);
  set("openssl.cafile", network.ca_file);
}

void add_remote_actor_types(caf::actor_system_config& cfg,
                            std::shared_ptr<core_lender> lender) {
  cfg.add_actor_type(replica_type_name(false), replica);
  // A factory for the same function that spawns detached: a forward pass
  // blocks its thread (CAF's factories spawn scheduled actors only). Torch
  // replicas are the detached ones.
  auto scheduled = caf::make_actor_factory(replica);
  auto detached = [scheduled, lender](caf::actor_config& actor_cfg,
                                      caf::message& args) {
    actor_cfg.flags |= caf::abstract_actor::is_detached_flag;
    std::vector<int> cores;
    if (lender && args.match_elements<replica_options>()) {
      auto& options = args.get_mutable_as<replica_options>(0);
      if (!options.inference.empty())
        cores = lender->lend();
      for (auto& inference : options.inference)
        inference.cores = cores;
    }
    auto result = scheduled(actor_cfg, args);
    if (!cores.empty()) {
      if (result.first)
        result.first->get()->attach_functor([lender] { lender->give_back(); });
      else
        lender->give_back();
    }
    return result;
  };
  cfg.add_actor_factory(replica_type_name(true), std::move(detached));
}

} // namespace troupe
