/*
 * Socket chardevs: tcp:[host]:port and unix:path, as a server (one client
 * at a time, the next one accepted after it leaves) or a client, with the
 * telnet protocol on the connection when asked (telnet=on, or QEMU's
 * telnet:host:port; core/chardev_telnet.c).  Every
 * descriptor is non-blocking once set up and driven by the event loop;
 * the only blocking waits are QEMU's wait=on (until the first client
 * connects, at start-up) and a short bounded flush at close.
 */
#define _GNU_SOURCE /* accept4 */
#include "core/chardev_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/chardev_telnet.h"
#include "core/event_loop.h"

#define SOCKET_READ_CHUNK 4096
/* Output held for a peer that reads slower than the guest writes; past
 * this it is dropped rather than blocking the vCPU. */
#define SOCKET_OUT_MAX (256 * 1024)
/* At close, how long pending output (QMP's SHUTDOWN event) may take. */
#define SOCKET_CLOSE_FLUSH_MS 1000

struct ChardevSocket {
    EventLoop *loop;
    ChardevSocketOwner owner;
    char *name; /* the address as "127.0.0.1:4444" or the path, for messages */
    bool server;
    char *unix_path; /* a unix server's socket file, removed at close */
    bool nodelay;
    bool telnet;            /* speak telnet on each connection */
    ChardevTelnet *tel;     /* the connection's telnet state (telnet only) */
    bool in_telnet_input;   /* inside chr_telnet_input: a drop defers the free */
    int listen_fd, conn_fd; /* -1 when absent */
    int port;               /* tcp server: the bound port */
    bool input_paused;
    uint8_t *out;
    size_t out_len;
    bool drop_noted; /* the "output dropped" note was printed for this client */
};

typedef struct SocketOpts {
    bool server, wait, nodelay, telnet;
} SocketOpts;

static bool opt_is(const char *tok, size_t len, const char *key, bool *value)
{
    size_t k = strlen(key);
    if (len == k && strncmp(tok, key, k) == 0) {
        *value = true; /* bare flag: "server" */
        return true;
    }
    if (len > k + 1 && strncmp(tok, key, k) == 0 && tok[k] == '=') {
        *value = strncmp(tok + k + 1, "on", len - k - 1) == 0;
        return true;
    }
    return false;
}

/* Options after the address (syntax already checked by chardev.c). */
static void socket_opts_parse(const char *opts, SocketOpts *o)
{
    *o = (SocketOpts){.server = false, .wait = true, .nodelay = false, .telnet = false};
    while (opts && *opts) {
        size_t len = strcspn(opts, ",");
        bool v;
        if (len == 6 && strncmp(opts, "nowait", 6) == 0)
            o->wait = false;
        else if (opt_is(opts, len, "server", &v))
            o->server = v;
        else if (opt_is(opts, len, "wait", &v))
            o->wait = v;
        else if (opt_is(opts, len, "nodelay", &v))
            o->nodelay = v;
        else if (opt_is(opts, len, "telnet", &v))
            o->telnet = v;
        opts += len + (opts[len] == ',');
    }
}

static void set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* ---- the connected peer ---- */

static void conn_update_events(ChardevSocket *s)
{
    if (!s->loop || s->conn_fd < 0) return;
    short ev = (short)((s->input_paused ? 0 : POLLIN) | (s->out_len ? POLLOUT : 0));
    event_loop_set_fd_events(s->loop, s->conn_fd, ev);
}

static void conn_drop(ChardevSocket *s)
{
    if (s->conn_fd < 0) return;
    if (s->loop) event_loop_remove_fd(s->loop, s->conn_fd);
    close(s->conn_fd);
    s->conn_fd = -1;
    if (!s->in_telnet_input) chr_telnet_free(s->tel);
    s->tel = NULL;
    s->out_len = 0;
    s->drop_noted = false;
    s->input_paused = false;
    if (s->owner.event) s->owner.event(s->owner.opaque, CHARDEV_EVENT_CLOSED);
}

/* Write what the peer takes now; false when the connection is broken. */
static bool conn_flush(ChardevSocket *s)
{
    size_t done = 0;
    while (done < s->out_len) {
        ssize_t n = send(s->conn_fd, s->out + done, s->out_len - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            s->out_len = 0;
            return false;
        }
    }
    memmove(s->out, s->out + done, s->out_len - done);
    s->out_len -= done;
    conn_update_events(s);
    return true;
}

static void conn_event(void *opaque, int fd, short revents)
{
    ChardevSocket *s = opaque;
    if ((revents & POLLOUT) && !conn_flush(s)) {
        conn_drop(s);
        return;
    }
    if (!(revents & (POLLIN | POLLHUP | POLLERR)) || s->conn_fd != fd) return;
    if (s->input_paused && !(revents & (POLLHUP | POLLERR))) return;
    size_t room = s->owner.room ? s->owner.room(s->owner.opaque) : SOCKET_READ_CHUNK;
    if (room == 0) {
        chr_socket_set_input_paused(s, true);
        return;
    }
    uint8_t buf[SOCKET_READ_CHUNK];
    ssize_t n = recv(fd, buf, room < sizeof buf ? room : sizeof buf, 0);
    if (n > 0 && s->tel) {
        /* The owner may drop the client from its input handler (QMP, gdb):
         * then the rest of the bytes are not delivered and the telnet state
         * is freed here, once libtelnet has returned. */
        ChardevTelnet *tel = s->tel;
        s->in_telnet_input = true;
        chr_telnet_input(tel, buf, (size_t)n); /* never more data than bytes */
        s->in_telnet_input = false;
        if (s->tel != tel) chr_telnet_free(tel);
    } else if (n > 0) {
        if (s->owner.input) s->owner.input(s->owner.opaque, buf, (size_t)n);
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
        conn_drop(s); /* the peer left */
    }
}

static size_t conn_write_raw(ChardevSocket *s, const uint8_t *buf, size_t len);

static void telnet_send_raw(void *opaque, const uint8_t *buf, size_t len)
{
    ChardevSocket *s = opaque;
    if (s->conn_fd >= 0) conn_write_raw(s, buf, len);
}

static void telnet_data(void *opaque, const uint8_t *buf, size_t len)
{
    ChardevSocket *s = opaque;
    if (s->tel && s->owner.input) s->owner.input(s->owner.opaque, buf, len); /* not after a drop */
}

static void conn_adopt(ChardevSocket *s, int fd)
{
    set_nonblocking(fd);
    if (s->nodelay) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    s->conn_fd = fd;
    s->input_paused = false;
    if (s->telnet)
        s->tel = chr_telnet_new(
            &(ChardevTelnetOps){.send_raw = telnet_send_raw, .data = telnet_data, .opaque = s});
    if (s->loop) event_loop_add_fd(s->loop, fd, POLLIN, conn_event, s);
    if (s->owner.event) s->owner.event(s->owner.opaque, CHARDEV_EVENT_OPENED);
}

/* A server takes one client at a time: later ones are closed at once. */
static void listen_event(void *opaque, int fd, short revents)
{
    ChardevSocket *s = opaque;
    int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c < 0) return;
    if (s->conn_fd >= 0) {
        close(c);
        return;
    }
    conn_adopt(s, c);
}

/* ---- opening ---- */

static int socket_fail(char *err, size_t errlen, int fd, const char *what, const char *name)
{
    snprintf(err, errlen, "cannot %s %s: %s", what, name, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
}

/* A connected (client) or listening (server) descriptor for tcp:host:port. */
static int tcp_open(ChardevSocket *s, const char *addr, size_t alen, char *err, size_t errlen)
{
    const char *colon = memrchr(addr, ':', alen);
    char host[256], port[8];
    size_t hlen = (size_t)(colon - addr);
    if (hlen >= 2 && addr[0] == '[' && addr[hlen - 1] == ']') { /* [::1]:port */
        addr++;
        hlen -= 2;
    }
    if (hlen >= sizeof host) hlen = sizeof host - 1;
    memcpy(host, addr, hlen);
    host[hlen] = '\0';
    if (!host[0]) strcpy(host, "127.0.0.1"); /* loopback unless an address is given */
    snprintf(port, sizeof port, "%.*s", (int)strcspn(colon + 1, ","), colon + 1);

    char name[300];
    snprintf(name, sizeof name, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
    s->name = strdup(name);

    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = s->server ? AI_PASSIVE : 0};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "cannot resolve '%s': %s", host, gai_strerror(rc));
        return -1;
    }
    int fd = -1, saved = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        int one = 1;
        if (s->server) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        bool ok = s->server ? bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0
                            : connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
        if (ok) break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        errno = saved;
        return socket_fail(err, errlen, -1, s->server ? "listen on" : "connect to", name);
    }
    if (s->server) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
            s->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                     : ((struct sockaddr_in *)&ss)->sin_port);
    }
    return fd;
}

static int unix_open(ChardevSocket *s, const char *path, size_t plen, char *err, size_t errlen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    s->name = strndup(path, plen);
    if (plen >= sizeof sa.sun_path) {
        snprintf(err, errlen, "unix socket path too long: %s", s->name);
        return -1;
    }
    memcpy(sa.sun_path, path, plen);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return socket_fail(err, errlen, -1, "create socket", s->name);
    if (!s->server) {
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
            return socket_fail(err, errlen, fd, "connect to", s->name);
        return fd;
    }
    /* A socket file left behind by an earlier run is replaced (as QEMU
     * does); any other file is not touched. */
    struct stat st;
    if (lstat(s->name, &st) == 0 && S_ISSOCK(st.st_mode)) unlink(s->name);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1) != 0)
        return socket_fail(err, errlen, fd, "listen on", s->name);
    s->unix_path = strdup(s->name);
    return fd;
}

ChardevSocket *chr_socket_open(EventLoop *loop, const char *spec, const ChardevSocketOwner *owner,
                               char *err, size_t errlen)
{
    bool is_unix = strncmp(spec, "unix:", 5) == 0;
    bool is_telnet = strncmp(spec, "telnet:", 7) == 0; /* QEMU's tcp with telnet=on */
    const char *addr = spec + (is_unix ? 5 : is_telnet ? 7 : 4);
    const char *comma = strchr(addr, ',');
    size_t alen = comma ? (size_t)(comma - addr) : strlen(addr);
    SocketOpts o;
    socket_opts_parse(comma ? comma + 1 : NULL, &o);
    if (is_telnet) o.telnet = true;

    ChardevSocket *s = calloc(1, sizeof *s);
    s->loop = loop;
    s->owner = *owner;
    s->server = o.server;
    s->nodelay = o.nodelay;
    s->telnet = o.telnet;
    s->listen_fd = s->conn_fd = -1;
    s->port = -1;
    int fd = is_unix ? unix_open(s, addr, alen, err, errlen) : tcp_open(s, addr, alen, err, errlen);
    if (fd < 0) {
        chr_socket_close(s);
        return NULL;
    }
    if (!s->server) {
        conn_adopt(s, fd);
        return s;
    }
    s->listen_fd = fd;
    if (o.wait) {
        /* QEMU's wait=on: the machine starts once the first client is in. */
        fprintf(stderr, "doppel: waiting for connection on %s:%s\n", is_unix ? "unix" : "tcp",
                s->name);
        int c;
        do
            c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        while (c < 0 && errno == EINTR);
        if (c < 0) {
            socket_fail(err, errlen, -1, "accept on", s->name);
            chr_socket_close(s);
            return NULL;
        }
        conn_adopt(s, c);
    }
    set_nonblocking(fd);
    if (loop) event_loop_add_fd(loop, fd, POLLIN, listen_event, s);
    return s;
}

/* Give pending output (a last QMP event) a bounded time to leave. */
static void conn_flush_before_close(ChardevSocket *s)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (s->out_len && conn_flush(s) && s->out_len) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        long spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (spent >= SOCKET_CLOSE_FLUSH_MS) break;
        struct pollfd p = {s->conn_fd, POLLOUT, 0};
        if (poll(&p, 1, (int)(SOCKET_CLOSE_FLUSH_MS - spent)) <= 0) break;
    }
}

void chr_socket_close(ChardevSocket *s)
{
    if (!s) return;
    if (s->conn_fd >= 0) {
        conn_flush_before_close(s);
        if (s->loop) event_loop_remove_fd(s->loop, s->conn_fd);
        close(s->conn_fd);
    }
    chr_telnet_free(s->tel);
    if (s->listen_fd >= 0) {
        if (s->loop) event_loop_remove_fd(s->loop, s->listen_fd);
        close(s->listen_fd);
    }
    if (s->unix_path) unlink(s->unix_path);
    free(s->unix_path);
    free(s->name);
    free(s->out);
    free(s);
}

size_t chr_socket_write(ChardevSocket *s, const uint8_t *buf, size_t len)
{
    if (s->conn_fd < 0) return len; /* nobody connected: output is dropped */
    if (s->tel) {
        chr_telnet_output(s->tel, buf, len); /* escaped, then conn_write_raw */
        return len;
    }
    return conn_write_raw(s, buf, len);
}

/* Bytes as they go on the wire. */
static size_t conn_write_raw(ChardevSocket *s, const uint8_t *buf, size_t len)
{
    size_t done = 0;
    while (s->out_len == 0 && done < len) {
        ssize_t n = send(s->conn_fd, buf + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0)
            done += (size_t)n;
        else if (n < 0 && errno == EINTR)
            continue;
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        else
            return len; /* broken: the reader sees the hang-up and drops it */
    }
    size_t rest = len - done;
    if (rest == 0) return len;
    size_t fits = SOCKET_OUT_MAX - s->out_len;
    if (rest > fits) {
        if (!s->drop_noted)
            fprintf(stderr, "doppel: %s: the client is not reading; output dropped\n", s->name);
        s->drop_noted = true;
        rest = fits;
    }
    if (!s->out) s->out = malloc(SOCKET_OUT_MAX);
    memcpy(s->out + s->out_len, buf + done, rest);
    s->out_len += rest;
    conn_update_events(s);
    return len;
}

bool chr_socket_connected(const ChardevSocket *s)
{
    return s->conn_fd >= 0;
}

void chr_socket_disconnect(ChardevSocket *s)
{
    conn_drop(s);
}

void chr_socket_set_input_paused(ChardevSocket *s, bool paused)
{
    if (s->input_paused == paused) return;
    s->input_paused = paused;
    conn_update_events(s);
}

int chr_socket_port(const ChardevSocket *s)
{
    return s->port;
}
