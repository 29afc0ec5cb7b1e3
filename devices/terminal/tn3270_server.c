/*
 * The TN3270 server (see tn3270_server.h): a listening socket on
 * 127.0.0.1, one Tn3270Client per connection with its libtelnet state,
 * and the terminals (devices) the clients are given.
 *
 * A connection goes through the negotiation of RFC 1576: DO
 * TERMINAL-TYPE, SB TERMINAL-TYPE SEND, the type IS (a terminal is
 * chosen and reserved here), then WILL/DO EOR and WILL/DO BINARY; once
 * the client agreed to all four it is in 3270 mode and its terminal
 * connected.  Nothing is freed inside a libtelnet callback: a failing
 * client is marked dead and closed when telnet_recv has returned.
 */
#define _GNU_SOURCE
#include "devices/terminal/tn3270_server.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libtelnet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/event_loop.h"
#include "core/machine.h"

#define CLIENTS_MAX     32         /* connections at once, negotiating or not */
#define OUTPUT_MAX      (1u << 20) /* unsent bytes before a client counts as stuck */
#define DRAIN_MAX       4096       /* bytes read from a rejected client before closing */
#define TERMTYPE_MAX    40         /* RFC 1091: terminal type names up to 40 characters */
#define GROUP_MAX       8
#define READS_PER_EVENT 16

typedef enum ClientState {
    CLIENT_TTYPE,   /* asked for the terminal type */
    CLIENT_OPTIONS, /* terminal reserved; EOR and BINARY being agreed */
    CLIENT_READY,   /* 3270 mode: records flow */
    CLIENT_CLOSING, /* rejected: the message goes out, then the connection closes */
} ClientState;

/* The options of RFC 1576, each side's state kept here (libtelnet runs
 * in proxy mode: its RFC 1143 engine would swallow a refused DO without
 * telling, and a plain telnet client would then wait forever). */
enum { OPT_TTYPE, OPT_EOR, OPT_BINARY, OPT_COUNT };
typedef enum OptState { OPT_NO, OPT_ASKED, OPT_YES } OptState;

typedef struct Tn3270Client Tn3270Client;

struct Tn3270Terminal {
    Tn3270Server *srv;
    uint16_t devno;
    char group[GROUP_MAX + 1];
    const Tn3270TerminalOps *ops;
    void *opaque;
    Tn3270Client *client; /* reserving (negotiating) or connected client */
};

struct Tn3270Client {
    Tn3270Server *srv;
    Tn3270Client *next;
    int fd;
    telnet_t *telnet;
    ClientState state;
    uint8_t us[OPT_COUNT], him[OPT_COUNT]; /* OptState of our side, the client's */
    Tn3270Terminal *term;
    char termtype[TERMTYPE_MAX + 1]; /* without the @ suffix */
    uint8_t *rec;                    /* the inbound record being received */
    size_t rec_len, rec_cap;
    uint8_t *out; /* bytes not yet accepted by the socket */
    size_t out_len, out_cap;
    size_t drained;
    bool dead;
    bool shut; /* CLOSING: our side of the connection is shut down */
};

struct Tn3270Server {
    Machine *machine;
    EventLoop *loop;
    char bus_name[16]; /* "tn3270:<requested port>" */
    uint16_t port;
    int listen_fd;
    Tn3270Terminal **terms; /* in device number order */
    unsigned nterms, cap;
    Tn3270Client *clients;
    unsigned nclients;
};

static const telnet_telopt_t no_telopts[] = {{-1, 0, 0}}; /* proxy mode: unused */

static void client_event(void *opaque, int fd, short revents);
static void client_check_ready(Tn3270Client *c);

/* ---- output ---- */

static void client_fail(Tn3270Client *c, const char *why)
{
    if (c->dead) return;
    c->dead = true;
    if (why && c->term)
        fprintf(stderr, "doppel: 3270 %04X: tn3270 client %s; disconnected\n", c->term->devno, why);
    else if (why)
        fprintf(stderr, "doppel: 3270: tn3270 client %s; disconnected\n", why);
    /* Nothing is freed here (libtelnet may be inside a call); shut the
     * socket down so that the event loop sees it readable and closes it,
     * even when the client had stopped reading. */
    shutdown(c->fd, SHUT_RDWR);
    event_loop_set_fd_events(c->srv->loop, c->fd, POLLIN);
}

static void client_flush(Tn3270Client *c)
{
    while (c->out_len && !c->dead) {
        ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            memmove(c->out, c->out + n, c->out_len - (size_t)n);
            c->out_len -= (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            event_loop_set_fd_events(c->srv->loop, c->fd, POLLIN | POLLOUT);
            return;
        } else {
            client_fail(c, NULL); /* the peer is gone: reading says so next */
            return;
        }
    }
    if (c->dead) return;
    if (c->state == CLIENT_CLOSING && !c->shut) {
        shutdown(c->fd, SHUT_WR);
        c->shut = true;
    }
    event_loop_set_fd_events(c->srv->loop, c->fd, POLLIN);
}

static bool buffer_append(uint8_t **buf, size_t *len, size_t *cap, const void *data, size_t n)
{
    if (*len + n > *cap) {
        size_t want = *cap ? *cap : 256;
        while (want < *len + n)
            want *= 2;
        uint8_t *p = realloc(*buf, want);
        if (!p) return false;
        *buf = p;
        *cap = want;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    return true;
}

static void client_output(Tn3270Client *c, const char *data, size_t n)
{
    if (c->dead) return;
    if (c->out_len + n > OUTPUT_MAX || !buffer_append(&c->out, &c->out_len, &c->out_cap, data, n)) {
        client_fail(c, "does not read what is sent to it");
        return;
    }
    client_flush(c);
}

/* One line of plain text, then the connection closes (RFC 1576 gives a
 * server no other way to refuse). */
static void client_reject(Tn3270Client *c, const char *msg)
{
    if (c->dead || c->state == CLIENT_CLOSING) return;
    Tn3270Terminal *t = c->term;
    if (t) t->client = NULL;
    c->term = NULL;
    c->state = CLIENT_CLOSING;
    telnet_send(c->telnet, msg, strlen(msg));
    telnet_send(c->telnet, "\r\n", 2);
    client_flush(c);
}

/* ---- option negotiation (RFC 854 "Telnet Option Negotiation") ---- */

static int option_index(unsigned char telopt)
{
    switch (telopt) {
    case TELNET_TELOPT_TTYPE: return OPT_TTYPE;
    case TELNET_TELOPT_EOR: return OPT_EOR;
    case TELNET_TELOPT_BINARY: return OPT_BINARY;
    default: return -1;
    }
}

static const unsigned char option_code[OPT_COUNT] = {TELNET_TELOPT_TTYPE, TELNET_TELOPT_EOR,
                                                     TELNET_TELOPT_BINARY};

/* Ask for an option (WILL: ours, DO: the client's) unless it is on. */
static void client_ask(Tn3270Client *c, unsigned char cmd, int opt)
{
    uint8_t *st = cmd == TELNET_WILL ? &c->us[opt] : &c->him[opt];
    if (*st != OPT_NO) return;
    *st = OPT_ASKED;
    telnet_negotiate(c->telnet, cmd, option_code[opt]);
}

/* An option the session needs was refused or switched off. */
static void client_option_lost(Tn3270Client *c, int opt)
{
    if (c->state == CLIENT_CLOSING) return;
    if (opt == OPT_TTYPE) {
        if (c->state == CLIENT_TTYPE)
            client_reject(c, "doppel: this port serves 3270 display terminals (tn3270 clients) "
                             "only");
    } else if (c->state == CLIENT_READY) {
        client_fail(c, "left 3270 mode");
    } else if (c->state == CLIENT_OPTIONS) {
        client_reject(c, "doppel: a 3270 terminal needs the EOR and BINARY telnet options");
    }
}

/* WILL/WONT (the client's side) or DO/DONT (ours) arrived. */
static void client_negotiation(Tn3270Client *c, telnet_event_type_t type, unsigned char telopt)
{
    bool his = type == TELNET_EV_WILL || type == TELNET_EV_WONT;
    bool on = type == TELNET_EV_WILL || type == TELNET_EV_DO;
    int opt = option_index(telopt);
    /* Other options are refused; TERMINAL-TYPE is the client's alone. */
    if (opt < 0 || (opt == OPT_TTYPE && !his)) {
        if (on) telnet_negotiate(c->telnet, his ? TELNET_DONT : TELNET_WONT, telopt);
        return;
    }
    uint8_t *st = his ? &c->him[opt] : &c->us[opt];
    if (on) {
        if (*st == OPT_NO) /* the client offers or asks first: agree */
            telnet_negotiate(c->telnet, his ? TELNET_DO : TELNET_WILL, telopt);
        bool was_on = *st == OPT_YES;
        *st = OPT_YES;
        if (was_on) return;
        if (opt == OPT_TTYPE && c->state == CLIENT_TTYPE) telnet_ttype_send(c->telnet);
        client_check_ready(c);
    } else {
        if (*st == OPT_YES) /* acknowledge the switch-off */
            telnet_negotiate(c->telnet, his ? TELNET_DONT : TELNET_WONT, telopt);
        bool mattered = *st != OPT_NO || opt == OPT_TTYPE;
        *st = OPT_NO;
        if (mattered) client_option_lost(c, opt);
    }
}

/* ---- choosing a terminal ---- */

static bool parse_devno(const char *s, uint16_t *devno)
{
    size_t n = strlen(s);
    if (n == 0 || n > 4) return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)s[i])) return false;
        v = v << 4 |
            (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0'
                                                    : tolower((unsigned char)s[i]) - 'a' + 10);
    }
    *devno = (uint16_t)v;
    return true;
}

/* The 3270 display types of RFC 1576 §3 and Hercules' list: IBM-3270,
 * 3277, 3278, 3279, 3178, 3179, 3180 with an optional -model and -E, and
 * IBM-DYNAMIC. */
static bool termtype_is_display(const char *t)
{
    static const char *const models[] = {"3270", "3277", "3278", "3279", "3178", "3179", "3180"};
    if (strncasecmp(t, "IBM-", 4)) return false;
    t += 4;
    if (!strcasecmp(t, "DYNAMIC")) return true;
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if (!strncmp(t, models[i], 4) && (t[4] == 0 || t[4] == '-')) return true;
    return false;
}

static Tn3270Terminal *choose_terminal(Tn3270Server *srv, const char *suffix, char *why,
                                       size_t whylen)
{
    uint16_t devno;
    if (suffix && parse_devno(suffix, &devno)) {
        for (unsigned i = 0; i < srv->nterms; i++) {
            Tn3270Terminal *t = srv->terms[i];
            if (t->devno != devno) continue;
            if (!t->client) return t;
            snprintf(why, whylen, "doppel: 3270 device %04X is in use", devno);
            return NULL;
        }
        snprintf(why, whylen, "doppel: there is no 3270 device %04X on this port", devno);
        return NULL;
    }
    for (unsigned i = 0; i < srv->nterms; i++) {
        Tn3270Terminal *t = srv->terms[i];
        bool eligible = suffix ? !strcasecmp(t->group, suffix) : t->group[0] == 0;
        if (eligible && !t->client) return t;
    }
    if (suffix)
        snprintf(why, whylen, "doppel: no free 3270 terminal in group %s", suffix);
    else
        snprintf(why, whylen, "doppel: all 3270 terminals on this port are in use");
    return NULL;
}

static void client_terminal_type(Tn3270Client *c, const char *name)
{
    if (c->state != CLIENT_TTYPE) return;
    char type[TERMTYPE_MAX + 1];
    snprintf(type, sizeof type, "%s", name ? name : "");
    char *at = strchr(type, '@');
    const char *suffix = NULL;
    if (at) {
        *at = 0;
        suffix = at + 1;
    }
    if (!termtype_is_display(type)) {
        client_reject(c, "doppel: this port serves 3270 display terminals (tn3270 clients) only");
        return;
    }
    char why[96];
    Tn3270Terminal *t = choose_terminal(c->srv, suffix, why, sizeof why);
    if (!t) {
        client_reject(c, why);
        return;
    }
    snprintf(c->termtype, sizeof c->termtype, "%s", type);
    t->client = c;
    c->term = t;
    c->state = CLIENT_OPTIONS;
    client_ask(c, TELNET_WILL, OPT_EOR);
    client_ask(c, TELNET_DO, OPT_EOR);
    client_ask(c, TELNET_WILL, OPT_BINARY);
    client_ask(c, TELNET_DO, OPT_BINARY);
    client_check_ready(c);
}

/* All four options agreed (possibly offered by the client before it was
 * asked): 3270 mode. */
static void client_check_ready(Tn3270Client *c)
{
    bool all = c->us[OPT_EOR] == OPT_YES && c->him[OPT_EOR] == OPT_YES &&
               c->us[OPT_BINARY] == OPT_YES && c->him[OPT_BINARY] == OPT_YES;
    if (c->dead || c->state != CLIENT_OPTIONS || !all) return;
    c->state = CLIENT_READY;
    c->rec_len = 0;
    Tn3270Terminal *t = c->term;
    fprintf(stderr, "doppel: 3270 %04X: tn3270 client connected (%s)\n", t->devno, c->termtype);
    if (t->ops->connected) t->ops->connected(t->opaque);
}

/* ---- inbound ---- */

static void client_data(Tn3270Client *c, const char *data, size_t n)
{
    if (c->state != CLIENT_READY) return; /* typing before 3270 mode: nobody reads it */
    if (c->rec_len + n > TN3270_RECORD_MAX ||
        !buffer_append(&c->rec, &c->rec_len, &c->rec_cap, data, n)) {
        client_fail(c, "sent a record longer than 64 KiB");
        return;
    }
}

static void client_end_of_record(Tn3270Client *c)
{
    if (c->state != CLIENT_READY) return;
    size_t len = c->rec_len;
    c->rec_len = 0;
    Tn3270Terminal *t = c->term;
    if (t && t->ops->record) t->ops->record(t->opaque, c->rec, len);
}

static void telnet_event(telnet_t *telnet, telnet_event_t *ev, void *user)
{
    Tn3270Client *c = user;
    (void)telnet;
    if (ev->type == TELNET_EV_SEND) {
        client_output(c, ev->data.buffer, ev->data.size);
        return;
    }
    if (c->dead) return;
    switch (ev->type) {
    case TELNET_EV_DATA: client_data(c, ev->data.buffer, ev->data.size); break;
    case TELNET_EV_IAC:
        if (ev->iac.cmd == TELNET_EOR) client_end_of_record(c);
        break;
    case TELNET_EV_WILL:
    case TELNET_EV_WONT:
    case TELNET_EV_DO:
    case TELNET_EV_DONT: client_negotiation(c, ev->type, ev->neg.telopt); break;
    case TELNET_EV_TTYPE:
        if (ev->ttype.cmd == TELNET_TTYPE_IS) client_terminal_type(c, ev->ttype.name);
        break;
    case TELNET_EV_ERROR: client_fail(c, "broke the telnet protocol"); break;
    default: break; /* warnings, other subnegotiations */
    }
}

/* ---- connections ---- */

static void client_close(Tn3270Client *c, bool tell_terminal)
{
    Tn3270Server *srv = c->srv;
    for (Tn3270Client **p = &srv->clients; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    srv->nclients--;
    Tn3270Terminal *t = c->term;
    bool was_ready = c->state == CLIENT_READY;
    if (t) t->client = NULL;
    c->term = NULL;
    event_loop_remove_fd(srv->loop, c->fd);
    close(c->fd);
    telnet_free(c->telnet);
    free(c->rec);
    free(c->out);
    free(c);
    if (t && was_ready) {
        fprintf(stderr, "doppel: 3270 %04X: tn3270 client disconnected\n", t->devno);
        if (tell_terminal && t->ops->disconnected) t->ops->disconnected(t->opaque);
    }
}

static void client_read(Tn3270Client *c)
{
    char buf[4096];
    for (int i = 0; i < READS_PER_EVENT && !c->dead; i++) {
        ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (n <= 0) {
            c->dead = true; /* closed by the client, or reset */
            return;
        }
        if (c->state == CLIENT_CLOSING) {
            c->drained += (size_t)n;
            if (c->drained > DRAIN_MAX) c->dead = true;
            continue;
        }
        telnet_recv(c->telnet, buf, (size_t)n);
    }
}

static void client_event(void *opaque, int fd, short revents)
{
    Tn3270Client *c = opaque;
    (void)fd;
    if (!c->dead && (revents & POLLOUT)) client_flush(c);
    if (!c->dead && (revents & (POLLIN | POLLHUP | POLLERR))) client_read(c);
    if (!c->dead && (revents & (POLLHUP | POLLERR)) && !(revents & POLLIN)) c->dead = true;
    if (c->dead) client_close(c, true);
}

static void server_accept(void *opaque, int fd, short revents)
{
    Tn3270Server *srv = opaque;
    (void)revents;
    for (;;) {
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return; /* EAGAIN, or out of descriptors: try at the next event */
        }
        if (srv->nclients >= CLIENTS_MAX) {
            fprintf(stderr, "doppel: 3270: more than %d tn3270 connections; one refused\n",
                    CLIENTS_MAX);
            close(cfd);
            continue;
        }
        int one = 1;
        setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        Tn3270Client *c = calloc(1, sizeof *c);
        telnet_t *tel = c ? telnet_init(no_telopts, telnet_event, TELNET_FLAG_PROXY, c) : NULL;
        if (!tel || !event_loop_add_fd(srv->loop, cfd, POLLIN, client_event, c)) {
            if (tel) telnet_free(tel);
            free(c);
            close(cfd);
            continue;
        }
        c->srv = srv;
        c->fd = cfd;
        c->telnet = tel;
        c->state = CLIENT_TTYPE;
        c->next = srv->clients;
        srv->clients = c;
        srv->nclients++;
        client_ask(c, TELNET_DO, OPT_TTYPE);
        if (c->dead) client_close(c, false);
    }
}

/* ---- the server ---- */

static void server_free(Tn3270Server *srv)
{
    while (srv->clients)
        client_close(srv->clients, false);
    event_loop_remove_fd(srv->loop, srv->listen_fd);
    close(srv->listen_fd);
    machine_remove_bus(srv->machine, srv);
    free(srv->terms);
    free(srv);
}

Tn3270Server *tn3270_server_get(Machine *m, uint16_t port)
{
    char name[16];
    snprintf(name, sizeof name, "tn3270:%u", port);
    Tn3270Server *srv = machine_find_bus(m, name);
    if (srv) return srv;
    if (!m->loop) {
        fprintf(stderr, "doppel: 3270: this machine has no event loop for a terminal server\n");
        return NULL;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fprintf(stderr, "doppel: 3270: cannot create a socket: %s\n", strerror(errno));
        return NULL;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    /* Loopback only: the terminals are the user's own, never the network's. */
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t salen = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &salen) < 0) {
        fprintf(stderr, "doppel: 3270: cannot listen on 127.0.0.1 port %u: %s\n", port,
                strerror(errno));
        close(fd);
        return NULL;
    }
    srv = calloc(1, sizeof *srv);
    if (!srv) {
        close(fd);
        return NULL;
    }
    srv->machine = m;
    srv->loop = m->loop;
    srv->listen_fd = fd;
    srv->port = ntohs(sa.sin_port);
    memcpy(srv->bus_name, name, sizeof name);
    if (!machine_add_bus(m, srv->bus_name, srv) ||
        !event_loop_add_fd(m->loop, fd, POLLIN, server_accept, srv)) {
        fprintf(stderr,
                "doppel: 3270: port %u: the machine has no room for another terminal "
                "port\n",
                port);
        machine_remove_bus(m, srv);
        close(fd);
        free(srv);
        return NULL;
    }
    fprintf(stderr, "doppel: 3270 terminals: telnet 127.0.0.1 %u\n", srv->port);
    fflush(stderr);
    return srv;
}

uint16_t tn3270_server_port(const Tn3270Server *srv)
{
    return srv->port;
}

Tn3270Terminal *tn3270_terminal_new(Tn3270Server *srv, uint16_t devno, const char *group,
                                    const Tn3270TerminalOps *ops, void *opaque)
{
    if (srv->nterms == srv->cap) {
        unsigned cap = srv->cap ? srv->cap * 2 : 8;
        Tn3270Terminal **v = realloc(srv->terms, cap * sizeof *v);
        if (!v) {
            if (srv->nterms == 0) server_free(srv);
            return NULL;
        }
        srv->terms = v;
        srv->cap = cap;
    }
    Tn3270Terminal *t = calloc(1, sizeof *t);
    if (!t) {
        if (srv->nterms == 0) server_free(srv);
        return NULL;
    }
    t->srv = srv;
    t->devno = devno;
    snprintf(t->group, sizeof t->group, "%s", group ? group : "");
    t->ops = ops;
    t->opaque = opaque;
    unsigned at = srv->nterms;
    while (at > 0 && srv->terms[at - 1]->devno > devno) {
        srv->terms[at] = srv->terms[at - 1];
        at--;
    }
    srv->terms[at] = t;
    srv->nterms++;
    return t;
}

void tn3270_terminal_free(Tn3270Terminal *t)
{
    if (!t) return;
    Tn3270Server *srv = t->srv;
    if (t->client) client_close(t->client, false);
    for (unsigned i = 0; i < srv->nterms; i++) {
        if (srv->terms[i] != t) continue;
        memmove(&srv->terms[i], &srv->terms[i + 1], (srv->nterms - i - 1) * sizeof *srv->terms);
        srv->nterms--;
        break;
    }
    free(t);
    if (srv->nterms == 0) server_free(srv);
}

static Tn3270Client *ready_client(const Tn3270Terminal *t)
{
    Tn3270Client *c = t->client;
    return c && c->state == CLIENT_READY && !c->dead ? c : NULL;
}

bool tn3270_terminal_connected(const Tn3270Terminal *t)
{
    return ready_client(t) != NULL;
}

const char *tn3270_terminal_type(const Tn3270Terminal *t)
{
    Tn3270Client *c = ready_client(t);
    return c ? c->termtype : NULL;
}

bool tn3270_terminal_send(Tn3270Terminal *t, const uint8_t *data, size_t len)
{
    Tn3270Client *c = ready_client(t);
    if (!c) return false;
    if (len) telnet_send(c->telnet, (const char *)data, len);
    return !c->dead;
}

bool tn3270_terminal_end_record(Tn3270Terminal *t)
{
    Tn3270Client *c = ready_client(t);
    if (!c) return false;
    telnet_iac(c->telnet, TELNET_EOR);
    return !c->dead;
}
