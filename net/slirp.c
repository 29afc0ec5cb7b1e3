/*
 * -netdev user: libslirp's user-mode TCP/IP stack as a network backend.
 *
 * Defaults are QEMU's: network 10.0.2.0/24, gateway (host) 10.0.2.2,
 * DNS 10.0.2.3, DHCP from 10.0.2.15, IPv6 prefix fec0::/64.  The guest
 * reaches the host's loopback through the gateway address.
 *
 * One deliberate difference from QEMU: a hostfwd rule without a host
 * address listens on 127.0.0.1, not on every interface ("slirp listens
 * on loopback only unless told otherwise"), so a forwarded guest port is
 * not exposed to the network by accident.  Write hostfwd=tcp:0.0.0.0:...
 * to listen everywhere.
 *
 * Event loop integration: a poll hook (core/event_loop.h) asks libslirp
 * for its descriptors and timeout before each poll and hands the results
 * back after it; libslirp's timers are CLK_REALTIME timers (its TCP
 * timers pace real host sockets, so they run while the guest is paused).
 */
#include <arpa/inet.h>
#include <poll.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/event_loop.h"
#include "core/keyval.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/options.h"
#include "net/net.h"

typedef struct SlirpNet {
    Slirp *slirp;
    Machine *machine;
    NetBackend *backend;
    char *hostname, *domainname, *tftp, *bootfile; /* kept for slirp's lifetime */
} SlirpNet;

typedef struct SlirpNetTimer {
    Timer *timer;
    SlirpNet *net;
    SlirpTimerId id;
    void *cb_opaque;
} SlirpNetTimer;

/* ---- libslirp callbacks ---- */

static ssize_t slirp_net_send_packet(const void *buf, size_t len, void *opaque)
{
    SlirpNet *s = opaque;
    if (s->backend) net_backend_deliver(s->backend, buf, len);
    return (ssize_t)len; /* a frame the NIC cannot take is dropped: TCP retransmits */
}

static void slirp_net_guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    LOG_MASK(LOG_GUEST_ERRORS, "slirp: %s\n", msg);
}

static int64_t slirp_net_clock_ns(void *opaque)
{
    SlirpNet *s = opaque;
    return clock_get_ns(s->machine->clocks, CLK_REALTIME);
}

static void slirp_net_timer_fire(void *opaque)
{
    SlirpNetTimer *t = opaque;
    slirp_handle_timer(t->net->slirp, t->id, t->cb_opaque);
}

static void *slirp_net_timer_new(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    SlirpNet *s = opaque;
    SlirpNetTimer *t = calloc(1, sizeof *t);
    *t = (SlirpNetTimer){NULL, s, id, cb_opaque};
    t->timer = timer_new(s->machine->clocks, CLK_REALTIME, slirp_net_timer_fire, t);
    return t;
}

static void slirp_net_timer_free(void *timer, void *opaque)
{
    (void)opaque;
    SlirpNetTimer *t = timer;
    if (!t) return;
    timer_free(t->timer);
    free(t);
}

static void slirp_net_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    SlirpNetTimer *t = timer;
    timer_mod(t->timer, expire_ms * 1000000);
}

static void slirp_net_poll_fd_noop(int fd, void *opaque)
{
    (void)fd, (void)opaque; /* descriptors are collected before every poll */
}

static void slirp_net_notify(void *opaque)
{
    SlirpNet *s = opaque;
    if (s->machine->loop) event_loop_notify(s->machine->loop);
}

static const SlirpCb slirp_net_callbacks = {
    .send_packet = slirp_net_send_packet,
    .guest_error = slirp_net_guest_error,
    .clock_get_ns = slirp_net_clock_ns,
    .timer_free = slirp_net_timer_free,
    .timer_mod = slirp_net_timer_mod,
    .register_poll_fd = slirp_net_poll_fd_noop,
    .unregister_poll_fd = slirp_net_poll_fd_noop,
    .notify = slirp_net_notify,
    .timer_new_opaque = slirp_net_timer_new,
};

/* ---- event loop hook ---- */

static const struct {
    int slirp;
    short poll;
} slirp_poll_bits[] = {
    {SLIRP_POLL_IN, POLLIN},   {SLIRP_POLL_OUT, POLLOUT}, {SLIRP_POLL_PRI, POLLPRI},
    {SLIRP_POLL_ERR, POLLERR}, {SLIRP_POLL_HUP, POLLHUP},
};

static int slirp_net_add_poll(int fd, int events, void *opaque)
{
    short ev = 0;
    for (size_t i = 0; i < sizeof slirp_poll_bits / sizeof slirp_poll_bits[0]; i++)
        if (events & slirp_poll_bits[i].slirp) ev |= slirp_poll_bits[i].poll;
    return event_loop_hook_add_pollfd(opaque, fd, ev);
}

static int slirp_net_get_revents(int idx, void *opaque)
{
    short rev = event_loop_hook_revents(opaque, idx);
    int events = 0;
    for (size_t i = 0; i < sizeof slirp_poll_bits / sizeof slirp_poll_bits[0]; i++)
        if (rev & slirp_poll_bits[i].poll) events |= slirp_poll_bits[i].slirp;
    return events;
}

static void slirp_net_prepare(void *opaque, EventLoop *loop, int64_t *timeout_ns)
{
    SlirpNet *s = opaque;
    uint32_t timeout_ms = UINT32_MAX;
    slirp_pollfds_fill(s->slirp, &timeout_ms, slirp_net_add_poll, loop);
    if (timeout_ms != UINT32_MAX) {
        int64_t ns = (int64_t)timeout_ms * 1000000;
        if (*timeout_ns < 0 || ns < *timeout_ns) *timeout_ns = ns;
    }
}

static void slirp_net_dispatch(void *opaque, EventLoop *loop, bool poll_failed)
{
    SlirpNet *s = opaque;
    slirp_pollfds_poll(s->slirp, poll_failed, slirp_net_get_revents, loop);
}

/* ---- backend ---- */

static void slirp_net_from_guest(NetBackend *b, const uint8_t *frame, size_t len)
{
    SlirpNet *s = b->opaque;
    slirp_input(s->slirp, frame, (int)len);
}

static void slirp_net_free(SlirpNet *s)
{
    if (s->machine->loop) event_loop_remove_poll_hook(s->machine->loop, s);
    if (s->slirp) slirp_cleanup(s->slirp);
    free(s->hostname);
    free(s->domainname);
    free(s->tftp);
    free(s->bootfile);
    free(s);
}

static void slirp_net_cleanup(NetBackend *b)
{
    if (b->opaque) slirp_net_free(b->opaque);
    b->opaque = NULL;
}

static const NetBackendOps slirp_net_ops = {
    .type = "user",
    .receive_from_guest = slirp_net_from_guest,
    .cleanup = slirp_net_cleanup,
};

/* ---- options ---- */

static bool parse_ipv4(const char *s, struct in_addr *a)
{
    return inet_pton(AF_INET, s, a) == 1;
}

/* net=a.b.c.d[/prefix | /mask] (QEMU's spelling). */
static bool parse_net(const char *s, struct in_addr *net, struct in_addr *mask)
{
    char buf[64];
    if (strlen(s) >= sizeof buf) return false;
    strcpy(buf, s);
    char *slash = strchr(buf, '/');
    uint32_t m = 0xffffff00; /* QEMU: /24 when no prefix is given */
    if (slash) {
        *slash++ = '\0';
        struct in_addr ma;
        if (strchr(slash, '.')) {
            if (!parse_ipv4(slash, &ma)) return false;
            m = ntohl(ma.s_addr);
        } else {
            char *end;
            long bits = strtol(slash, &end, 10);
            if (!*slash || *end || bits < 1 || bits > 30) return false;
            m = 0xffffffffu << (32 - bits);
        }
    }
    if (!parse_ipv4(buf, net)) return false;
    mask->s_addr = htonl(m);
    net->s_addr &= mask->s_addr;
    return true;
}

static struct in_addr host_in_net(struct in_addr net, uint32_t host)
{
    return (struct in_addr){htonl(ntohl(net.s_addr) | host)};
}

static bool in_net(struct in_addr a, struct in_addr net, struct in_addr mask)
{
    return (a.s_addr & mask.s_addr) == net.s_addr;
}

/* "tcp|udp:[haddr]:hport-[gaddr]:gport" (syntax checked by options.c). */
static bool slirp_net_hostfwd(SlirpNet *s, const char *rule, struct in_addr dhcp_start, char *err,
                              size_t errlen)
{
    char proto[8] = "", haddr[64] = "", gaddr[64] = "";
    int hport = 0, gport = 0, n = 0;
    const char *p = rule;
    size_t len = strcspn(p, ":");
    if (len >= sizeof proto) goto bad;
    memcpy(proto, p, len);
    p += len + 1;
    len = strcspn(p, ":");
    if (len >= sizeof haddr) goto bad;
    memcpy(haddr, p, len);
    p += len + 1;
    if (sscanf(p, "%d-%n", &hport, &n) != 1 || !n) goto bad;
    p += n;
    len = strcspn(p, ":");
    if (len >= sizeof gaddr || !p[len]) goto bad;
    memcpy(gaddr, p, len);
    gport = atoi(p + len + 1);

    bool udp = !strcmp(proto, "udp");
    struct in_addr h, g = dhcp_start;
    if (!*haddr) strcpy(haddr, "127.0.0.1"); /* loopback only unless told otherwise */
    if (!parse_ipv4(haddr, &h) || (*gaddr && !parse_ipv4(gaddr, &g))) goto bad;
    if (slirp_add_hostfwd(s->slirp, udp, h, hport, g, gport) < 0) {
        snprintf(err, errlen, "could not set up host forwarding rule '%s'", rule);
        return false;
    }
    return true;
bad:
    snprintf(err, errlen, "invalid hostfwd '%s'", rule);
    return false;
}

/* One IPv4 option inside the network; absent keeps *a. */
static bool opt_ipv4(const KeyValList *l, const char *key, struct in_addr *a, char *err,
                     size_t errlen)
{
    const char *v = keyval_get(l, key);
    if (v && !parse_ipv4(v, a)) {
        snprintf(err, errlen, "invalid %s= '%s' (expected an IPv4 address)", key, v);
        return false;
    }
    return true;
}

static bool opt_flag(const KeyValList *l, const char *key, bool *out, char *err, size_t errlen)
{
    const char *v = keyval_get(l, key);
    if (v && !parse_bool(v, out)) {
        snprintf(err, errlen, "invalid %s= '%s' (expected on or off)", key, v);
        return false;
    }
    return true;
}

static char *opt_strdup(const KeyValList *l, const char *key)
{
    const char *v = keyval_get(l, key);
    return v ? strdup(v) : NULL;
}

NetBackend *net_slirp_create(Machine *m, const NetdevOpts *o, char *err, size_t errlen)
{
    KeyValList l;
    keyval_split(o->spec, &l);
    SlirpConfig cfg = {.version = 4, .in_enabled = true, .in6_enabled = true};
    bool restrict_on = false, ipv4 = true, ipv6 = true, ok = false;
    SlirpNet *s = NULL;
    NetBackend *b = NULL;

    inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
    cfg.vnetmask.s_addr = htonl(0xffffff00);
    const char *net = keyval_get(&l, "net");
    if (net && !parse_net(net, &cfg.vnetwork, &cfg.vnetmask)) {
        snprintf(err, errlen, "invalid net= '%s' (expected e.g. 10.0.2.0/24)", net);
        goto out;
    }
    cfg.vhost = host_in_net(cfg.vnetwork, 2);
    cfg.vdhcp_start = host_in_net(cfg.vnetwork, 15);
    cfg.vnameserver = host_in_net(cfg.vnetwork, 3);
    if (!opt_ipv4(&l, "host", &cfg.vhost, err, errlen) ||
        !opt_ipv4(&l, "dhcpstart", &cfg.vdhcp_start, err, errlen) ||
        !opt_ipv4(&l, "dns", &cfg.vnameserver, err, errlen) ||
        !opt_flag(&l, "restrict", &restrict_on, err, errlen) ||
        !opt_flag(&l, "ipv4", &ipv4, err, errlen) || !opt_flag(&l, "ipv6", &ipv6, err, errlen))
        goto out;
    const struct {
        const char *key;
        struct in_addr a;
    } inside[] = {{"host", cfg.vhost}, {"dhcpstart", cfg.vdhcp_start}, {"dns", cfg.vnameserver}};
    for (size_t i = 0; i < sizeof inside / sizeof inside[0]; i++) {
        if (!in_net(inside[i].a, cfg.vnetwork, cfg.vnetmask)) {
            snprintf(err, errlen, "%s= is not in the network %s", inside[i].key,
                     net ? net : "10.0.2.0/24");
            goto out;
        }
    }
    if (keyval_get(&l, "smb")) {
        snprintf(err, errlen, "smb= is not supported");
        goto out;
    }
    if (!ipv4 && !ipv6) {
        snprintf(err, errlen, "ipv4 and ipv6 cannot both be off");
        goto out;
    }
    cfg.in_enabled = ipv4;
    cfg.in6_enabled = ipv6;
    cfg.restricted = restrict_on;
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    cfg.vprefix_len = 64;
    inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
    inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);

    if (net_backend_find(m, o->id)) {
        snprintf(err, errlen, "duplicate netdev id '%s'", o->id);
        goto out;
    }
    s = calloc(1, sizeof *s);
    s->machine = m;
    s->hostname = opt_strdup(&l, "hostname");
    s->domainname = opt_strdup(&l, "domainname");
    s->tftp = opt_strdup(&l, "tftp");
    s->bootfile = opt_strdup(&l, "bootfile");
    cfg.vhostname = s->hostname;
    cfg.vdomainname = s->domainname;
    cfg.tftp_path = s->tftp;
    cfg.bootfile = s->bootfile;
    s->slirp = slirp_new(&cfg, &slirp_net_callbacks, s);
    if (!s->slirp) {
        snprintf(err, errlen, "libslirp refused the configuration");
        goto out;
    }
    for (int i = 0; i < o->nhostfwd; i++)
        if (!slirp_net_hostfwd(s, o->hostfwd[i], cfg.vdhcp_start, err, errlen)) goto out;
    b = net_backend_new(m, o->id, &slirp_net_ops, s, err, errlen);
    if (!b) goto out;
    s->backend = b;
    if (m->loop) event_loop_add_poll_hook(m->loop, slirp_net_prepare, slirp_net_dispatch, s);
    ok = true;
out:
    keyval_free(&l);
    if (!ok && s) slirp_net_free(s);
    return ok ? b : NULL;
}
