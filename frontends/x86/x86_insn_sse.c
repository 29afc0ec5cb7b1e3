/*
 * SSE and SSE2 (SDM Vol 1 ch. 10-11, Vol 2 per instruction): the table of
 * the floating-point, move and shuffle forms, and the lifters the MMX and
 * SSE tables share.  Floating point goes through x86_helper_sse_fp (the
 * host's SSE unit under the guest's MXCSR, x86_sse.c); integer work is IR
 * on 64-bit halves or pure lane helpers (x86_sse_int.c).
 *
 * Memory operands: 16-byte operands of the aligned forms raise #GP(0)
 * when the linear address is not 16-byte aligned (SDM Vol 1 §11.4.1);
 * MOVUPS/MOVUPD/MOVDQU and the 4- and 8-byte operands have no such check.
 */
#include <stddef.h>

#include "core/log.h"
#include "frontends/x86/x86_internal.h"
#include "frontends/x86/x86_sse.h"

/* ---- operand plumbing ---- */

static IrVal t64(X86Disas *d)
{
    return ir_temp(d->b, IR_I64);
}

static unsigned memop_of(unsigned size)
{
    return size >= 8 ? IR_MO_64 : size == 4 ? IR_MO_32 : size == 2 ? IR_MO_16 : IR_MO_8;
}

static bool is_vec_reg(const X86Operand *o)
{
    return o->type == X86O_XMM || o->type == X86O_MMX;
}

static int64_t vec_reg_offset(const X86Operand *o)
{
    return (int64_t)(o->type == X86O_XMM ? X86_XMM_OFFSET(o->reg) : X86_MMX_OFFSET(o->reg & 7));
}

/* The operand's linear address for size bytes, with the 16-byte
 * alignment check when asked. */
static IrVal mem_linear(X86Disas *d, const X86Insn *in, unsigned size, bool write, bool align)
{
    IrVal lin = x86_gen_mem_linear(d, in, size, write);
    if (align && size == 16) {
        IrVal low = ir_temp(d->b, IR_I32);
        ir_op2(d->b, IR_and, IR_I32, low, lin, ir_i32(d->b, 15));
        x86_gen_exception_if(d, IR_NE, low, ir_i32(d->b, 0), X86_EXCP_GP, 0);
    }
    return lin;
}

/* Read size bytes of operand n (a register's bytes from offset off) into
 * v[0] (bytes 0-7) and v[1] (bytes 8-15), i64, zero-extended. */
static void sse_read(X86Disas *d, const X86Insn *in, unsigned n, unsigned size, unsigned off,
                     bool align, IrVal v[2])
{
    IrBlock *b = d->b;
    const X86Operand *o = &in->op[n];
    v[1] = ir_i64(b, 0);
    if (is_vec_reg(o)) {
        int64_t base = vec_reg_offset(o) + off;
        v[0] = t64(d);
        ir_ld_env(b, IR_I64, v[0], IR_ENV, base, memop_of(size));
        if (size > 8) {
            v[1] = t64(d);
            ir_ld_env(b, IR_I64, v[1], IR_ENV, base + 8, IR_MO_64);
        }
    } else if (o->type == X86O_MEM) {
        IrVal lin = mem_linear(d, in, size, false, align);
        if (size >= 8) {
            v[0] = x86_gen_load(d, lin, 8);
            if (size > 8) {
                IrVal hi = ir_temp(b, IR_I32);
                ir_op2(b, IR_add, IR_I32, hi, lin, ir_i32(b, 8));
                v[1] = x86_gen_load(d, hi, 8);
            }
        } else {
            v[0] = t64(d);
            ir_op1(b, IR_zext, IR_I64, v[0], x86_gen_load(d, lin, size));
        }
    } else if (o->type == X86O_GPR) {
        v[0] = t64(d);
        ir_op1(b, IR_zext, IR_I64, v[0], x86_gen_get_reg(d, o->reg, size < 4 ? size : 4));
    } else {
        v[0] = ir_i64(b, (uint64_t)o->imm);
    }
}

/* The smallest page (SDM Vol 3 §4.3): the granularity of page faults. */
enum { SSE_PAGE_SIZE = 4096 };

/* A 16-byte store as two 8-byte stores.  When it crosses a page, both
 * pages are first translated for write (the lower first, as its fault
 * comes first), so that a fault on the second page leaves the first
 * unwritten: the instruction faults as a whole (SDM Vol 3 §6.6, faults
 * are reported before the instruction changes any state). */
static void store16(X86Disas *d, IrVal lin, const IrVal v[2])
{
    IrBlock *b = d->b;
    IrVal in_page = ir_temp(b, IR_I32), hi = ir_temp(b, IR_I32), last = ir_temp(b, IR_I32);
    IrVal upper = ir_temp(b, IR_I32);
    uint32_t one_page = ir_label_new(b);
    ir_op2(b, IR_and, IR_I32, in_page, lin, ir_i32(b, SSE_PAGE_SIZE - 1));
    ir_brcond(b, IR_I32, IR_LEU, in_page, ir_i32(b, SSE_PAGE_SIZE - 16), one_page);
    ir_host_range(b, t64(d), lin, 1, d->mmu_idx, true);
    /* The upper page from its first byte: the address the second 8-byte
     * store (or the part of it in that page) would fault at. */
    ir_op2(b, IR_add, IR_I32, last, lin, ir_i32(b, 15));
    ir_op2(b, IR_and, IR_I32, upper, last, ir_i32(b, (uint32_t)-SSE_PAGE_SIZE));
    ir_host_range(b, t64(d), upper, 1, d->mmu_idx, true);
    ir_label(b, one_page);
    x86_gen_store(d, lin, v[0], 8);
    ir_op2(b, IR_add, IR_I32, hi, lin, ir_i32(b, 8));
    x86_gen_store(d, hi, v[1], 8);
}

/* Write size bytes of v to operand n (a register's bytes from offset
 * off; zero: an XMM register's other bytes become zero; an MMX register
 * is always written whole, with exponent bits 0xffff, SDM Vol 1
 * §9.5.1). */
static void sse_write(X86Disas *d, const X86Insn *in, unsigned n, unsigned size, unsigned off,
                      bool zero, bool align, const IrVal v[2])
{
    IrBlock *b = d->b;
    const X86Operand *o = &in->op[n];
    if (o->type == X86O_XMM) {
        int64_t base = vec_reg_offset(o);
        if (zero) {
            ir_st_env(b, IR_I64, v[0], IR_ENV, base, IR_MO_64);
            ir_st_env(b, IR_I64, size > 8 ? v[1] : ir_i64(b, 0), IR_ENV, base + 8, IR_MO_64);
        } else {
            ir_st_env(b, IR_I64, v[0], IR_ENV, base + off, memop_of(size));
            if (size > 8) ir_st_env(b, IR_I64, v[1], IR_ENV, base + off + 8, IR_MO_64);
        }
    } else if (o->type == X86O_MMX) {
        int64_t base = vec_reg_offset(o);
        ir_st_env(b, IR_I64, v[0], IR_ENV, base, IR_MO_64);
        ir_st_env(b, IR_I32, ir_i32(b, 0xffff), IR_ENV, base + 8, IR_MO_16);
    } else if (o->type == X86O_MEM) {
        IrVal lin = mem_linear(d, in, size, true, align);
        if (size > 8) {
            store16(d, lin, v);
        } else if (size == 8) {
            x86_gen_store(d, lin, v[0], 8);
        } else {
            IrVal lo = ir_temp(b, IR_I32);
            ir_op1(b, IR_trunc, IR_I32, lo, v[0]);
            x86_gen_store(d, lin, lo, size);
        }
    } else if (o->type == X86O_GPR) {
        IrVal lo = ir_temp(b, IR_I32);
        ir_op1(b, IR_trunc, IR_I32, lo, v[0]);
        x86_gen_set_reg(d, o->reg, 4, lo);
    }
}

/* After the instruction's last raising op: an instruction with an MMX
 * register operand sets TOP = 0 and every x87 tag valid (SDM Vol 1
 * §9.5.1 table 9-2). */
static void sse_finish(X86Disas *d, const X86Insn *in)
{
    for (unsigned i = 0; i < in->nopnds; i++) {
        if (in->op[i].type != X86O_MMX) continue;
        ir_st_env(d->b, IR_I32, ir_i32(d->b, 0), IR_ENV, offsetof(X86CPU, fpstt), IR_MO_32);
        ir_st_env(d->b, IR_I64, ir_i64(d->b, 0), IR_ENV, offsetof(X86CPU, fptag), IR_MO_64);
        return;
    }
}

/* Operand n's size in bytes from the table line's spec. */
static unsigned spec_bytes(const X86Insn *in, unsigned n)
{
    switch (X86_OPND_SIZE(in->def->opnd[n])) {
    case X86S_B: return 1;
    case X86S_W: return 2;
    case X86S_D: return 4;
    case X86S_Q: return 8;
    case X86S_V: return in->opsize;
    default: return 16;
    }
}

static IrVal call2(X86Disas *d, const IrHelper *h, IrVal a, IrVal b)
{
    IrVal r = t64(d), args[2] = {a, b};
    ir_call(d->b, h, r, args);
    return r;
}

static IrVal call3(X86Disas *d, const IrHelper *h, IrVal a, IrVal b, IrVal c)
{
    IrVal r = t64(d), args[3] = {a, b, c};
    ir_call(d->b, h, r, args);
    return r;
}

/* ---- lifters ---- */

/* The high-half helper of an unpack whose line names the low one. */
static const IrHelper *unpack_high(const IrHelper *low)
{
    if (low == &x86_helper_punpcklbw) return &x86_helper_punpckhbw;
    if (low == &x86_helper_punpcklwd) return &x86_helper_punpckhwd;
    return &x86_helper_punpckhdq;
}

static IrVal int_apply(X86Disas *d, const X86InsnDef *def, IrVal a, IrVal b)
{
    if (def->helper) return call2(d, def->helper, a, b);
    IrVal r = t64(d);
    ir_op2(d->b, (IrOpcode)((def->arg >> 8) & 0xff), IR_I64, r, a, b);
    return r;
}

void x86_lift_sse_int(X86Disas *d, const X86Insn *in)
{
    const X86InsnDef *def = in->def;
    unsigned shape = def->arg & 0xff;
    bool mmx = in->op[0].type == X86O_MMX;
    unsigned size = mmx ? 8 : 16;
    IrVal dv[2], sv[2], r[2];
    sse_read(d, in, 0, size, 0, false, dv);
    if (shape == X86_INT_SHIFTI)
        sv[0] = ir_i64(d->b, (uint64_t)in->op[1].imm & 0xff);
    else
        sse_read(d, in, 1, size, 0, (def->arg & X86_SSE_ALIGN) != 0, sv);

    switch (shape) {
    case X86_INT_SHIFT:
    case X86_INT_SHIFTI:
        r[0] = int_apply(d, def, dv[0], sv[0]);
        r[1] = mmx ? dv[1] : int_apply(d, def, dv[1], sv[0]);
        break;
    case X86_INT_PACK:
        r[0] = int_apply(d, def, dv[0], mmx ? sv[0] : dv[1]);
        r[1] = mmx ? dv[1] : int_apply(d, def, sv[0], sv[1]);
        break;
    case X86_INT_UNPKL:
    case X86_INT_UNPKH: {
        unsigned h = shape == X86_INT_UNPKH;
        if (mmx) {
            r[0] = call2(d, h ? unpack_high(def->helper) : def->helper, dv[0], sv[0]);
        } else if (!def->helper) { /* PUNPCKLQDQ, PUNPCKHQDQ, UNPCKLPD, UNPCKHPD */
            r[0] = dv[h];
            r[1] = sv[h];
        } else {
            r[0] = call2(d, def->helper, dv[h], sv[h]);
            r[1] = call2(d, unpack_high(def->helper), dv[h], sv[h]);
        }
        break;
    }
    case X86_INT_IRSWAP:
        r[0] = int_apply(d, def, sv[0], dv[0]);
        r[1] = mmx ? dv[1] : int_apply(d, def, sv[1], dv[1]);
        break;
    default:
        r[0] = int_apply(d, def, dv[0], sv[0]);
        r[1] = mmx ? dv[1] : int_apply(d, def, dv[1], sv[1]);
        break;
    }
    sse_write(d, in, 0, size, 0, false, false, r);
    sse_finish(d, in);
}

void x86_lift_sse_mov(X86Disas *d, const X86Insn *in)
{
    int32_t arg = in->def->arg;
    unsigned size = arg & 31, src_off = (arg >> 5) & 31, dst_off = (arg >> 10) & 31;
    bool align = (arg & X86_SSE_ALIGN) != 0;
    IrVal v[2];
    sse_read(d, in, 1, size, src_off, align, v);
    sse_write(d, in, 0, size, dst_off, (arg & X86_MOV_ZERO) != 0, align, v);
    sse_finish(d, in);
}

void x86_lift_sse_fp(X86Disas *d, const X86Insn *in)
{
    const X86InsnDef *def = in->def;
    X86FpOp op = (X86FpOp)(def->arg & X86_FP_OP_MASK);
    uint32_t ctl = (uint32_t)def->arg & 0xffff;
    if (in->op[0].type == X86O_XMM) ctl |= (uint32_t)(in->op[0].reg & 7) << X86_FP_DST_SHIFT;
    if (in->nopnds > 2 && in->op[2].type == X86O_IMM)
        ctl |= (uint32_t)(in->op[2].imm & 0xff) << X86_FP_IMM_SHIFT;
    unsigned src_size = spec_bytes(in, 1);
    IrVal sv[2];
    sse_read(d, in, 1, src_size, 0, (def->arg & X86_SSE_ALIGN) != 0, sv);
    IrVal ret = t64(d), args[3] = {ir_i32(d->b, ctl), sv[0], sv[1]};
    x86_gen_call(d, &x86_helper_sse_fp, ret, args);
    if (op == X86_FP_COMI || op == X86_FP_UCOMI) {
        IrVal flags = ir_temp(d->b, IR_I32);
        ir_op1(d->b, IR_trunc, IR_I32, flags, ret);
        x86_gen_set_cc(d, X86_CC_OP_EFLAGS, IR_NONE, flags, IR_NONE);
    } else if (in->op[0].type != X86O_XMM) {
        IrVal r[2] = {ret, IR_NONE};
        sse_write(d, in, 0, in->op[0].type == X86O_MMX ? 8 : 4, 0, false, false, r);
    }
    sse_finish(d, in);
}

void x86_lift_sse_shuffle(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    int32_t form = in->def->arg & 0xff;
    bool align = (in->def->arg & X86_SSE_ALIGN) != 0;
    unsigned imm = (unsigned)in->op[in->nopnds - 1].imm & 0xff;
    IrVal dv[2], sv[2], r[2];
    if (form == X86_SHUF_PSHUFW) {
        sse_read(d, in, 1, 8, 0, false, sv);
        r[0] = call2(d, &x86_helper_pshufw, sv[0], ir_i64(b, imm));
        sse_write(d, in, 0, 8, 0, false, false, r);
        sse_finish(d, in);
        return;
    }
    if (form == X86_SHUF_PSRLDQ || form == X86_SHUF_PSLLDQ) {
        sse_read(d, in, 0, 16, 0, false, dv);
        uint64_t arg = (imm > 16 ? 16 : imm) | (form == X86_SHUF_PSLLDQ ? 1u << 9 : 0);
        r[0] = call3(d, &x86_helper_byte_shift, dv[0], dv[1], ir_i64(b, arg));
        r[1] = call3(d, &x86_helper_byte_shift, dv[0], dv[1], ir_i64(b, arg | 1u << 8));
        sse_write(d, in, 0, 16, 0, false, false, r);
        return;
    }
    if (form == X86_SHUF_SHUFPS || form == X86_SHUF_SHUFPD) sse_read(d, in, 0, 16, 0, false, dv);
    sse_read(d, in, 1, 16, 0, align, sv);
    switch (form) {
    case X86_SHUF_PSHUFD:
        r[0] = call3(d, &x86_helper_pick_dwords, sv[0], sv[1], ir_i64(b, imm & 15));
        r[1] = call3(d, &x86_helper_pick_dwords, sv[0], sv[1], ir_i64(b, imm >> 4));
        break;
    case X86_SHUF_PSHUFLW:
        r[0] = call2(d, &x86_helper_pshufw, sv[0], ir_i64(b, imm));
        r[1] = sv[1];
        break;
    case X86_SHUF_PSHUFHW:
        r[0] = sv[0];
        r[1] = call2(d, &x86_helper_pshufw, sv[1], ir_i64(b, imm));
        break;
    case X86_SHUF_SHUFPS:
        r[0] = call3(d, &x86_helper_pick_dwords, dv[0], dv[1], ir_i64(b, imm & 15));
        r[1] = call3(d, &x86_helper_pick_dwords, sv[0], sv[1], ir_i64(b, imm >> 4));
        break;
    default: /* SHUFPD */
        r[0] = dv[imm & 1];
        r[1] = sv[(imm >> 1) & 1];
        break;
    }
    sse_write(d, in, 0, 16, 0, false, false, r);
}

/* PEXTRW r32, mm/xmm, imm8 (SDM Vol 2 PEXTRW): the word zero-extended. */
void x86_lift_sse_pextrw(X86Disas *d, const X86Insn *in)
{
    bool mmx = in->op[1].type == X86O_MMX;
    unsigned idx = (unsigned)in->op[2].imm & (mmx ? 3 : 7);
    IrVal sv[2];
    sse_read(d, in, 1, mmx ? 8 : 16, 0, false, sv);
    IrVal w = t64(d);
    ir_extract(d->b, IR_extract, IR_I64, w, sv[idx >> 2], 16 * (idx & 3), 16);
    IrVal r[2] = {w, IR_NONE};
    sse_write(d, in, 0, 4, 0, false, false, r);
    sse_finish(d, in);
}

/* PINSRW mm/xmm, r32/m16, imm8. */
void x86_lift_sse_pinsrw(X86Disas *d, const X86Insn *in)
{
    bool mmx = in->op[0].type == X86O_MMX;
    unsigned idx = (unsigned)in->op[2].imm & (mmx ? 3 : 7);
    IrVal dv[2], wv[2];
    sse_read(d, in, 0, mmx ? 8 : 16, 0, false, dv);
    sse_read(d, in, 1, 2, 0, false, wv);
    IrVal r[2] = {dv[0], dv[1]}, q = t64(d);
    ir_deposit(d->b, IR_I64, q, dv[idx >> 2], wv[0], 16 * (idx & 3), 16);
    r[idx >> 2] = q;
    sse_write(d, in, 0, mmx ? 8 : 16, 0, false, false, r);
    sse_finish(d, in);
}

/* PMOVMSKB, MOVMSKPS, MOVMSKPD: sign bits into a general register. */
void x86_lift_sse_movmsk(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    unsigned kind = in->def->arg & 3;
    bool mmx = in->op[1].type == X86O_MMX;
    IrVal sv[2];
    sse_read(d, in, 1, mmx ? 8 : 16, 0, false, sv);
    IrVal m = call2(d, &x86_helper_movmsk, sv[0], ir_i64(b, kind));
    if (!mmx) {
        IrVal hi = call2(d, &x86_helper_movmsk, sv[1], ir_i64(b, kind)), sh = t64(d), all = t64(d);
        ir_op2(b, IR_shl, IR_I64, sh, hi, ir_i64(b, kind == 0 ? 8 : kind == 1 ? 2 : 1));
        ir_op2(b, IR_or, IR_I64, all, m, sh);
        m = all;
    }
    IrVal r[2] = {m, IR_NONE};
    sse_write(d, in, 0, 4, 0, false, false, r);
    sse_finish(d, in);
}

/* MASKMOVQ mm1, mm2 / MASKMOVDQU xmm1, xmm2: data in operand 0, mask in
 * operand 1, stored at DS:eDI (segment overridable). */
void x86_lift_sse_maskmov(X86Disas *d, const X86Insn *in)
{
    bool mmx = in->op[0].type == X86O_MMX;
    unsigned seg = in->seg_override != X86_SEG_NONE ? in->seg_override : X86_SEG_DS;
    IrVal dv[2], mv[2];
    sse_read(d, in, 0, mmx ? 8 : 16, 0, false, dv);
    sse_read(d, in, 1, mmx ? 8 : 16, 0, false, mv);
    /* Every selected byte is checked before any is stored, so that a
     * fault leaves memory unchanged: a call checks its half before
     * storing it, and MASKMOVDQU first checks both halves (low first,
     * whose fault comes first). */
    unsigned halves = mmx ? 1 : 2;
    for (unsigned pass = halves == 1; pass < 2; pass++) {
        for (unsigned h = 0; h < halves; h++) {
            uint32_t ctl = seg | (uint32_t)in->addrsize << 8 | (8 * h) << 16 |
                           (pass == 0 ? (uint32_t)X86_MASKMOV_PROBE : 0);
            IrVal args[3] = {ir_i32(d->b, ctl), dv[h], mv[h]};
            x86_gen_call(d, &x86_helper_maskmov, IR_NONE, args);
        }
    }
    sse_finish(d, in);
}

/* EMMS: every x87 tag empty (SDM Vol 2 EMMS). */
void x86_lift_sse_emms(X86Disas *d, const X86Insn *in)
{
    (void)in;
    ir_st_env(d->b, IR_I64, ir_i64(d->b, 0x0101010101010101ull), IR_ENV, offsetof(X86CPU, fptag),
              IR_MO_64);
}

/* LDMXCSR m32 (arg 0) and STMXCSR m32 (arg 1). */
static void lift_mxcsr(X86Disas *d, const X86Insn *in)
{
    IrVal v[2];
    if (in->def->arg == 0) {
        sse_read(d, in, 0, 4, 0, false, v);
        IrVal w = ir_temp(d->b, IR_I32);
        ir_op1(d->b, IR_trunc, IR_I32, w, v[0]);
        x86_gen_call(d, &x86_helper_ldmxcsr, IR_NONE, &w);
    } else {
        v[0] = t64(d);
        v[1] = IR_NONE;
        ir_ld_env(d->b, IR_I64, v[0], IR_ENV, offsetof(X86CPU, mxcsr), IR_MO_32);
        sse_write(d, in, 0, 4, 0, false, false, v);
    }
}

/* LFENCE, MFENCE, SFENCE: every access of this emulator is already
 * performed in program order. */
static void lift_fence(X86Disas *d, const X86Insn *in)
{
    (void)d, (void)in;
}

/* ---- the table ---- */

#define V128  X86_OPND(V, DQ)
#define W128  X86_OPND(W, DQ)
#define W64   X86_OPND(W, Q)
#define W32   X86_OPND(W, D)
#define U128  X86_OPND(U, DQ)
#define M128  X86_OPND(M, DQ)
#define M64   X86_OPND(M, Q)
#define M32   X86_OPND(M, D)
#define E32   X86_OPND(E, D)
#define E16   X86_OPND(E, W)
#define G32   X86_OPND(G, D)
#define IB    X86_OPND(I, B)
#define P64   X86_OPND(P, Q)
#define Q64   X86_OPND(Q, Q)
#define N64   X86_OPND(N, Q)
#define ALIGN X86_SSE_ALIGN

/* A line of map 0F: opcode, mandatory prefix, ModRM.mod, mnemonic,
 * operands, flags, lifter, arg. */
#define L(op, pfx, mod, name, o0, o1, o2, flags, lift, arg)                                        \
    X86_SSE_LINE(X86_MAP_0F, op, -1, X86_PFX_##pfx, X86_MOD_##mod, name, o0, o1, o2, flags, lift,  \
                 arg, NULL)
#define MOV(op, pfx, mod, name, o0, o1, arg)                                                       \
    L(op, pfx, mod, name, o0, o1, 0, X86F_SSE, x86_lift_sse_mov, arg)
#define FP(op, pfx, name, o0, o1, arg)                                                             \
    L(op, pfx, ANY, name, o0, o1, 0, X86F_SSE, x86_lift_sse_fp, arg)
/* The four forms PS, SS, PD, SD of an arithmetic operation. */
#define FP4(op, name, fpop)                                                                        \
    FP(op, NONE, name "PS", V128, W128, (fpop) | X86_FP_PACKED | ALIGN),                           \
        FP(op, F3, name "SS", V128, W32, (fpop)),                                                  \
        FP(op, 66, name "PD", V128, W128, (fpop) | X86_FP_PACKED | X86_FP_DOUBLE | ALIGN),         \
        FP(op, F2, name "SD", V128, W64, (fpop) | X86_FP_DOUBLE)
/* A bitwise or interleaving operation shared by the PS and PD forms. */
#define LOGIC2(op, name, shape, irop, helper)                                                      \
    X86_SSE_LINE(X86_MAP_0F, op, -1, X86_PFX_NONE, X86_MOD_ANY, name "PS", V128, W128, 0,          \
                 X86F_SSE, x86_lift_sse_int, (shape) | (irop) << 8 | ALIGN, helper),               \
        X86_SSE_LINE(X86_MAP_0F, op, -1, X86_PFX_66, X86_MOD_ANY, name "PD", V128, W128, 0,        \
                     X86F_SSE, x86_lift_sse_int, (shape) | (irop) << 8 | ALIGN, helper)
#define ZERO X86_MOV_ZERO
#define MA   X86_MOV_ARG

static const X86InsnDef x86_sse_defs[] = {
    /* Moves (SDM Vol 2 MOVUPS ... MOVDQU). */
    MOV(0x10, NONE, ANY, "MOVUPS", V128, W128, MA(16, 0, 0)),
    MOV(0x10, 66, ANY, "MOVUPD", V128, W128, MA(16, 0, 0)),
    MOV(0x10, F3, MEM, "MOVSS", V128, W32, MA(4, 0, 0) | ZERO),
    MOV(0x10, F3, REG, "MOVSS", V128, W32, MA(4, 0, 0)),
    MOV(0x10, F2, MEM, "MOVSD", V128, W64, MA(8, 0, 0) | ZERO),
    MOV(0x10, F2, REG, "MOVSD", V128, W64, MA(8, 0, 0)),
    MOV(0x11, NONE, ANY, "MOVUPS", W128, V128, MA(16, 0, 0)),
    MOV(0x11, 66, ANY, "MOVUPD", W128, V128, MA(16, 0, 0)),
    MOV(0x11, F3, ANY, "MOVSS", W32, V128, MA(4, 0, 0)),
    MOV(0x11, F2, ANY, "MOVSD", W64, V128, MA(8, 0, 0)),
    MOV(0x12, NONE, MEM, "MOVLPS", V128, M64, MA(8, 0, 0)),
    MOV(0x12, NONE, REG, "MOVHLPS", V128, U128, MA(8, 8, 0)),
    MOV(0x12, 66, MEM, "MOVLPD", V128, M64, MA(8, 0, 0)),
    MOV(0x13, NONE, MEM, "MOVLPS", M64, V128, MA(8, 0, 0)),
    MOV(0x13, 66, MEM, "MOVLPD", M64, V128, MA(8, 0, 0)),
    MOV(0x16, NONE, MEM, "MOVHPS", V128, M64, MA(8, 0, 8)),
    MOV(0x16, NONE, REG, "MOVLHPS", V128, U128, MA(8, 0, 8)),
    MOV(0x16, 66, MEM, "MOVHPD", V128, M64, MA(8, 0, 8)),
    MOV(0x17, NONE, MEM, "MOVHPS", M64, V128, MA(8, 8, 0)),
    MOV(0x17, 66, MEM, "MOVHPD", M64, V128, MA(8, 8, 0)),
    MOV(0x28, NONE, ANY, "MOVAPS", V128, W128, MA(16, 0, 0) | ALIGN),
    MOV(0x28, 66, ANY, "MOVAPD", V128, W128, MA(16, 0, 0) | ALIGN),
    MOV(0x29, NONE, ANY, "MOVAPS", W128, V128, MA(16, 0, 0) | ALIGN),
    MOV(0x29, 66, ANY, "MOVAPD", W128, V128, MA(16, 0, 0) | ALIGN),
    MOV(0x2b, NONE, MEM, "MOVNTPS", M128, V128, MA(16, 0, 0) | ALIGN),
    MOV(0x2b, 66, MEM, "MOVNTPD", M128, V128, MA(16, 0, 0) | ALIGN),
    MOV(0x6e, 66, ANY, "MOVD", V128, E32, MA(4, 0, 0) | ZERO),
    MOV(0x7e, 66, ANY, "MOVD", E32, V128, MA(4, 0, 0)),
    MOV(0x6f, 66, ANY, "MOVDQA", V128, W128, MA(16, 0, 0) | ALIGN),
    MOV(0x6f, F3, ANY, "MOVDQU", V128, W128, MA(16, 0, 0)),
    MOV(0x7f, 66, ANY, "MOVDQA", W128, V128, MA(16, 0, 0) | ALIGN),
    MOV(0x7f, F3, ANY, "MOVDQU", W128, V128, MA(16, 0, 0)),
    MOV(0x7e, F3, ANY, "MOVQ", V128, W64, MA(8, 0, 0) | ZERO),
    MOV(0xd6, 66, MEM, "MOVQ", W64, V128, MA(8, 0, 0)),
    MOV(0xd6, 66, REG, "MOVQ", W64, V128, MA(8, 0, 0) | ZERO),
    MOV(0xd6, F3, REG, "MOVQ2DQ", V128, N64, MA(8, 0, 0) | ZERO),
    MOV(0xd6, F2, REG, "MOVDQ2Q", P64, U128, MA(8, 0, 0)),
    MOV(0xe7, 66, MEM, "MOVNTDQ", M128, V128, MA(16, 0, 0) | ALIGN),
    L(0xc3, NONE, MEM, "MOVNTI", M32, G32, 0, 0, x86_lift_sse_mov, MA(4, 0, 0)),

    /* Arithmetic (SDM Vol 2 ADDPS ... SQRTSD). */
    FP4(0x58, "ADD", X86_FP_ADD),
    FP4(0x59, "MUL", X86_FP_MUL),
    FP4(0x5c, "SUB", X86_FP_SUB),
    FP4(0x5d, "MIN", X86_FP_MIN),
    FP4(0x5e, "DIV", X86_FP_DIV),
    FP4(0x5f, "MAX", X86_FP_MAX),
    FP4(0x51, "SQRT", X86_FP_SQRT),
    FP(0x52, NONE, "RSQRTPS", V128, W128, X86_FP_RSQRT | X86_FP_PACKED | ALIGN),
    FP(0x52, F3, "RSQRTSS", V128, W32, X86_FP_RSQRT),
    FP(0x53, NONE, "RCPPS", V128, W128, X86_FP_RCP | X86_FP_PACKED | ALIGN),
    FP(0x53, F3, "RCPSS", V128, W32, X86_FP_RCP),
    L(0xc2, NONE, ANY, "CMPPS", V128, W128, IB, X86F_SSE, x86_lift_sse_fp,
      X86_FP_CMP | X86_FP_PACKED | ALIGN),
    L(0xc2, F3, ANY, "CMPSS", V128, W32, IB, X86F_SSE, x86_lift_sse_fp, X86_FP_CMP),
    L(0xc2, 66, ANY, "CMPPD", V128, W128, IB, X86F_SSE, x86_lift_sse_fp,
      X86_FP_CMP | X86_FP_PACKED | X86_FP_DOUBLE | ALIGN),
    L(0xc2, F2, ANY, "CMPSD", V128, W64, IB, X86F_SSE, x86_lift_sse_fp, X86_FP_CMP | X86_FP_DOUBLE),
    FP(0x2e, NONE, "UCOMISS", V128, W32, X86_FP_UCOMI),
    FP(0x2e, 66, "UCOMISD", V128, W64, X86_FP_UCOMI | X86_FP_DOUBLE),
    FP(0x2f, NONE, "COMISS", V128, W32, X86_FP_COMI),
    FP(0x2f, 66, "COMISD", V128, W64, X86_FP_COMI | X86_FP_DOUBLE),

    /* Conversions (SDM Vol 2 CVTDQ2PD ... CVTTSS2SI). */
    FP(0x2a, NONE, "CVTPI2PS", V128, Q64, X86_FP_CVTPI2PS),
    FP(0x2a, F3, "CVTSI2SS", V128, E32, X86_FP_CVTSI2SS),
    FP(0x2a, 66, "CVTPI2PD", V128, Q64, X86_FP_CVTPI2PD),
    FP(0x2a, F2, "CVTSI2SD", V128, E32, X86_FP_CVTSI2SD),
    FP(0x2c, NONE, "CVTTPS2PI", P64, W64, X86_FP_CVTTPS2PI),
    FP(0x2c, F3, "CVTTSS2SI", G32, W32, X86_FP_CVTTSS2SI),
    FP(0x2c, 66, "CVTTPD2PI", P64, W128, X86_FP_CVTTPD2PI | ALIGN),
    FP(0x2c, F2, "CVTTSD2SI", G32, W64, X86_FP_CVTTSD2SI),
    FP(0x2d, NONE, "CVTPS2PI", P64, W64, X86_FP_CVTPS2PI),
    FP(0x2d, F3, "CVTSS2SI", G32, W32, X86_FP_CVTSS2SI),
    FP(0x2d, 66, "CVTPD2PI", P64, W128, X86_FP_CVTPD2PI | ALIGN),
    FP(0x2d, F2, "CVTSD2SI", G32, W64, X86_FP_CVTSD2SI),
    FP(0x5a, NONE, "CVTPS2PD", V128, W64, X86_FP_CVTPS2PD),
    FP(0x5a, 66, "CVTPD2PS", V128, W128, X86_FP_CVTPD2PS | ALIGN),
    FP(0x5a, F3, "CVTSS2SD", V128, W32, X86_FP_CVTSS2SD),
    FP(0x5a, F2, "CVTSD2SS", V128, W64, X86_FP_CVTSD2SS),
    FP(0x5b, NONE, "CVTDQ2PS", V128, W128, X86_FP_CVTDQ2PS | ALIGN),
    FP(0x5b, 66, "CVTPS2DQ", V128, W128, X86_FP_CVTPS2DQ | ALIGN),
    FP(0x5b, F3, "CVTTPS2DQ", V128, W128, X86_FP_CVTTPS2DQ | ALIGN),
    FP(0xe6, 66, "CVTTPD2DQ", V128, W128, X86_FP_CVTTPD2DQ | ALIGN),
    FP(0xe6, F2, "CVTPD2DQ", V128, W128, X86_FP_CVTPD2DQ | ALIGN),
    FP(0xe6, F3, "CVTDQ2PD", V128, W64, X86_FP_CVTDQ2PD),

    /* Logic and interleaves on the FP forms (SDM Vol 2 ANDPS, UNPCKLPS). */
    LOGIC2(0x54, "AND", X86_INT_ELEM, IR_and, NULL),
    LOGIC2(0x55, "ANDN", X86_INT_IRSWAP, IR_andc, NULL),
    LOGIC2(0x56, "OR", X86_INT_ELEM, IR_or, NULL),
    LOGIC2(0x57, "XOR", X86_INT_ELEM, IR_xor, NULL),
    X86_SSE_LINE(X86_MAP_0F, 0x14, -1, X86_PFX_NONE, X86_MOD_ANY, "UNPCKLPS", V128, W128, 0,
                 X86F_SSE, x86_lift_sse_int, X86_INT_UNPKL | ALIGN, &x86_helper_punpckldq),
    X86_SSE_LINE(X86_MAP_0F, 0x14, -1, X86_PFX_66, X86_MOD_ANY, "UNPCKLPD", V128, W128, 0, X86F_SSE,
                 x86_lift_sse_int, X86_INT_UNPKL | ALIGN, NULL),
    X86_SSE_LINE(X86_MAP_0F, 0x15, -1, X86_PFX_NONE, X86_MOD_ANY, "UNPCKHPS", V128, W128, 0,
                 X86F_SSE, x86_lift_sse_int, X86_INT_UNPKH | ALIGN, &x86_helper_punpckldq),
    X86_SSE_LINE(X86_MAP_0F, 0x15, -1, X86_PFX_66, X86_MOD_ANY, "UNPCKHPD", V128, W128, 0, X86F_SSE,
                 x86_lift_sse_int, X86_INT_UNPKH | ALIGN, NULL),

    /* Shuffles, masks, byte shifts. */
    L(0xc6, NONE, ANY, "SHUFPS", V128, W128, IB, X86F_SSE, x86_lift_sse_shuffle,
      X86_SHUF_SHUFPS | ALIGN),
    L(0xc6, 66, ANY, "SHUFPD", V128, W128, IB, X86F_SSE, x86_lift_sse_shuffle,
      X86_SHUF_SHUFPD | ALIGN),
    L(0x70, 66, ANY, "PSHUFD", V128, W128, IB, X86F_SSE, x86_lift_sse_shuffle,
      X86_SHUF_PSHUFD | ALIGN),
    L(0x70, F3, ANY, "PSHUFHW", V128, W128, IB, X86F_SSE, x86_lift_sse_shuffle,
      X86_SHUF_PSHUFHW | ALIGN),
    L(0x70, F2, ANY, "PSHUFLW", V128, W128, IB, X86F_SSE, x86_lift_sse_shuffle,
      X86_SHUF_PSHUFLW | ALIGN),
    X86_SSE_LINE(X86_MAP_0F, 0x73, 3, X86_PFX_66, X86_MOD_REG, "PSRLDQ", U128, IB, 0, X86F_SSE,
                 x86_lift_sse_shuffle, X86_SHUF_PSRLDQ, NULL),
    X86_SSE_LINE(X86_MAP_0F, 0x73, 7, X86_PFX_66, X86_MOD_REG, "PSLLDQ", U128, IB, 0, X86F_SSE,
                 x86_lift_sse_shuffle, X86_SHUF_PSLLDQ, NULL),
    L(0x50, NONE, REG, "MOVMSKPS", G32, U128, 0, X86F_SSE, x86_lift_sse_movmsk, 1),
    L(0x50, 66, REG, "MOVMSKPD", G32, U128, 0, X86F_SSE, x86_lift_sse_movmsk, 2),

    /* MXCSR and fences (SDM Vol 2 LDMXCSR, STMXCSR, LFENCE, MFENCE,
     * SFENCE; 0F AE /7 with a memory operand is CLFLUSH, elsewhere). */
    X86_SSE_LINE(X86_MAP_0F, 0xae, 2, X86_PFX_NONE, X86_MOD_MEM, "LDMXCSR", M32, 0, 0, X86F_SSE,
                 lift_mxcsr, 0, NULL),
    X86_SSE_LINE(X86_MAP_0F, 0xae, 3, X86_PFX_NONE, X86_MOD_MEM, "STMXCSR", M32, 0, 0, X86F_SSE,
                 lift_mxcsr, 1, NULL),
    X86_SSE_LINE(X86_MAP_0F, 0xae, 5, X86_PFX_NONE, X86_MOD_REG, "LFENCE", 0, 0, 0, 0, lift_fence,
                 0, NULL),
    X86_SSE_LINE(X86_MAP_0F, 0xae, 6, X86_PFX_NONE, X86_MOD_REG, "MFENCE", 0, 0, 0, 0, lift_fence,
                 0, NULL),
    X86_SSE_LINE(X86_MAP_0F, 0xae, 7, X86_PFX_NONE, X86_MOD_REG, "SFENCE", 0, 0, 0, 0, lift_fence,
                 0, NULL),
};
X86_GROUP(sse, x86_sse_defs);
