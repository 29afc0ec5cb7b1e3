/* core_chardev_socket: tcp: and unix: chardevs driven by a real event
 * loop in this process, with the test as the peer. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/chardev.h"
#include "core/event_loop.h"
#include "core/machine.h"
#include "core/runstate.h"
#include "test_util.h"

typedef struct Peer {
    char got[512];
    size_t len;
    int opened, closed;
} Peer;

static Machine M;
static Peer fe;
static Chardev *chr;

static int peer_can_receive(void *opaque)
{
    Peer *p = opaque;
    return (int)(sizeof p->got - 1 - p->len);
}

static void peer_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Peer *p = opaque;
    memcpy(p->got + p->len, buf, len);
    p->len += len;
    p->got[p->len] = '\0';
}

static void peer_event(void *opaque, ChardevEvent event)
{
    Peer *p = opaque;
    if (event == CHARDEV_EVENT_OPENED) p->opened++;
    if (event == CHARDEV_EVENT_CLOSED) p->closed++;
}

static void setup(void)
{
    memset(&M, 0, sizeof M);
    memset(&fe, 0, sizeof fe);
    M.loop = event_loop_new(NULL);
}

static void teardown(void)
{
    chardev_close(chr);
    chr = NULL;
    event_loop_free(M.loop);
}

TestSuite(core_chardev_socket, .init = setup, .fini = teardown, .timeout = 30);

static Chardev *open_chr(const char *spec)
{
    char err[256];
    Chardev *c = chardev_from_spec(&M, spec, err, sizeof err);
    cr_assert_not_null(c, "%s: %s", spec, err);
    chardev_set_handlers(c, peer_can_receive, peer_receive, &fe);
    chardev_set_event_handler(c, peer_event, &fe);
    return c;
}

static int tcp_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0, "connect: %s", strerror(errno));
    return fd;
}

static int unix_connect(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Run the event loop until cond holds (bounded: a broken chardev fails
 * the test instead of hanging it). */
#define PUMP_UNTIL(cond)                                                                           \
    do {                                                                                           \
        for (int pump_i = 0; pump_i < 500 && !(cond); pump_i++)                                    \
            event_loop_poll(M.loop, 10 * 1000 * 1000);                                             \
    } while (0)

/* What the peer socket fd receives, until want appears or it closes. */
static char *peer_read(int fd, const char *want, bool *eof)
{
    static char buf[4096];
    size_t len = 0;
    *eof = false;
    buf[0] = '\0';
    for (int i = 0; i < 500 && !strstr(buf, want) && !*eof; i++) {
        event_loop_poll(M.loop, 0);
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 10) <= 0) continue;
        ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (n <= 0) *eof = true;
        if (n > 0) len += (size_t)n;
        buf[len] = '\0';
    }
    return buf;
}

Test(core_chardev_socket, tcp_server_exchanges_bytes_both_ways)
{
    chr = open_chr("tcp::0,server=on,wait=off");
    int port = chardev_socket_port(chr);
    cr_assert_gt(port, 0);
    cr_assert_not(chardev_is_connected(chr));
    cr_assert_eq(fe.opened, 0, "no client yet");
    int c = tcp_connect(port);
    PUMP_UNTIL(fe.opened);
    cr_assert_eq(fe.opened, 1);
    cr_assert(chardev_is_connected(chr));
    cr_assert_eq(send(c, "hello", 5, 0), 5);
    PUMP_UNTIL(fe.len == 5);
    cr_assert_str_eq(fe.got, "hello");
    chardev_write(chr, (const uint8_t *)"world\n", 6);
    bool eof;
    cr_assert_str_eq(peer_read(c, "\n", &eof), "world\n");
    close(c);
    PUMP_UNTIL(fe.closed);
    cr_assert_eq(fe.closed, 1);
    cr_assert_not(chardev_is_connected(chr));
}

Test(core_chardev_socket, one_client_at_a_time_and_the_next_is_accepted)
{
    chr = open_chr("tcp::0,server,nowait");
    int port = chardev_socket_port(chr);
    int first = tcp_connect(port);
    PUMP_UNTIL(fe.opened);
    int second = tcp_connect(port); /* the kernel completes it; doppel closes it */
    bool eof;
    peer_read(second, "never", &eof);
    cr_assert(eof, "a second client is refused while one is connected");
    close(second);
    cr_assert_eq(send(first, "a", 1, 0), 1);
    PUMP_UNTIL(fe.len == 1);
    cr_assert_str_eq(fe.got, "a", "the first client is still served");
    close(first);
    PUMP_UNTIL(fe.closed);
    int third = tcp_connect(port);
    PUMP_UNTIL(fe.opened == 2);
    cr_assert_eq(fe.opened, 2, "the server takes the next client after one leaves");
    chardev_write(chr, (const uint8_t *)"again", 5);
    cr_assert_str_eq(peer_read(third, "again", &eof), "again");
    close(third);
}

Test(core_chardev_socket, output_without_a_client_is_dropped)
{
    chr = open_chr("tcp::0,server=on,wait=off");
    cr_assert_eq(chardev_write(chr, (const uint8_t *)"lost", 4), 4);
    int c = tcp_connect(chardev_socket_port(chr));
    PUMP_UNTIL(fe.opened);
    chardev_write(chr, (const uint8_t *)"kept", 4);
    bool eof;
    cr_assert_str_eq(peer_read(c, "kept", &eof), "kept");
    close(c);
}

Test(core_chardev_socket, disconnect_drops_the_client)
{
    chr = open_chr("tcp::0,server=on,wait=off");
    int c = tcp_connect(chardev_socket_port(chr));
    PUMP_UNTIL(fe.opened);
    chardev_disconnect(chr);
    cr_assert_eq(fe.closed, 1);
    bool eof;
    peer_read(c, "never", &eof);
    cr_assert(eof);
    close(c);
}

Test(core_chardev_socket, unix_server_creates_and_removes_its_file)
{
    char path[64], spec[96];
    snprintf(path, sizeof path, "/tmp/doppel-chr-%d.sock", (int)getpid());
    snprintf(spec, sizeof spec, "unix:%s,server=on,wait=off", path);
    chr = open_chr(spec);
    cr_assert_eq(chardev_socket_port(chr), -1, "no port for unix sockets");
    int c = unix_connect(path);
    cr_assert_geq(c, 0);
    PUMP_UNTIL(fe.opened);
    cr_assert_eq(send(c, "x", 1, 0), 1);
    PUMP_UNTIL(fe.len == 1);
    cr_assert_str_eq(fe.got, "x");
    close(c);
    chardev_close(chr);
    chr = NULL;
    cr_assert_neq(access(path, F_OK), 0, "the socket file is removed at close");
}

Test(core_chardev_socket, busy_port_gives_one_clear_error)
{
    chr = open_chr("tcp::0,server=on,wait=off");
    char spec[64], err[256], want[128];
    int port = chardev_socket_port(chr);
    snprintf(spec, sizeof spec, "tcp::%d,server=on,wait=off", port);
    cr_assert_null(chardev_from_spec(&M, spec, err, sizeof err));
    snprintf(want, sizeof want, "cannot listen on 127.0.0.1:%d: Address already in use", port);
    cr_assert_str_eq(err, want);
}

Test(core_chardev_socket, client_connects_at_once_or_fails_with_one_line)
{
    int port;
    int l = test_listen_loopback(&port);
    char spec[64], err[256], want[128];
    snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d", port);
    chr = open_chr(spec);
    cr_assert_eq(fe.opened, 1, "a connected client is open at once");
    int c = accept(l, NULL, NULL);
    chardev_write(chr, (const uint8_t *)"to-server", 9);
    bool eof;
    cr_assert_str_eq(peer_read(c, "to-server", &eof), "to-server");
    close(c);
    PUMP_UNTIL(fe.closed);
    cr_assert_eq(fe.closed, 1);
    close(l); /* nobody listens on port now */
    cr_assert_null(chardev_from_spec(&M, spec, err, sizeof err));
    snprintf(want, sizeof want, "cannot connect to 127.0.0.1:%d: Connection refused", port);
    cr_assert_str_eq(err, want);
}

Test(core_chardev_socket, slow_reader_never_blocks_the_writer, .init = cr_redirect_stderr)
{
    chr = open_chr("tcp::0,server=on,wait=off");
    int c = tcp_connect(chardev_socket_port(chr));
    PUMP_UNTIL(fe.opened);
    static uint8_t block[64 * 1024];
    memset(block, 'z', sizeof block);
    for (int i = 0; i < 128; i++) /* 8 MiB, far more than socket buffers hold */
        cr_assert_eq(chardev_write(chr, block, sizeof block), sizeof block);
    fflush(stderr);
    char note[256] = "";
    FILE *f = cr_get_redirected_stderr();
    cr_assert(fgets(note, sizeof note, f));
    cr_assert(strstr(note, "the client is not reading; output dropped"), "%s", note);
    cr_assert_not(fgets(note, sizeof note, f), "the note is printed once: %s", note);
    /* What was kept still arrives, in order. */
    char buf[4096];
    ssize_t n = recv(c, buf, sizeof buf, 0);
    cr_assert_gt(n, 0);
    cr_assert_eq(buf[0], 'z');
    close(c);
}

Test(core_chardev_socket, always_open_backends_report_opened_at_once)
{
    chr = open_chr("null");
    cr_assert_eq(fe.opened, 1);
    cr_assert(chardev_is_connected(chr));
    cr_assert_eq(chardev_socket_port(chr), -1);
    chardev_disconnect(chr); /* no-op */
    cr_assert_eq(fe.closed, 0);
}

static void note_shutdown(void *opaque, VmEvent event, const VmEventInfo *info)
{
    if (event == VM_EVENT_SHUTDOWN && !info->guest) *(const char **)opaque = info->reason;
}

Test(core_chardev_socket, mux_over_tcp_passes_input_and_ctrl_a_x_quits, .init = cr_redirect_stderr)
{
    const char *reason = NULL;
    vm_add_listener(&M, note_shutdown, &reason);
    chr = open_chr("mon:tcp::0,server=on,wait=off");
    int c = tcp_connect(chardev_socket_port(chr));
    PUMP_UNTIL(fe.opened);
    cr_assert_eq(send(c, "ab\001x", 4, 0), 4);
    PUMP_UNTIL(M.quit);
    cr_assert(M.quit);
    cr_assert_str_eq(fe.got, "ab");
    cr_assert_str_eq(reason, "host-ui", "Ctrl-A x is a host (UI) shutdown");
    close(c);
}

/* ---- end to end with doppel ---- */

static pid_t spawn_doppel(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "exec timeout -k 5 60 %s %s </dev/null >/dev/null 2>&1",
             DOPPEL_BINARY, args);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Connect, retrying while doppel starts (bounded). */
static int connect_retry(const struct sockaddr *sa, socklen_t len, int family)
{
    for (int i = 0; i < 400; i++) {
        int fd = socket(family, SOCK_STREAM, 0);
        if (connect(fd, sa, len) == 0) return fd;
        close(fd);
        usleep(25 * 1000);
    }
    cr_assert_fail("doppel never listened");
    return -1;
}

/* Everything the peer sends until it closes (or want appears). */
static char *read_until(int fd, const char *want)
{
    static char buf[4096];
    size_t len = 0;
    buf[0] = '\0';
    while (len < sizeof buf - 1 && !(want && strstr(buf, want))) {
        struct pollfd p = {fd, POLLIN, 0};
        cr_assert_gt(poll(&p, 1, 30 * 1000), 0, "doppel went quiet; got: %s", buf);
        ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (n <= 0) break;
        len += (size_t)n;
        buf[len] = '\0';
    }
    return buf;
}

Test(core_chardev_socket, doppel_serial_over_tcp)
{
    int port = 20000 + (int)((getpid() + 7) % 20000);
    char args[512];
    /* wait=on: the guest starts only once the test is connected, so none
     * of its output is lost. */
    snprintf(args, sizeof args, "-M s370 -nographic -serial tcp::%d,server -kernel %s/basic.deck",
             port, DOPPEL_S370_GUEST_DIR);
    pid_t pid = spawn_doppel(args);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int c = connect_retry((struct sockaddr *)&sa, sizeof sa, AF_INET);
    cr_assert_str_eq(read_until(c, NULL), "Hello from S/370!\n");
    close(c);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

Test(core_chardev_socket, doppel_monitor_over_unix)
{
    char path[64], args[512];
    snprintf(path, sizeof path, "/tmp/doppel-mon-%d.sock", (int)getpid());
    snprintf(args, sizeof args,
             "-M s370 -nographic -S -serial null -monitor unix:%s,server,nowait -kernel "
             "%s/basic.deck",
             path, DOPPEL_S370_GUEST_DIR);
    pid_t pid = spawn_doppel(args);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int c = connect_retry((struct sockaddr *)&sa, sizeof sa, AF_UNIX);
    cr_assert(strstr(read_until(c, "(doppel) "), "(doppel) "), "the prompt greets the client");
    cr_assert_eq(send(c, "info status\n", 12, 0), 12);
    cr_assert(strstr(read_until(c, "(prelaunch)"), "VM status: paused (prelaunch)"));
    cr_assert_eq(send(c, "quit\n", 5, 0), 5);
    read_until(c, NULL);
    close(c);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cr_assert_neq(access(path, F_OK), 0, "the socket file is removed at exit");
}

/* ---- telnet ---- */

#define IAC  "\xff"
#define WILL "\xfb"
#define WONT "\xfc"
#define DO   "\xfd"
#define DONT "\xfe"

/* Exactly n bytes from the peer socket (binary: telnet has NULs). */
static void peer_read_exactly(int fd, char *buf, size_t n)
{
    size_t len = 0;
    for (int i = 0; i < 500 && len < n; i++) {
        event_loop_poll(M.loop, 0);
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 10) <= 0) continue;
        ssize_t got = recv(fd, buf + len, n - len, 0);
        cr_assert_gt(got, 0, "the server closed after %zu of %zu bytes", len, n);
        len += (size_t)got;
    }
    cr_assert_eq(len, n, "%zu of %zu bytes", len, n);
}

Test(core_chardev_socket, telnet_negotiates_strips_commands_and_escapes_output)
{
    chr = open_chr("tcp::0,server=on,wait=off,telnet=on");
    int c = tcp_connect(chardev_socket_port(chr));
    PUMP_UNTIL(fe.opened);
    /* The server's opening: it echoes, character at a time, 8-bit. */
    static const char opening[] =
        IAC WILL "\x01" IAC WILL "\x03" IAC DO "\x03" IAC WILL "\x00" IAC DO "\x00";
    char buf[64];
    peer_read_exactly(c, buf, sizeof opening - 1);
    cr_assert_eq(memcmp(buf, opening, sizeof opening - 1), 0, "the server's opening negotiation");

    /* The client agrees, asks for an option the server refuses, and types
     * a, b, CR (sent as CR NUL in NVT mode), c, a 0xff data byte and a
     * NOP command. */
    static const char typed[] = IAC DO "\x01" IAC WILL "\x18"
                                       "ab\r\0c" IAC IAC IAC "\xf1";
    cr_assert_eq(send(c, typed, sizeof typed - 1, 0), (ssize_t)(sizeof typed - 1));
    PUMP_UNTIL(fe.len >= 5);
    cr_assert_eq(fe.len, 5);
    cr_assert_eq(memcmp(fe.got, "ab\rc\xff", 5), 0, "the guest side gets the data alone");
    /* The refusal of TTYPE, then output with 0xff doubled. */
    chardev_write(chr, (const uint8_t *)"x\xffy", 3);
    static const char reply[] = IAC DONT "\x18"
                                         "x" IAC IAC "y";
    peer_read_exactly(c, buf, sizeof reply - 1);
    cr_assert_eq(memcmp(buf, reply, sizeof reply - 1), 0, "refusal and escaped output");
    close(c);
    PUMP_UNTIL(fe.closed);
}

Test(core_chardev_socket, doppel_serial_over_telnet)
{
    int port = 20000 + (int)((getpid() + 11) % 20000);
    char args[512];
    snprintf(args, sizeof args,
             "-M s370 -nographic -serial telnet::%d,server -kernel %s/basic.deck", port,
             DOPPEL_S370_GUEST_DIR);
    pid_t pid = spawn_doppel(args);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int c = connect_retry((struct sockaddr *)&sa, sizeof sa, AF_INET);
    const char *got = read_until(c, NULL); /* to the end: the negotiation has NULs */
    /* The guest's line follows the 15 bytes of negotiation. */
    cr_assert_eq((unsigned char)got[0], 0xff, "telnet negotiation first");
    cr_assert_str_eq(got + 15, "Hello from S/370!\n");
    close(c);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The owner drops the client from its input handler (as gdb's 'k' and
 * QMP's errors do) in the middle of a telnet read: nothing after the drop
 * is delivered, and the telnet state outlives the read (ASan checks). */
static void receive_then_drop_on_k(void *opaque, const uint8_t *buf, size_t len)
{
    peer_receive(opaque, buf, len);
    if (memchr(buf, 'k', len)) chardev_disconnect(chr);
}

Test(core_chardev_socket, telnet_client_dropped_during_its_input)
{
    chr = open_chr("tcp::0,server=on,wait=off,telnet=on");
    chardev_set_handlers(chr, peer_can_receive, receive_then_drop_on_k, &fe);
    int c = tcp_connect(chardev_socket_port(chr));
    PUMP_UNTIL(fe.opened);
    static const char typed[] = "ak" IAC IAC "zz";
    cr_assert_eq(send(c, typed, sizeof typed - 1, 0), (ssize_t)(sizeof typed - 1));
    PUMP_UNTIL(fe.closed);
    cr_assert_eq(fe.closed, 1);
    cr_assert_str_eq(fe.got, "ak");
    cr_assert_not(chardev_is_connected(chr));
    close(c);
}
