/*
 * x86 instruction group "stack": PUSH and POP of general registers,
 * immediates and memory, PUSHA/POPA, PUSHF/POPF, ENTER and LEAVE (SDM
 * Vol 2 PUSH, POP, PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE).  Segment
 * register pushes and pops are in x86_insn_system.c.
 *
 * The stack pointer is ESP with a 32-bit stack segment (B bit, X86_TBF_SS32)
 * and SP otherwise, whatever the operand size.  Instructions that access
 * the stack more than once compute every address from the old stack
 * pointer and write registers only after the last access, so a fault
 * leaves ESP as it was (ir/README.md "Precise faults").
 */
#include "frontends/x86/x86_flow.h"
#include "frontends/x86/x86_internal.h"

/* ---- the stack pointer ---- */

static unsigned stack_size(const X86Disas *d)
{
    return (d->flags & X86_TBF_SS32) ? 4 : 2;
}

/* SP or ESP, zero-extended. */
static IrVal stack_pointer(X86Disas *d)
{
    return x86_gen_get_reg(d, X86_ESP, stack_size(d));
}

/* sp + delta wrapped to the stack size: an offset in SS. */
static IrVal stack_offset(X86Disas *d, IrVal sp, int32_t delta)
{
    IrBlock *b = d->b;
    IrVal off = ir_temp(b, IR_I32);
    ir_op2(b, IR_add, IR_I32, off, sp, ir_i32(b, (uint32_t)delta));
    if (stack_size(d) == 2) ir_op2(b, IR_and, IR_I32, off, off, ir_i32(b, 0xffff));
    return off;
}

static void stack_store(X86Disas *d, IrVal off, IrVal v, unsigned size)
{
    x86_gen_store(d, x86_gen_linear(d, X86_SEG_SS, off, size, true), v, size);
}

static IrVal stack_load(X86Disas *d, IrVal off, unsigned size)
{
    return x86_gen_load(d, x86_gen_linear(d, X86_SEG_SS, off, size, false), size);
}

static void stack_set_pointer(X86Disas *d, IrVal sp)
{
    x86_gen_set_reg(d, X86_ESP, stack_size(d), sp);
}

/* ---- PUSH, POP ---- */

/* PUSH r, imm, r/m: the operand is read before ESP changes, so PUSH ESP
 * pushes the old value (SDM Vol 2 PUSH). */
static void lift_push(X86Disas *d, const X86Insn *in)
{
    x86_gen_push(d, x86_gen_read_operand(d, in, 0), in->opsize);
}

/* POP r, POP r/m.  POP to memory with an ESP base uses ESP after the
 * increment (SDM Vol 2 POP), so the offset gets the change of ESP added;
 * ESP itself is written after the store. */
static void lift_pop(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    unsigned size = in->opsize;
    IrVal v = x86_gen_pop(d, size);
    if (in->op[0].type != X86O_MEM) {
        /* POP ESP: the popped value wins over the increment. */
        x86_gen_pop_commit(d, size);
        x86_gen_set_reg(d, in->op[0].reg, size, v);
        return;
    }
    IrVal off = x86_gen_ea_offset(d, in);
    if (in->addrsize == 4 && in->mem.base == X86_ESP) {
        IrVal sp = stack_pointer(d);
        IrVal delta = ir_temp(b, IR_I32);
        ir_op2(b, IR_sub, IR_I32, delta, stack_offset(d, sp, (int32_t)size), sp);
        IrVal adj = ir_temp(b, IR_I32);
        ir_op2(b, IR_add, IR_I32, adj, off, delta);
        off = adj;
    }
    x86_gen_store(d, x86_gen_linear(d, in->mem.seg, off, size, true), v, size);
    x86_gen_pop_commit(d, size);
}

/* ---- PUSHA, POPA ---- */

/* Register order of PUSHA, first pushed first (SDM Vol 2 PUSHA). */
static const uint8_t pusha_order[8] = {X86_EAX, X86_ECX, X86_EDX, X86_EBX,
                                       X86_ESP, X86_EBP, X86_ESI, X86_EDI};

static void lift_pusha(X86Disas *d, const X86Insn *in)
{
    unsigned size = in->opsize;
    IrVal sp = stack_pointer(d);
    IrVal vals[8];
    for (unsigned i = 0; i < 8; i++)
        vals[i] = x86_gen_get_reg(d, pusha_order[i], size); /* ESP: the value before */
    for (unsigned i = 0; i < 8; i++)
        stack_store(d, stack_offset(d, sp, -(int32_t)((i + 1) * size)), vals[i], size);
    stack_set_pointer(d, stack_offset(d, sp, -(int32_t)(8 * size)));
}

/* POPA: the slot of ESP is read past, not loaded (SDM Vol 2 POPA). */
static void lift_popa(X86Disas *d, const X86Insn *in)
{
    unsigned size = in->opsize;
    IrVal sp = stack_pointer(d);
    IrVal vals[8];
    for (unsigned i = 0; i < 8; i++) {
        unsigned slot = 7 - i; /* EDI is on top */
        if (pusha_order[slot] == X86_ESP) continue;
        vals[slot] = stack_load(d, stack_offset(d, sp, (int32_t)(i * size)), size);
    }
    for (unsigned slot = 0; slot < 8; slot++)
        if (pusha_order[slot] != X86_ESP) x86_gen_set_reg(d, pusha_order[slot], size, vals[slot]);
    stack_set_pointer(d, stack_offset(d, sp, (int32_t)(8 * size)));
}

/* ---- PUSHF, POPF ---- */

static bool vm86_iopl_below_3(const X86CPU *cpu)
{
    return (cpu->eflags & X86_VM) && ((cpu->eflags & X86_IOPL) >> X86_IOPL_SHIFT) < 3;
}

/* The image PUSHF pushes (SDM Vol 2 PUSHF "Operation"): EFLAGS with VM and
 * RF clear; in virtual-8086 mode with IOPL < 3 only the 16-bit form with
 * CR4.VME is allowed, and it shows VIF as IF and IOPL as 3 (SDM Vol 3
 * §20.4.1 "Virtual Interrupt Flag"); else #GP(0). */
static uint64_t x86_pushf_value_fn(CPUState *c, uint64_t opsize)
{
    X86CPU *cpu = x86_cpu(c);
    uint32_t flags = x86_get_eflags(cpu);
    if (vm86_iopl_below_3(cpu)) {
        if (opsize == 4 || !(cpu->cr[4] & X86_CR4_VME))
            x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
        flags = (flags & ~X86_IF) | X86_IOPL;
        if (flags & X86_VIF) flags |= X86_IF;
    }
    flags &= ~(uint32_t)(X86_VM | X86_RF);
    return opsize == 2 ? flags & 0xffff : flags;
}
static X86_HELPER(x86_helper_pushf_value, x86_pushf_value_fn,
                  IR_CALL_READS_STATE | IR_CALL_MAY_RAISE, IR_I32, 1, IR_I32);

/* The bits POPF may change (SDM Vol 2 POPF "Operation"): every writable
 * flag but VIP, VIF and VM; IOPL only at CPL 0; IF only with CPL <= IOPL;
 * RF is cleared by the 32-bit form.  Real mode counts as CPL 0, and
 * virtual-8086 mode (only reached with IOPL 3) as CPL 3. */
uint32_t x86_popf_mask(const X86CPU *cpu, unsigned opsize)
{
    uint32_t mask = X86_ARITH_FLAGS | X86_TF | X86_DF | X86_NT | X86_AC | X86_ID | X86_RF;
    bool vm86 = cpu->eflags & X86_VM;
    unsigned cpl = vm86 ? 3 : (cpu->cr[0] & X86_CR0_PE) ? x86_cpl(cpu) : 0;
    unsigned iopl = (cpu->eflags & X86_IOPL) >> X86_IOPL_SHIFT;
    if (cpl == 0) mask |= X86_IOPL;
    if (cpl <= iopl) mask |= X86_IF;
    return opsize == 2 ? mask & 0xffff : mask;
}

static uint64_t x86_popf_fn(CPUState *c, uint64_t value, uint64_t opsize)
{
    X86CPU *cpu = x86_cpu(c);
    uint32_t v = (uint32_t)value;
    if (vm86_iopl_below_3(cpu)) {
        /* CR4.VME, 16-bit: IF goes to VIF; #GP(0) when that would enable
         * a pending virtual interrupt, or when TF is set (SDM Vol 2 POPF). */
        if (opsize == 4 || !(cpu->cr[4] & X86_CR4_VME))
            x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
        bool vif = v & X86_IF;
        if ((vif && (cpu->eflags & X86_VIP)) || (v & X86_TF))
            x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
        uint32_t mask = (X86_ARITH_FLAGS | X86_DF | X86_NT) & 0xffff;
        x86_set_eflags(cpu, v, mask);
        x86_set_eflags(cpu, vif ? X86_VIF : 0, X86_VIF);
    } else {
        x86_set_eflags(cpu, v & ~(uint32_t)X86_RF, x86_popf_mask(cpu, (unsigned)opsize));
    }
    x86_update_hflags(cpu);
    return 0;
}
static X86_HELPER(x86_helper_popf, x86_popf_fn,
                  IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE, IR_VOID, 2,
                  IR_I32, IR_I32);

static void lift_pushf(X86Disas *d, const X86Insn *in)
{
    IrVal v = ir_temp(d->b, IR_I32);
    x86_gen_call(d, &x86_helper_pushf_value, v, (IrVal[]){ir_i32(d->b, in->opsize)});
    x86_gen_push(d, v, in->opsize);
}

/* POPF may change TF, IF and IOPL, which the TB flags and interrupt
 * delivery depend on: the block ends after it. */
static void lift_popf(X86Disas *d, const X86Insn *in)
{
    IrVal v = x86_gen_pop(d, in->opsize);
    x86_gen_call(d, &x86_helper_popf, IR_NONE, (IrVal[]){v, ir_i32(d->b, in->opsize)});
    x86_gen_pop_commit(d, in->opsize);
    x86_gen_end_block(d);
}

/* ---- ENTER, LEAVE ---- */

/* ENTER imm16, imm8 (SDM Vol 2 ENTER "Operation"): push EBP; with nesting
 * level n > 0, copy n - 1 frame pointers from the old frame at EBP - k *
 * size and push the new frame pointer; then EBP = the frame pointer and
 * ESP = frame pointer - imm16.  The level is the immediate mod 32, so the
 * copies unroll at translation time. */
static void lift_enter(X86Disas *d, const X86Insn *in)
{
    unsigned size = in->opsize;
    uint32_t alloc = (uint32_t)in->op[0].imm & 0xffff;
    unsigned level = (unsigned)in->op[1].imm & 31;
    IrVal sp = stack_pointer(d);
    IrVal bp = x86_gen_get_reg(d, X86_EBP, stack_size(d));
    /* The frame pointer: the stack pointer after the push of EBP. */
    IrVal frame = stack_offset(d, sp, -(int32_t)size);
    stack_store(d, frame, x86_gen_get_reg(d, X86_EBP, size), size);
    int32_t pushed = (int32_t)size;
    if (level > 0) {
        for (unsigned i = 1; i < level; i++) {
            IrVal v = stack_load(d, stack_offset(d, bp, -(int32_t)(i * size)), size);
            pushed += (int32_t)size;
            stack_store(d, stack_offset(d, sp, -pushed), v, size);
        }
        /* The new frame pointer, at the operand size. */
        pushed += (int32_t)size;
        stack_store(d, stack_offset(d, sp, -pushed), frame, size);
    }
    x86_gen_set_reg(d, X86_EBP, stack_size(d), frame);
    stack_set_pointer(d, stack_offset(d, sp, -(int32_t)(alloc + (uint32_t)pushed)));
}

/* LEAVE: ESP = EBP (SP = BP with a 16-bit stack), then POP EBP (SDM Vol 2
 * LEAVE); the load comes first so a fault changes nothing. */
static void lift_leave(X86Disas *d, const X86Insn *in)
{
    unsigned size = in->opsize;
    IrVal bp = x86_gen_get_reg(d, X86_EBP, stack_size(d));
    IrVal v = stack_load(d, bp, size);
    stack_set_pointer(d, stack_offset(d, bp, (int32_t)size));
    x86_gen_set_reg(d, X86_EBP, size, v);
}

#define L(map_, op_, cnt_, reg_, name_, o0_, o1_, flags_, lift_)                                   \
    {                                                                                              \
        .map = X86_MAP_##map_, .opcode = (op_), .opcount = (cnt_), .reg = (reg_),                  \
        .prefix = X86_PFX_ANY, .mod = X86_MOD_ANY, .rm = -1, .name = (name_), .opnd = {o0_, o1_},  \
        .flags = (flags_), .lift = (lift_),                                                        \
    }

static const X86InsnDef x86_stack_defs[] = {
    L(ONE, 0x50, 8, -1, "PUSH", X86_OPND(Z, V), 0, 0, lift_push),
    L(ONE, 0x58, 8, -1, "POP", X86_OPND(Z, V), 0, 0, lift_pop),
    L(ONE, 0x68, 1, -1, "PUSH", X86_OPND(I, Z), 0, 0, lift_push),
    L(ONE, 0x6a, 1, -1, "PUSH", X86_OPND(IS, V), 0, 0, lift_push),
    L(ONE, 0xff, 1, 6, "PUSH", X86_OPND(E, V), 0, X86F_MODRM, lift_push),
    L(ONE, 0x8f, 1, 0, "POP", X86_OPND(E, V), 0, X86F_MODRM, lift_pop),
    L(ONE, 0x60, 1, -1, "PUSHA", 0, 0, 0, lift_pusha),
    L(ONE, 0x61, 1, -1, "POPA", 0, 0, 0, lift_popa),
    L(ONE, 0x9c, 1, -1, "PUSHF", 0, 0, 0, lift_pushf),
    L(ONE, 0x9d, 1, -1, "POPF", 0, 0, 0, lift_popf),
    L(ONE, 0xc8, 1, -1, "ENTER", X86_OPND(I, W), X86_OPND(I, B), 0, lift_enter),
    L(ONE, 0xc9, 1, -1, "LEAVE", 0, 0, 0, lift_leave),
};
X86_GROUP(stack, x86_stack_defs);
