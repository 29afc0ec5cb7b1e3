/*
 * Segment-register, far-transfer and descriptor-table instructions of
 * the system group (their table lines are in x86_insn_system.c): MOV,
 * PUSH and POP of segment registers, LDS LES LSS LFS LGS, far JMP, CALL,
 * RET and IRET, LGDT LIDT SGDT SIDT, LLDT LTR SLDT STR, LAR LSL VERR VERW
 * and ARPL.  Segment loads and far transfers are C helpers over the
 * runtime's x86_load_segment and x86_far_* (x86_seg.c), which do every
 * descriptor check of SDM Vol 3 §5.
 */
#include <stddef.h>

#include "frontends/x86/x86_core.h"
#include "frontends/x86/x86_internal.h"
#include "frontends/x86/x86_sysrt.h"
#include "frontends/x86/x86_system.h"

/* ================================================================ */
/* Segment-register loads                                            */

/* MOV, POP, LDS...: load seg; MOV SS and POP SS (inhibit) also open an
 * interrupt shadow for the next instruction (SDM Vol 3 §6.8.3).  Returns
 * whether the mode bits of the TB key changed. */
static uint64_t x86_helper_load_sreg_fn(CPUState *c, uint64_t seg, uint64_t selector,
                                        uint64_t inhibit)
{
    X86CPU *cpu = x86_cpu(c);
    uint32_t before = cpu->hflags;
    x86_load_segment(cpu, (int)seg, (uint16_t)selector);
    if (inhibit) cpu->inhibit_irq = true;
    return cpu->hflags != before;
}
static X86_HELPER(x86_helper_load_sreg, x86_helper_load_sreg_fn, X86_SYS_HELPER_FLAGS, IR_I32, 3,
                  IR_I32, IR_I32, IR_I32);

static IrVal x86_gen_load_sreg(X86Disas *d, unsigned seg, IrVal selector, bool inhibit)
{
    IrVal changed = ir_temp(d->b, IR_I32);
    IrVal args[3] = {ir_i32(d->b, seg), selector, ir_i32(d->b, inhibit)};
    x86_gen_call(d, &x86_helper_load_sreg, changed, args);
    return changed;
}

/* After a segment load and the instruction's register updates: in
 * protected mode a load may change CPL-dependent checks, SS32 or FLAT, so
 * the block ends; MOV/POP SS end it for the interrupt shadow.  Real-mode
 * BIOS code loads segments all the time, and there a load changes the TB
 * key only when it changes FLAT: the block goes on unless the helper
 * reported a change. */
static void x86_gen_sreg_load_end(X86Disas *d, IrVal changed, bool inhibit)
{
    bool real_or_vm86 = !(d->flags & X86_TBF_PE) || (d->flags & X86_TBF_VM86);
    bool one_insn = d->flags & (X86_TBF_TF | X86_TBF_INHIBIT_IRQ);
    if (inhibit || !real_or_vm86 || one_insn) {
        x86_gen_end_block(d);
        return;
    }
    IrBlock *b = d->b;
    uint32_t same = ir_label_new(b);
    ir_brcond(b, IR_I32, IR_EQ, changed, ir_i32(b, 0), same);
    x86_gen_set_pc(d, d->next_eip);
    ir_exit_tb(b, IR_EXIT_REQUEST);
    ir_label(b, same);
}

/* 8E: MOV Sreg, r/m16.  CS cannot be loaded this way (#UD, SDM Vol 2
 * MOV). */
void x86_lift_mov_to_sreg(X86Disas *d, const X86Insn *in)
{
    unsigned seg = in->op[0].reg;
    if (seg == X86_SEG_CS) {
        x86_gen_exception(d, X86_EXCP_UD);
        return;
    }
    IrVal sel = x86_gen_read_operand(d, in, 1);
    bool inhibit = seg == X86_SEG_SS;
    IrVal changed = x86_gen_load_sreg(d, seg, sel, inhibit);
    x86_gen_sreg_load_end(d, changed, inhibit);
}

void x86_sys_write_word_operand(X86Disas *d, const X86Insn *in, unsigned n, IrVal v)
{
    if (in->op[n].type == X86O_GPR) {
        x86_gen_set_reg(d, in->op[n].reg, in->opsize, v);
        return;
    }
    x86_gen_store(d, x86_gen_mem_linear(d, in, 2, true), v, 2);
}

/* 8C: MOV r/m16, Sreg. */
void x86_lift_mov_from_sreg(X86Disas *d, const X86Insn *in)
{
    x86_sys_write_word_operand(d, in, 0, x86_gen_read_operand(d, in, 1));
}

/* PUSH ES CS SS DS FS GS: with a 32-bit operand size the selector is
 * pushed zero-extended (SDM Vol 2 PUSH allows this or a 16-bit write;
 * QEMU, the differential reference, zero-extends). */
void x86_lift_push_sreg(X86Disas *d, const X86Insn *in)
{
    x86_gen_push(d, x86_gen_read_operand(d, in, 0), in->opsize);
}

/* POP ES SS DS FS GS: ESP moves after the load succeeded. */
void x86_lift_pop_sreg(X86Disas *d, const X86Insn *in)
{
    unsigned seg = in->op[0].reg;
    bool inhibit = seg == X86_SEG_SS;
    IrVal sel = x86_gen_pop(d, in->opsize);
    IrVal changed = x86_gen_load_sreg(d, seg, sel, inhibit);
    x86_gen_pop_commit(d, in->opsize);
    x86_gen_sreg_load_end(d, changed, inhibit);
}

/* A far pointer m16:16 or m16:32 at the memory operand: offset first,
 * then the selector. */
static void x86_gen_read_far_pointer(X86Disas *d, const X86Insn *in, IrVal *offset, IrVal *selector)
{
    unsigned size = in->opsize;
    IrVal lin = x86_gen_mem_linear(d, in, size + 2, false);
    *offset = x86_gen_load(d, lin, size);
    IrVal sel_lin = ir_temp(d->b, IR_I32);
    ir_op2(d->b, IR_add, IR_I32, sel_lin, lin, ir_i32(d->b, size));
    *selector = x86_gen_load(d, sel_lin, 2);
}

/* LDS LES LSS LFS LGS r, m16:16/32 (the register form is #UD by the
 * table's M operand). */
void x86_lift_load_far_pointer(X86Disas *d, const X86Insn *in)
{
    IrVal offset, sel;
    x86_gen_read_far_pointer(d, in, &offset, &sel);
    IrVal changed = x86_gen_load_sreg(d, (unsigned)in->def->arg, sel, false);
    x86_gen_set_reg(d, in->op[0].reg, in->opsize, offset);
    x86_gen_sreg_load_end(d, changed, false);
}

/* ================================================================ */
/* Far transfers                                                     */

static uint64_t x86_helper_jmp_far_fn(CPUState *c, uint64_t sel, uint64_t offset, uint64_t next_eip)
{
    x86_far_jump(x86_cpu(c), (uint16_t)sel, (uint32_t)offset, (uint32_t)next_eip);
    return 0;
}
static X86_HELPER(x86_helper_jmp_far, x86_helper_jmp_far_fn, X86_SYS_HELPER_FLAGS, IR_VOID, 3,
                  IR_I32, IR_I32, IR_I32);

static uint64_t x86_helper_call_far_fn(CPUState *c, uint64_t sel, uint64_t offset, uint64_t opsize,
                                       uint64_t next_eip)
{
    x86_far_call(x86_cpu(c), (uint16_t)sel, (uint32_t)offset, (unsigned)opsize, (uint32_t)next_eip);
    return 0;
}
static X86_HELPER(x86_helper_call_far, x86_helper_call_far_fn, X86_SYS_HELPER_FLAGS, IR_VOID, 4,
                  IR_I32, IR_I32, IR_I32, IR_I32);

/* The target of EA (ptr16:16/32 immediate) or FF /3 /5 (m16:16/32). */
static void x86_gen_far_target(X86Disas *d, const X86Insn *in, IrVal *offset, IrVal *sel)
{
    const X86Operand *o = &in->op[0];
    if (o->type == X86O_FAR) {
        *offset = ir_i32(d->b, (uint32_t)o->imm);
        *sel = ir_i32(d->b, o->sel);
    } else {
        x86_gen_read_far_pointer(d, in, offset, sel);
    }
}

/* EA, FF /5: JMP far. */
void x86_lift_jmp_far(X86Disas *d, const X86Insn *in)
{
    IrVal offset, sel;
    x86_gen_far_target(d, in, &offset, &sel);
    IrVal args[3] = {sel, offset, ir_i32(d->b, d->next_eip)};
    x86_gen_call(d, &x86_helper_jmp_far, IR_NONE, args);
    x86_sys_exit_to_pc(d);
}

/* 9A, FF /3: CALL far. */
void x86_lift_call_far(X86Disas *d, const X86Insn *in)
{
    IrVal offset, sel;
    x86_gen_far_target(d, in, &offset, &sel);
    IrVal args[4] = {sel, offset, ir_i32(d->b, in->opsize), ir_i32(d->b, d->next_eip)};
    x86_gen_call(d, &x86_helper_call_far, IR_NONE, args);
    x86_sys_exit_to_pc(d);
}

static uint64_t x86_helper_retf_fn(CPUState *c, uint64_t opsize, uint64_t pop_bytes)
{
    x86_far_return(x86_cpu(c), (unsigned)opsize, (uint16_t)pop_bytes);
    return 0;
}
static X86_HELPER(x86_helper_retf, x86_helper_retf_fn, X86_SYS_HELPER_FLAGS, IR_VOID, 2, IR_I32,
                  IR_I32);

/* CB, CA iw: RETF. */
void x86_lift_retf(X86Disas *d, const X86Insn *in)
{
    uint32_t pop = in->nopnds ? (uint32_t)in->op[0].imm & 0xffff : 0;
    IrVal args[2] = {ir_i32(d->b, in->opsize), ir_i32(d->b, pop)};
    x86_gen_call(d, &x86_helper_retf, IR_NONE, args);
    x86_sys_exit_to_pc(d);
}

/* IRET in virtual-8086 mode is IOPL-sensitive: #GP(0) below IOPL 3,
 * except the 16-bit form under CR4.VME (SDM Vol 2 IRET "Operation",
 * Vol 3 §20.4), which the runtime's x86_iret handles with VIF. */
static uint64_t x86_helper_iret_fn(CPUState *c, uint64_t opsize, uint64_t next_eip)
{
    X86CPU *cpu = x86_cpu(c);
    if ((cpu->eflags & X86_VM) && (cpu->eflags & X86_IOPL) != X86_IOPL &&
        !((cpu->cr[4] & X86_CR4_VME) && opsize == 2))
        x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    x86_iret(cpu, (unsigned)opsize, (uint32_t)next_eip);
    return 0;
}
static X86_HELPER(x86_helper_iret, x86_helper_iret_fn, X86_SYS_HELPER_FLAGS, IR_VOID, 2, IR_I32,
                  IR_I32);

/* CF: IRET/IRETD. */
void x86_lift_iret(X86Disas *d, const X86Insn *in)
{
    IrVal args[2] = {ir_i32(d->b, in->opsize), ir_i32(d->b, d->next_eip)};
    x86_gen_call(d, &x86_helper_iret, IR_NONE, args);
    x86_sys_exit_to_pc(d);
}

/* ================================================================ */
/* Descriptor-table registers                                        */

/* LGDT, LIDT m16&32: a 16-bit operand size loads 24 bits of base (SDM
 * Vol 2 LGDT/LIDT "Operation").  Privilege: the table line's X86F_PRIV
 * (real mode is CPL 0; virtual-8086 mode CPL 3). */
void x86_lift_load_table_reg(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    int64_t reg = in->def->arg;
    IrVal lin = x86_gen_mem_linear(d, in, 6, false);
    IrVal limit = x86_gen_load(d, lin, 2);
    IrVal base_lin = ir_temp(b, IR_I32);
    ir_op2(b, IR_add, IR_I32, base_lin, lin, ir_i32(b, 2));
    IrVal base = x86_gen_load(d, base_lin, 4);
    if (in->opsize == 2) ir_op2(b, IR_and, IR_I32, base, base, ir_i32(b, 0xffffff));
    IrVal base64 = ir_temp(b, IR_I64);
    ir_op1(b, IR_zext, IR_I64, base64, base);
    ir_st_env(b, IR_I64, base64, IR_ENV, reg + (int64_t)offsetof(X86TableReg, base), IR_MO_64);
    ir_st_env(b, IR_I32, limit, IR_ENV, reg + (int64_t)offsetof(X86TableReg, limit), IR_MO_32);
}

/* SGDT, SIDT m: the limit, then the base; with a 16-bit operand size
 * the base's top byte is stored as 0 (SDM Vol 2 SGDT "Operation").  Not
 * privileged on this processor (no UMIP). */
void x86_lift_store_table_reg(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    int64_t reg = in->def->arg;
    IrVal lin = x86_gen_mem_linear(d, in, 6, true);
    IrVal limit = ir_temp(b, IR_I32), base = ir_temp(b, IR_I32);
    ir_ld_env(b, IR_I32, limit, IR_ENV, reg + (int64_t)offsetof(X86TableReg, limit), IR_MO_16);
    ir_ld_env(b, IR_I32, base, IR_ENV, reg + (int64_t)offsetof(X86TableReg, base), IR_MO_32);
    if (in->opsize == 2) ir_op2(b, IR_and, IR_I32, base, base, ir_i32(b, 0xffffff));
    x86_gen_store(d, lin, limit, 2);
    IrVal base_lin = ir_temp(b, IR_I32);
    ir_op2(b, IR_add, IR_I32, base_lin, lin, ir_i32(b, 2));
    x86_gen_store(d, base_lin, base, 4);
}

/* ================================================================ */
/* LDTR and TR                                                       */

static void x86_set_sys_segment(X86Segment *s, uint16_t selector, uint64_t desc)
{
    s->selector = selector;
    s->base = x86_desc_base(desc);
    s->limit = x86_desc_limit(desc);
    s->attr = x86_desc_attr(desc);
}

/* Reads the GDT descriptor of a system-segment selector for LLDT/LTR:
 * #GP(selector) if it is not in the GDT or outside its limit. */
static uint64_t x86_read_gdt_descriptor(X86CPU *cpu, uint16_t sel)
{
    uint64_t desc;
    if ((sel & 4) || !x86_read_descriptor(cpu, sel, &desc))
        x86_raise_exception_err(cpu, X86_EXCP_GP, x86_sel_error(sel, false));
    return desc;
}

/* LLDT (SDM Vol 2 LLDT): a null selector leaves LDTR unusable;
 * otherwise an LDT descriptor (type 2) in the GDT, present. */
static uint64_t x86_helper_lldt_fn(CPUState *c, uint64_t selector)
{
    X86CPU *cpu = x86_cpu(c);
    uint16_t sel = (uint16_t)selector;
    if (!(sel & 0xfffc)) {
        cpu->ldtr = (X86Segment){.selector = sel};
        return 0;
    }
    uint64_t desc = x86_read_gdt_descriptor(cpu, sel);
    uint16_t attr = x86_desc_attr(desc);
    if ((attr & X86_SEGA_S) || (attr & X86_SEGA_TYPE) != X86_SYS_LDT)
        x86_raise_exception_err(cpu, X86_EXCP_GP, x86_sel_error(sel, false));
    if (!(attr & X86_SEGA_P)) x86_raise_exception_err(cpu, X86_EXCP_NP, x86_sel_error(sel, false));
    x86_set_sys_segment(&cpu->ldtr, sel, desc);
    return 0;
}
static X86_HELPER(x86_helper_lldt, x86_helper_lldt_fn, X86_SYS_HELPER_FLAGS, IR_VOID, 1, IR_I32);

/* LTR (SDM Vol 2 LTR): an available TSS descriptor in the GDT, present;
 * it is marked busy in memory and in TR. */
static uint64_t x86_helper_ltr_fn(CPUState *c, uint64_t selector)
{
    X86CPU *cpu = x86_cpu(c);
    uint16_t sel = (uint16_t)selector;
    if (!(sel & 0xfffc)) x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    uint64_t desc = x86_read_gdt_descriptor(cpu, sel);
    uint16_t attr = x86_desc_attr(desc);
    unsigned type = attr & X86_SEGA_TYPE;
    if ((attr & X86_SEGA_S) || (type != X86_SYS_TSS16_AVAIL && type != X86_SYS_TSS32_AVAIL))
        x86_raise_exception_err(cpu, X86_EXCP_GP, x86_sel_error(sel, false));
    if (!(attr & X86_SEGA_P)) x86_raise_exception_err(cpu, X86_EXCP_NP, x86_sel_error(sel, false));
    uint32_t type_byte = (uint32_t)(desc >> 40) & 0xff;
    x86_store_linear(cpu, (uint32_t)cpu->gdtr.base + (sel & 0xfff8u) + 5,
                     type_byte | X86_TSS_BUSY_BIT, 1, X86_MMU_KERNEL);
    x86_set_sys_segment(&cpu->tr, sel, desc);
    cpu->tr.attr |= X86_TSS_BUSY_BIT;
    return 0;
}
static X86_HELPER(x86_helper_ltr, x86_helper_ltr_fn, X86_SYS_HELPER_FLAGS, IR_VOID, 1, IR_I32);

/* LLDT and LTR: protected mode only (#UD), then CPL 0 (#GP(0)), in that
 * order, so they are not X86F_PRIV lines. */
static void x86_gen_load_sys_selector(X86Disas *d, const X86Insn *in, const IrHelper *h)
{
    if (!x86_sys_require_protected(d)) return;
    if (d->flags & X86_TBF_CPL) {
        x86_gen_exception_err(d, X86_EXCP_GP, 0);
        return;
    }
    IrVal sel = x86_gen_read_operand(d, in, 0);
    x86_gen_call(d, h, IR_NONE, &sel);
}

void x86_lift_lldt(X86Disas *d, const X86Insn *in)
{
    x86_gen_load_sys_selector(d, in, &x86_helper_lldt);
}

void x86_lift_ltr(X86Disas *d, const X86Insn *in)
{
    x86_gen_load_sys_selector(d, in, &x86_helper_ltr);
}

/* SLDT, STR r/m16. */
void x86_lift_store_sys_selector(X86Disas *d, const X86Insn *in)
{
    if (!x86_sys_require_protected(d)) return;
    IrVal sel = ir_temp(d->b, IR_I32);
    ir_ld_env(d->b, IR_I32, sel, IR_ENV, in->def->arg + (int64_t)offsetof(X86Segment, selector),
              IR_MO_16);
    x86_sys_write_word_operand(d, in, 0, sel);
}

/* ================================================================ */
/* LAR LSL VERR VERW ARPL: results in ZF                             */

/* ZF := zf (an i32 0/1), the other flags kept. */
static void x86_gen_set_zf(X86Disas *d, IrVal zf)
{
    IrBlock *b = d->b;
    IrVal flags = x86_gen_compute_flags(d);
    IrVal bit = ir_temp(b, IR_I32), out = ir_temp(b, IR_I32);
    ir_op2(b, IR_and, IR_I32, out, flags, ir_i32(b, ~(uint32_t)X86_ZF));
    ir_op2(b, IR_shl, IR_I32, bit, zf, ir_i32(b, 6));
    ir_op2(b, IR_or, IR_I32, out, out, bit);
    x86_gen_set_cc(d, X86_CC_OP_EFLAGS, IR_NONE, out, IR_NONE);
}

/* Whether the descriptor of selector passes the privilege rule of LAR,
 * LSL and VERR/VERW: DPL >= CPL and DPL >= RPL, except conforming code
 * segments. */
static bool x86_desc_visible(const X86CPU *cpu, uint16_t sel, uint16_t attr)
{
    if (x86_attr_is_conforming(attr)) return true;
    unsigned dpl = x86_attr_dpl(attr);
    return dpl >= x86_cpl(cpu) && dpl >= (sel & 3u);
}

/* The descriptor of a non-null selector inside its table, or false. */
static bool x86_lookup_descriptor(X86CPU *cpu, uint16_t sel, uint64_t *desc)
{
    return (sel & 0xfffc) && x86_read_descriptor(cpu, sel, desc);
}

/* System types whose access rights LAR reports (SDM Vol 2 LAR table
 * 3-53) and whose limit LSL reports (LSL table 3-62): TSSs and LDTs,
 * and for LAR also call and task gates. */
static bool x86_sys_type_ok(unsigned type, bool lsl)
{
    switch (type) {
    case X86_SYS_TSS16_AVAIL:
    case X86_SYS_LDT:
    case X86_SYS_TSS16_BUSY:
    case X86_SYS_TSS32_AVAIL:
    case X86_SYS_TSS32_BUSY: return true;
    case X86_SYS_CALL16:
    case X86_SYS_TASK:
    case X86_SYS_CALL32: return !lsl;
    default: return false;
    }
}

/* LAR (kind 0) or LSL (kind 1) of selector with operand size opsize:
 * bit 32 set if valid (ZF), bits 31-0 the value for the register. */
static uint64_t x86_helper_lar_lsl_fn(CPUState *c, uint64_t selector, uint64_t kind,
                                      uint64_t opsize)
{
    X86CPU *cpu = x86_cpu(c);
    uint16_t sel = (uint16_t)selector;
    bool lsl = kind != 0;
    uint64_t desc;
    if (!x86_lookup_descriptor(cpu, sel, &desc)) return 0;
    uint16_t attr = x86_desc_attr(desc);
    if (!(attr & X86_SEGA_S) && !x86_sys_type_ok(attr & X86_SEGA_TYPE, lsl)) return 0;
    if (!x86_desc_visible(cpu, sel, attr)) return 0;
    uint32_t value;
    if (lsl)
        value = x86_desc_limit(desc);
    else /* descriptor bits 8-23 of the high word, minus the limit */
        value = (uint32_t)(desc >> 32) & (opsize == 2 ? 0xff00u : 0x00f0ff00u);
    if (opsize == 2) value &= 0xffff;
    return 1ull << 32 | value;
}
static X86_HELPER(x86_helper_lar_lsl, x86_helper_lar_lsl_fn,
                  IR_CALL_READS_STATE | IR_CALL_MAY_RAISE, IR_I64, 3, IR_I32, IR_I32, IR_I32);

/* 0F 02 LAR, 0F 03 LSL r, r/m16: the register is written only when ZF
 * is set. */
void x86_lift_lar_lsl(X86Disas *d, const X86Insn *in)
{
    if (!x86_sys_require_protected(d)) return;
    IrBlock *b = d->b;
    IrVal sel = x86_gen_read_operand(d, in, 1);
    IrVal r = ir_temp(b, IR_I64);
    IrVal args[3] = {sel, ir_i32(b, (uint32_t)in->def->arg), ir_i32(b, in->opsize)};
    x86_gen_call(d, &x86_helper_lar_lsl, r, args);
    IrVal hi = ir_temp(b, IR_I64), valid = ir_temp(b, IR_I32), value = ir_temp(b, IR_I32);
    ir_op2(b, IR_shr, IR_I64, hi, r, ir_i64(b, 32));
    ir_op1(b, IR_trunc, IR_I32, valid, hi);
    ir_op1(b, IR_trunc, IR_I32, value, r);
    unsigned reg = in->op[0].reg;
    IrVal old = x86_gen_get_reg(d, reg, in->opsize), result = ir_temp(b, IR_I32);
    ir_movcond(b, IR_I32, IR_NE, result, valid, ir_i32(b, 0), value, old);
    x86_gen_set_reg(d, reg, in->opsize, result);
    x86_gen_set_zf(d, valid);
}

/* VERR (kind 0) / VERW (kind 1): 1 if the segment is readable/writable
 * at the current privilege (SDM Vol 2 VERR/VERW "Operation"). */
static uint64_t x86_helper_verr_verw_fn(CPUState *c, uint64_t selector, uint64_t kind)
{
    X86CPU *cpu = x86_cpu(c);
    uint16_t sel = (uint16_t)selector;
    uint64_t desc;
    if (!x86_lookup_descriptor(cpu, sel, &desc)) return 0;
    uint16_t attr = x86_desc_attr(desc);
    if (!(attr & X86_SEGA_S)) return 0;
    bool code = attr & X86_SEGA_CODE, rw = attr & X86_SEGA_WRITABLE;
    if (kind) /* VERW: writable data only */
        return !code && rw && x86_desc_visible(cpu, sel, attr);
    if (code && !rw) return 0; /* execute-only */
    return x86_desc_visible(cpu, sel, attr);
}
static X86_HELPER(x86_helper_verr_verw, x86_helper_verr_verw_fn,
                  IR_CALL_READS_STATE | IR_CALL_MAY_RAISE, IR_I32, 2, IR_I32, IR_I32);

/* 0F 00 /4 VERR, /5 VERW r/m16. */
void x86_lift_verr_verw(X86Disas *d, const X86Insn *in)
{
    if (!x86_sys_require_protected(d)) return;
    IrVal ok = ir_temp(d->b, IR_I32);
    IrVal args[2] = {x86_gen_read_operand(d, in, 0), ir_i32(d->b, (uint32_t)in->def->arg)};
    x86_gen_call(d, &x86_helper_verr_verw, ok, args);
    x86_gen_set_zf(d, ok);
}

/* 63: ARPL r/m16, r16: raise the destination's RPL to the source's (ZF
 * set), else ZF clear (SDM Vol 2 ARPL).  The destination is written in
 * both cases, as QEMU does; the value is unchanged in the second. */
void x86_lift_arpl(X86Disas *d, const X86Insn *in)
{
    if (!x86_sys_require_protected(d)) return;
    IrBlock *b = d->b;
    if (in->op[0].type == X86O_MEM) x86_gen_mem_linear(d, in, 2, true);
    IrVal dst = x86_gen_read_operand(d, in, 0), src = x86_gen_read_operand(d, in, 1);
    IrVal drpl = ir_temp(b, IR_I32), srpl = ir_temp(b, IR_I32), raise = ir_temp(b, IR_I32);
    ir_op2(b, IR_and, IR_I32, drpl, dst, ir_i32(b, 3));
    ir_op2(b, IR_and, IR_I32, srpl, src, ir_i32(b, 3));
    ir_setcond(b, IR_I32, IR_LTU, raise, drpl, srpl);
    IrVal raised = ir_temp(b, IR_I32), result = ir_temp(b, IR_I32);
    ir_op2(b, IR_and, IR_I32, raised, dst, ir_i32(b, 0xfffc));
    ir_op2(b, IR_or, IR_I32, raised, raised, srpl);
    ir_movcond(b, IR_I32, IR_NE, result, raise, ir_i32(b, 0), raised, dst);
    x86_gen_write_operand(d, in, 0, result);
    x86_gen_set_zf(d, raise);
}
