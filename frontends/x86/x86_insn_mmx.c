/*
 * MMX integer instructions (SDM Vol 1 ch. 9, Vol 2 per instruction), the
 * SSE additions on MMX registers, and their SSE2 forms on XMM registers
 * (the 66 prefix; SDM Vol 1 §11.4.3): one row per opcode, the MMX and
 * XMM forms side by side.  The lifters are x86_insn_sse.c's.
 */
#include "frontends/x86/x86_internal.h"
#include "frontends/x86/x86_sse.h"

#define P64  X86_OPND(P, Q)
#define Q64  X86_OPND(Q, Q)
#define N64  X86_OPND(N, Q)
#define V128 X86_OPND(V, DQ)
#define W128 X86_OPND(W, DQ)
#define U128 X86_OPND(U, DQ)
#define M64  X86_OPND(M, Q)
#define M128 X86_OPND(M, DQ)
#define E32  X86_OPND(E, D)
#define E16  X86_OPND(E, W)
#define G32  X86_OPND(G, D)
#define IB   X86_OPND(I, B)

/* An MMX line (no prefix) and an XMM line (66) of map 0F. */
#define MMX(op, mod, name, o0, o1, o2, lift, arg, helper)                                          \
    X86_SSE_LINE(X86_MAP_0F, op, -1, X86_PFX_NONE, X86_MOD_##mod, name, o0, o1, o2, X86F_MMX,      \
                 lift, arg, helper)
#define XMM(op, mod, name, o0, o1, o2, lift, arg, helper)                                          \
    X86_SSE_LINE(X86_MAP_0F, op, -1, X86_PFX_66, X86_MOD_##mod, name, o0, o1, o2, X86F_SSE, lift,  \
                 arg, helper)
/* A lane operation in both forms: helper, or an IR opcode with none. */
#define INT2(op, name, shape, irop, helper)                                                        \
    MMX(op, ANY, name, P64, Q64, 0, x86_lift_sse_int, (shape) | (irop) << 8, helper),              \
        XMM(op, ANY, name, V128, W128, 0, x86_lift_sse_int, (shape) | (irop) << 8 | X86_SSE_ALIGN, \
            helper)
#define OP2(op, name, shape, helper) INT2(op, name, shape, 0, &x86_helper_##helper)
/* Shift by immediate: 0F 71-73 with the operation in ModRM.reg. */
#define SHIFTI(op, reg, name, helper)                                                              \
    X86_SSE_LINE(X86_MAP_0F, op, reg, X86_PFX_NONE, X86_MOD_REG, name, N64, IB, 0, X86F_MMX,       \
                 x86_lift_sse_int, X86_INT_SHIFTI, &x86_helper_##helper),                          \
        X86_SSE_LINE(X86_MAP_0F, op, reg, X86_PFX_66, X86_MOD_REG, name, U128, IB, 0, X86F_SSE,    \
                     x86_lift_sse_int, X86_INT_SHIFTI, &x86_helper_##helper)
#define MA X86_MOV_ARG

static const X86InsnDef x86_mmx_defs[] = {
    /* Moves (SDM Vol 2 MOVD/MOVQ, MOVNTQ). */
    MMX(0x6e, ANY, "MOVD", P64, E32, 0, x86_lift_sse_mov, MA(4, 0, 0), NULL),
    MMX(0x7e, ANY, "MOVD", E32, P64, 0, x86_lift_sse_mov, MA(4, 0, 0), NULL),
    MMX(0x6f, ANY, "MOVQ", P64, Q64, 0, x86_lift_sse_mov, MA(8, 0, 0), NULL),
    MMX(0x7f, ANY, "MOVQ", Q64, P64, 0, x86_lift_sse_mov, MA(8, 0, 0), NULL),
    MMX(0xe7, MEM, "MOVNTQ", M64, P64, 0, x86_lift_sse_mov, MA(8, 0, 0), NULL),
    {.map = X86_MAP_0F,
     .opcode = 0x77,
     .opcount = 1,
     .reg = -1,
     .prefix = X86_PFX_NONE,
     .rm = -1,
     .name = "EMMS",
     .flags = X86F_MMX,
     .lift = x86_lift_sse_emms},

    /* Arithmetic (SDM Vol 2 PADDB ... PSUBUSW, PMULLW ... PSADBW). */
    OP2(0xfc, "PADDB", X86_INT_ELEM, paddb),
    OP2(0xfd, "PADDW", X86_INT_ELEM, paddw),
    OP2(0xfe, "PADDD", X86_INT_ELEM, paddd),
    INT2(0xd4, "PADDQ", X86_INT_ELEM, IR_add, NULL),
    OP2(0xf8, "PSUBB", X86_INT_ELEM, psubb),
    OP2(0xf9, "PSUBW", X86_INT_ELEM, psubw),
    OP2(0xfa, "PSUBD", X86_INT_ELEM, psubd),
    INT2(0xfb, "PSUBQ", X86_INT_ELEM, IR_sub, NULL),
    OP2(0xec, "PADDSB", X86_INT_ELEM, paddsb),
    OP2(0xed, "PADDSW", X86_INT_ELEM, paddsw),
    OP2(0xdc, "PADDUSB", X86_INT_ELEM, paddusb),
    OP2(0xdd, "PADDUSW", X86_INT_ELEM, paddusw),
    OP2(0xe8, "PSUBSB", X86_INT_ELEM, psubsb),
    OP2(0xe9, "PSUBSW", X86_INT_ELEM, psubsw),
    OP2(0xd8, "PSUBUSB", X86_INT_ELEM, psubusb),
    OP2(0xd9, "PSUBUSW", X86_INT_ELEM, psubusw),
    OP2(0xd5, "PMULLW", X86_INT_ELEM, pmullw),
    OP2(0xe5, "PMULHW", X86_INT_ELEM, pmulhw),
    OP2(0xe4, "PMULHUW", X86_INT_ELEM, pmulhuw),
    OP2(0xf5, "PMADDWD", X86_INT_ELEM, pmaddwd),
    OP2(0xf4, "PMULUDQ", X86_INT_ELEM, pmuludq),
    OP2(0xe0, "PAVGB", X86_INT_ELEM, pavgb),
    OP2(0xe3, "PAVGW", X86_INT_ELEM, pavgw),
    OP2(0xee, "PMAXSW", X86_INT_ELEM, pmaxsw),
    OP2(0xde, "PMAXUB", X86_INT_ELEM, pmaxub),
    OP2(0xea, "PMINSW", X86_INT_ELEM, pminsw),
    OP2(0xda, "PMINUB", X86_INT_ELEM, pminub),
    OP2(0xf6, "PSADBW", X86_INT_ELEM, psadbw),

    /* Compares and logic (SDM Vol 2 PCMPEQB ... PXOR). */
    OP2(0x74, "PCMPEQB", X86_INT_ELEM, pcmpeqb),
    OP2(0x75, "PCMPEQW", X86_INT_ELEM, pcmpeqw),
    OP2(0x76, "PCMPEQD", X86_INT_ELEM, pcmpeqd),
    OP2(0x64, "PCMPGTB", X86_INT_ELEM, pcmpgtb),
    OP2(0x65, "PCMPGTW", X86_INT_ELEM, pcmpgtw),
    OP2(0x66, "PCMPGTD", X86_INT_ELEM, pcmpgtd),
    INT2(0xdb, "PAND", X86_INT_ELEM, IR_and, NULL),
    INT2(0xdf, "PANDN", X86_INT_IRSWAP, IR_andc, NULL),
    INT2(0xeb, "POR", X86_INT_ELEM, IR_or, NULL),
    INT2(0xef, "PXOR", X86_INT_ELEM, IR_xor, NULL),

    /* Shifts (SDM Vol 2 PSLLW ... PSRLQ). */
    OP2(0xf1, "PSLLW", X86_INT_SHIFT, psllw),
    OP2(0xf2, "PSLLD", X86_INT_SHIFT, pslld),
    OP2(0xf3, "PSLLQ", X86_INT_SHIFT, psllq),
    OP2(0xd1, "PSRLW", X86_INT_SHIFT, psrlw),
    OP2(0xd2, "PSRLD", X86_INT_SHIFT, psrld),
    OP2(0xd3, "PSRLQ", X86_INT_SHIFT, psrlq),
    OP2(0xe1, "PSRAW", X86_INT_SHIFT, psraw),
    OP2(0xe2, "PSRAD", X86_INT_SHIFT, psrad),
    SHIFTI(0x71, 2, "PSRLW", psrlw),
    SHIFTI(0x71, 4, "PSRAW", psraw),
    SHIFTI(0x71, 6, "PSLLW", psllw),
    SHIFTI(0x72, 2, "PSRLD", psrld),
    SHIFTI(0x72, 4, "PSRAD", psrad),
    SHIFTI(0x72, 6, "PSLLD", pslld),
    SHIFTI(0x73, 2, "PSRLQ", psrlq),
    SHIFTI(0x73, 6, "PSLLQ", psllq),

    /* Packs and unpacks (SDM Vol 2 PACKSSWB ... PUNPCKLQDQ). */
    OP2(0x63, "PACKSSWB", X86_INT_PACK, packsswb),
    OP2(0x6b, "PACKSSDW", X86_INT_PACK, packssdw),
    OP2(0x67, "PACKUSWB", X86_INT_PACK, packuswb),
    OP2(0x60, "PUNPCKLBW", X86_INT_UNPKL, punpcklbw),
    OP2(0x61, "PUNPCKLWD", X86_INT_UNPKL, punpcklwd),
    OP2(0x62, "PUNPCKLDQ", X86_INT_UNPKL, punpckldq),
    OP2(0x68, "PUNPCKHBW", X86_INT_UNPKH, punpcklbw),
    OP2(0x69, "PUNPCKHWD", X86_INT_UNPKH, punpcklwd),
    OP2(0x6a, "PUNPCKHDQ", X86_INT_UNPKH, punpckldq),
    XMM(0x6c, ANY, "PUNPCKLQDQ", V128, W128, 0, x86_lift_sse_int, X86_INT_UNPKL | X86_SSE_ALIGN,
        NULL),
    XMM(0x6d, ANY, "PUNPCKHQDQ", V128, W128, 0, x86_lift_sse_int, X86_INT_UNPKH | X86_SSE_ALIGN,
        NULL),

    /* SSE additions on MMX registers and their XMM forms (SDM Vol 2
     * PEXTRW, PINSRW, PMOVMSKB, PSHUFW, MASKMOVQ, MASKMOVDQU). */
    MMX(0xc5, REG, "PEXTRW", G32, N64, IB, x86_lift_sse_pextrw, 0, NULL),
    XMM(0xc5, REG, "PEXTRW", G32, U128, IB, x86_lift_sse_pextrw, 0, NULL),
    MMX(0xc4, ANY, "PINSRW", P64, E16, IB, x86_lift_sse_pinsrw, 0, NULL),
    XMM(0xc4, ANY, "PINSRW", V128, E16, IB, x86_lift_sse_pinsrw, 0, NULL),
    MMX(0xd7, REG, "PMOVMSKB", G32, N64, 0, x86_lift_sse_movmsk, 0, NULL),
    XMM(0xd7, REG, "PMOVMSKB", G32, U128, 0, x86_lift_sse_movmsk, 0, NULL),
    MMX(0x70, ANY, "PSHUFW", P64, Q64, IB, x86_lift_sse_shuffle, X86_SHUF_PSHUFW, NULL),
    MMX(0xf7, REG, "MASKMOVQ", P64, N64, 0, x86_lift_sse_maskmov, 0, NULL),
    XMM(0xf7, REG, "MASKMOVDQU", V128, U128, 0, x86_lift_sse_maskmov, 0, NULL),
};
X86_GROUP(mmx, x86_mmx_defs);
