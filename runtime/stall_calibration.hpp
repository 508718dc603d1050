#pragma once

// A profile's stalls as the machine had them, not as its serving run shows
// them. A run shows a stall only where work met it (one while its core had
// nothing to do and nothing came leaves no trace), only what was left of it
// when work met it, and not at all where that was under the mark's
// threshold (runtime/stall_fit.hpp): fit_stalls reads fewer and shorter
// stalls than the core had. A virtual run of 40 s that placed 15 stalls a
// second of 0.6 to 3 ms on the scheduler's core read back 9.7 a second,
// 1.3% of the core's time for 2.1% (3.3 a second at a light load; with the
// stalls at wake-ups past the poll read apart, 3.3 a second); virtual
// time that places what a real run read places too few. Virtual time,
// reading its own run of the same scenario the same way
// (runtime/handoff_probe.hpp: read_serving_run), shows by how much: the
// stalls to place are those whose virtual run reads back as the real one
// read, found in a few rounds, each scaling the rate by the ratio of the
// rates read and lengthening every stall by the difference of their mean
// durations read.

#include <functional>

#include <caf/timespan.hpp>

#include "models/machine_stalls.hpp"
#include "models/wake_stalls.hpp"

namespace troupe {

/// The stalls of a run's two kinds of core: a replica's and the
/// scheduler's, by time, and at their wake-ups past the poll.
struct run_stalls {
  stall_time replica;
  stall_time scheduler;
  wake_stalls replica_wake{};
  wake_stalls scheduler_wake{};
};

/// What a virtual run that placed `placed` reads back.
using stall_reader = std::function<run_stalls(const run_stalls& placed)>;

/// The stalls to place so that `read_back` reads what a real run read
/// (`read`): `rounds` rounds from `read` itself, each moving the rate and
/// each duration by at most a factor of 4 (a rate within max_stalls_per_s,
/// a share within max_stall_share). A core whose real run read no stalls
/// gets none; bursts stay as read, where they still go with the rate.
/// The wake stalls' share moves by the ratio of the shares read (the
/// stalls by time fall on wake-ups too, and a reading counts those among
/// the wake-ups' stalls), their durations stay as read (a wake stall is
/// read whole).
run_stalls calibrate_stalls(const run_stalls& read,
                            const stall_reader& read_back, int rounds = 6);

} // namespace troupe
