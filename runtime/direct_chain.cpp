#include "runtime/direct_chain.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <tuple>
#include <variant>

#include "actors/frontend.hpp"
#include "actors/replica.hpp"
#include "models/durations.hpp"
#include "runtime/graph.hpp"
#include "runtime/stage_kind.hpp"

// GCC 12 warns, falsely, that a moved std::variant holding a batch "may be
// used uninitialized" where the loop's messages are moved into mailboxes and
// timers (GCC bug 80635). Clang and the sanitizers see nothing.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace troupe {

bool runs_as_direct_chain(const scenario& sc) {
  if (sc.stages.empty() || sc.scaling.policy != scaling_kind::none)
    return false;
  for (size_t i = 0; i < sc.stages.size(); ++i) {
    const auto& s = sc.stages[i];
    auto input = i == 0 ? source_stage : static_cast<stage_id>(i - 1);
    // Replicas on nodes hand batches back through their frontend, in
    // another order of messages: those chains run on the graph.
    if (s.kind != "model" || !s.service || !s.controller.empty()
        || !s.nodes.empty() || s.input_ids != std::vector<stage_id>{input})
      return false;
  }
  return true;
}

namespace {

// The messages of the chain's actors.
struct emit {};
struct arrive {
  batch work;
};
struct idle {
  uint16_t replica;
};
struct flush {};
struct serve {
  batch work;
};
struct finished {
  batch work;
};
using message = std::variant<emit, arrive, idle, flush, serve, finished>;

/// The chain's actors as the loop sees them: a mailbox each, and the test
/// coordinator's queue of actors with messages.
class event_loop {
public:
  explicit event_loop(size_t actors)
    : mailboxes_(actors), queued_(actors, false) {
  }

  void send(size_t to, message m) {
    mailboxes_[to].push_back(std::move(m));
    if (!queued_[to]) {
      queued_[to] = true;
      ready_.push_back(to);
    }
  }

  void send_later(size_t to, caf::timespan delay, message m) {
    timers_.push_back({now_ + delay, next_timer_++, to, std::move(m)});
    std::push_heap(timers_.begin(), timers_.end(), later);
  }

  /// The next message to handle, and its actor: one per actor's turn, then
  /// the earliest timer once no actor has messages.
  bool next(size_t& actor, message& m) {
    if (ready_.empty()) {
      if (timers_.empty())
        return false;
      std::pop_heap(timers_.begin(), timers_.end(), later);
      auto& first = timers_.back();
      now_ = first.due;
      send(first.to, std::move(first.m));
      timers_.pop_back();
    }
    actor = ready_.front();
    ready_.pop_front();
    m = std::move(mailboxes_[actor].front());
    mailboxes_[actor].pop_front();
    // After this turn the actor goes to the back if it has more.
    pending_ = actor;
    return true;
  }

  /// Ends the turn of the actor `next` returned.
  void turn_done() {
    if (!mailboxes_[pending_].empty())
      ready_.push_back(pending_);
    else
      queued_[pending_] = false;
  }

  caf::timespan now() const {
    return now_;
  }

private:
  struct timer {
    caf::timespan due;
    uint64_t order;
    size_t to;
    message m;
  };

  /// Heap order: the earliest first, and of equal times the first set.
  static bool later(const timer& x, const timer& y) {
    return std::tie(x.due, x.order) > std::tie(y.due, y.order);
  }

  std::vector<std::deque<message>> mailboxes_;
  std::vector<bool> queued_;
  std::deque<size_t> ready_;
  std::vector<timer> timers_;
  uint64_t next_timer_ = 0;
  caf::timespan now_{0};
  size_t pending_ = 0;
};

} // namespace

std::optional<std::vector<double>>
direct_chain_latencies(const scenario& sc, const arrival_times& arrivals,
                       size_t stop_after_late) {
  auto n_stages = sc.stages.size();
  auto slo = from_ms(sc.slo_ms);
  // Actors: the client (0), then per stage its frontend and replicas; the
  // sink is not one (it only records).
  std::vector<frontend_state> frontends(n_stages);
  std::vector<std::vector<replica_state>> replicas(n_stages);
  std::vector<size_t> frontend_actor(n_stages);
  std::vector<std::vector<size_t>> replica_actor(n_stages);
  struct owner {
    size_t stage;
    size_t replica; // npos: the frontend
  };
  constexpr size_t npos = std::numeric_limits<size_t>::max();
  std::vector<owner> owners{{npos, npos}};
  auto scheduler = run_scheduler_core(sc, sc.seed);
  for (size_t k = 0; k < n_stages; ++k) {
    const auto& spec = sc.stages[k];
    frontend_actor[k] = owners.size();
    owners.push_back({k, npos});
    auto opts = frontend_base_options(sc, static_cast<stage_id>(k));
    opts.replicas.resize(spec.replicas);
    frontends[k].init(std::move(opts));
    replicas[k].resize(spec.replicas);
    for (uint16_t r = 0; r < spec.replicas; ++r) {
      auto& rep = replicas[k][r];
      rep.options = replica_spec_options(sc, static_cast<stage_id>(k), r,
                                         sc.seed);
      rep.options.handoff = rep.options.service.handoff;
      rep.options.scheduler = scheduler;
      rep.start_draws();
      replica_actor[k].push_back(owners.size());
      owners.push_back({k, r});
    }
  }
  event_loop loop{owners.size()};
  auto n = arrivals.size();
  std::vector<double> latencies(n, std::numeric_limits<double>::infinity());
  size_t late = 0;
  auto end_unserved = [&](const std::vector<request>& requests) {
    late += requests.size();
  };
  // The client (actors/client.cpp): sends what is due, one hop later where
  // modelled, then sets its timer for the next arrival.
  size_t next_arrival = 0;
  client_hop hop{client_hop_for(sc, sc.seed)};
  // The actors on the scheduler's core tell it when they handle a message
  // (the client sends, a frontend pumps; the sink's results arrive with
  // the frontend's idle notice).
  auto busy = [&](caf::timespan t) {
    if (scheduler)
      scheduler->busy_at(t);
  };
  auto emit_due = [&] {
    auto now = loop.now();
    busy(now);
    batch due;
    due.from = source_stage;
    for (; next_arrival < n && arrivals[next_arrival] <= now; ++next_arrival) {
      request req;
      req.id = next_arrival;
      req.arrival = arrivals[next_arrival];
      req.deadline = arrivals[next_arrival] + slo;
      stage_visit visit;
      visit.stage = source_stage;
      visit.enqueue = arrivals[next_arrival];
      visit.dequeue = now;
      visit.finish = now;
      req.trace.reserve(n_stages + 1);
      req.trace.push_back(visit);
      due.requests.push_back(std::move(req));
    }
    if (!due.requests.empty()) {
      auto delay = hop.delay(now);
      if (delay.count() > 0)
        loop.send_later(frontend_actor[0], delay, arrive{std::move(due)});
      else
        loop.send(frontend_actor[0], arrive{std::move(due)});
    }
    if (next_arrival < n) {
      auto wait = std::max(caf::timespan{0}, arrivals[next_arrival] - now);
      loop.send_later(0, wait + hop.timer_late(now, wait), emit{});
    }
  };
  // The frontend's pump (actors/frontend.cpp) without a controller.
  auto pump = [&](size_t k) {
    auto& st = frontends[k];
    auto now = loop.now();
    busy(now);
    auto send_out = [&](frontend_state::dispatch& next) {
      end_unserved(next.expired);
      if (!next.work.requests.empty())
        loop.send(replica_actor[k][next.replica], serve{std::move(next.work)});
    };
    while (auto next = st.next_dispatch(now))
      send_out(*next);
    while (auto next = st.next_ahead(now))
      send_out(*next);
    if (auto due = st.flush_time()) {
      if (st.flush_at && *st.flush_at <= *due && *st.flush_at >= now)
        return;
      st.flush_at = *due;
      loop.send_later(frontend_actor[k], *due - now, flush{});
    }
  };
  // A message from a replica, one hand-off later when modelled
  // (replica_state::leaving).
  auto send_from = [&](const replica_state& rep, size_t to, message m) {
    if (rep.leaving.count() > 0)
      loop.send_later(to, rep.leaving, std::move(m));
    else
      loop.send(to, std::move(m));
  };
  auto complete = [&](size_t k, size_t r, batch& work) {
    auto& rep = replicas[k][r];
    auto now = loop.now();
    rep.last_finish = now;
    rep.finish(work, now);
    if (k + 1 < n_stages) {
      send_from(rep, frontend_actor[k + 1], arrive{std::move(work)});
    } else {
      auto left = now + rep.leaving;
      for (const auto& req : work.requests) {
        latencies[req.id] = to_ms(left - req.arrival);
        if (left - req.arrival > slo)
          ++late;
      }
    }
    send_from(rep, frontend_actor[k], idle{static_cast<uint16_t>(r)});
  };
  // The replica's start of a batch (actors/replica.cpp): held for its
  // service time, after a hand-off unless it was sent ahead and waited.
  auto start = [&](size_t k, size_t r, batch& work, bool queued) {
    auto& rep = replicas[k][r];
    auto now = loop.now();
    rep.leaving = rep.options.handoff.median;
    rep.service_times.at(now);
    auto duration = rep.service_time(work, rep.idle_before(now));
    if (!duration) {
      end_unserved(work.requests);
      send_from(rep, frontend_actor[k], idle{static_cast<uint16_t>(r)});
      return;
    }
    auto held = rep.hold(now, queued, *duration).held;
    if (held.count() == 0) {
      rep.leave(now);
      complete(k, r, work);
    } else {
      rep.holding = true;
      loop.send_later(replica_actor[k][r], held, finished{std::move(work)});
    }
  };
  emit_due();
  size_t actor = 0;
  message m;
  while (loop.next(actor, m)) {
    if (late > stop_after_late)
      return std::nullopt;
    auto [k, r] = owners[actor];
    auto now = loop.now();
    if (std::holds_alternative<emit>(m)) {
      emit_due();
    } else if (auto* in = std::get_if<arrive>(&m)) {
      auto admitted = frontends[k].admit(std::move(in->work), now);
      end_unserved(admitted.full);
      end_unserved(admitted.unreachable);
      pump(k);
    } else if (auto* done = std::get_if<idle>(&m)) {
      frontends[k].release(done->replica, now);
      pump(k);
    } else if (std::holds_alternative<flush>(m)) {
      auto& st = frontends[k];
      if (st.flush_at && *st.flush_at <= now)
        st.flush_at.reset();
      pump(k);
    } else if (auto* work = std::get_if<serve>(&m)) {
      // Sent ahead while one is held: it starts when that one is done.
      if (replicas[k][r].holding)
        replicas[k][r].waiting.push_back(std::move(work->work));
      else
        start(k, r, work->work, false);
    } else if (auto* out = std::get_if<finished>(&m)) {
      auto& rep = replicas[k][r];
      rep.holding = false;
      rep.leave(now);
      complete(k, r, out->work);
      if (!rep.waiting.empty()) {
        auto next = std::move(rep.waiting.front());
        rep.waiting.pop_front();
        start(k, r, next, true);
      }
    }
    loop.turn_done();
  }
  if (late > stop_after_late)
    return std::nullopt;
  return latencies;
}

} // namespace troupe
