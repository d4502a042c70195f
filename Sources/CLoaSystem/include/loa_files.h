/// Files that survive a power cut: reading a whole small file, and replacing one atomically.
#ifndef LOA_FILES_H
#define LOA_FILES_H

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

#ifdef __cplusplus
}
#endif
#endif
