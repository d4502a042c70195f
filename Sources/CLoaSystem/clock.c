#define _GNU_SOURCE
#include "loa_clock.h"
#include "loa_process.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <time.h>

uint64_t loa_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int64_t loa_realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + (int64_t)ts.tv_nsec;
}

void loa_sleep_until_ns(uint64_t deadline_ns) {
    struct timespec ts = {.tv_sec = (time_t)(deadline_ns / 1000000000ull),
                          .tv_nsec = (long)(deadline_ns % 1000000000ull)};
    while (!loa_stop_requested() && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
    // The absolute sleep can fail or return early (libfaketime with an unfaked monotonic clock answers
    // EINVAL at once): then sleep the rest as a relative interval, which nothing rewrites, until the deadline.
    uint64_t now;
    while (!loa_stop_requested() && (now = loa_monotonic_ns()) < deadline_ns) {
        uint64_t rest = deadline_ns - now;
        struct timespec span = {.tv_sec = (time_t)(rest / 1000000000ull), .tv_nsec = (long)(rest % 1000000000ull)};
        int error = clock_nanosleep(CLOCK_MONOTONIC, 0, &span, NULL);
        if (error != 0 && error != EINTR && nanosleep(&span, NULL) != 0 && errno != EINTR) return;
    }
}

int loa_thread_make_realtime(int priority) {
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    struct sched_param parameter = {.sched_priority = priority};
    return pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameter);
}

