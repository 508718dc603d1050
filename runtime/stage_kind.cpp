#include "runtime/stage_kind.hpp"

#include <limits>
#include <stdexcept>

#include "actors/replica.hpp"
#include "runtime/named_registry.hpp"
#include "runtime/scenario.hpp"

namespace troupe {

namespace {

/// Adds a kind that has a spawn function of its shape.
void add_checked(named_registry<stage_kind>& r, stage_kind kind) {
  if (kind.replicated ? !kind.replica && !kind.spawn_replica
                      : !kind.spawn_stage)
    throw std::invalid_argument("stage kind '" + kind.name
                                + "' has no spawn function");
  auto name = kind.name;
  r.add(name, std::move(kind));
}

/// The kinds troupe ships with; add a line here for a new built-in kind.
std::vector<stage_kind> builtin_stage_kinds() {
  return {model_stage_kind(), noop_stage_kind(), join_stage_kind(),
          torch_stage_kind()};
}

named_registry<stage_kind>& kinds() {
  // Never destroyed: used until exit.
  static auto* instance = [] {
    auto result = new named_registry<stage_kind>{"stage kind"};
    for (auto& kind : builtin_stage_kinds())
      add_checked(*result, std::move(kind));
    return result;
  }();
  return *instance;
}

/// A replica's own seed: the run's seed mixed with its stage and index
/// (splitmix64's finaliser), so that replicas draw unrelated sequences.
uint64_t replica_seed(uint64_t seed, stage_id stage, uint16_t index) {
  uint64_t x = seed
               + 0x9e3779b97f4a7c15ULL
                   * (1 + ((uint64_t{stage} << 16) | uint64_t{index}));
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// The stalls of the scheduler's core, which the client, every frontend
/// and the sink share: the busiest any stage's profile measured.
stall_time run_scheduler_stalls(const scenario& sc) {
  stall_time result;
  for (const auto& stage : sc.stages)
    if (stage.service)
      result = busier(result, scheduler_stall_time(*stage.service));
  return result;
}

/// The seed of a run's machine spell: every draw of the run shares it.
uint64_t spell_seed(uint64_t seed) {
  return replica_seed(seed, source_stage,
                      std::numeric_limits<uint16_t>::max());
}

} // namespace

replica_options replica_spec_options(const scenario& sc, stage_id id,
                                     uint16_t index, uint64_t seed) {
  replica_options opts;
  opts.stage = id;
  opts.index = index;
  if (sc.stages[id].service)
    opts.service = *sc.stages[id].service;
  opts.service_time = {sc.service_time, replica_seed(seed, id, index),
                       opts.service.spell, spell_seed(seed),
                       opts.service.stalls, run_scheduler_stalls(sc)};
  return opts;
}

namespace {

/// The root stages' profiles' `member`, combined by `pick` (longer,
/// stronger): what the client, which feeds them all, draws with.
template <class T>
T of_roots(const scenario& sc, T profile::*member,
           T (*pick)(const T&, const T&)) {
  T result{};
  for (auto id : sc.roots())
    if (sc.stages[id].service)
      result = pick(result, (*sc.stages[id].service).*member);
  return result;
}

} // namespace

client_hop_spec client_hop_for(const scenario& sc, uint64_t seed) {
  auto scheduler = run_scheduler_stalls(sc);
  return {of_roots(sc, &profile::client_hop, longer),
          {sc.service_time, replica_seed(seed, source_stage, 0),
           of_roots(sc, &profile::spell, stronger), spell_seed(seed),
           scheduler, scheduler},
          of_roots(sc, &profile::timer_late, longer)};
}

std::shared_ptr<scheduler_core> run_scheduler_core(const scenario& sc,
                                                   uint64_t seed) {
  wake_time wake;
  for (const auto& stage : sc.stages)
    if (stage.service)
      wake = longer(wake, stage.service->scheduler_wake);
  if (!wake.modelled())
    return nullptr;
  // Stalls are drawn with the lognormal model only, as the time-placed
  // ones (models/service_time_model.hpp).
  if (sc.service_time != service_time_kind::lognormal)
    wake.stalls = {};
  // A path of its own beside the spell's (any odd constant scatters it).
  constexpr uint64_t scatter = 0xbf58476d1ce4e5b9ULL;
  return std::make_shared<scheduler_core>(std::move(wake),
                                          spell_seed(seed) ^ scatter);
}

replica_options replica_base_options(const stage_spawn_context& ctx,
                                     uint16_t index) {
  auto opts = replica_spec_options(ctx.sc, ctx.id, index, ctx.seed);
  // Real time pays the hand-off as thread wake-ups.
  if (ctx.clock == clock_kind::virtual_time) {
    opts.handoff = opts.service.handoff;
    opts.scheduler = ctx.scheduler;
  }
  opts.successors = ctx.successors;
  opts.sink = ctx.sink;
  return opts;
}

void register_stage_kind(stage_kind kind) {
  add_checked(kinds(), std::move(kind));
}

const stage_kind* find_stage_kind(const std::string& name) {
  return kinds().find(name);
}

const stage_kind& kind_of(const stage_spec& spec) {
  if (auto kind = find_stage_kind(spec.kind))
    return *kind;
  throw std::logic_error("stage '" + spec.name + "' has the unregistered kind '"
                         + spec.kind + "'");
}

std::vector<std::shared_ptr<const profile>>
hardware_options(const scenario& sc, const stage_spec& s) {
  const auto& kind = kind_of(s);
  if (kind.hardware_options)
    return kind.hardware_options(sc, s);
  for (const auto& m : sc.models)
    if (m.name == s.model)
      return m.profiles;
  return {};
}

std::string stage_kind_names() {
  return kinds().names();
}

} // namespace troupe
