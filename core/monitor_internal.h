/*
 * The human monitor's parts (core/monitor*.c): the Monitor itself, the
 * command table shape, output helpers, and the commands each file
 * provides.  Only the monitor's own files include this.
 *
 *   monitor.c           line reader, dispatch, help, placement on a chardev
 *   monitor_info.c      info registers|cpus|status|tlb|mtree|qtree|irq|jit|version
 *   monitor_memory.c    x, xp, print; address expressions ($pc, $<register>)
 *   monitor_control.c   stop, cont, step, cpu, system_reset, system_powerdown,
 *                       quit, gdbserver
 *   monitor_snapshot.c  savevm, loadvm, delvm, info snapshots
 *   monitor_ui.c        sendkey, screendump, log, logfile
 */
#ifndef DOPPEL_MONITOR_INTERNAL_H
#define DOPPEL_MONITOR_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cpu.h"
#include "core/monitor.h"
#include "core/runstate.h"

typedef struct Chardev Chardev;
typedef struct GdbStub GdbStub;
typedef struct Timer Timer;

/* Where the line reader is inside an escape sequence (arrow keys, function
 * keys): ESC [ params final, or ESC O x.  The whole sequence is dropped. */
typedef enum EscapeState {
    ESC_NONE,
    ESC_START, /* after ESC */
    ESC_CSI,   /* after ESC [: until a final byte 0x40-0x7e */
    ESC_SS3,   /* after ESC O: one more byte */
} EscapeState;

/* step N in progress: counted as each single-step stop arrives. */
typedef struct MonitorStep {
    bool active;
    CPUState *cpu;
    uint64_t left; /* steps still to run */
    uint64_t done;
    Timer *resume; /* restarts the machine outside the STOP notification */
} MonitorStep;

/* Keys sendkey holds down until its release timer fires. */
#define MONITOR_SENDKEY_MAX 16
typedef struct MonitorSendkey {
    Timer *release;
    int keys[MONITOR_SENDKEY_MAX]; /* in press order */
    int nkeys;
} MonitorSendkey;

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
    /* A command still runs (step): the prompt and further input wait. */
    bool busy;

    int cpu_index; /* the current cpu ('cpu N'): info registers, x, step */
    /* x/xp remember the last format and unit, as QEMU's do (x/1xw first). */
    char last_format;
    unsigned last_size;

    MonitorStep step;
    MonitorSendkey sendkey;
    GdbStub *gdb; /* gdbserver started from here */
};

/* ---- output ---- */

void monitor_puts(Monitor *mon, const char *text);
void monitor_printf(Monitor *mon, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports written for a FILE (jit_print_info, ArchOps.dump_state, ...):
 * report(ctx, f) runs on a memory stream whose text is then printed, each
 * line prefixed with indent (may be ""). */
typedef void MonitorReport(void *ctx, FILE *out);
void monitor_print_report(Monitor *mon, MonitorReport *report, void *ctx, const char *indent);
/* The prompt, unless a command is still running. */
void monitor_prompt(Monitor *mon);
/* A running command (step) finished: show the prompt, take input again. */
void monitor_resume_input(Monitor *mon);

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

extern const MonitorCommand monitor_info_commands[];

/* ---- helpers the commands share ---- */

/* The current cpu, or NULL (with a message printed) when there is none. */
CPUState *monitor_cpu(Monitor *mon);
/* An unsigned number: decimal, or hex with 0x; false if s is not one. */
bool monitor_parse_u64(const char *s, uint64_t *val);
/* An address expression (monitor_memory.c): numbers, $pc and the cpu's
 * registers by their gdb names ($eax, $r1...), + - * / and parentheses.
 * False with one line in err. */
bool monitor_eval(Monitor *mon, const char *expr, uint64_t *val, char *err, size_t errlen);
/* The words argv[from..argc) joined with single spaces into buf. */
void monitor_join_words(int argc, char **argv, int from, char *buf, size_t len);

/* ---- commands, by file ---- */

/* monitor_info.c: info's subcommands are monitor_info_commands. */

/* monitor_memory.c */
void monitor_cmd_x(Monitor *mon, int argc, char **argv);
void monitor_cmd_xp(Monitor *mon, int argc, char **argv);
void monitor_cmd_print(Monitor *mon, int argc, char **argv);

/* monitor_control.c */
void monitor_cmd_stop(Monitor *mon, int argc, char **argv);
void monitor_cmd_cont(Monitor *mon, int argc, char **argv);
void monitor_cmd_step(Monitor *mon, int argc, char **argv);
void monitor_cmd_cpu(Monitor *mon, int argc, char **argv);
void monitor_cmd_system_reset(Monitor *mon, int argc, char **argv);
void monitor_cmd_system_powerdown(Monitor *mon, int argc, char **argv);
void monitor_cmd_quit(Monitor *mon, int argc, char **argv);
void monitor_cmd_gdbserver(Monitor *mon, int argc, char **argv);
/* Stop listening for steps and free the step timer and the gdbstub. */
void monitor_control_free(Monitor *mon);

/* monitor_snapshot.c */
void monitor_cmd_savevm(Monitor *mon, int argc, char **argv);
void monitor_cmd_loadvm(Monitor *mon, int argc, char **argv);
void monitor_cmd_delvm(Monitor *mon, int argc, char **argv);
void monitor_cmd_info_snapshots(Monitor *mon, int argc, char **argv);

/* monitor_ui.c */
void monitor_cmd_sendkey(Monitor *mon, int argc, char **argv);
void monitor_cmd_screendump(Monitor *mon, int argc, char **argv);
void monitor_cmd_log(Monitor *mon, int argc, char **argv);
void monitor_cmd_logfile(Monitor *mon, int argc, char **argv);
/* Release keys sendkey still holds and free its timer. */
void monitor_ui_free(Monitor *mon);

#endif
