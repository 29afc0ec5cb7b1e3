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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Seeds 1-6 with 1000 sequences each: a few seconds on two cores. */
#define S370_DIFF_ARGS "-s 1 -k 6 -n 1000 -B"
/* The same seeds with doppel compiling every TB with LLVM before it
 * first runs (-accel jit,sync=on), 100 sequences each: almost every
 * sequence is new code, and a TB costs some 15 ms of LLVM time, so the
 * full count would take minutes (600 sequences: about 45 s). */
#define S370_DIFF_JIT_ARGS "-s 1 -k 6 -n 100 -B"

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

/* Run s370-difftest with args (doppel under accel); fail on any
 * unexplained difference. */
static void s370_difftest(const char *accel, const char *args)
{
#ifndef DOPPEL_S370_DIFFTEST
    (void)accel, (void)args;
    cr_skip_test("s370-difftest was not built with this suite");
#else
    if (!program_on_path("hercules")) {
        printf("s370_hercules: skipped: hercules is not installed "
               "(apt-get install hercules)\n");
        cr_skip_test("hercules is not installed (apt-get install hercules)");
    }
    static char out[1 << 16], cmd[512];
    snprintf(cmd, sizeof cmd, "%s -a %s %s </dev/null 2>&1", DOPPEL_S370_DIFFTEST, accel, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run %s", DOPPEL_S370_DIFFTEST);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "doppel (-accel %s) and Hercules differ (s370-difftest -a %s %s):\n%s", accel, accel,
              args, out);
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
