// Writes scenarios as TOML (the keys of docs/scenario.md), for plans that
// `troupe run` and `troupe plan` read back.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "models/durations.hpp"
#include "models/output_file.hpp"
#include "runtime/scenario.hpp"
#include "runtime/controller_kind.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe {

std::string toml_quoted(const std::string& text) {
  // TOML basic strings hold no raw control characters: each is escaped.
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if ((c >= 0 && c < 0x20) || c == 0x7f)
          out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
        else
          out += c;
    }
  }
  return out + '"';
}

namespace {

/// Shortest text that reads back as the same double.
std::string number(double x) {
  return fmt::format("{}", x);
}

std::string relative_to(const std::string& file, const std::string& folder) {
  namespace fs = std::filesystem;
  if (file.empty())
    return file;
  auto rel = fs::absolute(file).lexically_relative(fs::absolute(folder));
  return rel.empty() ? file : rel.generic_string();
}

void write_workload(std::ostream& out, const workload_spec& w,
                    const std::string& folder) {
  out << "[workload]\nkind = " << toml_quoted(w.kind) << "\n";
  if (w.kind == "deltas" || w.kind == "trace")
    out << "file = " << toml_quoted(relative_to(w.file, folder)) << "\n";
  if (w.kind == "gamma" || w.kind == "poisson" || w.kind == "sine")
    out << "rate_qps = " << number(w.rate_qps) << "\n";
  if (w.kind == "gamma")
    out << "cv = " << number(w.cv) << "\n";
  if (w.kind == "sine")
    out << "period_s = " << number(w.period_s) << "\ninterval_s = "
        << number(w.interval_s) << "\n";
  if (w.kind == "wave")
    out << "k1 = " << number(w.wave.k1) << "\nk2 = " << number(w.wave.k2)
        << "\nk3 = " << number(w.wave.k3) << "\nk4 = " << number(w.wave.k4)
        << "\nstep_s = " << number(w.wave.step_s) << "\n";
  if ((w.kind == "sine" || w.kind == "trace") && w.duration_s > 0)
    out << "duration_s = " << number(w.duration_s) << "\n";
  if (w.count > 0)
    out << "count = " << w.count << "\n";
}

void write_scaling(std::ostream& out, const scaling_spec& x) {
  if (x.policy == scaling_kind::none)
    return;
  out << "\n[scaling]\npolicy = " << toml_quoted(to_string(x.policy))
      << "\ninterval_s = " << number(to_seconds(x.interval))
      << "\ncold_start_s = " << number(to_seconds(x.cold_start))
      << "\nscale_down_delay_s = " << number(to_seconds(x.scale_down_delay))
      << "\nmargin = " << x.margin
      << "\noverhead_ms = " << number(to_ms(x.overhead))
      << "\nhistory = " << x.history
      << "\nenvelope_s = " << number(to_seconds(x.envelope))
      << "\nheadroom = " << number(x.headroom)
      << "\nmax_workers = " << x.max_workers
      << "\nrunning_cost_per_s = " << number(x.running_cost_per_s)
      << "\nidle_cost_per_s = " << number(x.idle_cost_per_s) << "\n";
}

void write_stage(std::ostream& out, const stage_spec& s) {
  out << "\n[[stages]]\nname = " << toml_quoted(s.name) << "\n";
  const auto& kind = kind_of(s);
  if (s.kind != "model")
    out << "kind = " << toml_quoted(s.kind) << "\n";
  if (kind.write)
    for (const auto& [key, value] : kind.write(s))
      out << key << " = " << value << "\n";
  if (kind.replicated)
    out << "replicas = " << s.replicas << "\nmax_batch = " << s.max_batch
        << "\nqueue_capacity = " << s.queue_capacity << "\ndrop = "
        << toml_quoted(to_string(s.dropping)) << "\nrouting = "
        << toml_quoted(to_string(s.routing)) << "\nbatching = "
        << toml_quoted(to_string(s.batching)) << "\n";
  if (kind.replicated && s.batching == batching_kind::delay)
    out << "max_queue_delay_ms = " << number(to_ms(s.max_queue_delay))
        << "\n";
  if (!s.controller.empty())
    out << "controller = " << toml_quoted(s.controller) << "\ndecision_ms = "
        << number(s.decision_ms) << "\n";
  if (kind.replicated && !s.send_ahead)
    out << "send_ahead = false\n";
  if (!s.nodes.empty()) {
    out << "nodes = [";
    for (size_t i = 0; i < s.nodes.size(); ++i)
      out << (i == 0 ? "" : ", ") << toml_quoted(s.nodes[i]);
    out << "]\n";
  }
  out << "inputs = [";
  for (size_t i = 0; i < s.inputs.size(); ++i)
    out << (i == 0 ? "" : ", ") << toml_quoted(s.inputs[i]);
  out << "]\n";
  // The controller's settings come last: a subtable ends the stage's keys.
  if (s.controller.empty())
    return;
  const auto* controller = find_controller_kind(s.controller);
  if (controller == nullptr || !controller->write)
    return;
  out << "  [stages." << s.controller << "]\n";
  for (const auto& [key, value] : controller->write(s))
    out << "  " << key << " = " << value << "\n";
}

/// `key = [[batch size, p99 ms, throughput q/s], ...]`, a row per line.
void write_rows(std::ostream& out, const std::string& key,
                const std::vector<profile_row>& rows) {
  out << "  " << key << " = [";
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    out << (i == 0 ? "" : ",\n" + std::string(key.size() + 6, ' ')) << "["
        << r.batch_size << ", " << number(r.p99_ms) << ", "
        << number(r.throughput_qps) << "]";
  }
  out << "]\n";
}

/// `<name>_ms` and `<name>_p99_ms`, where measured.
void write_handoff(std::ostream& out, const std::string& name,
                   const handoff_time& h) {
  if (h.modelled())
    out << "  " << name << "_ms = " << number(to_ms(h.median)) << "\n";
  if (h.p99.count() > 0)
    out << "  " << name << "_p99_ms = " << number(to_ms(h.p99)) << "\n";
}

/// `<prefix>wake_curve`, `<prefix>polled_handoff_ms` and
/// `<prefix>poll_longest_ms`, where measured.
/// Durations in ms as a TOML array: up to 65 numbers, eight to a line.
void write_durations(std::ostream& out,
                     const std::vector<caf::timespan>& durations) {
  out << "[";
  for (size_t i = 0; i < durations.size(); ++i)
    out << (i == 0 ? "" : i % 8 == 0 ? ",\n    " : ", ")
        << number(to_ms(durations[i]));
  out << "]\n";
}

void write_wake(std::ostream& out, const std::string& prefix,
                const wake_time& x) {
  if (!x.modelled())
    return;
  out << "  " << prefix << "wake_curve = [";
  for (size_t i = 0; i < x.curve.size(); ++i)
    out << (i == 0 ? "" : i % 4 == 0 ? ",\n    " : ", ") << "["
        << number(to_ms(x.curve[i].wait)) << ", "
        << number(to_ms(x.curve[i].handoff)) << "]";
  out << "]\n";
  if (x.poll.modelled())
    out << "  " << prefix << "polled_handoff_ms = "
        << number(to_ms(x.poll.polled)) << "\n  " << prefix
        << "poll_longest_ms = " << number(to_ms(x.poll.longest)) << "\n";
  if (x.stalls.modelled()) {
    out << "  " << prefix << "wake_stall_share = " << number(x.stalls.share)
        << "\n  " << prefix << "wake_stall_ms = ";
    write_durations(out, x.stalls.durations);
  }
}

/// `<name>_per_s` and `<name>_ms`, where measured, and their bursts.
} // namespace

void write_stall_keys(std::ostream& out, const std::string& name,
                      const stall_time& x) {
  if (!x.modelled())
    return;
  out << "  " << name << "_per_s = " << number(x.per_s) << "\n  " << name
      << "_ms = ";
  write_durations(out, x.durations);
  const auto& bursts = x.bursts;
  if (bursts.modelled())
    out << "  " << name << "_burst_share = " << number(bursts.share)
        << "\n  " << name << "_burst_gap_ms = " << number(to_ms(bursts.gap))
        << "\n  " << name << "_burst_gaps = " << number(bursts.gaps_per_burst)
        << "\n";
}

void write_comment(std::ostream& out, const std::string& text) {
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);)
    out << (line.empty() ? "#" : "# " + line) << "\n";
}

void write_models(std::ostream& out, const std::vector<model_spec>& models) {
  for (const auto& m : models) {
    out << "\n[[models]]\nname = " << toml_quoted(m.name) << "\n";
    for (const auto& p : m.profiles) {
      out << "  [[models.profiles]]\n  hardware = " << toml_quoted(p->hardware)
          << "\n  cost = " << number(p->cost) << "\n";
      write_rows(out, "rows", p->rows);
      if (!p->idle_rows.empty())
        write_rows(out, "idle_rows", p->idle_rows);
      if (!p->switch_rows.empty())
        write_rows(out, "switch_rows", p->switch_rows);
      if (!p->idle_curve.empty()) {
        out << "  idle_curve = [";
        for (size_t i = 0; i < p->idle_curve.size(); ++i)
          out << (i == 0 ? "" : ", ") << "["
              << number(to_ms(p->idle_curve[i].wait)) << ", "
              << number(p->idle_curve[i].share) << ", "
              << number(p->idle_curve[i].tail_share) << "]";
        out << "]\n";
      }
      write_handoff(out, "handoff", p->handoff);
      write_wake(out, "", p->wake);
      write_wake(out, "scheduler_", p->scheduler_wake);
      write_handoff(out, "client_hop", p->client_hop);
      write_handoff(out, "timer_late", p->timer_late);
      if (p->spell.modelled())
        out << "  spell_share = " << number(p->spell.share)
            << "\n  spell_ms = " << number(to_ms(p->spell.duration)) << "\n";
      write_stall_keys(out, "stall", p->stalls);
      write_stall_keys(out, "scheduler_stall", p->scheduler_stalls);
      // One tail for all of a profile's stalls (they are measured alike).
      for (auto index : {p->stalls.tail_index, p->scheduler_stalls.tail_index,
                         p->wake.stalls.tail_index,
                         p->scheduler_wake.stalls.tail_index})
        if (index > 0) {
          out << "  stall_tail_index = " << number(index) << "\n";
          break;
        }
    }
  }
}

void write_scenario(const scenario& sc, const std::string& path,
                    const std::string& comment) {
  auto folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty())
    folder = ".";
  std::ostringstream out;
  write_comment(out, comment);
  out << "name = " << toml_quoted(sc.name) << "\nslo_ms = " << number(sc.slo_ms)
      << "\nseed = " << sc.seed << "\n";
  if (sc.service_time != service_time_kind::mean)
    out << "service_time = " << toml_quoted(to_string(sc.service_time))
        << "\n";
  out << "\n";
  bool serves_models = std::any_of(sc.stages.begin(), sc.stages.end(),
                                   [](const stage_spec& s) {
                                     return kind_of(s).runs_repository_models;
                                   });
  if (serves_models)
    out << "repository = " << toml_quoted(relative_to(sc.repository, folder))
        << "\n\n";
  write_workload(out, sc.workload, folder);
  if (sc.inputs) {
    const auto& in = *sc.inputs;
    out << "\n[inputs]\ndata_set = \"fashion-mnist\"\ndir = "
        << toml_quoted(relative_to(in.dir, folder))
        << "\norder = " << toml_quoted(in.order) << "\n";
    if (in.images > 0)
      out << "images = " << in.images << "\n";
  }
  write_scaling(out, sc.scaling);
  write_models(out, sc.models);
  for (const auto& node : sc.nodes)
    out << "\n[[nodes]]\nname = " << toml_quoted(node.name)
        << "\naddress = " << toml_quoted(node.address())
        << "\nhop_ms = " << number(to_ms(node.hop)) << "\n";
  for (const auto& s : sc.stages)
    write_stage(out, s);
  write_file_atomically(path, out.str());
}

} // namespace troupe
