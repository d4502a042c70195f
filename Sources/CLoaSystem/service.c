#define _GNU_SOURCE
#include "loa_service.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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
