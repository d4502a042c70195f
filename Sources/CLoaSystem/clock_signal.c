#define _GNU_SOURCE
#include "loa_system.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t loa_stop_flag = 0;

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
    while (!loa_stop_flag && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
    // The absolute sleep can fail or return early (libfaketime with an unfaked monotonic clock answers
    // EINVAL at once): then sleep the rest as a relative interval, which nothing rewrites, until the deadline.
    uint64_t now;
    while (!loa_stop_flag && (now = loa_monotonic_ns()) < deadline_ns) {
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

int loa_errno(void) { return errno; }

const char *loa_strerror(int error) { return strerror(error); }

void loa_write_stderr(const void *bytes, size_t count) {
    const char *cursor = bytes;
    while (count > 0) {
        ssize_t written = write(2, cursor, count);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return;
        cursor += written;
        count -= (size_t)written;
    }
}

static int loa_argc = 0;
static char **loa_argv = NULL;

/// glibc calls ELF constructors with main's arguments; Embedded Swift has no CommandLine, so take them here.
__attribute__((constructor)) static void loa_capture_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    loa_argc = argc;
    loa_argv = argv;
}

int loa_argument_count(void) { return loa_argc; }

const char *loa_argument(int index) { return (index >= 0 && index < loa_argc) ? loa_argv[index] : NULL; }

void loa_exit(int status) { exit(status); }

const char *loa_environment(const char *name) { return getenv(name); }

static void loa_on_stop_signal(int signal_number) {
    (void)signal_number;
    loa_stop_flag = 1;
}

void loa_install_stop_signals(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = loa_on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
    // A parent may have started us with these blocked (the mask is inherited); a stop must always reach us.
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &stops, NULL);
}

int loa_stop_requested(void) { return loa_stop_flag != 0; }
