/*
 * monitor: the human monitor's line reader and command table on a
 * stand-in machine, its place on the serial port's Ctrl-A mux, and doppel
 * run as a process with -monitor stdio on a looping S/370 guest.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "core/chardev.h"
#include "core/clock.h"
#include "core/cpu.h"
#include "core/event_loop.h"
#include "core/machine.h"
#include "core/monitor.h"
#include "core/options.h"
#include "test_monitor_fixture.h"
#include "test_util.h"

/* ---- a monitor on a stand-in machine (two cpus, no JIT) ---- */

static Machine M;
static CPUState cpus[2];
static char out[16384];
static size_t out_len;
static Monitor *mon;

static void sink(void *opaque, const char *text, size_t len)
{
    cr_assert(out_len + len < sizeof out, "monitor output overflows the test buffer");
    memcpy(out + out_len, text, len);
    out_len += len;
    out[out_len] = '\0';
}

static void fake_dump_state(CPUState *cpu, FILE *f)
{
    fprintf(f, "R0=%llu\n", (unsigned long long)cpu->pc);
}

static const ArchOps fake_arch = {.name = "fake", .dump_state = fake_dump_state};

static void setup(void)
{
    memset(&M, 0, sizeof M);
    memset(cpus, 0, sizeof cpus);
    for (int i = 0; i < 2; i++) {
        cpus[i].cpu_index = i;
        cpus[i].arch = &fake_arch;
        cpus[i].pc = 100 + (uint64_t)i;
        M.cpus[i] = &cpus[i];
    }
    M.ncpus = 2;
    M.exit_status = 7;
    M.clocks = clocks_new();
    out_len = 0;
    out[0] = '\0';
    mon = monitor_new(&M, sink, NULL);
}

static void teardown(void)
{
    monitor_free(mon);
    mon = NULL;
    clocks_free(M.clocks);
}

TestSuite(monitor, .init = setup, .fini = teardown);

/* Run one line and return what it printed. */
static const char *run(const char *line)
{
    out_len = 0;
    out[0] = '\0';
    monitor_execute(mon, line);
    return out;
}

static void type(const char *keys)
{
    out_len = 0;
    out[0] = '\0';
    monitor_input(mon, (const uint8_t *)keys, strlen(keys));
}

Test(monitor, help_lists_every_command)
{
    run("help");
    const char *names[] = {"help|? [cmd]", "info [subcommand]", "stop|s", "cont|c", "quit|q"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        cr_expect_not_null(strstr(out, names[i]), "'%s' missing from:\n%s", names[i], out);
    cr_expect_str_eq(run("help stop"), "stop|s                   -- stop emulation (every cpu)\n");
    cr_expect_str_eq(run("? info status"),
                     "info status              -- show whether the machine runs or is stopped\n");
    run("help info");
    cr_expect_not_null(strstr(out, "info jit "), "%s", out);
    cr_expect_not_null(strstr(out, "info registers "), "%s", out);
    cr_expect_str_eq(run("help frob"), "help: unknown command 'frob'\n");
    cr_expect_str_eq(run("help info frob"), "help: unknown command 'info frob'\n");
    cr_expect_str_eq(run("help stop frob"), "help: unknown command 'stop frob'\n");
}

Test(monitor, info_alone_lists_its_subcommands)
{
    run("info");
    cr_expect_not_null(strstr(out, "info jit "), "%s", out);
    cr_expect_not_null(strstr(out, "info registers "), "%s", out);
    cr_expect_not_null(strstr(out, "info status "), "%s", out);
    cr_expect_not_null(strstr(out, "info version "), "%s", out);
    cr_expect_str_eq(run("info version"), "doppel " DOPPEL_VERSION "\n");
}

Test(monitor, bad_commands_get_one_error_line)
{
    cr_expect_str_eq(run("frobnicate"), "unknown command: 'frobnicate' (try 'help')\n");
    cr_expect_str_eq(run("info frob"), "unknown command: 'info frob' (try 'help')\n");
    cr_expect_str_eq(run("stop now"), "stop: too many arguments (usage: stop)\n");
    cr_expect_str_eq(run("info status now"),
                     "info status: too many arguments (usage: info status)\n");
    char words[2 * (MONITOR_MAX_WORDS + 1) + 1] = ""; /* MAX + 1 words of "a " */
    for (int i = 0; i <= MONITOR_MAX_WORDS; i++)
        strcat(words, "a ");
    cr_expect_str_eq(run(words), "too many words (at most 32)\n");
    cr_expect_str_eq(run("   \t "), "");
    cr_expect_not(M.quit);
    cr_expect_not(cpus[0].stopped);
}

Test(monitor, stop_and_cont_every_cpu)
{
    cr_expect_str_eq(run("info status"), "VM status: running\n");
    cr_expect_str_eq(run("stop"), "");
    cr_expect(cpus[0].stopped && cpus[1].stopped);
    cr_expect_str_eq(run("info status"), "VM status: paused\n");
    cr_expect_str_eq(run("c"), "");
    cr_expect(!cpus[0].stopped && !cpus[1].stopped);
    cr_expect_str_eq(run("info status"), "VM status: running\n");
    cpus[1].stopped = true; /* one cpu held (a debugger): the VM still runs */
    cr_expect_str_eq(run("info status"), "VM status: running\n");
}

Test(monitor, info_registers_dumps_each_cpu)
{
    cr_expect_str_eq(run("info registers"), "CPU#0\nR0=100\nCPU#1\nR0=101\n");
    M.ncpus = 1;
    cr_expect_str_eq(run("info registers"), "R0=100\n");
}

Test(monitor, info_jit_without_the_jit)
{
    cr_expect_str_eq(run("info jit"), "the JIT is off (-accel interp)\n");
}

Test(monitor, quit_exits_with_status_0)
{
    run("quit");
    cr_expect(M.quit);
    cr_expect_eq(M.exit_status, 0);
}

Test(monitor, line_reader_echoes_and_edits)
{
    monitor_start(mon);
    cr_expect_str_eq(out, MONITOR_BANNER MONITOR_PROMPT);
    type("info verx\x7fsion\r\n");
    cr_expect_str_eq(out, "info verx\b \bsion\ndoppel " DOPPEL_VERSION "\n" MONITOR_PROMPT);
    /* Ctrl-U drops the line; an arrow key (ESC [ A) and ESC O P are dropped. */
    type("stop\x15\x1b[Ainfo\x1bOP status\n");
    cr_expect_not(cpus[0].stopped);
    cr_expect_not_null(strstr(out, "VM status: running\n" MONITOR_PROMPT), "%s", out);
    /* Bare "\n" and bare "\r" each end a line; "\r\n" ends one. */
    type("\n\r\r\n");
    cr_expect_str_eq(out, "\n" MONITOR_PROMPT "\n" MONITOR_PROMPT "\n" MONITOR_PROMPT);
}

Test(monitor, long_lines_are_refused_whole)
{
    char line[MONITOR_LINE_MAX + 3];
    /* Exactly the limit is fine ("info status" and blanks)... */
    memset(line, ' ', MONITOR_LINE_MAX);
    memcpy(line, "info status", 11);
    line[MONITOR_LINE_MAX] = '\n';
    line[MONITOR_LINE_MAX + 1] = '\0';
    type(line);
    cr_expect_not_null(strstr(out, "VM status: running\n"));
    /* ...one more character refuses the line, and the next works again. */
    memset(line, 's', MONITOR_LINE_MAX + 1);
    memcpy(line, "stop ", 5);
    line[MONITOR_LINE_MAX + 1] = '\n';
    line[MONITOR_LINE_MAX + 2] = '\0';
    type(line);
    cr_expect_not_null(strstr(out, "\nline too long (at most 1024 characters)\n" MONITOR_PROMPT),
                       "%s", out + out_len - 80);
    cr_expect_not(cpus[0].stopped);
    type("stop\n");
    cr_expect(cpus[0].stopped);
    char big[MONITOR_LINE_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cr_expect_str_eq(run(big), "line too long (at most 1024 characters)\n");
}

Test(monitor, input_after_quit_is_ignored)
{
    type("quit\ninfo status\n");
    cr_expect_str_eq(out, "quit\n", "no prompt and nothing run after quit");
    cr_expect(M.quit);
}

/* The serial port's mux: Ctrl-A c shows the banner once, then the prompt
 * and the half-typed line. */
Test(monitor, ctrl_a_c_on_the_serial_mux)
{
    char path[] = "/tmp/doppel-monitor-mux-XXXXXX", spec[64], err[256];
    close(mkstemp(path));
    snprintf(spec, sizeof spec, "mon:file:%s", path);
    char *serials[] = {spec};
    Options o = {.serials = serials, .nserials = 1};
    M.opts = &o;
    Chardev *chr = chardev_from_spec(&M, spec, err, sizeof err);
    cr_assert_not_null(chr, "%s", err);
    chardev_set_id(chr, "serial0");
    Monitor *m2 = monitor_create(&M, err, sizeof err);
    cr_assert_not_null(m2, "%s", err);

    chardev_input(chr, (const uint8_t *)"\001cinfo st", 9);
    chardev_input(chr, (const uint8_t *)"\001c\001catus\r", 10);
    char got[4096];
    test_read_file(path, got, sizeof got);
    cr_expect_str_eq(got, "\n" MONITOR_BANNER MONITOR_PROMPT "info st" MONITOR_PROMPT
                          "info status\nVM status: running\n" MONITOR_PROMPT);

    /* -monitor none: no monitor, even on a mux. */
    o.monitor = "none";
    cr_expect_null(monitor_create(&M, err, sizeof err));
    cr_expect_str_eq(err, "");
    monitor_free(m2);
    chardev_close(chr);
    unlink(path);
}

/* A plain serial port without -monitor has no monitor (and no error);
 * a -monitor chardev that cannot be opened is one line. */
Test(monitor, no_mux_no_monitor)
{
    char err[256];
    char *serials[] = {"null"};
    Options o = {.serials = serials, .nserials = 1};
    M.opts = &o;
    Chardev *chr = chardev_from_spec(&M, "null", err, sizeof err);
    cr_assert_not_null(chr);
    chardev_set_id(chr, "serial0");
    cr_expect_null(monitor_create(&M, err, sizeof err));
    cr_expect_str_eq(err, "");
    o.monitor = "file:/nonexistent-dir/monitor.txt";
    cr_expect_null(monitor_create(&M, err, sizeof err));
    cr_expect_not_null(strstr(err, "-monitor: "), "%s", err);
    chardev_close(chr);
}

/* Read from fd until want appears (the event loop runs between reads). */
static void socket_wait_for(int fd, const char *want, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < 500 && !strstr(buf, want); i++) {
        event_loop_poll(M.loop, 10 * 1000 * 1000);
        ssize_t r = recv(fd, buf + n, len - 1 - n, MSG_DONTWAIT);
        if (r > 0) n += (size_t)r;
        buf[n] = '\0';
    }
    cr_assert_not_null(strstr(buf, want), "no '%s' from the monitor; got:\n%s", want, buf);
}

/* -monitor tcp:: a client gets the banner and the prompt when it
 * connects, and its lines run; the next client gets a fresh banner.
 * Lines end in "\r\n" on a socket (no tty of doppel's adds the CR). */
Test(monitor, socket_client_gets_banner_and_prompt, .timeout = 30)
{
    char err[256], buf[4096];
    M.loop = event_loop_new(M.clocks);
    /* A port from the pid: the monitor's chardev has no name to ask. */
    int port = 20000 + getpid() % 20000;
    char spec[64];
    snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d,server=on,wait=off", port);
    Options o = {.monitor = spec};
    M.opts = &o;
    Monitor *m2 = monitor_create(&M, err, sizeof err);
    cr_assert_not_null(m2, "%s", err);
    for (int round = 0; round < 2; round++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
        socket_wait_for(fd, "doppel monitor - type 'help' for more information\r\n" MONITOR_PROMPT,
                        buf, sizeof buf);
        cr_assert_eq(send(fd, "info version\r\n", 14, 0), 14);
        socket_wait_for(fd, "doppel " DOPPEL_VERSION "\r\n" MONITOR_PROMPT, buf, sizeof buf);
        close(fd);
        event_loop_poll(M.loop, 10 * 1000 * 1000); /* the server sees it go */
    }
    monitor_free(m2);
    event_loop_free(M.loop);
    M.loop = NULL;
}

/* ---- doppel as a process: -monitor stdio, commands on its stdin ---- */

#define REPLY_WAIT_MS 30000 /* hang guard only */

typedef struct Doppel {
    pid_t pid;
    int in, out; /* its stdin and stdout */
    char dir[64];
    char buf[1 << 16];
    size_t len;
} Doppel;

/* Start doppel -M s370 <args> -kernel <loop deck>, stderr to dir/stderr. */
static void doppel_start(Doppel *d, const char *args)
{
    signal(SIGPIPE, SIG_IGN);
    memset(d, 0, sizeof *d);
    snprintf(d->dir, sizeof d->dir, "/tmp/doppel-monitor-XXXXXX");
    cr_assert_not_null(mkdtemp(d->dir));
    char deck[96], cmd[1024];
    snprintf(deck, sizeof deck, "%s/loop.deck", d->dir);
    fx_write_loop_deck(deck); /* the loop program the monitor fixture runs */
    snprintf(cmd, sizeof cmd, "exec %s -M s370 %s -kernel %s 2>%s/stderr", DOPPEL_BINARY, args,
             deck, d->dir);
    int to_child[2], from_child[2];
    cr_assert_eq(pipe(to_child), 0);
    cr_assert_eq(pipe(from_child), 0);
    d->pid = fork();
    cr_assert(d->pid >= 0);
    if (d->pid == 0) {
        dup2(to_child[0], STDIN_FILENO);
        dup2(from_child[1], STDOUT_FILENO);
        close(to_child[0]);
        close(to_child[1]);
        close(from_child[0]);
        close(from_child[1]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    d->in = to_child[1];
    d->out = from_child[0];
}

static const char *doppel_stderr(Doppel *d)
{
    static char text[4096];
    char path[96];
    snprintf(path, sizeof path, "%s/stderr", d->dir);
    return test_read_file(path, text, sizeof text);
}

static void doppel_send(Doppel *d, const char *text)
{
    size_t len = strlen(text);
    cr_assert_eq(write(d->in, text, len), (ssize_t)len, "doppel's stdin closed: %s",
                 doppel_stderr(d));
}

/* Read until text appears in the buffer; returns where it ends. */
static char *doppel_wait_for(Doppel *d, const char *text)
{
    for (;;) {
        char *hit = strstr(d->buf, text);
        if (hit) return hit + strlen(text);
        cr_assert(d->len + 1 < sizeof d->buf, "too much output");
        struct pollfd p = {d->out, POLLIN, 0};
        if (poll(&p, 1, REPLY_WAIT_MS) <= 0) {
            kill(d->pid, SIGKILL);
            cr_assert_fail("no '%s' from doppel; output:\n%s\nstderr:\n%s", text, d->buf,
                           doppel_stderr(d));
        }
        ssize_t n = read(d->out, d->buf + d->len, sizeof d->buf - 1 - d->len);
        cr_assert(n > 0, "doppel ended while waiting for '%s'; output:\n%s\nstderr:\n%s", text,
                  d->buf, doppel_stderr(d));
        d->len += (size_t)n;
        d->buf[d->len] = '\0';
    }
}

/* Drop the buffer up to end. */
static void doppel_consume(Doppel *d, char *end)
{
    size_t used = (size_t)(end - d->buf);
    memmove(d->buf, end, d->len - used + 1);
    d->len -= used;
}

/* Run a command; its output (without the echo and the next prompt) in reply. */
static char *doppel_cmd(Doppel *d, const char *line, char *reply, size_t len)
{
    char sent[256];
    snprintf(sent, sizeof sent, "%s\n", line);
    doppel_send(d, sent);
    char *echo_end = doppel_wait_for(d, sent);
    doppel_consume(d, echo_end);
    char *end = doppel_wait_for(d, MONITOR_PROMPT);
    size_t n = (size_t)(end - d->buf) - strlen(MONITOR_PROMPT);
    cr_assert(n < len, "reply too long");
    memcpy(reply, d->buf, n);
    reply[n] = '\0';
    doppel_consume(d, end);
    return reply;
}

/* Close its stdin, wait for the exit; returns the exit status (-1: killed). */
static int doppel_end(Doppel *d)
{
    close(d->in);
    int status;
    while (waitpid(d->pid, &status, 0) < 0 && errno == EINTR)
        ;
    close(d->out);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", d->dir);
    cr_assert_eq(system(cmd), 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Quit from the monitor: no prompt after it, exit status 0. */
static void doppel_quit(Doppel *d)
{
    doppel_send(d, "quit\n");
    doppel_wait_for(d, "quit\n");
    cr_expect_eq(doppel_end(d), 0);
}

/* General register n from info registers, or -1. */
static long long reply_gr(const char *reply, int n)
{
    char key[8];
    snprintf(key, sizeof key, "GR%02d=", n);
    const char *p = strstr(reply, key);
    return p ? strtoll(p + 5, NULL, 16) : -1;
}

/* The guest has IPL'd and run its loop (r1 = 1); IPL takes a moment. */
static void doppel_wait_guest_ran(Doppel *d)
{
    char reply[4096];
    for (int i = 0; i < REPLY_WAIT_MS / 10; i++) {
        if (reply_gr(doppel_cmd(d, "info registers", reply, sizeof reply), 1) == 1) return;
        usleep(10000);
    }
    cr_assert_fail("the guest never ran: %s", reply);
}

Test(monitor, process_info_jit_interp, .timeout = 60)
{
    Doppel d;
    char reply[4096];
    doppel_start(&d, "-accel interp -monitor stdio");
    doppel_wait_for(&d, MONITOR_BANNER MONITOR_PROMPT);
    doppel_wait_guest_ran(&d);
    cr_expect_str_eq(doppel_cmd(&d, "info jit", reply, sizeof reply),
                     "the JIT is off (-accel interp)\n");
    doppel_quit(&d);
}

/* With sync=on every block is compiled before it first runs, so once the
 * loop ran there is a region (this needs the LLVM engine, issue 4). */
Test(monitor, process_info_jit_counts_regions, .timeout = 60)
{
    Doppel d;
    char reply[4096];
    doppel_start(&d, "-accel jit,sync=on -monitor stdio");
    doppel_wait_for(&d, MONITOR_BANNER MONITOR_PROMPT);
    doppel_wait_guest_ran(&d);
    doppel_cmd(&d, "info jit", reply, sizeof reply);
    const char *p = strstr(reply, "regions installed");
    cr_assert_not_null(p, "%s", reply);
    unsigned long long regions = strtoull(p + strlen("regions installed"), NULL, 10);
    cr_expect_gt(regions, 0, "%s", reply);
    cr_expect_not_null(strstr(reply, "cpu 0 "), "%s", reply);
    doppel_quit(&d);
}

/* stop holds the guest (r2, its loop counter, stays put across commands,
 * each of which lets the machine run a slice when it is not stopped);
 * cont lets it go on. */
Test(monitor, process_stop_and_cont, .timeout = 60)
{
    Doppel d;
    char reply[4096];
    doppel_start(&d, "-accel interp -monitor stdio");
    doppel_wait_for(&d, MONITOR_BANNER MONITOR_PROMPT);
    doppel_wait_guest_ran(&d);
    cr_expect_str_eq(doppel_cmd(&d, "info status", reply, sizeof reply), "VM status: running\n");

    cr_expect_str_eq(doppel_cmd(&d, "stop", reply, sizeof reply), "");
    cr_expect_str_eq(doppel_cmd(&d, "info status", reply, sizeof reply), "VM status: paused\n");
    long long held = reply_gr(doppel_cmd(&d, "info registers", reply, sizeof reply), 2);
    cr_assert_geq(held, 0, "%s", reply);
    for (int i = 0; i < 5; i++) {
        usleep(20000);
        cr_expect_eq(reply_gr(doppel_cmd(&d, "info registers", reply, sizeof reply), 2), held,
                     "the guest ran while stopped");
    }

    cr_expect_str_eq(doppel_cmd(&d, "cont", reply, sizeof reply), "");
    cr_expect_str_eq(doppel_cmd(&d, "info status", reply, sizeof reply), "VM status: running\n");
    long long now = held;
    for (int i = 0; i < 100 && now == held; i++)
        now = reply_gr(doppel_cmd(&d, "info registers", reply, sizeof reply), 2);
    cr_expect_neq(now, held, "the guest did not run after cont");
    doppel_quit(&d);
}

Test(monitor, process_bad_input_then_quit, .timeout = 60)
{
    Doppel d;
    char reply[4096];
    doppel_start(&d, "-accel interp -monitor stdio");
    doppel_wait_for(&d, MONITOR_BANNER MONITOR_PROMPT);
    cr_expect_str_eq(doppel_cmd(&d, "frobnicate", reply, sizeof reply),
                     "unknown command: 'frobnicate' (try 'help')\n");
    /* 3000 characters: refused, and the monitor still answers. */
    static char long_line[3002];
    memset(long_line, 'x', 3000);
    strcpy(long_line + 3000, "\n");
    doppel_send(&d, long_line);
    doppel_consume(&d, doppel_wait_for(&d, "line too long (at most 1024 characters)\n"));
    doppel_consume(&d, doppel_wait_for(&d, MONITOR_PROMPT));
    cr_expect_str_eq(doppel_cmd(&d, "info version", reply, sizeof reply),
                     "doppel " DOPPEL_VERSION "\n");
    doppel_quit(&d);
}

/* -nographic: the serial port and the monitor share stdio; Ctrl-A c. */
Test(monitor, process_nographic_ctrl_a_c, .timeout = 60)
{
    Doppel d;
    char reply[4096];
    doppel_start(&d, "-accel interp -nographic");
    doppel_send(&d, "\001c");
    doppel_consume(&d, doppel_wait_for(&d, MONITOR_BANNER MONITOR_PROMPT));
    cr_expect_str_eq(doppel_cmd(&d, "info status", reply, sizeof reply), "VM status: running\n");
    doppel_quit(&d);
}

/* -monitor none: Ctrl-A c finds no monitor; Ctrl-A x still quits. */
Test(monitor, process_monitor_none, .timeout = 60)
{
    Doppel d;
    doppel_start(&d, "-accel interp -nographic -monitor none");
    doppel_send(&d, "\001c");
    doppel_wait_for(&d, "no monitor on this console");
    doppel_send(&d, "\001x");
    cr_expect_eq(doppel_end(&d), 0);
}

/* step N under the real cpu loop: from -S (prelaunch) at 400, LA, ALR and
 * BC 15,404 step the pc through 404, 406, 404...; a line typed while a
 * step runs waits for it. */
Test(monitor, process_step, .timeout = 60)
{
    Doppel d;
    char reply[4096];
    doppel_start(&d, "-accel interp -monitor stdio -S");
    doppel_wait_for(&d, MONITOR_BANNER MONITOR_PROMPT);
    cr_expect_str_eq(doppel_cmd(&d, "info status", reply, sizeof reply),
                     "VM status: paused (prelaunch)\n");
    doppel_cmd(&d, "step", reply, sizeof reply);
    if (strstr(reply, "not available")) {
        doppel_quit(&d);
        cr_skip_test("no single-step in the debug core yet");
    }
    cr_expect_eq(strncmp(reply, "pc=0x0000000000000404\n", 22), 0, "%s", reply);
    doppel_cmd(&d, "step 3", reply, sizeof reply);
    cr_expect_eq(strncmp(reply, "pc=0x0000000000000406\n", 22), 0, "%s", reply);
    cr_expect_str_eq(doppel_cmd(&d, "info status", reply, sizeof reply),
                     "VM status: paused (debug)\n");
    doppel_send(&d, "step 2\ninfo cpus\n");
    doppel_consume(&d, doppel_wait_for(&d, "step 2\npc=0x0000000000000406\n"));
    doppel_consume(&d, doppel_wait_for(&d, MONITOR_PROMPT "info cpus\n"
                                                          "* CPU #0: pc=0x0000000000000406\n"));
    doppel_consume(&d, doppel_wait_for(&d, MONITOR_PROMPT));
    cr_expect_str_eq(doppel_cmd(&d, "step x", reply, sizeof reply),
                     "step: expected a positive number of steps, got 'x'\n");
    cr_expect_str_eq(doppel_cmd(&d, "cont", reply, sizeof reply), "");
    cr_expect_str_eq(doppel_cmd(&d, "info status", reply, sizeof reply), "VM status: running\n");
    cr_expect_str_eq(doppel_cmd(&d, "step", reply, sizeof reply),
                     "step: the machine is running (stop it first)\n");
    doppel_quit(&d);
}
