#pragma once

// The unit of work between stages: requests that travel together.

#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/request.hpp"

namespace troupe {

/// Requests sent by one stage (or the client) to the next in one message.
struct batch {
  /// Who sent it: a stage index, or source_stage for the client.
  stage_id from = source_stage;
  std::vector<request> requests;
  /// The requests were not routed here: a stage upstream sent them to other
  /// branches. Such a batch is passed on at once, so that every join and
  /// the sink hear from each of their inputs, served or skipped, and wait
  /// only for the branches a request was actually sent to.
  bool skipped = false;
};

inline bool operator==(const batch& x, const batch& y) {
  return x.from == y.from && x.requests == y.requests
         && x.skipped == y.skipped;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch& x) {
  return f(caf::meta::type_name("batch"), x.from, x.requests, x.skipped);
}

} // namespace troupe
