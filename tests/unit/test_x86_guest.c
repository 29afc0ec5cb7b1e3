/*
 * The x86 guest tests (tests/guest/x86): every multiboot image the build
 * made runs on -M pc under -accel interp and -accel jit.  A test passes
 * when the guest writes 0 to isa-debug-exit (exit status 1) and its COM1
 * output ends with "== <name>: all N checks passed", and, where
 * tests/guest/x86/<name>.expected exists, equals that file.
 *
 * With qemu-system-i386 installed, each test also runs there: it must pass
 * and print exactly what doppel prints (from the "<name>: start" line on;
 * QEMU's firmware prints before it).  A test whose source says
 * "QEMU-DIFFERS:" is not compared (the line says why).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

typedef struct X86GuestMode {
    const char *name, *args; /* args NULL: the QEMU comparison */
} X86GuestMode;

static const X86GuestMode x86_guest_modes[] = {
    {"interp", "-accel interp"},
    {"jit-sync", "-accel jit,sync=on"},
    {"jit", "-accel jit -jit-threshold 5"},
    {"qemu", NULL},
};
#define X86_GUEST_NMODES (sizeof x86_guest_modes / sizeof x86_guest_modes[0])

typedef struct X86GuestRun {
    char name[64];
    unsigned mode;
} X86GuestRun;

/* The QEMU binary, or NULL. */
static const char *x86_guest_qemu(void)
{
    static char path[512];
    return test_find_program("qemu-system-i386", path, sizeof path) ? path : NULL;
}

static bool x86_guest_elf(const char *name)
{
    size_t len = strlen(name);
    return len > 4 && len - 4 < 64 && !strcmp(name + len - 4, ".elf");
}

static int x86_guest_compare(const void *a, const void *b)
{
    const X86GuestRun *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (int)x->mode - (int)y->mode;
}

ParameterizedTestParameters(x86_guest, run)
{
    DIR *dir = opendir(DOPPEL_X86_GUEST_DIR);
    bool qemu = x86_guest_qemu() != NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while (dir && (e = readdir(dir)))
        cap += x86_guest_elf(e->d_name) ? X86_GUEST_NMODES : 0;
    X86GuestRun *runs = cr_malloc((cap ? cap : 1) * sizeof *runs);
    if (dir) rewinddir(dir);
    while (dir && (e = readdir(dir)) && n + X86_GUEST_NMODES <= cap) {
        if (!x86_guest_elf(e->d_name)) continue;
        for (unsigned m = 0; m < X86_GUEST_NMODES; m++) {
            if (!x86_guest_modes[m].args && !qemu) continue;
            memset(&runs[n], 0, sizeof runs[n]);
            memcpy(runs[n].name, e->d_name, strlen(e->d_name) - 4);
            runs[n].mode = m;
            n++;
        }
    }
    if (dir) closedir(dir);
    qsort(runs, n, sizeof *runs, x86_guest_compare);
    return cr_make_param_array(X86GuestRun, runs, n);
}

/* Why nothing runs, when nothing does: printed as skipped tests. */
Test(x86_guest, programs_built)
{
    DIR *dir = opendir(DOPPEL_X86_GUEST_DIR);
    bool any = false;
    struct dirent *e;
    while (dir && (e = readdir(dir)))
        any |= x86_guest_elf(e->d_name);
    if (dir) closedir(dir);
    if (!any) cr_skip_test("no x86 guest programs in %s (nasm missing?)", DOPPEL_X86_GUEST_DIR);
}

Test(x86_guest, qemu_present)
{
    if (!x86_guest_qemu()) cr_skip_test("qemu-system-i386 not installed: no QEMU comparison");
}

/* The test's source says its results differ on QEMU. */
static bool x86_guest_qemu_differs(const char *name)
{
    char path[512], head[1024];
    snprintf(path, sizeof path, "%s/tests/guest/x86/%s.asm", DOPPEL_SOURCE_DIR, name);
    FILE *f = fopen(path, "r");
    if (!f) return false;
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = '\0';
    return strstr(head, "QEMU-DIFFERS:") != NULL;
}

/* Output from the "<name>: start" line on (NULL if there is none). */
static const char *x86_guest_from_start(const char *out, const char *name)
{
    char marker[96];
    snprintf(marker, sizeof marker, "%s: start\n", name);
    for (const char *p = out; (p = strstr(p, marker)); p++)
        if (p == out || p[-1] == '\n') return p;
    return NULL;
}

/* The guest's own verdict: its summary line says every check passed. */
static void x86_guest_expect_passed(const char *out, const char *name, const char *how)
{
    char marker[96];
    snprintf(marker, sizeof marker, "== %s: all ", name);
    const char *from = x86_guest_from_start(out, name);
    cr_expect_not_null(from, "%s (%s): no '%s: start' line; output:\n%s", name, how, name, out);
    cr_expect(from && strstr(from, marker) && strstr(from, " checks passed\n"),
              "%s (%s): checks failed; output:\n%s", name, how, out);
}

static int x86_guest_run_doppel(const char *name, const char *accel, const char *out_path)
{
    char args[1024], msg[8192];
    snprintf(args, sizeof args, "-M pc %s -nographic -serial file:%s -kernel %s/%s.elf", accel,
             out_path, DOPPEL_X86_GUEST_DIR, name);
    int status = test_run_doppel(args, false, msg, sizeof msg);
    cr_expect_eq(status, 1, "%s (%s): exit status %d (1: the guest wrote 0 to 0xf4):\n%s", name,
                 accel, status, msg);
    return status;
}

static int x86_guest_run_qemu(const char *name, const char *out_path)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "timeout 60 %s -M pc -nodefaults -display none -no-reboot -serial file:%s "
             "-kernel %s/%s.elf -device isa-debug-exit,iobase=0xf4,iosize=4 "
             "</dev/null >/dev/null 2>&1",
             x86_guest_qemu(), out_path, DOPPEL_X86_GUEST_DIR, name);
    int status = system(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

ParameterizedTest(X86GuestRun *run, x86_guest, run, .timeout = 180)
{
    static char got[65536], want[65536];
    const X86GuestMode *mode = &x86_guest_modes[run->mode];
    char out_path[256], ref_path[256], expected_path[512];
    snprintf(out_path, sizeof out_path, "/tmp/doppel-x86-%s-%s-%d.out", run->name, mode->name,
             (int)getpid());
    if (!mode->args) {
        if (x86_guest_qemu_differs(run->name)) {
            cr_skip_test("%s: QEMU-DIFFERS (see the test's source)", run->name);
            return;
        }
        /* The reference: QEMU passes, and prints what doppel prints. */
        snprintf(ref_path, sizeof ref_path, "/tmp/doppel-x86-%s-qemu-ref-%d.out", run->name,
                 (int)getpid());
        int qs = x86_guest_run_qemu(run->name, ref_path);
        test_read_file(ref_path, want, sizeof want);
        unlink(ref_path);
        cr_expect_eq(qs, 1, "%s on QEMU: exit status %d", run->name, qs);
        x86_guest_expect_passed(want, run->name, "qemu");
        x86_guest_run_doppel(run->name, "-accel interp", out_path);
        test_read_file(out_path, got, sizeof got);
        unlink(out_path);
        const char *q = x86_guest_from_start(want, run->name);
        cr_expect_str_eq(got, q ? q : want, "%s: doppel and QEMU print differently", run->name);
        return;
    }
    x86_guest_run_doppel(run->name, mode->args, out_path);
    test_read_file(out_path, got, sizeof got);
    unlink(out_path);
    x86_guest_expect_passed(got, run->name, mode->name);
    snprintf(expected_path, sizeof expected_path, "%s/tests/guest/x86/%s.expected",
             DOPPEL_SOURCE_DIR, run->name);
    if (access(expected_path, R_OK) == 0) {
        test_read_file(expected_path, want, sizeof want);
        cr_expect_str_eq(got, want, "%s (%s): output differs from %s", run->name, mode->name,
                         expected_path);
    }
}

/* -jit-threshold 1: every block is handed to the compile thread on its
 * first entry.  A block that was handed over while its region was still
 * queued once came back hot before it ran, forever (the guest hung). */
Test(x86_guest, alu_with_every_block_hot_at_once, .timeout = 180)
{
    static char got[65536];
    char out_path[256];
    snprintf(out_path, sizeof out_path, "/tmp/doppel-x86-alu-jit1-%d.out", (int)getpid());
    x86_guest_run_doppel("alu", "-accel jit -jit-threshold 1", out_path);
    test_read_file(out_path, got, sizeof got);
    unlink(out_path);
    x86_guest_expect_passed(got, "alu", "jit, threshold 1");
}
