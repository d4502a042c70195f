/// The process around the Swift code: errno, standard error, arguments, environment, exit, and the
/// SIGINT/SIGTERM stop flag that ends every loop.
#ifndef LOA_PROCESS_H
#define LOA_PROCESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: Errors

/// The calling thread's errno.
int loa_errno(void);
/// A static description of an errno value.
const char *loa_strerror(int error);

/// Writes `count` bytes to standard error in one call.
void loa_write_stderr(const void *bytes, size_t count);

// MARK: Process

/// The number of command-line arguments, program name included (captured before main runs).
int loa_argument_count(void);
/// Command-line argument `index`, or NULL past the end.
const char *loa_argument(int index);
/// Ends the process with `status` (stdio flushed).
void loa_exit(int status) __attribute__((noreturn));
/// An environment variable, or NULL.
const char *loa_environment(const char *name);

// MARK: Signals

/// Installs SIGINT/SIGTERM handlers that set the stop flag (unblocking both), and ignores SIGPIPE.
void loa_install_stop_signals(void);
/// Non-zero once SIGINT or SIGTERM has arrived.
int loa_stop_requested(void);

#ifdef __cplusplus
}
#endif
#endif
