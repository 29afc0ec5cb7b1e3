/*
 * Guest memory from helpers: linear accesses through the soft TLB (the
 * walk raises #PF), segment-checked offsets (SDM Vol 3 §5.3-5.4), and
 * stack frames built without touching the cpu until they commit.
 */
#include "frontends/x86/x86_sysrt.h"
#include "softmmu/tlb.h"

static unsigned x86_memop(unsigned size)
{
    return size == 1 ? IR_MO_8 : size == 2 ? IR_MO_16 : size == 8 ? IR_MO_64 : IR_MO_32;
}

uint32_t x86_load_linear(X86CPU *cpu, uint32_t linear, unsigned size, unsigned mmu_idx)
{
    return (uint32_t)softmmu_load(&cpu->common, linear, x86_memop(size), mmu_idx,
                                  cpu->common.fault_insn);
}

void x86_store_linear(X86CPU *cpu, uint32_t linear, uint32_t v, unsigned size, unsigned mmu_idx)
{
    softmmu_store(&cpu->common, linear, v, x86_memop(size), mmu_idx, cpu->common.fault_insn);
}

uint64_t x86_load_linear64(X86CPU *cpu, uint32_t linear, unsigned mmu_idx)
{
    return softmmu_load(&cpu->common, linear, IR_MO_64, mmu_idx, cpu->common.fault_insn);
}

void x86_store_linear64(X86CPU *cpu, uint32_t linear, uint64_t v, unsigned mmu_idx)
{
    softmmu_store(&cpu->common, linear, v, IR_MO_64, mmu_idx, cpu->common.fault_insn);
}

/* [offset, offset + size - 1] inside [lo, hi]?  (lo > hi: nothing is.) */
static bool x86_range_ok(uint32_t lo, uint32_t hi, uint32_t offset, unsigned size)
{
    uint64_t last = (uint64_t)offset + (size ? size - 1 : 0);
    return offset >= lo && last <= hi;
}

uint32_t x86_seg_linear(X86CPU *cpu, unsigned seg, uint32_t offset, unsigned size, bool write)
{
    const X86Segment *s = &cpu->segs[seg];
    bool ok = write ? x86_range_ok(s->write_lo, s->write_hi, offset, size)
                    : x86_range_ok(s->read_lo, s->read_hi, offset, size);
    if (!ok) x86_raise_exception_err(cpu, seg == X86_SEG_SS ? X86_EXCP_SS : X86_EXCP_GP, 0);
    return (uint32_t)(s->base + offset);
}

/* ---- stack frames ---- */

void x86_stack_current(X86CPU *cpu, X86Stack *st)
{
    st->ss = cpu->segs[X86_SEG_SS];
    st->mask = (st->ss.attr & X86_SEGA_DB) ? UINT32_MAX : 0xffff;
    st->sp = (uint32_t)cpu->regs[X86_ESP];
    st->mmu_idx = x86_data_mmu_idx(cpu);
    st->fault_vector = X86_EXCP_SS;
    st->fault_code = 0;
}

void x86_stack_new(X86Stack *st, const X86Segment *ss, uint32_t sp, unsigned cpl,
                   uint32_t fault_code)
{
    st->ss = *ss;
    st->mask = (ss->attr & X86_SEGA_DB) ? UINT32_MAX : 0xffff;
    st->sp = sp;
    st->mmu_idx = cpl == 3 ? X86_MMU_USER : X86_MMU_KERNEL;
    st->fault_vector = X86_EXCP_SS;
    st->fault_code = fault_code;
}

/* The linear address of size bytes at stack offset off, checked. */
static uint32_t x86_stack_addr(X86CPU *cpu, const X86Stack *st, uint32_t off, unsigned size,
                               bool write)
{
    bool ok = write ? x86_range_ok(st->ss.write_lo, st->ss.write_hi, off, size)
                    : x86_range_ok(st->ss.read_lo, st->ss.read_hi, off, size);
    if (!ok) x86_raise_exception_err(cpu, st->fault_vector, st->fault_code);
    return (uint32_t)(st->ss.base + off);
}

void x86_stack_push(X86CPU *cpu, X86Stack *st, uint32_t v, unsigned size)
{
    uint32_t sp = (st->sp & ~st->mask) | ((st->sp - size) & st->mask);
    uint32_t a = x86_stack_addr(cpu, st, sp & st->mask, size, true);
    x86_store_linear(cpu, a, v, size, st->mmu_idx);
    st->sp = sp;
}

uint32_t x86_stack_peek(X86CPU *cpu, X86Stack *st, uint32_t offset, unsigned size)
{
    uint32_t a = x86_stack_addr(cpu, st, (st->sp + offset) & st->mask, size, false);
    return x86_load_linear(cpu, a, size, st->mmu_idx);
}

uint32_t x86_stack_pop(X86CPU *cpu, X86Stack *st, unsigned size)
{
    uint32_t v = x86_stack_peek(cpu, st, 0, size);
    st->sp = (st->sp & ~st->mask) | ((st->sp + size) & st->mask);
    return v;
}

void x86_stack_commit(X86CPU *cpu, const X86Stack *st, bool load_ss)
{
    if (load_ss) {
        /* A new stack: its pointer came whole from the TSS or the old stack. */
        x86_seg_set(cpu, X86_SEG_SS, &st->ss);
        cpu->regs[X86_ESP] = st->sp;
        return;
    }
    uint32_t esp = (uint32_t)cpu->regs[X86_ESP];
    cpu->regs[X86_ESP] = (esp & ~st->mask) | (st->sp & st->mask);
}
