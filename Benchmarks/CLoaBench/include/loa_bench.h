#ifndef LOA_BENCH_H
#define LOA_BENCH_H

#include <stddef.h>
#include <stdint.h>

/// Heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) made by the
/// calling thread since it started. The benchmark binary interposes the allocator to count them.
uint64_t loa_bench_thread_allocations(void);

/// CPU time (user + system) of the calling thread, in seconds.
double loa_bench_thread_cpu_seconds(void);

/// Runs `argv` (argv[0] looked up on PATH) with stdin and stdout on /dev/null, waits for it and stores
/// its CPU time (user + system, from wait4) in `cpu_seconds`. Returns its exit status, or -1.
int loa_bench_run_child(char *const argv[], double *cpu_seconds);

/// Raises the soft limit of open files to the hard limit; returns the new soft limit.
long loa_bench_raise_file_limit(void);

/// Makes the calling thread real-time: SCHED_FIFO at `priority` and a timer slack of 1 ns (the default
/// slack lets the kernel wake a normal thread up to 50 µs late). Returns 0, or an errno.
int loa_bench_make_realtime(int priority);

/// libopus's own encode loop, nothing else: creates a mono 48 kHz VOIP encoder with the given settings and
/// encodes `samples` samples of `pcm` in frames of `frame_samples`. Returns the total bytes produced, or a
/// negative libopus error.
long loa_bench_opus_encode_loop(const int16_t *pcm, size_t samples, int frame_samples, int bitrate,
                                int complexity, int inband_fec, int packet_loss_percent);

#endif
