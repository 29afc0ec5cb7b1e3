/*
 * The machine's run state and its events (blueprint §10): one place that
 * stops and resumes every vCPU, pauses the virtual clock, and tells the
 * listeners (gdbstub stop replies, QMP's STOP/RESUME/RESET/SHUTDOWN
 * events, the monitor) what happened.  QEMU's run-state names, so QMP
 * query-status answers as QEMU's does.
 *
 * Everything here runs on the machine's thread (the event loop and the
 * vCPU loop share it).
 *
 *     vm_add_listener(m, my_events, me);
 *     vm_stop(m, RUN_STATE_PAUSED);      // monitor 'stop'
 *     vm_start(m);                       // monitor 'cont'
 */
#ifndef DOPPEL_RUNSTATE_H
#define DOPPEL_RUNSTATE_H

#include <stdbool.h>

typedef struct Machine Machine;

typedef enum RunState {
    RUN_STATE_RUNNING,
    RUN_STATE_PRELAUNCH,  /* -S: created, never started */
    RUN_STATE_PAUSED,     /* stop from the monitor or QMP */
    RUN_STATE_DEBUG,      /* stopped by the debugger (breakpoint, step, Ctrl-C) */
    RUN_STATE_RESTORE_VM, /* loading a snapshot */
    RUN_STATE_SAVE_VM,    /* saving a snapshot */
    RUN_STATE_SHUTDOWN,   /* the guest or the user ended the run */
    RUN_STATE__COUNT,
} RunState;

/* QMP's name: "running", "prelaunch", "paused", "debug", "restore-vm",
 * "save-vm", "shutdown". */
const char *runstate_name(RunState s);

typedef enum VmEvent {
    VM_EVENT_STOP,      /* cpus stopped (info: the new state) */
    VM_EVENT_RESUME,    /* cpus run again */
    VM_EVENT_RESET,     /* machine_reset ran (guest or host request) */
    VM_EVENT_SHUTDOWN,  /* the run ends: machine_request_exit */
    VM_EVENT_POWERDOWN, /* system_powerdown was sent to the guest */
} VmEvent;

typedef struct VmEventInfo {
    RunState state; /* the state after the event */
    bool guest;     /* RESET/SHUTDOWN: asked for by the guest (not the host) */
    /* SHUTDOWN: QEMU's reason ("host-qmp-quit", "guest-shutdown",
     * "host-signal", ...); RESET: "guest-reset" or "host-qmp-system-reset". */
    const char *reason;
} VmEventInfo;

typedef void VmEventListener(void *opaque, VmEvent event, const VmEventInfo *info);

/* At most VM_MAX_LISTENERS (false when full). */
#define VM_MAX_LISTENERS 8
bool vm_add_listener(Machine *m, VmEventListener *fn, void *opaque);
void vm_remove_listener(Machine *m, void *opaque);

RunState vm_state(const Machine *m);
bool vm_running(const Machine *m);

/* Stop every vCPU (each leaves its block at once), pause CLK_VIRTUAL,
 * enter state why and send STOP.  A no-op (no event) when not running,
 * except that the state still changes to why (e.g. paused -> debug). */
void vm_stop(Machine *m, RunState why);
/* Resume from any stopped state but SHUTDOWN; sends RESUME.  No-op when
 * running. */
void vm_start(Machine *m);

/* Reset the machine as the host asks (monitor system_reset, QMP): runs
 * machine_reset and sends RESET with guest=false and reason. */
void vm_reset(Machine *m, const char *reason);
/* Send POWERDOWN and ask the board to signal the guest (ACPI power
 * button on the PC).  False (nothing sent) when the board cannot. */
bool vm_powerdown(Machine *m);

/* Under -icount rr=: route host resets and power-down through the
 * "machine" replay channel (replay_setup calls it). */
void vm_replay_attach(Machine *m);

/* For core/: send an event to every listener (machine_reset and
 * machine_request_exit use it for guest-initiated resets and shutdowns). */
void vm_notify(Machine *m, VmEvent event, const VmEventInfo *info);

#endif
