/*
 * A real machine in the test process with a monitor writing into a
 * buffer: the monitor suites build one from a doppel command line, run
 * its cpu for a number of instructions with cpu_exec, and type commands.
 */
#ifndef DOPPEL_TEST_MONITOR_FIXTURE_H
#define DOPPEL_TEST_MONITOR_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cpu_loop.h"
#include "core/machine.h"
#include "core/monitor.h"
#include "core/options.h"

typedef struct MonFixture {
    Options opts;
    char *argv[32];
    int argc;
    Machine *m;
    Monitor *mon;
    char out[1 << 17];
    size_t len;
    char dir[64]; /* a scratch directory, removed at the end */
} MonFixture;

static MonFixture fx;

__attribute__((unused)) static void fx_sink(void *opaque, const char *text, size_t len)
{
    cr_assert(fx.len + len < sizeof fx.out, "monitor output overflows the test buffer");
    memcpy(fx.out + fx.len, text, len);
    fx.len += len;
    fx.out[fx.len] = '\0';
}

/* One IPL card deck: card 1 holds the IPL PSW (S/370 EC mode, disabled,
 * at 400) and a CCW that reads card 2 to 400 (PoO-370 §4 "Initial Program
 * Loading"); card 2 is
 *     400  LA   1,1
 *     404  ALR  2,1        r2 counts the loop
 *     406  BC   15,404
 */
__attribute__((unused)) static void fx_write_loop_deck(const char *path)
{
    static const uint8_t card1[24] = {0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
                                      0x02, 0x00, 0x04, 0x00, 0x20, 0x00, 0x00, 0x50};
    static const uint8_t prog[] = {0x41, 0x10, 0x00, 0x01, 0x1e, 0x21, 0x47, 0xf0, 0x04, 0x04};
    uint8_t deck[160] = {0};
    memcpy(deck, card1, sizeof card1);
    memcpy(deck + 80, prog, sizeof prog);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(deck, 1, sizeof deck, f), sizeof deck);
    fclose(f);
}

/* Build and boot the machine of a doppel command line (words separated by
 * single blanks; "@DIR@" is the scratch directory). */
static void fx_start(const char *cmdline)
{
    memset(&fx, 0, sizeof fx);
    snprintf(fx.dir, sizeof fx.dir, "/tmp/doppel-monfx-XXXXXX");
    cr_assert_not_null(mkdtemp(fx.dir));
    char line[2048];
    snprintf(line, sizeof line, "doppel %s", cmdline);
    char *save = NULL;
    for (char *w = strtok_r(line, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        cr_assert_lt(fx.argc, 31);
        char word[512];
        const char *at = strstr(w, "@DIR@");
        if (at)
            snprintf(word, sizeof word, "%.*s%s%s", (int)(at - w), w, fx.dir, at + 5);
        else
            snprintf(word, sizeof word, "%s", w);
        fx.argv[fx.argc++] = strdup(word);
    }
    cr_assert_eq(options_parse(fx.argc, fx.argv, &fx.opts), 0, "bad command line %s", cmdline);
    const MachineClass *mc = machine_find(fx.opts.machine);
    cr_assert_not_null(mc, "no machine %s", fx.opts.machine);
    fx.m = machine_create(mc, &fx.opts);
    cr_assert_not_null(fx.m, "cannot create the machine of %s", cmdline);
    cr_assert(machine_boot(fx.m), "cannot boot %s", cmdline);
    fx.mon = monitor_new(fx.m, fx_sink, NULL);
    cr_assert_not_null(fx.mon);
}

/* The S/370 loop deck above on -M s370 (interpreter). */
__attribute__((unused)) static void fx_start_s370_loop(const char *extra)
{
    char deck[96], cmd[512];
    snprintf(deck, sizeof deck, "/tmp/doppel-monfx-deck-%d", (int)getpid());
    fx_write_loop_deck(deck);
    snprintf(cmd, sizeof cmd, "-M s370 -accel interp -nographic -serial null -kernel %s%s%s", deck,
             extra[0] ? " " : "", extra);
    fx_start(cmd);
    unlink(deck);
}

__attribute__((unused)) static void fx_stop(void)
{
    monitor_free(fx.mon);
    machine_destroy(fx.m);
    options_free(&fx.opts);
    for (int i = 0; i < fx.argc; i++)
        free(fx.argv[i]);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", fx.dir);
    if (fx.dir[0] && system(cmd) != 0) cr_log_warn("cannot remove %s", fx.dir);
    memset(&fx, 0, sizeof fx);
}

/* Run one command line; returns what it printed. */
__attribute__((unused)) static const char *fx_run(const char *line)
{
    fx.len = 0;
    fx.out[0] = '\0';
    monitor_execute(fx.mon, line);
    return fx.out;
}

/* Run cpu 0 for about insns instructions (whole blocks). */
__attribute__((unused)) static void fx_exec(uint64_t insns)
{
    CPUState *cpu = fx.m->cpus[0];
    uint64_t end = cpu->icount + insns;
    for (int guard = 0; cpu->icount < end && guard < 100000; guard++) {
        int r = cpu_exec(cpu, end - cpu->icount);
        if (r == EXCP_HALTED && !cpu->arch->has_work(cpu)) break;
    }
}

#endif
