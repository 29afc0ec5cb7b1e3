/* -netdev user end to end: a fake NIC client speaks Ethernet/IPv4 to
 * libslirp through net.h, with the machine's event loop pumping it:
 * DHCP, ARP, TCP to a host server through the gateway, hostfwd. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/event_loop.h"
#include "core/machine.h"
#include "core/options.h"
#include "net/net.h"

static Machine M;
static NetClient nc;
static uint8_t frames[64][2048];
static size_t frame_len[64];
static int nframes;

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static uint8_t gw_mac[6];
static const uint8_t guest_ip[4] = {10, 0, 2, 15};
static const uint8_t gw_ip[4] = {10, 0, 2, 2};

/* ---- packet helpers ---- */

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16), put16(p + 2, v);
}
static uint16_t csum(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1) sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void send_frame(const uint8_t *f, size_t len)
{
    net_send(&nc, f, len);
}

/* Ethernet + IPv4 header around a payload already at f + 34; returns the
 * frame length. */
static size_t ipv4_frame(uint8_t *f, const uint8_t *dst_mac, const uint8_t *src_ip,
                         const uint8_t *dst_ip, uint8_t proto, size_t payload)
{
    memcpy(f, dst_mac, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, 20 + payload);
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, src_ip, 4);
    memcpy(ip + 16, dst_ip, 4);
    put16(ip + 10, csum(ip, 20, 0));
    return 34 + payload;
}

static uint32_t pseudo_sum(const uint8_t *ip, uint8_t proto, size_t len)
{
    uint32_t s = 0;
    for (int i = 12; i < 20; i += 2)
        s += be16(ip + i);
    return s + proto + (uint32_t)len;
}

/* ---- the fake NIC ---- */

static bool fake_can_receive(void *opaque)
{
    (void)opaque;
    return true;
}

static void fake_receive(void *opaque, const uint8_t *f, size_t len)
{
    (void)opaque;
    /* Answer slirp's ARP requests for the guest address at once. */
    if (len >= 42 && be16(f + 12) == 0x0806 && be16(f + 20) == 1 && !memcmp(f + 38, guest_ip, 4)) {
        uint8_t r[42];
        memcpy(r, f + 6, 6);
        memcpy(r + 6, guest_mac, 6);
        memcpy(r + 12, f + 12, 8);
        put16(r + 20, 2);
        memcpy(r + 22, guest_mac, 6);
        memcpy(r + 28, guest_ip, 4);
        memcpy(r + 32, f + 22, 10);
        send_frame(r, sizeof r);
        return;
    }
    cr_assert_lt(nframes, 64);
    cr_assert_leq(len, sizeof frames[0]);
    memcpy(frames[nframes], f, len);
    frame_len[nframes++] = len;
}

/* Pump the event loop until pred finds a frame (its index) or time runs out. */
static int wait_frame(bool (*pred)(const uint8_t *f, size_t len))
{
    for (int iter = 0; iter < 500; iter++) {
        for (int i = 0; i < nframes; i++)
            if (pred(frames[i], frame_len[i])) return i;
        event_loop_poll(M.loop, 10000000);
    }
    return -1;
}

static void pump(int rounds)
{
    for (int i = 0; i < rounds; i++)
        event_loop_poll(M.loop, 1000000);
}

/* ---- fixture ---- */

static void start_slirp(const char *spec, char **hostfwd, int nhostfwd)
{
    memset(&M, 0, sizeof M);
    nframes = 0;
    M.clocks = clocks_new();
    M.loop = event_loop_new(M.clocks);
    NetdevOpts n = {
        .spec = (char *)spec, .type = "user", .id = "n0", .hostfwd = hostfwd, .nhostfwd = nhostfwd};
    Options o = {.netdevs = &n, .nnetdevs = 1};
    char err[256];
    cr_assert(net_backends_create(&M, &o, err, sizeof err), "%s", err);
    nc = (NetClient){.can_receive = fake_can_receive, .receive = fake_receive};
    cr_assert(net_client_attach(&M, &nc, "n0", err, sizeof err), "%s", err);
}

static void teardown(void)
{
    net_client_detach(&nc);
    net_backends_free(&M);
    event_loop_free(M.loop);
    clocks_free(M.clocks);
}

TestSuite(net_slirp, .fini = teardown);

/* ---- DHCP ---- */

static bool is_dhcp_offer(const uint8_t *f, size_t len)
{
    if (len < 42 + 240 || be16(f + 12) != 0x0800 || f[23] != 17 || be16(f + 36) != 68) return false;
    const uint8_t *bootp = f + 42;
    if (bootp[0] != 2 || be32(bootp + 4) != 0x12345678) return false;
    for (size_t i = 240; 42 + i + 2 < len && bootp[i] != 255; i += 2 + bootp[i + 1])
        if (bootp[i] == 53) return bootp[i + 2] == 2;
    return false;
}

static void send_dhcp_discover(void)
{
    uint8_t f[42 + 300] = {0};
    uint8_t *udp = f + 34, *bootp = f + 42;
    bootp[0] = 1, bootp[1] = 1, bootp[2] = 6;
    put32(bootp + 4, 0x12345678);
    memcpy(bootp + 28, guest_mac, 6);
    put32(bootp + 236, 0x63825363);
    uint8_t opts[] = {53, 1, 1, 255};
    memcpy(bootp + 240, opts, sizeof opts);
    put16(udp, 68), put16(udp + 2, 67), put16(udp + 4, 8 + 300);
    static const uint8_t zero[4] = {0}, all[4] = {255, 255, 255, 255};
    send_frame(f, ipv4_frame(f, bcast, zero, all, 17, 8 + 300));
}

Test(net_slirp, dhcp_discover_gets_offer)
{
    start_slirp("user,id=n0", NULL, 0);
    send_dhcp_discover();
    int i = wait_frame(is_dhcp_offer);
    cr_assert_geq(i, 0, "no DHCPOFFER");
    const uint8_t *bootp = frames[i] + 42;
    cr_assert_arr_eq(bootp + 16, guest_ip, 4, "yiaddr 10.0.2.15");
    cr_assert_arr_eq(bootp + 28, guest_mac, 6, "chaddr");
}

Test(net_slirp, dhcp_honours_net_and_dhcpstart)
{
    start_slirp("user,id=n0,net=192.168.76.0/24,dhcpstart=192.168.76.9", NULL, 0);
    send_dhcp_discover();
    int i = wait_frame(is_dhcp_offer);
    cr_assert_geq(i, 0, "no DHCPOFFER");
    static const uint8_t want[4] = {192, 168, 76, 9};
    cr_assert_arr_eq(frames[i] + 42 + 16, want, 4);
}

Test(net_slirp, bad_options_are_reported)
{
    memset(&M, 0, sizeof M);
    M.clocks = clocks_new();
    M.loop = event_loop_new(M.clocks);
    NetdevOpts n = {.spec = "user,id=n0,net=10.0.2.0/24,host=10.9.9.9", .type = "user", .id = "n0"};
    Options o = {.netdevs = &n, .nnetdevs = 1};
    char err[256];
    cr_assert_not(net_backends_create(&M, &o, err, sizeof err));
    cr_assert_str_eq(err, "doppel: -netdev user,id=n0,net=10.0.2.0/24,host=10.9.9.9: host= is "
                          "not in the network 10.0.2.0/24");
    cr_assert_null(net_backend_find(&M, "n0"));
    nc = (NetClient){0};
}

/* ---- ARP ---- */

static bool is_arp_reply_from_gw(const uint8_t *f, size_t len)
{
    return len >= 42 && be16(f + 12) == 0x0806 && be16(f + 20) == 2 && !memcmp(f + 28, gw_ip, 4);
}

static void arp_for_gateway(void)
{
    uint8_t f[42];
    memcpy(f, bcast, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, 0x0806);
    put16(f + 14, 1), put16(f + 16, 0x0800);
    f[18] = 6, f[19] = 4;
    put16(f + 20, 1);
    memcpy(f + 22, guest_mac, 6);
    memcpy(f + 28, guest_ip, 4);
    memset(f + 32, 0, 6);
    memcpy(f + 38, gw_ip, 4);
    send_frame(f, sizeof f);
    int i = wait_frame(is_arp_reply_from_gw);
    cr_assert_geq(i, 0, "no ARP reply for 10.0.2.2");
    memcpy(gw_mac, frames[i] + 22, 6);
}

Test(net_slirp, arp_for_gateway_is_answered)
{
    start_slirp("user,id=n0", NULL, 0);
    arp_for_gateway();
    cr_assert_arr_eq(frames[0], guest_mac, 6);
    cr_assert(gw_mac[0] != 0 || gw_mac[1] != 0, "gateway MAC");
}

/* ---- a minimal guest TCP ---- */

typedef struct GuestTcp {
    uint16_t gport, rport;
    const uint8_t *rip;
    uint32_t snd_nxt, rcv_nxt;
} GuestTcp;

static GuestTcp *tcp_filter; /* the connection is_tcp_for looks for */
static uint8_t tcp_want_flags;

static void tcp_send(GuestTcp *t, uint8_t flags, const void *data, size_t len)
{
    uint8_t f[34 + 20 + 512];
    cr_assert_leq(len, 512);
    uint8_t *tcp = f + 34;
    memset(tcp, 0, 20);
    put16(tcp, t->gport), put16(tcp + 2, t->rport);
    put32(tcp + 4, t->snd_nxt), put32(tcp + 8, t->rcv_nxt);
    tcp[12] = 0x50, tcp[13] = flags;
    put16(tcp + 14, 65535);
    if (len) memcpy(tcp + 20, data, len);
    size_t flen = ipv4_frame(f, gw_mac, guest_ip, t->rip, 6, 20 + len);
    put16(tcp + 16, csum(tcp, 20 + len, pseudo_sum(f + 14, 6, 20 + len)));
    send_frame(f, flen);
    t->snd_nxt += (uint32_t)len + ((flags & 0x03) ? 1 : 0); /* SYN, FIN count one */
}

static bool is_tcp_for(const uint8_t *f, size_t len)
{
    if (len < 54 || be16(f + 12) != 0x0800 || f[23] != 6) return false;
    const uint8_t *ip = f + 14, *tcp = f + 34;
    if (memcmp(ip + 12, tcp_filter->rip, 4) || be16(tcp) != tcp_filter->rport ||
        be16(tcp + 2) != tcp_filter->gport)
        return false;
    return (tcp[13] & tcp_want_flags) == tcp_want_flags;
}

/* Wait for a segment with all of flags; consume it (and every frame). */
static const uint8_t *tcp_expect(GuestTcp *t, uint8_t flags, size_t *payload_len)
{
    tcp_filter = t;
    tcp_want_flags = flags;
    int i = wait_frame(is_tcp_for);
    cr_assert_geq(i, 0, "no TCP segment with flags %#x", flags);
    static uint8_t seg[2048];
    memcpy(seg, frames[i], frame_len[i]);
    size_t total = be16(seg + 16) + 14u;
    nframes = 0;
    const uint8_t *tcp = seg + 34;
    cr_assert_eq(csum(tcp, total - 34, pseudo_sum(seg + 14, 6, total - 34)), 0,
                 "TCP checksum from slirp");
    size_t plen = total - 34 - (tcp[12] >> 4) * 4u;
    t->rcv_nxt = be32(tcp + 4) + (uint32_t)plen + ((tcp[13] & 0x03) ? 1 : 0);
    if (payload_len) *payload_len = plen;
    return tcp + (tcp[12] >> 4) * 4;
}

static int listen_loopback(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(fd, 1), 0);
    socklen_t alen = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &alen);
    *port = ntohs(a.sin_port);
    return fd;
}

/* Read n bytes from a non-blocking socket while pumping the loop. */
static void host_read(int fd, char *buf, size_t n)
{
    size_t got = 0;
    for (int iter = 0; iter < 500 && got < n; iter++) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r > 0)
            got += (size_t)r;
        else
            pump(1);
    }
    cr_assert_eq(got, n, "host got %zu of %zu bytes", got, n);
}

Test(net_slirp, guest_tcp_reaches_host_loopback_through_gateway)
{
    start_slirp("user,id=n0", NULL, 0);
    arp_for_gateway();
    uint16_t port;
    int lfd = listen_loopback(&port);
    GuestTcp t = {.gport = 40000, .rport = port, .rip = gw_ip, .snd_nxt = 1000};
    tcp_send(&t, 0x02, NULL, 0); /* SYN */
    tcp_expect(&t, 0x12, NULL);  /* SYN ACK once slirp's connect() succeeded */
    tcp_send(&t, 0x10, NULL, 0); /* ACK */
    int cfd = -1;
    for (int iter = 0; iter < 500 && cfd < 0; iter++) {
        cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
        if (cfd < 0) pump(1);
    }
    cr_assert_geq(cfd, 0, "host server saw no connection");
    tcp_send(&t, 0x18, "ping from guest", 15);
    char buf[32] = {0};
    host_read(cfd, buf, 15);
    cr_assert_str_eq(buf, "ping from guest");
    cr_assert_eq(write(cfd, "pong", 4), 4);
    size_t plen;
    const uint8_t *data = tcp_expect(&t, 0x10, &plen);
    while (plen == 0)
        data = tcp_expect(&t, 0x10, &plen);
    cr_assert_eq(plen, 4);
    cr_assert_arr_eq(data, "pong", 4);
    close(cfd);
    close(lfd);
}

Test(net_slirp, hostfwd_reaches_guest_port)
{
    /* Pick a free loopback port for the forwarding rule. */
    uint16_t hport;
    close(listen_loopback(&hport));
    char rule[64];
    snprintf(rule, sizeof rule, "tcp::%u-:22", hport); /* empty host address: 127.0.0.1 */
    char *rules[1] = {rule};
    start_slirp("user,id=n0", rules, 1);
    send_dhcp_discover(); /* slirp learns where the guest is */
    cr_assert_geq(wait_frame(is_dhcp_offer), 0);
    nframes = 0;
    arp_for_gateway();
    nframes = 0;

    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {
        .sin_family = AF_INET, .sin_port = htons(hport), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    cr_assert(rc == 0 || errno == EINPROGRESS);
    /* slirp accepts and opens a connection to the guest's port 22. */
    GuestTcp t = {.gport = 22, .rip = NULL, .snd_nxt = 5000};
    static uint8_t any_ip[4];
    tcp_filter = &t;
    tcp_want_flags = 0x02;
    int i = -1;
    for (int iter = 0; iter < 500 && i < 0; iter++) {
        for (int k = 0; k < nframes && i < 0; k++) {
            const uint8_t *f = frames[k];
            if (frame_len[k] >= 54 && be16(f + 12) == 0x0800 && f[23] == 6 && be16(f + 36) == 22 &&
                (f[47] & 0x02))
                i = k;
        }
        if (i < 0) pump(1);
    }
    cr_assert_geq(i, 0, "no SYN towards guest port 22");
    memcpy(any_ip, frames[i] + 26, 4);
    t.rip = any_ip;
    t.rport = be16(frames[i] + 34);
    t.rcv_nxt = be32(frames[i] + 38) + 1;
    nframes = 0;
    tcp_send(&t, 0x12, NULL, 0); /* SYN ACK */
    tcp_send(&t, 0x18, "SSH-2.0-guest\r\n", 15);
    char buf[32] = {0};
    host_read(fd, buf, 15);
    cr_assert_str_eq(buf, "SSH-2.0-guest\r\n");
    cr_assert_eq(write(fd, "hello", 5), 5);
    size_t plen = 0;
    const uint8_t *data = tcp_expect(&t, 0x10, &plen);
    while (plen == 0)
        data = tcp_expect(&t, 0x10, &plen);
    cr_assert_eq(plen, 5);
    cr_assert_arr_eq(data, "hello", 5);
    close(fd);
}
