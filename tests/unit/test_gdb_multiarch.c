/*
 * gdb_multiarch: Debian's gdb-multiarch in batch mode against doppel
 * -gdb tcp::PORT -S, running an x86 and an S/370 guest under -accel
 * interp and jit.  The scripts in tests/gdb/ break at a label, continue,
 * stepi, read and set registers and memory, watch (x86), ask the monitor,
 * and kill or let the guest finish; the asserts are on gdb's own output
 * and doppel's exit status.  Skipped, with the reason printed, when
 * gdb-multiarch, nm or the guest programs are missing.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"

/* Plain values: Criterion hands parameters to a fresh process, where
 * pointers into this one would not hold. */
typedef struct GdbCase {
    bool x86;       /* else S/370 */
    char accel[16]; /* interp, jit, kvm */
} GdbCase;

ParameterizedTestParameters(gdb_multiarch, session)
{
    static GdbCase cases[] = {
        {true, "interp"}, {true, "jit"}, {true, "kvm"}, {false, "interp"}, {false, "jit"},
    };
    return cr_make_param_array(GdbCase, cases, sizeof cases / sizeof cases[0]);
}

/* The address of symbol name in elf, from nm. */
static unsigned long nm_lookup(const char *elf, const char *name)
{
    char cmd[1024], out[256];
    snprintf(cmd, sizeof cmd, "nm %s | awk '$3 == \"%s\" { print $1 }'", elf, name);
    test_run_command(cmd, out, sizeof out);
    cr_assert(out[0], "no symbol %s in %s", name, elf);
    return strtoul(out, NULL, 16);
}

/* doppel in the background (bounded by timeout); its pid. */
static pid_t start_doppel(const char *args, const char *log)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "exec timeout -k 5 120 %s %s </dev/null >%s 2>&1", DOPPEL_BINARY,
             args, log);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* doppel's exit status once it ends (killed after 30 s: -1). */
static int wait_doppel(pid_t pid)
{
    int status;
    for (int i = 0; i < 300; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    return -1;
}

static void expect(const char *out, const char *want)
{
    cr_expect(strstr(out, want) != NULL, "gdb output lacks \"%s\":\n%s", want, out);
}

Test(gdb_multiarch, programs_present)
{
    test_require_program("gdb_multiarch", "gdb-multiarch", "gdb-multiarch");
    test_require_program("gdb_multiarch", "nm", "binutils");
}

ParameterizedTest(GdbCase *c, gdb_multiarch, session, .timeout = 240)
{
    test_require_program("gdb_multiarch", "gdb-multiarch", "gdb-multiarch");
    test_require_program("gdb_multiarch", "nm", "binutils");
    bool x86 = c->x86;
    /* Under kvm the guest's ring-0 code may be emulated by the host
     * kernel (a nested PVM host), which checks no data breakpoints: the
     * kvm session has breakpoints, steps, registers, memory and the
     * monitor, but no watchpoints (the cpu_debug suite checks how they
     * are programmed). */
    bool kvm = !strcmp(c->accel, "kvm");
    if (kvm && access("/dev/kvm", R_OK | W_OK) != 0) {
        printf("gdb_multiarch: skipped: /dev/kvm not available for the kvm session\n");
        cr_skip_test("/dev/kvm not available");
    }
    char elf[512], image[512];
    if (x86) {
        snprintf(elf, sizeof elf, "%s/hello.elf", DOPPEL_X86_GUEST_DIR);
        snprintf(image, sizeof image, "%s", elf);
    } else {
        snprintf(elf, sizeof elf, "%s/basic.elf", DOPPEL_S370_GUEST_DIR);
        snprintf(image, sizeof image, "%s/basic.deck", DOPPEL_S370_GUEST_DIR);
    }
    if (access(elf, R_OK) || access(image, R_OK)) {
        printf("gdb_multiarch: skipped: %s not built\n", image);
        cr_skip_test("%s not built", image);
    }

    int port = 20000 + (int)(getpid() % 40000);
    char args[2048], log[128], cmd[4096];
    snprintf(log, sizeof log, "/tmp/doppel-gdb-multiarch-%d.log", (int)getpid());
    snprintf(args, sizeof args,
             "-M %s -accel %s -display none -monitor none -serial null -gdb tcp::%d -S "
             "-kernel %s",
             x86 ? "pc" : "s370", c->accel, port, image);
    pid_t doppel = start_doppel(args, log);

    /* gdb retries a refused connection (set tcp auto-retry, on by
     * default) while doppel starts listening. */
    char extra[256] = "";
    if (!x86)
        snprintf(extra, sizeof extra, "-ex 'set $loop = %#lx' -ex 'set $half = %#lx'",
                 nm_lookup(elf, ".Lloop"), nm_lookup(elf, ".Lhalf"));
    snprintf(cmd, sizeof cmd,
             "timeout -k 5 120 gdb-multiarch -batch -nx -ex 'target remote 127.0.0.1:%d' %s "
             "-x %s/tests/gdb/%s.gdb %s 2>&1",
             port, extra, DOPPEL_SOURCE_DIR,
             !x86  ? "s370_basic"
             : kvm ? "x86_hello_kvm"
                   : "x86_hello",
             elf);
    static char out[65536];
    test_run_command(cmd, out, sizeof out);
    int status = wait_doppel(doppel);
    unlink(log);

    char want[256];
    if (x86) {
        snprintf(want, sizeof want, "== connected\n$1 = %#lx\n$2 = 0x2badb002\n",
                 nm_lookup(elf, "_start"));
        expect(out, want);
        snprintf(want, sizeof want, "Breakpoint 1, 0x%08lx in test_main ()",
                 nm_lookup(elf, "test_main"));
        expect(out, want);
        expect(out, "== at test_main\n$3 = 1\n");
        expect(out, "== stepped\n$4 = 1\n$5 = 0x1234abcd\n");
        expect(out, "<test_name>:\t0x68\t0x65\t0x6c\t0x6c\n");
        expect(out, "<test_name>:\t\"Jello\"\n");
        if (!kvm) {
            expect(out, "Old value = 0\nNew value = 1\n");
            expect(out, "== watch hit\n$6 = 1\n");
            expect(out, "Hardware read watchpoint 3: *(int *)&fail_count\n\nValue = 0\n");
        }
        expect(out, "== monitor\nEAX=");
        expect(out, "[Inferior 1 (Remote target) killed]\n== killed\n");
        cr_expect_eq(status, 0, "doppel ended with %d after gdb's kill", status);
    } else {
        expect(out, "== connected\n$1 = 0x400\n");
        expect(out, "== at loop\n$2 = 1\n$3 = 10\n");
        expect(out, "== second pass\n$4 = 9\n$5 = 3\n");
        snprintf(want, sizeof want, "== stepped\n$6 = %#lx\n", nm_lookup(elf, ".Lloop") + 4);
        expect(out, want);
        expect(out, ":\t0x0003\t");
        expect(out, ":\t0x0005\t");
        expect(out, "GR05=00000001");
        expect(out, "[Inferior 1 (Remote target) exited with code 03]");
        cr_expect_eq(status, 3, "the guest's check 3 fails once r5 is 1 (status %d)", status);
    }
}
