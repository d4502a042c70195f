#define _GNU_SOURCE
#include "loa_fleet.h"
#include "loa_system.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

int loa_wait_readable2(int first, int second, uint64_t deadline_ns) {
    uint64_t now = loa_monotonic_ns();
    uint64_t wait = deadline_ns > now ? deadline_ns - now : 0;
    struct timespec timeout = {.tv_sec = (time_t)(wait / 1000000000ull), .tv_nsec = (long)(wait % 1000000000ull)};
    // poll ignores entries with a negative descriptor.
    struct pollfd entries[2] = {{.fd = first, .events = POLLIN, .revents = 0}, {.fd = second, .events = POLLIN, .revents = 0}};
    int result = ppoll(entries, 2, &timeout, NULL);
    if (result < 0) return errno == EINTR ? 0 : -1;
    int mask = 0;
    if (entries[0].revents & (POLLIN | POLLERR)) mask |= 1;
    if (entries[1].revents & (POLLIN | POLLERR)) mask |= 2;
    return mask;
}

int loa_resolve_ipv4(const char *host, uint32_t *address) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    struct addrinfo *list = NULL;
    if (getaddrinfo(host, NULL, &hints, &list) != 0 || list == NULL) return -1;
    *address = ntohl(((struct sockaddr_in *)list->ai_addr)->sin_addr.s_addr);
    freeaddrinfo(list);
    return 0;
}
