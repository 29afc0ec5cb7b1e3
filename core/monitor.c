/*
 * The human monitor: the line reader, the command table and the commands,
 * and its place on a chardev.  Top-level glue like cpu_loop.c: it reads
 * the JIT's counters (backends/llvm/jit.h).
 */
#define _GNU_SOURCE /* open_memstream */
#include "core/monitor.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/llvm/jit.h"
#include "core/chardev.h"
#include "core/cpu.h"
#include "core/machine.h"
#include "core/options.h"
#include "ui/display.h"

#define KEY_BACKSPACE 0x08
#define KEY_CTRL_U    0x15
#define KEY_ESC       0x1b
#define KEY_DEL       0x7f

/* Where the line reader is inside an escape sequence (arrow keys, function
 * keys): ESC [ params final, or ESC O x.  The whole sequence is dropped. */
typedef enum EscapeState {
    ESC_NONE,
    ESC_START, /* after ESC */
    ESC_CSI,   /* after ESC [: until a final byte 0x40-0x7e */
    ESC_SS3,   /* after ESC O: one more byte */
} EscapeState;

struct Monitor {
    Machine *machine;
    MonitorWrite *write;
    void *write_opaque;

    Chardev *chr;
    bool owns_chr;    /* opened for -monitor: closed by monitor_free */
    bool on_mux;      /* the serial port's mux: reached with Ctrl-A c */
    bool banner_done; /* shown on the first Ctrl-A c, as in QEMU */

    char line[MONITOR_LINE_MAX + 1];
    size_t len;
    bool too_long; /* the line passed MONITOR_LINE_MAX: refused at Enter */
    bool after_cr; /* a "\n" right after "\r" ends no second line */
    EscapeState esc;
};

/* ---- output ---- */

static void monitor_puts(Monitor *mon, const char *text)
{
    mon->write(mon->write_opaque, text, strlen(text));
}

__attribute__((format(printf, 2, 3))) static void monitor_printf(Monitor *mon, const char *fmt, ...)
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

/* Reports written for a FILE (jit_print_info, ArchOps.dump_state). */
typedef void MonitorReport(void *ctx, FILE *out);

static void monitor_print_report(Monitor *mon, MonitorReport *report, void *ctx)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) {
        monitor_puts(mon, "out of memory\n");
        return;
    }
    report(ctx, f);
    if (fclose(f) == 0) mon->write(mon->write_opaque, text, size);
    free(text);
}

/* ---- the command table ---- */

typedef void MonitorCommandFn(Monitor *mon, int argc, char **argv);

typedef struct MonitorCommand {
    const char *name;
    const char *alias;  /* another spelling, or NULL */
    const char *params; /* usage after the name, "" for none */
    const char *help;
    int max_args; /* words after the name */
    MonitorCommandFn *run;
    const struct MonitorCommand *sub; /* subcommands (info), for help */
} MonitorCommand;

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
    char left[64];
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

/* ---- info subcommands ---- */

typedef struct JitReport {
    Machine *m;
} JitReport;

static void report_jit(void *ctx, FILE *out)
{
    Machine *m = ((JitReport *)ctx)->m;
    jit_print_info(m->jit, m->cpus, m->ncpus, out);
}

static void cmd_info_jit(Monitor *mon, int argc, char **argv)
{
    if (!mon->machine->jit) {
        monitor_puts(mon, "the JIT is off (-accel interp)\n");
        return;
    }
    JitReport r = {mon->machine};
    monitor_print_report(mon, report_jit, &r);
}

static void report_registers(void *ctx, FILE *out)
{
    CPUState *cpu = ctx;
    cpu->arch->dump_state(cpu, out);
}

static void cmd_info_registers(Monitor *mon, int argc, char **argv)
{
    Machine *m = mon->machine;
    for (int i = 0; i < m->ncpus; i++) {
        CPUState *cpu = m->cpus[i];
        if (m->ncpus > 1) monitor_printf(mon, "CPU#%d\n", cpu->cpu_index);
        if (cpu->arch && cpu->arch->dump_state)
            monitor_print_report(mon, report_registers, cpu);
        else
            monitor_printf(mon, "cpu %d: no register dump for this cpu\n", cpu->cpu_index);
    }
}

static bool machine_paused(const Machine *m)
{
    if (m->ncpus == 0) return false;
    for (int i = 0; i < m->ncpus; i++)
        if (!m->cpus[i]->stopped) return false;
    return true;
}

static void cmd_info_status(Monitor *mon, int argc, char **argv)
{
    monitor_printf(mon, "VM status: %s\n", machine_paused(mon->machine) ? "paused" : "running");
}

static void cmd_info_version(Monitor *mon, int argc, char **argv)
{
    monitor_puts(mon, "doppel " DOPPEL_VERSION "\n");
}

static const MonitorCommand info_commands[] = {
    {"jit", NULL, "", "show the LLVM tier's counters (regions, compile time, code)", 0,
     cmd_info_jit},
    {"registers", NULL, "", "show the cpu registers", 0, cmd_info_registers},
    {"status", NULL, "", "show whether the machine runs or is stopped", 0, cmd_info_status},
    {"version", NULL, "", "show the version of doppel", 0, cmd_info_version},
    {0},
};

/* ---- commands ---- */

static void cmd_info(Monitor *mon, int argc, char **argv)
{
    if (argc == 1)
        monitor_help_table(mon, "info ", info_commands);
    else
        monitor_dispatch(mon, info_commands, "info ", argc - 1, argv + 1);
}

/* The cpu loop skips stopped cpus and, when none runs, sleeps in the
 * event loop until input or a timer (machine_run). */
static void cmd_stop(Monitor *mon, int argc, char **argv)
{
    for (int i = 0; i < mon->machine->ncpus; i++)
        mon->machine->cpus[i]->stopped = true;
}

static void cmd_cont(Monitor *mon, int argc, char **argv)
{
    for (int i = 0; i < mon->machine->ncpus; i++)
        mon->machine->cpus[i]->stopped = false;
}

static void cmd_quit(Monitor *mon, int argc, char **argv)
{
    machine_request_exit(mon->machine, 0);
}

/* screendump FILE.png: the display as a PNG (ui/screendump.c). */
static void cmd_screendump(Monitor *mon, int argc, char **argv)
{
    char err[512];
    if (argc < 2) {
        monitor_printf(mon, "screendump: expected a file name\n");
        return;
    }
    if (!display_screendump(mon->machine, argv[1], err, sizeof err))
        monitor_printf(mon, "screendump: %s\n", err);
}

static void cmd_help(Monitor *mon, int argc, char **argv);

static const MonitorCommand monitor_commands[] = {
    {"help", "?", "[cmd]", "show the help, or that of one command", 2, cmd_help},
    {"info", NULL, "[subcommand]", "show information about the machine (see 'info')",
     MONITOR_MAX_WORDS - 1, cmd_info, info_commands},
    {"stop", "s", "", "stop emulation (every cpu)", 0, cmd_stop},
    {"cont", "c", "", "resume emulation", 0, cmd_cont},
    {"quit", "q", "", "quit the emulator (exit status 0)", 0, cmd_quit},
    {"screendump", NULL, "FILE.png", "save the screen as a PNG image", 1, cmd_screendump},
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

void monitor_execute(Monitor *mon, const char *line)
{
    size_t len = strlen(line);
    if (len > MONITOR_LINE_MAX) {
        monitor_printf(mon, "line too long (at most %d characters)\n", MONITOR_LINE_MAX);
        return;
    }
    char copy[MONITOR_LINE_MAX + 1];
    memcpy(copy, line, len + 1);
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

static void monitor_prompt(Monitor *mon)
{
    monitor_puts(mon, MONITOR_PROMPT);
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
    chardev_write(mon->chr, (const uint8_t *)text, len);
}

static int monitor_can_receive(void *opaque)
{
    return MONITOR_LINE_MAX; /* every key is handled at once */
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
    monitor_start(mon);
    chardev_set_handlers(chr, monitor_can_receive, monitor_receive, mon);
    return mon;
}

void monitor_free(Monitor *mon)
{
    if (!mon) return;
    if (mon->on_mux) chardev_mux_set_monitor(mon->chr, NULL, NULL, NULL);
    if (mon->owns_chr) chardev_close(mon->chr);
    free(mon);
}
