#include "actors/worker_pool.hpp"

#include <algorithm>
#include <chrono>

#include "models/durations.hpp"

namespace troupe {

const char* to_string(worker_state x) {
  switch (x) {
    case worker_state::off:
      return "off";
    case worker_state::booting:
      return "booting";
    case worker_state::idle:
      return "idle";
    case worker_state::busy:
      return "busy";
    case worker_state::draining:
      return "draining";
    case worker_state::lost:
      return "lost";
  }
  return "?";
}

namespace {

bool is_running(worker_state x) {
  return x == worker_state::booting || x == worker_state::busy
         || x == worker_state::draining;
}

} // namespace

worker_pool::worker_pool(worker_pool_options options)
  : options_(options),
    states_(options.slots, worker_state::off),
    generations_(options.slots, 0),
    idle_(options.slots, false) {
  auto initial = std::min(options_.initial, options_.slots);
  for (uint32_t i = 0; i < initial; ++i)
    change(i, worker_state::idle, caf::timespan{0});
  targets_.emplace_back(caf::timespan{0}, initial);
}

void worker_pool::accrue(caf::timespan now) {
  if (now <= accrued_until_)
    return;
  auto seconds = to_seconds(now - accrued_until_);
  cost_ += seconds
           * (running_ * options_.running_cost_per_s
              + idle_count_ * options_.idle_cost_per_s);
  accrued_until_ = now;
}

void worker_pool::change(size_t slot, worker_state to, caf::timespan now) {
  accrue(now);
  auto from = states_[slot];
  running_ -= is_running(from) ? 1 : 0;
  idle_count_ -= from == worker_state::idle ? 1 : 0;
  states_[slot] = to;
  running_ += is_running(to) ? 1 : 0;
  idle_count_ += to == worker_state::idle ? 1 : 0;
  idle_[slot] = to == worker_state::idle;
}

uint32_t worker_pool::wanted() const {
  return static_cast<uint32_t>(std::count_if(
    states_.begin(), states_.end(), [](worker_state x) {
      return x == worker_state::booting || x == worker_state::idle
             || x == worker_state::busy;
    }));
}

uint32_t worker_pool::active() const {
  return static_cast<uint32_t>(
    std::count_if(states_.begin(), states_.end(), [](worker_state x) {
      return x == worker_state::idle || x == worker_state::busy;
    }));
}

uint32_t worker_pool::booting() const {
  return static_cast<uint32_t>(
    std::count(states_.begin(), states_.end(), worker_state::booting));
}

uint32_t worker_pool::held_target(caf::timespan now) {
  // Keep one entry older than the window: it was still in force at its start.
  while (targets_.size() > 1
         && targets_[1].first <= now - options_.scale_down_delay)
    targets_.pop_front();
  uint32_t result = 0;
  for (const auto& entry : targets_)
    result = std::max(result, entry.second);
  return result;
}

std::vector<worker_pool::boot> worker_pool::set_target(uint32_t target,
                                                       caf::timespan now) {
  target = std::min(target, options_.slots);
  targets_.emplace_back(now, target);
  auto keep = held_target(now);
  std::vector<boot> boots;
  auto have = wanted();
  if (keep > have) {
    // Scale up: a draining worker is still running, so take it back first.
    for (size_t i = 0; i < states_.size() && have < keep; ++i)
      if (states_[i] == worker_state::draining) {
        change(i, worker_state::busy, now);
        ++have;
      }
    for (size_t i = 0; i < states_.size() && have < keep; ++i)
      if (states_[i] == worker_state::off) {
        change(i, worker_state::booting, now);
        boots.push_back(boot{static_cast<uint16_t>(i), ++generations_[i]});
        ++have;
      }
    return boots;
  }
  // Scale down, highest slots first (first_idle routing keeps low slots
  // warm): cancel boots, then switch idle workers off, then drain busy ones.
  for (auto victim : {worker_state::booting, worker_state::idle,
                      worker_state::busy})
    for (size_t i = states_.size(); i-- > 0 && have > keep;)
      if (states_[i] == victim) {
        change(i, victim == worker_state::busy ? worker_state::draining
                                               : worker_state::off,
               now);
        --have;
      }
  return boots;
}

bool worker_pool::booted(boot b, caf::timespan now) {
  if (b.slot >= states_.size() || states_[b.slot] != worker_state::booting
      || generations_[b.slot] != b.generation)
    return false;
  change(b.slot, worker_state::idle, now);
  return true;
}

void worker_pool::take(size_t slot, caf::timespan now) {
  change(slot, worker_state::busy, now);
}

void worker_pool::release(size_t slot, caf::timespan now) {
  if (slot >= states_.size())
    return;
  if (states_[slot] == worker_state::busy)
    change(slot, worker_state::idle, now);
  else if (states_[slot] == worker_state::draining)
    change(slot, worker_state::off, now);
}

void worker_pool::lose(size_t slot, caf::timespan now) {
  if (slot < states_.size())
    change(slot, worker_state::lost, now);
}

void worker_pool::rejoin(size_t slot, caf::timespan now) {
  if (slot < states_.size() && states_[slot] == worker_state::lost)
    change(slot, worker_state::idle, now);
}

uint32_t worker_pool::lost() const {
  return static_cast<uint32_t>(
    std::count(states_.begin(), states_.end(), worker_state::lost));
}

double worker_pool::cost(caf::timespan now) {
  accrue(now);
  return cost_;
}

} // namespace troupe
