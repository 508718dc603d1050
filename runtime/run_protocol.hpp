#pragma once

// The runtime's side of the run protocol (docs/architecture.md): asks every
// actor of a graph whether it is ready, starts them, watches for the end and
// for deaths, collects. Used by runtime/runner.cpp in both clocks.

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/after.hpp>
#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/system_messages.hpp>

#include <fmt/format.h>

#include "actors/run_member.hpp"
#include "runtime/clock_kind.hpp"
#include "runtime/graph.hpp"

namespace troupe {

/// The runtime's side of the run protocol over one actor system:
///
///   runtime              every actor         client        sink
///      |-- ready_atom ------->|                 |             |
///      |<------ ready_atom ---|                 |             |
///      |-- run_start(epoch) ->| (client last) ->|             |
///      |-- ended_atom ------------------------------------->  |
///      |                      ...  requests flow  ...         |
///      |<------------------------------- sent (all ended) ----|
///      |-- collect_atom ------------------------------------> |
///      |<----------------------------------- run_outcomes ----|
///      |-- events_atom ------>|   then exit to all
///
/// Every actor is monitored: a down message ends the run (abort). `drive`
/// lets the scheduler deliver what was sent: virtual time runs the test
/// coordinator (and its requests wait without a timeout: a timeout would be
/// a delayed message that keeps virtual time going), real time has workers
/// of its own.
class run_protocol {
public:
  run_protocol(caf::actor_system& sys, graph g, clock_kind clock,
               std::function<void()> drive)
    : self_(sys),
      g_(std::move(g)),
      virtual_(clock == clock_kind::virtual_time),
      drive_(std::move(drive)) {
    for (const auto& m : g_.members)
      self_->monitor(m.handle);
  }

  caf::scoped_actor& self() {
    return self_;
  }

  /// Waits until every actor reported ready; throws naming one that did not.
  void await_ready(caf::timespan timeout) {
    for (const auto& m : g_.members) {
      auto answer = ask<atoms::ready_atom>(m.handle, timeout,
                                           atoms::ready_atom_v);
      if (!answer) {
        auto why = self_->system().render(death_reason(m, answer.error()));
        // Nothing runs without every actor: stop them all, or one that
        // waits for an answer keeps the actor system from ending.
        shut_down();
        throw std::runtime_error(
          fmt::format("{} did not get ready: {}", m.name, why));
      }
    }
  }

  /// Why `m` did not answer: the reason it died with, when its down message
  /// comes (a replica whose model cannot be loaded ends at once), else
  /// `fallback`. An actor that bounced the request is dead, but its down
  /// message leaves after the bounce: wait for it (bounded, in case the
  /// monitor was lost). Messages already queued are consumed: only called
  /// on the way out.
  caf::error death_reason(const graph_member& m, caf::error fallback) {
    auto reason = std::move(fallback);
    auto wait = reason == caf::sec::request_receiver_down
                  ? caf::timespan{std::chrono::seconds(10)}
                  : caf::timespan{0};
    auto deadline = std::chrono::steady_clock::now() + wait;
    for (bool more = true; more;) {
      auto left = std::max(caf::timespan{0},
                           caf::timespan{deadline
                                         - std::chrono::steady_clock::now()});
      self_->receive(
        [&](caf::down_msg& down) {
          if (down.source != m.handle.address())
            return;
          if (down.reason)
            reason = std::move(down.reason);
          more = false;
        },
        [](caf::message&) {},
        caf::after(left) >> [&] { more = false; });
    }
    return reason;
  }

  /// Time zero for everyone, the client last; then asks the sink to say
  /// when every request has ended (a plain uint64_t message: see
  /// take_message).
  void start(caf::actor_clock::time_point epoch) {
    for (const auto& m : g_.members)
      self_->send(m.handle, start_at(epoch));
    self_->send(caf::actor_cast<caf::actor>(g_.sink), atoms::ended_atom_v);
  }

  /// What the runtime's mailbox can hold during a run.
  struct event {
    bool all_ended = false;
    std::optional<caf::down_msg> death;
  };

  /// Takes one message from the mailbox, waiting at most `wait`.
  event take_message(caf::timespan wait) {
    event result;
    self_->receive([&](uint64_t) { result.all_ended = true; },
                   [&](caf::down_msg& x) { result.death = std::move(x); },
                   caf::after(wait) >> [] {});
    return result;
  }

  bool has_message() {
    return self_->has_next_message();
  }

  caf::expected<run_counts> counts() {
    return ask<run_counts>(sink(), std::chrono::seconds(10),
                           atoms::progress_atom_v);
  }

  /// Every outcome the sink has.
  caf::expected<run_outcomes> collect() {
    return ask<run_outcomes>(sink(), std::chrono::seconds(60),
                             atoms::collect_atom_v);
  }

  /// Stops the client; returns how many requests it sent.
  caf::expected<uint64_t> stop_client() {
    return ask<uint64_t>(caf::actor_cast<caf::actor>(g_.client),
                         std::chrono::seconds(10), atoms::stop_atom_v);
  }

  /// The scaler's samples once its last round is done; empty without one.
  scaling_history scaling_samples(caf::timespan wait) {
    if (!g_.scaler)
      return {};
    auto answer = ask<scaling_history>(caf::actor_cast<caf::actor>(g_.scaler),
                                       wait, atoms::history_atom_v);
    return answer ? std::move(*answer) : scaling_history{};
  }

  /// What happened to the nodes so far, while the run goes on; empty
  /// without a cluster keeper (or if it does not answer within a second).
  std::vector<node_event> cluster_events_so_far() {
    if (!g_.keeper)
      return {};
    auto answer = ask<cluster_history>(caf::actor_cast<caf::actor>(g_.keeper),
                                       std::chrono::seconds(1),
                                       atoms::progress_atom_v);
    return answer ? std::move(answer->events) : std::vector<node_event>{};
  }

  /// What happened to the nodes; empty without a cluster keeper. Asked
  /// once the run is over: the keeper stops retrying lost nodes and
  /// answers once its connects and spawns under way have ended (an actor
  /// system cannot end while CAF 0.17's middleman still connects).
  cluster_history cluster_events() {
    if (!g_.keeper)
      return {};
    auto answer = ask<cluster_history>(caf::actor_cast<caf::actor>(g_.keeper),
                                       std::chrono::seconds(10),
                                       atoms::cluster_atom_v);
    return answer ? std::move(*answer) : cluster_history{};
  }

  /// Messages handled by all actors still alive.
  uint64_t events() {
    uint64_t sum = 0;
    for (const auto& m : g_.members)
      if (auto n = ask<uint64_t>(m.handle, std::chrono::seconds(10),
                                 atoms::events_atom_v))
        sum += *n;
    return sum;
  }

  /// The name of the actor a down message is about.
  std::string name_of(const caf::down_msg& x) const {
    for (const auto& m : g_.members)
      if (m.handle.address() == x.source)
        return m.name;
    return "an actor of the run";
  }

  void shut_down() {
    for (const auto& m : g_.members)
      self_->send_exit(m.handle, caf::exit_reason::user_shutdown);
    drive_();
  }

private:
  caf::actor sink() const {
    return caf::actor_cast<caf::actor>(g_.sink);
  }

  /// A request and its answer; in virtual time the answer is there once
  /// the scheduler ran.
  template <class T, class... Ts>
  caf::expected<T> ask(const caf::actor& whom, caf::timespan timeout,
                       Ts... xs) {
    caf::expected<T> result{caf::sec::request_timeout};
    auto handle = virtual_ ? self_->request(whom, caf::infinite, xs...)
                           : self_->request(whom, timeout, xs...);
    drive_();
    handle.receive([&](T& x) { result = std::move(x); },
                   [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  caf::scoped_actor self_;
  graph g_;
  bool virtual_;
  std::function<void()> drive_;
};

} // namespace troupe
