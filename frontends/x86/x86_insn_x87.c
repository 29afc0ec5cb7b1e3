/*
 * The x87 instructions, D8-DF (SDM Vol 2 §A.4 tables ), and
 * FXSAVE/FXRSTOR (0F AE /0 /1).
 *
 * Every line goes through one lifter, x87_lift, and one C helper: the
 * line's arg names an operation class, a variant (the arithmetic
 * operation, a constant, a condition) and the memory operand's type.  The
 * lifter computes the memory operand's offset and linear address (with
 * the segment checks for operands up to 16 bytes; the environment and
 * state images are checked by the helper for their whole size) and packs
 * what the helper needs into one word: the arg, ModRM, opcode bits and
 * segment for the FPU pointers (SDM Vol 1 §8.1.8), and the operand size.
 *
 * The helper follows SDM Vol 1 §8.5-8.6: a waiting instruction first
 * raises #MF for a pending unmasked exception; memory is read (and
 * written) before any x87 state changes, so a fault leaves it untouched;
 * an unmasked invalid, denormal or zero-divide exception leaves the
 * destination unchanged; a stack overflow or underflow is IE|SF with C1
 * telling which, and the masked response writes the real indefinite.
 */
#include "frontends/x86/x86_fpu.h"
#include "frontends/x86/x86_internal.h"

/* Operation classes. */
enum {
    X87_ARITH, /* sub: X87A_*; memory or ST(0) op ST(i), or ST(i) op ST(0) */
    X87_LOAD,  /* FLD/FILD/FBLD memory; FLD ST(i) */
    X87_STORE, /* FST/FIST/FBSTP memory; FST ST(i); pop per flags */
    X87_FXCH,
    X87_FCMOV, /* sub: condition (B E BE U, +4 negated) */
    X87_UCOM,  /* FUCOM family: pops per flags */
    X87_COMI,  /* FCOMI/FUCOMI(P): sub 1 = unordered rules */
    X87_FTST,
    X87_FXAM,
    X87_FCHS,
    X87_FABS,
    X87_FLDCONST, /* sub: constant index */
    X87_TRANS,    /* sub: X86FpTransOp */
    X87_FXTRACT,
    X87_FPREM, /* sub 1: FPREM1 */
    X87_FSQRT,
    X87_FRNDINT,
    X87_FSCALE,
    X87_FINCSTP,
    X87_FDECSTP,
    X87_FFREE,
    X87_FNOP,
    X87_FNCLEX,
    X87_FNINIT,
    X87_FLDCW,
    X87_FNSTCW,
    X87_FNSTSW, /* memory, or AX for the register form */
    X87_FLDENV,
    X87_FNSTENV,
    X87_FRSTOR,
    X87_FNSAVE,
    X87_FXSAVE,
    X87_FXRSTOR,
    X87_NCLASSES
};

/* Arithmetic variants, in ModRM.reg order of D8. */
enum { X87A_ADD, X87A_MUL, X87A_COM, X87A_COMP, X87A_SUB, X87A_SUBR, X87A_DIV, X87A_DIVR };

/* Memory operand types. */
enum { MT_NONE, MT_F32, MT_F64, MT_F80, MT_I16, MT_I32, MT_I64, MT_BCD };
static const uint8_t mt_size[8] = {0, 4, 8, 10, 2, 4, 8, 10};

/* arg layout: class (bits 0-5), variant (6-8), memory type (9-11), pops
 * (12-13), destination ST(i) (14). */
#define ARG(cls, sub, mt, pops, to_sti)                                                            \
    ((cls) | (sub) << 6 | (mt) << 9 | (pops) << 12 | (to_sti) << 14)
#define ARG_CLASS(a)  ((a)&0x3f)
#define ARG_SUB(a)    (((a) >> 6) & 7)
#define ARG_MT(a)     (((a) >> 9) & 7)
#define ARG_POPS(a)   (((a) >> 12) & 3)
#define ARG_TO_STI(a) (((a) >> 14) & 1)

/* The helper's word: arg (bits 0-15), ModRM (16-23), opcode bits 2-0
 * (24-26), segment (27-29), memory operand (30), 32-bit operand size (31). */
#define W_ARG(w)    ((unsigned)(w)&0xffff)
#define W_MODRM(w)  (((unsigned)(w) >> 16) & 0xff)
#define W_OPC(w)    (((unsigned)(w) >> 24) & 7)
#define W_SEG(w)    (((unsigned)(w) >> 27) & 7)
#define W_MEM(w)    ((((unsigned)(w) >> 30) & 1) != 0)
#define W_OPSIZE(w) ((((unsigned)(w) >> 31) & 1) ? 4u : 2u)

/* Per class: a control instruction (no #MF check, pointers kept: SDM
 * Vol 1 §8.1.8, §8.6: FNINIT FNCLEX FNSTCW FNSTSW FNSTENV FNSAVE, and
 * FXSAVE/FXRSTOR), one that keeps the pointers but waits (FLDCW FLDENV
 * FRSTOR), and the memory operand size for the big images. */
static bool x87_no_wait(unsigned cls)
{
    return cls == X87_FNCLEX || cls == X87_FNINIT || cls == X87_FNSTCW || cls == X87_FNSTSW ||
           cls == X87_FNSTENV || cls == X87_FNSAVE || cls == X87_FXSAVE || cls == X87_FXRSTOR;
}

static bool x87_keeps_pointers(unsigned cls)
{
    return x87_no_wait(cls) || cls == X87_FLDCW || cls == X87_FLDENV || cls == X87_FRSTOR;
}

static unsigned x87_image_size(unsigned cls, unsigned opsize)
{
    switch (cls) {
    case X87_FLDENV:
    case X87_FNSTENV: return opsize == 4 ? 28 : 14;
    case X87_FRSTOR:
    case X87_FNSAVE: return opsize == 4 ? 108 : 94;
    case X87_FXSAVE:
    case X87_FXRSTOR: return 512;
    default: return 0;
    }
}

static bool x87_writes_memory(unsigned cls)
{
    return cls == X87_STORE || cls == X87_FNSTCW || cls == X87_FNSTSW || cls == X87_FNSTENV ||
           cls == X87_FNSAVE || cls == X87_FXSAVE;
}

/* ---- memory values ---- */

typedef struct MemVal {
    uint64_t lo;
    uint16_t hi; /* bytes 8-9 of 10-byte operands */
} MemVal;

static MemVal mem_load(X86CPU *cpu, uint32_t linear, unsigned size)
{
    unsigned idx = x86_data_mmu_idx(cpu);
    MemVal v = {0, 0};
    if (size >= 8) {
        v.lo = x86_load_linear64(cpu, linear, idx);
        if (size == 10) v.hi = (uint16_t)x86_load_linear(cpu, linear + 8, 2, idx);
    } else {
        v.lo = x86_load_linear(cpu, linear, size, idx);
    }
    return v;
}

static void mem_store(X86CPU *cpu, uint32_t linear, unsigned size, MemVal v)
{
    unsigned idx = x86_data_mmu_idx(cpu);
    if (size >= 8) {
        x86_store_linear64(cpu, linear, v.lo, idx);
        if (size == 10) x86_store_linear(cpu, linear + 8, v.hi, 2, idx);
    } else {
        x86_store_linear(cpu, linear, (uint32_t)v.lo, size, idx);
    }
}

/* A memory operand as an 80-bit value (FLD, FILD, FBLD, and the
 * arithmetic forms). */
static X86F80 mem_to_f80(X86FpCtx *c, unsigned mt, MemVal v)
{
    switch (mt) {
    case MT_F32: return x86f80_from_f32(c, (uint32_t)v.lo);
    case MT_F64: return x86f80_from_f64(c, v.lo);
    case MT_F80: return (X86F80){v.lo, v.hi};
    case MT_I16: return x86f80_from_int((int16_t)v.lo);
    case MT_I32: return x86f80_from_int((int32_t)v.lo);
    case MT_I64: return x86f80_from_int((int64_t)v.lo);
    default: {
        uint8_t bcd[10];
        for (unsigned i = 0; i < 8; i++)
            bcd[i] = (uint8_t)(v.lo >> (8 * i));
        bcd[8] = (uint8_t)v.hi;
        bcd[9] = (uint8_t)(v.hi >> 8);
        return x86f80_from_bcd(bcd);
    }
    }
}

/* ST(0) converted for a store; *store false when an unmasked exception
 * leaves memory unchanged. */
static MemVal f80_to_mem(X86FpCtx *c, unsigned mt, X86F80 a, bool *store)
{
    MemVal v = {0, 0};
    *store = true;
    switch (mt) {
    case MT_F32: v.lo = x86f80_to_f32(c, a, store); break;
    case MT_F64: v.lo = x86f80_to_f64(c, a, store); break;
    case MT_F80: v.lo = a.sig, v.hi = a.se; break;
    case MT_I16: v.lo = (uint16_t)x86f80_to_int(c, a, 16, false); break;
    case MT_I32: v.lo = (uint32_t)x86f80_to_int(c, a, 32, false); break;
    case MT_I64: v.lo = (uint64_t)x86f80_to_int(c, a, 64, false); break;
    default: {
        uint8_t bcd[10];
        x86f80_to_bcd(c, a, bcd);
        for (unsigned i = 0; i < 8; i++)
            v.lo |= (uint64_t)bcd[i] << (8 * i);
        v.hi = (uint16_t)(bcd[8] | bcd[9] << 8);
        break;
    }
    }
    if (!x86_fpe_commit(c)) *store = false;
    return v;
}

/* The indefinite of each memory type (the masked stack-underflow store). */
static MemVal mem_indefinite(unsigned mt)
{
    switch (mt) {
    case MT_F32: return (MemVal){0xffc00000u, 0};
    case MT_F64: return (MemVal){0xfff8000000000000ull, 0};
    case MT_F80: return (MemVal){0xc000000000000000ull, 0xffff};
    case MT_I16: return (MemVal){0x8000, 0};
    case MT_I32: return (MemVal){0x80000000u, 0};
    case MT_I64: return (MemVal){0x8000000000000000ull, 0};
    default: return (MemVal){0xc000000000000000ull, 0xffff};
    }
}

/* ---- helpers for the classes ---- */

static X86FpCtx fp_ctx(const X86CPU *cpu)
{
    return (X86FpCtx){cpu->fpuc, 0, false};
}

/* Finish an operation: record its exceptions and C1. */
static void fp_done(X86CPU *cpu, const X86FpCtx *c)
{
    x86_fpu_set_cc(cpu, X86_FPSW_C1, c->c1 ? X86_FPSW_C1 : 0);
    x86_fpu_record(cpu, c->exc);
}

/* Read ST(i), or take the stack-underflow response: false when the
 * instruction must stop (IE unmasked), else *v is the indefinite. */
static bool st_read(X86CPU *cpu, unsigned i, X86F80 *v, bool *fault)
{
    if (!x86_fpu_empty(cpu, i)) {
        *v = x86_fpu_st(cpu, i);
        return true;
    }
    *fault = true;
    *v = x86f80_indefinite();
    return x86_fpu_stack_fault(cpu, false);
}

/* Room for a push (ST(7) empty), or the stack-overflow response: false
 * when the instruction must stop; *fault says the masked response
 * applies (push the indefinite). */
static bool push_room(X86CPU *cpu, bool *fault)
{
    if (x86_fpu_empty(cpu, 7)) return true;
    *fault = true;
    return x86_fpu_stack_fault(cpu, true);
}

static void pops(X86CPU *cpu, unsigned n)
{
    while (n--)
        x86_fpu_pop(cpu);
}

static X86F80 arith(X86FpCtx *c, unsigned op, X86F80 x, X86F80 y)
{
    switch (op) {
    case X87A_ADD: return x86f80_add(c, x, y);
    case X87A_MUL: return x86f80_mul(c, x, y);
    case X87A_SUB: return x86f80_sub(c, x, y);
    case X87A_SUBR: return x86f80_sub(c, y, x);
    case X87A_DIV: return x86f80_div(c, x, y);
    default: return x86f80_div(c, y, x);
    }
}

/* The exceptions of converting a float32/float64 memory operand (conv)
 * joined with those of the operation on it.  An SNaN source is IE
 * whatever follows; a denormal source is DE only where an 80-bit denormal
 * operand would be: not with a NaN operand (SDM Vol 1 §4.9.2: the
 * invalid-operation and QNaN rules come first) and not when the operation
 * reports IE or ZE (a denormal divided by zero is ZE alone).  Checked on
 * Intel hardware: FADD m64 of a denormal with ST(0) a QNaN sets no DE. */
static void join_conversion(X86FpCtx *c, uint16_t conv, X86F80 a, X86F80 b)
{
    X86F80Class ca = x86f80_classify(a), cb = x86f80_classify(b);
    bool nan = ca == X86F80_NAN || ca == X86F80_UNSUPPORTED || cb == X86F80_NAN ||
               cb == X86F80_UNSUPPORTED;
    c->exc |= conv & X86_FPE_IE;
    if ((conv & X86_FPE_DE) && !nan && !(c->exc & (X86_FPE_IE | X86_FPE_ZE))) c->exc |= X86_FPE_DE;
}

/* FCOM/FUCOM condition codes into C3 C2 C0 (C1 cleared); conv: the
 * exceptions of converting a memory operand. */
static void compare(X86CPU *cpu, X86F80 a, X86F80 b, bool quiet, bool fault, uint16_t conv)
{
    X86FpCtx c = fp_ctx(cpu);
    uint16_t cc =
        fault ? (X86_FPSW_C0 | X86_FPSW_C2 | X86_FPSW_C3) : x86f80_compare(&c, a, b, quiet);
    if (!fault) {
        join_conversion(&c, conv, a, b);
        x86_fpe_commit(&c);
    }
    x86_fpu_set_cc(cpu, X86_FPSW_CC, cc);
    x86_fpu_record(cpu, c.exc);
}

/* EFLAGS of FCOMI (SDM Vol 2 FCOMI): ZF PF CF from C3 C2 C0; OF SF AF
 * cleared. */
static void set_comi_flags(X86CPU *cpu, uint16_t cc)
{
    uint32_t f = 0;
    if (cc & X86_FPSW_C3) f |= X86_ZF;
    if (cc & X86_FPSW_C2) f |= X86_PF;
    if (cc & X86_FPSW_C0) f |= X86_CF;
    cpu->cc_op = X86_CC_OP_EFLAGS;
    cpu->cc_src = f;
    cpu->cc_dst = 0;
    cpu->cc_src2 = 0;
}

static bool fcmov_cond(X86CPU *cpu, unsigned sub)
{
    uint32_t f = x86_cc_compute_all(cpu->cc_op, cpu->cc_dst, cpu->cc_src, cpu->cc_src2);
    bool v;
    switch (sub & 3) {
    case 0: v = f & X86_CF; break;
    case 1: v = f & X86_ZF; break;
    case 2: v = f & (X86_CF | X86_ZF); break;
    default: v = f & X86_PF; break;
    }
    return (sub & 4) ? !v : v;
}

/* A one-operand operation on ST(0) (FSQRT, FRNDINT, FCHS, FABS), and the
 * two-operand ones on ST(0), ST(1) (FSCALE, FPREM). */
static void unary(X86CPU *cpu, unsigned cls, unsigned sub)
{
    X86F80 a, b = x86f80_make(false, 0, 0), r;
    bool fault = false;
    bool two = cls == X87_FSCALE || cls == X87_FPREM;
    if (!st_read(cpu, 0, &a, &fault) || (two && !st_read(cpu, 1, &b, &fault))) return;
    X86FpCtx c = fp_ctx(cpu);
    uint16_t cc = 0;
    if (fault) {
        x86_fpu_set_st(cpu, 0, x86f80_indefinite());
        return;
    }
    switch (cls) {
    case X87_FSQRT: r = x86f80_sqrt(&c, a); break;
    case X87_FRNDINT: r = x86f80_round_int(&c, a); break;
    case X87_FSCALE: r = x86f80_scale(&c, a, b); break;
    case X87_FPREM: r = x86f80_rem(&c, a, b, sub != 0, &cc); break;
    case X87_FCHS: r = a, r.se ^= 0x8000; break;
    default: r = a, r.se &= 0x7fff; break;
    }
    if (x86_fpe_commit(&c)) {
        x86_fpu_set_st(cpu, 0, r);
        if (cls == X87_FPREM) {
            /* A NaN result (NaN operand, or invalid): C1 and C2 cleared,
             * C0 and C3 kept, as on Intel hardware (the SDM defines the
             * condition codes only for a remainder). */
            bool nan = x86f80_classify(r) == X86F80_NAN;
            x86_fpu_set_cc(cpu, nan ? X86_FPSW_C1 | X86_FPSW_C2 : X86_FPSW_CC, cc);
            x86_fpu_record(cpu, c.exc);
            return;
        }
    }
    fp_done(cpu, &c);
}

static void transcendental(X86CPU *cpu, unsigned op)
{
    bool pushes = op == X86_FT_FPTAN || op == X86_FT_FSINCOS;
    bool binary = op == X86_FT_FYL2X || op == X86_FT_FPATAN || op == X86_FT_FYL2XP1;
    X86F80 in[2] = {x86f80_make(false, 0, 0), x86f80_make(false, 0, 0)}, out[2];
    bool fault = false;
    if (!st_read(cpu, 0, &in[0], &fault) || (binary && !st_read(cpu, 1, &in[1], &fault))) return;
    if (pushes && !fault && !push_room(cpu, &fault)) return;
    if (fault) {
        /* Masked stack fault: the indefinite as every result. */
        if (binary) {
            x86_fpu_set_st(cpu, 1, x86f80_indefinite());
            x86_fpu_pop(cpu);
        } else {
            x86_fpu_set_st(cpu, 0, x86f80_indefinite());
            if (pushes) x86_fpu_push(cpu, x86f80_indefinite());
        }
        return;
    }
    X86FpCtx c = fp_ctx(cpu);
    uint16_t c2 = x86f80_transcendental(&c, (X86FpTransOp)op, in, out);
    x86_fpu_set_cc(cpu, X86_FPSW_C2, c2);
    if (c2) return; /* out of range: operand unchanged (SDM Vol 2 FSIN) */
    if (x86_fpe_commit(&c)) {
        if (binary) {
            x86_fpu_set_st(cpu, 1, out[0]);
            x86_fpu_pop(cpu);
        } else if (pushes) {
            x86_fpu_set_st(cpu, 0, out[1]);
            x86_fpu_push(cpu, out[0]);
        } else {
            x86_fpu_set_st(cpu, 0, out[0]);
        }
    }
    fp_done(cpu, &c);
}

/* ---- the helper ---- */

static void x87_exec(X86CPU *cpu, uint32_t word, uint32_t linear, uint32_t offset)
{
    unsigned arg = W_ARG(word), cls = ARG_CLASS(arg), sub = ARG_SUB(arg), mt = ARG_MT(arg);
    unsigned rm = W_MODRM(word) & 7;
    bool has_mem = W_MEM(word);
    unsigned size = mt_size[mt];
    X86F80 a, b;
    bool fault = false;
    MemVal m = {0, 0};

    if (!x87_no_wait(cls)) x86_fpu_check_pending(cpu);
    if (has_mem && x87_image_size(cls, W_OPSIZE(word)))
        linear = x86_seg_linear(cpu, W_SEG(word), offset, x87_image_size(cls, W_OPSIZE(word)),
                                x87_writes_memory(cls));
    /* Operands from memory first: a fault changes nothing. */
    if (has_mem && (cls == X87_ARITH || cls == X87_LOAD)) m = mem_load(cpu, linear, size);
    if (!x87_keeps_pointers(cls))
        x86_fpu_update_pointers(cpu, (uint16_t)(W_OPC(word) << 8 | W_MODRM(word)), has_mem,
                                W_SEG(word), offset);

    switch (cls) {
    case X87_ARITH: {
        X86FpCtx c = fp_ctx(cpu), conv = fp_ctx(cpu);
        unsigned dst = ARG_TO_STI(arg) ? rm : 0;
        if (!st_read(cpu, 0, &a, &fault)) return;
        if (has_mem)
            b = mem_to_f80(&conv, mt, m);
        else if (!st_read(cpu, rm, &b, &fault))
            return;
        if (sub == X87A_COM || sub == X87A_COMP) {
            compare(cpu, a, b, false, fault, conv.exc);
            pops(cpu, ARG_POPS(arg));
            return;
        }
        X86F80 x = ARG_TO_STI(arg) ? b : a, y = ARG_TO_STI(arg) ? a : b;
        if (fault) {
            x86_fpu_set_st(cpu, dst, x86f80_indefinite());
        } else {
            X86F80 r = arith(&c, sub, x, y);
            join_conversion(&c, conv.exc, x, y);
            if (x86_fpe_commit(&c)) x86_fpu_set_st(cpu, dst, r);
            fp_done(cpu, &c);
            if (c.exc & ~cpu->fpuc & (X86_FPE_IE | X86_FPE_DE | X86_FPE_ZE))
                return; /* suppressed: the stack is not popped either (SDM Vol 1 §8.5) */
        }
        pops(cpu, ARG_POPS(arg));
        return;
    }
    case X87_LOAD: {
        X86FpCtx c = fp_ctx(cpu);
        if (has_mem)
            a = mem_to_f80(&c, mt, m);
        else if (!st_read(cpu, rm, &a, &fault))
            return;
        if (!push_room(cpu, &fault)) return;
        if (fault) {
            x86_fpu_push(cpu, x86f80_indefinite());
            return;
        }
        if (x86_fpe_commit(&c)) x86_fpu_push(cpu, a);
        fp_done(cpu, &c);
        return;
    }
    case X87_STORE: {
        if (!st_read(cpu, 0, &a, &fault)) return;
        if (!has_mem) {
            x86_fpu_set_st(cpu, rm, a);
            x86_fpu_set_cc(cpu, X86_FPSW_C1, 0);
            pops(cpu, ARG_POPS(arg));
            return;
        }
        X86FpCtx c = fp_ctx(cpu);
        bool store = true;
        m = fault ? mem_indefinite(mt) : f80_to_mem(&c, mt, a, &store);
        if (store) mem_store(cpu, linear, size, m);
        if (!fault) fp_done(cpu, &c);
        /* Unmasked exceptions of a memory store: nothing stored, no pop. */
        if (store) pops(cpu, ARG_POPS(arg));
        return;
    }
    case X87_FXCH:
        if (!st_read(cpu, 0, &a, &fault) || !st_read(cpu, rm, &b, &fault)) return;
        x86_fpu_set_st(cpu, 0, b);
        x86_fpu_set_st(cpu, rm, a);
        if (!fault) x86_fpu_set_cc(cpu, X86_FPSW_C1, 0);
        return;
    case X87_FCMOV:
        if (!st_read(cpu, 0, &a, &fault) || !st_read(cpu, rm, &b, &fault)) return;
        /* C1 only on a stack underflow (SDM Vol 2 FCMOVcc "C1 Set to 0 if
         * stack underflow occurred"): otherwise kept, as on hardware. */
        if (fcmov_cond(cpu, sub)) x86_fpu_set_st(cpu, 0, b);
        return;
    case X87_UCOM: {
        unsigned other = ARG_POPS(arg) == 2 ? 1 : rm;
        if (!st_read(cpu, 0, &a, &fault) || !st_read(cpu, other, &b, &fault)) return;
        compare(cpu, a, b, true, fault, 0);
        pops(cpu, ARG_POPS(arg));
        return;
    }
    case X87_COMI: {
        if (!st_read(cpu, 0, &a, &fault) || !st_read(cpu, rm, &b, &fault)) return;
        X86FpCtx c = fp_ctx(cpu);
        uint16_t cc =
            fault ? (X86_FPSW_C0 | X86_FPSW_C2 | X86_FPSW_C3) : x86f80_compare(&c, a, b, sub != 0);
        if (!fault && !x86_fpe_commit(&c)) {
            x86_fpu_record(cpu, c.exc);
            return; /* unmasked invalid: EFLAGS unchanged */
        }
        /* SDM Vol 2 FCOMI lists "C1 Set to 0", but Intel hardware (and
         * QEMU) keep C1 unless the stack underflows (st_read cleared it
         * then): kept here, as software observes it on silicon. */
        set_comi_flags(cpu, cc);
        x86_fpu_record(cpu, c.exc);
        pops(cpu, ARG_POPS(arg));
        return;
    }
    case X87_FTST:
        if (!st_read(cpu, 0, &a, &fault)) return;
        compare(cpu, a, x86f80_make(false, 0, 0), false, fault, 0);
        return;
    case X87_FXAM: {
        static const uint16_t cc[7] = {0,
                                       X86_FPSW_C0,
                                       X86_FPSW_C2,
                                       X86_FPSW_C2 | X86_FPSW_C0,
                                       X86_FPSW_C3,
                                       X86_FPSW_C3 | X86_FPSW_C0,
                                       X86_FPSW_C3 | X86_FPSW_C2};
        a = x86_fpu_st(cpu, 0);
        X86F80Class k = x86_fpu_empty(cpu, 0) ? X86F80_EMPTY : x86f80_classify(a);
        x86_fpu_set_cc(cpu, X86_FPSW_CC, cc[k] | (x86f80_sign(a) ? X86_FPSW_C1 : 0));
        return;
    }
    case X87_FCHS:
    case X87_FABS:
    case X87_FSQRT:
    case X87_FRNDINT:
    case X87_FSCALE:
    case X87_FPREM: unary(cpu, cls, sub); return;
    case X87_FLDCONST:
        if (!push_room(cpu, &fault)) return;
        x86_fpu_push(cpu, fault ? x86f80_indefinite()
                                : x86f80_constant(sub, (cpu->fpuc >> X86_FPCW_RC_SHIFT) & 3));
        if (!fault) x86_fpu_set_cc(cpu, X86_FPSW_C1, 0);
        return;
    case X87_TRANS: transcendental(cpu, sub); return;
    case X87_FXTRACT: {
        if (!st_read(cpu, 0, &a, &fault)) return;
        if (!fault && !push_room(cpu, &fault)) return;
        if (fault) {
            x86_fpu_set_st(cpu, 0, x86f80_indefinite());
            x86_fpu_push(cpu, x86f80_indefinite());
            return;
        }
        X86FpCtx c = fp_ctx(cpu);
        X86F80 e, s = x86f80_extract(&c, a, &e);
        if (x86_fpe_commit(&c)) {
            x86_fpu_set_st(cpu, 0, e);
            x86_fpu_push(cpu, s);
        }
        fp_done(cpu, &c);
        return;
    }
    case X87_FINCSTP:
    case X87_FDECSTP:
        cpu->fpstt = (cpu->fpstt + (cls == X87_FINCSTP ? 1 : 7)) & 7;
        x86_fpu_set_cc(cpu, X86_FPSW_C1, 0);
        return;
    case X87_FFREE:
        cpu->fptag[x86_fpu_phys(cpu, rm)] = 1;
        if (ARG_POPS(arg)) cpu->fpstt = (cpu->fpstt + 1) & 7;
        return;
    case X87_FNOP: return;
    case X87_FNCLEX:
        cpu->fpus &= (uint16_t) ~(X86_FPE_ALL | X86_FPSW_SF | X86_FPSW_ES | X86_FPSW_B);
        return;
    case X87_FNINIT: x86_fpu_reset(cpu); return;
    case X87_FLDCW: x86_fpu_set_control(cpu, (uint16_t)mem_load(cpu, linear, 2).lo); return;
    case X87_FNSTCW: mem_store(cpu, linear, 2, (MemVal){cpu->fpuc, 0}); return;
    case X87_FNSTSW:
        if (has_mem)
            mem_store(cpu, linear, 2, (MemVal){x86_fpu_status(cpu), 0});
        else
            cpu->regs[X86_EAX] = (cpu->regs[X86_EAX] & ~0xffffull) | x86_fpu_status(cpu);
        return;
    case X87_FLDENV: x86_fpu_ldenv(cpu, linear, W_OPSIZE(word)); return;
    case X87_FNSTENV: x86_fpu_stenv(cpu, linear, W_OPSIZE(word)); return;
    case X87_FRSTOR: x86_fpu_frstor(cpu, linear, W_OPSIZE(word)); return;
    case X87_FNSAVE: x86_fpu_fsave(cpu, linear, W_OPSIZE(word)); return;
    case X87_FXSAVE: x86_fpu_fxsave(cpu, linear); return;
    case X87_FXRSTOR: x86_fpu_fxrstor(cpu, linear); return;
    default: return;
    }
}

static uint64_t x87_helper_fn(CPUState *cs, uint64_t word, uint64_t linear, uint64_t offset)
{
    x87_exec(x86_cpu(cs), (uint32_t)word, (uint32_t)linear, (uint32_t)offset);
    return 0;
}

static X86_HELPER(x87_helper, x87_helper_fn,
                  IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE, IR_VOID, 3,
                  IR_I32, IR_I32, IR_I32);

void x86_x87_exec(X86CPU *cpu, uint32_t word, uint32_t linear, uint32_t offset)
{
    x87_exec(cpu, word, linear, offset);
}

/* ---- the lifter ---- */

uint32_t x86_x87_word(const X86Insn *in)
{
    unsigned arg = (unsigned)in->def->arg;
    return (arg & 0xffff) | (uint32_t)in->modrm << 16 | (uint32_t)(in->opcode & 7) << 24 |
           (uint32_t)(in->has_mem ? in->mem.seg & 7 : 0) << 27 | (uint32_t)in->has_mem << 30 |
           (uint32_t)(in->opsize == 4) << 31;
}

static void x87_lift(X86Disas *d, const X86Insn *in)
{
    IrBlock *b = d->b;
    unsigned arg = (unsigned)in->def->arg, cls = ARG_CLASS(arg);
    IrVal offset = ir_i32(b, 0), linear = ir_i32(b, 0);
    if (in->has_mem) {
        unsigned size = mt_size[ARG_MT(arg)];
        if (cls == X87_FLDCW || cls == X87_FNSTCW || cls == X87_FNSTSW) size = 2;
        bool big = x87_image_size(cls, in->opsize) != 0;
        offset = x86_gen_ea_offset(d, in);
        linear =
            x86_gen_linear(d, in->mem.seg, offset, big ? 0 : size, !big && x87_writes_memory(cls));
    }
    IrVal args[3] = {ir_i32(b, x86_x87_word(in)), linear, offset};
    x86_gen_call(d, &x87_helper, IR_NONE, args);
}

/* ---- the table ---- */

#define MEM_OP X86_OPND(M, NONE)
#define FLAGS  (X86F_MODRM | X86F_X87)
/* FXSAVE/FXRSTOR: CR0.EM is #UD, not #NM (SDM Vol 2 FXSAVE "Protected
 * Mode Exceptions"). */
#define FXFLAGS (X86F_MODRM | X86F_MMX)
/* A memory form (opcode, ModRM.reg), a register form for all eight ST(i)
 * (opcode, reg), and one with a fixed ModRM (opcode, reg, rm). */
#define M(opc, r, nm, arg)                                                                         \
    {                                                                                              \
        X86_MAP_ONE, opc, 1, r, X86_PFX_ANY, X86_MOD_MEM, -1, nm, {MEM_OP}, FLAGS, x87_lift, arg,  \
            NULL                                                                                   \
    }
#define R(opc, r, nm, arg)                                                                         \
    {                                                                                              \
        X86_MAP_ONE, opc, 1, r, X86_PFX_ANY, X86_MOD_REG, -1, nm, {0}, FLAGS, x87_lift, arg, NULL  \
    }
#define R1(opc, r, rmv, nm, arg)                                                                   \
    {                                                                                              \
        X86_MAP_ONE, opc, 1, r, X86_PFX_ANY, X86_MOD_REG, rmv, nm, {0}, FLAGS, x87_lift, arg, NULL \
    }

/* The eight arithmetic operations on a memory type (D8 DA DC DE). */
#define ARITH_M(opc, mt, p)                                                                        \
    M(opc, 0, p "add", ARG(X87_ARITH, X87A_ADD, mt, 0, 0)),                                        \
        M(opc, 1, p "mul", ARG(X87_ARITH, X87A_MUL, mt, 0, 0)),                                    \
        M(opc, 2, p "com", ARG(X87_ARITH, X87A_COM, mt, 0, 0)),                                    \
        M(opc, 3, p "comp", ARG(X87_ARITH, X87A_COMP, mt, 1, 0)),                                  \
        M(opc, 4, p "sub", ARG(X87_ARITH, X87A_SUB, mt, 0, 0)),                                    \
        M(opc, 5, p "subr", ARG(X87_ARITH, X87A_SUBR, mt, 0, 0)),                                  \
        M(opc, 6, p "div", ARG(X87_ARITH, X87A_DIV, mt, 0, 0)),                                    \
        M(opc, 7, p "divr", ARG(X87_ARITH, X87A_DIVR, mt, 0, 0))
/* ST(i) destination forms (DC, DE): /4 is FSUBR (ST(i) = ST(0) - ST(i)),
 * /5 FSUB (ST(i) = ST(i) - ST(0)), /6 FDIVR, /7 FDIV (SDM Vol 2 FSUB
 * "DC E8+i", FSUBR "DC E0+i", FDIV "DC F8+i", FDIVR "DC F0+i").  The
 * operation is applied as x op y with x = ST(i), y = ST(0). */
#define ARITH_STI(opc, pops, s)                                                                    \
    R(opc, 0, "fadd" s, ARG(X87_ARITH, X87A_ADD, MT_NONE, pops, 1)),                               \
        R(opc, 1, "fmul" s, ARG(X87_ARITH, X87A_MUL, MT_NONE, pops, 1)),                           \
        R(opc, 4, "fsubr" s, ARG(X87_ARITH, X87A_SUBR, MT_NONE, pops, 1)),                         \
        R(opc, 5, "fsub" s, ARG(X87_ARITH, X87A_SUB, MT_NONE, pops, 1)),                           \
        R(opc, 6, "fdivr" s, ARG(X87_ARITH, X87A_DIVR, MT_NONE, pops, 1)),                         \
        R(opc, 7, "fdiv" s, ARG(X87_ARITH, X87A_DIV, MT_NONE, pops, 1))
#define ONE(rmv, nm, cls, sub)                                                                     \
    R1(0xd9, (0xc0 | (rmv)) >> 3 & 7, (rmv)&7, nm, ARG(cls, sub, 0, 0, 0))

static const X86InsnDef x86_x87_defs[] = {
    /* D8 */
    ARITH_M(0xd8, MT_F32, "f"),
    R(0xd8, 0, "fadd", ARG(X87_ARITH, X87A_ADD, MT_NONE, 0, 0)),
    R(0xd8, 1, "fmul", ARG(X87_ARITH, X87A_MUL, MT_NONE, 0, 0)),
    R(0xd8, 2, "fcom", ARG(X87_ARITH, X87A_COM, MT_NONE, 0, 0)),
    R(0xd8, 3, "fcomp", ARG(X87_ARITH, X87A_COMP, MT_NONE, 1, 0)),
    R(0xd8, 4, "fsub", ARG(X87_ARITH, X87A_SUB, MT_NONE, 0, 0)),
    R(0xd8, 5, "fsubr", ARG(X87_ARITH, X87A_SUBR, MT_NONE, 0, 0)),
    R(0xd8, 6, "fdiv", ARG(X87_ARITH, X87A_DIV, MT_NONE, 0, 0)),
    R(0xd8, 7, "fdivr", ARG(X87_ARITH, X87A_DIVR, MT_NONE, 0, 0)),
    /* D9 */
    M(0xd9, 0, "fld", ARG(X87_LOAD, 0, MT_F32, 0, 0)),
    M(0xd9, 2, "fst", ARG(X87_STORE, 0, MT_F32, 0, 0)),
    M(0xd9, 3, "fstp", ARG(X87_STORE, 0, MT_F32, 1, 0)),
    M(0xd9, 4, "fldenv", ARG(X87_FLDENV, 0, 0, 0, 0)),
    M(0xd9, 5, "fldcw", ARG(X87_FLDCW, 0, 0, 0, 0)),
    M(0xd9, 6, "fnstenv", ARG(X87_FNSTENV, 0, 0, 0, 0)),
    M(0xd9, 7, "fnstcw", ARG(X87_FNSTCW, 0, 0, 0, 0)),
    R(0xd9, 0, "fld", ARG(X87_LOAD, 0, MT_NONE, 0, 0)),
    R(0xd9, 1, "fxch", ARG(X87_FXCH, 0, 0, 0, 0)),
    ONE(0xd0, "fnop", X87_FNOP, 0),
    R(0xd9, 3, "fstp1", ARG(X87_STORE, 0, MT_NONE, 1, 0)), /* reserved alias of DD D8+i */
    ONE(0xe0, "fchs", X87_FCHS, 0),
    ONE(0xe1, "fabs", X87_FABS, 0),
    ONE(0xe4, "ftst", X87_FTST, 0),
    ONE(0xe5, "fxam", X87_FXAM, 0),
    ONE(0xe8, "fld1", X87_FLDCONST, 0),
    ONE(0xe9, "fldl2t", X87_FLDCONST, 1),
    ONE(0xea, "fldl2e", X87_FLDCONST, 2),
    ONE(0xeb, "fldpi", X87_FLDCONST, 3),
    ONE(0xec, "fldlg2", X87_FLDCONST, 4),
    ONE(0xed, "fldln2", X87_FLDCONST, 5),
    ONE(0xee, "fldz", X87_FLDCONST, 6),
    ONE(0xf0, "f2xm1", X87_TRANS, X86_FT_F2XM1),
    ONE(0xf1, "fyl2x", X87_TRANS, X86_FT_FYL2X),
    ONE(0xf2, "fptan", X87_TRANS, X86_FT_FPTAN),
    ONE(0xf3, "fpatan", X87_TRANS, X86_FT_FPATAN),
    ONE(0xf4, "fxtract", X87_FXTRACT, 0),
    ONE(0xf5, "fprem1", X87_FPREM, 1),
    ONE(0xf6, "fdecstp", X87_FDECSTP, 0),
    ONE(0xf7, "fincstp", X87_FINCSTP, 0),
    ONE(0xf8, "fprem", X87_FPREM, 0),
    ONE(0xf9, "fyl2xp1", X87_TRANS, X86_FT_FYL2XP1),
    ONE(0xfa, "fsqrt", X87_FSQRT, 0),
    ONE(0xfb, "fsincos", X87_TRANS, X86_FT_FSINCOS),
    ONE(0xfc, "frndint", X87_FRNDINT, 0),
    ONE(0xfd, "fscale", X87_FSCALE, 0),
    ONE(0xfe, "fsin", X87_TRANS, X86_FT_FSIN),
    ONE(0xff, "fcos", X87_TRANS, X86_FT_FCOS),
    /* DA */
    ARITH_M(0xda, MT_I32, "fi"),
    R(0xda, 0, "fcmovb", ARG(X87_FCMOV, 0, 0, 0, 0)),
    R(0xda, 1, "fcmove", ARG(X87_FCMOV, 1, 0, 0, 0)),
    R(0xda, 2, "fcmovbe", ARG(X87_FCMOV, 2, 0, 0, 0)),
    R(0xda, 3, "fcmovu", ARG(X87_FCMOV, 3, 0, 0, 0)),
    R1(0xda, 5, 1, "fucompp", ARG(X87_UCOM, 0, 0, 2, 0)),
    /* DB */
    M(0xdb, 0, "fild", ARG(X87_LOAD, 0, MT_I32, 0, 0)),
    M(0xdb, 2, "fist", ARG(X87_STORE, 0, MT_I32, 0, 0)),
    M(0xdb, 3, "fistp", ARG(X87_STORE, 0, MT_I32, 1, 0)),
    M(0xdb, 5, "fld", ARG(X87_LOAD, 0, MT_F80, 0, 0)),
    M(0xdb, 7, "fstp", ARG(X87_STORE, 0, MT_F80, 1, 0)),
    R(0xdb, 0, "fcmovnb", ARG(X87_FCMOV, 4, 0, 0, 0)),
    R(0xdb, 1, "fcmovne", ARG(X87_FCMOV, 5, 0, 0, 0)),
    R(0xdb, 2, "fcmovnbe", ARG(X87_FCMOV, 6, 0, 0, 0)),
    R(0xdb, 3, "fcmovnu", ARG(X87_FCMOV, 7, 0, 0, 0)),
    /* FENI, FDISI, FSETPM: no-ops since the 80387 (SDM Vol 2 §A.4 A-13). */
    R1(0xdb, 4, 0, "fneni", ARG(X87_FNOP, 0, 0, 0, 0)),
    R1(0xdb, 4, 1, "fndisi", ARG(X87_FNOP, 0, 0, 0, 0)),
    R1(0xdb, 4, 2, "fnclex", ARG(X87_FNCLEX, 0, 0, 0, 0)),
    R1(0xdb, 4, 3, "fninit", ARG(X87_FNINIT, 0, 0, 0, 0)),
    R1(0xdb, 4, 4, "fnsetpm", ARG(X87_FNOP, 0, 0, 0, 0)),
    R(0xdb, 5, "fucomi", ARG(X87_COMI, 1, 0, 0, 0)),
    R(0xdb, 6, "fcomi", ARG(X87_COMI, 0, 0, 0, 0)),
    /* DC */
    ARITH_M(0xdc, MT_F64, "f"),
    ARITH_STI(0xdc, 0, ""),
    R(0xdc, 2, "fcom2", ARG(X87_ARITH, X87A_COM, MT_NONE, 0, 0)),
    R(0xdc, 3, "fcomp3", ARG(X87_ARITH, X87A_COMP, MT_NONE, 1, 0)),
    /* DD */
    M(0xdd, 0, "fld", ARG(X87_LOAD, 0, MT_F64, 0, 0)),
    M(0xdd, 2, "fst", ARG(X87_STORE, 0, MT_F64, 0, 0)),
    M(0xdd, 3, "fstp", ARG(X87_STORE, 0, MT_F64, 1, 0)),
    M(0xdd, 4, "frstor", ARG(X87_FRSTOR, 0, 0, 0, 0)),
    M(0xdd, 6, "fnsave", ARG(X87_FNSAVE, 0, 0, 0, 0)),
    M(0xdd, 7, "fnstsw", ARG(X87_FNSTSW, 0, 0, 0, 0)),
    R(0xdd, 0, "ffree", ARG(X87_FFREE, 0, 0, 0, 0)),
    R(0xdd, 1, "fxch4", ARG(X87_FXCH, 0, 0, 0, 0)),
    R(0xdd, 2, "fst", ARG(X87_STORE, 0, MT_NONE, 0, 0)),
    R(0xdd, 3, "fstp", ARG(X87_STORE, 0, MT_NONE, 1, 0)),
    R(0xdd, 4, "fucom", ARG(X87_UCOM, 0, 0, 0, 0)),
    R(0xdd, 5, "fucomp", ARG(X87_UCOM, 0, 0, 1, 0)),
    /* DE */
    ARITH_M(0xde, MT_I16, "fi"),
    ARITH_STI(0xde, 1, "p"),
    R(0xde, 2, "fcomp5", ARG(X87_ARITH, X87A_COMP, MT_NONE, 1, 0)),
    R1(0xde, 3, 1, "fcompp", ARG(X87_ARITH, X87A_COMP, MT_NONE, 2, 0)),
    /* DF */
    M(0xdf, 0, "fild", ARG(X87_LOAD, 0, MT_I16, 0, 0)),
    M(0xdf, 2, "fist", ARG(X87_STORE, 0, MT_I16, 0, 0)),
    M(0xdf, 3, "fistp", ARG(X87_STORE, 0, MT_I16, 1, 0)),
    M(0xdf, 4, "fbld", ARG(X87_LOAD, 0, MT_BCD, 0, 0)),
    M(0xdf, 5, "fild", ARG(X87_LOAD, 0, MT_I64, 0, 0)),
    M(0xdf, 6, "fbstp", ARG(X87_STORE, 0, MT_BCD, 1, 0)),
    M(0xdf, 7, "fistp", ARG(X87_STORE, 0, MT_I64, 1, 0)),
    R(0xdf, 0, "ffreep", ARG(X87_FFREE, 0, 0, 1, 0)),
    R(0xdf, 1, "fxch7", ARG(X87_FXCH, 0, 0, 0, 0)),
    R(0xdf, 2, "fstp8", ARG(X87_STORE, 0, MT_NONE, 1, 0)),
    R(0xdf, 3, "fstp9", ARG(X87_STORE, 0, MT_NONE, 1, 0)),
    R1(0xdf, 4, 0, "fnstsw", ARG(X87_FNSTSW, 0, 0, 0, 0)),
    R(0xdf, 5, "fucomip", ARG(X87_COMI, 1, 0, 1, 0)),
    R(0xdf, 6, "fcomip", ARG(X87_COMI, 0, 0, 1, 0)),
    /* 0F AE /0 /1 (SDM Vol 2 FXSAVE, FXRSTOR): #UD when CR0.EM, #NM when
     * CR0.TS: the rule X86F_MMX asks x86_check_insn for. */
    {X86_MAP_0F,
     0xae,
     1,
     0,
     X86_PFX_NONE,
     X86_MOD_MEM,
     -1,
     "fxsave",
     {MEM_OP},
     FXFLAGS,
     x87_lift,
     ARG(X87_FXSAVE, 0, 0, 0, 0),
     NULL},
    {X86_MAP_0F,
     0xae,
     1,
     1,
     X86_PFX_NONE,
     X86_MOD_MEM,
     -1,
     "fxrstor",
     {MEM_OP},
     FXFLAGS,
     x87_lift,
     ARG(X87_FXRSTOR, 0, 0, 0, 0),
     NULL},
};
X86_GROUP(x87, x86_x87_defs);
