/*
 * Reverse execution for the debugger (gdb's reverse-stepi and
 * reverse-continue, the bs and bc packets) on a replay (-icount
 * rr=replay): periodic VM images (core/snapshot.h) taken while the replay
 * runs forward, and deterministic re-execution from the nearest one.
 *
 *   reverse step to instruction count T: restore the latest image at or
 *     before T, run forward exactly to T (breakpoints ignored), stop.
 *   reverse continue from count C: restore the latest image before C and
 *     run forward to C noting every breakpoint and watchpoint hit; stop at
 *     the last hit (restore again and run to it), or, when there was none,
 *     do the same over the previous interval; at the start of the history,
 *     stop there.
 *
 * Both are plans machine_run carries out between vCPU slices (so gdb's
 * packet handler never runs the guest itself): the request restores an
 * image and resumes; machine_run asks reverse_slice_budget how far it may
 * run, tells reverse_on_debug about debug stops, and calls
 * reverse_after_slice, which captures images, moves between intervals and
 * finally stops the machine with vm_stop(m, RUN_STATE_DEBUG).
 */
#ifndef DOPPEL_REVERSE_H
#define DOPPEL_REVERSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Machine Machine;
typedef struct CPUState CPUState;

/* Reverse execution is possible (a replay is running). */
bool reverse_available(const Machine *m);

/* A reverse plan is re-running the guest (its output is not shown
 * again: the first run showed it). */
bool reverse_rerunning(const Machine *m);

/* Start a reverse step or continue of the stopped machine; false with one
 * line in err when impossible (no replay, a plan already running, an image
 * cannot be restored). */
bool reverse_step(Machine *m, char *err, size_t errlen);
bool reverse_continue(Machine *m, char *err, size_t errlen);

/* Where the last stop was, for the gdbstub's stop reply: at the start of
 * the recorded history ("replaylog:begin") or its end ("replaylog:end"). */
typedef enum ReverseEdge {
    REVERSE_EDGE_NONE,
    REVERSE_EDGE_BEGIN,
    REVERSE_EDGE_END,
} ReverseEdge;
ReverseEdge reverse_last_edge(const Machine *m);
/* The replay hit the end of its log while a debugger can still go back:
 * replay.c calls this instead of ending the run when it returns true. */
bool reverse_stop_at_end(Machine *m);

/* ---- for machine_run ---- */

/* Instructions the next slice may run (a plan's target), else budget. */
uint64_t reverse_slice_budget(Machine *m, uint64_t budget);
/* cpu_exec returned EXCP_DEBUG: true when the plan consumed it (noted a
 * hit, or ignored a breakpoint on the way) and the run goes on. */
bool reverse_on_debug(Machine *m, CPUState *cpu);
/* Between slices: take periodic images, advance or finish a plan. */
void reverse_after_slice(Machine *m);

/* Free the images (machine_destroy). */
void reverse_free(Machine *m);

#endif
