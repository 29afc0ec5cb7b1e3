/*
 * The monitor's run control: stop, cont, step, cpu, system_reset,
 * system_powerdown, quit, gdbserver.  Everything goes through the run
 * state (core/runstate.h) so QMP, the gdbstub and the monitor see the
 * same machine.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/cpu_debug.h"
#include "core/gdbstub.h"
#include "core/machine.h"
#include "core/monitor_internal.h"
#include "core/runstate.h"

/* ---- shared helpers ---- */

CPUState *monitor_cpu(Monitor *mon)
{
    Machine *m = mon->machine;
    if (m->ncpus == 0) {
        monitor_puts(mon, "this machine has no cpu\n");
        return NULL;
    }
    if (mon->cpu_index < 0 || mon->cpu_index >= m->ncpus) mon->cpu_index = 0;
    return m->cpus[mon->cpu_index];
}

bool monitor_parse_u64(const char *s, uint64_t *val)
{
    if (!s[0] || s[0] == '-' || s[0] == '+' || isspace((unsigned char)s[0])) return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end) return false;
    *val = v;
    return true;
}

/* ---- stop, cont, cpu ---- */

void monitor_cmd_stop(Monitor *mon, int argc, char **argv)
{
    vm_stop(mon->machine, RUN_STATE_PAUSED);
}

/* From paused, debug and prelaunch (-S) alike; a cpu stopped at a
 * breakpoint runs that instruction instead of stopping again. */
void monitor_cmd_cont(Monitor *mon, int argc, char **argv)
{
    Machine *m = mon->machine;
    if (vm_state(m) == RUN_STATE_SHUTDOWN) {
        monitor_puts(mon, "cont: the machine has shut down\n");
        return;
    }
    for (int i = 0; i < m->ncpus; i++)
        cpu_debug_resume(m->cpus[i]);
    vm_start(m);
}

void monitor_cmd_cpu(Monitor *mon, int argc, char **argv)
{
    uint64_t index;
    if (argc < 2) {
        monitor_puts(mon, "cpu: expected a cpu index (see 'info cpus')\n");
        return;
    }
    if (!monitor_parse_u64(argv[1], &index) || index >= (uint64_t)mon->machine->ncpus) {
        monitor_printf(mon, "cpu: invalid cpu index '%s' (this machine has %d)\n", argv[1],
                       mon->machine->ncpus);
        return;
    }
    mon->cpu_index = (int)index;
}

/* ---- step ---- */

/* Where the cpu is now: its pc and, with a disassembler, the next
 * instruction. */
static void step_print_position(Monitor *mon, CPUState *cpu)
{
    monitor_printf(mon, "pc=0x%016" PRIx64 "\n", cpu->pc);
    char text[128];
    if (cpu->arch->disas && cpu->arch->disas(cpu, cpu->pc, text, sizeof text))
        monitor_printf(mon, "0x%016" PRIx64 ":  %s\n", cpu->pc, text);
}

/* The result now; the prompt and the next input from the timer, since
 * a command typed ahead must not start inside a STOP notification. */
static void step_end(Monitor *mon, const char *why)
{
    MonitorStep *st = &mon->step;
    if (!st->active) return;
    st->active = false;
    cpu_single_step(st->cpu, false);
    vm_remove_listener(mon->machine, mon);
    if (why)
        monitor_printf(mon, "step: stopped after %" PRIu64 " of %" PRIu64 " steps: %s\n", st->done,
                       st->done + st->left, why);
    step_print_position(mon, st->cpu);
    timer_mod(st->resume, clock_get_ns(mon->machine->clocks, CLK_REALTIME));
}

/* Each single-step stop arrives here (vm_stop(m, RUN_STATE_DEBUG) from
 * the cpu loop).  The next step starts from a timer, not from inside the
 * STOP notification, so every listener hears STOP before RESUME. */
static void step_event(void *opaque, VmEvent event, const VmEventInfo *info)
{
    Monitor *mon = opaque;
    MonitorStep *st = &mon->step;
    if (!st->active) return;
    switch (event) {
    case VM_EVENT_STOP: {
        const CpuDebugStop *why = cpu_debug_stop_reason(st->cpu);
        if (info->state != RUN_STATE_DEBUG) {
            step_end(mon, "the machine was stopped");
        } else if (why->kind == DEBUG_STOP_STEP) {
            st->done++;
            st->left--;
            if (st->left == 0)
                step_end(mon, NULL);
            else
                timer_mod(st->resume, clock_get_ns(mon->machine->clocks, CLK_REALTIME));
        } else {
            step_end(mon, why->kind == DEBUG_STOP_BREAKPOINT   ? "breakpoint"
                          : why->kind == DEBUG_STOP_WATCHPOINT ? "watchpoint"
                                                               : "the debugger stopped it");
        }
        break;
    }
    case VM_EVENT_RESET: step_end(mon, "the machine was reset"); break;
    case VM_EVENT_SHUTDOWN: step_end(mon, "the machine shut down"); break;
    case VM_EVENT_RESUME:
    case VM_EVENT_POWERDOWN: break;
    }
}

static void step_resume(void *opaque)
{
    Monitor *mon = opaque;
    if (!mon->step.active) {
        monitor_resume_input(mon);
        return;
    }
    if (vm_state(mon->machine) != RUN_STATE_DEBUG) {
        /* Someone else (QMP, gdb) took over between two steps. */
        if (!vm_running(mon->machine)) step_end(mon, "the machine was stopped");
        return;
    }
    vm_start(mon->machine);
}

/* step [N]: single-step the current cpu N times through the debug core,
 * counting the stops as they arrive; the prompt returns after the last. */
void monitor_cmd_step(Monitor *mon, int argc, char **argv)
{
    Machine *m = mon->machine;
    MonitorStep *st = &mon->step;
    uint64_t n = 1;
    if (argc > 1 && (!monitor_parse_u64(argv[1], &n) || n == 0)) {
        monitor_printf(mon, "step: expected a positive number of steps, got '%s'\n", argv[1]);
        return;
    }
    CPUState *cpu = monitor_cpu(mon);
    if (!cpu) return;
    if (vm_state(m) == RUN_STATE_SHUTDOWN) {
        monitor_puts(mon, "step: the machine has shut down\n");
        return;
    }
    if (vm_running(m)) {
        monitor_puts(mon, "step: the machine is running (stop it first)\n");
        return;
    }
    if (st->active || mon->busy) {
        monitor_puts(mon, "step: already stepping\n");
        return;
    }
    if (!st->resume) st->resume = timer_new(m->clocks, CLK_REALTIME, step_resume, mon);
    if (!st->resume || !vm_add_listener(m, step_event, mon)) {
        monitor_puts(mon, "step: cannot follow the machine's stops (too many listeners)\n");
        return;
    }
    cpu_single_step(cpu, true);
    if (!cpu_single_stepping(cpu)) {
        vm_remove_listener(m, mon);
        monitor_puts(mon, "step: single-stepping is not available on this machine\n");
        return;
    }
    *st = (MonitorStep){.active = true, .cpu = cpu, .left = n, .resume = st->resume};
    mon->busy = true;
    cpu_debug_resume(cpu);
    vm_start(m);
}

/* ---- reset, power, quit ---- */

void monitor_cmd_system_reset(Monitor *mon, int argc, char **argv)
{
    vm_reset(mon->machine, "host-qmp-system-reset");
}

void monitor_cmd_system_powerdown(Monitor *mon, int argc, char **argv)
{
    if (!vm_powerdown(mon->machine)) monitor_puts(mon, "this machine has no power button\n");
}

void monitor_cmd_quit(Monitor *mon, int argc, char **argv)
{
    machine_request_shutdown(mon->machine, 0, false, "host-qmp-quit");
}

/* ---- gdbserver ---- */

/* gdbserver [port|spec]: QEMU's default port 1234, loopback only. */
void monitor_cmd_gdbserver(Monitor *mon, int argc, char **argv)
{
    const char *arg = argc > 1 ? argv[1] : "1234";
    if (mon->gdb) {
        monitor_puts(mon, "gdbserver: a gdbstub started here is already running\n");
        return;
    }
    if (strcmp(arg, "none") == 0) {
        monitor_puts(mon, "gdbserver: expected a port or a chardev spec, not 'none'\n");
        return;
    }
    char err[256];
    GdbStub *gdb = gdbstub_create(mon->machine, arg, err, sizeof err);
    if (!gdb) {
        monitor_printf(mon, "gdbserver: %s\n", err[0] ? err : "cannot start a gdbstub");
        return;
    }
    mon->gdb = gdb;
    monitor_printf(mon, "Waiting for gdb connection on device '%s'\n", arg);
}

void monitor_control_free(Monitor *mon)
{
    MonitorStep *st = &mon->step;
    if (st->active) {
        st->active = false;
        cpu_single_step(st->cpu, false);
    }
    if (mon->machine) vm_remove_listener(mon->machine, mon);
    if (st->resume) timer_free(st->resume);
    st->resume = NULL;
    if (mon->gdb) gdbstub_free(mon->gdb);
    mon->gdb = NULL;
}
