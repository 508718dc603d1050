#pragma once

// A profile's wake curve and wake poll (models/profile.hpp), measured in the
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
// batches or a lighter load does not share.

#include <vector>

#include "models/profile.hpp"
#include "runtime/idle_curve.hpp"

namespace troupe {

struct wake_fit {
  std::vector<wake_point> curve;
  wake_poll_time poll;
};

/// The wake curve and poll from serving runs' passes (each run's in the
/// order served; served_pass has their hand-offs and waits). The batches
/// dispatched to a waiting replica (its wait: the pass's wait less its
/// hand-off) fall into two kinds by their hand-off (the cut that best
/// splits the logarithms in two, kept where each side has 30 batches and
/// the slower side's median is at least 1.5 times the faster's): the
/// faster found the core polling. The poll's longest window is the one
/// under which poll_window, replayed on each run's waits, tells the two
/// kinds apart best (the mean over the runs; the shortest among equals,
/// and none if it does no better than calling every batch slow). The
/// curve: a point at wait 0 for the batches sent ahead (their median
/// hand-off, where at least 30 were), then the slower batches (all of
/// them without a poll), sorted by wait, in up to eight groups of at least
/// 30 each, a point per group at its median wait (to the microsecond, at
/// least 1 us) and median hand-off (to 0.1 us), made non-decreasing with
/// the wait (a core that slept longer does not wake sooner; the groups'
/// medians wobble by a few microseconds). Empty when fewer than 30
/// batches were dispatched to a waiting replica.
wake_fit fit_wake(const std::vector<std::vector<served_pass>>& runs);

} // namespace troupe
