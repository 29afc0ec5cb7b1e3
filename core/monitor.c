/*
 * The human monitor: the line reader, the command table and dispatch,
 * help, and its place on a chardev.  The commands live in
 * core/monitor_*.c (see core/monitor_internal.h).
 */
#define _GNU_SOURCE /* open_memstream */
#include "core/monitor.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/chardev.h"
#include "core/cpu.h"
#include "core/machine.h"
#include "core/monitor_internal.h"
#include "core/options.h"

#define KEY_BACKSPACE 0x08
#define KEY_CTRL_U    0x15
#define KEY_ESC       0x1b
#define KEY_DEL       0x7f

/* ---- output ---- */

void monitor_puts(Monitor *mon, const char *text)
{
    mon->write(mon->write_opaque, text, strlen(text));
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        mon->write(mon->write_opaque, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) return;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    mon->write(mon->write_opaque, big, (size_t)n);
    free(big);
}

void monitor_print_report(Monitor *mon, MonitorReport *report, void *ctx, const char *indent)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) {
        monitor_puts(mon, "out of memory\n");
        return;
    }
    report(ctx, f);
    if (fclose(f) != 0) {
        free(text);
        return;
    }
    size_t ilen = strlen(indent);
    for (size_t at = 0; at < size;) {
        const char *nl = memchr(text + at, '\n', size - at);
        size_t end = nl ? (size_t)(nl - text) + 1 : size;
        if (ilen) mon->write(mon->write_opaque, indent, ilen);
        mon->write(mon->write_opaque, text + at, end - at);
        at = end;
    }
    free(text);
}

/* ---- the command table ---- */

static const MonitorCommand *monitor_lookup(const MonitorCommand *table, const char *name)
{
    for (; table->name; table++) {
        if (strcmp(name, table->name) == 0 || (table->alias && strcmp(name, table->alias) == 0))
            return table;
    }
    return NULL;
}

/* One help line: "cont|c  -- resume emulation" (prefix "info " for info's). */
static void monitor_help_line(Monitor *mon, const char *prefix, const MonitorCommand *c)
{
    char left[96];
    snprintf(left, sizeof left, "%s%s%s%s%s%s", prefix, c->name, c->alias ? "|" : "",
             c->alias ? c->alias : "", c->params[0] ? " " : "", c->params);
    monitor_printf(mon, "%-24s -- %s\n", left, c->help);
}

static void monitor_help_table(Monitor *mon, const char *prefix, const MonitorCommand *table)
{
    for (; table->name; table++)
        monitor_help_line(mon, prefix, table);
}

/* Run argv[0] of table; prefix names the table in messages ("" or "info "). */
static void monitor_dispatch(Monitor *mon, const MonitorCommand *table, const char *prefix,
                             int argc, char **argv)
{
    const MonitorCommand *c = monitor_lookup(table, argv[0]);
    if (!c) {
        monitor_printf(mon, "unknown command: '%s%s' (try 'help')\n", prefix, argv[0]);
        return;
    }
    if (argc - 1 > c->max_args) {
        monitor_printf(mon, "%s%s: too many arguments (usage: %s%s%s%s)\n", prefix, c->name, prefix,
                       c->name, c->params[0] ? " " : "", c->params);
        return;
    }
    c->run(mon, argc, argv);
}

static void cmd_info(Monitor *mon, int argc, char **argv)
{
    if (argc == 1)
        monitor_help_table(mon, "info ", monitor_info_commands);
    else
        monitor_dispatch(mon, monitor_info_commands, "info ", argc - 1, argv + 1);
}

static void cmd_help(Monitor *mon, int argc, char **argv);

#define ANY_ARGS (MONITOR_MAX_WORDS - 1)

static const MonitorCommand monitor_commands[] = {
    {"help", "?", "[cmd]", "show the help, or that of one command", 2, cmd_help},
    {"info", NULL, "[subcommand]", "show information about the machine (see 'info')", ANY_ARGS,
     cmd_info, monitor_info_commands},
    {"x", NULL, "/fmt addr", "virtual memory dump from addr (fmt: count, x d u o c i, b h w g)",
     ANY_ARGS, monitor_cmd_x},
    {"xp", NULL, "/fmt addr", "physical memory dump from addr (fmt as for x)", ANY_ARGS,
     monitor_cmd_xp},
    {"print", "p", "expr", "print an expression ($pc, $<register>, + - * / ( ))", ANY_ARGS,
     monitor_cmd_print},
    {"stop", "s", "", "stop emulation (every cpu)", 0, monitor_cmd_stop},
    {"cont", "c", "", "resume emulation (also after -S or a debugger stop)", 0, monitor_cmd_cont},
    {"step", NULL, "[N]", "run N instructions (default 1) on the current cpu, then stop", 1,
     monitor_cmd_step},
    {"cpu", NULL, "index", "set the current cpu (info cpus marks it with *)", 1, monitor_cmd_cpu},
    {"system_reset", NULL, "", "reset the machine", 0, monitor_cmd_system_reset},
    {"system_powerdown", NULL, "", "press the power button (ACPI on the PC)", 0,
     monitor_cmd_system_powerdown},
    {"sendkey", NULL, "keys [hold_ms]", "send keys (e.g. ctrl-alt-delete), held hold_ms (100)", 2,
     monitor_cmd_sendkey},
    {"screendump", NULL, "FILE.png", "save the screen as a PNG image", 1, monitor_cmd_screendump},
    {"savevm", NULL, "[tag]", "save the machine as snapshot tag (default vm-<date>)", 1,
     monitor_cmd_savevm},
    {"loadvm", NULL, "tag", "restore the machine from snapshot tag", 1, monitor_cmd_loadvm},
    {"delvm", NULL, "tag", "delete snapshot tag", 1, monitor_cmd_delvm},
    {"log", NULL, "items|none", "set the -d log categories ('log' alone lists them)", 1,
     monitor_cmd_log},
    {"logfile", NULL, "path", "send the log to path (as -D)", 1, monitor_cmd_logfile},
    {"gdbserver", NULL, "[port|spec]", "start a gdbstub (default tcp::1234)", 1,
     monitor_cmd_gdbserver},
    {"quit", "q", "", "quit the emulator (exit status 0)", 0, monitor_cmd_quit},
    {0},
};

/* help, help <cmd>, help <cmd> <subcommand> */
static void cmd_help(Monitor *mon, int argc, char **argv)
{
    if (argc == 1) {
        monitor_help_table(mon, "", monitor_commands);
        return;
    }
    const MonitorCommand *c = monitor_lookup(monitor_commands, argv[1]);
    if (!c || (argc == 3 && !c->sub)) {
        monitor_printf(mon, "help: unknown command '%s%s%s'\n", argv[1], argc == 3 ? " " : "",
                       argc == 3 ? argv[2] : "");
        return;
    }
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%s ", c->name);
    if (argc == 3) {
        const MonitorCommand *sub = monitor_lookup(c->sub, argv[2]);
        if (sub)
            monitor_help_line(mon, prefix, sub);
        else
            monitor_printf(mon, "help: unknown command '%s %s'\n", argv[1], argv[2]);
        return;
    }
    monitor_help_line(mon, "", c);
    if (c->sub) monitor_help_table(mon, prefix, c->sub);
}

/* ---- parsing ---- */

void monitor_join_words(int argc, char **argv, int from, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = from; i < argc; i++) {
        int w = snprintf(buf + n, len - n, "%s%s", i > from ? " " : "", argv[i]);
        if (w < 0 || (size_t)w >= len - n) return; /* truncated: lines are bounded anyway */
        n += (size_t)w;
    }
}

void monitor_execute(Monitor *mon, const char *line)
{
    size_t len = strlen(line);
    if (len > MONITOR_LINE_MAX) {
        monitor_printf(mon, "line too long (at most %d characters)\n", MONITOR_LINE_MAX);
        return;
    }
    /* One byte more than the line: "x/4x" becomes the words "x" "/4x". */
    char copy[MONITOR_LINE_MAX + 2];
    memcpy(copy, line, len + 1);
    size_t name_len = strcspn(copy, " \t");
    char *slash = memchr(copy, '/', name_len);
    if (slash && slash != copy) {
        memmove(slash + 1, slash, len + 1 - (size_t)(slash - copy));
        *slash = ' ';
    }
    char *argv[MONITOR_MAX_WORDS];
    int argc = 0;
    char *save = NULL;
    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (argc == MONITOR_MAX_WORDS) {
            monitor_printf(mon, "too many words (at most %d)\n", MONITOR_MAX_WORDS);
            return;
        }
        argv[argc++] = w;
    }
    if (argc) monitor_dispatch(mon, monitor_commands, "", argc, argv);
}

/* ---- the line reader ---- */

static bool monitor_quitting(const Monitor *mon)
{
    return mon->machine && mon->machine->quit;
}

void monitor_prompt(Monitor *mon)
{
    if (!mon->busy) monitor_puts(mon, MONITOR_PROMPT);
}

void monitor_resume_input(Monitor *mon)
{
    if (!mon->busy) return;
    mon->busy = false;
    /* A prompt only where there was one (not for QMP's monitor). */
    if (mon->banner_done && !monitor_quitting(mon)) monitor_prompt(mon);
    if (mon->chr) chardev_accept_input(mon->chr);
}

static void monitor_enter(Monitor *mon)
{
    monitor_puts(mon, "\n");
    if (mon->too_long) {
        monitor_printf(mon, "line too long (at most %d characters)\n", MONITOR_LINE_MAX);
    } else {
        mon->line[mon->len] = '\0';
        monitor_execute(mon, mon->line);
    }
    mon->len = 0;
    mon->too_long = false;
    if (!monitor_quitting(mon)) monitor_prompt(mon);
}

/* Keys inside an escape sequence; true if ch was one of them. */
static bool monitor_escape_key(Monitor *mon, uint8_t ch)
{
    switch (mon->esc) {
    case ESC_NONE: return false;
    case ESC_START: mon->esc = ch == '[' ? ESC_CSI : ch == 'O' ? ESC_SS3 : ESC_NONE; return true;
    case ESC_CSI:
        if (ch >= 0x40 && ch <= 0x7e) mon->esc = ESC_NONE;
        return true;
    case ESC_SS3: mon->esc = ESC_NONE; return true;
    }
    return false;
}

static void monitor_key(Monitor *mon, uint8_t ch)
{
    if (monitor_escape_key(mon, ch)) return;
    bool after_cr = mon->after_cr;
    mon->after_cr = ch == '\r';
    switch (ch) {
    case '\n':
        if (after_cr) return; /* the "\n" of "\r\n" */
        /* fall through */
    case '\r': monitor_enter(mon); return;
    case KEY_DEL:
    case KEY_BACKSPACE:
        if (mon->len > 0 && !mon->too_long) {
            mon->len--;
            monitor_puts(mon, "\b \b");
        }
        return;
    case KEY_CTRL_U:
        while (mon->len > 0 && !mon->too_long) {
            mon->len--;
            monitor_puts(mon, "\b \b");
        }
        return;
    case KEY_ESC: mon->esc = ESC_START; return;
    default: break;
    }
    if (ch < 0x20 || ch > 0x7e) return; /* commands are printable ASCII */
    if (mon->len == MONITOR_LINE_MAX) {
        mon->too_long = true;
        return;
    }
    mon->line[mon->len++] = (char)ch;
    mon->write(mon->write_opaque, (const char *)&ch, 1);
}

void monitor_input(Monitor *mon, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len && !monitor_quitting(mon); i++)
        monitor_key(mon, buf[i]);
}

/* ---- life cycle ---- */

Monitor *monitor_new(Machine *m, MonitorWrite *write, void *opaque)
{
    Monitor *mon = calloc(1, sizeof *mon);
    if (!mon) return NULL;
    mon->machine = m;
    mon->write = write;
    mon->write_opaque = opaque;
    mon->last_format = 'x';
    mon->last_size = 4;
    return mon;
}

void monitor_start(Monitor *mon)
{
    mon->banner_done = true;
    monitor_puts(mon, MONITOR_BANNER);
    monitor_prompt(mon);
}

/* ---- on a chardev ---- */

static void monitor_chardev_write(void *opaque, const char *text, size_t len)
{
    Monitor *mon = opaque;
    if (!chardev_is_socket(mon->chr)) {
        chardev_write(mon->chr, (const uint8_t *)text, len);
        return;
    }
    /* A telnet or nc terminal in character mode moves down a line on
     * "\n" without returning to the margin. */
    const char *end = text + len;
    while (text < end) {
        const char *nl = memchr(text, '\n', (size_t)(end - text));
        size_t run = nl ? (size_t)(nl - text) : (size_t)(end - text);
        chardev_write(mon->chr, (const uint8_t *)text, run);
        if (nl) chardev_write(mon->chr, (const uint8_t *)"\r\n", 2);
        text += run + (nl != NULL);
    }
}

/* One key at a time, so that after a line starting a command that keeps
 * running (step) the keys typed behind it wait in the chardev. */
static int monitor_can_receive(void *opaque)
{
    Monitor *mon = opaque;
    return mon->busy ? 0 : 1;
}

static void monitor_receive(void *opaque, const uint8_t *buf, size_t len)
{
    monitor_input(opaque, buf, len);
}

/* Ctrl-A c on the mux: the banner the first time, then the prompt and
 * whatever was typed before switching away. */
static void monitor_focus_changed(void *opaque, bool focused)
{
    Monitor *mon = opaque;
    if (!focused) return;
    if (!mon->banner_done) {
        mon->banner_done = true;
        monitor_puts(mon, "\n" MONITOR_BANNER);
    }
    monitor_prompt(mon);
    if (mon->len && !mon->too_long) mon->write(mon->write_opaque, mon->line, mon->len);
}

/* A client connected to a socket monitor (and at once for stdio, file,
 * null): a fresh line, the banner and the prompt. */
static void monitor_chardev_event(void *opaque, ChardevEvent event)
{
    Monitor *mon = opaque;
    mon->len = 0;
    mon->too_long = false;
    mon->after_cr = false;
    mon->esc = ESC_NONE;
    if (event == CHARDEV_EVENT_OPENED) monitor_start(mon);
}

static Monitor *monitor_on_mux(Machine *m, const char *spec, char *err, size_t errlen)
{
    Chardev *serial = chardev_find("serial0");
    Monitor *mon = monitor_new(m, monitor_chardev_write, NULL);
    if (!mon) {
        snprintf(err, errlen, "-monitor: out of memory");
        return NULL;
    }
    mon->write_opaque = mon;
    mon->chr = serial;
    mon->on_mux = true;
    if (!chardev_mux_set_monitor(serial, monitor_can_receive, monitor_receive, mon)) {
        /* Without -monitor a port with no mux simply has no monitor. */
        if (spec)
            snprintf(err, errlen, "-monitor %s: the serial port of this machine cannot share it",
                     spec);
        free(mon);
        return NULL;
    }
    chardev_mux_set_monitor_focus(serial, monitor_focus_changed);
    return mon;
}

Monitor *monitor_create(Machine *m, char *err, size_t errlen)
{
    err[0] = '\0';
    const Options *o = m->opts;
    const char *spec = o ? o->monitor : NULL;
    if (spec && strcmp(spec, "none") == 0) return NULL;
    bool shares_serial = !spec || (strncmp(spec, "mon:", 4) == 0 && o->nserials > 0 &&
                                   strcmp(o->serials[0], spec) == 0);
    if (shares_serial) return monitor_on_mux(m, spec, err, errlen);

    char why[200];
    Chardev *chr = chardev_from_spec(m, spec, why, sizeof why);
    if (!chr) {
        snprintf(err, errlen, "-monitor: %s", why);
        return NULL;
    }
    Monitor *mon = monitor_new(m, monitor_chardev_write, NULL);
    if (!mon) {
        chardev_close(chr);
        snprintf(err, errlen, "-monitor: out of memory");
        return NULL;
    }
    mon->write_opaque = mon;
    mon->chr = chr;
    mon->owns_chr = true;
    chardev_set_handlers(chr, monitor_can_receive, monitor_receive, mon);
    chardev_set_event_handler(chr, monitor_chardev_event, mon);
    return mon;
}

void monitor_free(Monitor *mon)
{
    if (!mon) return;
    monitor_control_free(mon);
    monitor_ui_free(mon);
    if (mon->on_mux) chardev_mux_set_monitor(mon->chr, NULL, NULL, NULL);
    if (mon->owns_chr) {
        chardev_set_event_handler(mon->chr, NULL, NULL);
        chardev_close(mon->chr);
    }
    free(mon);
}
