/*
 * Branches (PoO-370 §7 "Branch and Link" ... "Branch on Index"; the
 * relative forms of PoO-390 §7).  Every branch ends the block: constant
 * targets leave through goto_tb so blocks chain, register targets through
 * goto_ptr.
 */
#include "frontends/s370/s370_internal.h"

/* Where the branch address comes from. */
enum {
    TGT_RX,       /* x2 + b2 + d2 */
    TGT_REG,      /* register r2; r2 = 0 means no branch */
    TGT_RELATIVE, /* the instruction's address + 2 * immediate */
    TGT_RS,       /* b2 + d2 */
};

typedef struct S370Target {
    bool none; /* BCR/BALR/BCTR with r2 = 0: no branch at all */
    bool is_const;
    uint64_t value;
    IrVal reg;
} S370Target;

static S370Target s370_branch_target(S370Disas *d, const S370Insn *in, int kind)
{
    S370Target t = {0};
    switch (kind) {
    case TGT_REG:
        if (in->r2 == 0) {
            t.none = true;
            return t;
        }
        t.reg = ir_temp(d->b, IR_I32);
        ir_op2(d->b, IR_and, IR_I32, t.reg, d->gr[in->r2], ir_i32(d->b, d->amask));
        return t;
    case TGT_RELATIVE:
        t.is_const = true;
        t.value = (d->insn_addr + 2 * (int64_t)in->imm) & d->amask;
        return t;
    case TGT_RS: t.reg = s370_gen_addr(d, 0, in->b2, in->d2); break;
    default: t.reg = s370_gen_addr(d, in->x2, in->b2, in->d2); break;
    }
    if (ir_val_kind(t.reg) == IR_VAL_CONST) {
        t.is_const = true;
        t.value = ir_const_value(d->b, t.reg);
    }
    return t;
}

static void s370_gen_jump(S370Disas *d, const S370Target *t)
{
    if (t->none) return;
    if (t->is_const)
        s370_gen_goto(d, t->value);
    else
        s370_gen_goto_dynamic(d, t->reg);
    d->state = S370_DISAS_EXITED;
}

/* Branch when cond(x, y) holds, else fall through to the next instruction. */
static void s370_gen_jump_if(S370Disas *d, const S370Target *t, IrCond cond, IrVal x, IrVal y)
{
    if (t->none) return;
    uint32_t taken = ir_label_new(d->b);
    ir_brcond(d->b, IR_I32, cond, x, y, taken);
    s370_gen_goto(d, d->next_pc);
    ir_label(d->b, taken);
    s370_gen_jump(d, t);
}

/* BC, BCR, BRC, BRCL. */
static void lift_branch_condition(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    S370Target t = s370_branch_target(d, in, def->arg);
    if (t.none) return;
    s370_gen_branch_mask(d, in->r1, t.reg, t.is_const, t.value);
}

/* The link address of BAL/BALR in 24-bit mode carries ILC, CC and program
 * mask in bits 0-7 (PoO-370 §7 "Branch and Link"); BAS and 31-bit mode
 * put the addressing-mode bit there instead. */
static IrVal s370_link_value(S370Disas *d, bool with_psw_bits, unsigned ilc)
{
    IrBlock *b = d->b;
    if (d->amask == 0x7fffffffu) return ir_i32(b, 0x80000000u | (uint32_t)d->next_pc);
    if (!with_psw_bits) return ir_i32(b, (uint32_t)d->next_pc);
    if (d->flags & S370_TBF_EX) ilc = 2;
    uint32_t fixed = (uint32_t)ilc << 30 | ((d->flags >> S370_TBF_PGM_MASK_SHIFT) & 15u) << 24 |
                     (uint32_t)d->next_pc;
    IrVal v = ir_temp(b, IR_I32);
    ir_op2(b, IR_shl, IR_I32, v, d->cc, ir_i32(b, 28));
    ir_op2(b, IR_or, IR_I32, v, v, ir_i32(b, fixed));
    return v;
}

/* BAL, BALR, BAS, BASR, BRAS, BRASL: arg = target kind | LINK_PSW. */
enum { LINK_PSW = 0x10 };

static void lift_branch_link(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    S370Target t = s370_branch_target(d, in, def->arg & 0x0f);
    IrVal link = s370_link_value(d, def->arg & LINK_PSW, in->len / 2);
    ir_mov(d->b, IR_I32, d->gr[in->r1], link);
    s370_gen_jump(d, &t);
}

/* BCT, BCTR, BRCT: decrement, branch when nonzero. */
static void lift_branch_count(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    S370Target t = s370_branch_target(d, in, def->arg);
    IrVal r = d->gr[in->r1];
    ir_op2(d->b, IR_sub, IR_I32, r, r, ir_i32(d->b, 1));
    s370_gen_jump_if(d, &t, IR_NE, r, ir_i32(d->b, 0));
}

/* BXH, BXLE, BRXH, BRXLE: r1 += r3, compare with the odd register of the
 * r3 pair (PoO-370 §7 "Branch on Index High"); arg = kind | BX_LOW_OR_EQUAL. */
enum { BX_LOW_OR_EQUAL = 0x10 };

static void lift_branch_index(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    S370Target t = s370_branch_target(d, in, def->arg & 0x0f);
    IrVal incr = ir_temp(b, IR_I32), comparand = ir_temp(b, IR_I32);
    ir_mov(b, IR_I32, incr, d->gr[in->r3]);
    ir_mov(b, IR_I32, comparand, d->gr[in->r3 | 1]);
    ir_op2(b, IR_add, IR_I32, d->gr[in->r1], d->gr[in->r1], incr);
    s370_gen_jump_if(d, &t, (def->arg & BX_LOW_OR_EQUAL) ? IR_LE : IR_GT, d->gr[in->r1], comparand);
}

/* LARL: the relative address, formed like a branch address. */
static void lift_load_address_relative(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    (void)def;
    uint32_t a = (uint32_t)((d->insn_addr + 2 * (int64_t)in->imm) & d->amask);
    ir_mov(d->b, IR_I32, d->gr[in->r1], ir_i32(d->b, a));
}

/* BSM, BASSM change the addressing mode, so they end the block through a
 * helper (PoO-390 §7 "Branch and Set Mode"). */
static uint64_t s370_helper_branch_set_mode_fn(CPUState *c, uint64_t fields, uint64_t addr1,
                                               uint64_t addr2)
{
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(fields), r2 = S370_FIELD_R2(fields);
    bool save_link = addr1 != 0; /* BASSM */
    uint32_t next = (uint32_t)addr2;
    uint32_t target = s370_gr32(cpu, r2);
    if (save_link) {
        s370_set_gr32(cpu, r1, cpu->psw.amode31 ? 0x80000000u | next : next);
    } else if (r1) {
        uint32_t v = s370_gr32(cpu, r1);
        s370_set_gr32(cpu, r1, (v & 0x7fffffffu) | (cpu->psw.amode31 ? 0x80000000u : 0));
    }
    if (r2 == 0) {
        c->pc = next;
        return 0;
    }
    cpu->psw.amode31 = (target & 0x80000000u) != 0;
    c->vaddr_mask = s370_amask(cpu);
    c->pc = target & s370_amask(cpu);
    return 0;
}
static S370_HELPER(s370_helper_branch_set_mode, s370_helper_branch_set_mode_fn,
                   IR_CALL_READS_STATE | IR_CALL_WRITES_STATE);

static void lift_branch_set_mode(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    IrVal args[3] = {ir_i64(b, s370_fields(in)), ir_i64(b, (uint64_t)def->arg),
                     ir_i64(b, d->next_pc)};
    ir_call(b, &s370_helper_branch_set_mode, ir_temp(b, IR_I64), args);
    ir_exit_tb(b, IR_EXIT_REQUEST);
    d->state = S370_DISAS_EXITED;
}

#define B(k, n, fmt, archs, lift, arg)                                                             \
    {                                                                                              \
        k, n, S370_FMT_##fmt, archs, S370F_BRANCH, lift, NULL, arg                                 \
    }

static const S370InsnDef s370_branch_table[] = {
    B(0x0500, "BALR", RR, S370_IN_ALL, lift_branch_link, TGT_REG | LINK_PSW),
    B(0x0600, "BCTR", RR, S370_IN_ALL, lift_branch_count, TGT_REG),
    B(0x0700, "BCR", RR, S370_IN_ALL, lift_branch_condition, TGT_REG),
    B(0x0b00, "BSM", RR, S370_IN_390, lift_branch_set_mode, 0),
    B(0x0c00, "BASSM", RR, S370_IN_390, lift_branch_set_mode, 1),
    B(0x0d00, "BASR", RR, S370_IN_ALL, lift_branch_link, TGT_REG),
    B(0x4500, "BAL", RX, S370_IN_ALL, lift_branch_link, TGT_RX | LINK_PSW),
    B(0x4600, "BCT", RX, S370_IN_ALL, lift_branch_count, TGT_RX),
    B(0x4700, "BC", RX, S370_IN_ALL, lift_branch_condition, TGT_RX),
    B(0x4d00, "BAS", RX, S370_IN_ALL, lift_branch_link, TGT_RX),
    B(0x8400, "BRXH", RSI, S370_IN_390, lift_branch_index, TGT_RELATIVE),
    B(0x8500, "BRXLE", RSI, S370_IN_390, lift_branch_index, TGT_RELATIVE | BX_LOW_OR_EQUAL),
    B(0x8600, "BXH", RS, S370_IN_ALL, lift_branch_index, TGT_RS),
    B(0x8700, "BXLE", RS, S370_IN_ALL, lift_branch_index, TGT_RS | BX_LOW_OR_EQUAL),
    B(0xa704, "BRC", RI, S370_IN_390, lift_branch_condition, TGT_RELATIVE),
    B(0xa705, "BRAS", RI, S370_IN_390, lift_branch_link, TGT_RELATIVE),
    B(0xa706, "BRCT", RI, S370_IN_390, lift_branch_count, TGT_RELATIVE),
    {0xc000, "LARL", S370_FMT_RIL, S370_IN_390, 0, lift_load_address_relative, NULL, 0},
    B(0xc004, "BRCL", RIL, S370_IN_390, lift_branch_condition, TGT_RELATIVE),
    B(0xc005, "BRASL", RIL, S370_IN_390, lift_branch_link, TGT_RELATIVE),
};
S370_GROUP(branch, s370_branch_table);
