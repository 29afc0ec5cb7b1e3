/*
 * MMX, SSE and SSE2 inside the x86 frontend: MXCSR, the C helpers of
 * x86_sse.c (floating point on the host's SSE unit with the guest's
 * MXCSR; 64-bit integer lane operations) and the operand plumbing the
 * lifters of x86_insn_mmx.c and x86_insn_sse.c share (lane helpers are
 * in x86_sse_int.c).
 *
 * Register state: X86CPU.xmm[8] and mxcsr; the MMX registers are the
 * low 64 bits of the x87 registers, physical register i (SDM Vol 1
 * §9.5.1), not relative to TOP.
 */
#ifndef DOPPEL_X86_SSE_H
#define DOPPEL_X86_SSE_H

#include <stdint.h>

#include "frontends/x86/x86_internal.h"

/* MXCSR (SDM Vol 1 §10.2.3 figure 10-3). */
enum {
    X86_MXCSR_IE = 1 << 0, /* invalid operation */
    X86_MXCSR_DE = 1 << 1, /* denormal operand */
    X86_MXCSR_ZE = 1 << 2, /* divide by zero */
    X86_MXCSR_OE = 1 << 3, /* overflow */
    X86_MXCSR_UE = 1 << 4, /* underflow */
    X86_MXCSR_PE = 1 << 5, /* precision */
    X86_MXCSR_FLAGS = 0x3f,
    X86_MXCSR_DAZ = 1 << 6,
    X86_MXCSR_MASK_SHIFT = 7, /* IM..PM: the flags' masks, same order */
    X86_MXCSR_MASKS = 0x3f << 7,
    X86_MXCSR_RC_SHIFT = 13,
    X86_MXCSR_RC = 3 << 13,
    X86_MXCSR_FZ = 1 << 15,
    X86_MXCSR_DEFAULT = 0x1f80,
    /* Writable bits (FXSAVE's MXCSR_MASK): DAZ is supported. */
    X86_MXCSR_WRITABLE = 0xffff,
    /* Exceptions detected before the computation (SDM Vol 1 §11.5.2). */
    X86_MXCSR_PRE = X86_MXCSR_IE | X86_MXCSR_DE | X86_MXCSR_ZE,
};

/* Floating-point operations of x86_helper_sse_fp: the ctl argument is
 * op | X86_FP_* flags | dst << 16 | imm8 << 24. */
typedef enum X86FpOp {
    X86_FP_ADD,
    X86_FP_SUB,
    X86_FP_MUL,
    X86_FP_DIV,
    X86_FP_MIN,
    X86_FP_MAX,
    X86_FP_SQRT,
    X86_FP_RCP,   /* single only */
    X86_FP_RSQRT, /* single only */
    X86_FP_CMP,   /* predicate in imm8 bits 2-0 */
    /* Conversions: the lanes and the result placement follow the name. */
    X86_FP_CVTPI2PS,  /* src two dwords -> dst low two floats, high kept */
    X86_FP_CVTSI2SS,  /* src dword -> dst float 0, rest kept */
    X86_FP_CVTSI2SD,  /* src dword -> dst double 0, high kept */
    X86_FP_CVTDQ2PS,  /* four dwords -> four floats */
    X86_FP_CVTPS2DQ,  /* four floats -> four dwords (MXCSR rounding) */
    X86_FP_CVTTPS2DQ, /* ... truncating */
    X86_FP_CVTDQ2PD,  /* low two dwords -> two doubles */
    X86_FP_CVTPD2DQ,  /* two doubles -> low two dwords, high zero */
    X86_FP_CVTTPD2DQ,
    X86_FP_CVTPD2PS, /* two doubles -> low two floats, high zero */
    X86_FP_CVTPS2PD, /* low two floats -> two doubles */
    X86_FP_CVTSD2SS, /* double 0 -> float 0, rest kept */
    X86_FP_CVTSS2SD, /* float 0 -> double 0, high kept */
    X86_FP_CVTPI2PD, /* two dwords -> two doubles */
    /* Results to a general or MMX register: returned, not written. */
    X86_FP_CVTSS2SI,
    X86_FP_CVTTSS2SI,
    X86_FP_CVTSD2SI,
    X86_FP_CVTTSD2SI,
    X86_FP_CVTPS2PI,
    X86_FP_CVTTPS2PI,
    X86_FP_CVTPD2PI,
    X86_FP_CVTTPD2PI,
    X86_FP_COMI,  /* COMISS/COMISD: returns ZF PF CF in EFLAGS positions */
    X86_FP_UCOMI, /* UCOMISS/UCOMISD */
    X86_FP_NUM_OPS
} X86FpOp;

enum {
    X86_FP_OP_MASK = 0xff,
    X86_FP_DOUBLE = 1 << 8, /* f64 lanes (PD/SD), else f32 */
    X86_FP_PACKED = 1 << 9, /* every lane (PS/PD), else lane 0 */
    X86_FP_DST_SHIFT = 16,
    X86_FP_IMM_SHIFT = 24,
};

/* Arithmetic in guest semantics: dst (xmm index in ctl) op src, where src
 * is the 128-bit second operand (lo, hi; scalar and 64-bit memory
 * operands in lo).  Detects exceptions per SDM Vol 1 §11.5.2, sets the
 * MXCSR flags, and on an unmasked exception raises #XM (CR4.OSXMMEXCPT)
 * or #UD with the destination unchanged; else writes the xmm
 * destination, or returns the result for a general/MMX destination
 * (CVT*2SI, CVT*2PI) or the EFLAGS of COMI/UCOMI. */
uint64_t x86_sse_fp(X86CPU *cpu, uint32_t ctl, uint64_t lo, uint64_t hi);
extern const IrHelper x86_helper_sse_fp; /* (ctl:i32, lo:i64, hi:i64) -> i64 */

/* LDMXCSR (reserved bits: #GP(0), SDM Vol 2 LDMXCSR). */
extern const IrHelper x86_helper_ldmxcsr; /* (value:i32) */
/* MASKMOVQ / MASKMOVDQU: store the bytes of data whose mask byte has bit
 * 7 set at seg:eDI + offset (SDM Vol 2 MASKMOVQ); ctl = seg | addrsize << 8 |
 * offset << 16 (8 for the high half of MASKMOVDQU) | X86_MASKMOV_PROBE
 * (check and translate those bytes for write, store nothing). */
enum { X86_MASKMOV_PROBE = 1 << 24 };
extern const IrHelper x86_helper_maskmov; /* (ctl:i32, data:i64, mask:i64) */

/* 64-bit lane operations: pure (a, b) -> result on one MMX register or
 * one half of an XMM register (SDM Vol 2, each instruction). */
/* Six entries a line, by hand: clang-format reflows this list
 * differently on each run. */
/* clang-format off */
#define X86_SSE_INT_OPS(X) \
    X(paddb) X(paddw) X(paddd) X(psubb) X(psubw) X(psubd) \
    X(paddsb) X(paddsw) X(paddusb) X(paddusw) X(psubsb) X(psubsw) \
    X(psubusb) X(psubusw) X(pmullw) X(pmulhw) X(pmulhuw) X(pmaddwd) \
    X(pmuludq) X(pcmpeqb) X(pcmpeqw) X(pcmpeqd) X(pcmpgtb) X(pcmpgtw) \
    X(pcmpgtd) X(pavgb) X(pavgw) X(pmaxsw) X(pmaxub) X(pminsw) \
    X(pminub) X(psadbw) X(psllw) X(pslld) X(psllq) X(psrlw) \
    X(psrld) X(psrlq) X(psraw) X(psrad) X(packsswb) X(packssdw) \
    X(packuswb) X(punpcklbw) X(punpcklwd) X(punpckldq) X(punpckhbw) X(punpckhwd) \
    X(punpckhdq)
/* clang-format on */
#define X86_SSE_DECLARE_INT(name)                                                                  \
    uint64_t x86_sse_##name(uint64_t a, uint64_t b);                                               \
    extern const IrHelper x86_helper_##name;
X86_SSE_INT_OPS(X86_SSE_DECLARE_INT)
#undef X86_SSE_DECLARE_INT

/* Shuffles and extractions, pure. */
/* Two dwords picked from the four of (x0, x1) by sel bits 1-0, 3-2
 * (PSHUFD, SHUFPS). */
uint64_t x86_sse_pick_dwords(uint64_t x0, uint64_t x1, uint64_t sel);
extern const IrHelper x86_helper_pick_dwords;
/* PSHUFW: four words of a picked by imm. */
uint64_t x86_sse_pshufw(uint64_t a, uint64_t imm);
extern const IrHelper x86_helper_pshufw;
/* PSLLDQ/PSRLDQ: half (arg bit 8) of the 128-bit (hi:lo) shifted by
 * arg bits 7-0 bytes, left (arg bit 9) or right. */
uint64_t x86_sse_byte_shift(uint64_t lo, uint64_t hi, uint64_t arg);
extern const IrHelper x86_helper_byte_shift;
/* Sign-bit masks: PMOVMSKB (kind 0), MOVMSKPS (1), MOVMSKPD (2) of a
 * 64-bit half. */
uint64_t x86_sse_movmsk(uint64_t a, uint64_t kind);
extern const IrHelper x86_helper_movmsk;

/* Offsets in X86CPU of an XMM register's bytes and an MMX register. */
#define X86_XMM_OFFSET(r) (offsetof(X86CPU, xmm) + (size_t)(r) * sizeof(X86Xmm))
#define X86_MMX_OFFSET(r) (offsetof(X86CPU, fpregs) + (size_t)(r) * sizeof(X86Float80))

/* ---- lifters (x86_insn_sse.c) and table lines ---- */

/* Bits of a table line's arg common to the lifters below. */
enum {
    X86_SSE_ALIGN = 1 << 30, /* 16-byte memory operand must be aligned: #GP(0) */
};

/* lift_int: arg = shape | IR opcode << 8 (helper NULL) | X86_SSE_ALIGN. */
enum {
    X86_INT_ELEM,   /* per 64-bit half: f(dst_i, src_i) */
    X86_INT_SHIFT,  /* per half: f(dst_i, low 64 bits of src) */
    X86_INT_SHIFTI, /* per half: f(dst_i, imm8) (operand 1 is the immediate) */
    X86_INT_PACK,   /* MMX f(dst, src); XMM (f(dst0, dst1), f(src0, src1)) */
    X86_INT_UNPKL,  /* interleave the low halves; the helper is the 64-bit low form */
    X86_INT_UNPKH,  /* interleave the high halves */
    X86_INT_IRSWAP, /* per half: IR op (src_i, dst_i): PANDN is andc(src, dst) */
};
X86Lifter x86_lift_sse_int;
/* Moves: arg = size | src offset << 5 | dst offset << 10 | X86_MOV_ZERO |
 * X86_SSE_ALIGN. */
enum {
    X86_MOV_ZERO = 1 << 15, /* an XMM destination's other bytes become zero */
};
#define X86_MOV_ARG(size, src_off, dst_off) ((size) | (src_off) << 5 | (dst_off) << 10)
X86Lifter x86_lift_sse_mov;
/* Floating point through x86_helper_sse_fp: arg = X86FpOp | X86_FP_DOUBLE |
 * X86_FP_PACKED | X86_SSE_ALIGN. */
X86Lifter x86_lift_sse_fp;
/* Shuffles: arg selects the form. */
enum {
    X86_SHUF_PSHUFW,
    X86_SHUF_PSHUFD,
    X86_SHUF_PSHUFLW,
    X86_SHUF_PSHUFHW,
    X86_SHUF_SHUFPS,
    X86_SHUF_SHUFPD,
    X86_SHUF_PSRLDQ,
    X86_SHUF_PSLLDQ,
};
X86Lifter x86_lift_sse_shuffle;
X86Lifter x86_lift_sse_pextrw, x86_lift_sse_pinsrw;
X86Lifter x86_lift_sse_movmsk; /* arg: 0 PMOVMSKB, 1 MOVMSKPS, 2 MOVMSKPD */
X86Lifter x86_lift_sse_maskmov;
X86Lifter x86_lift_sse_emms;

/* One table line of these groups. */
#define X86_SSE_LINE(map_, op_, reg_, pfx_, mod_, name_, o0, o1, o2, flags_, lift_, arg_, helper_) \
    {                                                                                              \
        .map = (map_), .opcode = (op_), .opcount = 1, .reg = (reg_), .prefix = (pfx_),             \
        .mod = (mod_), .rm = -1, .name = (name_), .opnd = {(o0), (o1), (o2)},                      \
        .flags = (flags_) | X86F_MODRM, .lift = (lift_), .arg = (int32_t)(arg_),                   \
        .helper = (helper_)                                                                        \
    }

#endif
