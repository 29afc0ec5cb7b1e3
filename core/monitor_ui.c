/*
 * The monitor's host-side commands: sendkey (keys to the guest's
 * keyboard), screendump, and the debug log (log, logfile: -d and -D at
 * run time).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/input.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/monitor_internal.h"
#include "ui/display.h"

/* ---- sendkey ---- */

#define SENDKEY_DEFAULT_HOLD_MS 100
#define SENDKEY_MAX_HOLD_MS     60000

/* Release what is held, in reverse order of pressing. */
static void sendkey_release(void *opaque)
{
    Monitor *mon = opaque;
    MonitorSendkey *sk = &mon->sendkey;
    while (sk->nkeys > 0)
        input_key_event(mon->machine, sk->keys[--sk->nkeys], false);
}

/* sendkey ctrl-alt-delete [hold_ms]: QEMU's key names joined by '-'
 * (core/input.h), pressed in order, released in reverse after hold_ms. */
void monitor_cmd_sendkey(Monitor *mon, int argc, char **argv)
{
    Machine *m = mon->machine;
    MonitorSendkey *sk = &mon->sendkey;
    if (argc < 2) {
        monitor_puts(mon, "sendkey: expected keys such as ctrl-alt-delete\n");
        return;
    }
    uint64_t hold = SENDKEY_DEFAULT_HOLD_MS;
    if (argc > 2 && (!monitor_parse_u64(argv[2], &hold) || hold > SENDKEY_MAX_HOLD_MS)) {
        monitor_printf(mon, "sendkey: hold time '%s' is not a number of ms up to %d\n", argv[2],
                       SENDKEY_MAX_HOLD_MS);
        return;
    }
    int codes[MONITOR_SENDKEY_MAX], n = 0;
    char keys[MONITOR_LINE_MAX + 1];
    snprintf(keys, sizeof keys, "%s", argv[1]);
    char *save = NULL;
    for (char *k = strtok_r(keys, "-", &save); k; k = strtok_r(NULL, "-", &save)) {
        int code = input_keycode_from_name(k);
        if (code < 0) {
            monitor_printf(mon, "sendkey: unknown key '%s'\n", k);
            return;
        }
        if (n == MONITOR_SENDKEY_MAX) {
            monitor_printf(mon, "sendkey: at most %d keys at once\n", MONITOR_SENDKEY_MAX);
            return;
        }
        codes[n++] = code;
    }
    if (n == 0) {
        monitor_printf(mon, "sendkey: no key in '%s'\n", argv[1]);
        return;
    }
    if (!m->input.key) {
        monitor_puts(mon, "sendkey: this machine has no keyboard\n");
        return;
    }
    if (!sk->release) sk->release = timer_new(m->clocks, CLK_REALTIME, sendkey_release, mon);
    if (!sk->release) {
        monitor_puts(mon, "sendkey: out of memory\n");
        return;
    }
    /* Keys of an earlier sendkey still held go up first. */
    timer_del(sk->release);
    sendkey_release(mon);
    for (int i = 0; i < n; i++) {
        input_key_event(m, codes[i], true);
        sk->keys[sk->nkeys++] = codes[i];
    }
    timer_mod(sk->release, clock_get_ns(m->clocks, CLK_REALTIME) + (int64_t)hold * 1000000);
}

void monitor_ui_free(Monitor *mon)
{
    MonitorSendkey *sk = &mon->sendkey;
    if (!sk->release) return;
    timer_free(sk->release);
    sk->release = NULL;
    sendkey_release(mon); /* no key stays down in the guest */
}

/* ---- screendump ---- */

/* screendump FILE.png: the display as a PNG (ui/screendump.c). */
void monitor_cmd_screendump(Monitor *mon, int argc, char **argv)
{
    char err[512];
    if (argc < 2) {
        monitor_printf(mon, "screendump: expected a file name\n");
        return;
    }
    if (!display_screendump(mon->machine, argv[1], err, sizeof err))
        monitor_printf(mon, "screendump: %s\n", err);
}

/* ---- log, logfile ---- */

static void report_log_categories(void *ctx, FILE *out)
{
    log_print_categories(out);
}

/* log: the categories (as -d help); log none; log in_asm,int. */
void monitor_cmd_log(Monitor *mon, int argc, char **argv)
{
    if (argc < 2) {
        monitor_print_report(mon, report_log_categories, NULL, "");
        return;
    }
    if (strcmp(argv[1], "none") == 0) {
        log_set_mask(0);
        return;
    }
    uint32_t mask;
    char err[160];
    if (!log_parse_mask(argv[1], &mask, err, sizeof err)) {
        monitor_printf(mon, "log: %s\n", err);
        return;
    }
    log_set_mask(mask);
}

void monitor_cmd_logfile(Monitor *mon, int argc, char **argv)
{
    if (argc < 2) {
        monitor_puts(mon, "logfile: expected a file name\n");
        return;
    }
    if (!log_set_file(argv[1])) monitor_printf(mon, "logfile: %s: %s\n", argv[1], strerror(errno));
}
