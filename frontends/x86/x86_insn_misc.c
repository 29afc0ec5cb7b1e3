/*
 * x86 instruction group "misc": bit tests and scans, BSWAP, SETcc,
 * CMOVcc, CMPXCHG, CMPXCHG8B, XADD, XLAT, the flag instructions (LAHF,
 * SAHF, CLC, STC, CMC, CLD, STD), the BCD adjustments, SALC, UD2, CLFLUSH
 * and the hint NOPs (SDM Vol 2, each under its mnemonic).
 *
 * Flags the SDM leaves undefined are what QEMU's TCG leaves, since the
 * differential tests run against qemu-system-i386:
 *   BT/BTS/BTR/BTC: only CF changes;
 *   BSF/BSR: ZF, SF, PF as a logical result of the source, CF OF AF 0;
 *   AAA/AAS: OF SF ZF PF unchanged;  DAA/DAS: OF 0;
 *   AAM/AAD: SF ZF PF from AL, CF OF AF 0.
 * DAA/DAS follow the SDM's "Operation" where QEMU differs (DAA with AL
 * 0xFA-0xFF: the carry out of AL + 6 sets CF and the +60H step).
 */
#include "frontends/x86/x86_flow.h"
#include "frontends/x86/x86_internal.h"

static IrVal imm32(X86Disas *d, uint32_t v)
{
    return ir_i32(d->b, v);
}

static IrVal op2(X86Disas *d, IrOpcode opc, IrVal a, IrVal c)
{
    IrVal r = ir_temp(d->b, IR_I32);
    ir_op2(d->b, opc, IR_I32, r, a, c);
    return r;
}

static uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* Replace the bits of mask in the six arithmetic flags with bits. */
static void gen_set_flag_bits(X86Disas *d, uint32_t mask, IrVal bits)
{
    IrVal flags = op2(d, IR_and, x86_gen_compute_flags(d), imm32(d, ~mask));
    x86_gen_set_cc(d, X86_CC_OP_EFLAGS, IR_NONE, op2(d, IR_or, flags, bits), IR_NONE);
}

/* The memory operand of a read-modify-write instruction: translated for
 * writing once, so the read and the write use the same checked address. */
static void gen_rmw_prepare(X86Disas *d, const X86Insn *in, unsigned size)
{
    if (in->op[0].type == X86O_MEM) x86_gen_mem_linear(d, in, size, true);
}

/* ---- BT, BTS, BTR, BTC ---- */

enum { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

/* With a register bit offset and a memory operand, the offset is signed
 * and selects the operand-size unit at EA + (offset SAR (3 + log2 size))
 * * size (SDM Vol 2 BT, "Description"); an immediate offset, or a
 * register destination, uses the offset modulo the operand width. */
static void lift_bt(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    unsigned size = in->opsize, bits = 8 * size;
    int kind = in->def->arg;
    IrVal offset = x86_gen_read_operand(d, in, 1);
    IrVal bit = op2(d, IR_and, offset, imm32(d, bits - 1));
    IrVal linear = IR_NONE, value;
    if (in->op[0].type == X86O_MEM && in->op[1].type == X86O_GPR) {
        IrVal soff = offset;
        if (size == 2) {
            soff = ir_temp(b, IR_I32);
            ir_op1(b, IR_ext16s, IR_I32, soff, offset);
        }
        IrVal disp = op2(d, IR_sar, soff, imm32(d, 3));
        disp = op2(d, IR_and, disp, imm32(d, ~(size - 1)));
        IrVal ea = op2(d, IR_add, x86_gen_ea_offset(d, in), disp);
        if (in->addrsize == 2) ea = op2(d, IR_and, ea, imm32(d, 0xffff));
        linear = x86_gen_linear(d, in->mem.seg, ea, size, kind != BT_TEST);
        value = x86_gen_load(d, linear, size);
    } else {
        if (kind != BT_TEST) gen_rmw_prepare(d, in, size);
        value = x86_gen_read_operand(d, in, 0);
    }
    IrVal cf = op2(d, IR_and, op2(d, IR_shr, value, bit), imm32(d, 1));
    if (kind != BT_TEST) {
        IrVal m = op2(d, IR_shl, imm32(d, 1), bit);
        IrVal r = op2(d, kind == BT_SET ? IR_or : kind == BT_RESET ? IR_andc : IR_xor, value, m);
        if (linear != IR_NONE)
            x86_gen_store(d, linear, r, size);
        else
            x86_gen_write_operand(d, in, 0, r);
    }
    gen_set_flag_bits(d, X86_CF, cf);
}

/* ---- BSF, BSR ---- */

/* A zero source leaves the destination unchanged (as processors do; the
 * SDM calls it undefined) and sets ZF. */
static void lift_bsf_bsr(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    unsigned size = in->opsize;
    IrVal src = x86_gen_read_operand(d, in, 1);
    IrVal old = x86_gen_read_operand(d, in, 0);
    IrVal r = ir_temp(b, IR_I32);
    if (in->def->arg) {
        ir_op1(b, IR_clz, IR_I32, r, src);
        r = op2(d, IR_sub, imm32(d, 31), r);
    } else {
        ir_op1(b, IR_ctz, IR_I32, r, src);
    }
    IrVal res = ir_temp(b, IR_I32);
    ir_movcond(b, IR_I32, IR_EQ, res, src, imm32(d, 0), old, r);
    x86_gen_write_operand(d, in, 0, res);
    x86_gen_set_cc(d, X86_CC_OP_LOGICB + (int)x86_size_index(size), src, IR_NONE, IR_NONE);
}

static void lift_bswap(X86Disas *d, const X86Insn *in)
{
    IrVal r = ir_temp(d->b, IR_I32);
    ir_op1(d->b, IR_bswap32, IR_I32, r, x86_gen_get_reg(d, in->op[0].reg, 4));
    x86_gen_set_reg(d, in->op[0].reg, 4, r);
}

/* ---- SETcc, CMOVcc ---- */

static void lift_setcc(X86Disas *d, const X86Insn *in)
{
    x86_gen_write_operand(d, in, 0, x86_gen_cond(d, in->opcode & 0xf));
}

/* The source is read (and may fault) whatever the condition; a false
 * condition leaves the destination as it was (SDM Vol 2 CMOVcc). */
static void lift_cmovcc(X86Disas *d, const X86Insn *in)
{
    IrVal src = x86_gen_read_operand(d, in, 1);
    IrVal cond = x86_gen_cond(d, in->opcode & 0xf);
    IrVal old = x86_gen_read_operand(d, in, 0);
    IrVal r = ir_temp(d->b, IR_I32);
    ir_movcond(d->b, IR_I32, IR_NE, r, cond, imm32(d, 0), src, old);
    x86_gen_write_operand(d, in, 0, r);
}

/* ---- CMPXCHG, CMPXCHG8B, XADD ---- */

static unsigned operand_size(const X86Insn *in)
{
    return (in->opcode & 1) ? in->opsize : 1;
}

/* CMPXCHG: flags of CMP accumulator, destination; equal: destination =
 * source; else accumulator = destination.  A memory destination is
 * always written (the old value when unequal; SDM Vol 2 CMPXCHG). */
static void lift_cmpxchg(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    unsigned size = operand_size(in);
    gen_rmw_prepare(d, in, size);
    IrVal dest = x86_gen_read_operand(d, in, 0);
    IrVal src = x86_gen_read_operand(d, in, 1);
    IrVal acc = x86_gen_get_reg(d, X86_EAX, size);
    IrVal new_dest = ir_temp(b, IR_I32), new_acc = ir_temp(b, IR_I32);
    ir_movcond(b, IR_I32, IR_EQ, new_dest, acc, dest, src, dest);
    ir_movcond(b, IR_I32, IR_EQ, new_acc, acc, dest, acc, dest);
    IrVal diff = op2(d, IR_sub, acc, dest);
    if (size < 4) diff = op2(d, IR_and, diff, imm32(d, size_mask(size)));
    if (in->op[0].type == X86O_MEM) {
        x86_gen_write_operand(d, in, 0, new_dest);
        x86_gen_set_reg(d, X86_EAX, size, new_acc);
    } else {
        /* CMPXCHG EAX, r: the destination write comes last and wins. */
        x86_gen_set_reg(d, X86_EAX, size, new_acc);
        x86_gen_write_operand(d, in, 0, new_dest);
    }
    x86_gen_set_cc(d, X86_CC_OP_SUBB + (int)x86_size_index(size), diff, dest, IR_NONE);
}

static IrVal pair64(X86Disas *d, unsigned hi_reg, unsigned lo_reg)
{
    IrBlock *b = d->b;
    IrVal lo = ir_temp(b, IR_I64), hi = ir_temp(b, IR_I64), r = ir_temp(b, IR_I64);
    ir_op1(b, IR_zext, IR_I64, lo, x86_gen_get_reg(d, lo_reg, 4));
    ir_op1(b, IR_zext, IR_I64, hi, x86_gen_get_reg(d, hi_reg, 4));
    ir_op2(b, IR_shl, IR_I64, hi, hi, ir_i64(b, 32));
    ir_op2(b, IR_or, IR_I64, r, hi, lo);
    return r;
}

/* CMPXCHG8B m64: EDX:EAX against m64; equal: m64 = ECX:EBX, else EDX:EAX
 * = m64 (and m64 written back unchanged).  Only ZF changes. */
static void lift_cmpxchg8b(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    IrVal linear = x86_gen_mem_linear(d, in, 8, true);
    IrVal mem = x86_gen_load(d, linear, 8);
    IrVal expect = pair64(d, X86_EDX, X86_EAX);
    IrVal repl = pair64(d, X86_ECX, X86_EBX);
    IrVal new_mem = ir_temp(b, IR_I64);
    ir_movcond(b, IR_I64, IR_EQ, new_mem, mem, expect, repl, mem);
    x86_gen_store(d, linear, new_mem, 8);
    IrVal eq = ir_temp(b, IR_I32);
    {
        IrVal eq64 = ir_temp(b, IR_I64);
        ir_setcond(b, IR_I64, IR_EQ, eq64, mem, expect);
        ir_op1(b, IR_trunc, IR_I32, eq, eq64);
    }
    IrVal lo = ir_temp(b, IR_I32), hi = ir_temp(b, IR_I32), hi64 = ir_temp(b, IR_I64);
    ir_op1(b, IR_trunc, IR_I32, lo, mem);
    ir_op2(b, IR_shr, IR_I64, hi64, mem, ir_i64(b, 32));
    ir_op1(b, IR_trunc, IR_I32, hi, hi64);
    /* Unequal: EDX:EAX = m64; equal: they already hold the same value. */
    x86_gen_set_reg(d, X86_EAX, 4, lo);
    x86_gen_set_reg(d, X86_EDX, 4, hi);
    gen_set_flag_bits(d, X86_ZF, op2(d, IR_shl, eq, imm32(d, 6)));
}

/* XADD: destination = sum, source register = old destination; the
 * destination write comes last (XADD r, r with one register: the sum). */
static void lift_xadd(X86Disas *d, const X86Insn *in)
{
    unsigned size = operand_size(in);
    gen_rmw_prepare(d, in, size);
    IrVal dest = x86_gen_read_operand(d, in, 0);
    IrVal src = x86_gen_read_operand(d, in, 1);
    IrVal sum = op2(d, IR_add, dest, src);
    if (size < 4) sum = op2(d, IR_and, sum, imm32(d, size_mask(size)));
    if (in->op[0].type == X86O_MEM) {
        x86_gen_write_operand(d, in, 0, sum);
        x86_gen_write_operand(d, in, 1, dest);
    } else {
        x86_gen_write_operand(d, in, 1, dest);
        x86_gen_write_operand(d, in, 0, sum);
    }
    x86_gen_set_cc(d, X86_CC_OP_ADDB + (int)x86_size_index(size), sum, src, IR_NONE);
}

/* ---- XLAT, flag instructions, SALC ---- */

/* XLAT: AL = [seg:eBX + AL], DS unless overridden (SDM Vol 2 XLAT). */
static void lift_xlat(X86Disas *d, const X86Insn *in)
{
    unsigned seg = in->seg_override != X86_SEG_NONE ? in->seg_override : X86_SEG_DS;
    IrVal off =
        op2(d, IR_add, x86_gen_get_reg(d, X86_EBX, in->addrsize), x86_gen_get_reg(d, X86_EAX, 1));
    if (in->addrsize == 2) off = op2(d, IR_and, off, imm32(d, 0xffff));
    IrVal v = x86_gen_load(d, x86_gen_linear(d, seg, off, 1, false), 1);
    x86_gen_set_reg(d, X86_EAX, 1, v);
}

enum { BYTE_REG_AH = 4 }; /* byte register encoding: AL CL DL BL AH CH DH BH */
#define LAHF_FLAGS (X86_SF | X86_ZF | X86_AF | X86_PF | X86_CF)

/* LAHF: AH = SF ZF 0 AF 0 PF 1 CF (SDM Vol 2 LAHF). */
static void lift_lahf(X86Disas *d, const X86Insn *in)
{
    (void)in;
    IrVal ah = op2(d, IR_and, x86_gen_compute_flags(d), imm32(d, LAHF_FLAGS));
    x86_gen_set_reg(d, BYTE_REG_AH, 1, op2(d, IR_or, ah, imm32(d, 2)));
}

static void lift_sahf(X86Disas *d, const X86Insn *in)
{
    (void)in;
    IrVal ah = x86_gen_get_reg(d, BYTE_REG_AH, 1);
    gen_set_flag_bits(d, LAHF_FLAGS, op2(d, IR_and, ah, imm32(d, LAHF_FLAGS)));
}

enum { CF_CLEAR, CF_SET, CF_COMPLEMENT };

static void lift_carry(X86Disas *d, const X86Insn *in)
{
    IrVal flags = x86_gen_compute_flags(d);
    IrVal r;
    switch (in->def->arg) {
    case CF_CLEAR: r = op2(d, IR_and, flags, imm32(d, ~(uint32_t)X86_CF)); break;
    case CF_SET: r = op2(d, IR_or, flags, imm32(d, X86_CF)); break;
    default: r = op2(d, IR_xor, flags, imm32(d, X86_CF)); break;
    }
    x86_gen_set_cc(d, X86_CC_OP_EFLAGS, IR_NONE, r, IR_NONE);
}

/* CLD, STD: DF lives in cpu->df as +1 or -1. */
static void lift_direction(X86Disas *d, const X86Insn *in)
{
    ir_mov(d->b, IR_I32, d->df, imm32(d, (uint32_t)in->def->arg));
}

/* SALC (undocumented, D6): AL = CF ? FFH : 00H, flags unchanged. */
static void lift_salc(X86Disas *d, const X86Insn *in)
{
    (void)in;
    IrVal r = ir_temp(d->b, IR_I32);
    ir_op1(d->b, IR_neg, IR_I32, r, x86_gen_compute_cf(d));
    x86_gen_set_reg(d, X86_EAX, 1, r);
}

/* ---- BCD ---- */

static uint32_t szp_flags(uint8_t v)
{
    uint32_t f = (v & 0x80) ? X86_SF : 0;
    if (v == 0) f |= X86_ZF;
    if (!(__builtin_popcount(v) & 1)) f |= X86_PF;
    return f;
}

uint32_t x86_bcd_adjust(unsigned op, uint32_t ax, uint32_t flags, uint32_t base)
{
    uint8_t al = ax & 0xff, ah = (ax >> 8) & 0xff;
    bool af = flags & X86_AF, cf = flags & X86_CF;
    uint32_t keep = flags & (X86_OF | X86_SF | X86_ZF | X86_PF);
    switch (op) {
    case X86_BCD_AAA:
    case X86_BCD_AAS: {
        /* AX +- 106H (AAS: AX - 6, AH - 1), AL's high nibble cleared. */
        bool adjust = (al & 0x0f) > 9 || af;
        uint16_t v = (uint16_t)ax;
        if (adjust) v = op == X86_BCD_AAA ? (uint16_t)(v + 0x106) : (uint16_t)(v - 6 - 0x100);
        v &= 0xff0f;
        return v | (keep | (adjust ? X86_AF | X86_CF : 0)) << 16;
    }
    case X86_BCD_DAA:
    case X86_BCD_DAS: {
        uint8_t old = al;
        uint32_t f = 0;
        bool add = op == X86_BCD_DAA;
        if ((al & 0x0f) > 9 || af) {
            if (cf || (add ? al > 0xf9 : al < 6)) f |= X86_CF;
            al = add ? (uint8_t)(al + 6) : (uint8_t)(al - 6);
            f |= X86_AF;
        }
        if (old > 0x99 || cf) {
            al = add ? (uint8_t)(al + 0x60) : (uint8_t)(al - 0x60);
            f |= X86_CF;
        } else if (add) {
            f &= ~(uint32_t)X86_CF;
        }
        return (ax & 0xff00) | al | (f | szp_flags(al)) << 16;
    }
    case X86_BCD_AAM:
        if (base == 0) return ax | flags << 16; /* #DE from the lifter */
        ah = (uint8_t)(al / base);
        al = (uint8_t)(al % base);
        return (uint32_t)ah << 8 | al | szp_flags(al) << 16;
    default: /* AAD */ al = (uint8_t)(al + ah * base); return al | szp_flags(al) << 16;
    }
}

static uint64_t x86_bcd_fn(CPUState *c, uint64_t op, uint64_t ax, uint64_t flags, uint64_t base)
{
    (void)c;
    return x86_bcd_adjust((unsigned)op, (uint32_t)ax, (uint32_t)flags, (uint32_t)base);
}
static X86_HELPER(x86_helper_bcd, x86_bcd_fn, IR_CALL_PURE, IR_I32, 4, IR_I32, IR_I32, IR_I32,
                  IR_I32);

static void lift_bcd(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    unsigned op = (unsigned)in->def->arg;
    uint32_t base = in->nopnds ? (uint32_t)in->op[0].imm & 0xff : 10;
    if (op == X86_BCD_AAM && base == 0) {
        x86_gen_exception(d, X86_EXCP_DE);
        return;
    }
    IrVal r = ir_temp(b, IR_I32);
    x86_gen_call(d, &x86_helper_bcd, r,
                 (IrVal[]){imm32(d, op), x86_gen_get_reg(d, X86_EAX, 2), x86_gen_compute_flags(d),
                           imm32(d, base)});
    x86_gen_set_reg(d, X86_EAX, 2, op2(d, IR_and, r, imm32(d, 0xffff)));
    x86_gen_set_cc(d, X86_CC_OP_EFLAGS, IR_NONE, op2(d, IR_shr, r, imm32(d, 16)), IR_NONE);
}

/* ---- UD2, CLFLUSH, hint NOPs ---- */

static void lift_ud2(X86Disas *d, const X86Insn *in)
{
    (void)in;
    x86_gen_exception(d, X86_EXCP_UD);
}

/* CLFLUSH: the segment check and page translation of a byte read (SDM Vol
 * 2 CLFLUSH raises #GP, #SS and #PF for its operand); there is no cache. */
static void lift_clflush(X86Disas *d, const X86Insn *in)
{
    IrVal linear = x86_gen_mem_linear(d, in, 1, false);
    ir_host_range(d->b, ir_temp(d->b, IR_I64), linear, 1, d->mmu_idx, false);
}

/* Prefetches and reserved hint NOPs take a ModRM operand and do nothing;
 * arg 1: the register form of ModRM.reg 0-3 is #UD (0F 0D, 0F 18 /0-3,
 * as QEMU decodes them). */
static void lift_hint_nop(X86Disas *d, const X86Insn *in)
{
    if (in->def->arg && in->mod == 3 && (in->opcode == 0x0d || in->reg < 4))
        x86_gen_exception(d, X86_EXCP_UD);
}

#define L(map_, op_, cnt_, reg_, mod_, name_, o0_, o1_, flags_, lift_, arg_)                       \
    {                                                                                              \
        .map = X86_MAP_##map_, .opcode = (op_), .opcount = (cnt_), .reg = (reg_),                  \
        .prefix = X86_PFX_ANY, .mod = X86_MOD_##mod_, .rm = -1, .name = (name_),                   \
        .opnd = {o0_, o1_}, .flags = (flags_), .lift = (lift_), .arg = (arg_),                     \
    }
#define EV  X86_OPND(E, V)
#define GV  X86_OPND(G, V)
#define EB  X86_OPND(E, B)
#define GB  X86_OPND(G, B)
#define IB  X86_OPND(I, B)
#define RMW (X86F_MODRM | X86F_LOCK)

static const X86InsnDef x86_misc_defs[] = {
    L(0F, 0xa3, 1, -1, ANY, "BT", EV, GV, X86F_MODRM, lift_bt, BT_TEST),
    L(0F, 0xab, 1, -1, ANY, "BTS", EV, GV, RMW, lift_bt, BT_SET),
    L(0F, 0xb3, 1, -1, ANY, "BTR", EV, GV, RMW, lift_bt, BT_RESET),
    L(0F, 0xbb, 1, -1, ANY, "BTC", EV, GV, RMW, lift_bt, BT_COMPLEMENT),
    L(0F, 0xba, 1, 4, ANY, "BT", EV, IB, X86F_MODRM, lift_bt, BT_TEST),
    L(0F, 0xba, 1, 5, ANY, "BTS", EV, IB, RMW, lift_bt, BT_SET),
    L(0F, 0xba, 1, 6, ANY, "BTR", EV, IB, RMW, lift_bt, BT_RESET),
    L(0F, 0xba, 1, 7, ANY, "BTC", EV, IB, RMW, lift_bt, BT_COMPLEMENT),
    L(0F, 0xbc, 1, -1, ANY, "BSF", GV, EV, X86F_MODRM, lift_bsf_bsr, 0),
    L(0F, 0xbd, 1, -1, ANY, "BSR", GV, EV, X86F_MODRM, lift_bsf_bsr, 1),
    L(0F, 0xc8, 8, -1, ANY, "BSWAP", X86_OPND(Z, D), 0, X86F_NO16, lift_bswap, 0),
    L(0F, 0x90, 16, -1, ANY, "SETcc", EB, 0, X86F_MODRM, lift_setcc, 0),
    L(0F, 0x40, 16, -1, ANY, "CMOVcc", GV, EV, X86F_MODRM, lift_cmovcc, 0),
    L(0F, 0xb0, 1, -1, ANY, "CMPXCHG", EB, GB, RMW, lift_cmpxchg, 0),
    L(0F, 0xb1, 1, -1, ANY, "CMPXCHG", EV, GV, RMW, lift_cmpxchg, 0),
    L(0F, 0xc7, 1, 1, MEM, "CMPXCHG8B", X86_OPND(M, Q), 0, RMW | X86F_NO16, lift_cmpxchg8b, 0),
    L(0F, 0xc0, 1, -1, ANY, "XADD", EB, GB, RMW, lift_xadd, 0),
    L(0F, 0xc1, 1, -1, ANY, "XADD", EV, GV, RMW, lift_xadd, 0),
    L(ONE, 0xd7, 1, -1, ANY, "XLAT", 0, 0, 0, lift_xlat, 0),
    L(ONE, 0x9f, 1, -1, ANY, "LAHF", 0, 0, 0, lift_lahf, 0),
    L(ONE, 0x9e, 1, -1, ANY, "SAHF", 0, 0, 0, lift_sahf, 0),
    L(ONE, 0xf8, 1, -1, ANY, "CLC", 0, 0, 0, lift_carry, CF_CLEAR),
    L(ONE, 0xf9, 1, -1, ANY, "STC", 0, 0, 0, lift_carry, CF_SET),
    L(ONE, 0xf5, 1, -1, ANY, "CMC", 0, 0, 0, lift_carry, CF_COMPLEMENT),
    L(ONE, 0xfc, 1, -1, ANY, "CLD", 0, 0, 0, lift_direction, 1),
    L(ONE, 0xfd, 1, -1, ANY, "STD", 0, 0, 0, lift_direction, -1),
    L(ONE, 0x37, 1, -1, ANY, "AAA", 0, 0, 0, lift_bcd, X86_BCD_AAA),
    L(ONE, 0x3f, 1, -1, ANY, "AAS", 0, 0, 0, lift_bcd, X86_BCD_AAS),
    L(ONE, 0x27, 1, -1, ANY, "DAA", 0, 0, 0, lift_bcd, X86_BCD_DAA),
    L(ONE, 0x2f, 1, -1, ANY, "DAS", 0, 0, 0, lift_bcd, X86_BCD_DAS),
    L(ONE, 0xd4, 1, -1, ANY, "AAM", IB, 0, 0, lift_bcd, X86_BCD_AAM),
    L(ONE, 0xd5, 1, -1, ANY, "AAD", IB, 0, 0, lift_bcd, X86_BCD_AAD),
    L(ONE, 0xd6, 1, -1, ANY, "SALC", 0, 0, 0, lift_salc, 0),
    L(0F, 0x0b, 1, -1, ANY, "UD2", 0, 0, 0, lift_ud2, 0),
    L(0F, 0xae, 1, 7, MEM, "CLFLUSH", X86_OPND(M, B), 0, X86F_MODRM, lift_clflush, 0),
    L(0F, 0x0d, 1, -1, ANY, "PREFETCH", EV, 0, X86F_MODRM, lift_hint_nop, 1),
    L(0F, 0x18, 1, -1, ANY, "PREFETCHh", EV, 0, X86F_MODRM, lift_hint_nop, 1),
    L(0F, 0x19, 6, -1, ANY, "NOP", EV, 0, X86F_MODRM, lift_hint_nop, 0),
};
X86_GROUP(misc, x86_misc_defs);
