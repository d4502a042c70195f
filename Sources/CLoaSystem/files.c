#define _GNU_SOURCE
// 64-bit file offsets, sizes and inode numbers on 32-bit boards too (armhf): without them stat() and readdir() fail
// with EOVERFLOW on a file whose inode number or size does not fit 32 bits, and the box's clip cache would not see
// its own files.
#define _FILE_OFFSET_BITS 64
#include "loa_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

long loa_read_file(const char *path, void *buffer, size_t capacity) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat status;
    if (fstat(fd, &status) != 0) goto fail;
    if (S_ISDIR(status.st_mode)) {
        errno = EISDIR;
        goto fail;
    }
    size_t done = 0;
    while (done < capacity) {
        ssize_t got = read(fd, (char *)buffer + done, capacity - done);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) goto fail;
        if (got == 0) break;
        done += (size_t)got;
    }
    long size = (long)done;
    if (done == capacity && status.st_size > (off_t)capacity) size = (long)status.st_size;
    close(fd);
    return size;
fail:;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

static int loa_write_all(int fd, const void *bytes, size_t count) {
    const char *cursor = bytes;
    while (count > 0) {
        ssize_t written = write(fd, cursor, count);
        if (written < 0 && errno == EINTR) continue;
        if (written < 0) return -1;
        cursor += written;
        count -= (size_t)written;
    }
    return 0;
}

/// The folder `path` lies in ("." for a bare name), in a string to free; NULL with errno ENOMEM.
static char *loa_folder_of(const char *path) {
    char *folder = malloc(strlen(path) + 2);
    if (folder == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        strcpy(folder, ".");
    } else {
        size_t folder_length = slash == path ? 1 : (size_t)(slash - path);
        memcpy(folder, path, folder_length);
        folder[folder_length] = '\0';
    }
    return folder;
}

/// fsyncs the folder `path` lies in, so that a rename into it lasts: 0, or -1 with errno set.
static int loa_sync_folder_of(const char *path) {
    char *folder = loa_folder_of(path);
    if (folder == NULL) return -1;
    int result = -1, saved = 0;
    int directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory >= 0) {
        result = fsync(directory);
        saved = errno;
        close(directory);
        errno = saved;
    }
    saved = errno;
    free(folder);
    errno = saved;
    return result;
}

int loa_replace_file(const char *path, const void *bytes, size_t count, unsigned mode) {
    size_t length = strlen(path);
    char *temporary = malloc(length + 16);
    if (temporary == NULL) {
        errno = ENOMEM;
        return -1;
    }
    snprintf(temporary, length + 16, "%s.tmp-XXXXXX", path);
    int result = -1, saved = 0;
    int fd = mkostemp(temporary, O_CLOEXEC);
    if (fd < 0) goto done;
    if (fchmod(fd, (mode_t)mode) != 0 || loa_write_all(fd, bytes, count) != 0 || fsync(fd) != 0) {
        saved = errno;
        close(fd);
        unlink(temporary);
        errno = saved;
        goto done;
    }
    if (close(fd) != 0 || rename(temporary, path) != 0) {
        saved = errno;
        unlink(temporary);
        errno = saved;
        goto done;
    }
    result = loa_sync_folder_of(path);
done:
    saved = errno;
    free(temporary);
    errno = saved;
    return result;
}

long loa_file_size(const char *path) {
    struct stat status;
    if (stat(path, &status) != 0) return -1;
    if (!S_ISREG(status.st_mode)) {
        errno = S_ISDIR(status.st_mode) ? EISDIR : EINVAL;
        return -1;
    }
    return (long)status.st_size;
}

int loa_append_file(const char *path, const void *bytes, size_t count, unsigned mode) {
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) return -1;
    if (loa_write_all(fd, bytes, count) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return close(fd);
}

int loa_commit_file(const char *from, const char *to) {
    int fd = open(from, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (fdatasync(fd) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    if (close(fd) != 0 || rename(from, to) != 0) return -1;
    return loa_sync_folder_of(to);
}

int loa_remove_file(const char *path) { return unlink(path) == 0 || errno == ENOENT ? 0 : -1; }

long loa_list_folder(const char *path, char *buffer, size_t capacity) {
    DIR *folder = opendir(path);
    if (folder == NULL) return -1;
    size_t needed = 0, written = 0;
    struct dirent *entry;
    errno = 0;
    while ((entry = readdir(folder)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        size_t size = strlen(entry->d_name) + 1;
        if (written == needed && written + size <= capacity) {
            memcpy(buffer + written, entry->d_name, size);
            written += size;
        }
        needed += size;
    }
    int saved = errno;
    closedir(folder);
    if (saved != 0) {
        errno = saved;
        return -1;
    }
    return (long)needed;
}

int loa_make_folder(const char *path, unsigned mode) {
    if (mkdir(path, (mode_t)mode) == 0) return 0;
    struct stat status;
    if (errno == EEXIST && stat(path, &status) == 0 && S_ISDIR(status.st_mode)) return 0;
    return -1;
}
