/*
 * The machine's run state: stop and resume every vCPU together, pause the
 * virtual clock with them, and tell the listeners (core/runstate.h).
 */
#include "core/runstate.h"

#include <string.h>

#include "core/clock.h"
#include "core/cpu.h"
#include "core/machine.h"
#include "core/replay.h"

static const char *const runstate_names[RUN_STATE__COUNT] = {
    [RUN_STATE_RUNNING] = "running",       [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_PAUSED] = "paused",         [RUN_STATE_DEBUG] = "debug",
    [RUN_STATE_RESTORE_VM] = "restore-vm", [RUN_STATE_SAVE_VM] = "save-vm",
    [RUN_STATE_SHUTDOWN] = "shutdown",
};

const char *runstate_name(RunState s)
{
    return s < RUN_STATE__COUNT ? runstate_names[s] : "unknown";
}

bool vm_add_listener(Machine *m, VmEventListener *fn, void *opaque)
{
    if (m->nlisteners >= VM_MAX_LISTENERS) return false;
    m->listeners[m->nlisteners].fn = fn;
    m->listeners[m->nlisteners].opaque = opaque;
    m->nlisteners++;
    return true;
}

void vm_remove_listener(Machine *m, void *opaque)
{
    for (int i = 0; i < m->nlisteners; i++) {
        if (m->listeners[i].opaque != opaque) continue;
        memmove(&m->listeners[i], &m->listeners[i + 1],
                (size_t)(m->nlisteners - i - 1) * sizeof m->listeners[0]);
        m->nlisteners--;
        i--;
    }
}

void vm_notify(Machine *m, VmEvent event, const VmEventInfo *info)
{
    /* A listener may remove itself (a client that went away). */
    for (int i = 0; i < m->nlisteners; i++) {
        VmEventListener *fn = m->listeners[i].fn;
        void *opaque = m->listeners[i].opaque;
        fn(opaque, event, info);
        if (i < m->nlisteners && m->listeners[i].opaque != opaque) i--;
    }
}

RunState vm_state(const Machine *m)
{
    return m->runstate;
}

bool vm_running(const Machine *m)
{
    return m->runstate == RUN_STATE_RUNNING;
}

void vm_stop(Machine *m, RunState why)
{
    if (m->runstate == RUN_STATE_SHUTDOWN) return;
    bool was_running = m->runstate == RUN_STATE_RUNNING;
    m->runstate = why;
    if (!was_running) return;
    for (int i = 0; i < m->ncpus; i++) {
        m->cpus[i]->stopped = true;
        cpu_exit(m->cpus[i]);
    }
    clocks_pause_virtual(m->clocks);
    VmEventInfo info = {.state = why};
    vm_notify(m, VM_EVENT_STOP, &info);
}

void vm_start(Machine *m)
{
    if (m->runstate == RUN_STATE_RUNNING || m->runstate == RUN_STATE_SHUTDOWN) return;
    m->runstate = RUN_STATE_RUNNING;
    for (int i = 0; i < m->ncpus; i++)
        m->cpus[i]->stopped = false;
    clocks_resume_virtual(m->clocks);
    VmEventInfo info = {.state = RUN_STATE_RUNNING};
    vm_notify(m, VM_EVENT_RESUME, &info);
}

/* Host requests that change the guest go through the "machine" replay
 * channel under -icount rr=: recorded with their instruction count, and
 * under replay taken from the log instead of the user. */
enum { MACHINE_EVENT_RESET = 'r', MACHINE_EVENT_POWERDOWN = 'p' };

static const char *const reset_reasons[] = {"host-qmp-system-reset", "host-ui", "host-signal"};

static void machine_event_deliver(void *opaque, const uint8_t *data, size_t len)
{
    Machine *m = opaque;
    if (len < 1) return;
    if (data[0] == MACHINE_EVENT_RESET) {
        unsigned r = len > 1 && data[1] < 3 ? data[1] : 0;
        m->reset_by_host = true;
        m->reset_reason = reset_reasons[r];
        machine_reset(m); /* sends RESET */
        m->reset_by_host = false;
        m->reset_reason = NULL;
    } else if (data[0] == MACHINE_EVENT_POWERDOWN && m->mc->powerdown) {
        VmEventInfo info = {.state = m->runstate};
        vm_notify(m, VM_EVENT_POWERDOWN, &info);
        m->mc->powerdown(m);
    }
}

void vm_replay_attach(Machine *m)
{
    if (!m->machine_channel)
        m->machine_channel = replay_channel(m, "machine", machine_event_deliver, m);
}

static void machine_event(Machine *m, const uint8_t *data, size_t len)
{
    if (m->machine_channel) {
        replay_input(m->machine_channel, data, len);
        return;
    }
    machine_event_deliver(m, data, len);
}

void vm_reset(Machine *m, const char *reason)
{
    uint8_t ev[2] = {MACHINE_EVENT_RESET, 0};
    for (uint8_t i = 0; i < 3; i++)
        if (reason && !strcmp(reason, reset_reasons[i])) ev[1] = i;
    machine_event(m, ev, sizeof ev);
}

bool vm_powerdown(Machine *m)
{
    if (!m->mc->powerdown) return false;
    uint8_t ev = MACHINE_EVENT_POWERDOWN;
    machine_event(m, &ev, 1);
    return true;
}
