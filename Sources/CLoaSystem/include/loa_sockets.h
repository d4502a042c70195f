/// IPv4 addresses, interfaces and non-blocking UDP sockets (unicast and multicast), waiting on them with
/// monotonic deadlines, and resolving a controller's name. Addresses and ports are in host byte order.
#ifndef LOA_SOCKETS_H
#define LOA_SOCKETS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: IPv4 addresses and interfaces (host byte order)

/// Parses dotted-quad text; returns 0 on success, -1 if the text is not an IPv4 address.
int loa_parse_ipv4(const char *text, uint32_t *address);
/// Writes dotted-quad text for `address` into `buffer` (at least 16 bytes).
void loa_format_ipv4(uint32_t address, char *buffer);
/// Finds an interface by name ("eth0") or by one of its IPv4 addresses; returns 0 and its index and
/// first IPv4 address, or -1 if there is no such interface.
int loa_find_interface(const char *name_or_address, int *index, uint32_t *address);

// MARK: UDP sockets

/// A new IPv4 UDP socket (close-on-exec), or -1 with errno set.
int loa_udp_open(void);
/// Binds to `address:port`; `reuse` sets SO_REUSEADDR so several listeners can share a group port.
int loa_udp_bind(int fd, uint32_t address, uint16_t port, int reuse);
/// Joins `group` on the interface with `ifindex` (0: let the kernel choose).
int loa_udp_join(int fd, uint32_t group, int ifindex);
/// Sets the outgoing multicast interface, TTL and loopback.
int loa_udp_multicast_out(int fd, int ifindex, uint32_t if_address, int ttl, int loop);
/// Sets the receive buffer size in bytes.
int loa_udp_receive_buffer(int fd, int bytes);
/// Sends one datagram; returns bytes sent or -1.
ssize_t loa_udp_send(int fd, const void *bytes, size_t count, uint32_t address, uint16_t port);
/// Sends the same datagram to each of `targets` addresses and ports, in batches of up to 64 per system call
/// (sendmmsg); returns how many were sent (a target the kernel refused, e.g. a full buffer, is skipped).
size_t loa_udp_send_each(int fd, const void *bytes, size_t count, const uint32_t *addresses, const uint16_t *ports,
                         size_t targets);
/// Receives one datagram without blocking. Returns its full length (which may exceed `capacity`: the
/// datagram was truncated), 0 if nothing is waiting, or -1 on error. `from` may be NULL.
ssize_t loa_udp_receive(int fd, void *buffer, size_t capacity, uint32_t *from_address, uint16_t *from_port);
/// The local port a socket is bound to, or -1.
int loa_udp_local_port(int fd);
/// Waits until `fd` is readable or the absolute monotonic deadline passes: 1 readable, 0 timeout, -1 error.
int loa_wait_readable_until(int fd, uint64_t deadline_ns);
/// Closes a descriptor.
void loa_close(int fd);

// MARK: The controller's socket and name

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
