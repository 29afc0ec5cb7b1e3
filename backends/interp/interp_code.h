/*
 * The interpreter's bytecode (private to backends/interp).
 *
 * A lowered block is an array of 32-byte instructions.  Each names its
 * handler by address (direct threading: `goto *insn->handler`) and its
 * operands by byte offset from the cpu-state base:
 *   globals  their field offset (i32 fields are 4 bytes, i64 8 bytes);
 *   temps    offsetof(CPUState, interp_frame) + 8 * index (an i32 temp uses
 *            the low 4 bytes of its slot);
 *   env      a frame slot holding the cpu pointer (INTERP_SLOT_ENV);
 *   consts   the immediate field of an *_ri variant, or a frame slot filled
 *            by a preceding movi (INTERP_SLOT_CONST0..).
 * Ops with more operands than one instruction holds (calls, FP) continue in
 * the next instruction's words (`ext`), which is never dispatched.
 *
 * The handler list below is the single list both the lowering and the
 * dispatcher expand: operation families (shared with the IR op names) times
 * their type and operand-kind variants.
 */
#ifndef DOPPEL_INTERP_CODE_H
#define DOPPEL_INTERP_CODE_H

#include <stddef.h>
#include <stdint.h>

#include "core/cpu.h"

typedef union InterpInsn {
    struct {
        const void *handler;
        uint32_t o[4]; /* operand offsets (or small parameters) */
        union {
            uint64_t imm; /* constant operand, offset, mask, helper fn */
            uint32_t o2[2];
        };
    };
    uint32_t ext[8]; /* operand continuation of the previous instruction */
} InterpInsn;

_Static_assert(sizeof(InterpInsn) == 32, "bytecode instructions are 32 bytes");

typedef struct InterpCode {
    uint32_t ninsns;    /* bytecode instructions */
    uint32_t nops;      /* IR ops lowered (statistics) */
    InterpInsn insns[]; /* ninsns */
} InterpCode;

/* Reserved frame slots above the block's temps. */
#define INTERP_SLOT_ENV    IR_MAX_TEMPS
#define INTERP_SLOT_CONST0 (IR_MAX_TEMPS + 1)
#define INTERP_CONST_SLOTS 6
_Static_assert(INTERP_SLOT_CONST0 + INTERP_CONST_SLOTS <= CPU_INTERP_FRAME_SLOTS,
               "interp_frame holds the temps plus the reserved slots");

static inline uint32_t interp_slot_offset(uint32_t slot)
{
    return (uint32_t)(offsetof(CPUState, interp_frame) + 8 * slot);
}

/* ---- operation families (names match the IR opcodes) ---- */

/* d = a OP b; variants i32/i64 x register/immediate second operand. */
#define INTERP_BINOPS(M, X)                                                                        \
    M(X, add)                                                                                      \
    M(X, sub)                                                                                      \
    M(X, mul)                                                                                      \
    M(X, and)                                                                                      \
    M(X, or)                                                                                       \
    M(X, xor)                                                                                      \
    M(X, andc)                                                                                     \
    M(X, orc)                                                                                      \
    M(X, shl)                                                                                      \
    M(X, shr)                                                                                      \
    M(X, sar)                                                                                      \
    M(X, rotl)                                                                                     \
    M(X, rotr)                                                                                     \
    M(X, mulh_s)                                                                                   \
    M(X, mulh_u)                                                                                   \
    M(X, div_s)                                                                                    \
    M(X, div_u)                                                                                    \
    M(X, rem_s)                                                                                    \
    M(X, rem_u)

/* d = OP a; variants i32/i64. */
#define INTERP_UNOPS(M, X)                                                                         \
    M(X, mov)                                                                                      \
    M(X, neg)                                                                                      \
    M(X, not )                                                                                     \
    M(X, clz)                                                                                      \
    M(X, ctz)                                                                                      \
    M(X, popcnt)                                                                                   \
    M(X, bswap16)                                                                                  \
    M(X, bswap32)                                                                                  \
    M(X, bswap64)                                                                                  \
    M(X, ext8s)                                                                                    \
    M(X, ext8u)                                                                                    \
    M(X, ext16s)                                                                                   \
    M(X, ext16u)                                                                                   \
    M(X, ext32s)                                                                                   \
    M(X, ext32u)

/* Conditions in IrCond order: setcond/brcond (i32/i64 x reg/imm), movcond. */
#define INTERP_CONDS(M, X)                                                                         \
    M(X, eq)                                                                                       \
    M(X, ne)                                                                                       \
    M(X, lt)                                                                                       \
    M(X, le)                                                                                       \
    M(X, gt)                                                                                       \
    M(X, ge)                                                                                       \
    M(X, ltu)                                                                                      \
    M(X, leu)                                                                                      \
    M(X, gtu)                                                                                      \
    M(X, geu)

/* ld_env access kinds (size and sign) and st_env sizes. */
#define INTERP_ENV_LOADS(M, X)                                                                     \
    M(X, 8u)                                                                                       \
    M(X, 8s)                                                                                       \
    M(X, 16u)                                                                                      \
    M(X, 16s)                                                                                      \
    M(X, 32u)                                                                                      \
    M(X, 32s)                                                                                      \
    M(X, 64u)
#define INTERP_ENV_STORES(M, X)                                                                    \
    M(X, 8)                                                                                        \
    M(X, 16)                                                                                       \
    M(X, 32)                                                                                       \
    M(X, 64)

/* ld_host kinds (byte order, size and sign) and st_host kinds, in the
 * order interp_lower.c computes them: host-order kinds as ld_env's, then
 * the big-endian ones of two or more bytes. */
#define INTERP_HOST_LOADS(M, X)                                                                    \
    INTERP_ENV_LOADS(M, X)                                                                         \
    M(X, be16u)                                                                                    \
    M(X, be16s)                                                                                    \
    M(X, be32u)                                                                                    \
    M(X, be32s)                                                                                    \
    M(X, be64u)
#define INTERP_HOST_STORES(M, X)                                                                   \
    INTERP_ENV_STORES(M, X)                                                                        \
    M(X, be16)                                                                                     \
    M(X, be32)                                                                                     \
    M(X, be64)

/* Variant expanders: X(handler_name) for each variant of family member n. */
#define INTERP_V_TYPE_KIND(X, n) X(n##_i32_rr) X(n##_i32_ri) X(n##_i64_rr) X(n##_i64_ri)
#define INTERP_V_TYPE(X, n)      X(n##_i32) X(n##_i64)
#define INTERP_V_SETCOND(X, c)   INTERP_V_TYPE_KIND(X, setcond_##c)
#define INTERP_V_BRCOND(X, c)    INTERP_V_TYPE_KIND(X, brcond_##c)
#define INTERP_V_MOVCOND(X, c)   INTERP_V_TYPE(X, movcond_##c)
#define INTERP_V_LD_ENV(X, k)                                                                      \
    X(ld_env_##k##_i32_env) X(ld_env_##k##_i32_ptr) X(ld_env_##k##_i64_env) X(ld_env_##k##_i64_ptr)
#define INTERP_V_ST_ENV(X, k)                                                                      \
    X(st_env_##k##_i32_env) X(st_env_##k##_i32_ptr) X(st_env_##k##_i64_env) X(st_env_##k##_i64_ptr)
#define INTERP_V_LD_HOST(X, k) X(ld_host_##k##_i32) X(ld_host_##k##_i64)
#define INTERP_V_ST_HOST(X, k) X(st_host_##k##_i32) X(st_host_##k##_i64)

/* Every handler, in enum order. */
#define INTERP_HANDLERS(X)                                                                         \
    INTERP_BINOPS(INTERP_V_TYPE_KIND, X)                                                           \
    INTERP_UNOPS(INTERP_V_TYPE, X)                                                                 \
    INTERP_CONDS(INTERP_V_SETCOND, X)                                                              \
    INTERP_CONDS(INTERP_V_BRCOND, X)                                                               \
    INTERP_CONDS(INTERP_V_MOVCOND, X)                                                              \
    INTERP_ENV_LOADS(INTERP_V_LD_ENV, X)                                                           \
    INTERP_ENV_STORES(INTERP_V_ST_ENV, X)                                                          \
    X(movi_i32)                                                                                    \
    X(movi_i64)                                                                                    \
    X(trunc)                                                                                       \
    X(zext)                                                                                        \
    X(sext)                                                                                        \
    INTERP_V_TYPE(X, extract)                                                                      \
    INTERP_V_TYPE(X, sextract)                                                                     \
    INTERP_V_TYPE(X, deposit)                                                                      \
    INTERP_V_TYPE(X, add_carry)                                                                    \
    INTERP_V_TYPE(X, sub_borrow)                                                                   \
    X(ld_i32_a32)                                                                                  \
    X(ld_i32_a64)                                                                                  \
    X(ld_i64_a32)                                                                                  \
    X(ld_i64_a64)                                                                                  \
    X(st_i32_a32)                                                                                  \
    X(st_i32_a64)                                                                                  \
    X(st_i64_a32)                                                                                  \
    X(st_i64_a64)                                                                                  \
    X(host_range_a32)                                                                              \
    X(host_range_a64)                                                                              \
    INTERP_HOST_LOADS(INTERP_V_LD_HOST, X)                                                         \
    INTERP_HOST_STORES(INTERP_V_ST_HOST, X)                                                        \
    X(ptr_add_rr)                                                                                  \
    X(ptr_add_ri)                                                                                  \
    X(fp_arith)                                                                                    \
    X(fp_cmp)                                                                                      \
    X(fp_cvt)                                                                                      \
    X(f80_arith)                                                                                   \
    X(f80_cmp)                                                                                     \
    X(f80_from)                                                                                    \
    X(f80_to)                                                                                      \
    X(call)                                                                                        \
    X(br)                                                                                          \
    X(goto_tb)                                                                                     \
    X(goto_ptr)                                                                                    \
    X(exit_tb)

typedef enum InterpHandler {
#define INTERP_H_ENUM(h) INTERP_H_##h,
    INTERP_HANDLERS(INTERP_H_ENUM)
#undef INTERP_H_ENUM
        INTERP_NUM_HANDLERS
} InterpHandler;

/* Handler addresses, indexed by InterpHandler (from the dispatcher). */
const void *const *interp_handler_table(void);

/* ---- operand layouts that span words (see interp_lower.c) ---- */

/* call: o[0] ret offset, o[1] INTERP_CALL_* flags | i64-argument mask,
 * o[2] insn index, o[3] nargs, imm fn; ext[0..4] argument offsets. */
enum {
    INTERP_CALL_ARG64_MASK = 0x1f,
    INTERP_CALL_RET_I32 = 1 << 8,
    INTERP_CALL_RET_I64 = 1 << 9,
    INTERP_CALL_MAY_RAISE = 1 << 10,
};

/* FP ops: o[0] out (or 0), o[1] exc offset, o[2] opcode, o[3] unused,
 * o2[0..1] format immediates (fmt/from/to/signaling); ext[0..3] inputs in
 * IR order (the rm operand included). */

#endif
