#include "runtime/cluster_report.hpp"

#include <fmt/format.h>

#include "models/durations.hpp"
#include "runtime/json_string.hpp"

namespace troupe {

std::vector<node_report> report_nodes(const scenario& sc,
                                      const run_result& run) {
  std::vector<node_report> result;
  for (const auto& node : sc.nodes) {
    node_report x;
    x.name = node.name;
    x.address = node.address();
    result.push_back(std::move(x));
  }
  if (result.empty())
    return result;
  for (size_t id = 0; id < sc.stages.size(); ++id)
    for (uint32_t r = 0; r < sc.stages[id].replicas; ++r)
      if (auto node = sc.node_of(static_cast<stage_id>(id),
                                 static_cast<uint16_t>(r)))
        ++result[*node].replicas;
  for (const auto& rec : run.outcomes.records)
    for (const auto& visit : rec.req.trace) {
      // Served: in a batch, and finished (a request taken back from a lost
      // replica and then failed keeps a visit without a finish).
      if (visit.stage >= sc.stages.size() || visit.batch_id == 0
          || visit.finish.count() == 0)
        continue;
      if (auto node = sc.node_of(visit.stage, visit.replica))
        ++result[*node].served;
    }
  for (const auto& event : run.cluster.events)
    for (auto& node : result) {
      if (node.name != event.node)
        continue;
      node.losses += event.what == node_event_kind::lost ? 1 : 0;
      node.rejoins += event.what == node_event_kind::rejoined ? 1 : 0;
      if (event.what == node_event_kind::replica_lost) {
        node.replicas_lost += event.replicas;
        node.retried += event.retried;
      }
      node.events.push_back(event);
    }
  return result;
}

namespace {

/// One node's events in a line: each loss with the replicas and requests
/// that went with it, each rejoin, and replicas lost on their own.
std::string describe(const node_report& node) {
  if (node.events.empty())
    return "no failure";
  std::string text;
  auto add = [&](const std::string& part) {
    text += (text.empty() ? "" : "; ") + part;
  };
  const node_event* loss = nullptr;
  uint32_t replicas = 0;
  uint64_t retried = 0;
  auto close_loss = [&] {
    if (loss == nullptr)
      return;
    add(fmt::format("lost at {:.3f} s ({}): {} replica{} lost, {} request{} "
                    "retried",
                    to_seconds(loss->when), loss->detail, replicas,
                    replicas == 1 ? "" : "s", retried,
                    retried == 1 ? "" : "s"));
    loss = nullptr;
    replicas = 0;
    retried = 0;
  };
  for (const auto& event : node.events) {
    if (event.what == node_event_kind::lost) {
      close_loss();
      loss = &event;
    } else if (event.what == node_event_kind::replica_lost && loss != nullptr) {
      replicas += event.replicas;
      retried += event.retried;
    } else if (event.what == node_event_kind::replica_lost) {
      add(fmt::format("at {:.3f} s lost {}, {} request{} retried",
                      to_seconds(event.when), event.detail, event.retried,
                      event.retried == 1 ? "" : "s"));
    } else {
      close_loss();
      add(fmt::format("rejoined at {:.3f} s", to_seconds(event.when)));
    }
  }
  close_loss();
  return text;
}

} // namespace

std::string describe(const node_event& event) {
  auto text = fmt::format("node '{}' {} at {:.3f} s", event.node,
                          to_string(event.what), to_seconds(event.when));
  if (event.what == node_event_kind::rejoined)
    text += fmt::format(" ({} replica{} spawned again)", event.replicas,
                        event.replicas == 1 ? "" : "s");
  if (!event.detail.empty())
    text += ": " + event.detail;
  if (event.what == node_event_kind::replica_lost)
    text += fmt::format(" ({} request{} retried)", event.retried,
                        event.retried == 1 ? "" : "s");
  return text;
}

std::string render_nodes(const std::vector<node_report>& nodes) {
  if (nodes.empty())
    return {};
  std::string text = "  node          address                replicas  "
                     "served  what happened\n";
  for (const auto& node : nodes)
    text += fmt::format("  {:<13} {:<22} {:>8}  {:>6}  {}\n", node.name,
                        node.address, node.replicas, node.served,
                        describe(node));
  return text;
}

void write_nodes_json(std::ostream& out,
                      const std::vector<node_report>& nodes) {
  out << "[";
  for (size_t i = 0; i < nodes.size(); ++i) {
    const auto& n = nodes[i];
    out << "\n    {\"name\": " << json_string(n.name)
        << ", \"address\": " << json_string(n.address)
        << ", \"replicas\": " << n.replicas << ", \"served\": " << n.served
        << ", \"losses\": " << n.losses << ", \"rejoins\": " << n.rejoins
        << ", \"replicas_lost\": " << n.replicas_lost
        << ", \"retried\": " << n.retried << ", \"events\": [";
    for (size_t e = 0; e < n.events.size(); ++e) {
      const auto& x = n.events[e];
      out << (e == 0 ? "" : ", ") << "{\"what\": "
          << json_string(to_string(x.what))
          << ", \"at_s\": " << fmt::format("{:.6f}", to_seconds(x.when))
          << ", \"detail\": " << json_string(x.detail)
          << ", \"replicas\": " << x.replicas
          << ", \"retried\": " << x.retried << "}";
    }
    out << "]}" << (i + 1 < nodes.size() ? "," : "");
  }
  out << (nodes.empty() ? "]" : "\n  ]");
}

} // namespace troupe
