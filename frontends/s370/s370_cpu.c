/*
 * The S/370-family CPU as the core sees it: reset, the TB key, fault
 * restore and state dumps; the gdb register map is s370_gdb.c.
 */
#include <inttypes.h>
#include <string.h>

#include "core/tb.h"
#include "frontends/s370/s370_internal.h"
#include "frontends/s370/s370_vmstate.h" /* snapshot engineer: .vmstate hooks below */
#include "softmmu/tlb.h"

/* PoO-370 §4 "CPU Reset" / "Initial CPU Reset": the PSW, prefix, CPU
 * timer and clock comparator are cleared, and CR0/CR14 get their initial
 * values; the registers are cleared by the initial reset. */
static void s370_reset(CPUState *c)
{
    S370CPU *cpu = s370_cpu(c);
    memset(cpu->gr, 0, sizeof cpu->gr);
    memset(cpu->fpr, 0, sizeof cpu->fpr);
    memset(cpu->ar, 0, sizeof cpu->ar);
    memset(cpu->cr, 0, sizeof cpu->cr);
    memset(&cpu->psw, 0, sizeof cpu->psw);
    cpu->psw.ec = cpu->arch == S370_ARCH_390;
    c->vaddr_mask = s370_amask(cpu);
    cpu->cc = 0;
    cpu->fpc = 0;
    cpu->prefix = 0;
    cpu->psw_invalid = false;
    cpu->ex_pending = false;
    cpu->ext_pending = 0;
    /* Initial values of the control registers (PoO-370 §4 fig. 4-3,
     * PoO-390 fig. 4-2): external subclass masks in CR0, all channels
     * enabled in CR2, machine-check masks in CR14, MCEL at 512. */
    cpu->cr[0] = 0x000000e0u;
    cpu->cr[2] = 0xffffffffu;
    cpu->cr[14] = 0xc2000000u;
    cpu->cr[15] = 512; /* S/370 MCEL address */
    c->pc = 0;
    c->halted = true; /* stopped until IPL or restart loads a PSW */
    s370_timer_reset(cpu);
}

static void s370_tb_flags(CPUState *c, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    S370CPU *cpu = s370_cpu(c);
    uint32_t f = (uint32_t)cpu->arch << S370_TBF_ARCH_SHIFT;
    if (cpu->psw.amode31) f |= S370_TBF_AMODE31;
    if (cpu->psw.problem) f |= S370_TBF_PROBLEM;
    if (s370_psw_dat(cpu)) f |= S370_TBF_DAT;
    f |= (uint32_t)(cpu->psw.pgm_mask & 15) << S370_TBF_PGM_MASK_SHIFT;
    if (cpu->ex_pending) f |= S370_TBF_EX;
    if (cpu->arch == S370_ARCH_390 && (cpu->cr[0] & 0x00040000u)) f |= S370_TBF_AFP;
    *pc = c->pc;
    *cs_base = 0;
    *flags = f;
}

static void s370_restore_state(CPUState *c, const uint64_t *insn_data)
{
    S370CPU *cpu = s370_cpu(c);
    c->pc = insn_data[0];
    cpu->pgm_ilc = (uint8_t)(insn_data[1] / 2);
}

static void s370_dump_state(CPUState *c, FILE *out)
{
    S370CPU *cpu = s370_cpu(c);
    uint8_t psw[8];
    s370_psw_store(cpu, psw);
    fprintf(out, "PSW=%02X%02X%02X%02X %02X%02X%02X%02X  CC=%u  %s %s%s\n", psw[0], psw[1], psw[2],
            psw[3], psw[4], psw[5], psw[6], psw[7], cpu->cc,
            cpu->arch == S370_ARCH_390 ? "ESA/390"
            : cpu->psw.ec              ? "S/370 EC"
                                       : "S/370 BC",
            cpu->psw.problem ? "problem" : "supervisor", cpu->psw.wait ? " wait" : "");
    for (int i = 0; i < 16; i++)
        fprintf(out, "GR%02d=%08X%s", i, s370_gr32(cpu, i), (i % 4 == 3) ? "\n" : " ");
    for (int i = 0; i < 16; i++)
        fprintf(out, "CR%02d=%08X%s", i, cpu->cr[i], (i % 4 == 3) ? "\n" : " ");
    for (int i = 0; i < 16; i += (cpu->arch == S370_ARCH_390 ? 1 : 2))
        fprintf(out, "FPR%d=%016" PRIX64 "%s", i, cpu->fpr[i],
                ((cpu->arch == S370_ARCH_390 ? i % 2 == 1 : i % 4 == 2)) ? "\n" : " ");
    if (cpu->arch != S370_ARCH_390) fprintf(out, "\n");
    fprintf(out, "PREFIX=%08X\n", cpu->prefix);
}

const ArchOps s370_arch_ops = {
    .name = "s370",
    .page_bits = 11,
    .big_endian = true,
    .mmu_modes = S370_MMU_MODES,
    .cpu_size = sizeof(S370CPU),
    .globals = &s370_globals,
    .reset = s370_reset,
    .translate = s370_translate,
    .tb_flags = s370_tb_flags,
    .do_interrupt = s370_do_interrupt,
    .check_interrupts = s370_check_interrupts,
    .has_work = s370_has_work,
    .mmu_translate = s370_mmu_translate,
    .mmu_index = s370_mmu_index,
    .restore_state = s370_restore_state,
    .dump_state = s370_dump_state,
    .gdb_read_reg = s370_gdb_read_reg,
    .gdb_write_reg = s370_gdb_write_reg,
    .gdb_target_xml = s370_gdb_xml,
    .gdb_num_regs = S370_GDB_NREGS,
    .gdb_pc_reg = S370_GDB_PC_REG,
    .disas = s370_disas_mem,
    .dump_mmu = s370_dump_mmu,
    .vmstate = s370_vmstate_fields,
    .vmstate_version = S370_VMSTATE_VERSION,
};

void s370_cpu_set_arch(S370CPU *cpu, S370ArchMode arch)
{
    cpu->arch = arch;
    s370_timer_init(cpu);
    cpu_reset(&cpu->common);
}

void s370_cpu_attach_storage(S370CPU *cpu, uint8_t *keys, uint64_t size)
{
    cpu->storage_keys = keys;
    cpu->storage_size = size;
}

bool s370_load_psw_from(S370CPU *cpu, uint64_t addr)
{
    uint8_t psw[8];
    s370_abs_read(cpu, addr, psw, 8);
    return s370_psw_decode(cpu, psw);
}
