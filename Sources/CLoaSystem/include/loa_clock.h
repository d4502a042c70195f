/// Time for Loa: the monotonic clock every deadline is on, wall time, sleeping to a deadline, and
/// real-time scheduling for the threads that pace audio.
#ifndef LOA_CLOCK_H
#define LOA_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: Clocks

/// Nanoseconds on CLOCK_MONOTONIC: never steps, the base of every deadline.
uint64_t loa_monotonic_ns(void);
/// Nanoseconds since the Unix epoch on CLOCK_REALTIME (may step).
int64_t loa_realtime_ns(void);
/// Sleeps until the absolute CLOCK_MONOTONIC deadline; returns early only if a stop was requested. If the
/// absolute sleep fails or returns early (an interposed clock), the rest is slept as relative intervals.
void loa_sleep_until_ns(uint64_t deadline_ns);

/// Makes the calling thread real-time where allowed: SCHED_FIFO at `priority` and a timer slack of 1 ns
/// (the default 50 µs slack delays every wake-up). Returns 0, or an errno value (EPERM without the right).
int loa_thread_make_realtime(int priority);

#ifdef __cplusplus
}
#endif
#endif
