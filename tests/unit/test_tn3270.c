/*
 * tn3270: the 3270 display (devices/terminal/display3270.c) and its TN3270
 * server (tn3270_server.c).  Protocol tests drive S/370 channel programs
 * while an in-process client built on libtelnet talks to the server over
 * loopback, both pumped from the test; the end-to-end test IPLs a guest
 * program (tests/guest/s370/tn3270/tn3270.S) in doppel and types into it
 * with Debian's s3270.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <libtelnet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/device.h"
#include "core/event_loop.h"
#include "core/machine.h"
#include "devices/channel/channel.h"
#include "devices/terminal/tn3270_server.h"
#include "softmmu/memory.h"

#define RAM_SIZE 0x10000u
#define PSA      0u

#include "channel_world.h"
#include "test_util.h"

static void setup(void)
{
    channel_world_init(false);
    M.loop = event_loop_new(NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void teardown(void)
{
    channel_world_fini();
    event_loop_free(M.loop);
}

TestSuite(tn3270, .init = setup, .fini = teardown, .timeout = 120);

/* ---- guest storage and channel programs (S/370) ---- */

static uint8_t *mem(uint32_t addr)
{
    return ram.host + addr;
}

static void ccw(uint32_t at, uint8_t cmd, uint32_t data, uint8_t flags, uint16_t count)
{
    uint8_t *p = mem(at);
    p[0] = cmd;
    p[1] = (uint8_t)(data >> 16);
    p[2] = (uint8_t)(data >> 8);
    p[3] = (uint8_t)data;
    p[4] = flags;
    p[5] = 0;
    p[6] = (uint8_t)(count >> 8);
    p[7] = (uint8_t)count;
}

static void caw(uint32_t addr)
{
    uint8_t *p = mem(PSA + 72);
    p[0] = 0;
    p[1] = (uint8_t)(addr >> 16);
    p[2] = (uint8_t)(addr >> 8);
    p[3] = (uint8_t)addr;
}

#define CSW_UNIT(c)  ((uint8_t)((c) >> 24))
#define CSW_CHAN(c)  ((uint8_t)((c) >> 16))
#define CSW_COUNT(c) ((uint16_t)(c))

enum { CE_DE = 0x0c, DE = 0x04, UC = 0x02, ATTN = 0x80 };
enum { CC = 0x40, CD = 0x80, SLI = 0x20 };

static uint64_t csw(void)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | mem(PSA + 64)[i];
    return v;
}

static void take_interrupt(uint16_t devaddr)
{
    uint16_t got = 0;
    cr_assert(io->s370_interrupt(css, 0xffffffffu, PSA, &got), "no interruption pending");
    cr_assert_eq(got, devaddr, "interruption from %03x", got);
}

/* Start the program at 0x800 on devaddr: SIO's condition code. */
static int sio(uint16_t devaddr)
{
    caw(0x800);
    return io->start_io(css, devaddr, false, PSA);
}

/* One command at 0x800, run to its end; the CSW. */
static uint64_t run1(uint16_t devaddr, uint8_t cmd, uint32_t data, uint8_t flags, uint16_t count)
{
    ccw(0x800, cmd, data, flags, count);
    int cc = sio(devaddr);
    if (cc == 0) take_interrupt(devaddr);
    cr_assert(cc == 0 || cc == 1, "SIO cc %d", cc);
    return csw();
}

static uint8_t sense_byte(uint16_t devaddr)
{
    mem(0x1f00)[0] = 0xee;
    uint64_t c = run1(devaddr, 0x04, 0x1f00, SLI, 1);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    return mem(0x1f00)[0];
}

/* ---- devices ---- */

static Device *display(const char *devno, const char *extra)
{
    Device *d = device_create(&M, "3270");
    cr_assert_not_null(d);
    char err[256];
    cr_assert(device_set_prop(d, "devno", devno, err, sizeof err), "%s", err);
    cr_assert(device_set_prop(d, "port", "0", err, sizeof err), "%s", err);
    if (extra) {
        char copy[128];
        snprintf(copy, sizeof copy, "%s", extra);
        char *eq = strchr(copy, '=');
        cr_assert_not_null(eq);
        *eq = 0;
        cr_assert(device_set_prop(d, copy, eq + 1, err, sizeof err), "%s", err);
    }
    cr_assert(device_realize(d), "3270 %s did not realize", devno);
    return d;
}

static uint16_t server_port(void)
{
    Tn3270Server *srv = machine_find_bus(&M, "tn3270:0");
    cr_assert_not_null(srv);
    return tn3270_server_port(srv);
}

/* ---- the in-process tn3270 client ---- */

typedef struct Client {
    int fd;
    telnet_t *tel;
    const char *ttype;
    unsigned agreed; /* 1 WILL EOR, 2 DO EOR, 4 WILL BINARY, 8 DO BINARY */
    uint8_t cur[1 << 17];
    size_t cur_len;
    uint8_t rec[1 << 17]; /* the last complete record */
    size_t rec_len;
    int nrec;
    bool closed;
} Client;

static const telnet_telopt_t client_telopts[] = {
    {TELNET_TELOPT_TTYPE, TELNET_WILL, TELNET_DONT},
    {TELNET_TELOPT_EOR, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_BINARY, TELNET_WILL, TELNET_DO},
    {-1, 0, 0},
};

static void client_event(telnet_t *tel, telnet_event_t *ev, void *user)
{
    Client *c = user;
    switch (ev->type) {
    case TELNET_EV_SEND:
        for (size_t done = 0; done < ev->data.size;) {
            ssize_t n = send(c->fd, ev->data.buffer + done, ev->data.size - done, MSG_NOSIGNAL);
            if (n <= 0) break;
            done += (size_t)n;
        }
        break;
    case TELNET_EV_DATA:
        if (c->cur_len + ev->data.size <= sizeof c->cur) {
            memcpy(c->cur + c->cur_len, ev->data.buffer, ev->data.size);
            c->cur_len += ev->data.size;
        }
        break;
    case TELNET_EV_IAC:
        if (ev->iac.cmd == TELNET_EOR) {
            memcpy(c->rec, c->cur, c->cur_len);
            c->rec_len = c->cur_len;
            c->cur_len = 0;
            c->nrec++;
        }
        break;
    case TELNET_EV_TTYPE:
        if (ev->ttype.cmd == TELNET_TTYPE_SEND) telnet_ttype_is(tel, c->ttype);
        break;
    case TELNET_EV_DO:
        if (ev->neg.telopt == TELNET_TELOPT_EOR) c->agreed |= 1;
        if (ev->neg.telopt == TELNET_TELOPT_BINARY) c->agreed |= 4;
        break;
    case TELNET_EV_WILL:
        if (ev->neg.telopt == TELNET_TELOPT_EOR) c->agreed |= 2;
        if (ev->neg.telopt == TELNET_TELOPT_BINARY) c->agreed |= 8;
        break;
    default: break;
    }
}

/* ttype NULL: a client that refuses TERMINAL-TYPE (a plain telnet). */
static Client *client_new(const char *ttype)
{
    Client *c = calloc(1, sizeof *c);
    cr_assert_not_null(c);
    c->ttype = ttype;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(server_port())};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(c->fd, (struct sockaddr *)&sa, sizeof sa), 0, "%s", strerror(errno));
    fcntl(c->fd, F_SETFL, O_NONBLOCK);
    static const telnet_telopt_t plain[] = {{-1, 0, 0}};
    c->tel = telnet_init(ttype ? client_telopts : plain, client_event, 0, c);
    return c;
}

static void client_free(Client *c)
{
    if (!c) return;
    telnet_free(c->tel);
    if (c->fd >= 0) close(c->fd);
    free(c);
}

static void client_poll(Client *c)
{
    char buf[8192];
    while (c && !c->closed) {
        ssize_t n = recv(c->fd, buf, sizeof buf, 0);
        if (n > 0) {
            telnet_recv(c->tel, buf, (size_t)n);
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            c->closed = true;
        } else {
            break;
        }
    }
}

/* Run the server's event loop and the clients until cond holds (the
 * limit only keeps a broken build from hanging). */
#define PUMP_UNTIL(cond, ...)                                                                      \
    do {                                                                                           \
        Client *pc_[] = {__VA_ARGS__};                                                             \
        for (int i_ = 0; i_ < 5000 && !(cond); i_++) {                                             \
            event_loop_poll(M.loop, 1000000);                                                      \
            for (size_t k_ = 0; k_ < sizeof pc_ / sizeof pc_[0]; k_++)                             \
                client_poll(pc_[k_]);                                                              \
        }                                                                                          \
        cr_assert(cond, "timed out waiting for " #cond);                                           \
    } while (0)

/* Just run both sides a little (for things that must NOT happen). */
static void settle(Client *c)
{
    for (int i = 0; i < 20; i++) {
        event_loop_poll(M.loop, 1000000);
        client_poll(c);
    }
}

static void client_record(Client *c, const uint8_t *data, size_t len)
{
    telnet_send(c->tel, (const char *)data, len);
    telnet_iac(c->tel, TELNET_EOR);
}

/* Connect as a terminal of type ttype and expect the device end of
 * devaddr (the terminal became ready). */
static Client *terminal(const char *ttype, uint16_t devaddr)
{
    Client *c = client_new(ttype);
    PUMP_UNTIL(c->agreed == 15 && line_level, c);
    take_interrupt(devaddr);
    cr_assert_eq(CSW_UNIT(csw()), DE, "not-ready to ready: device end");
    return c;
}

/* ---------------------------------------------------------------- */

Test(tn3270, negotiation_makes_the_terminal_ready)
{
    display("0c0", NULL);
    /* No client: not ready, unit check alone, intervention required. */
    mem(0x1000)[0] = 0xc3;
    uint64_t c = run1(0x0c0, 0x01, 0x1000, SLI, 1);
    cr_assert_eq(CSW_UNIT(c), UC);
    cr_assert_eq(sense_byte(0x0c0), 0x40);
    Client *cl = client_new("IBM-3278-2");
    PUMP_UNTIL(cl->agreed == 15 && line_level, cl);
    take_interrupt(0x0c0);
    cr_assert_eq(CSW_UNIT(csw()), DE);
    cr_assert_eq(CSW_COUNT(csw()), 0);
    /* Now a NOP works. */
    c = run1(0x0c0, 0x03, 0, 0, 1);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    client_free(cl);
}

Test(tn3270, erase_write_reaches_the_client)
{
    display("0c0", NULL);
    Client *cl = terminal("IBM-3278-2", 0x0c0);
    /* WCC, SBA 0, SF, data with an 0xFF byte (doubled on the wire). */
    static const uint8_t data[] = {0xc3, 0x11, 0x40, 0x40, 0x1d, 0x60, 0xc8, 0xff, 0xc9};
    memcpy(mem(0x1000), data, sizeof data);
    uint64_t c = run1(0x0c0, 0x05, 0x1000, 0, sizeof data);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(CSW_CHAN(c), 0);
    PUMP_UNTIL(cl->nrec == 1, cl);
    cr_assert_eq(cl->rec_len, 1 + sizeof data);
    cr_assert_eq(cl->rec[0], 0xf5, "Erase/Write as the remote command F5");
    cr_assert_arr_eq(cl->rec + 1, data, sizeof data);
    /* Write, Erase/Write Alternate and Erase All Unprotected likewise. */
    run1(0x0c0, 0x01, 0x1000, 0, 3);
    PUMP_UNTIL(cl->nrec == 2, cl);
    cr_assert_eq(cl->rec[0], 0xf1);
    cr_assert_eq(cl->rec_len, 4);
    run1(0x0c0, 0x0d, 0x1000, 0, 1);
    PUMP_UNTIL(cl->nrec == 3, cl);
    cr_assert_eq(cl->rec[0], 0x7e);
    c = run1(0x0c0, 0x0f, 0, 0, 1);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    PUMP_UNTIL(cl->nrec == 4, cl);
    cr_assert_eq(cl->rec[0], 0x6f);
    cr_assert_eq(cl->rec_len, 1);
    /* Data chaining: one record for the whole command. */
    ccw(0x800, 0x01, 0x1000, CD, 2);
    ccw(0x808, 0x00, 0x1006, 0, 3);
    cr_assert_eq(sio(0x0c0), 0);
    take_interrupt(0x0c0);
    cr_assert_eq(CSW_UNIT(csw()), CE_DE);
    PUMP_UNTIL(cl->nrec == 5, cl);
    static const uint8_t chained[] = {0xf1, 0xc3, 0x11, 0xc8, 0xff, 0xc9};
    cr_assert_eq(cl->rec_len, sizeof chained);
    cr_assert_arr_eq(cl->rec, chained, sizeof chained);
    client_free(cl);
}

Test(tn3270, enter_raises_attention_and_read_modified_returns_it)
{
    display("0c0", NULL);
    Client *cl = terminal("IBM-3279-2-E", 0x0c0);
    static const uint8_t enter[] = {0x7d, 0xc1, 0x5d, 0x11, 0xc1, 0x5c,
                                    0x88, 0x85, 0x93, 0x93, 0x96};
    client_record(cl, enter, sizeof enter);
    PUMP_UNTIL(line_level, cl);
    take_interrupt(0x0c0);
    cr_assert_eq(CSW_UNIT(csw()), ATTN);
    memset(mem(0x2000), 0, 256);
    uint64_t c = run1(0x0c0, 0x06, 0x2000, SLI, 256);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(CSW_COUNT(c), 256 - sizeof enter);
    cr_assert_arr_eq(mem(0x2000), enter, sizeof enter);
    cr_assert_eq(cl->nrec, 0, "a kept record is read without asking the client");
    /* Nothing kept now: Read Modified asks the client and waits. */
    ccw(0x800, 0x06, 0x2000, SLI, 256);
    cr_assert_eq(sio(0x0c0), 0);
    cr_assert_eq(io->test_io(css, 0x0c0, PSA), 2, "busy: the read waits");
    PUMP_UNTIL(cl->nrec == 1, cl);
    cr_assert_eq(cl->rec_len, 1);
    cr_assert_eq(cl->rec[0], 0xf6);
    static const uint8_t answer[] = {0x60, 0x40, 0x40};
    client_record(cl, answer, sizeof answer);
    PUMP_UNTIL(line_level, cl);
    take_interrupt(0x0c0);
    cr_assert_eq(CSW_UNIT(csw()), CE_DE);
    cr_assert_eq(CSW_COUNT(csw()), 253);
    cr_assert_arr_eq(mem(0x2000), answer, sizeof answer);
    /* Read Buffer likewise (F2). */
    ccw(0x800, 0x02, 0x2000, SLI, 256);
    cr_assert_eq(sio(0x0c0), 0);
    PUMP_UNTIL(cl->nrec == 2, cl);
    cr_assert_eq(cl->rec[0], 0xf2);
    client_record(cl, answer, 3);
    PUMP_UNTIL(line_level, cl);
    take_interrupt(0x0c0);
    cr_assert_eq(CSW_UNIT(csw()), CE_DE);
    /* PA1 (a short read): attention, then read by Read Buffer. */
    client_record(cl, (const uint8_t *)"\x6c", 1);
    PUMP_UNTIL(line_level, cl);
    take_interrupt(0x0c0);
    cr_assert_eq(CSW_UNIT(csw()), ATTN);
    c = run1(0x0c0, 0x02, 0x2000, SLI, 256);
    cr_assert_eq(CSW_COUNT(c), 255);
    cr_assert_eq(mem(0x2000)[0], 0x6c);
    client_free(cl);
}

Test(tn3270, clients_get_devices_in_number_order_and_a_third_is_refused)
{
    display("0c1", NULL);
    display("0c0", NULL);
    Client *a = terminal("IBM-3278-2", 0x0c0);
    Client *b = terminal("IBM-3278-2", 0x0c1);
    Client *c = client_new("IBM-3278-2");
    PUMP_UNTIL(c->closed, a, b, c);
    c->cur[c->cur_len] = 0;
    cr_assert(strstr((char *)c->cur, "in use"), "message: %s", (char *)c->cur);
    cr_assert_eq(line_level, 0);
    /* Each terminal's output goes to its own client. */
    mem(0x1000)[0] = 0xc3;
    run1(0x0c1, 0x05, 0x1000, 0, 1);
    PUMP_UNTIL(b->nrec == 1, a, b);
    cr_assert_eq(a->nrec, 0);
    /* The first client leaves: its device is free for the next one. */
    client_free(a);
    settle(b);
    cr_assert_eq(line_level, 0, "a disconnect while idle presents nothing");
    cr_assert_eq(CSW_UNIT(run1(0x0c0, 0x03, 0, 0, 1)), UC, "not ready again");
    Client *d = terminal("IBM-3278-2", 0x0c0);
    client_free(b);
    client_free(c);
    client_free(d);
}

Test(tn3270, terminal_type_suffix_selects_a_device_or_group)
{
    display("0c0", NULL);
    display("0c1", NULL);
    display("0c2", "group=TSO");
    Client *a = terminal("IBM-3278-2@00C1", 0x0c1);
    Client *b = terminal("IBM-3278-2@tso", 0x0c2);
    /* A device that is taken or does not exist: refused, not redirected. */
    Client *c = client_new("IBM-3278-2@0C1");
    PUMP_UNTIL(c->closed, c);
    Client *d = client_new("IBM-3278-2@0D0");
    PUMP_UNTIL(d->closed, d);
    Client *e = client_new("IBM-3278-2@TSO");
    PUMP_UNTIL(e->closed, e);
    cr_assert_eq(line_level, 0);
    /* Without a suffix only terminals without a group: 0C0. */
    Client *f = terminal("IBM-3278-2", 0x0c0);
    Client *g = client_new("IBM-3278-2");
    PUMP_UNTIL(g->closed, g);
    Client *all[] = {a, b, c, d, e, f, g};
    for (size_t i = 0; i < 7; i++)
        client_free(all[i]);
}

Test(tn3270, non_3270_clients_are_refused_with_a_message)
{
    display("0c0", NULL);
    Client *a = client_new(NULL); /* refuses TERMINAL-TYPE */
    PUMP_UNTIL(a->closed, a);
    a->cur[a->cur_len] = 0;
    cr_assert(strstr((char *)a->cur, "tn3270"), "message: %s", (char *)a->cur);
    Client *b = client_new("XTERM");
    PUMP_UNTIL(b->closed, b);
    cr_assert_eq(line_level, 0);
    /* The terminal is still free for a real one. */
    Client *c = terminal("IBM-3278-2", 0x0c0);
    client_free(a);
    client_free(b);
    client_free(c);
}

Test(tn3270, disconnect_during_a_read_ends_it_with_unit_check)
{
    display("0c0", NULL);
    Client *cl = terminal("IBM-3278-2", 0x0c0);
    ccw(0x800, 0x02, 0x2000, SLI, 256);
    cr_assert_eq(sio(0x0c0), 0);
    PUMP_UNTIL(cl->nrec == 1, cl);
    close(cl->fd);
    cl->fd = -1;
    PUMP_UNTIL(line_level, NULL);
    take_interrupt(0x0c0);
    cr_assert_eq(CSW_UNIT(csw()), CE_DE | UC);
    cr_assert_eq(sense_byte(0x0c0), 0x40, "intervention required");
    client_free(cl);
}

Test(tn3270, halt_forgets_a_waiting_read)
{
    display("0c0", NULL);
    Client *cl = terminal("IBM-3278-2", 0x0c0);
    ccw(0x800, 0x06, 0x2000, SLI, 256);
    cr_assert_eq(sio(0x0c0), 0);
    PUMP_UNTIL(cl->nrec == 1, cl);
    cr_assert_eq(io->halt_io(css, 0x0c0, false, PSA), 1);
    take_interrupt(0x0c0);
    /* The late answer (no AID) is dropped; an Enter is attention. */
    client_record(cl, (const uint8_t *)"\x60\x40\x40", 3);
    settle(cl);
    cr_assert_eq(line_level, 0);
    client_record(cl, (const uint8_t *)"\x7d\x40\x40", 3);
    PUMP_UNTIL(line_level, cl);
    take_interrupt(0x0c0);
    cr_assert_eq(CSW_UNIT(csw()), ATTN);
    client_free(cl);
}

Test(tn3270, sense_id_and_rejected_commands)
{
    display("0c0", NULL);
    /* SENSE ID needs no client: 3274-1D, 3278-2. */
    uint64_t c = run1(0x0c0, 0xe4, 0x1000, SLI, 16);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(CSW_COUNT(c), 9);
    static const uint8_t id[7] = {0xff, 0x32, 0x74, 0x1d, 0x32, 0x78, 0x02};
    cr_assert_arr_eq(mem(0x1000), id, sizeof id);
    c = run1(0x0c0, 0x09, 0x1000, SLI, 1);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(sense_byte(0x0c0), 0x80, "command reject");
    /* Write Structured Field: rejected for a plain 3278, sent as F3 to a
     * terminal with extended attributes. */
    Client *cl = terminal("IBM-3278-2", 0x0c0);
    static const uint8_t query[] = {0x00, 0x05, 0x01, 0xff, 0x02};
    memcpy(mem(0x1000), query, sizeof query);
    c = run1(0x0c0, 0x11, 0x1000, 0, sizeof query);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(sense_byte(0x0c0), 0x80);
    client_free(cl);
    settle(NULL);
    Client *e = terminal("IBM-3279-2-E", 0x0c0);
    c = run1(0x0c0, 0x11, 0x1000, 0, sizeof query);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    PUMP_UNTIL(e->nrec == 1, e);
    cr_assert_eq(e->rec[0], 0xf3);
    cr_assert_arr_eq(e->rec + 1, query, sizeof query);
    /* Select and NOP: nothing for the client. */
    cr_assert_eq(CSW_UNIT(run1(0x0c0, 0x0b, 0, 0, 1)), CE_DE);
    cr_assert_eq(CSW_UNIT(run1(0x0c0, 0x1b, 0, 0, 1)), CE_DE);
    settle(e);
    cr_assert_eq(e->nrec, 1);
    client_free(e);
}

Test(tn3270, chained_write_continues_at_the_buffer_address)
{
    display("0c0", NULL);
    Client *cl = terminal("IBM-3278-2", 0x0c0);
    /* Write: WCC, SBA 80, "AB"; chained Write: WCC, "CD" -> SBA 82 added. */
    static const uint8_t first[] = {0xc3, 0x11, 0xc1, 0x50, 0xc1, 0xc2};
    static const uint8_t second[] = {0xc2, 0xc3, 0xc4};
    memcpy(mem(0x1000), first, sizeof first);
    memcpy(mem(0x1100), second, sizeof second);
    memcpy(mem(0x1200), "\xc2\x1d\x60\xc5", 4); /* WCC, SF at 84, 'E' at 85 */
    ccw(0x800, 0x01, 0x1000, CC, sizeof first);
    ccw(0x808, 0x01, 0x1100, CC, sizeof second);
    ccw(0x810, 0x01, 0x1200, CC, 4);
    ccw(0x818, 0x01, 0x1100, 0, sizeof second);
    cr_assert_eq(sio(0x0c0), 0);
    take_interrupt(0x0c0);
    cr_assert_eq(CSW_UNIT(csw()), CE_DE);
    PUMP_UNTIL(cl->nrec == 4, cl);
    /* The last record: the third Write's SF and 'E' moved the address to 86. */
    static const uint8_t last[] = {0xf1, 0xc2, 0x11, 0xc1, 0xd6, 0xc3, 0xc4};
    cr_assert_eq(cl->rec_len, sizeof last);
    cr_assert_arr_eq(cl->rec, last, sizeof last);
    /* An unchained Write starts where the client's cursor is: no SBA. */
    run1(0x0c0, 0x01, 0x1100, 0, sizeof second);
    PUMP_UNTIL(cl->nrec == 5, cl);
    cr_assert_eq(cl->rec_len, 1 + sizeof second);
    client_free(cl);
}

Test(tn3270, oversized_or_garbage_input_drops_the_client)
{
    display("0c0", NULL);
    Client *cl = terminal("IBM-3278-2", 0x0c0);
    /* Garbage: stray IAC commands and bytes, then a record beyond 64 KiB. */
    static const uint8_t junk[] = {0xff, 0xf1, 0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0, 0x00, 0x41};
    send(cl->fd, junk, sizeof junk, 0);
    static uint8_t big[70000];
    memset(big, 0x40, sizeof big);
    size_t sent = 0;
    for (int i = 0; i < 5000 && sent < sizeof big && !cl->closed; i++) {
        ssize_t n = send(cl->fd, big + sent, sizeof big - sent, MSG_NOSIGNAL);
        if (n > 0) sent += (size_t)n;
        event_loop_poll(M.loop, 1000000);
        client_poll(cl);
    }
    PUMP_UNTIL(cl->closed, cl);
    cr_assert_eq(line_level, 0, "no attention for a record that never ended");
    cr_assert_eq(CSW_UNIT(run1(0x0c0, 0x03, 0, 0, 1)), UC, "not ready after the drop");
    client_free(cl);
    /* A new client gets the terminal. */
    Client *again = terminal("IBM-3278-2", 0x0c0);
    client_free(again);
}

Test(tn3270, bad_ports_and_groups_fail_at_realize)
{
    /* Hold a loopback port, then ask for it. */
    int taken;
    int fd = test_listen_loopback(&taken);
    char port[16], err[256];
    snprintf(port, sizeof port, "%d", taken);
    Device *d = device_create(&M, "3278");
    cr_assert(device_set_prop(d, "devno", "0c0", err, sizeof err));
    cr_assert(device_set_prop(d, "port", port, err, sizeof err));
    cr_assert_not(device_realize(d), "the port is taken");
    close(fd);
    d = device_create(&M, "3270");
    cr_assert(device_set_prop(d, "devno", "0c0", err, sizeof err));
    cr_assert(device_set_prop(d, "port", "70000", err, sizeof err));
    cr_assert_not(device_realize(d));
    d = device_create(&M, "3270");
    cr_assert(device_set_prop(d, "devno", "0c0", err, sizeof err));
    cr_assert(device_set_prop(d, "group", "0C1", err, sizeof err));
    cr_assert_not(device_realize(d), "a group name that is a device number");
    /* The device number is free again after the failures. */
    display("0c0", NULL);
    cr_assert_not_null(machine_find_bus(&M, "tn3270:0"));
}

Test(tn3270, the_server_goes_with_its_last_terminal)
{
    Device *a = display("0c0", NULL);
    Device *b = display("0c1", NULL);
    cr_assert_not_null(machine_find_bus(&M, "tn3270:0"));
    Client *cl = terminal("IBM-3278-2", 0x0c0);
    device_free(a);
    PUMP_UNTIL(cl->closed, cl);
    cr_assert_not_null(machine_find_bus(&M, "tn3270:0"));
    device_free(b);
    cr_assert_null(machine_find_bus(&M, "tn3270:0"));
    cr_assert_not_null(machine_find_bus(&M, "channel"));
    client_free(cl);
}

/* ---------------------------------------------------------------- */
/* End to end: a guest program in doppel, s3270 typing into it       */

typedef struct Child {
    pid_t pid;
    int in, out, err; /* our ends; -1 if not piped */
} Child;

static bool spawn(Child *c, char *const argv[], bool pipe_in, bool pipe_err)
{
    int pin[2] = {-1, -1}, pout[2], perr[2] = {-1, -1};
    if ((pipe_in && pipe(pin)) || pipe(pout) || (pipe_err && pipe(perr))) return false;
    c->pid = fork();
    if (c->pid < 0) return false;
    if (c->pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        dup2(pipe_in ? pin[0] : devnull, 0);
        dup2(pout[1], 1);
        dup2(pipe_err ? perr[1] : devnull, 2);
        for (int fd = 3; fd < 256; fd++)
            close(fd);
        execvp(argv[0], argv);
        _exit(127);
    }
    if (pipe_in) close(pin[0]);
    close(pout[1]);
    if (pipe_err) close(perr[1]);
    c->in = pin[1];
    c->out = pout[0];
    c->err = perr[0];
    return true;
}

static void child_kill(Child *c)
{
    if (c->pid > 0) {
        kill(c->pid, SIGKILL);
        waitpid(c->pid, NULL, 0);
        c->pid = 0;
    }
    int *fds[] = {&c->in, &c->out, &c->err};
    for (int i = 0; i < 3; i++) {
        if (*fds[i] >= 0) close(*fds[i]);
        *fds[i] = -1;
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Append what fd has within timeout_s to buf (NUL-terminated); false at
 * the timeout or the end of the stream. */
static bool read_more(int fd, char *buf, size_t cap, size_t *len, double timeout_s)
{
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, (int)(timeout_s * 1000) + 1) <= 0 || *len + 1 >= cap) return false;
    ssize_t n = read(fd, buf + *len, cap - 1 - *len);
    if (n <= 0) return false;
    *len += (size_t)n;
    buf[*len] = 0;
    return true;
}

static bool read_until(int fd, char *buf, size_t cap, size_t *len, const char *stop,
                       double timeout_s)
{
    double end = now_s() + timeout_s;
    while (!strstr(buf, stop))
        if (now_s() >= end || !read_more(fd, buf, cap, len, end - now_s())) return false;
    return true;
}

static void drain(int fd, char *buf, size_t cap, size_t *len)
{
    while (read_more(fd, buf, cap, len, 1))
        ;
}

/* An s3270 reply ends with a line "ok" or "error". */
static bool s3270_verdict(const char *out, bool *ok)
{
    size_t n = strlen(out);
    if (n >= 3 && !strcmp(out + n - 3, "ok\n") && (n == 3 || out[n - 4] == '\n')) {
        *ok = true;
        return true;
    }
    if (n >= 6 && !strcmp(out + n - 6, "error\n") && (n == 6 || out[n - 7] == '\n')) {
        *ok = false;
        return true;
    }
    return false;
}

/* One s3270 action; its reply (data lines, status, verdict) in out. */
static bool s3270_do(Child *s, const char *action, char *out, size_t cap)
{
    size_t len = 0;
    bool ok = false;
    out[0] = 0;
    if (write(s->in, action, strlen(action)) < 0 || write(s->in, "\n", 1) < 0) return false;
    while (!s3270_verdict(out, &ok))
        if (!read_more(s->out, out, cap, &len, 60)) return false;
    return ok;
}

static bool have_program(const char *name)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

Test(tn3270, s3270_types_into_a_guest_program)
{
    if (!have_program("s3270")) {
        fprintf(stderr, "tn3270: skipped: s3270 (Debian package s3270) is not installed\n");
        cr_skip_test("s3270 (Debian package s3270) is not installed");
    }
    const char *tools[] = {"s390x-linux-gnu-gcc", "s390x-linux-gnu-ld", "s390x-linux-gnu-objcopy"};
    for (int i = 0; i < 3; i++)
        if (!have_program(tools[i])) cr_skip_test("%s is not installed", tools[i]);
    char mkdeck[512], dir[64] = "/tmp/doppel-tn3270-XXXXXX", cmd[2048];
    snprintf(mkdeck, sizeof mkdeck, "%s", DOPPEL_BINARY);
    char *slash = strrchr(mkdeck, '/');
    cr_assert_not_null(slash);
    strcpy(slash + 1, "s370-mkdeck");
    if (access(mkdeck, X_OK) != 0) cr_skip_test("s370-mkdeck is not built");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "cd %s && s390x-linux-gnu-gcc -m31 -march=z900 -DS370=1 -ffreestanding -fno-pic "
             "-I%s/tests/guest/s370 -c %s/tests/guest/s370/tn3270/tn3270.S -o t.o && "
             "s390x-linux-gnu-ld -m elf_s390 -nostdlib --no-warn-rwx-segments -e _start "
             "-Ttext=0x400 -N t.o -o t.elf && s390x-linux-gnu-objcopy -O binary t.elf t.bin && "
             "%s -a 400 -p 0008000000000000 t.bin t.deck",
             dir, DOPPEL_SOURCE_DIR, DOPPEL_SOURCE_DIR, mkdeck);
    cr_assert_eq(system(cmd), 0, "building the guest program failed");

    char deck[128];
    snprintf(deck, sizeof deck, "%s/t.deck", dir);
    char *dargv[] = {(char *)DOPPEL_BINARY,
                     "-M",
                     "s370",
                     "-accel",
                     "interp",
                     "-nographic",
                     "-kernel",
                     deck,
                     "-device",
                     "3270,devno=0c0,port=0",
                     NULL};
    Child d = {0, -1, -1, -1}, s = {0, -1, -1, -1};
    cr_assert(spawn(&d, dargv, false, true));
    static char err[8192], out[8192], reply[16384];
    size_t err_len = 0, out_len = 0;
    err[0] = out[0] = 0;
    bool ok = read_until(d.err, err, sizeof err, &err_len, "\n", 60) &&
              strstr(err, "doppel: 3270 terminals: telnet 127.0.0.1 ");
    const char *at = ok ? strstr(err, "telnet 127.0.0.1 ") : NULL;
    unsigned port = at ? (unsigned)atoi(at + strlen("telnet 127.0.0.1 ")) : 0;
    char *sargv[] = {"s3270", NULL};
    ok = ok && port && spawn(&s, sargv, true, false);
    char action[64];
    snprintf(action, sizeof action, "Connect(127.0.0.1:%u)", port);
    const char *failed = NULL;
    if (!ok) failed = "starting doppel and s3270";
    if (!failed && !s3270_do(&s, action, reply, sizeof reply)) failed = "Connect";
    if (!failed && !s3270_do(&s, "Wait(30,InputField)", reply, sizeof reply))
        failed = "Wait(InputField)";
    if (!failed && !s3270_do(&s, "String(\"hello doppel\")", reply, sizeof reply))
        failed = "String";
    if (!failed && !s3270_do(&s, "Enter", reply, sizeof reply)) failed = "Enter";
    bool echoed = false;
    for (int i = 0; !failed && !echoed && i < 60; i++) {
        if (!s3270_do(&s, "Ascii()", reply, sizeof reply)) failed = "Ascii";
        echoed = strstr(reply, "data: ECHO: hello doppel") != NULL;
        if (!echoed && !failed) s3270_do(&s, "Wait(1,Seconds)", action, sizeof action);
    }
    if (!failed && !echoed) failed = "the echo on the screen";
    if (!failed && !s3270_do(&s, "PF(3)", action, sizeof action)) failed = "PF(3)";
    int status = -1;
    if (!failed) {
        /* The guest ends in a disabled wait after PF3. */
        read_until(d.out, out, sizeof out, &out_len, "ECHO: hello doppel\n", 60);
        double end = now_s() + 60;
        while (now_s() < end) {
            int st;
            pid_t r = waitpid(d.pid, &st, WNOHANG);
            if (r == d.pid) {
                status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
                d.pid = 0;
                break;
            }
            usleep(20000);
        }
        drain(d.out, out, sizeof out, &out_len);
        drain(d.err, err, sizeof err, &err_len);
    }
    if (s.pid) s3270_do(&s, "Quit", action, sizeof action);
    child_kill(&s);
    child_kill(&d);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    cr_assert_null(failed, "%s failed; s3270 said:\n%s\ndoppel's stderr:\n%s", failed, reply, err);
    cr_assert_eq(status, 0, "doppel exit status %d; stderr:\n%s", status, err);
    cr_assert(strstr(out, "ECHO: hello doppel\n"), "console: %s", out);
    cr_assert(strstr(err, "3270 00C0: tn3270 client connected"), "%s", err);
}
