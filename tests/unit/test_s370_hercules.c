/*
 * The differential test against Hercules (tests/diff/s370/README.md): a
 * bounded batch of random S/370 instruction sequences, half of the seeds
 * in EC mode and half in BC mode, must leave the same registers, storage,
 * condition code and program interruptions on doppel as on Hercules,
 * except for the Hercules deviations from the Principles of Operation
 * listed in tests/diff/s370/KNOWN.md.  It runs twice: with doppel's
 * interpreter, and with every TB compiled by the LLVM tier before it
 * first runs (-accel jit,sync=on).  Skipped, with the reason, when
 * hercules is not installed.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

/* Seeds 1-6 with 1000 sequences each: a few seconds on two cores. */
#define S370_DIFF_ARGS "-s 1 -k 6 -n 1000 -B"
/* The same seeds with doppel compiling every TB with LLVM before it
 * first runs (-accel jit,sync=on), 100 sequences each: almost every
 * sequence is new code, and a TB costs some 15 ms of LLVM time, so the
 * full count would take minutes (600 sequences: about 45 s). */
#define S370_DIFF_JIT_ARGS "-s 1 -k 6 -n 100 -B"

/* Run s370-difftest with args (doppel under accel); fail on any
 * unexplained difference. */
static void s370_difftest(const char *accel, const char *args)
{
#ifndef DOPPEL_S370_DIFFTEST
    (void)accel, (void)args;
    cr_skip_test("s370-difftest was not built with this suite");
#else
    test_require_program("s370_hercules", "hercules", "hercules");
    static char out[1 << 16], cmd[512];
    snprintf(cmd, sizeof cmd, "%s -a %s %s </dev/null 2>&1", DOPPEL_S370_DIFFTEST, accel, args);
    int status = test_run_command(cmd, out, sizeof out);
    cr_expect(status == 0, "doppel (-accel %s) and Hercules differ (s370-difftest -a %s %s):\n%s",
              accel, accel, args, out);
    cr_expect(strstr(out, "s370-difftest: ") != NULL, "no summary from s370-difftest:\n%s", out);
#endif
}

Test(s370_hercules, differential, .timeout = 170)
{
    s370_difftest("interp", S370_DIFF_ARGS);
}

Test(s370_hercules, differential_jit_sync, .timeout = 170)
{
    s370_difftest("jit,sync=on", S370_DIFF_JIT_ARGS);
}
