/// What a speaker box needs to talk to its controller: waiting on the stream and the controller's socket
/// at once, and finding the controller by name.
#ifndef LOA_FLEET_H
#define LOA_FLEET_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Waits until `first` or `second` (-1: none) is readable, or the absolute CLOCK_MONOTONIC deadline
/// passes. Returns a bit mask (1: `first` readable, 2: `second` readable), 0 on timeout, -1 on error.
int loa_wait_readable2(int first, int second, uint64_t deadline_ns);
/// Resolves `host` (a name or dotted quad) to its first IPv4 address, host byte order. Returns 0, or -1 if
/// it has none (or the resolver failed).
int loa_resolve_ipv4(const char *host, uint32_t *address);

#ifdef __cplusplus
}
#endif
#endif
