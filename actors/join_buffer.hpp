#pragma once

// Holds a request until every input of a stage delivered it, then hands out
// one request whose trace is the union of the inputs' traces. Used by join
// stages, by model stages with several inputs, and by the sink (one input per
// leaf stage). An input may deliver a request as skipped (a fork upstream
// routed it elsewhere): it counts as delivered but adds nothing, and a
// request that every input skipped comes out skipped. The outputs of the
// served copies are combined (policies/combining) into the request's result.

#include <cstddef>
#include <optional>
#include <unordered_map>

#include "messages/request.hpp"
#include "policies/combining/combine.hpp"

namespace troupe {

class join_buffer {
public:
  struct joined {
    request req;
    /// When the first input delivered this request.
    caf::timespan first_seen{0};
    /// Every input skipped it: pass it on as skipped.
    bool skipped = false;
  };

  explicit join_buffer(size_t inputs = 1,
                       combine_kind combining = combine_kind::mean)
    : inputs_(inputs), combining_(combining) {
    // nop
  }

  size_t inputs() const noexcept {
    return inputs_;
  }

  /// Adds one input's copy of a request (`skipped`: that input was not on
  /// its route). Returns the merged request once all inputs delivered it;
  /// nothing while it still waits for some.
  std::optional<joined> add(request&& x, caf::timespan now,
                            bool skipped = false);

  /// Requests still waiting for some input.
  size_t pending() const noexcept {
    return pending_.size();
  }

private:
  struct entry {
    request merged;
    caf::timespan first_seen{0};
    size_t seen = 0;
    /// Some input delivered it served (merged holds that copy).
    bool served = false;
    /// The served copies' outputs (only those that have one).
    std::vector<output> outputs;
  };

  size_t inputs_;
  combine_kind combining_;
  std::unordered_map<uint64_t, entry> pending_;
};

} // namespace troupe
