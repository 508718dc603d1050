#include "actors/sink.hpp"

namespace troupe {

void sink_state::init(sink_options opts) {
  options = std::move(opts);
  records.resize(options.expected_requests);
  ended_flags.resize(options.expected_requests, false);
  leaf_gather = join_buffer{options.leaves};
}

bool sink_state::end(request_outcome&& x) {
  auto id = x.req.id;
  if (id >= ended_flags.size()) {
    ended_flags.resize(id + 1, false);
    records.resize(id + 1);
  }
  if (ended_flags[id])
    return false;
  ended_flags[id] = true;
  if (x.kind != outcome_kind::completed || x.finish > x.req.deadline)
    ++late;
  records[id] = std::move(x);
  ++ended;
  return true;
}

void sink_state::on_leaf_results(batch&& in, caf::timespan now) {
  for (auto& req : in.requests) {
    if (req.id < ended_flags.size() && ended_flags[req.id]) {
      if (!in.skipped)
        ++orphaned;
      continue;
    }
    auto joined = leaf_gather.add(std::move(req), now, in.skipped);
    if (!joined)
      continue;
    request_outcome outcome;
    outcome.req = std::move(joined->req);
    outcome.finish = now;
    if (joined->skipped) {
      // Every leaf was skipped: the routes chosen reached no leaf.
      outcome.kind = outcome_kind::dropped;
      outcome.stage = in.from;
      outcome.reason = errc::no_route;
    } else {
      outcome.kind = outcome_kind::completed;
    }
    end(std::move(outcome));
  }
}

void sink_state::end_unserved(std::vector<request>& requests,
                              outcome_kind kind, caf::timespan when,
                              stage_id stage, errc reason,
                              const std::string& error) {
  for (auto& req : requests) {
    request_outcome outcome;
    outcome.req = std::move(req);
    outcome.kind = kind;
    outcome.finish = when;
    outcome.stage = stage;
    outcome.reason = reason;
    outcome.error = error;
    if (!end(std::move(outcome)))
      ++orphaned;
  }
}

void sink_state::on_drop(drop_notice&& x) {
  end_unserved(x.requests, outcome_kind::dropped, x.when, x.stage, x.reason,
               "");
}

void sink_state::on_failure(failure_notice&& x) {
  auto reason = x.error.category() == error_category
                  ? static_cast<errc>(x.error.code())
                  : errc::replica_lost;
  end_unserved(x.requests, outcome_kind::failed, x.when, x.stage, reason,
               caf::to_string(x.error));
}

bool sink_state::done() const {
  return sent && ended >= *sent;
}

run_counts sink_state::counts() const {
  run_counts result;
  result.sent = sent.value_or(0);
  result.all_sent = sent.has_value();
  result.ended = ended;
  result.late = late;
  return result;
}

run_outcomes sink_state::take() {
  run_outcomes result;
  result.sent = sent.value_or(0);
  result.orphaned_results = orphaned;
  // Compacts the ended records to the front, in id order, and hands the
  // vector over: no second copy of millions of records.
  size_t kept = 0;
  for (size_t id = 0; id < records.size(); ++id)
    if (ended_flags[id]) {
      if (kept != id)
        records[kept] = std::move(records[id]);
      ++kept;
    }
  records.resize(kept);
  result.records = std::move(records);
  records.clear();
  ended_flags.clear();
  return result;
}

sink_actor::behavior_type sink(sink_pointer self, sink_options options) {
  self->state.init(std::move(options));
  // Tells everyone waiting that every request has ended.
  auto answer_if_done = [self] {
    auto& st = self->state;
    if (!st.done() || st.waiting.empty())
      return;
    for (auto& promise : st.waiting)
      promise.deliver(*st.sent);
    st.waiting.clear();
  };
  return run_member_behavior(
    self, nothing_to_start,
    [self, answer_if_done](batch& in) {
      auto& st = self->state;
      ++st.events;
      auto now = st.since_epoch(self->clock().now());
      if (st.options.scheduler)
        st.options.scheduler->busy_at(now);
      st.on_leaf_results(std::move(in), now);
      if (st.pacer && !st.sent) // once all are sent, pacing has no use
        self->send(st.pacer, atoms::pace_atom_v);
      answer_if_done();
    },
    // The client asks to be paced; the empty answer is its echo.
    [self](atoms::pace_atom) {
      ++self->state.events;
      self->state.pacer
        = caf::actor_cast<client_actor>(self->current_sender());
    },
    [self, answer_if_done](drop_notice& x) {
      ++self->state.events;
      self->state.on_drop(std::move(x));
      answer_if_done();
    },
    [self, answer_if_done](failure_notice& x) {
      ++self->state.events;
      self->state.on_failure(std::move(x));
      answer_if_done();
    },
    [self, answer_if_done](client_done x) {
      ++self->state.events;
      self->state.sent = x.sent;
      answer_if_done();
    },
    [self, answer_if_done](atoms::ended_atom) -> caf::result<uint64_t> {
      ++self->state.events;
      auto promise = self->make_response_promise<uint64_t>();
      self->state.waiting.push_back(promise);
      answer_if_done();
      return promise;
    },
    [self](atoms::progress_atom) {
      ++self->state.events;
      return self->state.counts();
    },
    [self](atoms::collect_atom) {
      ++self->state.events;
      return self->state.take();
    });
}

} // namespace troupe
