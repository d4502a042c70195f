#define _GNU_SOURCE
#include "loa_process.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t loa_stop_flag = 0;

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
