/// Talking to systemd (readiness, status, watchdog) over $NOTIFY_SOCKET, without libsystemd.
#ifndef LOA_SERVICE_H
#define LOA_SERVICE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

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

#ifdef __cplusplus
}
#endif
#endif
