// Cluster mode over loopback (docs/cluster.md), against the same work in one
// process, in one run of this program:
//  1. hop: a pinger sends one-request batches to a no-op replica and waits
//     for each to come back (serve -> served_batch, as a frontend and a
//     replica on a node talk), one at a time; a hop is half a round trip.
//     The replica runs on a `troupe node` process, then in this process.
//  2. throughput: a no-op stage of 4 replicas with batches of up to 64,
//     offered a burst, on two node processes and then in this process.
//  3. failover: a node killed (SIGKILL) or frozen (SIGSTOP, noticed by
//     heartbeats only) mid-run: the time from the kill to the loss being
//     noticed, and to the first batch the replicas left finish after it (the
//     taken-back requests go first).

#include <chrono>
#include <csignal>
#include <future>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <fmt/format.h>

#include "actors/cluster_keeper.hpp"
#include "actors/replica.hpp"
#include "bench/bench.hpp"
#include "models/durations.hpp"
#include "runtime/statistics.hpp"
#include "runtime/system_config.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace troupe::bench {

namespace {

using steady = std::chrono::steady_clock;

struct pinger_state {
  caf::actor replica;
  size_t left = 0;
  steady::time_point sent;
  std::vector<double> round_trips_us;
  std::promise<std::vector<double>> done;
};

/// Sends a one-request batch to the replica, one at a time, `n` times.
caf::behavior pinger(caf::stateful_actor<pinger_state>* self,
                     caf::actor replica, size_t n,
                     std::promise<std::vector<double>> done) {
  auto& st = self->state;
  st.replica = std::move(replica);
  st.left = n;
  st.done = std::move(done);
  auto ping = [self] {
    auto& st = self->state;
    batch work;
    request req;
    stage_visit visit;
    visit.batch_id = static_cast<uint32_t>(st.left);
    req.trace.push_back(visit);
    work.requests.push_back(std::move(req));
    st.sent = steady::now();
    self->send(st.replica, atoms::serve_atom_v, std::move(work));
  };
  ping();
  return {
    [self, ping](served_batch&) {
      auto& st = self->state;
      st.round_trips_us.push_back(
        std::chrono::duration<double, std::micro>(steady::now() - st.sent)
          .count());
      if (--st.left > 0) {
        ping();
        return;
      }
      st.done.set_value(std::move(st.round_trips_us));
      self->quit();
    },
  };
}

/// One-way hops in microseconds: half of each of `n` round trips.
std::vector<double> hops_us(caf::actor_system& sys, caf::actor replica,
                            size_t n) {
  std::promise<std::vector<double>> done;
  auto result = done.get_future();
  sys.spawn(pinger, std::move(replica), n, std::move(done));
  auto trips = result.get();
  for (auto& x : trips)
    x /= 2;
  return trips;
}

replica_options noop_replica() {
  replica_options opts;
  opts.reports_to_frontend = true;
  return opts;
}

/// A scenario file with a no-op stage of 4 replicas (on nodes a and b
/// when `ports` are given) and `count` requests at `rate_qps`, or a
/// profiled one for the failover runs.
std::string cluster_scenario(const std::string& stage, uint16_t port_a,
                             uint16_t port_b, double rate_qps,
                             uint64_t count) {
  return fmt::format(R"(name = "cluster-bench"
slo_ms = 1000
seed = 3

[workload]
kind = "poisson"
rate_qps = {}
count = {}

[[models]]
name = "m"
  [[models.profiles]]
  hardware = "cpu"
  cost = 1
  rows = [[1, 10, 100], [8, 20, 400]]

[[nodes]]
name = "a"
address = "127.0.0.1:{}"

[[nodes]]
name = "b"
address = "127.0.0.1:{}"

[[stages]]
name = "s"
{}
replicas = 4
inputs = ["source"]
)",
                     rate_qps, count, port_a, port_b, stage);
}

run_options real_time() {
  run_options opts;
  opts.clock = clock_kind::real_time;
  opts.ready_timeout = std::chrono::seconds(30);
  return opts;
}

struct failover {
  double noticed_ms = 0;
  double first_batch_ms = 0;
  uint64_t sent = 0;
  uint64_t ended = 0;
};

/// Kills (or freezes) node a at the first progress report of a run.
failover measure_failover(test::temp_dir& dir, int signal) {
  auto port_a = test::free_port();
  auto port_b = test::free_port();
  test::node_process a{"a", port_a, dir.path("fa.log")};
  test::node_process b{"b", port_b, dir.path("fb.log")};
  auto file = dir.write(
    "failover.toml",
    cluster_scenario("model = \"m\"\nhardware = \"cpu\"\nmax_batch = 8\n"
                     "nodes = [\"a\", \"b\"]",
                     port_a, port_b, 150, 450));
  auto sc = load_scenario(file);
  auto opts = real_time();
  double killed_at = -1;
  opts.on_progress = [&](const run_progress& p) {
    if (killed_at >= 0)
      return;
    killed_at = p.simulated_s;
    a.signal(signal);
  };
  auto r = run_scenario(sc, opts);
  failover f;
  f.sent = r.outcomes.sent;
  f.ended = r.outcomes.records.size();
  for (const auto& e : r.cluster.events)
    if (e.node == "a" && e.what == node_event_kind::lost) {
      auto lost = e.when;
      f.noticed_ms = (to_seconds(lost) - killed_at) * 1e3;
      caf::timespan first = caf::timespan::max();
      for (const auto& rec : r.outcomes.records)
        for (const auto& visit : rec.req.trace)
          if (visit.stage == 0 && visit.dequeue >= lost
              && visit.finish.count() > 0)
            first = std::min(first, visit.finish);
      f.first_batch_ms = (to_seconds(first) - killed_at) * 1e3;
      break;
    }
  return f;
}

} // namespace

int cluster(size_t pings, uint64_t burst) {
  test::temp_dir dir;
  // 1. hops
  network_settings network;
  network.enabled = true;
  system_config cfg{clock_kind::real_time, 0, network};
  std::vector<double> remote;
  std::vector<double> local;
  {
    caf::actor_system sys{cfg};
    auto port = test::free_port();
    test::node_process node{"hop", port, dir.path("hop.log")};
    auto id = sys.middleman().connect("127.0.0.1", port);
    if (!id)
      throw std::runtime_error("cannot connect to the node: "
                               + sys.render(id.error()));
    auto there = sys.middleman().remote_spawn<replica_actor>(
      *id, replica_type_name(false), caf::make_message(noop_replica()),
      std::chrono::seconds(10));
    if (!there)
      throw std::runtime_error("remote spawn failed: "
                               + sys.render(there.error()));
    remote = hops_us(sys, caf::actor_cast<caf::actor>(*there), pings);
    auto here = sys.spawn(replica, noop_replica());
    local = hops_us(sys, caf::actor_cast<caf::actor>(here), pings);
    caf::anon_send_exit(*there, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(here, caf::exit_reason::user_shutdown);
  }
  auto r = summarize_latencies(remote);
  auto l = summarize_latencies(local);
  fmt::print("### Remote hop (`troupe-bench cluster`)\n\n"
             "One-request batches to a no-op replica and back, one at a "
             "time ({} round trips); a hop is half a round trip.\n\n"
             "| replica | hop p50 us | hop p99 us | hop max us |\n"
             "|---|---|---|---|\n"
             "| on a node process (loopback, BASP over TCP) | {:.1f} | {:.1f} "
             "| {:.1f} |\n"
             "| in this process | {:.2f} | {:.2f} | {:.1f} |\n\n",
             pings, r.p50, r.p99, r.max, l.p50, l.p99, l.max);
  std::fflush(stdout);

  // 2. throughput of a burst
  auto port_a = test::free_port();
  auto port_b = test::free_port();
  double throughput[2] = {0, 0};
  {
    test::node_process a{"a", port_a, dir.path("a.log")};
    test::node_process b{"b", port_b, dir.path("b.log")};
    for (int placed = 1; placed >= 0; --placed) {
      auto stage = std::string{"kind = \"noop\"\nmax_batch = 64\n"
                               "queue_capacity = 10000000\n"}
                   + (placed ? "nodes = [\"a\", \"b\"]\n" : "");
      auto sc = load_scenario(dir.write(
        "burst.toml", cluster_scenario(stage, port_a, port_b, 1e8, burst)));
      auto run = run_scenario(sc, real_time());
      auto summary = summarize(sc, run);
      if (summary.completed != summary.sent)
        throw std::runtime_error("the burst run lost requests");
      throughput[placed] = summary.throughput_qps;
    }
  }
  fmt::print("### Throughput, two node processes vs one process\n\n"
             "A no-op stage of 4 replicas (batches of up to 64) offered "
             "{} requests at once.\n\n"
             "| replicas | completed/s |\n|---|---|\n"
             "| on two node processes | {:.0f} |\n"
             "| in the coordinator's process | {:.0f} |\n"
             "| ratio | {:.2f} |\n\n",
             burst, throughput[1], throughput[0],
             throughput[1] / throughput[0]);
  std::fflush(stdout);

  // 3. failover
  fmt::print("### Failover\n\n"
             "Node a (2 of 4 replicas of a 10 ms/batch stage at 150 q/s) "
             "ends about a second into the run.\n\n"
             "| how node a ends | noticed after ms | first batch after ms | "
             "ended / sent |\n|---|---|---|---|\n");
  for (auto [signal, how] : {std::pair{SIGKILL, "kill -9"},
                             std::pair{SIGSTOP, "frozen (SIGSTOP)"}}) {
    auto f = measure_failover(dir, signal);
    fmt::print("| {} | {:.1f} | {:.1f} | {} / {} |\n", how, f.noticed_ms,
               f.first_batch_ms, f.ended, f.sent);
    std::fflush(stdout);
  }
  return 0;
}

} // namespace troupe::bench
