/*
 * The human monitor (HMP, blueprint §9): QEMU's "(qemu)" prompt with
 * doppel's name.  A line reader (echo, backspace, Ctrl-U; escape
 * sequences such as arrow keys are dropped) feeds a table of commands
 * with QEMU's names and output shapes: help, info (registers, cpus,
 * status, tlb, mtree, qtree, irq, jit, snapshots, version), x, xp, print,
 * stop, cont, step, cpu, system_reset, system_powerdown, sendkey,
 * screendump, savevm, loadvm, delvm, log, logfile, gdbserver, quit
 * (docs/monitor.md).
 *
 * Where it lives, from the command line (monitor_create):
 *   no -monitor             on the first serial port's Ctrl-A mux (the boards'
 *                           default mon:stdio, -nographic, -serial mon:stdio),
 *                           reached with Ctrl-A c; none if that port is no mux
 *   -monitor none           nowhere
 *   -monitor mon:<spec>     shares the first serial port's mux when that port
 *                           has the same spec (options.c gives the port this
 *                           spec when no -serial is given)
 *   -monitor <spec>         a chardev of its own (stdio, file:path, null,
 *                           tcp:/unix: sockets, or mon:<spec> with Ctrl-A
 *                           escapes); banner and prompt when it opens (at
 *                           once, or when a socket client connects)
 *
 * Threads: everything here runs on the machine's thread (the event loop
 * delivers chardev input there, between vCPU slices), so commands read and
 * change cpu state and JIT counters directly.  'step' is the one command
 * that outlives its line: it prints its result when the last step stops,
 * and until then the prompt and further input wait.
 *
 *     Monitor *mon = monitor_create(m, err, sizeof err);
 *     if (!mon && err[0]) ...fail with "doppel: <err>"...
 *     machine_run(m);
 *     monitor_free(mon);          // before machine_destroy
 */
#ifndef DOPPEL_MONITOR_H
#define DOPPEL_MONITOR_H

#include <stddef.h>
#include <stdint.h>

typedef struct Machine Machine;
typedef struct Monitor Monitor;

/* Longest command line accepted; longer lines are refused whole. */
#define MONITOR_LINE_MAX 1024
/* Words on a line, the command included. */
#define MONITOR_MAX_WORDS 32

#define MONITOR_PROMPT "(doppel) "
#define MONITOR_BANNER "doppel monitor - type 'help' for more information\n"

/* The monitor the command line asks for (see above).  NULL with err empty
 * when there is none; NULL with one line in err ("-monitor <spec>: why",
 * no "doppel:" prefix) when it cannot be made. */
Monitor *monitor_create(Machine *m, char *err, size_t errlen);
/* Detach from the chardev (closing it if the monitor opened it).  Call
 * before machine_destroy, which frees the event loop.  NULL is ignored. */
void monitor_free(Monitor *mon);

/* ---- without a chardev (tests, and later the QMP human-monitor-command) ---- */

/* Where a monitor's output goes. */
typedef void MonitorWrite(void *opaque, const char *text, size_t len);

/* A monitor on m writing to write(opaque, ...); prints nothing yet. */
Monitor *monitor_new(Machine *m, MonitorWrite *write, void *opaque);
/* Print the banner and the first prompt. */
void monitor_start(Monitor *mon);
/* Keys typed at the monitor: echoed and edited; Enter runs the line and
 * prints the next prompt.  Input after a quit is ignored. */
void monitor_input(Monitor *mon, const uint8_t *buf, size_t len);
/* Run one command line (no echo, no prompt). */
void monitor_execute(Monitor *mon, const char *line);

#endif
