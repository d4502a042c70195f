#ifndef LOA_STREAM_H
#define LOA_STREAM_H

#include <stddef.h>

/// One opened sound source (a URL or a file) and its decoder, giving 48 kHz mono float samples.
typedef struct loa_stream loa_stream;

/// Makes a handle (nothing opened yet); NULL if out of memory. `loa_stream_abort` may be called on it from another
/// thread at any time until `loa_stream_destroy`.
loa_stream *loa_stream_create(void);

/// Opens `url` (or a file's path) and its first audio stream. Each network wait gives up after `timeout_ms`
/// without progress. Returns 0, or -1 with a one-line reason in `error`.
int loa_stream_open(loa_stream *stream, const char *url, int timeout_ms, char *error, size_t error_size);

/// Decodes until samples come: writes up to `capacity` 48 kHz mono samples (full scale ±1) to `samples` and
/// returns their count; 0 at the end of the source; -1 with a reason in `error` when it failed or was aborted.
/// Samples the converter holds back are returned by the next calls.
int loa_stream_read(loa_stream *stream, float *samples, int capacity, char *error, size_t error_size);

/// Makes a blocked or later open or read return -1 at once (from any thread).
void loa_stream_abort(loa_stream *stream);

/// The name of the opened source's format and codec ("mp3 / mp3", "hls / aac"); "" before opening.
const char *loa_stream_format(loa_stream *stream);

/// Closes what was opened and frees the handle.
void loa_stream_destroy(loa_stream *stream);

#endif
