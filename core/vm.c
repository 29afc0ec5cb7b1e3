/*
 * A machine's life: create the parts every board shares, run the vCPUs in
 * slices between event-loop polls (blueprint §9), tear down.  Top-level
 * glue like cpu_loop.c: it includes softmmu.
 */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/cpu_loop.h"
#include "core/device.h"
#include "core/event_loop.h"
#include "core/machine.h"
#include "core/options.h"
#include "core/replay.h"
#include "core/reverse.h"
#include "core/runstate.h"
#include "core/slice_kick.h"
#include "core/snapshot.h"
#include "core/tb.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

static void *vm_xcalloc(size_t size)
{
    void *p = calloc(1, size);
    if (!p) {
        fprintf(stderr, "doppel: out of memory\n");
        exit(1);
    }
    return p;
}

/* icount: guest time from the instructions all vCPUs have executed. */
static uint64_t machine_icount(void *opaque)
{
    return machine_total_icount(opaque);
}

/* With -icount shift=auto we use a fixed 8 ns per instruction (about
 * 125 MIPS); adapting the shift to the host's speed would undo
 * determinism, which is what users ask icount for. */
#define ICOUNT_AUTO_SHIFT 3

Machine *machine_create(const MachineClass *mc, const Options *opts)
{
    Machine *m = vm_xcalloc(sizeof(*m));
    m->mc = mc;
    m->opts = opts;
    m->ram_size = opts && opts->ram_size ? opts->ram_size : mc->default_ram_size;
    m->icount_shift = -1;
    m->clocks = clocks_new();
    m->loop = event_loop_new(m->clocks);
    m->tb_cache = tb_cache_new();
    m->system_memory = vm_xcalloc(sizeof(MemoryRegion));
    memory_region_init_container(m->system_memory, "system", UINT64_MAX);
    m->as = vm_xcalloc(sizeof(AddressSpace));
    address_space_init(m->as, m->system_memory, "memory");
    m->as->tb_cache = m->tb_cache;
    if (opts && opts->icount.enabled) {
        m->icount_shift = opts->icount.auto_shift ? ICOUNT_AUTO_SHIFT : opts->icount.shift;
        clocks_set_icount_source(m->clocks, machine_icount, m, m->icount_shift);
    }
    /* -icount rr=: before the board, so its devices' input channels are
     * recorded or replayed from the start. */
    char rr_err[300];
    if (!replay_setup(m, rr_err, sizeof rr_err)) {
        fprintf(stderr, "doppel: %s\n", rr_err);
        machine_destroy(m);
        return NULL;
    }

    int smp = opts && opts->smp ? opts->smp : 1;
    if (smp > mc->max_cpus) {
        fprintf(stderr, "doppel: -smp %d: machine '%s' supports at most %d cpus\n", smp, mc->name,
                mc->max_cpus);
        machine_destroy(m);
        return NULL;
    }
    if (!mc->init(m)) {
        machine_destroy(m);
        return NULL;
    }
    /* -icount: every run of the same inputs executes the same instructions
     * between the same events, so count them exactly (core/cpu.h). */
    for (int i = 0; i < m->ncpus && m->icount_shift >= 0; i++)
        m->cpus[i]->icount_exact = true;
    char err[200];
    if (!cpu_loop_setup_accel(m, err, sizeof err)) {
        fprintf(stderr, "doppel: -accel %s: %s\n", opts && opts->accel == ACCEL_KVM ? "kvm" : "jit",
                err);
        machine_destroy(m);
        return NULL;
    }
    machine_reset(m);
    return m;
}

CPUState *machine_add_cpu(Machine *m, const ArchOps *arch)
{
    if (m->ncpus >= MACHINE_MAX_CPUS) return NULL;
    CPUState *cpu = cpu_create(arch, m, m->ncpus);
    cpu->as = m->as;
    tlb_init(cpu);
    address_space_add_cpu(m->as, cpu);
    tb_cache_add_cpu(m->tb_cache, cpu);
    m->cpus[m->ncpus++] = cpu;
    return cpu;
}

void machine_reset(Machine *m)
{
    device_reset_all(m);
    for (int i = 0; i < m->ncpus; i++) {
        tlb_flush(m->cpus[i]);
        cpu_reset(m->cpus[i]);
    }
    if (m->booted && m->mc->boot && !m->mc->boot(m)) machine_request_exit(m, 1);
    VmEventInfo info = {
        .state = m->runstate,
        .guest = !m->reset_by_host,
        .reason = m->reset_by_host ? m->reset_reason : "guest-reset",
    };
    vm_notify(m, VM_EVENT_RESET, &info);
}

bool machine_boot(Machine *m)
{
    m->booted = true;
    return !m->mc->boot || m->mc->boot(m);
}

bool machine_add_bus(Machine *m, const char *name, void *bus)
{
    if (m->nbuses >= (int)(sizeof(m->buses) / sizeof(m->buses[0]))) return false;
    m->buses[m->nbuses].name = name;
    m->buses[m->nbuses].bus = bus;
    m->nbuses++;
    return true;
}

void machine_remove_bus(Machine *m, void *bus)
{
    for (int i = 0; i < m->nbuses; i++) {
        if (m->buses[i].bus != bus) continue;
        for (int k = i + 1; k < m->nbuses; k++)
            m->buses[k - 1] = m->buses[k];
        m->nbuses--;
        return;
    }
}

void *machine_find_bus(Machine *m, const char *name)
{
    for (int i = 0; i < m->nbuses; i++)
        if (!strcmp(m->buses[i].name, name)) return m->buses[i].bus;
    return NULL;
}

static bool machine_any_work(Machine *m)
{
    for (int i = 0; i < m->ncpus; i++)
        if (!m->cpus[i]->halted || m->cpus[i]->arch->has_work(m->cpus[i])) return true;
    return false;
}

/* Instructions the next slice may run: with icount, no further than the
 * next virtual timer, so timers fire at the same instruction every run. */
static uint64_t machine_slice(Machine *m)
{
    if (m->icount_shift < 0) return CPU_SLICE_INSNS;
    int64_t ns = clock_deadline_ns(m->clocks, CLK_VIRTUAL);
    if (ns < 0) return CPU_SLICE_INSNS;
    uint64_t insns = ((uint64_t)ns >> m->icount_shift) + 1;
    return insns < CPU_SLICE_INSNS ? insns : CPU_SLICE_INSNS;
}

/* Stop every cpu for the debugger.  The cpus stay stopped even when the
 * machine was not in the running state (vm_stop then sends no event). */
static void machine_debug_stop(Machine *m)
{
    vm_stop(m, RUN_STATE_DEBUG);
    for (int i = 0; i < m->ncpus; i++)
        m->cpus[i]->stopped = true;
}

/* Instructions a cpu may run now: to the next timer (icount), the next
 * recorded input (replay), the end of a reverse-execution plan. */
static uint64_t machine_cpu_budget(Machine *m)
{
    return replay_slice_budget(m, reverse_slice_budget(m, machine_slice(m)));
}

int machine_run(Machine *m)
{
    /* Outside icount, slices end at the next timer's deadline too. */
    SliceKick *kick = m->icount_shift < 0 ? slice_kick_new(m) : NULL;
    while (!m->quit) {
        /* Between slices: reverse-execution images and plans. */
        reverse_after_slice(m);
        bool all_halted = true, any_ran = false;
        slice_kick_arm(kick, clocks_deadline_ns(m->clocks));
        for (int i = 0; i < m->ncpus && !m->quit; i++) {
            CPUState *cpu = m->cpus[i];
            if (cpu->stopped) continue;
            any_ran = true;
            int r = cpu_exec(cpu, machine_cpu_budget(m));
            if (r == EXCP_DEBUG) {
                /* Re-executing for reverse debugging: hits are noted, the
                 * run goes on. */
                if (reverse_on_debug(m, cpu)) {
                    all_halted = false;
                    continue;
                }
                /* A breakpoint, watchpoint or step: the debugger (a
                 * listener of STOP) reads cpu_debug_stop_reason. */
                machine_debug_stop(m);
                break;
            }
            if (r != EXCP_HALTED) all_halted = false;
        }
        slice_kick_arm(kick, -1);
        if (m->quit) break;
        if (all_halted && m->mc->exit_on_halt && !machine_any_work(m)) {
            m->exit_status = 0;
            break;
        }
        if (all_halted && any_ran && m->icount_shift >= 0) {
            /* icount: no instructions run while idle, so guest time jumps
             * to the next virtual timer instead of waiting for it. */
            int64_t ns = clock_deadline_ns(m->clocks, CLK_VIRTUAL);
            if (ns > 0) clocks_warp_virtual(m->clocks, clock_get_ns(m->clocks, CLK_VIRTUAL) + ns);
        }
        /* Replay: the inputs recorded here, where the recording's poll
         * handed them over (before timers, as the event loop does). */
        replay_deliver_due(m);
        if (m->quit) break;
        /* Idle: sleep until a timer or an fd wakes a cpu.  A running
         * replay never sleeps: its input comes from the log. */
        bool sleep = all_halted && !(replay_replaying(m) && vm_running(m));
        event_loop_poll(m->loop, sleep ? -1 : 0);
    }
    slice_kick_free(kick);
    return m->exit_status;
}

void machine_destroy(Machine *m)
{
    if (!m) return;
    replay_finish(m, m->exit_status); /* the record's end event */
    reverse_free(m);
    device_free_all(m);
    if (m->mc->finalize) m->mc->finalize(m);
    snapshot_machine_free(m);
    cpu_loop_teardown_accel(m); /* before the TBs its regions name */
    tb_cache_free(m->tb_cache); /* before the cpus: it clears their jump caches */
    if (m->as) address_space_destroy(m->as);
    free(m->as);
    if (m->system_memory) memory_region_destroy(m->system_memory);
    free(m->system_memory);
    for (int i = 0; i < m->ncpus; i++) {
        tlb_destroy(m->cpus[i]);
        cpu_destroy(m->cpus[i]);
    }
    event_loop_free(m->loop);
    clocks_free(m->clocks);
    free(m);
}
