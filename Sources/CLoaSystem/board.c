#define _GNU_SOURCE
#include "loa_board.h"

#include <alsa/asoundlib.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

int loa_replace_file(const char *path, const void *bytes, size_t count, unsigned mode) {
    size_t length = strlen(path);
    char *temporary = malloc(length + 16);
    char *folder = malloc(length + 2);
    if (temporary == NULL || folder == NULL) {
        free(temporary);
        free(folder);
        errno = ENOMEM;
        return -1;
    }
    snprintf(temporary, length + 16, "%s.tmp-XXXXXX", path);
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        strcpy(folder, ".");
    } else {
        size_t folder_length = slash == path ? 1 : (size_t)(slash - path);
        memcpy(folder, path, folder_length);
        folder[folder_length] = '\0';
    }
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
    int directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory < 0) goto done;
    result = fsync(directory);
    saved = errno;
    close(directory);
    errno = saved;
done:
    saved = errno;
    free(temporary);
    free(folder);
    errno = saved;
    return result;
}

int loa_service_notify(const char *state) {
    const char *socket_path = getenv("NOTIFY_SOCKET");
    if (socket_path == NULL || socket_path[0] == '\0') return 0;
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    size_t length = strlen(socket_path);
    if (length >= sizeof address.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(address.sun_path, socket_path, length);
    if (address.sun_path[0] == '@') address.sun_path[0] = '\0';  // abstract namespace
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    socklen_t size = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length);
    ssize_t sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&address, size);
    int saved = errno;
    close(fd);
    errno = saved;
    return sent < 0 ? -1 : 1;
}

uint64_t loa_service_watchdog_usec(void) {
    const char *pid = getenv("WATCHDOG_PID");
    if (pid != NULL && pid[0] != '\0' && strtol(pid, NULL, 10) != (long)getpid()) return 0;
    const char *usec = getenv("WATCHDOG_USEC");
    if (usec == NULL) return 0;
    return strtoull(usec, NULL, 10);
}

static int loa_watchdog_known = 0;
static uint64_t loa_watchdog_half_ns = 0;
static uint64_t loa_watchdog_last_ns = 0;

void loa_service_watchdog_ping(uint64_t now_ns) {
    if (!loa_watchdog_known) {
        loa_watchdog_known = 1;
        loa_watchdog_half_ns = loa_service_watchdog_usec() * 500;
    }
    if (loa_watchdog_half_ns == 0) return;
    if (loa_watchdog_last_ns != 0 && now_ns - loa_watchdog_last_ns < loa_watchdog_half_ns) return;
    loa_watchdog_last_ns = now_ns;
    loa_service_notify("WATCHDOG=1");
}

static char loa_alsa_message[256];

static void loa_alsa_keep_message(const char *file, int line, const char *function, int error, const char *format,
                                  ...) {
    (void)file;
    (void)line;
    (void)function;
    (void)error;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(loa_alsa_message, sizeof loa_alsa_message, format, arguments);
    va_end(arguments);
}

void loa_alsa_capture_messages(void) { snd_lib_error_set_handler(loa_alsa_keep_message); }

size_t loa_alsa_take_message(char *buffer, size_t capacity) {
    if (capacity == 0) return 0;
    snprintf(buffer, capacity, "%s", loa_alsa_message);
    loa_alsa_message[0] = '\0';
    return strlen(buffer);
}
