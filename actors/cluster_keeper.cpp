#include "actors/cluster_keeper.hpp"

#include <algorithm>
#include <set>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

namespace troupe {

void cluster_keeper_state::record(std::string node, node_event_kind what,
                                  caf::timespan when, std::string detail,
                                  uint32_t replicas, uint64_t retried) {
  history.events.push_back(node_event{std::move(node), what, when,
                                      std::move(detail), replicas, retried});
}

std::optional<size_t> cluster_keeper_state::entry_of(stage_id stage,
                                                     uint16_t slot) const {
  for (size_t r = 0; r < options.replicas.size(); ++r)
    if (options.replicas[r].options.stage == stage
        && options.replicas[r].slot == slot)
      return r;
  return std::nullopt;
}

namespace {

using link = cluster_keeper_state::link;

caf::timespan now_of(cluster_keeper_pointer self) {
  return self->state.since_epoch(self->clock().now());
}

std::string render(cluster_keeper_pointer self, const caf::error& err) {
  return self->system().render(err);
}

void connect(cluster_keeper_pointer self, size_t i);

/// Whether an answer belongs to an attempt that was given up, or came
/// after the run (an attempt then goes no further: no new spawn).
bool stale(cluster_keeper_pointer self, size_t i, uint32_t attempt) {
  const auto& n = self->state.nodes[i];
  return self->state.closing || n.attempt != attempt
         || n.state != link::connecting;
}

/// Stops the replicas of node i that the keeper knows of (those of a failed
/// attempt, or of a lost node that may still run) and forgets them.
void stop_replicas(cluster_keeper_pointer self, size_t i) {
  auto& st = self->state;
  for (size_t r = 0; r < st.options.replicas.size(); ++r)
    if (st.options.replicas[r].node == i && st.spawned[r]) {
      self->send_exit(st.spawned[r], caf::exit_reason::user_shutdown);
      st.spawned[r] = nullptr;
    }
}

/// Once the middleman has answered every request of the keeper: answers the
/// ready request with a failure before the run, the history after it.
void answer_when_settled(cluster_keeper_pointer self) {
  auto& st = self->state;
  if (st.middleman_requests > 0)
    return;
  if (st.ready && st.failure) {
    st.ready->deliver(*st.failure);
    st.ready.reset();
  }
  if (st.closed) {
    st.closed->deliver(st.history);
    st.closed.reset();
  }
}

/// Counts one answer (or error) of the middleman for the scope of its
/// handler; what waited for the middleman is answered after the handler.
struct middleman_answer {
  explicit middleman_answer(cluster_keeper_pointer self) : self(self) {
    --self->state.middleman_requests;
  }
  ~middleman_answer() {
    answer_when_settled(self);
  }
  cluster_keeper_pointer self;
};

/// An attempt failed: before the run, the run fails (unless the connection
/// timed out and start_attempts allows another try); during it, the node is
/// tried again after retry_interval.
void attempt_failed(cluster_keeper_pointer self, size_t i, uint32_t attempt,
                    const std::string& what, bool timed_out = false) {
  if (stale(self, i, attempt))
    return;
  auto& st = self->state;
  auto& n = st.nodes[i];
  n.state = link::down;
  stop_replicas(self, i);
  const auto& spec = st.options.nodes[i];
  auto text = "node '" + spec.name + "' at " + spec.address + ": " + what;
  if (st.ready && !st.failure && timed_out
      && ++n.timed_out < st.options.start_attempts) {
    self->delayed_send(self, st.options.retry_interval,
                       atoms::reconnect_atom_v, static_cast<uint32_t>(i));
    return;
  }
  if (st.ready) {
    if (n.timed_out > 1)
      text += " (" + std::to_string(n.timed_out) + " attempts)";
    if (!st.failure)
      st.failure = make_error(errc::node_unreachable, text);
    answer_when_settled(self);
    return;
  }
  self->delayed_send(self, st.options.retry_interval,
                     atoms::reconnect_atom_v, static_cast<uint32_t>(i));
}

/// Every replica of node i is ready: hand them to their frontends.
void node_up(cluster_keeper_pointer self, size_t i) {
  auto& st = self->state;
  auto& n = st.nodes[i];
  n.state = link::up;
  uint32_t count = 0;
  for (size_t r = 0; r < st.options.replicas.size(); ++r) {
    const auto& entry = st.options.replicas[r];
    if (entry.node != i)
      continue;
    ++count;
    if (st.started)
      self->send(caf::actor_cast<replica_actor>(st.spawned[r]), *st.started);
    self->send(entry.frontend, replica_joined{entry.slot, st.spawned[r]});
  }
  if (st.ready) {
    auto all_up = std::all_of(st.nodes.begin(), st.nodes.end(),
                              [](const auto& x) {
                                return x.state == link::up;
                              });
    if (all_up) {
      st.ready->deliver(atoms::ready_atom_v);
      st.ready.reset();
    }
    return;
  }
  st.record(st.options.nodes[i].name, node_event_kind::rejoined, now_of(self),
            "", count,
            0);
}

/// Spawns replica r on its node, then waits for it to be ready.
void spawn_replica(cluster_keeper_pointer self, size_t r, uint32_t attempt) {
  auto& st = self->state;
  const auto& entry = st.options.replicas[r];
  auto i = entry.node;
  auto ifs = self->system().message_types<replica_actor>();
  auto what = "replica " + std::to_string(entry.slot) + " of stage '"
              + st.options.stages.at(entry.options.stage) + "'";
  ++st.middleman_requests;
  self
    ->request(st.options.middleman, st.options.spawn_timeout, caf::spawn_atom_v,
              st.nodes[i].id, std::string{replica_type_name(entry.detached)},
              caf::make_message(entry.options), std::move(ifs))
    .then(
      [self, r, i, attempt, what](caf::strong_actor_ptr& spawned) {
        middleman_answer answer{self};
        if (stale(self, i, attempt)) {
          // Spawned for an attempt given up meanwhile.
          if (spawned)
            self->send_exit(spawned, caf::exit_reason::user_shutdown);
          return;
        }
        auto& st = self->state;
        if (!spawned) {
          attempt_failed(self, i, attempt, "spawning " + what + " failed");
          return;
        }
        st.spawned[r] = caf::actor_cast<caf::actor>(spawned);
        auto handle = caf::actor_cast<replica_actor>(spawned);
        self->request(handle, st.options.spawn_timeout, atoms::ready_atom_v)
          .then(
            [self, i, attempt](atoms::ready_atom) {
              if (stale(self, i, attempt))
                return;
              if (--self->state.nodes[i].pending == 0)
                node_up(self, i);
            },
            [self, i, attempt, what](caf::error& err) {
              attempt_failed(self, i, attempt,
                             what + " did not get ready: "
                               + render(self, err));
            });
      },
      [self, i, attempt, what](caf::error& err) {
        middleman_answer answer{self};
        attempt_failed(self, i, attempt,
                       "spawning " + what + ": " + render(self, err));
      });
}

/// Connected and named: spawn the node's replicas.
void spawn_replicas(cluster_keeper_pointer self, size_t i, uint32_t attempt) {
  auto& st = self->state;
  auto& n = st.nodes[i];
  n.pending = 0;
  for (const auto& entry : st.options.replicas)
    n.pending += entry.node == i ? 1 : 0;
  if (n.pending == 0) {
    node_up(self, i);
    return;
  }
  for (size_t r = 0; r < st.options.replicas.size(); ++r)
    if (st.options.replicas[r].node == i)
      spawn_replica(self, r, attempt);
}

/// Asks the agent found at node i's address for its name.
void check_name(cluster_keeper_pointer self, size_t i, uint32_t attempt,
                caf::node_id id, caf::strong_actor_ptr agent) {
  auto& st = self->state;
  auto handle = caf::actor_cast<node_agent_actor>(agent);
  self->request(handle, st.options.connect_timeout, atoms::node_name_atom_v)
    .then(
      [self, i, attempt, id, agent](std::string& name) {
        if (stale(self, i, attempt))
          return;
        auto& st = self->state;
        const auto& expected = st.options.nodes[i].name;
        if (name != expected) {
          attempt_failed(self, i, attempt,
                         "the node there is called '" + name
                           + "', not '" + expected + "'");
          return;
        }
        auto& n = st.nodes[i];
        n.id = id;
        n.agent = caf::actor_cast<caf::actor>(agent);
        self->monitor(n.agent);
        spawn_replicas(self, i, attempt);
      },
      [self, i, attempt](caf::error& err) {
        attempt_failed(self, i, attempt,
                       "asking its name: " + render(self, err));
      });
}

void connect(cluster_keeper_pointer self, size_t i) {
  auto& st = self->state;
  auto& n = st.nodes[i];
  n.state = link::connecting;
  auto attempt = ++n.attempt;
  const auto& spec = st.options.nodes[i];
  ++st.middleman_requests;
  self
    ->request(st.options.middleman, st.options.connect_timeout, caf::connect_atom_v,
              spec.host, spec.port)
    .then(
      [self, i, attempt](caf::node_id& id, caf::strong_actor_ptr& agent,
                         std::set<std::string>&) {
        middleman_answer answer{self};
        if (stale(self, i, attempt))
          return;
        if (!agent) {
          attempt_failed(self, i, attempt,
                         "no troupe node listens there");
          return;
        }
        check_name(self, i, attempt, std::move(id), std::move(agent));
      },
      [self, i, attempt](caf::error& err) {
        middleman_answer answer{self};
        auto why = render(self, err);
        if (err == caf::sec::request_timeout)
          why = "no answer within the connect timeout (do the node and this "
                "run agree on --tls?)";
        else if (err == caf::sec::disconnect_during_handshake)
          why = "the node ended the handshake: it refuses a certificate "
                "that its CA did not sign, and a plain connection when it "
                "uses --tls";
        attempt_failed(self, i, attempt, "cannot connect: " + why,
                       err == caf::sec::connection_timeout);
      });
}

/// Node i's connection ended: its replicas are gone; try it again after
/// retry_interval. Called for the agent's down message, or before it for a
/// frontend's report of a replica lost with the connection.
void node_lost(cluster_keeper_pointer self, size_t i, const caf::error& why,
               caf::timespan when) {
  auto& st = self->state;
  auto& n = st.nodes[i];
  if (n.state != link::up)
    return;
  n.agent = nullptr;
  n.state = link::down;
  // Mostly lost with the connection; a node that is still up ends its
  // replicas itself when the coordinator's connection ends (they watch
  // the sink).
  stop_replicas(self, i);
  st.record(st.options.nodes[i].name, node_event_kind::lost, when,
            render(self, why), 0, 0);
  self->delayed_send(self, st.options.retry_interval, atoms::reconnect_atom_v,
                     static_cast<uint32_t>(i));
}

/// A node agent's down message: the node is lost, or the attempt to bring
/// it back failed.
void on_down(cluster_keeper_pointer self, const caf::down_msg& down) {
  auto& st = self->state;
  for (size_t i = 0; i < st.nodes.size(); ++i) {
    auto& n = st.nodes[i];
    if (!n.agent || n.agent.address() != down.source)
      continue;
    ++st.events;
    if (n.state == link::connecting)
      attempt_failed(self, i, n.attempt,
                     "the connection ended: " + render(self, down.reason));
    else
      node_lost(self, i, down.reason, now_of(self));
  }
}

} // namespace

cluster_keeper_actor::behavior_type
cluster_keeper(cluster_keeper_pointer self, cluster_keeper_options options) {
  auto& st = self->state;
  st.options = std::move(options);
  st.nodes.resize(st.options.nodes.size());
  st.spawned.resize(st.options.replicas.size());
  auto& sys = self->system();
  if (!st.options.middleman)
    st.options.middleman = st.options.tls
                             ? sys.openssl_manager().actor_handle()
                             : sys.middleman().actor_handle();
  self->set_down_handler(
    [self](caf::down_msg& down) { on_down(self, down); });
  // Whatever ends the keeper, the replicas it spawned end with it.
  self->attach_functor([replicas = st.spawned_replicas] {
    for (auto& replica : *replicas)
      if (replica)
        caf::anon_send_exit(replica, caf::exit_reason::user_shutdown);
  });
  return run_member_behavior_with_ready(
    self,
    [self](atoms::ready_atom) -> caf::result<atoms::ready_atom> {
      auto& st = self->state;
      if (st.nodes.empty())
        return atoms::ready_atom_v;
      st.ready = self->make_response_promise<atoms::ready_atom>();
      for (size_t i = 0; i < st.nodes.size(); ++i)
        connect(self, i);
      return *st.ready;
    },
    [self] {
      auto& st = self->state;
      st.started = run_start{st.epoch.time_since_epoch()};
      for (auto& replica : st.spawned)
        if (replica)
          self->send(caf::actor_cast<replica_actor>(replica), *st.started);
    },
    [self](replica_lost& lost) {
      auto& st = self->state;
      ++st.events;
      auto entry = st.entry_of(lost.stage, lost.replica);
      auto node = entry ? std::optional<size_t>{st.options.replicas[*entry].node}
                        : std::nullopt;
      auto name = node ? st.options.nodes[*node].name : std::string{"?"};
      // A report about the replica of the slot now, not one replaced since
      // (a frontend may report late).
      if (entry && st.spawned[*entry] && st.spawned[*entry] == lost.handle) {
        st.spawned[*entry] = nullptr;
        // The connection ended: the node is lost, whichever down message
        // came first.
        if (lost.reason == caf::exit_reason::remote_link_unreachable)
          node_lost(self, *node, lost.reason, lost.when);
      }
      auto stage = lost.stage < st.options.stages.size()
                     ? "'" + st.options.stages[lost.stage] + "'"
                     : std::to_string(lost.stage);
      st.record(name, node_event_kind::replica_lost, lost.when,
                "replica " + std::to_string(lost.replica) + " of stage "
                  + stage + ": "
                  + render(self, lost.reason)
                  + (lost.left == 0 ? "; no replica of the stage is left"
                                    : ""),
                1, lost.retried);
    },
    [self](atoms::reconnect_atom, uint32_t i) {
      auto& st = self->state;
      ++st.events;
      // Not after the run, nor once its start failed.
      if (i < st.nodes.size() && st.nodes[i].state == link::down
          && !st.closing && !st.failure)
        connect(self, i);
    },
    [self](atoms::progress_atom) -> cluster_history {
      ++self->state.events;
      return self->state.history;
    },
    [self](atoms::cluster_atom) -> caf::result<cluster_history> {
      auto& st = self->state;
      st.closing = true;
      if (st.middleman_requests == 0)
        return st.history;
      st.closed = self->make_response_promise<cluster_history>();
      return *st.closed;
    });
}

} // namespace troupe
