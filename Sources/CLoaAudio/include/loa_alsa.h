/// ALSA playback for the speaker box and capture for the controller's live inputs (S16_LE interleaved), and
/// libasound's own diagnostics kept as one message instead of printed.
#ifndef LOA_ALSA_H
#define LOA_ALSA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: Playback (S16_LE interleaved)

typedef struct loa_pcm loa_pcm;
/// Opens `device` for playback at `rate` Hz; tries mono first, then stereo. On success returns 0 and
/// sets `*channels`; otherwise a negative ALSA error code.
int loa_pcm_open(loa_pcm **pcm, const char *device, unsigned rate, unsigned latency_us, unsigned *channels);
/// Writes `frames` frames; recovers from an underrun (counting it in `*underruns`). Returns frames
/// written or a negative ALSA error code that could not be recovered.
long loa_pcm_write(loa_pcm *pcm, const int16_t *samples, unsigned long frames, unsigned *underruns);
/// Frames written that have not yet left the DAC (`snd_pcm_delay`), or 0 if the device cannot say (not
/// running, or an error).
long loa_pcm_delay(loa_pcm *pcm);
/// Frames the device must hold before it starts playing (its start threshold, at most its buffer), for a PCM with a
/// sound card behind it; 0 for one without (`null`, a plain file), which takes what it is given at once.
long loa_pcm_start_frames(loa_pcm *pcm);
/// The device's buffer in frames, as ALSA set it (about the `latency_us` asked for), or 0 if it cannot say.
long loa_pcm_buffer_frames(loa_pcm *pcm);
/// Plays what is buffered, then stops; the device stays open and restarts on the next write.
void loa_pcm_drain(loa_pcm *pcm);
/// Closes the device (a `file` PCM flushes its file here).
void loa_pcm_close(loa_pcm *pcm);
/// Closes a device that failed, dropping what it buffered instead of waiting for it to play.
void loa_pcm_abandon(loa_pcm *pcm);
/// A static description of an ALSA error code.
const char *loa_pcm_strerror(int error);

// MARK: Capture (S16_LE interleaved)

typedef struct loa_capture loa_capture;
/// Opens `device` for capture at exactly `rate` Hz (ALSA may resample) with `channels` channels, in periods of
/// about `period_us` and a buffer of about `buffer_us`. Returns 0 and sets `*capture`, or a negative ALSA error code.
int loa_capture_open(loa_capture **capture, const char *device, unsigned rate, unsigned channels,
                     unsigned period_us, unsigned buffer_us);
/// 1 if a sound card stands behind the device (its clock paces reads), 0 for one without (a `file` PCM reading an
/// `infile`, which returns at once: its reader paces itself).
int loa_capture_has_card(loa_capture *capture);
/// Reads `frames` frames, blocking; recovers from an overrun (counting it in `*overruns`). Returns the frames read
/// (fewer only at the end of a file input) or a negative ALSA error code that could not be recovered.
long loa_capture_read(loa_capture *capture, int16_t *samples, unsigned long frames, unsigned *overruns);
/// Closes the device, dropping what it holds.
void loa_capture_close(loa_capture *capture);

// MARK: Library messages

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
