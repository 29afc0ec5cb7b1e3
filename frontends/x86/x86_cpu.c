/*
 * The x86 CPU as the core sees it: reset, the TB key, EIP and EFLAGS
 * with the lazy flags, fault restore, `info registers` (the gdb register
 * map is x86_gdb.c), and the entry points for loaders and port I/O.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "frontends/x86/x86_debug.h"
#include "frontends/x86/x86_msr.h"
#include "frontends/x86/x86_sysrt.h"
#include "frontends/x86/x86_vmstate.h" /* snapshot engineer: .vmstate hooks below */
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

/* ---- EIP and EFLAGS ---- */

uint32_t x86_get_eip(const X86CPU *cpu)
{
    uint32_t eip = (uint32_t)(cpu->common.pc - cpu->segs[X86_SEG_CS].base);
    return (cpu->segs[X86_SEG_CS].attr & X86_SEGA_DB) ? eip : eip & 0xffff;
}

void x86_set_eip(X86CPU *cpu, uint32_t eip)
{
    cpu->common.pc = (uint32_t)(cpu->segs[X86_SEG_CS].base + eip);
}

uint32_t x86_get_eflags(X86CPU *cpu)
{
    uint32_t arith = x86_cc_compute_all(cpu->cc_op, cpu->cc_dst, cpu->cc_src, cpu->cc_src2);
    return (cpu->eflags & ~(X86_ARITH_FLAGS | X86_DF)) | (arith & X86_ARITH_FLAGS) |
           (cpu->df < 0 ? X86_DF : 0) | 2u;
}

void x86_set_eflags(X86CPU *cpu, uint32_t value, uint32_t mask)
{
    uint32_t f = (x86_get_eflags(cpu) & ~mask) | (value & mask);
    f = (f & X86_EFLAGS_WRITABLE) | 2u;
    cpu->cc_op = X86_CC_OP_EFLAGS;
    cpu->cc_src = f & X86_ARITH_FLAGS;
    cpu->cc_dst = cpu->cc_src2 = 0;
    cpu->df = (f & X86_DF) ? -1 : 1;
    cpu->eflags = f & ~(X86_ARITH_FLAGS | X86_DF);
    x86_update_hflags(cpu);
}

/* ---- mode bits ---- */

/* Base 0 and every offset allowed for reads (and writes where asked). */
static bool x86_seg_is_flat(const X86Segment *s, bool write)
{
    if (s->base != 0 || s->read_lo != 0 || s->read_hi != UINT32_MAX) return false;
    return !write || (s->write_lo == 0 && s->write_hi == UINT32_MAX);
}

/* The bits of hflags that follow EFLAGS and the interrupt shadow; also
 * recomputed per TB lookup so a lifter that only writes eflags is safe. */
static uint32_t x86_hflags_dynamic(const X86CPU *cpu)
{
    uint32_t f = 0;
    if (cpu->eflags & X86_TF) f |= X86_TBF_TF;
    if (cpu->eflags & X86_RF) f |= X86_TBF_RF;
    if (cpu->inhibit_irq) f |= X86_TBF_INHIBIT_IRQ;
    f |= ((cpu->eflags & X86_IOPL) >> X86_IOPL_SHIFT) << X86_TBF_IOPL_SHIFT;
    return f;
}

#define X86_TBF_DYNAMIC (X86_TBF_TF | X86_TBF_RF | X86_TBF_INHIBIT_IRQ | X86_TBF_IOPL)

void x86_update_hflags(X86CPU *cpu)
{
    uint32_t f = 0;
    const uint32_t cr0 = cpu->cr[0], cr4 = cpu->cr[4];
    /* CPL: SS.DPL always equals CPL in protected mode (SDM Vol 3 §5.5);
     * vm86 runs at 3, real mode at 0. */
    if (cr0 & X86_CR0_PE) {
        f |= X86_TBF_PE;
        if (cpu->eflags & X86_VM)
            f |= X86_TBF_VM86 | 3;
        else
            f |= x86_attr_dpl(cpu->segs[X86_SEG_SS].attr);
    }
    cpu->hflags = f; /* the checks below read the mode */
    for (int s = 0; s < X86_NUM_SEGS; s++)
        x86_segment_update_checks(cpu, &cpu->segs[s], s);
    if (cpu->segs[X86_SEG_CS].attr & X86_SEGA_DB) f |= X86_TBF_CS32;
    if (cpu->segs[X86_SEG_SS].attr & X86_SEGA_DB) f |= X86_TBF_SS32;
    if (x86_seg_is_flat(&cpu->segs[X86_SEG_CS], false) &&
        x86_seg_is_flat(&cpu->segs[X86_SEG_SS], true) &&
        x86_seg_is_flat(&cpu->segs[X86_SEG_DS], true) &&
        x86_seg_is_flat(&cpu->segs[X86_SEG_ES], true))
        f |= X86_TBF_FLAT;
    if (cr0 & X86_CR0_EM) f |= X86_TBF_EM;
    if (cr0 & X86_CR0_TS) f |= X86_TBF_TS;
    if (cr0 & X86_CR0_MP) f |= X86_TBF_MP;
    if (cr4 & X86_CR4_OSFXSR) f |= X86_TBF_OSFXSR;
    if (x86_dr7_has_insn_bp(cpu->dr[7])) f |= X86_TBF_HWBP;
    if (x86_dr7_has_data_bp(cpu->dr[7])) f |= X86_TBF_DBP;
    cpu->hflags = f | x86_hflags_dynamic(cpu);
    /* Pages of data breakpoints must leave the soft TLB when breakpoints
     * are set or moved (x86_debug.c).  Which DR write got here is not
     * known, so any recomputation with one enabled flushes: a cost paid
     * only while a data breakpoint is armed. */
    if ((f & X86_TBF_DBP) && cpu->common.tlb) tlb_flush(&cpu->common);
}

static void x86_tb_flags(CPUState *c, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    X86CPU *cpu = x86_cpu(c);
    *pc = c->pc;
    *cs_base = cpu->segs[X86_SEG_CS].base;
    *flags = (cpu->hflags & ~X86_TBF_DYNAMIC) | x86_hflags_dynamic(cpu);
}

/* ---- reset (SDM Vol 3 §9.1.1 table 9-1) ---- */

void x86_load_segment_cache(X86CPU *cpu, int seg, uint16_t selector, uint64_t base, uint32_t limit,
                            uint16_t attr)
{
    uint32_t eip = seg == X86_SEG_CS ? x86_get_eip(cpu) : 0;
    X86Segment *s = &cpu->segs[seg];
    s->selector = selector;
    s->base = base;
    s->limit = limit;
    s->attr = attr;
    x86_update_hflags(cpu);
    if (seg == X86_SEG_CS) x86_set_eip(cpu, eip);
}

static void x86_reset(CPUState *c)
{
    X86CPU *cpu = x86_cpu(c);
    /* Everything architectural; the machine's hooks after it stay. */
    memset(&cpu->regs, 0, offsetof(X86CPU, io) - offsetof(X86CPU, regs));
    c->vaddr_mask = UINT32_MAX; /* linear addresses wrap at 4 GiB */
    cpu->eflags = 2;
    cpu->df = 1;
    cpu->cc_op = X86_CC_OP_EFLAGS;
    cpu->cr[0] = X86_CR0_CD | X86_CR0_NW | X86_CR0_ET;
    cpu->dr[6] = 0xffff0ff0;
    cpu->dr[7] = 0x400;
    cpu->a20_mask = UINT32_MAX;
    cpu->pending_vector = -1;
    cpu->delivering_vector = -1;
    x86_msr_reset(cpu);
    const uint16_t data = X86_SEGA_P | X86_SEGA_S | X86_SEGA_WRITABLE | X86_SEGA_ACCESSED;
    for (int s = 0; s < X86_NUM_SEGS; s++)
        x86_load_segment_cache(cpu, s, 0, 0, 0xffff, data);
    x86_load_segment_cache(cpu, X86_SEG_CS, 0xf000, 0xffff0000u, 0xffff, data | X86_SEGA_CODE);
    cpu->ldtr = (X86Segment){.limit = 0xffff, .attr = X86_SEGA_P | X86_SYS_LDT};
    cpu->tr = (X86Segment){.limit = 0xffff, .attr = X86_SEGA_P | X86_SYS_TSS32_BUSY};
    cpu->gdtr.limit = cpu->idtr.limit = 0xffff;
    x86_update_hflags(cpu);
    x86_set_eip(cpu, 0xfff0);
    /* EDX holds the processor signature, CPUID.1:EAX. */
    uint32_t id[4];
    x86_cpuid(cpu, 1, 0, id);
    cpu->regs[X86_EDX] = id[0];
    x86_fpu_reset(cpu);
    x86_sse_reset(cpu);
    if (c->tlb) tlb_flush(c);
}

/* Multiboot 0.6.96 §3.2 "Machine state": EAX magic, EBX the information
 * structure, flat 32-bit code and data, A20 on, protected mode without
 * paging, IF and VM clear. */
void x86_setup_flat_protected_state(X86CPU *cpu, uint16_t code_sel, uint16_t data_sel,
                                    uint32_t gdt_base, uint16_t gdt_limit, uint32_t entry)
{
    const uint16_t flat = X86_SEGA_P | X86_SEGA_S | X86_SEGA_DB | X86_SEGA_G | X86_SEGA_ACCESSED;
    cpu->cr[0] = (cpu->cr[0] | X86_CR0_PE) & ~X86_CR0_PG;
    x86_set_eflags(cpu, 0, X86_IF | X86_VM);
    cpu->a20_mask = UINT32_MAX;
    cpu->gdtr.base = gdt_base;
    cpu->gdtr.limit = gdt_limit;
    x86_load_segment_cache(cpu, X86_SEG_CS, code_sel, 0, UINT32_MAX,
                           flat | X86_SEGA_CODE | X86_SEGA_WRITABLE);
    for (int s = 0; s < X86_NUM_SEGS; s++)
        if (s != X86_SEG_CS)
            x86_load_segment_cache(cpu, s, data_sel, 0, UINT32_MAX, flat | X86_SEGA_WRITABLE);
    x86_set_eip(cpu, entry);
    if (cpu->common.tlb) tlb_flush(&cpu->common);
}

void x86_setup_multiboot_state(X86CPU *cpu, uint32_t entry, uint32_t info_addr)
{
    /* Multiboot leaves GDTR undefined: the kernel must load its own. */
    x86_setup_flat_protected_state(cpu, 0x08, 0x10, cpu->gdtr.base, (uint16_t)cpu->gdtr.limit,
                                   entry);
    cpu->regs[X86_EAX] = 0x2badb002u;
    cpu->regs[X86_EBX] = info_addr;
}

/* ---- port I/O ---- */

uint32_t x86_port_read(X86CPU *cpu, uint16_t port, unsigned size)
{
    uint64_t v = UINT64_MAX;
    if (!cpu->io || address_space_read_val(cpu->io, port, size, false, &v) != MEMTX_OK)
        v = UINT64_MAX; /* nothing answers: the bus floats high */
    return size >= 4 ? (uint32_t)v : (uint32_t)v & ((1u << (8 * size)) - 1);
}

void x86_port_write(X86CPU *cpu, uint16_t port, uint32_t value, unsigned size)
{
    if (cpu->io) address_space_write_val(cpu->io, port, size, false, value);
}

/* ---- fault restore ---- */

static void x86_restore_state(CPUState *c, const uint64_t *insn_data)
{
    X86CPU *cpu = x86_cpu(c);
    /* cc_op is kept current in its global by the lifters: the pc, and
     * what the debug checks changed at the instruction's start: RF
     * (cleared there) and the data-breakpoint hits of an instruction
     * that did not complete. */
    c->pc = insn_data[0];
    if (insn_data[2] & X86_INSN_DATA_RF) cpu->eflags |= X86_RF;
    cpu->dr_pending = 0;
}

/* ---- info registers (the layout of QEMU's for i386) ---- */

static const char *const x86_seg_names[] = {"ES", "CS", "SS", "DS", "FS", "GS"};

/* The descriptor's high-word bits 8-23, as QEMU prints them. */
static uint32_t x86_attr_desc_flags(uint16_t attr)
{
    return (uint32_t)(attr & 0xff) << 8 | (uint32_t)(attr & 0xf000) << 8;
}

static void x86_dump_seg(const X86CPU *cpu, FILE *out, const char *name, const X86Segment *s,
                         bool system)
{
    static const char *const sys_names[16] = {
        [1] = "TSS16-avl",   [2] = "LDT",         [3] = "TSS16-busy", [4] = "CallGate16",
        [5] = "TaskGate",    [6] = "IntGate16",   [7] = "TrapGate16", [9] = "TSS32-avl",
        [11] = "TSS32-busy", [12] = "CallGate32", [14] = "IntGate32", [15] = "TrapGate32"};
    fprintf(out, "%-3s=%04x %08x %08x %08x", name, s->selector, (uint32_t)s->base, s->limit,
            x86_attr_desc_flags(s->attr));
    if ((cpu->cr[0] & X86_CR0_PE) && (s->attr & X86_SEGA_P)) {
        if (!system && (s->attr & X86_SEGA_S)) {
            if (s->attr & X86_SEGA_CODE)
                fprintf(out, " CS%s [%c%c", (s->attr & X86_SEGA_DB) ? "32" : "16",
                        (s->attr & X86_SEGA_EXPAND_DOWN) ? 'C' : '-',
                        (s->attr & X86_SEGA_WRITABLE) ? 'R' : '-');
            else
                fprintf(out, " DS%s [%c%c", (s->attr & X86_SEGA_DB) ? "  " : "16",
                        (s->attr & X86_SEGA_EXPAND_DOWN) ? 'E' : '-',
                        (s->attr & X86_SEGA_WRITABLE) ? 'W' : '-');
            fprintf(out, "%c]", (s->attr & X86_SEGA_ACCESSED) ? 'A' : '-');
        } else {
            const char *n = sys_names[s->attr & X86_SEGA_TYPE];
            fprintf(out, " %s", n ? n : "Reserved");
        }
    }
    fputc('\n', out);
}

static void x86_dump_state(CPUState *c, FILE *out)
{
    X86CPU *cpu = x86_cpu(c);
    uint32_t efl = x86_get_eflags(cpu);
#define R(n) ((uint32_t)cpu->regs[n])
    fprintf(out, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", R(X86_EAX), R(X86_EBX), R(X86_ECX),
            R(X86_EDX));
    fprintf(out, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", R(X86_ESI), R(X86_EDI), R(X86_EBP),
            R(X86_ESP));
#undef R
    fprintf(out, "EIP=%08x EFL=%08x [%c%c%c%c%c%c%c] CPL=%u II=%d A20=%u SMM=0 HLT=%d\n",
            x86_get_eip(cpu), efl, (efl & X86_DF) ? 'D' : '-', (efl & X86_OF) ? 'O' : '-',
            (efl & X86_SF) ? 'S' : '-', (efl & X86_ZF) ? 'Z' : '-', (efl & X86_AF) ? 'A' : '-',
            (efl & X86_PF) ? 'P' : '-', (efl & X86_CF) ? 'C' : '-', x86_cpl(cpu),
            cpu->inhibit_irq ? 1 : 0, (cpu->a20_mask >> 20) & 1, c->halted ? 1 : 0);
    for (int s = 0; s < X86_NUM_SEGS; s++)
        x86_dump_seg(cpu, out, x86_seg_names[s], &cpu->segs[s], false);
    x86_dump_seg(cpu, out, "LDT", &cpu->ldtr, true);
    x86_dump_seg(cpu, out, "TR", &cpu->tr, true);
    fprintf(out, "GDT=     %08x %08x\n", (uint32_t)cpu->gdtr.base, cpu->gdtr.limit);
    fprintf(out, "IDT=     %08x %08x\n", (uint32_t)cpu->idtr.base, cpu->idtr.limit);
    fprintf(out, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", cpu->cr[0], cpu->cr[2], cpu->cr[3],
            cpu->cr[4]);
    for (int i = 0; i < 4; i++)
        fprintf(out, "DR%d=%08x ", i, cpu->dr[i]);
    fprintf(out, "\nDR6=%08x DR7=%08x\n", cpu->dr[6], cpu->dr[7]);
    fprintf(out, "EFER=%016" PRIx64 "\n", cpu->efer);
    /* Abridged tag: bit i set when physical register i is not empty. */
    unsigned ftw = 0;
    for (int i = 0; i < 8; i++)
        ftw |= (cpu->fptag[i] ? 0u : 1u) << i;
    fprintf(out, "FCW=%04x FSW=%04x [ST=%u] FTW=%02x MXCSR=%08x\n", cpu->fpuc,
            (unsigned)((cpu->fpus & ~0x3800u) | (cpu->fpstt & 7) << 11), cpu->fpstt & 7, ftw,
            cpu->mxcsr);
    for (int i = 0; i < 8; i++) {
        uint64_t mant;
        uint16_t exp;
        memcpy(&mant, cpu->fpregs[i].bytes, 8);
        memcpy(&exp, cpu->fpregs[i].bytes + 8, 2);
        fprintf(out, "FPR%d=%016" PRIx64 " %04x%c", i, mant, exp, (i & 1) ? '\n' : ' ');
    }
    for (int i = 0; i < 8; i++)
        fprintf(out, "XMM%02d=%08x%08x%08x%08x%c", i, cpu->xmm[i].l[3], cpu->xmm[i].l[2],
                cpu->xmm[i].l[1], cpu->xmm[i].l[0], (i & 1) ? '\n' : ' ');
}

const ArchOps x86_arch_ops = {
    .name = "x86",
    .page_bits = 12,
    .big_endian = false,
    .mmu_modes = X86_MMU_MODES,
    .cpu_size = sizeof(X86CPU),
    .globals = &x86_globals,
    .reset = x86_reset,
    .translate = x86_translate,
    .tb_flags = x86_tb_flags,
    .do_interrupt = x86_do_interrupt,
    .check_interrupts = x86_check_interrupts,
    .has_work = x86_has_work,
    .mmu_translate = x86_mmu_translate,
    .mmu_index = x86_mmu_index,
    .restore_state = x86_restore_state,
    .dump_state = x86_dump_state,
    .gdb_read_reg = x86_gdb_read_reg,
    .gdb_write_reg = x86_gdb_write_reg,
    .gdb_target_xml = x86_gdb_xml,
    .gdb_num_regs = X86_GDB_NREGS,
    .gdb_pc_reg = X86_GDB_PC_REG,
    .disas = x86_disas_mem,
    .dump_mmu = x86_dump_mmu,
    .vmstate = x86_vmstate_fields,
    .vmstate_version = X86_VMSTATE_VERSION,
    .post_load = x86_vmstate_post_load,
};
