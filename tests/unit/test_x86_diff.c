/*
 * The differential test against QEMU (tests/diff/x86/README.md): a small
 * batch of random x86 instruction sequences of each category (integer,
 * x87, SSE) must leave the same registers, flags, memory and x87/SSE state
 * on doppel as on qemu-system-i386, except where the SDM leaves a result
 * undefined or QEMU deviates from it (tests/diff/x86/KNOWN.md).  It runs
 * with doppel's interpreter and with every TB compiled by the LLVM tier
 * before it first runs (-accel jit,sync=on).  Skipped, with the reason,
 * when nasm, ld or qemu-system-i386 is not installed.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Interpreter: one seed of 150 sequences per category (about 10 s on a
 * loaded 2-core machine).  LLVM (sync): 15 sequences, since nearly every
 * TB is new code and costs some 15 ms to compile (40 took 45 s). */
#define X86_DIFF_ARGS     "-s 1 -k 1 -n 150"
#define X86_DIFF_JIT_ARGS "-s 1 -k 1 -n 15"

static bool program_on_path(const char *name)
{
    const char *path = getenv("PATH");
    char dir[4096], file[4200];
    while (path && *path) {
        size_t n = strcspn(path, ":");
        if (n > 0 && n < sizeof dir) {
            memcpy(dir, path, n);
            dir[n] = '\0';
            snprintf(file, sizeof file, "%s/%s", dir, name);
            if (access(file, X_OK) == 0) return true;
        }
        path += n + (path[n] == ':');
    }
    return false;
}

/* Run x86-difftest for one category under accel; fail on any difference
 * that neither the SDM's undefined results nor KNOWN.md explain. */
static void x86_difftest(const char *cat, const char *accel, const char *args)
{
#ifndef DOPPEL_X86_DIFFTEST
    (void)cat, (void)accel, (void)args;
    cr_skip_test("x86-difftest was not built with this suite");
#else
    static const char *const tools[] = {"nasm", "ld", "qemu-system-i386"};
    static const char *const packages[] = {"nasm", "binutils", "qemu-system-x86"};
    for (unsigned i = 0; i < 3; i++) {
        if (!program_on_path(tools[i])) {
            printf("x86_diff: skipped: %s is not installed (apt-get install %s)\n", tools[i],
                   packages[i]);
            cr_skip_test("%s is not installed (apt-get install %s)", tools[i], packages[i]);
        }
    }
    static char out[1 << 16], cmd[512];
    snprintf(cmd, sizeof cmd, "%s -q -c %s -a %s %s </dev/null 2>&1", DOPPEL_X86_DIFFTEST, cat,
             accel, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run %s", DOPPEL_X86_DIFFTEST);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "doppel (-accel %s) and QEMU differ; rerun for details:\n"
              "  x86-difftest -c %s -a %s %s\n%s",
              accel, cat, accel, args, out);
    cr_expect(strstr(out, "x86-difftest: ") != NULL, "no summary from x86-difftest:\n%s", out);
#endif
}

Test(x86_diff, integer, .timeout = 120)
{
    x86_difftest("int", "interp", X86_DIFF_ARGS);
}

Test(x86_diff, x87, .timeout = 120)
{
    x86_difftest("x87", "interp", X86_DIFF_ARGS);
}

Test(x86_diff, sse, .timeout = 120)
{
    x86_difftest("sse", "interp", X86_DIFF_ARGS);
}

Test(x86_diff, integer_jit_sync, .timeout = 120)
{
    x86_difftest("int", "jit,sync=on", X86_DIFF_JIT_ARGS);
}

Test(x86_diff, x87_jit_sync, .timeout = 120)
{
    x86_difftest("x87", "jit,sync=on", X86_DIFF_JIT_ARGS);
}

Test(x86_diff, sse_jit_sync, .timeout = 120)
{
    x86_difftest("sse", "jit,sync=on", X86_DIFF_JIT_ARGS);
}
