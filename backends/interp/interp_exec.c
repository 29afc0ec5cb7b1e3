/*
 * The tier-0 dispatcher: direct-threaded bytecode (interp_code.h) run by
 * computed goto, with every operand a byte offset from the cpu state.
 *
 * Each op's meaning (ir/README.md) is written once below as an expression
 * over a and b of the width-generic types T (unsigned), S (signed), D/SD
 * (double width) and W (bits); macros stamp out the i32/i64 and
 * register/immediate handler variants that interp_code.h lists.
 */
#include <stdatomic.h>

#include "backends/interp/interp.h"
#include "backends/interp/interp_code.h"
#include "backends/interp/interp_fp.h"
#include "softmmu/tlb.h"

/* Operand access: offsets from env; may_alias since an i32 temp lives in
 * the low half of a 64-bit slot and ld_env/st_env may alias globals. */
typedef uint8_t __attribute__((may_alias)) u8a;
typedef int8_t __attribute__((may_alias)) i8a;
typedef uint16_t __attribute__((may_alias)) u16a;
typedef int16_t __attribute__((may_alias)) i16a;
typedef uint32_t __attribute__((may_alias)) u32a;
typedef int32_t __attribute__((may_alias)) i32a;
typedef uint64_t __attribute__((may_alias)) u64a;

#define RD32(off)         (*(u32a *)(env + (off)))
#define RD64(off)         (*(u64a *)(env + (off)))
#define WR32(off, v)      (RD32(off) = (uint32_t)(v))
#define WR64(off, v)      (RD64(off) = (uint64_t)(v))
#define RDW(off, is64)    ((is64) ? RD64(off) : (uint64_t)RD32(off))
#define WRW(off, is64, v) ((is64) ? (void)WR64(off, v) : (void)WR32(off, v))
#define O(i)              (insn->o[i])

#define NEXT()                                                                                     \
    do {                                                                                           \
        insn++;                                                                                    \
        goto * insn->handler;                                                                      \
    } while (0)

#define UNUSED __attribute__((unused))
#define TYPES_32                                                                                   \
    typedef uint32_t T UNUSED;                                                                     \
    typedef int32_t S UNUSED;                                                                      \
    typedef uint64_t D UNUSED;                                                                     \
    typedef int64_t SD UNUSED;                                                                     \
    enum { W = 32 }
#define TYPES_64                                                                                   \
    typedef uint64_t T UNUSED;                                                                     \
    typedef int64_t S UNUSED;                                                                      \
    typedef unsigned __int128 D UNUSED;                                                            \
    typedef __int128 SD UNUSED;                                                                    \
    enum { W = 64 }

/* ---- semantics (ir/README.md "Integer ops") ---- */

#define SEM_add    (a + b)
#define SEM_sub    (a - b)
#define SEM_mul    (a * b)
#define SEM_and    (a & b)
#define SEM_or     (a | b)
#define SEM_xor    (a ^ b)
#define SEM_andc   (a & ~b)
#define SEM_orc    (a | ~b)
#define SEM_shl    (a << (b & (W - 1)))
#define SEM_shr    (a >> (b & (W - 1)))
#define SEM_sar    ((T)((S)a >> (b & (W - 1))))
#define SEM_rotl   ((a << (b & (W - 1))) | (a >> ((W - b) & (W - 1))))
#define SEM_rotr   ((a >> (b & (W - 1))) | (a << ((W - b) & (W - 1))))
#define SEM_mulh_s ((T)((SD)(S)a * (S)b >> W))
#define SEM_mulh_u ((T)((D)a * b >> W))
/* Total division: x/0 = 0, x%0 = x, MIN/-1 = MIN (= -MIN mod 2^W), MIN%-1 = 0. */
#define SEM_div_s (b == 0 ? 0 : (S)b == -1 ? (T)-a : (T)((S)a / (S)b))
#define SEM_div_u (b == 0 ? 0 : a / b)
#define SEM_rem_s (b == 0 ? a : (S)b == -1 ? 0 : (T)((S)a % (S)b))
#define SEM_rem_u (b == 0 ? a : a % b)

#define SEM_mov     (a)
#define SEM_neg     (-a)
#define SEM_not     (~a)
#define SEM_clz     (a ? (T)(__builtin_clzll(a) - (64 - W)) : (T)W)
#define SEM_ctz     (a ? (T)__builtin_ctzll(a) : (T)W)
#define SEM_popcnt  ((T)__builtin_popcountll(a))
#define SEM_bswap16 ((T)__builtin_bswap16((uint16_t)a))
#define SEM_bswap32 ((T)__builtin_bswap32((uint32_t)a))
#define SEM_bswap64 ((T)__builtin_bswap64(a))
#define SEM_ext8s   ((T)(S)(int8_t)a)
#define SEM_ext8u   ((T)(uint8_t)a)
#define SEM_ext16s  ((T)(S)(int16_t)a)
#define SEM_ext16u  ((T)(uint16_t)a)
#define SEM_ext32s  ((T)(S)(int32_t)a)
#define SEM_ext32u  ((T)(uint32_t)a)

#define COND_eq  (a == b)
#define COND_ne  (a != b)
#define COND_lt  ((S)a < (S)b)
#define COND_le  ((S)a <= (S)b)
#define COND_gt  ((S)a > (S)b)
#define COND_ge  ((S)a >= (S)b)
#define COND_ltu (a < b)
#define COND_leu (a <= b)
#define COND_gtu (a > b)
#define COND_geu (a >= b)

/* ld_env/st_env in host byte order. */
#define LDENV_8u(p)    (*(const u8a *)(p))
#define LDENV_8s(p)    (*(const i8a *)(p))
#define LDENV_16u(p)   (*(const u16a *)(p))
#define LDENV_16s(p)   (*(const i16a *)(p))
#define LDENV_32u(p)   (*(const u32a *)(p))
#define LDENV_32s(p)   (*(const i32a *)(p))
#define LDENV_64u(p)   (*(const u64a *)(p))
#define STENV_8(p, v)  (*(u8a *)(p) = (uint8_t)(v))
#define STENV_16(p, v) (*(u16a *)(p) = (uint16_t)(v))
#define STENV_32(p, v) (*(u32a *)(p) = (uint32_t)(v))
#define STENV_64(p, v) (*(u64a *)(p) = (uint64_t)(v))
#define ENV_ADDR_env   (env + (int64_t)insn->imm)
#define ENV_ADDR_ptr   ((char *)(uintptr_t)RD64(O(1)) + (int64_t)insn->imm)

/* ---- handler bodies ---- */

/* d = a OP b; b from a register (o[2]) or the immediate. */
#define H_BINOP(n, w, kind, bval)                                                                  \
    do_##n##_i##w##_##kind:                                                                        \
    {                                                                                              \
        TYPES_##w;                                                                                 \
        T a = RD##w(O(1)), b = (T)(bval);                                                          \
        WR##w(O(0), SEM_##n);                                                                      \
        NEXT();                                                                                    \
    }
#define H_BINOPS(_, n)                                                                             \
    H_BINOP(n, 32, rr, RD32(O(2)))                                                                 \
    H_BINOP(n, 32, ri, insn->imm) H_BINOP(n, 64, rr, RD64(O(2))) H_BINOP(n, 64, ri, insn->imm)

#define H_UNOP(n, w)                                                                               \
    do_##n##_i##w:                                                                                 \
    {                                                                                              \
        TYPES_##w;                                                                                 \
        T a = RD##w(O(1));                                                                         \
        WR##w(O(0), SEM_##n);                                                                      \
        NEXT();                                                                                    \
    }
#define H_UNOPS(_, n) H_UNOP(n, 32) H_UNOP(n, 64)

#define H_SETCOND(c, w, kind, bval)                                                                \
    do_setcond_##c##_i##w##_##kind:                                                                \
    {                                                                                              \
        TYPES_##w;                                                                                 \
        T a = RD##w(O(1)), b = (T)(bval);                                                          \
        WR##w(O(0), COND_##c);                                                                     \
        NEXT();                                                                                    \
    }
#define H_SETCONDS(_, c)                                                                           \
    H_SETCOND(c, 32, rr, RD32(O(2)))                                                               \
    H_SETCOND(c, 32, ri, insn->imm)                                                                \
    H_SETCOND(c, 64, rr, RD64(O(2))) H_SETCOND(c, 64, ri, insn->imm)

/* Taken: jump by the displacement in o[3] (in instructions). */
#define H_BRCOND(c, w, kind, bval)                                                                 \
    do_brcond_##c##_i##w##_##kind:                                                                 \
    {                                                                                              \
        TYPES_##w;                                                                                 \
        T a = RD##w(O(0)), b = (T)(bval);                                                          \
        insn += COND_##c ? (int32_t)O(3) : 1;                                                      \
        goto * insn->handler;                                                                      \
    }
#define H_BRCONDS(_, c)                                                                            \
    H_BRCOND(c, 32, rr, RD32(O(1)))                                                                \
    H_BRCOND(c, 32, ri, insn->imm) H_BRCOND(c, 64, rr, RD64(O(1))) H_BRCOND(c, 64, ri, insn->imm)

/* d = cond(c1, c2) ? v1 : v2 with d, c1, c2, v1 in o[0..3], v2 in o2[0]. */
#define H_MOVCOND(c, w)                                                                            \
    do_movcond_##c##_i##w:                                                                         \
    {                                                                                              \
        TYPES_##w;                                                                                 \
        T a = RD##w(O(1)), b = RD##w(O(2));                                                        \
        WR##w(O(0), COND_##c ? RD##w(O(3)) : RD##w(insn->o2[0]));                                  \
        NEXT();                                                                                    \
    }
#define H_MOVCONDS(_, c) H_MOVCOND(c, 32) H_MOVCOND(c, 64)

#define H_LD_ENV(k, w, base)                                                                       \
    do_ld_env_##k##_i##w##_##base:                                                                 \
    {                                                                                              \
        TYPES_##w;                                                                                 \
        WR##w(O(0), (T)(S)LDENV_##k(ENV_ADDR_##base));                                             \
        NEXT();                                                                                    \
    }
#define H_LD_ENVS(_, k)                                                                            \
    H_LD_ENV(k, 32, env) H_LD_ENV(k, 32, ptr) H_LD_ENV(k, 64, env) H_LD_ENV(k, 64, ptr)

#define H_ST_ENV(k, w, base)                                                                       \
    do_st_env_##k##_i##w##_##base:                                                                 \
    {                                                                                              \
        STENV_##k(ENV_ADDR_##base, RD##w(O(0)));                                                   \
        NEXT();                                                                                    \
    }
#define H_ST_ENVS(_, k)                                                                            \
    H_ST_ENV(k, 32, env) H_ST_ENV(k, 32, ptr) H_ST_ENV(k, 64, env) H_ST_ENV(k, 64, ptr)

/* Bit fields: o[2] = W - pos - len (shift the field to the top), o[3] =
 * W - len (shift it back down, logically or arithmetically). */
#define H_EXTRACT(w)                                                                               \
    do_extract_i##w:                                                                               \
    {                                                                                              \
        TYPES_##w;                                                                                 \
        WR##w(O(0), (T)(RD##w(O(1)) << O(2)) >> O(3));                                             \
        NEXT();                                                                                    \
    }                                                                                              \
    do_sextract_i##w:                                                                              \
    {                                                                                              \
        TYPES_##w;                                                                                 \
        WR##w(O(0), (T)((S)(T)(RD##w(O(1)) << O(2)) >> O(3)));                                     \
        NEXT();                                                                                    \
    }                                                                                              \
    do_deposit_i##w:                                                                               \
    {                                                                                              \
        TYPES_##w;                                                                                 \
        T mask = (T)insn->imm;                                                                     \
        WR##w(O(0), (RD##w(O(1)) & ~mask) | ((T)(RD##w(O(2)) << O(3)) & mask));                    \
        NEXT();                                                                                    \
    }

/* d, carry-out <- a, b, carry-in: o[0], o[1] <- o[2], o[3], o2[0]. */
#define H_CARRY(w)                                                                                 \
    do_add_carry_i##w:                                                                             \
    {                                                                                              \
        TYPES_##w;                                                                                 \
        T a = RD##w(O(2)), b = RD##w(O(3)), ci = RD##w(insn->o2[0]) & 1;                           \
        T s = a + b, r = s + ci;                                                                   \
        WR##w(O(0), r);                                                                            \
        WR##w(O(1), (s < a) | (r < s));                                                            \
        NEXT();                                                                                    \
    }                                                                                              \
    do_sub_borrow_i##w:                                                                            \
    {                                                                                              \
        TYPES_##w;                                                                                 \
        T a = RD##w(O(2)), b = RD##w(O(3)), bi = RD##w(insn->o2[0]) & 1;                           \
        T s = a - b, r = s - bi;                                                                   \
        WR##w(O(0), r);                                                                            \
        WR##w(O(1), (a < b) | (s < bi));                                                           \
        NEXT();                                                                                    \
    }

/* Guest memory through the soft TLB: o[0] value, o[1] address, o[2] insn,
 * o2[0] memop, o2[1] mmu_idx. */
#define H_LD(w, aw)                                                                                \
    do_ld_i##w##_a##aw:                                                                            \
    {                                                                                              \
        WR##w(O(0), softmmu_load(cpu, RD##aw(O(1)), insn->o2[0], insn->o2[1], O(2)));              \
        NEXT();                                                                                    \
    }
#define H_ST(w, aw)                                                                                \
    do_st_i##w##_a##aw:                                                                            \
    {                                                                                              \
        softmmu_store(cpu, RD##aw(O(1)), RD##w(O(0)), insn->o2[0], insn->o2[1], O(2));             \
        NEXT();                                                                                    \
    }

/* Guest RAM through host addresses (see lower_host_access). */
#define H_HOST_RANGE(aw)                                                                           \
    do_host_range_a##aw:                                                                           \
    {                                                                                              \
        void *host = softmmu_host_range_in_page(cpu, RD##aw(O(1)), insn->o2[0],                    \
                                                O(3) ? MMU_WRITE : MMU_READ, insn->o2[1], O(2));   \
        WR64(O(0), (uintptr_t)host);                                                               \
        NEXT();                                                                                    \
    }
/* ld_host/st_host: guest memory, so any alignment; the memop of each
 * kind is a constant, which folds softmmu_load_host/store_host down to one
 * access (and a byte swap for the big-endian kinds). */
#define MO_8u     IR_MO_8
#define MO_8s     (IR_MO_8 | IR_MO_SIGN)
#define MO_16u    IR_MO_16
#define MO_16s    (IR_MO_16 | IR_MO_SIGN)
#define MO_32u    IR_MO_32
#define MO_32s    (IR_MO_32 | IR_MO_SIGN)
#define MO_64u    IR_MO_64
#define MO_be16u  (IR_MO_16 | IR_MO_BE)
#define MO_be16s  (IR_MO_16 | IR_MO_BE | IR_MO_SIGN)
#define MO_be32u  (IR_MO_32 | IR_MO_BE)
#define MO_be32s  (IR_MO_32 | IR_MO_BE | IR_MO_SIGN)
#define MO_be64u  (IR_MO_64 | IR_MO_BE)
#define MO_8      IR_MO_8
#define MO_16     IR_MO_16
#define MO_32     IR_MO_32
#define MO_64     IR_MO_64
#define MO_be16   (IR_MO_16 | IR_MO_BE)
#define MO_be32   (IR_MO_32 | IR_MO_BE)
#define MO_be64   (IR_MO_64 | IR_MO_BE)
#define HOST_ADDR ((char *)(uintptr_t)RD64(O(1)) + insn->imm)
#define H_LD_HOST(k, w)                                                                            \
    do_ld_host_##k##_i##w:                                                                         \
    {                                                                                              \
        TYPES_##w;                                                                                 \
        WR##w(O(0), (T)softmmu_load_host(HOST_ADDR, MO_##k));                                      \
        NEXT();                                                                                    \
    }
#define H_LD_HOSTS(_, k) H_LD_HOST(k, 32) H_LD_HOST(k, 64)
#define H_ST_HOST(k, w)                                                                            \
    do_st_host_##k##_i##w:                                                                         \
    {                                                                                              \
        softmmu_store_host(HOST_ADDR, RD##w(O(0)), MO_##k);                                        \
        NEXT();                                                                                    \
    }
#define H_ST_HOSTS(_, k) H_ST_HOST(k, 32) H_ST_HOST(k, 64)

typedef uint64_t (*HelperFn0)(CPUState *);
typedef uint64_t (*HelperFn1)(CPUState *, uint64_t);
typedef uint64_t (*HelperFn2)(CPUState *, uint64_t, uint64_t);
typedef uint64_t (*HelperFn3)(CPUState *, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*HelperFn4)(CPUState *, uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*HelperFn5)(CPUState *, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

static uint64_t call_helper(CPUState *cpu, uint64_t fn, unsigned nargs, const uint64_t *a)
{
    switch (nargs) {
    case 0: return ((HelperFn0)fn)(cpu);
    case 1: return ((HelperFn1)fn)(cpu, a[0]);
    case 2: return ((HelperFn2)fn)(cpu, a[0], a[1]);
    case 3: return ((HelperFn3)fn)(cpu, a[0], a[1], a[2]);
    case 4: return ((HelperFn4)fn)(cpu, a[0], a[1], a[2], a[3]);
    default: return ((HelperFn5)fn)(cpu, a[0], a[1], a[2], a[3], a[4]);
    }
}

static bool fmt_is_64(unsigned fmt)
{
    return fmt == IR_FMT_F64 || fmt == IR_FMT_S64 || fmt == IR_FMT_U64;
}

/* The dispatcher.  With table set, only returns the handler addresses
 * (labels are local to this one function, so it must never be inlined
 * or cloned: lowering and execution must see the same copy). */
__attribute__((noinline, noclone)) static InterpExit interp_run(CPUState *cpu, TranslationBlock *tb,
                                                                const void *const **table)
{
#define HANDLER_ADDR(h) [INTERP_H_##h] = &&do_##h,
    static const void *const handlers[INTERP_NUM_HANDLERS] = {INTERP_HANDLERS(HANDLER_ADDR)};
#undef HANDLER_ADDR
    if (table) {
        *table = handlers;
        return (InterpExit){.slot = -1};
    }

    char *const env = (char *)cpu;
    const InterpInsn *insn;
    cpu->interp_frame[INTERP_SLOT_ENV] = (uint64_t)(uintptr_t)cpu;

enter_tb:
    if (__builtin_expect(atomic_load_explicit(&tb->native, memory_order_relaxed) != NULL, 0))
        return (InterpExit){.next = tb, .slot = -1};
    if (__builtin_expect(++tb->exec_count == cpu->jit_threshold, 0))
        return (InterpExit){.next = tb, .slot = -1, .hot = true};
    cpu->current_tb = tb;
    cpu->icount += tb->icount;
    cpu->stats.interp_insns += tb->icount;
    insn = ((const InterpCode *)tb->interp_code)->insns;
    goto * insn->handler;

    INTERP_BINOPS(H_BINOPS, _)
    INTERP_UNOPS(H_UNOPS, _)
    INTERP_CONDS(H_SETCONDS, _)
    INTERP_CONDS(H_BRCONDS, _)
    INTERP_CONDS(H_MOVCONDS, _)
    INTERP_ENV_LOADS(H_LD_ENVS, _)
    INTERP_ENV_STORES(H_ST_ENVS, _)
    H_EXTRACT(32)
    H_EXTRACT(64)
    H_CARRY(32)
    H_CARRY(64)
    H_LD(32, 32)
    H_LD(32, 64)
    H_LD(64, 32)
    H_LD(64, 64)
    H_ST(32, 32)
    H_ST(32, 64)
    H_ST(64, 32)
    H_ST(64, 64)
    H_HOST_RANGE(32)
    H_HOST_RANGE(64)
    INTERP_HOST_LOADS(H_LD_HOSTS, _)
    INTERP_HOST_STORES(H_ST_HOSTS, _)

do_movi_i32:
    WR32(O(0), insn->imm);
    NEXT();
do_movi_i64:
    WR64(O(0), insn->imm);
    NEXT();
do_trunc:
    WR32(O(0), RD64(O(1)));
    NEXT();
do_zext:
    WR64(O(0), RD32(O(1)));
    NEXT();
do_sext:
    WR64(O(0), (int64_t)(int32_t)RD32(O(1)));
    NEXT();
do_ptr_add_rr:
    WR64(O(0), RD64(O(1)) + RD64(O(2)));
    NEXT();
do_ptr_add_ri:
    WR64(O(0), RD64(O(1)) + insn->imm);
    NEXT();

do_call : {
    const uint32_t *argo = insn[1].ext;
    uint32_t flags = O(1);
    unsigned nargs = O(3);
    uint64_t args[IR_HELPER_MAX_ARGS];
    for (unsigned i = 0; i < nargs; i++)
        args[i] = RDW(argo[i], flags & (1u << i));
    if (flags & INTERP_CALL_MAY_RAISE) cpu->fault_insn = O(2);
    uint64_t r = call_helper(cpu, insn->imm, nargs, args);
    if (flags & INTERP_CALL_RET_I64) WR64(O(0), r);
    if (flags & INTERP_CALL_RET_I32) WR32(O(0), r);
    insn++;
    NEXT();
}

    /* FP: o[0] value out, o[1] exc out, o[2] opcode, o2[] format imms,
     * inputs in the extension word. */
do_fp_arith : {
    const uint32_t *in = insn[1].ext;
    unsigned fmt = insn->o2[0];
    bool w64 = fmt == IR_FMT_F64;
    uint32_t exc;
    uint64_t r = interp_fp_arith(O(2), fmt, RDW(in[0], w64), RDW(in[1], w64), RDW(in[2], w64),
                                 RD32(in[3]), &exc);
    WRW(O(0), w64, r);
    WR32(O(1), exc);
    insn++;
    NEXT();
}
do_fp_cmp : {
    const uint32_t *in = insn[1].ext;
    bool w64 = insn->o2[0] == IR_FMT_F64;
    uint32_t exc;
    uint32_t r = interp_fp_cmp(insn->o2[0], RDW(in[0], w64), RDW(in[1], w64), insn->o2[1], &exc);
    WR32(O(0), r);
    WR32(O(1), exc);
    insn++;
    NEXT();
}
do_fp_cvt : {
    const uint32_t *in = insn[1].ext;
    unsigned from = insn->o2[0], to = insn->o2[1];
    uint32_t exc;
    uint64_t r = interp_fp_cvt(from, to, RDW(in[0], fmt_is_64(from)), RD32(in[1]), &exc);
    WRW(O(0), fmt_is_64(to), r);
    WR32(O(1), exc);
    insn++;
    NEXT();
}
do_f80_arith : {
    const uint32_t *in = insn[1].ext;
    uint32_t exc =
        interp_f80_arith(O(2), (void *)(uintptr_t)RD64(in[0]), (const void *)(uintptr_t)RD64(in[1]),
                         (const void *)(uintptr_t)RD64(in[2]), RD32(in[3]));
    WR32(O(1), exc);
    insn++;
    NEXT();
}
do_f80_cmp : {
    const uint32_t *in = insn[1].ext;
    uint32_t exc;
    uint32_t r = interp_f80_cmp((const void *)(uintptr_t)RD64(in[0]),
                                (const void *)(uintptr_t)RD64(in[1]), insn->o2[0], &exc);
    WR32(O(0), r);
    WR32(O(1), exc);
    insn++;
    NEXT();
}
do_f80_from : {
    const uint32_t *in = insn[1].ext;
    unsigned fmt = insn->o2[0];
    uint32_t exc = interp_f80_from((void *)(uintptr_t)RD64(in[0]), fmt, RDW(in[1], fmt_is_64(fmt)),
                                   RD32(in[2]));
    WR32(O(1), exc);
    insn++;
    NEXT();
}
do_f80_to : {
    const uint32_t *in = insn[1].ext;
    unsigned fmt = insn->o2[0];
    uint32_t exc;
    uint64_t r = interp_f80_to(fmt, (const void *)(uintptr_t)RD64(in[0]), RD32(in[1]), &exc);
    WRW(O(0), fmt_is_64(fmt), r);
    WR32(O(1), exc);
    insn++;
    NEXT();
}

do_br:
    insn += (int32_t)O(3);
    goto * insn->handler;

do_goto_tb : {
    unsigned slot = O(0);
    TranslationBlock *next = __atomic_load_n(&tb->jmp_dest[slot], __ATOMIC_RELAXED);
    if (next && tb_may_chain_to(cpu, next)) {
        tb = next;
        goto enter_tb;
    }
    return (InterpExit){.last_tb = tb, .slot = (int)slot};
}
do_goto_ptr : {
    /* No jump cache (a bare test cpu): always back to the caller. */
    /* A run-once (CF_NOCACHE) block goes back to the loop, which frees it. */
    TranslationBlock *next =
        cpu->jmp_cache && !(tb->cflags & CF_NOCACHE) ? tb_lookup_jmp_cache(cpu) : NULL;
    if (next) tb->ptr_hint_pc = next->pc; /* where loops go: regions follow it */
    if (next && tb_may_chain_to(cpu, next)) {
        tb = next;
        goto enter_tb;
    }
    return (InterpExit){.last_tb = tb, .slot = -1};
}
do_exit_tb:
    return (InterpExit){.last_tb = tb, .slot = -1, .code = (int)O(0)};
}

const void *const *interp_handler_table(void)
{
    const void *const *table;
    interp_run(NULL, NULL, &table);
    return table;
}

InterpExit interp_exec(CPUState *cpu, TranslationBlock *tb)
{
    return interp_run(cpu, tb, NULL);
}
