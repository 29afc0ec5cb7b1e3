/*
 * The monitor's info subcommands: registers, cpus, status, tlb, mtree,
 * qtree, irq, jit, snapshots (monitor_snapshot.c), version.  Top-level
 * glue like cpu_loop.c: it reads the JIT's counters (backends/llvm/jit.h)
 * and the soft TLB and memory map (softmmu/).
 */
#include <inttypes.h>
#include <string.h>

#include "backends/llvm/jit.h"
#include "core/device.h"
#include "core/machine.h"
#include "core/monitor_internal.h"
#include "core/options.h"
#include "core/runstate.h"
#include "devices/misc/isa_debug_exit.h"
#include "softmmu/memory.h"
#include "softmmu/memory_print.h"

/* ---- info jit ---- */

static void report_jit(void *ctx, FILE *out)
{
    Machine *m = ctx;
    jit_print_info(m->jit, m->cpus, m->ncpus, out);
}

static void cmd_info_jit(Monitor *mon, int argc, char **argv)
{
    if (!mon->machine->jit) {
        monitor_puts(mon, "the JIT is off (-accel interp)\n");
        return;
    }
    monitor_print_report(mon, report_jit, mon->machine, "");
}

/* ---- info registers, info cpus ---- */

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
            monitor_print_report(mon, report_registers, cpu, "");
        else
            monitor_printf(mon, "cpu %d: no register dump for this cpu\n", cpu->cpu_index);
    }
}

/* QEMU's line per cpu, '*' marking the current one. */
static void cmd_info_cpus(Monitor *mon, int argc, char **argv)
{
    Machine *m = mon->machine;
    for (int i = 0; i < m->ncpus; i++) {
        const CPUState *cpu = m->cpus[i];
        monitor_printf(mon, "%c CPU #%d: pc=0x%016" PRIx64 "%s\n", i == mon->cpu_index ? '*' : ' ',
                       cpu->cpu_index, cpu->pc, cpu->halted ? " (halted)" : "");
    }
}

/* ---- info status, info version ---- */

/* QEMU's words: "running", or "paused" with the reason when it is not a
 * plain stop ("paused (debug)", "paused (prelaunch)", ...). */
static void cmd_info_status(Monitor *mon, int argc, char **argv)
{
    RunState s = vm_state(mon->machine);
    if (s == RUN_STATE_RUNNING)
        monitor_puts(mon, "VM status: running\n");
    else if (s == RUN_STATE_PAUSED)
        monitor_puts(mon, "VM status: paused\n");
    else
        monitor_printf(mon, "VM status: paused (%s)\n", runstate_name(s));
}

static void cmd_info_version(Monitor *mon, int argc, char **argv)
{
    monitor_puts(mon, "doppel " DOPPEL_VERSION "\n");
}

/* ---- info tlb ---- */

/* One soft TLB entry: "vaddr -> paddr rwx" and its slow-path flags. */
static void tlb_print_entry(Monitor *mon, const CPUState *cpu, const TlbEntry *e, const TlbFull *f)
{
    const uint64_t tags[3] = {e->addr_read, e->addr_write, e->addr_code};
    uint64_t vaddr = 0, flags = 0;
    char prot[4] = "---";
    for (int k = 0; k < 3; k++) {
        if (tags[k] & TLB_INVALID) continue;
        vaddr = tags[k] & cpu->page_mask;
        flags |= tags[k] & TLB_FLAGS_MASK;
        prot[k] = "rwx"[k];
    }
    monitor_printf(mon, "  %016" PRIx64 " -> %016" PRIx64 " %s%s%s%s\n", vaddr, f->paddr, prot,
                   flags & TLB_MMIO ? " mmio" : "", flags & TLB_NOTDIRTY ? " notdirty" : "",
                   flags & TLB_WATCH ? " watch" : "");
}

static bool tlb_entry_valid(const TlbEntry *e)
{
    return !(e->addr_read & e->addr_write & e->addr_code & TLB_INVALID);
}

static void tlb_print_mode(Monitor *mon, const CPUState *cpu, unsigned mode)
{
    unsigned valid = 0;
    for (unsigned i = 0; i < TLB_SIZE; i++)
        valid += tlb_entry_valid(&cpu->tlb->table[mode][i]);
    monitor_printf(mon, "soft TLB, cpu %d, mmu mode %u: %u valid entr%s\n", cpu->cpu_index, mode,
                   valid, valid == 1 ? "y" : "ies");
    for (unsigned i = 0; i < TLB_SIZE; i++) {
        const TlbEntry *e = &cpu->tlb->table[mode][i];
        if (tlb_entry_valid(e)) tlb_print_entry(mon, cpu, e, &cpu->tlb->full[mode][i]);
    }
}

static void report_mmu(void *ctx, FILE *out)
{
    CPUState *cpu = ctx;
    cpu->arch->dump_mmu(cpu, out);
}

/* The current cpu's soft TLB per mmu mode, then the guest's own
 * translation tables as the frontend reads them. */
static void cmd_info_tlb(Monitor *mon, int argc, char **argv)
{
    CPUState *cpu = monitor_cpu(mon);
    if (!cpu) return;
    if (!cpu->tlb) {
        monitor_puts(mon, "this cpu has no soft TLB\n");
    } else {
        unsigned modes = cpu->arch->mmu_modes ? cpu->arch->mmu_modes : 1;
        if (modes > TLB_MAX_MMU_MODES) modes = TLB_MAX_MMU_MODES;
        for (unsigned mode = 0; mode < modes; mode++)
            tlb_print_mode(mon, cpu, mode);
    }
    if (cpu->arch->dump_mmu) {
        monitor_puts(mon, "guest translation tables:\n");
        monitor_print_report(mon, report_mmu, cpu, "  ");
    }
}

/* ---- info mtree ---- */

#define MTREE_MAX_SPACES 8

typedef struct MtreeReport {
    AddressSpace *spaces[MTREE_MAX_SPACES];
    unsigned n;
    bool flat;
} MtreeReport;

static void mtree_add(MtreeReport *r, AddressSpace *as)
{
    if (!as || r->n == MTREE_MAX_SPACES) return;
    for (unsigned i = 0; i < r->n; i++)
        if (r->spaces[i] == as) return;
    r->spaces[r->n++] = as;
}

static void report_mtree(void *ctx, FILE *out)
{
    MtreeReport *r = ctx;
    if (r->flat)
        memory_print_flat(r->spaces, r->n, out);
    else
        memory_print_mtree(r->spaces, r->n, out);
}

/* The machine's spaces: memory, the ones its cpus see, and the PC's port
 * space (the board names its root "isa" for ISA devices; the root's
 * owner_as is the space built on it). */
static void cmd_info_mtree(Monitor *mon, int argc, char **argv)
{
    Machine *m = mon->machine;
    MtreeReport r = {.n = 0};
    if (argc == 2 && strcmp(argv[1], "-f") == 0) {
        r.flat = true;
    } else if (argc > 1) {
        monitor_printf(mon, "info mtree: unknown option '%s' (usage: info mtree [-f])\n", argv[1]);
        return;
    }
    mtree_add(&r, m->as);
    for (int i = 0; i < m->ncpus; i++)
        mtree_add(&r, m->cpus[i]->as);
    MemoryRegion *io = machine_find_bus(m, ISA_DEBUG_EXIT_BUS);
    if (io) mtree_add(&r, io->owner_as);
    if (r.n == 0) {
        monitor_puts(mon, "this machine has no address space\n");
        return;
    }
    monitor_print_report(mon, report_mtree, &r, "");
}

/* ---- info qtree, info irq ---- */

static void report_vmstate(void *ctx, FILE *out)
{
    vmstate_print(ctx, out);
}

/* Every device: class, id, properties, then its state description. */
static void cmd_info_qtree(Monitor *mon, int argc, char **argv)
{
    Machine *m = mon->machine;
    if (!m->devices) monitor_puts(mon, "no devices\n");
    for (Device *d = m->devices; d; d = d->next) {
        const DeviceClass *dc = d->class;
        monitor_printf(mon, "dev: %s, id \"%s\"\n", dc->name, d->id ? d->id : "");
        for (const Property *p = dc->props; p && p->name; p++) {
            char value[256];
            if (device_get_prop(d, p->name, value, sizeof value))
                monitor_printf(mon, "  %s = %s\n", p->name, value);
        }
        if (dc->vmstate && dc->vmstate->name) {
            monitor_printf(mon, "  state (version %" PRIu32 "):\n", dc->vmstate_version);
            monitor_print_report(mon, report_vmstate, d, "    ");
        }
    }
}

static void report_irq(void *ctx, FILE *out)
{
    Device *d = ctx;
    d->class->irq_stats(d, out);
}

/* Interrupt controllers' counts of raised inputs, QEMU's layout. */
static void cmd_info_irq(Monitor *mon, int argc, char **argv)
{
    bool any = false;
    for (Device *d = mon->machine->devices; d; d = d->next) {
        if (!d->class->irq_stats) continue;
        any = true;
        monitor_printf(mon, "IRQ statistics for %s:\n", d->id ? d->id : d->class->name);
        monitor_print_report(mon, report_irq, d, "  ");
    }
    if (!any) monitor_puts(mon, "no interrupt controller on this machine keeps statistics\n");
}

const MonitorCommand monitor_info_commands[] = {
    {"cpus", NULL, "", "show the cpus (* marks the current one)", 0, cmd_info_cpus},
    {"irq", NULL, "", "show how often each interrupt controller input was raised", 0, cmd_info_irq},
    {"jit", NULL, "", "show the LLVM tier's counters (regions, compile time, code)", 0,
     cmd_info_jit},
    {"mtree", NULL, "[-f]", "show the memory region tree (-f: the flat views)", 1, cmd_info_mtree},
    {"qtree", NULL, "", "show every device: properties and state", 0, cmd_info_qtree},
    {"registers", NULL, "", "show the cpu registers", 0, cmd_info_registers},
    {"snapshots", NULL, "", "show the saved snapshots", 0, monitor_cmd_info_snapshots},
    {"status", NULL, "", "show whether the machine runs or is stopped", 0, cmd_info_status},
    {"tlb", NULL, "", "show the soft TLB and the guest's translation tables", 0, cmd_info_tlb},
    {"version", NULL, "", "show the version of doppel", 0, cmd_info_version},
    {0},
};
