#pragma once

// A chain of model stages run in virtual time without actors: the same
// frontend and replica state (actors/frontend.hpp, actors/replica.hpp)
// driven by a loop that delivers their messages in the order CAF's test
// coordinator does (one message per actor turn, actors taken first in
// first out; then the earliest timer, ties in the order they were set).
// So each request's latency is the actor graph's, to the nanosecond
// (tests/runtime/direct_chain.cpp checks it), at a small part of the cost:
// the planner runs thousands of chain prefixes.
//
// Only for what it mirrors: a chain from the source to the sink of
// `model` stages (profiled service, no controller, no scaler); anything
// else runs on the graph.

#include <cstddef>
#include <optional>
#include <vector>

#include "runtime/scenario.hpp"

namespace troupe {

/// Whether `sc` is a chain that direct_chain_latencies runs as the graph
/// would.
bool runs_as_direct_chain(const scenario& sc);

/// Per request (by id), its latency in ms from arrival to leaving the chain
/// (infinite when dropped or failed); nothing when more than
/// `stop_after_late` requests ended later than sc.slo_ms, dropped or
/// failed (the run stops there). The seed is the scenario's.
std::optional<std::vector<double>>
direct_chain_latencies(const scenario& sc, const arrival_times& arrivals,
                       size_t stop_after_late);

} // namespace troupe
