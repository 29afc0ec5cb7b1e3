/*
 * The IR demo cpu: eight 64-bit registers and a pc, flat physical
 * addressing, no interrupts.
 */
#include <inttypes.h>
#include <string.h>

#include "core/log.h"
#include "frontends/irdemo/irdemo.h"

extern const IrGlobalTable irdemo_globals;
void irdemo_translate(TranslateContext *ctx);

static IrDemoCPU *irdemo_cpu(CPUState *cpu)
{
    return (IrDemoCPU *)cpu;
}

static void irdemo_reset(CPUState *cpu)
{
    IrDemoCPU *c = irdemo_cpu(cpu);
    memset(c->r, 0, sizeof c->r);
    cpu->pc = IRDEMO_ROM_BASE;
}

static void irdemo_tb_flags(CPUState *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    *pc = cpu->pc;
    *cs_base = 0;
    *flags = 0;
}

/* The demo cpu's only exception stops it, as a machine check would. */
static void irdemo_do_interrupt(CPUState *cpu)
{
    if (cpu->exception_index == IRDEMO_EXCP_ILLEGAL) {
        LOG_MASK(LOG_UNIMP | LOG_INT, "ir-demo: illegal instruction at 0x%" PRIx64 "\n", cpu->pc);
        fprintf(stderr, "doppel: ir-demo: illegal instruction at 0x%" PRIx64 ", cpu stopped\n",
                cpu->pc);
    }
    cpu->halted = true;
}

static bool irdemo_has_work(CPUState *cpu)
{
    return false;
}

static int irdemo_mmu_translate(CPUState *cpu, uint64_t vaddr, MMUAccess access, unsigned mmu_idx,
                                bool probe, MMUResult *res)
{
    res->paddr = vaddr;
    res->prot = MMU_PROT_READ | MMU_PROT_WRITE | MMU_PROT_EXEC;
    res->page_bits = cpu->page_bits;
    return 0;
}

static unsigned irdemo_mmu_index(CPUState *cpu, MMUAccess access)
{
    return 0;
}

static void irdemo_restore_state(CPUState *cpu, const uint64_t *insn_data)
{
    cpu->pc = insn_data[0];
}

static void irdemo_dump_state(CPUState *cpu, FILE *out)
{
    IrDemoCPU *c = irdemo_cpu(cpu);
    fprintf(out, "pc=%016" PRIx64 "\n", cpu->pc);
    for (int i = 0; i < IRDEMO_NREGS; i++)
        fprintf(out, "r%d=%016" PRIx64 "%s", i, c->r[i], (i % 4 == 3) ? "\n" : " ");
}

static int irdemo_gdb_read_reg(CPUState *cpu, uint8_t *buf, int reg)
{
    uint64_t v;
    if (reg < IRDEMO_NREGS)
        v = irdemo_cpu(cpu)->r[reg];
    else if (reg == IRDEMO_NREGS)
        v = cpu->pc;
    else
        return 0;
    memcpy(buf, &v, 8);
    return 8;
}

static int irdemo_gdb_write_reg(CPUState *cpu, const uint8_t *buf, int reg)
{
    uint64_t v;
    memcpy(&v, buf, 8);
    if (reg < IRDEMO_NREGS)
        irdemo_cpu(cpu)->r[reg] = v;
    else if (reg == IRDEMO_NREGS)
        cpu->pc = v;
    else
        return 0;
    return 8;
}

const ArchOps irdemo_arch_ops = {
    .name = "ir-demo",
    .page_bits = 12,
    .big_endian = false,
    .mmu_modes = 1,
    .cpu_size = sizeof(IrDemoCPU),
    .globals = &irdemo_globals,
    .reset = irdemo_reset,
    .translate = irdemo_translate,
    .tb_flags = irdemo_tb_flags,
    .do_interrupt = irdemo_do_interrupt,
    .has_work = irdemo_has_work,
    .mmu_translate = irdemo_mmu_translate,
    .mmu_index = irdemo_mmu_index,
    .restore_state = irdemo_restore_state,
    .dump_state = irdemo_dump_state,
    .gdb_read_reg = irdemo_gdb_read_reg,
    .gdb_write_reg = irdemo_gdb_write_reg,
    .gdb_num_regs = IRDEMO_NREGS + 1,
    .gdb_pc_reg = IRDEMO_NREGS,
};
