// Reads scenario files with toml++ and validates them. The only translation
// unit that includes toml++ (it is slow to compile).

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include <toml++/toml.h>

#include <fmt/format.h>

#include "models/durations.hpp"
#include "models/input_error.hpp"
#include "runtime/scenario.hpp"
#include "runtime/controller_kind.hpp"
#include "runtime/node_address.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe {

namespace {

const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

/// Reads one scenario file; every error names file, line and key.
class loader {
public:
  explicit loader(std::string file) : file_(std::move(file)) {
    // nop
  }

  scenario load() {
    auto root = parse("scenario file");
    root_ = &root;
    scenario sc;
    sc.file = file_;
    check_keys(root, {"name", "description", "slo_ms", "seed", "workload",
                      "scaling", "models", "model_files", "repository",
                      "inputs", "stages", "service_time", "nodes"},
               "");
    sc.name = string(require(root, "name", "name"), "name");
    sc.slo_ms = positive_time(require(root, "slo_ms", "slo_ms"), "slo_ms",
                              1e-3);
    if (auto seed = root.get("seed")) {
      auto value = integer(*seed, "seed");
      if (value < 0)
        fail(seed, "seed", "must not be negative");
      sc.seed = static_cast<uint64_t>(value);
    }
    sc.workload = load_workload(
      table(require(root, "workload", "workload"), "workload"));
    if (auto scaling = root.get("scaling"))
      sc.scaling = load_scaling(table(*scaling, "scaling"));
    if (auto models = root.get("models"))
      sc.models = load_models(array(*models, "models"));
    if (auto files = root.get("model_files"))
      for (const auto& entry : array(*files, "model_files")) {
        auto path = resolve_file(entry, "model_files");
        for (auto& m : loader{path}.load_model_file()) {
          for (const auto& other : sc.models)
            if (other.name == m.name)
              fail(&entry, "model_files",
                   "model '" + m.name + "' of " + path
                     + " is defined in the scenario already");
          sc.models.push_back(std::move(m));
        }
      }
    if (auto repository = root.get("repository"))
      sc.repository = resolve_path(*repository, "repository");
    if (auto inputs = root.get("inputs"))
      sc.inputs = load_inputs(table(*inputs, "inputs"));
    if (auto kind = root.get("service_time")) {
      auto name = string(*kind, "service_time");
      auto parsed = parse_service_time_kind(name);
      if (!parsed)
        fail(kind, "service_time",
             "unknown model '" + name + "' (mean or lognormal)");
      sc.service_time = *parsed;
    }
    if (auto nodes = root.get("nodes"))
      sc.nodes = load_nodes(array(*nodes, "nodes"));
    const auto& stages = array(require(root, "stages", "stages"), "stages");
    load_stages(stages, sc);
    order_stages(stages, sc);
    check_controllers(stages, sc);
    return sc;
  }

  /// The [[models]] of a file named in a scenario's model_files (what
  /// `troupe profile` writes).
  std::vector<model_spec> load_model_file() {
    auto root = parse("model file");
    check_keys(root, {"models"}, "");
    return load_models(array(require(root, "models", "models"), "models"));
  }

private:
  toml::table parse(const char* what) const {
    try {
      return toml::parse_file(file_);
    } catch (const toml::parse_error& err) {
      if (!std::filesystem::exists(file_))
        throw input_error(file_, 0, "", std::string{"cannot open "} + what);
      throw input_error(file_, err.source().begin.line, "",
                        std::string{err.description()});
    }
  }

  // -- error reporting and typed access ---------------------------------------

  [[noreturn]] void fail(const toml::node* at, const std::string& field,
                         const std::string& what) const {
    size_t line = at != nullptr ? at->source().begin.line : 0;
    throw input_error(file_, line, field, what);
  }

  void check_keys(const toml::table& t, const std::vector<std::string>& allowed,
                  const std::string& prefix) const {
    for (const auto& [key, node] : t) {
      auto match = [&](const std::string& name) { return key.str() == name; };
      if (std::none_of(allowed.begin(), allowed.end(), match)) {
        std::string known;
        for (const auto& name : allowed)
          known += (known.empty() ? "" : ", ") + name;
        fail(&node, prefix + std::string{key.str()},
             "unknown key (known keys here: " + known + ")");
      }
    }
  }

  const toml::node& require(const toml::table& t, const char* key,
                            const std::string& field) const {
    if (auto node = t.get(key))
      return *node;
    // The root table has no line of its own worth naming.
    fail(&t == root_ ? nullptr : &t, field, "missing required key");
  }

  double number(const toml::node& n, const std::string& field) const {
    if (auto x = n.as_integer())
      return static_cast<double>(x->get());
    if (auto x = n.as_floating_point()) {
      if (!std::isfinite(x->get()))
        fail(&n, field, "must be a finite number");
      return x->get();
    }
    fail(&n, field, std::string{"expected a number, got "} + type_name(n));
  }

  double positive(const toml::node& n, const std::string& field) const {
    auto x = number(n, field);
    if (x <= 0)
      fail(&n, field, fmt::format("must be positive, got {:g}", x));
    return x;
  }

  /// A rate in requests per second that the clock can hold: at most one
  /// request per nanosecond, at least one per longest duration.
  double rate(const toml::node& n, const std::string& field) const {
    auto x = positive(n, field);
    if (x > max_rate_qps)
      fail(&n, field,
           fmt::format("{:g} requests/s is more than one per nanosecond, the "
                       "clock's resolution (at most {:g})",
                       x, max_rate_qps));
    if (1 / x > to_seconds(max_scenario_duration))
      fail(&n, field,
           fmt::format("{:g} requests/s is one request per {:g} s, longer "
                       "than the clock holds (at most {:g} s)",
                       x, 1 / x, to_seconds(max_scenario_duration)));
    return x;
  }

  /// A positive duration in `unit_s` seconds (1 for a key ending in _s,
  /// 1e-3 for _ms) that the clock holds, as the number the file states.
  double positive_time(const toml::node& n, const std::string& field,
                       double unit_s = 1) const {
    duration(n, field, unit_s, false);
    return number(n, field);
  }

  double non_negative(const toml::node& n, const std::string& field) const {
    auto x = number(n, field);
    if (x < 0)
      fail(&n, field, "must not be negative");
    return x;
  }

  /// A duration in `unit_s` seconds (1 for keys ending in _s, 1e-3 for
  /// _ms), as the runtime's clock holds it: zero only when `allow_zero`,
  /// and at most max_scenario_duration, so that sums of a few stay in
  /// range.
  caf::timespan duration(const toml::node& n, const std::string& field,
                         double unit_s, bool allow_zero) const {
    auto x = allow_zero ? non_negative(n, field) : positive(n, field);
    auto limit_s = to_seconds(max_scenario_duration);
    if (x * unit_s > limit_s)
      fail(&n, field,
           fmt::format("{} s is longer than the clock holds (at most {:g} s)",
                       x * unit_s, limit_s));
    auto result = from_seconds(x * unit_s);
    if (result.count() == 0 && !allow_zero)
      fail(&n, field, "is shorter than a nanosecond");
    return result;
  }

  int64_t integer(const toml::node& n, const std::string& field) const {
    if (auto x = n.as_integer())
      return x->get();
    fail(&n, field, std::string{"expected an integer, got "} + type_name(n));
  }

  int64_t at_least(const toml::node& n, const std::string& field,
                   int64_t low) const {
    auto x = integer(n, field);
    if (x < low)
      fail(&n, field, "must be at least " + std::to_string(low) + ", got "
                        + std::to_string(x));
    return x;
  }

  bool boolean(const toml::node& n, const std::string& field) const {
    if (auto x = n.as_boolean())
      return x->get();
    fail(&n, field, std::string{"expected a boolean, got "} + type_name(n));
  }

  std::string string(const toml::node& n, const std::string& field) const {
    if (auto x = n.as_string())
      return x->get();
    fail(&n, field, std::string{"expected a string, got "} + type_name(n));
  }

  const toml::array& array(const toml::node& n,
                           const std::string& field) const {
    if (auto x = n.as_array())
      return *x;
    fail(&n, field, std::string{"expected an array, got "} + type_name(n));
  }

  const toml::table& table(const toml::node& n,
                           const std::string& field) const {
    if (auto x = n.as_table())
      return *x;
    fail(&n, field, std::string{"expected a table, got "} + type_name(n));
  }

  /// One name of a closed set (a policy): `parse` maps the text to its
  /// value, or to nothing for an unknown name.
  template <class Parse>
  auto choice(const toml::node& n, const std::string& field, const char* what,
              const char* known, Parse parse) const {
    auto text = string(n, field);
    auto value = parse(text);
    if (!value)
      fail(&n, field, "unknown " + std::string{what} + " '" + text
                        + "' (known: " + known + ")");
    return *value;
  }

  /// A file named relative to the scenario's folder; it must exist.
  std::string resolve_file(const toml::node& n,
                           const std::string& field) const {
    auto name = string(n, field);
    std::filesystem::path path{name};
    if (path.is_relative())
      path = std::filesystem::path{file_}.parent_path() / path;
    if (!std::filesystem::is_regular_file(path))
      fail(&n, field, "no such file '" + name + "' (looked for "
                        + path.string() + ")");
    return path.string();
  }

  /// A path named relative to the scenario's folder (it need not exist).
  std::string resolve_path(const toml::node& n,
                           const std::string& field) const {
    std::filesystem::path path{string(n, field)};
    if (path.is_relative())
      path = std::filesystem::path{file_}.parent_path() / path;
    return path.lexically_normal().string();
  }

  inputs_spec load_inputs(const toml::table& t) const {
    const std::string p = "inputs.";
    check_keys(t, {"data_set", "dir", "order", "images"}, p);
    inputs_spec x;
    if (auto n = t.get("data_set")) {
      auto name = string(*n, p + "data_set");
      if (name != "fashion-mnist")
        fail(n, p + "data_set",
             "unknown data set '" + name + "' (known: fashion-mnist)");
    }
    if (auto n = t.get("dir"))
      x.dir = resolve_path(*n, p + "dir");
    if (auto n = t.get("order")) {
      x.order = string(*n, p + "order");
      if (x.order != "sequential" && x.order != "shuffled")
        fail(n, p + "order",
             "unknown order '" + x.order + "' (known: sequential, shuffled)");
    }
    if (auto n = t.get("images"))
      x.images = static_cast<uint64_t>(at_least(*n, p + "images", 1));
    return x;
  }

  /// The [[nodes]]: unique names and addresses.
  std::vector<node_spec> load_nodes(const toml::array& nodes) const {
    std::vector<node_spec> result;
    for (size_t i = 0; i < nodes.size(); ++i) {
      auto at = "nodes[" + std::to_string(i) + "]";
      const auto& t = table(nodes[i], at);
      node_spec x;
      x.name = string(require(t, "name", at + ".name"), at + ".name");
      if (x.name.empty())
        fail(t.get("name"), at + ".name", "must not be empty");
      auto p = "nodes." + x.name + ".";
      check_keys(t, {"name", "address", "hop_ms"}, p);
      const auto& address = require(t, "address", p + "address");
      try {
        auto parsed = parse_node_address(string(address, p + "address"));
        x.host = parsed.host;
        x.port = parsed.port;
      } catch (const std::invalid_argument& err) {
        fail(&address, p + "address", err.what());
      }
      if (auto n = t.get("hop_ms"))
        x.hop = duration(*n, p + "hop_ms", 1e-3, true);
      for (const auto& other : result) {
        if (other.name == x.name)
          fail(t.get("name"), at + ".name",
               "node '" + x.name + "' is defined twice");
        if (other.host == x.host && other.port == x.port)
          fail(&address, p + "address",
               x.address() + " is node '" + other.name + "''s address too");
      }
      result.push_back(std::move(x));
    }
    return result;
  }

  /// The stage's `nodes` key: names of [[nodes]], each once.
  void load_placement(const toml::node& n, const std::string& field,
                      stage_spec& s, const scenario& sc) const {
    if (!find_stage_kind(s.kind)->replica)
      fail(&n, field, "replicas of stage kind '" + s.kind
                        + "' cannot run on nodes (the kind spawns an actor "
                          "of its own)");
    const auto& names = array(n, field);
    if (names.empty())
      fail(&n, field, "name at least one node, or leave the key out to run "
                      "the replicas in the coordinator's process");
    for (const auto& entry : names) {
      auto name = string(entry, field);
      auto known = std::any_of(sc.nodes.begin(), sc.nodes.end(),
                               [&](const node_spec& x) {
                                 return x.name == name;
                               });
      if (!known)
        fail(&entry, field,
             "unknown node '" + name + "' ("
               + (sc.nodes.empty()
                    ? "the scenario has no [[nodes]]"
                    : "known: "
                        + quoted_names(sc.nodes, [](const node_spec& x) {
                            return x.name;
                          }))
               + ")");
      if (std::find(s.nodes.begin(), s.nodes.end(), name) != s.nodes.end())
        fail(&entry, field, "node '" + name + "' listed twice");
      s.nodes.push_back(std::move(name));
    }
    if (sc.scaling.policy != scaling_kind::none)
      fail(&n, field, "a stage on nodes cannot be scaled yet: the [scaling] "
                      "policy must be none");
  }

  /// A stage table as a stage kind reads it.
  class table_reader : public stage_reader {
  public:
    table_reader(const loader& l, const toml::table& t, std::string prefix,
                 const scenario& sc)
      : l_(l), t_(t), prefix_(std::move(prefix)), sc_(sc) {
      // nop
    }

    bool has(const std::string& key) const override {
      return t_.get(key) != nullptr;
    }

    std::vector<std::string> texts(const std::string& key) const override {
      const auto& list = l_.array(l_.require(t_, key.c_str(), prefix_ + key),
                                  prefix_ + key);
      std::vector<std::string> result;
      for (const auto& item : list)
        result.push_back(l_.string(item, prefix_ + key));
      return result;
    }

    std::vector<double> numbers(const std::string& key) const override {
      const auto& list = l_.array(l_.require(t_, key.c_str(), prefix_ + key),
                                  prefix_ + key);
      std::vector<double> result;
      for (const auto& item : list)
        result.push_back(l_.number(item, prefix_ + key));
      return result;
    }

    std::string text(const std::string& key) const override {
      return l_.string(l_.require(t_, key.c_str(), prefix_ + key),
                       prefix_ + key);
    }

    double number(const std::string& key) const override {
      return l_.number(l_.require(t_, key.c_str(), prefix_ + key),
                       prefix_ + key);
    }

    int64_t integer(const std::string& key, int64_t low,
                    int64_t high) const override {
      const auto& n = l_.require(t_, key.c_str(), prefix_ + key);
      auto x = l_.at_least(n, prefix_ + key, low);
      if (x > high)
        l_.fail(&n, prefix_ + key, "must be at most " + std::to_string(high)
                                     + ", got " + std::to_string(x));
      return x;
    }

    [[noreturn]] void fail(const std::string& key,
                           const std::string& what) const override {
      auto at = t_.get(key);
      l_.fail(at != nullptr ? at : &t_, prefix_ + key, what);
    }

    const scenario& context() const override {
      return sc_;
    }

  private:
    const loader& l_;
    const toml::table& t_;
    std::string prefix_;
    const scenario& sc_;
  };

  // -- sections ---------------------------------------------------------------

  workload_spec load_workload(const toml::table& t) const {
    workload_spec w;
    w.kind = string(require(t, "kind", "workload.kind"), "workload.kind");
    const std::string p = "workload.";
    auto count = [&](bool required) {
      if (auto n = required ? &require(t, "count", p + "count")
                            : t.get("count")) {
        auto value = at_least(*n, p + "count", 1);
        if (uint64_t(value) > max_requests)
          fail(n, p + "count",
               fmt::format("{} requests; one run holds at most {}", value,
                           max_requests));
        w.count = static_cast<uint64_t>(value);
      }
    };
    if (w.kind == "deltas") {
      check_keys(t, {"kind", "file", "count"}, p);
      w.file = resolve_file(require(t, "file", p + "file"), p + "file");
      count(false);
    } else if (w.kind == "gamma") {
      check_keys(t, {"kind", "rate_qps", "cv", "count"}, p);
      w.rate_qps = rate(require(t, "rate_qps", p + "rate_qps"),
                        p + "rate_qps");
      w.cv = positive(require(t, "cv", p + "cv"), p + "cv");
      count(true);
    } else if (w.kind == "poisson") {
      check_keys(t, {"kind", "rate_qps", "count"}, p);
      w.rate_qps = rate(require(t, "rate_qps", p + "rate_qps"),
                        p + "rate_qps");
      count(true);
    } else if (w.kind == "sine") {
      check_keys(t, {"kind", "rate_qps", "period_s", "duration_s",
                     "interval_s", "count"},
                 p);
      w.rate_qps = rate(require(t, "rate_qps", p + "rate_qps"),
                        p + "rate_qps");
      w.period_s = positive_time(require(t, "period_s", p + "period_s"),
                                 p + "period_s");
      w.duration_s = positive_time(
        require(t, "duration_s", p + "duration_s"), p + "duration_s");
      if (auto n = t.get("interval_s"))
        w.interval_s = positive_time(*n, p + "interval_s");
      // Each interval costs a step even when it brings nobody.
      constexpr double max_intervals = 1e8;
      if (w.duration_s / w.interval_s > max_intervals)
        fail(t.get("interval_s") ? t.get("interval_s") : t.get("duration_s"),
             p + "interval_s",
             fmt::format("{:g} s of intervals of {:g} s are {:g} intervals; at "
                         "most {:g}",
                         w.duration_s, w.interval_s,
                         w.duration_s / w.interval_s, max_intervals));
      count(false);
    } else if (w.kind == "wave") {
      check_keys(t, {"kind", "k1", "k2", "k3", "k4", "step_s", "count"}, p);
      auto& wave = w.wave;
      wave.k1 = number(require(t, "k1", p + "k1"), p + "k1");
      wave.k2 = number(require(t, "k2", p + "k2"), p + "k2");
      wave.k3 = number(require(t, "k3", p + "k3"), p + "k3");
      if (auto n = t.get("k4"))
        wave.k4 = number(*n, p + "k4");
      if (auto n = t.get("step_s")) {
        wave.step_s = positive_time(*n, p + "step_s");
        if (wave_duration_s(wave) > to_seconds(max_scenario_duration))
          fail(n, p + "step_s",
               fmt::format("the wave's 500 steps of {:g} s last longer than "
                           "the clock holds (at most {:g} s)",
                           wave.step_s, to_seconds(max_scenario_duration)));
      }
      count(false);
    } else if (w.kind == "trace") {
      check_keys(t, {"kind", "file", "duration_s", "count"}, p);
      w.file = resolve_file(require(t, "file", p + "file"), p + "file");
      if (auto n = t.get("duration_s"))
        w.duration_s = positive_time(*n, p + "duration_s");
      count(false);
    } else {
      fail(t.get("kind"), p + "kind",
           "unknown workload kind '" + w.kind
             + "' (known: deltas, gamma, poisson, sine, wave, trace)");
    }
    return w;
  }

  scaling_spec load_scaling(const toml::table& t) const {
    const std::string p = "scaling.";
    check_keys(t, {"policy", "interval_s", "cold_start_s",
                   "scale_down_delay_s", "margin", "overhead_ms", "history",
                   "envelope_s", "headroom", "max_workers",
                   "running_cost_per_s", "idle_cost_per_s"},
               p);
    scaling_spec x;
    x.policy = choice(require(t, "policy", p + "policy"), p + "policy",
                      "scaling policy", "none, seed, tuner, oracle",
                      parse_scaling_kind);
    auto optional_non_negative = [&](const char* key, double& out) {
      if (auto n = t.get(key))
        out = non_negative(*n, p + key);
    };
    auto optional_duration = [&](const char* key, double unit_s,
                                 bool allow_zero, caf::timespan& out) {
      if (auto n = t.get(key))
        out = duration(*n, p + key, unit_s, allow_zero);
    };
    optional_duration("interval_s", 1, false, x.interval);
    // A round measures a hundred load buckets per frontend: shorter
    // intervals cost more than they can tell.
    if (x.interval < std::chrono::milliseconds(1))
      fail(t.get("interval_s"), p + "interval_s",
           "must be at least 0.001 s (one scaling round per millisecond)");
    optional_duration("cold_start_s", 1, true, x.cold_start);
    optional_duration("scale_down_delay_s", 1, true, x.scale_down_delay);
    optional_duration("overhead_ms", 1e-3, true, x.overhead);
    optional_duration("envelope_s", 1, false, x.envelope);
    optional_non_negative("running_cost_per_s", x.running_cost_per_s);
    optional_non_negative("idle_cost_per_s", x.idle_cost_per_s);
    if (auto n = t.get("margin"))
      x.margin = static_cast<uint32_t>(at_least(*n, p + "margin", 0));
    if (auto n = t.get("history"))
      x.history = static_cast<uint32_t>(at_least(*n, p + "history", 1));
    if (auto n = t.get("headroom")) {
      x.headroom = positive(*n, p + "headroom");
      if (x.headroom < 1)
        fail(n, p + "headroom", "must be at least 1");
    }
    if (auto n = t.get("max_workers")) {
      auto value = at_least(*n, p + "max_workers", 1);
      if (value > 65535)
        fail(n, p + "max_workers", "at most 65535 workers per stage");
      x.max_workers = static_cast<uint32_t>(value);
    }
    return x;
  }

  std::vector<model_spec> load_models(const toml::array& models) const {
    std::vector<model_spec> result;
    for (size_t i = 0; i < models.size(); ++i) {
      auto at = "models[" + std::to_string(i) + "]";
      const auto& t = table(models[i], at);
      check_keys(t, {"name", "profiles"}, at + ".");
      model_spec m;
      m.name = string(require(t, "name", at + ".name"), at + ".name");
      for (const auto& other : result)
        if (other.name == m.name)
          fail(t.get("name"), at + ".name",
               "model '" + m.name + "' is defined twice");
      auto prefix = "models." + m.name + ".profiles";
      const auto& profiles = array(require(t, "profiles", prefix), prefix);
      if (profiles.empty())
        fail(&profiles, prefix, "a model needs at least one profile");
      for (size_t j = 0; j < profiles.size(); ++j) {
        auto p = load_profile(profiles[j],
                              prefix + "[" + std::to_string(j) + "]");
        if (m.on(p.hardware))
          fail(&profiles[j], prefix + "[" + std::to_string(j) + "].hardware",
               "two profiles for hardware '" + p.hardware + "'");
        m.profiles.push_back(std::make_shared<const profile>(std::move(p)));
      }
      result.push_back(std::move(m));
    }
    return result;
  }

  profile load_profile(const toml::node& n, const std::string& at) const {
    const auto& t = table(n, at);
    check_keys(t,
               {"hardware", "cost", "rows", "idle_rows", "switch_rows",
                "idle_curve", "wake_curve", "polled_handoff_ms",
                "poll_longest_ms", "scheduler_wake_curve",
                "scheduler_polled_handoff_ms", "scheduler_poll_longest_ms",
                "handoff_ms", "handoff_p99_ms", "client_hop_ms",
                "client_hop_p99_ms", "timer_late_ms", "timer_late_p99_ms",
                "spell_share", "spell_ms", "stall_per_s", "stall_ms",
                "stall_burst_share", "stall_burst_gap_ms",
                "stall_burst_gaps", "scheduler_stall_per_s",
                "scheduler_stall_ms", "scheduler_stall_burst_share",
                "scheduler_stall_burst_gap_ms",
                "scheduler_stall_burst_gaps", "wake_stall_share",
                "wake_stall_ms", "scheduler_wake_stall_share",
                "scheduler_wake_stall_ms", "stall_tail_index"},
               at + ".");
    profile p;
    p.hardware = string(require(t, "hardware", at + ".hardware"),
                        at + ".hardware");
    p.cost = non_negative(require(t, "cost", at + ".cost"), at + ".cost");
    p.rows = load_rows(array(require(t, "rows", at + ".rows"), at + ".rows"),
                       at + ".rows");
    p.idle_rows = load_rows_like_rows(t, at, "idle_rows", p.rows);
    p.switch_rows = load_rows_like_rows(t, at, "switch_rows", p.rows);
    if (auto curve = t.get("idle_curve")) {
      auto field = at + ".idle_curve";
      if (p.idle_rows.empty())
        fail(curve, field, "needs idle_rows (the time it shares out)");
      p.idle_curve = load_idle_curve(array(*curve, field), field);
    }
    p.handoff = load_handoff(t, at, "handoff");
    p.wake = load_wake(t, at, "", p.handoff);
    p.scheduler_wake = load_wake(t, at, "scheduler_", p.handoff);
    p.client_hop = load_handoff(t, at, "client_hop");
    p.timer_late = load_handoff(t, at, "timer_late");
    p.spell = load_spell(t, at);
    auto tail_index = load_tail_index(t, at);
    p.stalls = load_stalls(t, at, "stall", tail_index);
    p.scheduler_stalls = load_stalls(t, at, "scheduler_stall", tail_index);
    p.wake.stalls.tail_index = p.wake.stalls.modelled() ? tail_index : 0;
    p.scheduler_wake.stalls.tail_index
      = p.scheduler_wake.stalls.modelled() ? tail_index : 0;
    if (tail_index > 0 && !p.stalls.modelled()
        && !p.scheduler_stalls.modelled() && !p.wake.stalls.modelled()
        && !p.scheduler_wake.stalls.modelled())
      fail(t.get("stall_tail_index"), at + ".stall_tail_index",
           "needs stalls to extend (stall_ms, scheduler_stall_ms, "
           "wake_stall_ms or scheduler_wake_stall_ms)");
    return p;
  }

  /// The index of the tail beyond a profile's longest stalls
  /// (models/machine_stalls.hpp): above 1, so that their mean is finite;
  /// 0 where not given (no tail).
  double load_tail_index(const toml::table& t, const std::string& at) const {
    auto index = t.get("stall_tail_index");
    if (!index)
      return 0;
    auto field = at + ".stall_tail_index";
    auto x = number(*index, field);
    if (x <= 1)
      fail(index, field,
           fmt::format("must be above 1 (a tail of a finite mean), got {:g}",
                       x));
    return x;
  }

  /// Two keys of `t` that go together: both nodes, or neither (both null);
  /// one without the other is refused, naming the missing key and what it
  /// says (`first_says`, `second_says`).
  std::pair<const toml::node*, const toml::node*>
  both_or_neither(const toml::table& t, const std::string& at,
                  const std::string& first, const std::string& first_says,
                  const std::string& second,
                  const std::string& second_says) const {
    auto x = t.get(first);
    auto y = t.get(second);
    if (y && !x)
      fail(y, at + "." + second, "needs " + first + " (" + first_says + ")");
    if (x && !y)
      fail(x, at + "." + first, "needs " + second + " (" + second_says + ")");
    return {x, y};
  }

  /// A profile's machine spell: a share of a draw's variance below 1, with
  /// the time it lasts.
  spell_time load_spell(const toml::table& t, const std::string& at) const {
    spell_time spell;
    auto [share, lasts] = both_or_neither(t, at, "spell_share",
                                          "what the spell sets", "spell_ms",
                                          "how long it lasts");
    if (!share)
      return spell;
    spell.share = non_negative(*share, at + ".spell_share");
    if (spell.share >= 1)
      fail(share, at + ".spell_share",
           "must be below 1 (a draw keeps some of its own)");
    spell.duration = duration(*lasts, at + ".spell_ms", 1e-3, false);
    return spell;
  }

  /// A profile's machine stalls: how often a core stalls (at most one per
  /// 100 us) and their durations, sorted, taking with their tail
  /// (`tail_index`, 0 for none) at most half of a core's time (else work
  /// would hardly move): the keys `prefix`_per_s and `prefix`_ms; their
  /// bursts where given.
  stall_time load_stalls(const toml::table& t, const std::string& at,
                         const std::string& prefix,
                         double tail_index) const {
    stall_time stalls;
    auto rate_key = prefix + "_per_s";
    auto lasts_key = prefix + "_ms";
    auto [rate, lasts] = both_or_neither(t, at, rate_key,
                                         "how often they come", lasts_key,
                                         "how long they last");
    if (!rate) {
      // Bursts of no stalls are refused there.
      load_bursts(t, at, prefix, 0);
      return stalls;
    }
    auto rate_field = at + "." + rate_key;
    stalls.per_s = positive(*rate, rate_field);
    if (stalls.per_s > max_stalls_per_s)
      fail(rate, rate_field,
           fmt::format("{:g} stalls a second is more than {:g}",
                       stalls.per_s, max_stalls_per_s));
    stalls.durations = load_durations(*lasts, at + "." + lasts_key);
    stalls.tail_index = tail_index;
    if (stalls.share() > max_stall_share)
      fail(rate, rate_field,
           fmt::format("stalls would take {:.0f}% of a core's time (at most "
                       "{:.0f}%)",
                       100 * stalls.share(), 100 * max_stall_share));
    stalls.bursts = load_bursts(t, at, prefix, stalls.per_s);
    return stalls;
  }

  /// Bursts of stalls at `per_s` a second: `prefix`_burst_share (of the
  /// gaps, below 1), `prefix`_burst_gap_ms (shorter than the mean gap) and
  /// `prefix`_burst_gaps (in a row, at least 1), all three or none, and
  /// none without stalls (`per_s` 0).
  stall_bursts load_bursts(const toml::table& t, const std::string& at,
                           const std::string& prefix, double per_s) const {
    stall_bursts bursts;
    auto share_key = prefix + "_burst_share";
    auto gap_key = prefix + "_burst_gap_ms";
    auto in_row_key = prefix + "_burst_gaps";
    auto share = t.get(share_key);
    auto gap = t.get(gap_key);
    auto in_row = t.get(in_row_key);
    if (!share && !gap && !in_row)
      return bursts;
    const toml::node* given = share ? share : gap ? gap : in_row;
    auto given_key = share ? share_key : gap ? gap_key : in_row_key;
    if (per_s <= 0)
      fail(given, at + "." + given_key,
           "needs " + prefix + "_per_s and " + prefix
             + "_ms (the stalls that come in bursts)");
    for (const auto& [node, key] : {std::pair{share, share_key},
                                    std::pair{gap, gap_key},
                                    std::pair{in_row, in_row_key}})
      if (!node)
        fail(given, at + "." + given_key,
             "needs " + key + " (bursts are their share, gap and gaps)");
    bursts.share = positive(*share, at + "." + share_key);
    if (bursts.share >= 1)
      fail(share, at + "." + share_key,
           "must be below 1 (some gaps are calm)");
    bursts.gap = duration(*gap, at + "." + gap_key, 1e-3, false);
    bursts.gaps_per_burst = positive(*in_row, at + "." + in_row_key);
    if (bursts.gaps_per_burst < 1)
      fail(in_row, at + "." + in_row_key,
           "must be at least 1 (a burst holds a gap)");
    // What is left to conflict: a gap too long for the rate, else too few
    // gaps in a row for the share.
    if (auto why = burst_conflict(bursts, per_s); !why.empty()) {
      auto gap_too_long = to_seconds(bursts.gap) >= 1 / per_s;
      fail(gap_too_long ? gap : in_row,
           at + "." + (gap_too_long ? gap_key : in_row_key), why);
    }
    return bursts;
  }

  /// A profile's optional second set of rows `key` (empty when absent), at
  /// the batch sizes of `rows`.
  std::vector<profile_row>
  load_rows_like_rows(const toml::table& t, const std::string& at,
                      const std::string& key,
                      const std::vector<profile_row>& rows) const {
    auto n = t.get(key);
    if (!n)
      return {};
    auto field = at + "." + key;
    const auto& those = array(*n, field);
    auto result = load_rows(those, field);
    auto same_size = [](const profile_row& x, const profile_row& y) {
      return x.batch_size == y.batch_size;
    };
    if (!std::equal(rows.begin(), rows.end(), result.begin(), result.end(),
                    same_size))
      fail(&those, field,
           "'" + key + "' list the batch sizes of rows, in the same order");
    return result;
  }

  /// A profile's `<name>_ms` and `<name>_p99_ms`.
  handoff_time load_handoff(const toml::table& t, const std::string& at,
                            const std::string& name) const {
    handoff_time h;
    auto median_key = name + "_ms";
    if (auto n = t.get(median_key))
      h.median = duration(*n, at + "." + median_key, 1e-3, true);
    if (auto n = t.get(name + "_p99_ms")) {
      auto field = at + "." + name + "_p99_ms";
      h.p99 = duration(*n, field, 1e-3, true);
      if (!h.modelled())
        fail(n, field,
             "needs " + median_key + " above 0 (the median it spreads)");
      if (h.p99 < h.median)
        fail(n, field, "must be at least " + median_key + " (the median)");
    }
    return h;
  }

  /// A profile's idle curve: [idle wait ms, share, tail share], by
  /// increasing wait; without a tail share, the share is used for the p99.
  std::vector<idle_point> load_idle_curve(const toml::array& points,
                                          const std::string& at) const {
    if (points.empty())
      fail(&points, at, "an idle curve needs at least one point");
    std::vector<idle_point> result;
    for (size_t i = 0; i < points.size(); ++i) {
      auto field = at + "[" + std::to_string(i) + "]";
      const auto& point = array(points[i], field);
      if (point.size() != 2 && point.size() != 3)
        fail(&point, field,
             "a point is [idle wait ms, share of the idle rows' extra time, "
             "share of their extra p99 (optional)], got "
               + std::to_string(point.size()) + " values");
      // Beyond 1: a served pass took longer than the idle rows say. Bounded
      // so that a service time stays far inside the clock.
      auto share = [&](const toml::node& n, const char* what) {
        constexpr double max_share = 1000;
        auto x = non_negative(n, field);
        if (x > max_share)
          fail(&point, field,
               fmt::format("{} {:g} is beyond {:g} times the idle rows' "
                           "extra time",
                           what, x, max_share));
        return x;
      };
      idle_point x;
      x.wait = duration(point[0], field, 1e-3, false);
      x.share = share(point[1], "share");
      x.tail_share = point.size() == 3 ? share(point[2], "tail share")
                                       : x.share;
      if (!result.empty() && x.wait <= result.back().wait)
        fail(&point, field,
             "points must be sorted by strictly increasing idle wait");
      result.push_back(x);
    }
    return result;
  }

  /// A profile's wake-ups of one core, under keys that start with
  /// `prefix`: a wake curve, [wait ms, hand-off ms] by increasing wait, that
  /// needs the hand-off beside it; polled_handoff_ms with poll_longest_ms,
  /// and wake_stall_share with wake_stall_ms, each pair both or neither,
  /// that need the curve (the hand-off once the core slept).
  wake_time load_wake(const toml::table& t, const std::string& at,
                      const std::string& prefix,
                      const handoff_time& handoff) const {
    wake_time wake;
    auto key = [&](const char* name) { return prefix + name; };
    if (auto curve = t.get(key("wake_curve"))) {
      auto field = at + "." + key("wake_curve");
      if (!handoff.modelled())
        fail(curve, field,
             "needs handoff_ms (the results' hand-off beside it)");
      wake.curve = load_wake_curve(array(*curve, field), field);
    }
    wake.stalls = load_wake_stalls(t, at, prefix, wake.modelled());
    auto [polled, longest] = both_or_neither(
      t, at, key("polled_handoff_ms"), "the hand-off while the core polls",
      key("poll_longest_ms"), "how long the core polls at most");
    if (!polled)
      return wake;
    auto polled_field = at + "." + key("polled_handoff_ms");
    auto longest_field = at + "." + key("poll_longest_ms");
    if (!wake.modelled())
      fail(polled, polled_field,
           "needs " + key("wake_curve")
             + " (the hand-off once the core slept)");
    wake.poll.polled = duration(*polled, polled_field, 1e-3, false);
    wake.poll.longest = duration(*longest, longest_field, 1e-3, false);
    return wake;
  }

  /// The stalls of a core's wake-ups past its poll: `prefix`
  /// wake_stall_share (of those wake-ups, 0 to 1) and wake_stall_ms
  /// (durations at evenly spaced quantiles, sorted), both or neither; they
  /// need the core's wake curve (`curved`).
  wake_stalls load_wake_stalls(const toml::table& t, const std::string& at,
                               const std::string& prefix,
                               bool curved) const {
    wake_stalls stalls;
    auto share_key = prefix + "wake_stall_share";
    auto lasts_key = prefix + "wake_stall_ms";
    auto [share, lasts] = both_or_neither(t, at, share_key,
                                          "how many wake-ups stall", lasts_key,
                                          "how long they last");
    if (!share)
      return stalls;
    if (!curved)
      fail(share, at + "." + share_key,
           "needs " + prefix + "wake_curve (the wake-ups they stall)");
    stalls.share = non_negative(*share, at + "." + share_key);
    if (stalls.share > 1)
      fail(share, at + "." + share_key,
           "is a share of wake-ups: at most 1");
    stalls.durations = load_durations(*lasts, at + "." + lasts_key);
    return stalls;
  }

  /// Durations in ms, the quantiles of a core's stalls: at least one, each
  /// positive, sorted.
  std::vector<caf::timespan> load_durations(const toml::node& n,
                                            const std::string& field) const {
    const auto& list = array(n, field);
    if (list.empty())
      fail(&list, field, "needs at least one duration");
    std::vector<caf::timespan> result;
    for (size_t i = 0; i < list.size(); ++i) {
      auto item = field + "[" + std::to_string(i) + "]";
      auto d = duration(list[i], item, 1e-3, false);
      if (!result.empty() && d < result.back())
        fail(&list[i], item,
             "durations must be sorted (they are quantiles)");
      result.push_back(d);
    }
    return result;
  }

  std::vector<wake_point> load_wake_curve(const toml::array& points,
                                          const std::string& at) const {
    if (points.empty())
      fail(&points, at, "a wake curve needs at least one point");
    std::vector<wake_point> result;
    for (size_t i = 0; i < points.size(); ++i) {
      auto field = at + "[" + std::to_string(i) + "]";
      const auto& point = array(points[i], field);
      if (point.size() != 2)
        fail(&point, field,
             "a point is [the core's wait ms, hand-off ms], got "
               + std::to_string(point.size()) + " values");
      wake_point x;
      x.wait = duration(point[0], field, 1e-3, true);
      x.handoff = duration(point[1], field, 1e-3, false);
      if (!result.empty() && x.wait <= result.back().wait)
        fail(&point, field,
             "points must be sorted by strictly increasing wait");
      result.push_back(x);
    }
    return result;
  }

  /// A profile's rows: [batch size, p99 ms, throughput q/s], sorted.
  std::vector<profile_row> load_rows(const toml::array& rows,
                                     const std::string& at) const {
    if (rows.empty())
      fail(&rows, at, "a profile needs at least one row");
    std::vector<profile_row> result;
    for (size_t r = 0; r < rows.size(); ++r) {
      auto field = at + "[" + std::to_string(r) + "]";
      const auto& row = array(rows[r], field);
      if (row.size() != 3)
        fail(&row, field,
             "a row is [batch size, p99 latency ms, throughput qps], got "
               + std::to_string(row.size()) + " values");
      profile_row pr;
      auto size = at_least(row[0], field, 1);
      constexpr int64_t largest_batch = 1'000'000;
      if (size > largest_batch)
        fail(&row, field,
             fmt::format("batch size {} (at most {})", size, largest_batch));
      pr.batch_size = static_cast<uint32_t>(size);
      pr.p99_ms = positive_time(row[1], field, 1e-3);
      pr.throughput_qps = positive(row[2], field);
      // The batch's service time, 1000 b / throughput ms, on the clock.
      if (double(pr.batch_size) / pr.throughput_qps
          > to_seconds(max_scenario_duration))
        fail(&row, field,
             fmt::format("a batch of {} at {:g} requests/s takes longer than "
                         "the clock holds (at most {:g} s)",
                         pr.batch_size, pr.throughput_qps,
                         to_seconds(max_scenario_duration)));
      if (r == 0 && pr.batch_size != 1)
        fail(&row, field, "the first row must be batch size 1 (a replica may "
                          "serve a single request)");
      if (r > 0 && pr.batch_size <= result.back().batch_size)
        fail(&row, field, "rows must be sorted by strictly increasing batch "
                          "size (" + std::to_string(pr.batch_size)
                            + " follows "
                            + std::to_string(result.back().batch_size) + ")");
      result.push_back(pr);
    }
    return result;
  }

  void load_stages(const toml::array& stages, scenario& sc) const {
    if (stages.empty())
      fail(&stages, "stages", "a pipeline needs at least one stage");
    if (stages.size() >= source_stage)
      fail(&stages, "stages", "too many stages");
    for (size_t i = 0; i < stages.size(); ++i) {
      auto at = "stages[" + std::to_string(i) + "]";
      const auto& t = table(stages[i], at);
      stage_spec s;
      s.name = string(require(t, "name", at + ".name"), at + ".name");
      auto p = "stages." + s.name + ".";
      if (s.name == "source")
        fail(t.get("name"), at + ".name",
             "'source' is reserved for the client");
      for (const auto& other : sc.stages)
        if (other.name == s.name)
          fail(t.get("name"), at + ".name",
               "stage '" + s.name + "' is defined twice");
      if (auto n = t.get("kind"))
        s.kind = string(*n, p + "kind");
      const auto* kind = find_stage_kind(s.kind);
      if (kind == nullptr)
        fail(t.get("kind"), p + "kind",
             "unknown stage kind '" + s.kind + "' (known: "
               + stage_kind_names() + ")");
      std::vector<std::string> keys{"name", "kind", "inputs"};
      keys.insert(keys.end(), kind->keys.begin(), kind->keys.end());
      if (kind->replicated)
        keys.insert(keys.end(), {"replicas", "max_batch", "queue_capacity",
                                 "drop", "routing", "batching",
                                 "max_queue_delay_ms", "controller",
                                 "decision_ms", "nodes", "send_ahead"});
      // A controller's settings: the subtable named after it.
      if (auto n = t.get("controller"); kind->replicated && n && n->is_string())
        keys.push_back(n->as_string()->get());
      check_keys(t, keys, p);
      if (kind->load)
        kind->load(table_reader{*this, t, p, sc}, s);
      if (kind->replicated)
        load_replicated(t, p, s, sc);
      if (kind->validate)
        kind->validate(table_reader{*this, t, p, sc}, s);
      const auto& inputs = array(require(t, "inputs", p + "inputs"),
                                 p + "inputs");
      if (inputs.empty())
        fail(&inputs, p + "inputs", "a stage needs at least one input");
      for (const auto& input : inputs) {
        auto name = string(input, p + "inputs");
        if (std::find(s.inputs.begin(), s.inputs.end(), name)
            != s.inputs.end())
          fail(&input, p + "inputs", "input '" + name + "' listed twice");
        s.inputs.push_back(std::move(name));
      }
      sc.stages.push_back(std::move(s));
    }
  }

  /// The frontend's keys, for stages with replicas.
  void load_replicated(const toml::table& t, const std::string& p,
                       stage_spec& s, const scenario& sc) const {
    if (auto n = t.get("replicas")) {
      auto value = at_least(*n, p + "replicas", 1);
      if (value > 65535)
        fail(n, p + "replicas", "at most 65535 replicas per stage");
      s.replicas = static_cast<uint32_t>(value);
    }
    if (auto n = t.get("max_batch")) {
      auto value = at_least(*n, p + "max_batch", 1);
      if (s.service && value > s.service->max_batch())
        fail(n, p + "max_batch",
             std::to_string(value) + " is beyond the largest profiled batch "
               "size " + std::to_string(s.service->max_batch()) + " of model '"
               + s.model + "' on '" + s.hardware + "'");
      s.max_batch = static_cast<uint32_t>(value);
    }
    if (auto n = t.get("queue_capacity"))
      s.queue_capacity = static_cast<size_t>(at_least(*n, p + "queue_capacity",
                                                      1));
    if (auto n = t.get("drop"))
      s.dropping = choice(*n, p + "drop", "dropping policy",
                          "none, deadline, estimate", parse_drop_kind);
    if (auto n = t.get("routing"))
      s.routing = choice(*n, p + "routing", "routing policy",
                         "first_idle, round_robin", parse_routing_kind);
    if (auto n = t.get("batching"))
      s.batching = choice(*n, p + "batching", "batching policy",
                          batching_kind_names(), parse_batching_kind);
    if (auto n = t.get("max_queue_delay_ms")) {
      if (s.batching != batching_kind::delay)
        fail(n, p + "max_queue_delay_ms",
             "applies to batching = \"delay\" only");
      s.max_queue_delay = duration(*n, p + "max_queue_delay_ms", 1e-3, true);
    } else if (s.batching == batching_kind::delay) {
      fail(t.get("batching"), p + "batching",
           "delay batching needs max_queue_delay_ms");
    }
    if (auto n = t.get("controller")) {
      s.controller = string(*n, p + "controller");
      const auto* controller = find_controller_kind(s.controller);
      if (!controller)
        fail(n, p + "controller",
             "unknown controller '" + s.controller + "' (known: "
               + controller_kind_names() + ")");
      load_controller_settings(t, p, *controller, s, sc);
    }
    if (auto n = t.get("decision_ms"))
      s.decision_ms = non_negative(*n, p + "decision_ms");
    if (auto n = t.get("nodes"))
      load_placement(*n, p + "nodes", s, sc);
    if (auto n = t.get("send_ahead")) {
      s.send_ahead = boolean(*n, p + "send_ahead");
      if (s.send_ahead && !s.may_send_ahead())
        fail(n, p + "send_ahead",
             "applies only to stages in this process without a controller, "
             "with greedy, fill, delay or aimd batching and drop = \"none\"");
    }
  }

  /// The subtable named after the controller, read by its kind.
  void load_controller_settings(const toml::table& t, const std::string& p,
                                const controller_kind& kind, stage_spec& s,
                                const scenario& sc) const {
    const auto* settings = t.get(kind.name);
    auto at = p + kind.name;
    if (!kind.load) {
      if (settings)
        fail(settings, at, "controller '" + kind.name + "' has no settings");
      return;
    }
    static const toml::table none;
    const auto& own = settings ? table(*settings, at) : none;
    check_keys(own, kind.keys, at + ".");
    kind.load(table_reader{*this, own, at + ".", sc}, s);
  }

  /// What a controller's settings say of other stages, once all are known.
  void check_controllers(const toml::array& stages, const scenario& sc) const {
    for (size_t i = 0; i < sc.stages.size(); ++i) {
      const auto& s = sc.stages[i];
      if (s.controller.empty())
        continue;
      const auto* kind = find_controller_kind(s.controller);
      if (!kind->problem)
        continue;
      auto why = kind->problem(sc, static_cast<stage_id>(i));
      if (why.empty())
        continue;
      const auto& t = *stages[i].as_table();
      const auto* at = t.get(s.controller);
      fail(at ? at : t.get("controller"),
           "stages." + s.name + "." + s.controller, why);
    }
  }

  /// Resolves input names and orders the stages; rejects unknown inputs and
  /// cycles.
  void order_stages(const toml::array& stages, scenario& sc) const {
    std::map<std::string, stage_id> index;
    for (size_t i = 0; i < sc.stages.size(); ++i)
      index.emplace(sc.stages[i].name, static_cast<stage_id>(i));
    for (size_t i = 0; i < sc.stages.size(); ++i) {
      auto& s = sc.stages[i];
      for (const auto& input : s.inputs) {
        if (input == "source") {
          s.input_ids.push_back(source_stage);
          continue;
        }
        auto it = index.find(input);
        if (it == index.end())
          fail(stages[i].as_table()->get("inputs"),
               "stages." + s.name + ".inputs",
               "unknown input '" + input
                 + "' (inputs are 'source' or names of stages)");
        if (it->second == i)
          fail(stages[i].as_table()->get("inputs"),
               "stages." + s.name + ".inputs", "a stage cannot feed itself");
        s.input_ids.push_back(it->second);
      }
    }
    // Kahn's algorithm, taking ready stages in file order (deterministic).
    std::vector<size_t> missing(sc.stages.size());
    for (size_t i = 0; i < sc.stages.size(); ++i)
      for (auto id : sc.stages[i].input_ids)
        if (id != source_stage)
          ++missing[i];
    std::vector<bool> placed(sc.stages.size(), false);
    while (sc.topological_order.size() < sc.stages.size()) {
      bool progress = false;
      for (size_t i = 0; i < sc.stages.size(); ++i) {
        if (placed[i] || missing[i] > 0)
          continue;
        placed[i] = true;
        progress = true;
        sc.topological_order.push_back(static_cast<stage_id>(i));
        for (auto consumer : sc.consumers(static_cast<stage_id>(i)))
          --missing[consumer];
      }
      if (!progress)
        report_cycle(stages, sc, placed);
    }
  }

  [[noreturn]] void report_cycle(const toml::array& stages,
                                 const scenario& sc,
                                 const std::vector<bool>& placed) const {
    // Walk inputs among unplaced stages until a stage repeats.
    size_t current = std::find(placed.begin(), placed.end(), false)
                     - placed.begin();
    std::vector<size_t> path;
    while (std::find(path.begin(), path.end(), current) == path.end()) {
      path.push_back(current);
      for (auto id : sc.stages[current].input_ids)
        if (id != source_stage && !placed[id]) {
          current = id;
          break;
        }
    }
    auto start = std::find(path.begin(), path.end(), current);
    std::string cycle;
    for (auto i = start; i != path.end(); ++i)
      cycle += sc.stages[*i].name + " <- ";
    cycle += sc.stages[current].name;
    fail(stages[current].as_table()->get("inputs"),
         "stages." + sc.stages[current].name + ".inputs",
         "the stages form a cycle: " + cycle);
  }

  std::string file_;
  const toml::table* root_ = nullptr;
};

} // namespace

scenario load_scenario(const std::string& path) {
  return loader{path}.load();
}

} // namespace troupe
