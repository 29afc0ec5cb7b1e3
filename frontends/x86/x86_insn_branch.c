/*
 * x86 instruction group "branch": near jumps, calls and returns, the
 * conditional jumps, LOOP/LOOPcc and JCXZ/JECXZ (SDM Vol 2 Jcc, JMP, CALL,
 * RET, LOOP/LOOPcc).  The far forms are in x86_insn_system.c.
 *
 * Relative targets arrive as the target EIP (X86K_J, x86_decode.c), which
 * wraps to 16 bits with a 16-bit operand size (SDM Vol 2 JMP "Operation":
 * tempEIP AND 0000FFFFH); indirect targets are read at the operand size
 * and so are already inside that range.
 */
#include "frontends/x86/x86_internal.h"

static uint32_t branch_target(const X86Insn *in)
{
    uint32_t mask = in->opsize == 2 ? 0xffffu : 0xffffffffu;
    return (uint32_t)in->op[0].imm & mask;
}

/* Jcc: arg is the condition (X86_COND_*) of the first opcode of the line;
 * the low four opcode bits select it (SDM Vol 1 §B.1). */
static void lift_jcc(X86Disas *d, const X86Insn *in)
{
    x86_gen_branch(d, x86_gen_cond(d, in->opcode & 0xf), branch_target(in));
}

static void lift_jmp_rel(X86Disas *d, const X86Insn *in)
{
    x86_gen_jmp(d, branch_target(in));
}

static void lift_jmp_indirect(X86Disas *d, const X86Insn *in)
{
    x86_gen_jmp_dynamic(d, x86_gen_read_operand(d, in, 0));
}

/* CALL pushes the EIP of the next instruction at the operand size (SDM
 * Vol 2 CALL "Near call"); the indirect target is read before the push, so
 * CALL [ESP] and CALL ESP use the old ESP. */
static void lift_call_rel(X86Disas *d, const X86Insn *in)
{
    uint32_t mask = in->opsize == 2 ? 0xffffu : 0xffffffffu;
    x86_gen_push(d, ir_i32(d->b, d->next_eip & mask), in->opsize);
    x86_gen_jmp(d, branch_target(in));
}

static void lift_call_indirect(X86Disas *d, const X86Insn *in)
{
    uint32_t mask = in->opsize == 2 ? 0xffffu : 0xffffffffu;
    IrVal target = x86_gen_read_operand(d, in, 0);
    x86_gen_push(d, ir_i32(d->b, d->next_eip & mask), in->opsize);
    x86_gen_jmp_dynamic(d, target);
}

/* RET and RET imm16: the immediate is released after the return address
 * (SDM Vol 2 RET: ESP/SP increments by the operand size, then by imm16;
 * with a 16-bit stack only SP changes). */
static void lift_ret(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    IrVal target = x86_gen_pop(d, in->opsize);
    x86_gen_pop_commit(d, in->opsize);
    if (in->nopnds && in->op[0].imm) {
        unsigned sp_size = (d->flags & X86_TBF_SS32) ? 4 : 2;
        IrVal sp = x86_gen_get_reg(d, X86_ESP, sp_size);
        IrVal nsp = ir_temp(b, IR_I32);
        ir_op2(b, IR_add, IR_I32, nsp, sp, ir_i32(b, (uint32_t)in->op[0].imm & 0xffff));
        x86_gen_set_reg(d, X86_ESP, sp_size, nsp);
    }
    x86_gen_jmp_dynamic(d, target);
}

/* LOOP, LOOPE, LOOPNE, JCXZ: the count register is CX or ECX by the
 * address size (SDM Vol 2 LOOP/LOOPcc "Operation"). */
enum {
    LOOP_PLAIN,
    LOOP_E,  /* LOOPE/LOOPZ: also while ZF = 1 */
    LOOP_NE, /* LOOPNE/LOOPNZ: also while ZF = 0 */
    LOOP_JCXZ,
};

static void lift_loop(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    unsigned asize = in->addrsize;
    IrVal count = x86_gen_get_reg(d, X86_ECX, asize);
    IrVal cond = ir_temp(b, IR_I32);
    int kind = in->def->arg;
    if (kind == LOOP_JCXZ) {
        ir_setcond(b, IR_I32, IR_EQ, cond, count, ir_i32(b, 0));
    } else {
        IrVal next = ir_temp(b, IR_I32);
        ir_op2(b, IR_sub, IR_I32, next, count, ir_i32(b, 1));
        if (asize == 2) ir_op2(b, IR_and, IR_I32, next, next, ir_i32(b, 0xffff));
        ir_setcond(b, IR_I32, IR_NE, cond, next, ir_i32(b, 0));
        if (kind != LOOP_PLAIN) {
            IrVal zf = x86_gen_cond(d, kind == LOOP_E ? X86_COND_E : X86_COND_NE);
            ir_op2(b, IR_and, IR_I32, cond, cond, zf);
        }
        x86_gen_set_reg(d, X86_ECX, asize, next);
    }
    x86_gen_branch(d, cond, branch_target(in));
}

#define L(map_, op_, cnt_, reg_, name_, o0_, flags_, lift_, arg_)                                  \
    {                                                                                              \
        .map = X86_MAP_##map_, .opcode = (op_), .opcount = (cnt_), .reg = (reg_),                  \
        .prefix = X86_PFX_ANY, .mod = X86_MOD_ANY, .rm = -1, .name = (name_), .opnd = {o0_},       \
        .flags = X86F_BRANCH | (flags_), .lift = (lift_), .arg = (arg_),                           \
    }

static const X86InsnDef x86_branch_defs[] = {
    L(ONE, 0x70, 16, -1, "Jcc", X86_OPND(J, B), 0, lift_jcc, 0),
    L(0F, 0x80, 16, -1, "Jcc", X86_OPND(J, Z), 0, lift_jcc, 0),
    L(ONE, 0xeb, 1, -1, "JMP", X86_OPND(J, B), 0, lift_jmp_rel, 0),
    L(ONE, 0xe9, 1, -1, "JMP", X86_OPND(J, Z), 0, lift_jmp_rel, 0),
    L(ONE, 0xff, 1, 4, "JMP", X86_OPND(E, V), X86F_MODRM, lift_jmp_indirect, 0),
    L(ONE, 0xe8, 1, -1, "CALL", X86_OPND(J, Z), 0, lift_call_rel, 0),
    L(ONE, 0xff, 1, 2, "CALL", X86_OPND(E, V), X86F_MODRM, lift_call_indirect, 0),
    L(ONE, 0xc3, 1, -1, "RET", 0, 0, lift_ret, 0),
    L(ONE, 0xc2, 1, -1, "RET", X86_OPND(I, W), 0, lift_ret, 0),
    L(ONE, 0xe0, 1, -1, "LOOPNE", X86_OPND(J, B), 0, lift_loop, LOOP_NE),
    L(ONE, 0xe1, 1, -1, "LOOPE", X86_OPND(J, B), 0, lift_loop, LOOP_E),
    L(ONE, 0xe2, 1, -1, "LOOP", X86_OPND(J, B), 0, lift_loop, LOOP_PLAIN),
    L(ONE, 0xe3, 1, -1, "JCXZ", X86_OPND(J, B), 0, lift_loop, LOOP_JCXZ),
};
X86_GROUP(branch, x86_branch_defs);
