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
#include <stdio.h>
#include <string.h>

#include "test_util.h"

/* Interpreter: one seed of 150 sequences per category (about 10 s on a
 * loaded 2-core machine).  LLVM (sync): 15 sequences, since nearly every
 * TB is new code and costs some 15 ms to compile (40 took 45 s). */
#define X86_DIFF_ARGS     "-s 1 -k 1 -n 150"
#define X86_DIFF_JIT_ARGS "-s 1 -k 1 -n 15"

/* Run x86-difftest for one category under accel; fail on any difference
 * that neither the SDM's undefined results nor KNOWN.md explain. */
static void x86_difftest(const char *cat, const char *accel, const char *args)
{
#ifndef DOPPEL_X86_DIFFTEST
    (void)cat, (void)accel, (void)args;
    cr_skip_test("x86-difftest was not built with this suite");
#else
    test_require_program("x86_diff", "nasm", "nasm");
    test_require_program("x86_diff", "ld", "binutils");
    test_require_program("x86_diff", "qemu-system-i386", "qemu-system-x86");
    static char out[1 << 16], cmd[512];
    snprintf(cmd, sizeof cmd, "%s -q -c %s -a %s %s </dev/null 2>&1", DOPPEL_X86_DIFFTEST, cat,
             accel, args);
    int status = test_run_command(cmd, out, sizeof out);
    cr_expect(status == 0,
              "doppel (-accel %s) and QEMU differ; rerun for details:\n"
              "  x86-difftest -c %s -a %s %s\n%s",
              accel, cat, accel, args, out);
    cr_expect(strstr(out, "x86-difftest: ") != NULL, "no summary from x86-difftest:\n%s", out);
#endif
}

/* Each category under the interpreter and under the LLVM tier (sync). */
#define X86_DIFF_TESTS(name, cat)                                                                  \
    Test(x86_diff, name, .timeout = 120)                                                           \
    {                                                                                              \
        x86_difftest(cat, "interp", X86_DIFF_ARGS);                                                \
    }                                                                                              \
    Test(x86_diff, name##_jit_sync, .timeout = 120)                                                \
    {                                                                                              \
        x86_difftest(cat, "jit,sync=on", X86_DIFF_JIT_ARGS);                                       \
    }

X86_DIFF_TESTS(integer, "int")
X86_DIFF_TESTS(x87, "x87")
X86_DIFF_TESTS(sse, "sse")
