#pragma once

// A profile's wake-ups (models/profile.hpp: wake_time), measured in the
// short real serving runs that also measure the hand-off
// (runtime/handoff_probe.hpp). A batch's hand-off to a replica is a
// wake-up of the replica's thread, and what it costs depends on whether its
// core still polled or slept (models/poll_window.hpp), and on how long it
// slept: in serving runs of the small CNN on a 2-core virtual machine, a
// batch sent ahead (the replica goes straight on) reached it 11 to 27 us
// after the batch before finished, one that found the core polling 15 to
// 20 us after its dispatch, and one that woke it 50 to 65 us, up to 70 to
// 80 us after milliseconds. The probe's one median mixes them in its own
// proportions (mostly batches sent ahead), which a scenario with larger
// batches or a lighter load does not share. The results' hand-off to the
// scheduler's core (the sink) is one too: 15 to 25 us when that core had
// handled a message in the 20 us before, 50 to 60 us after a wait of
// 0.1 to 0.5 ms, 65 to 80 us after a millisecond; which of the two kinds
// after a short wait follows no poll window there (models/scheduler_core.hpp).

#include <vector>

#include "models/profile.hpp"
#include "runtime/idle_curve.hpp"

namespace troupe {

/// A message to a waiting core: how long the core had waited, and the
/// message's hand-off (from its send to its handling there), in ms. Not
/// `measured`: the core woke for something whose hand-off is not known
/// (the client's timer, a message between two of its actors), which
/// adapted its poll all the same.
struct woken_message {
  double wait_ms = 0;
  double handoff_ms = 0;
  bool measured = true;
};

/// A core's wake curve and poll from serving runs' messages to it: those
/// sent ahead (the core did not wait: `ahead_ms`, their hand-offs), and
/// each run's wake-ups of the core, in time order. A hand-off that marks a
/// stall against its series' median counts as not measured (the profile's
/// stalls place those: runtime/stall_fit.hpp). The measured messages fall
/// into two kinds by their hand-off (the cut that best splits the
/// logarithms in two, kept where each side has 30 and the slower side's
/// median is at least 1.5 times the faster's): the faster found the core
/// polling. The poll's longest window is the one under which poll_window,
/// replayed on each run's waits (every wake-up adapts it), tells the two
/// kinds apart best (the mean over the runs; the shortest among equals;
/// none unless it beats calling every message slow, or every one polled
/// (then the faster kind is the bulk and the slower a tail), by two
/// standard errors of a share of the measured messages). The curve: a
/// point at wait 0 for the messages sent ahead (their median hand-off,
/// where at least 30 were), then the slower messages (all of them without
/// a poll), sorted by wait, in up to eight groups of at least 30 each, a
/// point per group at its median wait (to the microsecond, at least 1 us)
/// and median hand-off (to 0.1 us), made non-decreasing with the wait (a
/// core that slept longer does not wake sooner; the groups' medians wobble
/// by a few microseconds). Not modelled when fewer than 30 measured
/// messages woke the core.
wake_time fit_wake(std::vector<double> ahead_ms,
                   std::vector<std::vector<woken_message>> runs);

/// A replica's core's wake-ups from serving runs' passes (each run's in the
/// order served; served_pass has their hand-offs and waits): the batches
/// sent ahead, and those dispatched to a waiting replica (its wait: the
/// pass's wait less its hand-off).
wake_time fit_replica_wake(const std::vector<std::vector<served_pass>>& runs);

} // namespace troupe
