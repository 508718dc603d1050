#include "policies/rafiki/step_controller.hpp"

#include <algorithm>
#include <cmath>

#include "policies/rafiki/step_rules.hpp"

namespace troupe::rafiki {

namespace {

int64_t to_ns(double seconds) {
  return static_cast<int64_t>(std::llround(seconds * 1e9));
}

double to_s(int64_t ns) {
  return double(ns) / 1e9;
}

const queue_view empty_queue;

} // namespace

step_controller::step_controller(tables t, environment_options options,
                                 agent& chooser)
  : tables_(std::move(t)),
    options_(options),
    agent_(chooser),
    actions_(tables_.models(), tables_.batch_sizes.size()),
    tau_s_(tables_.max_latency_s() * options.tau_times),
    tick_ns_(to_ns(wait_tick_s)),
    busy_s_(tables_.models(), 0.0),
    step_start_ns_(to_ns(tau_s_ / 5)) {
  // nop
}

void step_controller::elapse_to(int64_t when_ns) {
  if (when_ns > busy_at_ns_) {
    elapse(busy_s_, to_s(when_ns - busy_at_ns_));
    busy_at_ns_ = when_ns;
  }
}

step_controller::answer
step_controller::check(int64_t now_ns, const queue_view& q) {
  answer wait;
  if (exhausted_) {
    wait.exhausted = true;
    return wait;
  }
  // A check is due at an instant; a question up to `late` after it (a real
  // timer's slack) still counts as that check.
  auto on_time = [&](int64_t due) {
    return now_ns - due <= options_.late_ns;
  };
  while (!in_step_) {
    if (now_ns < step_start_ns_) {
      wait.retry_after_ns = step_start_ns_ - now_ns;
      return wait;
    }
    bool asked_at_start = on_time(step_start_ns_);
    if (begin_step(asked_at_start ? q : empty_queue))
      break;
    if (exhausted_) {
      wait.exhausted = true;
      return wait;
    }
  }
  if (now_ns < next_check_ns_) {
    wait.retry_after_ns = next_check_ns_ - now_ns;
    return wait;
  }
  if (!on_time(next_check_ns_)) {
    // The checks since the last question found the queue empty.
    auto missed = (now_ns - next_check_ns_ + tick_ns_ - 1) / tick_ns_;
    next_check_ns_ += missed * tick_ns_;
    if (now_ns < next_check_ns_) {
      wait.retry_after_ns = next_check_ns_ - now_ns;
      return wait;
    }
  }
  elapse_to(now_ns);
  auto chosen = actions_.decode(action_);
  double finish = 0;
  for (auto m : actions_.models_of(chosen.mask))
    finish = std::max(finish, busy_s_[m]
                                + tables_.latency_s[m][chosen.batch_index]);
  double oldest_wait = q.known == 0 ? 0.0 : to_s(now_ns - q.oldest());
  auto batch = tables_.batch_sizes[chosen.batch_index];
  if (should_wait(q.length, batch, oldest_wait, finish, tau_s_)) {
    next_check_ns_ += tick_ns_;
    wait.retry_after_ns = next_check_ns_ - now_ns;
    return wait;
  }
  return serve(now_ns, q);
}

bool step_controller::begin_step(const queue_view& q) {
  elapse_to(step_start_ns_);
  waits_.clear();
  auto shown = std::min({q.length, q.known, observed_queue});
  for (size_t i = 0; i < shown; ++i)
    waits_.push_back(to_s(step_start_ns_ - q.arrivals_ns[i]));
  auto obs = observation(tables_, tau_s_, busy_s_, waits_);
  decision_view view{obs,     q.length, waits_.empty() ? 0.0 : waits_[0],
                     tables_, actions_,     tau_s_,
                     options_.max_latency_s};
  auto picked = agent_.act(view);
  if (picked.exhausted) {
    exhausted_ = true;
    return false;
  }
  if (picked.hold_s > 0) {
    step_start_ns_ += std::max<int64_t>(1, to_ns(picked.hold_s));
    return false;
  }
  action_ = picked.action;
  in_step_ = true;
  next_check_ns_ = step_start_ns_;
  return true;
}

step_controller::answer
step_controller::serve(int64_t now_ns, const queue_view& q) {
  auto chosen = actions_.decode(action_);
  auto batch = tables_.batch_sizes[chosen.batch_index];
  auto slowest = occupy(busy_s_, actions_.models_of(chosen.mask), tables_,
                        chosen.batch_index);
  step_record rec;
  rec.step = steps_++;
  rec.time_s = to_s(now_ns);
  rec.action = action_;
  rec.mask = chosen.mask;
  rec.batch_size = batch;
  rec.served = static_cast<uint32_t>(std::min<size_t>(q.length, batch));
  rec.accuracy = tables_.accuracy[chosen.mask - 1];
  rec.finish_s = slowest;
  for (size_t i = 0; i < rec.served && i < q.known; ++i)
    if (to_s(now_ns - q.arrivals_ns[i]) + slowest > options_.max_latency_s)
      ++rec.overdue;
  rec.reward = reward(rec.accuracy, rec.served, rec.overdue, options_.beta);
  agent_.rewarded(rec.reward);
  if (on_step)
    on_step(rec);
  auto advance = time_advance(busy_s_, options_.sync);
  elapse(busy_s_, advance);
  busy_at_ns_ = now_ns + to_ns(advance);
  step_start_ns_ = busy_at_ns_;
  in_step_ = false;
  answer result;
  result.batch_size = batch;
  result.mask = chosen.mask;
  return result;
}

} // namespace troupe::rafiki
