/// The one C shim of Loa: everything the Swift code needs from the OS and from C libraries whose
/// API Swift cannot call directly (variadic ctl macros). Swift modules above it never expose a C type.
#ifndef LOA_SYSTEM_H
#define LOA_SYSTEM_H

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
/// Receives one datagram without blocking. Returns its full length (which may exceed `capacity`: the
/// datagram was truncated), 0 if nothing is waiting, or -1 on error. `from` may be NULL.
ssize_t loa_udp_receive(int fd, void *buffer, size_t capacity, uint32_t *from_address, uint16_t *from_port);
/// The local port a socket is bound to, or -1.
int loa_udp_local_port(int fd);
/// Waits until `fd` is readable or the absolute monotonic deadline passes: 1 readable, 0 timeout, -1 error.
int loa_wait_readable_until(int fd, uint64_t deadline_ns);
/// Closes a descriptor.
void loa_close(int fd);

// MARK: ALSA playback (S16_LE interleaved)

typedef struct loa_pcm loa_pcm;
/// Opens `device` for playback at `rate` Hz; tries mono first, then stereo. On success returns 0 and
/// sets `*channels`; otherwise a negative ALSA error code.
int loa_pcm_open(loa_pcm **pcm, const char *device, unsigned rate, unsigned latency_us, unsigned *channels);
/// Writes `frames` frames; recovers from an underrun (counting it in `*underruns`). Returns frames
/// written or a negative ALSA error code that could not be recovered.
long loa_pcm_write(loa_pcm *pcm, const int16_t *samples, unsigned long frames, unsigned *underruns);
/// Plays what is buffered, then stops; the device stays open and restarts on the next write.
void loa_pcm_drain(loa_pcm *pcm);
/// Closes the device (a `file` PCM flushes its file here).
void loa_pcm_close(loa_pcm *pcm);
/// Closes a device that failed, dropping what it buffered instead of waiting for it to play.
void loa_pcm_abandon(loa_pcm *pcm);
/// A static description of an ALSA error code.
const char *loa_pcm_strerror(int error);

// MARK: libopus controls (variadic macros in opus.h)

struct OpusEncoder;
struct OpusDecoder;
/// Applies the encoder settings; returns 0 or a negative libopus error.
int loa_opus_encoder_configure(struct OpusEncoder *encoder, int bitrate, int complexity, int inband_fec,
                               int expected_loss_percent);
/// The encoder's look-ahead in samples at its rate.
int loa_opus_encoder_lookahead(struct OpusEncoder *encoder);
/// Resets the decoder state (a new stream starts).
void loa_opus_decoder_reset(struct OpusDecoder *decoder);

#ifdef __cplusplus
}
#endif
#endif
