/// What a speaker box needs from its OS beyond sockets and sound: files that survive a power cut, and
/// talking to systemd (readiness, watchdog) without libsystemd.
#ifndef LOA_BOARD_H
#define LOA_BOARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: Files

/// Reads the whole file at `path` into `buffer`. Returns the file's full size (more than `capacity` if
/// it did not fit: only `capacity` bytes were read), or -1 with errno set.
long loa_read_file(const char *path, void *buffer, size_t capacity);
/// Replaces the file at `path` with `count` bytes so that a power cut at any moment leaves the old or the
/// new content, never a mix: writes a temporary file in the same folder, fsyncs it, renames it over
/// `path`, then fsyncs the folder. `mode` is the new file's permission bits. Returns 0, or -1 with errno
/// set (the temporary file is then removed).
int loa_replace_file(const char *path, const void *bytes, size_t count, unsigned mode);

// MARK: systemd service manager (sd_notify protocol over $NOTIFY_SOCKET)

/// Sends `state` ("READY=1", "STATUS=…", "STOPPING=1", "WATCHDOG=1") to the service manager. Returns 1
/// if sent, 0 if there is no $NOTIFY_SOCKET (not run by systemd, or no Type=notify), -1 on error.
int loa_service_notify(const char *state);
/// The watchdog interval systemd expects pings within, in microseconds; 0 if there is no watchdog for
/// this process ($WATCHDOG_USEC unset or zero, or $WATCHDOG_PID names another process).
uint64_t loa_service_watchdog_usec(void);
/// Sends "WATCHDOG=1" if half the watchdog interval has passed since the last ping; `now_ns` is
/// CLOCK_MONOTONIC. Cheap to call often. Does nothing without a watchdog.
void loa_service_watchdog_ping(uint64_t now_ns);

// MARK: ALSA library messages

/// Stops libasound printing its own diagnostics to stderr and keeps the latest one instead, so that a
/// failure is one log line (with ALSA's detail in it) rather than two. Call once, early.
void loa_alsa_capture_messages(void);
/// Copies the latest libasound diagnostic since the last call into `buffer` (NUL-terminated, cut to
/// `capacity`) and forgets it. Returns its length, 0 if there was none.
size_t loa_alsa_take_message(char *buffer, size_t capacity);

#ifdef __cplusplus
}
#endif
#endif
