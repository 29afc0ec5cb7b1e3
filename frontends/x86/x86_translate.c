/*
 * The x86 translation loop and the IR building blocks every lifter uses:
 * registers (with the AH..BH byte halves), effective addresses, segment
 * checks, guest memory, the stack, exceptions and block exits.
 *
 * A block runs from the start pc to the first branch, state-changing
 * instruction, page end or instruction limit; with EFLAGS.TF or in an
 * interrupt shadow it holds one instruction.  The pc global (the linear
 * address cs.base + EIP) is written only at exits and before helpers that
 * read state; a fault inside a block rebuilds pc from insn_start data.
 * The cc_op global is always kept current, so insn_start carries 0 as
 * aux0 (restore_state need not rebuild it); aux1 says whether EFLAGS.RF
 * was set (X86_INSN_DATA_RF).
 *
 * The CS limit (SDM Vol 3 §5.3, Vol 2 JMP "Operation") is not part of
 * the TB key, so a block outside X86_TBF_FLAT is translated for the
 * limit CS has at translation time and starts with a guard comparing it
 * with the current one; a block whose guard fails runs as one uncached
 * instruction translated afresh.  Against that limit the loop raises
 * #GP(0) for an instruction running past it, and jumps to a target
 * beyond it raise #GP(0) at the jump.
 */
#include <stddef.h>
#include <string.h>

#include "core/log.h"
#include "core/tb.h"
#include "core/translator.h"
#include "frontends/x86/x86_core.h"
#include "frontends/x86/x86_debug.h"
#include "frontends/x86/x86_internal.h"

enum {
    G_CC_OP = X86_NUM_GPRS,
    G_CC_DST,
    G_CC_SRC,
    G_CC_SRC2,
    G_DF,
    G_PC,
};

static const IrGlobal x86_global_list[] = {
#define R(n, name)                                                                                 \
    {                                                                                              \
        name, IR_I32, offsetof(X86CPU, regs[n])                                                    \
    }
    R(X86_EAX, "eax"),
    R(X86_ECX, "ecx"),
    R(X86_EDX, "edx"),
    R(X86_EBX, "ebx"),
    R(X86_ESP, "esp"),
    R(X86_EBP, "ebp"),
    R(X86_ESI, "esi"),
    R(X86_EDI, "edi"),
#undef R
    [G_CC_OP] = {"cc_op", IR_I32, offsetof(X86CPU, cc_op)},
    [G_CC_DST] = {"cc_dst", IR_I32, offsetof(X86CPU, cc_dst)},
    [G_CC_SRC] = {"cc_src", IR_I32, offsetof(X86CPU, cc_src)},
    [G_CC_SRC2] = {"cc_src2", IR_I32, offsetof(X86CPU, cc_src2)},
    [G_DF] = {"df", IR_I32, offsetof(X86CPU, df)},
    [G_PC] = {"pc", IR_I64, offsetof(X86CPU, common.pc)},
};
const IrGlobalTable x86_globals = {x86_global_list,
                                   sizeof x86_global_list / sizeof x86_global_list[0]};

/* ---- helpers called from IR ---- */

static uint64_t x86_helper_raise_fn(CPUState *cpu, uint64_t vector)
{
    x86_raise_exception(x86_cpu(cpu), (int)vector);
}

static uint64_t x86_helper_raise_err_fn(CPUState *cpu, uint64_t vector, uint64_t error_code)
{
    x86_raise_exception_err(x86_cpu(cpu), (int)vector, (uint32_t)error_code);
}

static const IrHelper x86_helper_raise = {
    .name = "x86_raise_exception",
    .fn = (void (*)(void))x86_helper_raise_fn,
    .flags = IR_CALL_READS_STATE | IR_CALL_MAY_RAISE | IR_CALL_NORETURN,
    .ret = IR_VOID,
    .nargs = 1,
    .args = {IR_I32},
};

static const IrHelper x86_helper_raise_err = {
    .name = "x86_raise_exception_err",
    .fn = (void (*)(void))x86_helper_raise_err_fn,
    .flags = IR_CALL_READS_STATE | IR_CALL_MAY_RAISE | IR_CALL_NORETURN,
    .ret = IR_VOID,
    .nargs = 2,
    .args = {IR_I32, IR_I32},
};

/* SDM Vol 3 §17.3.1.4: the single-step trap is taken after the
 * instruction, with DR6.BS set (and B0-B3 for data breakpoints the
 * instruction hit); the saved EIP is the next instruction, which the pc
 * global already holds (no restore to the insn_start). */
static uint64_t x86_helper_single_step_fn(CPUState *c)
{
    x86_debug_trap(x86_cpu(c), true, false);
    cpu_loop_exit(c); /* not reached: single step always traps */
}

const IrHelper x86_helper_single_step = {
    .name = "x86_single_step",
    .fn = (void (*)(void))x86_helper_single_step_fn,
    .flags = IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_NORETURN,
    .ret = IR_VOID,
    .nargs = 0,
};

/* The CS limit changed since the block was translated for it: run the
 * instruction alone, translated (and checked) for the current limit. */
static uint64_t x86_helper_cs_limit_changed_fn(CPUState *c)
{
    c->cflags_next_tb = 1 | CF_NOCACHE;
    cpu_loop_exit_restore(c); /* nothing of the block ran: it is not counted */
}

static const IrHelper x86_helper_cs_limit_changed = {
    .name = "x86_cs_limit_changed",
    .fn = (void (*)(void))x86_helper_cs_limit_changed_fn,
    .flags = IR_CALL_READS_STATE | IR_CALL_MAY_RAISE | IR_CALL_NORETURN,
    .ret = IR_VOID,
    .nargs = 0,
};

/* ---- general registers ---- */

IrVal x86_gen_get_reg(X86Disas *d, unsigned reg, unsigned size)
{
    IrVal t = ir_temp(d->b, IR_I32);
    if (size == 1 && reg >= 4)
        ir_extract(d->b, IR_extract, IR_I32, t, d->gpr[reg - 4], 8, 8);
    else if (size == 1)
        ir_op1(d->b, IR_ext8u, IR_I32, t, d->gpr[reg]);
    else if (size == 2)
        ir_op1(d->b, IR_ext16u, IR_I32, t, d->gpr[reg & 7]);
    else
        ir_mov(d->b, IR_I32, t, d->gpr[reg & 7]);
    return t;
}

void x86_gen_set_reg(X86Disas *d, unsigned reg, unsigned size, IrVal v)
{
    if (size == 1 && reg >= 4)
        ir_deposit(d->b, IR_I32, d->gpr[reg - 4], d->gpr[reg - 4], v, 8, 8);
    else if (size == 1)
        ir_deposit(d->b, IR_I32, d->gpr[reg], d->gpr[reg], v, 0, 8);
    else if (size == 2)
        ir_deposit(d->b, IR_I32, d->gpr[reg & 7], d->gpr[reg & 7], v, 0, 16);
    else
        ir_mov(d->b, IR_I32, d->gpr[reg & 7], v);
}

/* ---- addresses ---- */

IrVal x86_gen_ea_offset(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    const X86MemOperand *m = &in->mem;
    IrVal t = ir_temp(b, IR_I32);
    ir_mov(b, IR_I32, t, ir_i32(b, (uint32_t)m->disp));
    if (m->base != X86_REG_NONE) ir_op2(b, IR_add, IR_I32, t, t, d->gpr[m->base]);
    if (m->index != X86_REG_NONE) {
        IrVal idx = d->gpr[m->index];
        if (m->scale) {
            idx = ir_temp(b, IR_I32);
            ir_op2(b, IR_shl, IR_I32, idx, d->gpr[m->index], ir_i32(b, m->scale));
        }
        ir_op2(b, IR_add, IR_I32, t, t, idx);
    }
    if (in->addrsize == 2) ir_op1(b, IR_ext16u, IR_I32, t, t);
    return t;
}

/* Under X86_TBF_FLAT these accesses need neither base nor checks. */
static bool x86_seg_is_flat(const X86Disas *d, unsigned seg, bool write)
{
    if (!(d->flags & X86_TBF_FLAT)) return false;
    if (write) return seg == X86_SEG_DS || seg == X86_SEG_ES || seg == X86_SEG_SS;
    return seg == X86_SEG_CS || seg == X86_SEG_SS || seg == X86_SEG_DS || seg == X86_SEG_ES;
}

IrVal x86_gen_linear(X86Disas *d, unsigned seg, IrVal offset, unsigned size, bool write)
{
    IrBlock *b = d->b;
    seg %= X86_NUM_SEGS;
    IrVal lin = ir_temp(b, IR_I32);
    if (x86_seg_is_flat(d, seg, write)) {
        ir_mov(b, IR_I32, lin, offset);
        return lin;
    }
    if (size) {
        /* SDM Vol 3 §5.3: the whole access [off, off + size - 1] must lie
         * in the allowed range (x86_segment_update_checks folds limit,
         * expand-down, type and null selector into it). */
        size_t lo_off =
            write ? offsetof(X86CPU, segs[0].write_lo) : offsetof(X86CPU, segs[0].read_lo);
        size_t hi_off =
            write ? offsetof(X86CPU, segs[0].write_hi) : offsetof(X86CPU, segs[0].read_hi);
        size_t stride = sizeof(X86Segment) * seg;
        IrVal lo = ir_temp(b, IR_I32), hi = ir_temp(b, IR_I32), last = ir_temp(b, IR_I32);
        ir_ld_env(b, IR_I32, lo, IR_ENV, (int64_t)(lo_off + stride), IR_MO_32);
        ir_ld_env(b, IR_I32, hi, IR_ENV, (int64_t)(hi_off + stride), IR_MO_32);
        uint32_t fault = ir_label_new(b), ok = ir_label_new(b);
        ir_brcond(b, IR_I32, IR_LTU, offset, lo, fault);
        ir_op2(b, IR_add, IR_I32, last, offset, ir_i32(b, size - 1));
        if (size > 1) ir_brcond(b, IR_I32, IR_LTU, last, offset, fault); /* wrapped past 4G */
        ir_brcond(b, IR_I32, IR_GTU, last, hi, fault);
        ir_br(b, ok);
        ir_label(b, fault);
        IrVal args[2] = {ir_i32(b, seg == X86_SEG_SS ? X86_EXCP_SS : X86_EXCP_GP), ir_i32(b, 0)};
        ir_call(b, &x86_helper_raise_err, IR_NONE, args);
        ir_label(b, ok);
    }
    IrVal base = ir_temp(b, IR_I32);
    ir_ld_env(b, IR_I32, base, IR_ENV, (int64_t)offsetof(X86CPU, segs[seg].base), IR_MO_32);
    ir_op2(b, IR_add, IR_I32, lin, offset, base);
    return lin;
}

IrVal x86_gen_mem_linear(X86Disas *d, const X86Insn *in, unsigned size, bool write)
{
    if (d->mem_linear != IR_NONE) return d->mem_linear;
    IrVal off = x86_gen_ea_offset(d, in);
    d->mem_linear = x86_gen_linear(d, in->mem.seg, off, size, write);
    return d->mem_linear;
}

/* ---- guest memory ---- */

static unsigned x86_memop(unsigned size)
{
    return size == 1 ? IR_MO_8 : size == 2 ? IR_MO_16 : size == 4 ? IR_MO_32 : IR_MO_64;
}

/* Data breakpoints: the access's whole range (the page walk only sees
 * its first byte, x86_debug.c). */
static void x86_gen_dbp_access(X86Disas *d, IrVal linear, unsigned size, bool write)
{
    if (!(d->flags & X86_TBF_DBP)) return;
    IrVal args[2] = {linear, ir_i32(d->b, size | (write ? 1u << 8 : 0))};
    x86_gen_call(d, &x86_helper_dbp_access, IR_NONE, args);
}

IrVal x86_gen_load(X86Disas *d, IrVal linear, unsigned size)
{
    x86_gen_dbp_access(d, linear, size, false);
    IrType t = size == 8 ? IR_I64 : IR_I32;
    IrVal v = ir_temp(d->b, t);
    ir_ld(d->b, t, v, linear, x86_memop(size), d->mmu_idx);
    return v;
}

void x86_gen_store(X86Disas *d, IrVal linear, IrVal v, unsigned size)
{
    x86_gen_dbp_access(d, linear, size, true);
    IrType t = size == 8 ? IR_I64 : IR_I32;
    ir_st(d->b, t, v, linear, x86_memop(size), d->mmu_idx);
}

/* ---- operands ---- */

static uint32_t x86_mask(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static unsigned x86_opnd_size(const X86Insn *in, unsigned n)
{
    return in->op[n].size ? in->op[n].size : in->opsize;
}

/* Offset of a string operand: eSI or eDI by address size. */
static IrVal x86_gen_str_offset(X86Disas *d, const X86Insn *in, const X86Operand *o)
{
    IrVal off = ir_temp(d->b, IR_I32);
    if (in->addrsize == 2)
        ir_op1(d->b, IR_ext16u, IR_I32, off, d->gpr[o->reg & 7]);
    else
        ir_mov(d->b, IR_I32, off, d->gpr[o->reg & 7]);
    return off;
}

IrVal x86_gen_read_operand(X86Disas *d, const X86Insn *in, unsigned n)
{
    IrBlock *b = d->b;
    const X86Operand *o = &in->op[n];
    unsigned size = x86_opnd_size(in, n);
    switch ((X86OperandType)o->type) {
    case X86O_GPR: return x86_gen_get_reg(d, o->reg, size);
    case X86O_MEM: return x86_gen_load(d, x86_gen_mem_linear(d, in, size, false), size);
    case X86O_IMM: return ir_i32(b, (uint32_t)o->imm & x86_mask(size));
    case X86O_STR: {
        IrVal lin = x86_gen_linear(d, o->seg, x86_gen_str_offset(d, in, o), size, false);
        return x86_gen_load(d, lin, size);
    }
    case X86O_SREG: {
        IrVal t = ir_temp(b, IR_I32);
        ir_ld_env(b, IR_I32, t, IR_ENV,
                  (int64_t)offsetof(X86CPU, segs[o->reg % X86_NUM_SEGS].selector), IR_MO_16);
        return t;
    }
    case X86O_CR: {
        IrVal t = ir_temp(b, IR_I32);
        ir_ld_env(b, IR_I32, t, IR_ENV, (int64_t)offsetof(X86CPU, cr[o->reg % 5]), IR_MO_32);
        return t;
    }
    case X86O_DR: {
        IrVal t = ir_temp(b, IR_I32);
        ir_ld_env(b, IR_I32, t, IR_ENV, (int64_t)offsetof(X86CPU, dr[o->reg & 7]), IR_MO_32);
        return t;
    }
    default: return ir_i32(b, 0);
    }
}

void x86_gen_write_operand(X86Disas *d, const X86Insn *in, unsigned n, IrVal v)
{
    const X86Operand *o = &in->op[n];
    unsigned size = x86_opnd_size(in, n);
    switch ((X86OperandType)o->type) {
    case X86O_GPR: x86_gen_set_reg(d, o->reg, size, v); break;
    case X86O_MEM: x86_gen_store(d, x86_gen_mem_linear(d, in, size, true), v, size); break;
    case X86O_STR: {
        IrVal lin = x86_gen_linear(d, o->seg, x86_gen_str_offset(d, in, o), size, true);
        x86_gen_store(d, lin, v, size);
        break;
    }
    default:
        /* Segment, control and debug registers go through their own
         * lifters (the loads have checks); nothing to write here. */
        LOG_MASK(LOG_UNIMP, "x86: %s: operand %u cannot be written generically\n", in->def->name,
                 n);
        break;
    }
}

/* ---- the stack ---- */

/* The stack pointer as an offset: ESP, or SP in a 16-bit stack segment. */
static IrVal x86_gen_sp(X86Disas *d)
{
    IrVal sp = ir_temp(d->b, IR_I32);
    if (d->flags & X86_TBF_SS32)
        ir_mov(d->b, IR_I32, sp, d->gpr[X86_ESP]);
    else
        ir_op1(d->b, IR_ext16u, IR_I32, sp, d->gpr[X86_ESP]);
    return sp;
}

/* Set ESP (or SP, keeping ESP's high half) to the offset sp. */
static void x86_gen_set_sp(X86Disas *d, IrVal sp)
{
    x86_gen_set_reg(d, X86_ESP, (d->flags & X86_TBF_SS32) ? 4 : 2, sp);
}

IrVal x86_gen_stack_linear(X86Disas *d, int32_t delta, unsigned size, bool write)
{
    IrVal off = x86_gen_sp(d);
    if (delta) ir_op2(d->b, IR_add, IR_I32, off, off, ir_i32(d->b, (uint32_t)delta));
    if (!(d->flags & X86_TBF_SS32)) ir_op1(d->b, IR_ext16u, IR_I32, off, off);
    return x86_gen_linear(d, X86_SEG_SS, off, size, write);
}

void x86_gen_push(X86Disas *d, IrVal v, unsigned size)
{
    IrBlock *b = d->b;
    IrVal sp = x86_gen_sp(d);
    ir_op2(b, IR_sub, IR_I32, sp, sp, ir_i32(b, size));
    if (!(d->flags & X86_TBF_SS32)) ir_op1(b, IR_ext16u, IR_I32, sp, sp);
    x86_gen_store(d, x86_gen_linear(d, X86_SEG_SS, sp, size, true), v, size);
    x86_gen_set_sp(d, sp);
}

IrVal x86_gen_pop(X86Disas *d, unsigned size)
{
    return x86_gen_load(d, x86_gen_stack_linear(d, 0, size, false), size);
}

void x86_gen_pop_commit(X86Disas *d, unsigned size)
{
    IrVal sp = x86_gen_sp(d);
    ir_op2(d->b, IR_add, IR_I32, sp, sp, ir_i32(d->b, size));
    x86_gen_set_sp(d, sp);
}

/* ---- exceptions ---- */

void x86_gen_exception(X86Disas *d, int vector)
{
    IrVal arg = ir_i32(d->b, (uint32_t)vector);
    ir_call(d->b, &x86_helper_raise, IR_NONE, &arg);
    ir_exit_tb(d->b, IR_EXIT_NORMAL);
    d->state = X86_DISAS_EXITED;
}

void x86_gen_exception_err(X86Disas *d, int vector, uint32_t error_code)
{
    IrVal args[2] = {ir_i32(d->b, (uint32_t)vector), ir_i32(d->b, error_code)};
    ir_call(d->b, &x86_helper_raise_err, IR_NONE, args);
    ir_exit_tb(d->b, IR_EXIT_NORMAL);
    d->state = X86_DISAS_EXITED;
}

/* Vectors that push an error code (SDM Vol 3 §6.13 table 6-1). */
static bool x86_vector_has_error_code(int vector)
{
    return vector == X86_EXCP_DF || (vector >= X86_EXCP_TS && vector <= X86_EXCP_PF) ||
           vector == X86_EXCP_AC;
}

void x86_gen_exception_if(X86Disas *d, IrCond cond, IrVal a, IrVal b, int vector,
                          uint32_t error_code)
{
    static const IrCond inverse[IR_NUM_CONDS] = {
        [IR_EQ] = IR_NE, [IR_NE] = IR_EQ,   [IR_LT] = IR_GE,   [IR_GE] = IR_LT,   [IR_LE] = IR_GT,
        [IR_GT] = IR_LE, [IR_LTU] = IR_GEU, [IR_GEU] = IR_LTU, [IR_LEU] = IR_GTU, [IR_GTU] = IR_LEU,
    };
    uint32_t skip = ir_label_new(d->b);
    ir_brcond(d->b, ir_val_type(d->b, a), inverse[cond % IR_NUM_CONDS], a, b, skip);
    if (x86_vector_has_error_code(vector)) {
        IrVal args[2] = {ir_i32(d->b, (uint32_t)vector), ir_i32(d->b, error_code)};
        ir_call(d->b, &x86_helper_raise_err, IR_NONE, args);
    } else {
        IrVal arg = ir_i32(d->b, (uint32_t)vector);
        ir_call(d->b, &x86_helper_raise, IR_NONE, &arg);
    }
    ir_label(d->b, skip);
}

/* ---- exits ---- */

void x86_gen_set_pc(X86Disas *d, uint32_t eip)
{
    uint32_t linear = (uint32_t)(d->cs_base + eip);
    ir_mov(d->b, IR_I64, d->pc, ir_i64(d->b, linear));
}

/* The #DB trap at the end of an instruction, the pc global already at
 * the next one: single step with TF, data breakpoints the instruction
 * hit with X86_TBF_DBP (repeat: a REP string jumping back to itself).
 * Returns whether it always traps. */
static bool x86_gen_debug_trap(X86Disas *d, bool repeat)
{
    bool tf = (d->flags & X86_TBF_TF) != 0;
    if (!(d->flags & X86_TBF_DBP) && !(repeat && tf)) {
        if (tf) ir_call(d->b, &x86_helper_single_step, IR_NONE, NULL);
        return tf;
    }
    unsigned kind = (tf ? X86_DEBUG_TRAP_SINGLE_STEP : 0) | (repeat ? X86_DEBUG_TRAP_REPEAT : 0);
    IrVal arg = ir_i32(d->b, kind);
    ir_call(d->b, &x86_helper_debug_trap, IR_NONE, &arg);
    return tf;
}

/* Leave the block with the pc global already set.  With TF the trap
 * comes first; in an interrupt shadow the loop must look at interrupts
 * again, so neither chains. */
static void x86_gen_exit_set_pc(X86Disas *d, bool direct, bool repeat)
{
    IrBlock *b = d->b;
    if (x86_gen_debug_trap(d, repeat)) {
        ir_exit_tb(b, IR_EXIT_NORMAL);
    } else if (d->flags & X86_TBF_INHIBIT_IRQ) {
        ir_exit_tb(b, IR_EXIT_REQUEST);
    } else if (!direct) {
        ir_goto_ptr(b);
    } else if (d->goto_tb_used < 2) {
        ir_goto_tb(b, d->goto_tb_used++);
    } else {
        ir_exit_tb(b, IR_EXIT_NORMAL);
    }
    d->state = X86_DISAS_EXITED;
}

/* #GP(0) for a jump target beyond the CS limit, raised at the jump
 * with the registers its lifter changed put back (SDM Vol 2 JMP, CALL,
 * RET, Jcc, LOOP "Operation": the check precedes any change). */
static void x86_gen_target_fault(X86Disas *d)
{
    if (d->saved_esp != IR_NONE) ir_mov(d->b, IR_I32, d->gpr[X86_ESP], d->saved_esp);
    if (d->saved_ecx != IR_NONE) ir_mov(d->b, IR_I32, d->gpr[X86_ECX], d->saved_ecx);
    x86_gen_exception_err(d, X86_EXCP_GP, 0);
}

/* A jump to a constant EIP the previous checks allow (or sequential
 * flow, whose limit check is the next instruction's). */
static void x86_gen_jmp_unchecked(X86Disas *d, uint32_t eip)
{
    x86_gen_set_pc(d, eip);
    x86_gen_exit_set_pc(d, true, eip == d->eip);
}

void x86_gen_jmp(X86Disas *d, uint32_t eip)
{
    if (d->limit_checks && eip > d->cs_limit) {
        x86_gen_target_fault(d);
        return;
    }
    x86_gen_jmp_unchecked(d, eip);
}

void x86_gen_jmp_dynamic(X86Disas *d, IrVal eip)
{
    IrBlock *b = d->b;
    if (d->limit_checks && d->cs_limit != UINT32_MAX) {
        uint32_t ok = ir_label_new(b);
        ir_brcond(b, IR_I32, IR_LEU, eip, ir_i32(b, d->cs_limit), ok);
        x86_gen_target_fault(d);
        ir_label(b, ok);
        d->state = X86_DISAS_NEXT;
    }
    IrVal lin = ir_temp(b, IR_I32);
    ir_op2(b, IR_add, IR_I32, lin, eip, ir_i32(b, (uint32_t)d->cs_base));
    ir_op1(b, IR_zext, IR_I64, d->pc, lin);
    x86_gen_exit_set_pc(d, false, false);
}

void x86_gen_end_block(X86Disas *d)
{
    if (d->state == X86_DISAS_NEXT) d->state = X86_DISAS_STOP;
}

void x86_gen_branch(X86Disas *d, IrVal cond, uint32_t eip)
{
    uint32_t taken = ir_label_new(d->b);
    ir_brcond(d->b, IR_I32, IR_NE, cond, ir_i32(d->b, 0), taken);
    x86_gen_jmp_unchecked(d, d->next_eip);
    ir_label(d->b, taken);
    x86_gen_jmp(d, eip);
}

/* ---- helpers ---- */

void x86_gen_call(X86Disas *d, const IrHelper *h, IrVal ret, const IrVal *args)
{
    if (h->flags & (IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE))
        x86_gen_set_pc(d, d->eip);
    ir_call(d->b, h, ret, args);
    if (h->flags & IR_CALL_WRITES_STATE) d->cc_op = X86_CC_OP_DYNAMIC;
}

uint64_t x86_helper_word(const X86Insn *in)
{
    int32_t arg = in->def ? in->def->arg : 0;
    return (uint64_t)in->opsize | (uint64_t)in->addrsize << 8 | (uint64_t)in->modrm << 16 |
           (uint64_t)in->len << 24 | (uint64_t)(uint32_t)arg << 32;
}

/* An i32 value as a helper argument of type t. */
static IrVal x86_gen_arg(X86Disas *d, IrVal v, IrType t)
{
    if (t != IR_I64) return v;
    IrVal w = ir_temp(d->b, IR_I64);
    ir_op1(d->b, IR_zext, IR_I64, w, v);
    return w;
}

void x86_lift_helper(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    const X86InsnDef *def = in->def;
    const IrHelper *h = def->helper;
    if (!h) {
        x86_lift_unimplemented(d, in);
        return;
    }
    IrVal value = ir_i32(b, 0);
    if (in->has_mem) {
        /* The helper checks and accesses the operand itself. */
        value = x86_gen_linear(d, in->mem.seg, x86_gen_ea_offset(d, in), 0, false);
    } else if (in->nopnds) {
        value = x86_gen_read_operand(d, in, 0);
    }
    IrVal args[2] = {ir_i64(b, x86_helper_word(in)), value};
    unsigned nargs = h->nargs < 2 ? h->nargs : 2;
    for (unsigned i = 0; i < nargs; i++)
        args[i] = i == 0 && h->args[0] == IR_I32 ? ir_i32(b, (uint32_t)x86_helper_word(in))
                  : i == 0                       ? args[0]
                                                 : x86_gen_arg(d, args[1], h->args[1]);
    x86_gen_call(d, h, IR_NONE, args);
    if (def->flags & X86F_BRANCH) {
        /* The helper set the pc (and maybe CS, mode): back to the loop. */
        x86_gen_debug_trap(d, false);
        ir_exit_tb(b, IR_EXIT_REQUEST);
        d->state = X86_DISAS_EXITED;
    } else if (def->flags & X86F_ENDS_TB) {
        d->state = X86_DISAS_STOP;
    }
}

void x86_lift_unimplemented(X86Disas *d, const X86Insn *in)
{
    LOG_MASK(LOG_UNIMP, "x86: %s (map %u opcode %02x) at 0x%llx is not implemented\n",
             in->def ? in->def->name : "?", in->map, in->opcode,
             (unsigned long long)(uint32_t)(d->cs_base + d->eip));
    x86_gen_exception(d, X86_EXCP_UD);
}

/* ---- the loop ---- */

static void x86_log_insn(const X86Disas *d, const X86Insn *in, uint64_t linear)
{
    char text[128];
    if (!x86_disas_one(in->bytes, in->len, d->eip, (d->flags & X86_TBF_CS32) != 0, text,
                       sizeof text))
        snprintf(text, sizeof text, "%s", in->def ? in->def->name : "(bad)");
    char hex[32] = "";
    for (unsigned i = 0; i < in->len; i++)
        snprintf(hex + 2 * i, sizeof hex - 2 * i, "%02x", in->bytes[i]);
    log_printf("0x%08llx:  %-20s  %s\n", (unsigned long long)linear, hex, text);
}

/* The checks a table line's flags ask for before its lifter runs (SDM
 * Vol 3 §2.5 CR0.EM/TS, §13.1 CR4.OSFXSR; Vol 2 §2.1.1 LOCK).  Returns
 * false after emitting the exception. */
static bool x86_check_insn(X86Disas *d, const X86Insn *in)
{
    const X86InsnDef *def = in->def;
    uint32_t f = d->flags;
    if (in->lock && (!(def->flags & X86F_LOCK) || in->op[0].type != X86O_MEM)) {
        x86_gen_exception(d, X86_EXCP_UD);
        return false;
    }
    if ((def->flags & X86F_X87) && (f & (X86_TBF_EM | X86_TBF_TS))) {
        x86_gen_exception(d, X86_EXCP_NM);
        return false;
    }
    if (def->flags & (X86F_MMX | X86F_SSE)) {
        bool ud = (f & X86_TBF_EM) || ((def->flags & X86F_SSE) && !(f & X86_TBF_OSFXSR));
        if (ud || (f & X86_TBF_TS)) {
            x86_gen_exception(d, ud ? X86_EXCP_UD : X86_EXCP_NM);
            return false;
        }
    }
    if ((def->flags & X86F_PRIV) && (f & X86_TBF_CPL)) {
        x86_gen_exception_err(d, X86_EXCP_GP, 0);
        return false;
    }
    return true;
}

/* At the first instruction of a block with a CS limit: the guard that
 * the limit is still the one the block was translated for. */
static void x86_gen_cs_limit_guard(X86Disas *d)
{
    IrBlock *b = d->b;
    IrVal limit = ir_temp(b, IR_I32);
    ir_ld_env(b, IR_I32, limit, IR_ENV, (int64_t)offsetof(X86CPU, segs[X86_SEG_CS].limit),
              IR_MO_32);
    uint32_t same = ir_label_new(b);
    ir_brcond(b, IR_I32, IR_EQ, limit, ir_i32(b, d->cs_limit), same);
    x86_gen_call(d, &x86_helper_cs_limit_changed, IR_NONE, NULL);
    ir_label(b, same);
}

/* The debug checks at an instruction's start (SDM Vol 3 §18.3.1, §6.9
 * priorities: traps of the previous instruction, then instruction
 * breakpoints, before anything of this one). */
static void x86_gen_insn_debug_checks(X86Disas *d)
{
    IrBlock *b = d->b;
    if (d->flags & X86_TBF_DBP) {
        /* Hits of the previous instruction whose exit did not trap. */
        IrVal pending = ir_temp(b, IR_I32);
        ir_ld_env(b, IR_I32, pending, IR_ENV, (int64_t)offsetof(X86CPU, dr_pending), IR_MO_32);
        uint32_t none = ir_label_new(b);
        ir_brcond(b, IR_I32, IR_EQ, pending, ir_i32(b, 0), none);
        IrVal arg = ir_i32(b, 0);
        x86_gen_call(d, &x86_helper_debug_trap, IR_NONE, &arg);
        ir_label(b, none);
    }
    if (d->flags & X86_TBF_HWBP) x86_gen_call(d, &x86_helper_insn_bp, IR_NONE, NULL);
}

/* RF covers one instruction: cleared at its start, after the breakpoint
 * check (SDM Vol 3 §18.3.1.1); restore_state sets it again if the
 * instruction faults (insn_start aux1). */
static void x86_gen_clear_rf(X86Disas *d)
{
    IrBlock *b = d->b;
    IrVal f = ir_temp(b, IR_I32);
    ir_ld_env(b, IR_I32, f, IR_ENV, (int64_t)offsetof(X86CPU, eflags), IR_MO_32);
    ir_op2(b, IR_and, IR_I32, f, f, ir_i32(b, ~(uint32_t)X86_RF));
    ir_st_env(b, IR_I32, f, IR_ENV, (int64_t)offsetof(X86CPU, eflags), IR_MO_32);
}

void x86_translate(TranslateContext *ctx)
{
    X86CPU *cpu = x86_cpu(ctx->cpu);
    X86Disas disas = {
        .ctx = ctx,
        .b = ctx->block,
        .cpu = cpu,
        .flags = ctx->flags,
        .cs_base = ctx->cs_base,
        .eip = (uint32_t)(ctx->pc - ctx->cs_base),
        .mmu_idx = (ctx->flags & X86_TBF_CPL) == 3 ? X86_MMU_USER : X86_MMU_KERNEL,
        .state = X86_DISAS_NEXT,
        .cc_op = X86_CC_OP_DYNAMIC,
        .mem_linear = IR_NONE,
        .cc_op_g = ir_global(G_CC_OP),
        .cc_dst = ir_global(G_CC_DST),
        .cc_src = ir_global(G_CC_SRC),
        .cc_src2 = ir_global(G_CC_SRC2),
        .df = ir_global(G_DF),
        .pc = ir_global(G_PC),
        /* Under FLAT the CS limit is 4 GiB - 1: nothing to check. */
        .limit_checks = !(ctx->flags & X86_TBF_FLAT),
        .cs_limit = cpu->segs[X86_SEG_CS].limit,
        .saved_esp = IR_NONE,
        .saved_ecx = IR_NONE,
    };
    X86Disas *d = &disas;
    for (unsigned i = 0; i < X86_NUM_GPRS; i++)
        d->gpr[i] = ir_global(i);
    bool cs32 = (d->flags & X86_TBF_CS32) != 0;
    uint32_t eip_mask = cs32 ? 0xffffffffu : 0xffffu;
    bool one_insn = (d->flags & (X86_TBF_TF | X86_TBF_INHIBIT_IRQ | X86_TBF_RF)) != 0;
    bool log_in = log_enabled(LOG_IN_ASM);
    if (log_in) log_printf("IN:\n");

    for (;;) {
        uint64_t linear = (uint32_t)(d->cs_base + d->eip);
        /* A later instruction must not fault on fetch: end the block
         * before one that might run onto a page that does not translate. */
        if (ctx->ninsns && !translator_can_fetch(ctx, linear, 15)) break;
        X86Insn in;
        X86DecodeResult r = x86_decode(ctx, linear, cs32, &in);
        ir_insn_start(d->b, linear, 0, (d->flags & X86_TBF_RF) ? X86_INSN_DATA_RF : 0);
        ctx->ninsns++;
        d->mem_linear = IR_NONE;
        d->saved_esp = d->saved_ecx = IR_NONE;
        if (ctx->ninsns == 1 && d->limit_checks) x86_gen_cs_limit_guard(d);
        x86_gen_insn_debug_checks(d);
        if (r != X86_DECODE_OK) {
            if (r == X86_DECODE_UD)
                LOG_MASK(LOG_UNIMP, "x86: invalid opcode %02x %02x %02x at 0x%llx\n", in.bytes[0],
                         in.bytes[1], in.bytes[2], (unsigned long long)linear);
            ctx->size += in.len ? in.len : 1;
            if (r == X86_DECODE_TOO_LONG)
                x86_gen_exception_err(d, X86_EXCP_GP, 0);
            else
                x86_gen_exception(d, X86_EXCP_UD);
            break;
        }
        ctx->size += in.len;
        d->next_eip = (d->eip + in.len) & eip_mask;
        x86_decode_fix_targets(&in, d->eip);
        if (log_in) x86_log_insn(d, &in, linear);
        if (d->flags & X86_TBF_INHIBIT_IRQ) {
            /* The shadow covers this one instruction (SDM Vol 3 §6.8.3):
             * it ends here, even if the instruction faults. */
            ir_st_env(d->b, IR_I32, ir_i32(d->b, 0), IR_ENV, (int64_t)offsetof(X86CPU, inhibit_irq),
                      IR_MO_8);
        }
        /* Running past the CS limit: #GP(0) at the instruction whose
         * bytes cross it (SDM Vol 3 §5.3). */
        if (d->limit_checks && (uint64_t)d->eip + in.len - 1 > d->cs_limit) {
            x86_gen_exception_err(d, X86_EXCP_GP, 0);
            break;
        }
        if (d->flags & X86_TBF_RF) x86_gen_clear_rf(d);
        if (!x86_check_insn(d, &in)) break;
        if (d->limit_checks && d->cs_limit != UINT32_MAX && (in.def->flags & X86F_BRANCH)) {
            d->saved_esp = ir_temp(d->b, IR_I32);
            d->saved_ecx = ir_temp(d->b, IR_I32);
            ir_mov(d->b, IR_I32, d->saved_esp, d->gpr[X86_ESP]);
            ir_mov(d->b, IR_I32, d->saved_ecx, d->gpr[X86_ECX]);
        }
        in.def->lift(d, &in);
        if (d->state != X86_DISAS_NEXT || one_insn) break;
        if (ctx->ninsns >= ctx->max_insns || ctx->ninsns >= IR_MAX_INSNS - 1) break;
        if (d->b->ntemps > IR_MAX_TEMPS - 256) break;
        d->eip = d->next_eip;
        if (translator_is_new_page(ctx, (uint32_t)(d->cs_base + d->eip))) break;
    }
    switch (d->state) {
    case X86_DISAS_NEXT:
        /* next_eip is where the block stops: after the last instruction,
         * or the instruction the loop declined to fetch. */
        x86_gen_jmp_unchecked(d, d->next_eip);
        break;
    case X86_DISAS_STOP:
        x86_gen_set_pc(d, d->next_eip);
        x86_gen_debug_trap(d, false);
        ir_exit_tb(d->b, IR_EXIT_REQUEST);
        break;
    case X86_DISAS_EXITED: break;
    }
}
