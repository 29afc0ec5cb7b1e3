/*
 * Hardware task switching (SDM Vol 3 §7.3): JMP, CALL, IRET with NT,
 * and interrupts through task gates.  32-bit TSS (figure 7-2) and 16-bit
 * TSS (figure 7-11).  Faults before the old task's state is saved are
 * raised in the old task; after the new state is loaded (segment checks,
 * EIP limit) in the new one (SDM Vol 3 §7.3 step 13 and table 7-1).
 */
#include "core/cpu.h"
#include "frontends/x86/x86_sysrt.h"
#include "softmmu/tlb.h"

/* The fields of a TSS this switch reads or writes, by TSS size. */
typedef struct X86TssLayout {
    unsigned size;                         /* 2 or 4: register slot width */
    uint32_t eip, eflags, regs, segs, ldt; /* offsets */
    unsigned seg_stride;
    unsigned nsegs;     /* 4 (ES CS SS DS) or 6 */
    uint32_t min_limit; /* 0x67 or 0x2b */
} X86TssLayout;

static const X86TssLayout x86_tss32 = {4, 0x20, 0x24, 0x28, 0x48, 0x60, 4, 6, 0x67};
static const X86TssLayout x86_tss16 = {2, 0x0e, 0x10, 0x12, 0x22, 0x2a, 2, 4, 0x2b};

static const X86TssLayout *x86_tss_layout(uint16_t attr)
{
    return (attr & 8) ? &x86_tss32 : &x86_tss16;
}

/* A fault in the context of the new task: its state is already loaded,
 * so no restore to the switching instruction. */
static _Noreturn void x86_task_fault(X86CPU *cpu, int vector, uint32_t error_code)
{
    x86_set_exception(cpu, vector, true, error_code);
    cpu_loop_exit(&cpu->common);
}

/* Write the busy bit of the TSS descriptor of selector in the GDT. */
static void x86_tss_set_busy(X86CPU *cpu, uint16_t selector, bool busy)
{
    uint32_t addr = (uint32_t)cpu->gdtr.base + (selector & ~7u) + 5;
    uint32_t b = x86_load_linear(cpu, addr, 1, X86_MMU_KERNEL);
    b = busy ? b | X86_TSS_BUSY_BIT : b & ~(uint32_t)X86_TSS_BUSY_BIT;
    x86_store_linear(cpu, addr, b, 1, X86_MMU_KERNEL);
}

/* The new task's LDT (SDM Vol 3 §7.3 step 13: #TS(LDT selector)). */
static void x86_task_load_ldt(X86CPU *cpu, uint16_t sel)
{
    if ((sel & ~3u) == 0) {
        x86_seg_null(&cpu->ldtr, sel);
        return;
    }
    uint32_t err = x86_sel_error(sel, false);
    if ((sel & 4) || (uint32_t)(sel & ~7u) + 7 > cpu->gdtr.limit)
        x86_task_fault(cpu, X86_EXCP_TS, err);
    uint64_t desc = x86_load_linear64(cpu, (uint32_t)cpu->gdtr.base + (sel & ~7u), X86_MMU_KERNEL);
    uint16_t a = x86_desc_attr(desc);
    if ((a & X86_SEGA_S) || (a & X86_SEGA_TYPE) != X86_SYS_LDT || !(a & X86_SEGA_P))
        x86_task_fault(cpu, X86_EXCP_TS, err);
    cpu->ldtr.selector = sel;
    cpu->ldtr.base = x86_desc_base(desc);
    cpu->ldtr.limit = x86_desc_limit(desc);
    cpu->ldtr.attr = a;
}

/* A segment register of the new task: the checks of MOV Sreg with #TS
 * in place of #GP (SDM Vol 3 §7.3 step 13, table 7-1). */
static void x86_task_load_seg(X86CPU *cpu, int seg, uint16_t sel, unsigned cpl)
{
    X86Segment s;
    const uint32_t err = x86_sel_error(sel, false);
    if ((sel & ~3u) == 0) {
        if (seg == X86_SEG_CS || seg == X86_SEG_SS) x86_task_fault(cpu, X86_EXCP_TS, err);
        x86_seg_null(&s, sel);
        cpu->segs[seg] = s;
        return;
    }
    uint64_t desc;
    if (!x86_read_descriptor(cpu, sel, &desc)) x86_task_fault(cpu, X86_EXCP_TS, err);
    uint16_t a = x86_desc_attr(desc);
    const unsigned dpl = x86_attr_dpl(a), rpl = sel & 3u;
    bool ok;
    int np_vector = X86_EXCP_NP;
    if (seg == X86_SEG_CS) {
        ok = x86_attr_is_code(a) && (x86_attr_is_conforming(a) ? dpl <= rpl : dpl == rpl);
    } else if (seg == X86_SEG_SS) {
        ok = (a & X86_SEGA_S) && !(a & X86_SEGA_CODE) && (a & X86_SEGA_WRITABLE) && dpl == cpl &&
             rpl == cpl;
        np_vector = X86_EXCP_SS;
    } else {
        ok = (a & X86_SEGA_S) && (!(a & X86_SEGA_CODE) || (a & X86_SEGA_WRITABLE)) &&
             (x86_attr_is_conforming(a) || (dpl >= cpl && dpl >= rpl));
    }
    if (!ok) x86_task_fault(cpu, X86_EXCP_TS, err);
    if (!(a & X86_SEGA_P)) x86_task_fault(cpu, np_vector, err);
    x86_desc_set_accessed(cpu, sel, desc);
    x86_seg_from_desc(&s, sel, desc | X86_DESC_ACCESSED);
    cpu->segs[seg] = s;
}

void x86_task_switch(X86CPU *cpu, uint16_t selector, uint64_t desc, int source, uint32_t next_eip)
{
    const uint16_t new_attr = x86_desc_attr(desc);
    const X86TssLayout *nl = x86_tss_layout(new_attr), *ol = x86_tss_layout(cpu->tr.attr);
    const uint32_t new_base = x86_desc_base(desc), new_limit = x86_desc_limit(desc);
    if (new_limit < nl->min_limit)
        x86_raise_exception_err(cpu, X86_EXCP_TS, x86_sel_error(selector, false));

    /* Read the new task's state first: a fault here leaves the old task
     * untouched. */
    const unsigned ns = nl->size;
    uint32_t n_eip = x86_load_linear(cpu, new_base + nl->eip, ns, X86_MMU_KERNEL);
    uint32_t n_eflags = x86_load_linear(cpu, new_base + nl->eflags, ns, X86_MMU_KERNEL);
    uint32_t n_regs[8];
    for (unsigned i = 0; i < 8; i++)
        n_regs[i] = x86_load_linear(cpu, new_base + nl->regs + i * ns, ns, X86_MMU_KERNEL);
    uint16_t n_segs[X86_NUM_SEGS] = {0};
    for (unsigned i = 0; i < nl->nsegs; i++)
        n_segs[i] = (uint16_t)x86_load_linear(cpu, new_base + nl->segs + i * nl->seg_stride, 2,
                                              X86_MMU_KERNEL);
    uint16_t n_ldt = (uint16_t)x86_load_linear(cpu, new_base + nl->ldt, 2, X86_MMU_KERNEL);
    uint32_t n_cr3 = ns == 4 ? x86_load_linear(cpu, new_base + 0x1c, 4, X86_MMU_KERNEL) : 0;

    /* Save the old task (step 9); IRET clears NT in the image. */
    const uint32_t ob = (uint32_t)cpu->tr.base, os = ol->size;
    uint32_t o_eflags = x86_get_eflags(cpu);
    if (source == X86_TASK_IRET) o_eflags &= ~(uint32_t)X86_NT;
    x86_store_linear(cpu, ob + ol->eip, next_eip, os, X86_MMU_KERNEL);
    x86_store_linear(cpu, ob + ol->eflags, o_eflags, os, X86_MMU_KERNEL);
    for (unsigned i = 0; i < 8; i++)
        x86_store_linear(cpu, ob + ol->regs + i * os, (uint32_t)cpu->regs[i], os, X86_MMU_KERNEL);
    for (unsigned i = 0; i < ol->nsegs; i++)
        x86_store_linear(cpu, ob + ol->segs + i * ol->seg_stride, cpu->segs[i].selector, 2,
                         X86_MMU_KERNEL);

    /* Busy bits and the back link (steps 8, 10-11). */
    if (source == X86_TASK_JMP || source == X86_TASK_IRET)
        x86_tss_set_busy(cpu, cpu->tr.selector, false);
    if (source == X86_TASK_CALL) {
        x86_store_linear(cpu, new_base, cpu->tr.selector, 2, X86_MMU_KERNEL);
        n_eflags |= X86_NT;
    }
    if (source != X86_TASK_IRET) x86_tss_set_busy(cpu, selector, true);

    /* Load TR and the new state (step 12-13). */
    cpu->tr.selector = selector;
    cpu->tr.base = new_base;
    cpu->tr.limit = new_limit;
    cpu->tr.attr = (uint16_t)(new_attr | X86_TSS_BUSY_BIT);
    cpu->cr[0] |= X86_CR0_TS;
    if (ns == 4 && (cpu->cr[0] & X86_CR0_PG) && n_cr3 != cpu->cr[3]) {
        cpu->cr[3] = n_cr3;
        x86_tlb_flush(cpu, true);
    } else if (ns == 4) {
        cpu->cr[3] = n_cr3;
    }
    for (unsigned i = 0; i < 8; i++)
        cpu->regs[i] = ns == 4 ? n_regs[i] : ((uint32_t)cpu->regs[i] & 0xffff0000u) | n_regs[i];
    uint32_t eflags_mask = ns == 4 ? X86_EFLAGS_WRITABLE : 0xffff;
    /* Selectors first, so a fault below is seen with the new task's
     * selectors in place. */
    for (int i = 0; i < X86_NUM_SEGS; i++)
        cpu->segs[i].selector = n_segs[i];
    x86_set_eflags(cpu, n_eflags, eflags_mask);
    /* The state is the new task's from here on. */
    cpu->common.pc = (uint32_t)(cpu->segs[X86_SEG_CS].base + n_eip);
    x86_task_load_ldt(cpu, n_ldt);
    if (n_eflags & X86_VM && ns == 4) {
        for (int i = 0; i < X86_NUM_SEGS; i++)
            x86_seg_vm86(&cpu->segs[i], n_segs[i], 3);
    } else {
        const unsigned cpl = n_segs[X86_SEG_CS] & 3u;
        x86_task_load_seg(cpu, X86_SEG_CS, n_segs[X86_SEG_CS], cpl);
        x86_task_load_seg(cpu, X86_SEG_SS, n_segs[X86_SEG_SS], cpl);
        static const int data[] = {X86_SEG_ES, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS};
        for (unsigned i = 0; i < 4; i++)
            x86_task_load_seg(cpu, data[i], n_segs[data[i]], cpl);
    }
    x86_update_hflags(cpu);
    x86_set_eip(cpu, n_eip);
    if (n_eip > cpu->segs[X86_SEG_CS].limit) x86_task_fault(cpu, X86_EXCP_GP, 0);
}

void x86_task_switch_to(X86CPU *cpu, uint16_t selector, int source, bool ext, uint32_t next_eip)
{
    /* IRET's back link faults with #TS, the others with #GP (SDM Vol 2
     * IRET "TASK-RETURN", JMP/CALL "TASK-GATE", Vol 3 §6.12.2). */
    const int vector = source == X86_TASK_IRET ? X86_EXCP_TS : X86_EXCP_GP;
    const uint32_t err = x86_sel_error(selector, ext);
    uint64_t desc = 0;
    if ((selector & 4) || !x86_read_descriptor(cpu, selector, &desc))
        x86_raise_exception_err(cpu, vector, err);
    uint16_t a = x86_desc_attr(desc);
    unsigned type = a & X86_SEGA_TYPE;
    bool tss = !(a & X86_SEGA_S) && (type == X86_SYS_TSS16_AVAIL || type == X86_SYS_TSS16_BUSY ||
                                     type == X86_SYS_TSS32_AVAIL || type == X86_SYS_TSS32_BUSY);
    bool busy = (type & X86_TSS_BUSY_BIT) != 0;
    if (!tss || busy != (source == X86_TASK_IRET)) x86_raise_exception_err(cpu, vector, err);
    if (!(a & X86_SEGA_P)) x86_raise_exception_err(cpu, X86_EXCP_NP, err);
    x86_task_switch(cpu, selector, desc, source, next_eip);
}
