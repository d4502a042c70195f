#define _GNU_SOURCE
#include "loa_sockets.h"
#include "loa_clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int loa_parse_ipv4(const char *text, uint32_t *address) {
    struct in_addr parsed;
    if (inet_pton(AF_INET, text, &parsed) != 1) return -1;
    *address = ntohl(parsed.s_addr);
    return 0;
}

void loa_format_ipv4(uint32_t address, char *buffer) {
    struct in_addr value = {.s_addr = htonl(address)};
    inet_ntop(AF_INET, &value, buffer, 16);
}

int loa_find_interface(const char *name_or_address, int *index, uint32_t *address) {
    uint32_t wanted = 0;
    int by_address = loa_parse_ipv4(name_or_address, &wanted) == 0;
    struct ifaddrs *list = NULL;
    if (getifaddrs(&list) != 0) return -1;
    int found = -1;
    for (struct ifaddrs *entry = list; entry != NULL; entry = entry->ifa_next) {
        if (entry->ifa_addr == NULL || entry->ifa_addr->sa_family != AF_INET) continue;
        uint32_t entry_address = ntohl(((struct sockaddr_in *)entry->ifa_addr)->sin_addr.s_addr);
        int match = by_address ? entry_address == wanted : strcmp(entry->ifa_name, name_or_address) == 0;
        if (!match) continue;
        *index = (int)if_nametoindex(entry->ifa_name);
        *address = entry_address;
        found = 0;
        break;
    }
    freeifaddrs(list);
    return found;
}

static struct sockaddr_in loa_sockaddr(uint32_t address, uint16_t port) {
    struct sockaddr_in result;
    memset(&result, 0, sizeof result);
    result.sin_family = AF_INET;
    result.sin_addr.s_addr = htonl(address);
    result.sin_port = htons(port);
    return result;
}

int loa_udp_open(void) { return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0); }

int loa_udp_bind(int fd, uint32_t address, uint16_t port, int reuse) {
    int on = 1;
    if (reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) return -1;
    struct sockaddr_in local = loa_sockaddr(address, port);
    return bind(fd, (struct sockaddr *)&local, sizeof local);
}

int loa_udp_join(int fd, uint32_t group, int ifindex) {
    // struct ip_mreq names the interface by its address. Not ip_mreqn: qemu-user 7.2 mistranslates it
    // for 64-bit targets (its target struct has a `long` index), and CI runs the ARM receiver under qemu.
    struct ip_mreq request;
    memset(&request, 0, sizeof request);
    request.imr_multiaddr.s_addr = htonl(group);
    request.imr_interface.s_addr = htonl(INADDR_ANY);
    if (ifindex != 0) {
        struct ifreq interface;
        memset(&interface, 0, sizeof interface);
        if (if_indextoname((unsigned)ifindex, interface.ifr_name) == NULL) return -1;
        interface.ifr_addr.sa_family = AF_INET;
        if (ioctl(fd, SIOCGIFADDR, &interface) != 0) return -1;
        request.imr_interface = ((struct sockaddr_in *)&interface.ifr_addr)->sin_addr;
    }
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof request) != 0) return -1;
    // Only this group's datagrams, even if another socket joined a different group. The socket is bound
    // to the group address, which filters too, so a system without the option (qemu-user) goes on.
    int off = 0;
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof off) != 0 && errno != ENOPROTOOPT) return -1;
    return 0;
}

int loa_udp_multicast_out(int fd, int ifindex, uint32_t if_address, int ttl, int loop) {
    struct ip_mreqn request;
    memset(&request, 0, sizeof request);
    request.imr_address.s_addr = htonl(if_address);
    request.imr_ifindex = ifindex;
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof request) != 0) return -1;
    unsigned char ttl_value = (unsigned char)ttl;
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl_value, sizeof ttl_value) != 0) return -1;
    unsigned char loop_value = loop ? 1 : 0;
    return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop_value, sizeof loop_value);
}

int loa_udp_receive_buffer(int fd, int bytes) {
    return setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

ssize_t loa_udp_send(int fd, const void *bytes, size_t count, uint32_t address, uint16_t port) {
    struct sockaddr_in target = loa_sockaddr(address, port);
    ssize_t sent;
    do {
        sent = sendto(fd, bytes, count, 0, (struct sockaddr *)&target, sizeof target);
    } while (sent < 0 && errno == EINTR);
    return sent;
}

size_t loa_udp_send_each(int fd, const void *bytes, size_t count, const uint32_t *addresses, const uint16_t *ports,
                         size_t targets) {
    enum { batch = 64 };
    struct sockaddr_in names[batch];
    struct iovec vector = {.iov_base = (void *)bytes, .iov_len = count};
    struct mmsghdr messages[batch];
    size_t sent = 0;
    size_t next = 0;
    while (next < targets) {
        unsigned int size = targets - next < batch ? (unsigned int)(targets - next) : batch;
        memset(messages, 0, sizeof(struct mmsghdr) * size);
        for (unsigned int i = 0; i < size; i++) {
            names[i] = loa_sockaddr(addresses[next + i], ports[next + i]);
            messages[i].msg_hdr.msg_name = &names[i];
            messages[i].msg_hdr.msg_namelen = sizeof names[i];
            messages[i].msg_hdr.msg_iov = &vector;
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        int done;
        do {
            done = sendmmsg(fd, messages, size, 0);
        } while (done < 0 && errno == EINTR);
        if (done <= 0) {
            next += 1;  // the first of the batch was refused: skip it, go on with the rest
            continue;
        }
        sent += (size_t)done;
        next += (size_t)done;
    }
    return sent;
}

ssize_t loa_udp_receive(int fd, void *buffer, size_t capacity, uint32_t *from_address, uint16_t *from_port) {
    struct sockaddr_in from;
    socklen_t from_length = sizeof from;
    ssize_t length;
    do {
        length = recvfrom(fd, buffer, capacity, MSG_TRUNC, (struct sockaddr *)&from, &from_length);
    } while (length < 0 && errno == EINTR);
    if (length < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    if (length == 0) return 0;
    if (from_address) *from_address = ntohl(from.sin_addr.s_addr);
    if (from_port) *from_port = ntohs(from.sin_port);
    return length;
}

int loa_udp_local_port(int fd) {
    struct sockaddr_in local;
    socklen_t length = sizeof local;
    if (getsockname(fd, (struct sockaddr *)&local, &length) != 0) return -1;
    return ntohs(local.sin_port);
}

int loa_wait_readable_until(int fd, uint64_t deadline_ns) {
    uint64_t now = loa_monotonic_ns();
    uint64_t wait = deadline_ns > now ? deadline_ns - now : 0;
    struct timespec timeout = {.tv_sec = (time_t)(wait / 1000000000ull), .tv_nsec = (long)(wait % 1000000000ull)};
    struct pollfd entry = {.fd = fd, .events = POLLIN, .revents = 0};
    int result = ppoll(&entry, 1, &timeout, NULL);
    if (result < 0) return errno == EINTR ? 0 : -1;
    return result > 0 ? 1 : 0;
}

void loa_close(int fd) {
    if (fd >= 0) close(fd);
}

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
