#pragma once

// A request and the trace it collects on its way through the pipeline.
// Times are caf::timespan offsets from the start of the run (the run's epoch),
// so that they mean the same in virtual and in real time and serialize as
// plain integers across nodes.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

#include "messages/boxed.hpp"
#include "messages/ids.hpp"

namespace troupe {

/// Index of a stage in the scenario's stage list.
using stage_id = uint16_t;

/// The pseudo stage that stands for the client (inputs = ["source"]).
constexpr stage_id source_stage = std::numeric_limits<stage_id>::max();

/// Every successor of a stage: the route a request takes by default.
constexpr uint64_t all_successors = ~uint64_t{0};

/// What one stage did with a request: the trace answers "why was it late?".
struct stage_visit {
  stage_id stage = 0;
  /// Replica index within the stage (0 for joins).
  uint16_t replica = 0;
  /// Size of the batch this request was served in (0 for joins).
  uint32_t batch_size = 0;
  /// Entered the stage's queue (joins: first input arrived).
  caf::timespan enqueue{0};
  /// Left the queue for a replica (joins: all inputs present).
  caf::timespan dequeue{0};
  /// Replica finished the batch (joins: forwarded).
  caf::timespan finish{0};
  /// Of dequeue..finish, the time the replica computed: a model's forward
  /// pass as measured (real time) or its profiled service time (virtual
  /// time); the rest is the runtime's hand-off. 0 for joins and no-ops.
  caf::timespan compute{0};
  /// The batch this request was served in: numbered from 1 within its
  /// stage, so that two batches that left the queue at the same instant stay
  /// apart (0 for joins and requests not served here).
  uint32_t batch_id = 0;
  /// The size the batch was charged as: batch_size, or more when the batch
  /// was padded to a size chosen in advance (Rafiki serves min(queue, b)
  /// requests at the cost of b). 0 for joins.
  uint32_t padded_size = 0;
  /// Which successors of the stage get the request when it is done: bit i
  /// stands for the i-th consumer of the stage (scenario::consumers order).
  /// A per-request route (Rafiki's model subset, Armol's providers).
  uint64_t route = all_successors;
};

inline bool operator==(const stage_visit& x, const stage_visit& y) {
  return x.stage == y.stage && x.replica == y.replica
         && x.batch_size == y.batch_size && x.enqueue == y.enqueue
         && x.dequeue == y.dequeue && x.finish == y.finish
         && x.compute == y.compute && x.batch_id == y.batch_id
         && x.padded_size == y.padded_size && x.route == y.route;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stage_visit& x) {
  return f(caf::meta::type_name("stage_visit"), x.stage, x.replica,
           x.batch_size, x.enqueue, x.dequeue, x.finish, x.compute,
           x.batch_id, x.padded_size, x.route);
}

/// A tensor as it travels: its shape and its values, row-major.
struct tensor {
  std::vector<int64_t> shape;
  std::vector<float> values;
};

inline bool operator==(const tensor& x, const tensor& y) {
  return x.shape == y.shape && x.values == y.values;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tensor& x) {
  return f(caf::meta::type_name("tensor"), x.shape, x.values);
}

/// The input of a request: an index into a data set, or an inline tensor,
/// so that it serializes to another node as it is.
struct payload {
  /// Index into the model's data set; -1 when the tensor is inline.
  int64_t sample = -1;
  /// The input's true class when known (a labelled test set); -1 unknown.
  int32_t label = -1;
  /// The input itself, when not a data-set index.
  boxed<tensor> data;
};

inline bool operator==(const payload& x, const payload& y) {
  return x.sample == y.sample && x.label == y.label && x.data == y.data;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payload& x) {
  return f(caf::meta::type_name("payload"), x.sample, x.label, x.data);
}

/// What a stage produced for a request: a tensor (shape + values; class
/// probabilities for a classifier) and, for a classifier, its label.
struct output {
  std::vector<int64_t> shape;
  std::vector<float> values;
  /// The predicted class; -1 when the stage does not classify.
  int32_t label = -1;

  bool empty() const {
    return values.empty() && label < 0;
  }
};

inline bool operator==(const output& x, const output& y) {
  return x.shape == y.shape && x.values == y.values && x.label == y.label;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, output& x) {
  return f(caf::meta::type_name("output"), x.shape, x.values, x.label);
}

struct request {
  /// Dense id: the k-th request the client sent has id k.
  uint64_t id = 0;
  caf::timespan arrival{0};
  /// arrival + the scenario's SLO.
  caf::timespan deadline{0};
  payload input;
  /// What the last stage produced (a join: its inputs' outputs combined);
  /// absent for stages that model only time.
  boxed<output> result;
  /// One entry per stage visited, in the order visited; a join merges the
  /// traces of its inputs.
  std::vector<stage_visit> trace;
};

inline bool operator==(const request& x, const request& y) {
  return x.id == y.id && x.arrival == y.arrival && x.deadline == y.deadline
         && x.input == y.input && x.result == y.result && x.trace == y.trace;
}

/// When the client actually sent `x`: its trace's first visit (the client's
/// own); later than the arrival only in real time, by the timer's slack.
inline caf::timespan sent_time(const request& x) {
  if (!x.trace.empty() && x.trace.front().stage == source_stage)
    return x.trace.front().finish;
  return x.arrival;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request& x) {
  return f(caf::meta::type_name("request"), x.id, x.arrival, x.deadline,
           x.input, x.result, x.trace);
}

} // namespace troupe
