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
/// The size in bytes of the regular file at `path`, or -1 with errno set (ENOENT: there is none).
long loa_file_size(const char *path);
/// Appends `count` bytes to the file at `path` (made with `mode` if absent): 0, or -1 with errno set. The bytes
/// are in the page cache, not flushed (a flush on an SD card can take tens of milliseconds, and the receiver's loop
/// appends while it plays): after a power cut the file may lack its last appends, or hold damaged ones, so readers
/// check a digest before use, and `loa_commit_file` flushes a finished file before it counts.
int loa_append_file(const char *path, const void *bytes, size_t count, unsigned mode);
/// Makes the finished file at `from` the file at `to`, durably: flushes its data (fdatasync), renames it over `to`
/// and fsyncs the folder. A power cut leaves `to` as it was or the whole new file, never a torn one. Returns 0, or
/// -1 with errno set (`from` is then left where it was).
int loa_commit_file(const char *from, const char *to);
/// Removes the file at `path`: 0, or -1 with errno set (ENOENT counts as removed: 0).
int loa_remove_file(const char *path);
/// Makes the folder at `path` with `mode` if it does not exist: 0, or -1 with errno set.
int loa_make_folder(const char *path, unsigned mode);
/// Writes the names of the entries of the folder at `path` (not "." or ".."), each ended by a zero byte, into
/// `buffer`. Returns the bytes the names need (more than `capacity`: only those that fitted whole were written),
/// or -1 with errno set.
long loa_list_folder(const char *path, char *buffer, size_t capacity);

#ifdef __cplusplus
}
#endif
#endif
