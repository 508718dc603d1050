#pragma once

// Rafiki's steps (seed 000, SEEDS.md 1) as decisions over a queue that
// someone else holds: the actor graph's frontend holds the requests and
// asks at every check what to do; this class answers with the rules of
// step_rules.hpp and keeps what the seed's environment keeps besides the
// queue: the clock of the current step, the models' busy times and the
// agent's action.
//
// A step starts when the previous one's time advance is over (the first at
// tau/5). Its agent picks an action from the observation at that instant;
// then the step checks at that instant and every 0.05 s after it whether to
// wait (step_rules: should_wait) or to serve min(queue, b) requests with the
// chosen models. The frontend asks at arrivals too: a question between two
// checks is told to ask again at the next one, so that arrivals join the
// queue exactly at the seed's checks. A check the frontend did not ask
// about found the queue empty (it asks whenever requests wait).
//
// Times are nanoseconds since the run's start, so that every check falls
// on the same instant in the actor graph's clock.

#include <cstdint>
#include <functional>
#include <vector>

#include "policies/rafiki/action_space.hpp"
#include "policies/rafiki/agent.hpp"
#include "policies/rafiki/tables.hpp"

namespace troupe::rafiki {

struct environment_options {
  /// sync: a step waits for every model to be free; async: for the first.
  bool sync = false;
  /// Weight of overdue requests in the reward.
  double beta = 1;
  /// A request served later than this after its arrival is overdue.
  double max_latency_s = 10;
  /// tau = the table's largest latency x tau_times (shapes the waiting).
  double tau_times = 2;
  /// How late a question may come and still count as the check it was due
  /// for: 0 in virtual time (questions come on time); in real time a
  /// timer's slack.
  int64_t late_ns = 0;
};

/// One served step, as `troupe rafiki replay` writes it.
struct step_record {
  uint64_t step = 0;
  /// When the batch was dispatched.
  double time_s = 0;
  size_t action = 0;
  uint32_t mask = 0;
  uint32_t batch_size = 0;
  uint32_t served = 0;
  uint32_t overdue = 0;
  double reward = 0;
  /// The subset's accuracy.
  double accuracy = 0;
  /// How long after time_s the slowest chosen model finishes the batch
  /// (P): a served request's latency is time_s - its arrival + P.
  double finish_s = 0;
};

/// The queue a check sees: its length and the arrival times (ns since the
/// run's start) of its first requests, oldest first: at least
/// min(length, observed_queue, the largest batch) of them. More are
/// allowed and cost nothing (a check reads no further).
struct queue_view {
  size_t length = 0;
  const int64_t* arrivals_ns = nullptr;
  size_t known = 0;

  int64_t oldest() const {
    return arrivals_ns[0];
  }
};

class step_controller {
public:
  step_controller(tables t, environment_options options, agent& chooser);

  struct answer {
    /// 0: serve nothing now; ask again after retry_after_ns.
    uint32_t batch_size = 0;
    int64_t retry_after_ns = 0;
    /// The models to serve the batch (mask as in action_space).
    uint32_t mask = 0;
    /// The agent has no more actions: serve nothing, ask no more.
    bool exhausted = false;
  };

  /// A check at `now_ns` of the queue `q`.
  answer check(int64_t now_ns, const queue_view& q);

  /// Called with every step served.
  std::function<void(const step_record&)> on_step;

  const action_space& actions() const {
    return actions_;
  }

private:
  /// Lets the models work until `when_ns`.
  void elapse_to(int64_t when_ns);

  /// The step starts at `step_start_ns_`: the agent picks its action.
  /// False when it holds (step_start_ns_ moved) or is exhausted.
  bool begin_step(const queue_view& q);

  answer serve(int64_t now_ns, const queue_view& q);

  tables tables_;
  environment_options options_;
  agent& agent_;
  action_space actions_;
  double tau_s_;
  int64_t tick_ns_;
  std::vector<double> busy_s_;
  int64_t busy_at_ns_ = 0;
  /// Between steps: when the next one starts.
  int64_t step_start_ns_;
  bool in_step_ = false;
  bool exhausted_ = false;
  /// In a step: its action and its next check.
  size_t action_ = 0;
  int64_t next_check_ns_ = 0;
  uint64_t steps_ = 0;
  /// The observed queue's waits (kept to reuse its memory).
  std::vector<double> waits_;
};

} // namespace troupe::rafiki
