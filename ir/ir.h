/*
 * doppel IR: the contract between the guest frontends and the backends.
 *
 * A block (IrBlock) is a list of ops over three kinds of values:
 *   globals   guest state fields at fixed offsets in the cpu state,
 *             declared once by a frontend in an IrGlobalTable;
 *   temps     block-local values, not preserved across blocks;
 *   constants interned per block.
 * Plus the special value IR_ENV: the cpu-state base pointer (type ptr).
 *
 * Temps are not SSA: an op may write a temp that was written before.
 * Every op's exact meaning is in ir/README.md.  ir/ includes nothing of the
 * project but its own headers.
 */
#ifndef DOPPEL_IR_H
#define DOPPEL_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct CPUState;

typedef enum IrType {
    IR_I32,
    IR_I64,
    IR_PTR,  /* host pointer into cpu state: IR_ENV or ptr_add results */
    IR_VOID, /* only as a helper's return type */
} IrType;

typedef enum IrOpcode {
#define IR_OP(name, nout, nin, nimm, flags) IR_##name,
#include "ir_ops.def"
#undef IR_OP
    IR_NUM_OPS
} IrOpcode;

/* Op properties (IrOpDef.flags). */
enum {
    IR_OPF_INT = 1 << 0,    /* value operands have the op's type (i32/i64) */
    IR_OPF_MEM = 1 << 1,    /* guest memory access through the soft TLB */
    IR_OPF_RAISE = 1 << 2,  /* may raise a guest exception */
    IR_OPF_SIDE = 1 << 3,   /* has effects beyond its outputs: never removed */
    IR_OPF_BRANCH = 1 << 4, /* in-block branch to a label */
    IR_OPF_EXIT = 1 << 5,   /* leaves the block */
    IR_OPF_CALL = 1 << 6,   /* helper call: arity from the IrHelper */
    IR_OPF_FP = 1 << 7,     /* floating point family */
};

typedef struct IrOpDef {
    const char *name;
    uint8_t nout, nin, nimm;
    uint32_t flags;
} IrOpDef;

extern const IrOpDef ir_op_defs[IR_NUM_OPS];

/* Conditions for setcond, movcond, brcond. */
typedef enum IrCond {
    IR_EQ,
    IR_NE,
    IR_LT, /* signed */
    IR_LE,
    IR_GT,
    IR_GE,
    IR_LTU, /* unsigned */
    IR_LEU,
    IR_GTU,
    IR_GEU,
    IR_NUM_CONDS
} IrCond;

/* Memory op descriptor for ld/st (all fields) and ld_env/st_env (size and
 * sign only; cpu state is host-endian). */
typedef enum IrMemOp {
    IR_MO_8 = 0,
    IR_MO_16 = 1,
    IR_MO_32 = 2,
    IR_MO_64 = 3,
    IR_MO_SIZE = 3,       /* log2 of the access size in bytes */
    IR_MO_SIGN = 1 << 2,  /* sign-extend a load to the op's type */
    IR_MO_BE = 1 << 3,    /* guest big-endian (default little-endian) */
    IR_MO_ALIGN = 1 << 4, /* misaligned access raises (natural alignment) */
} IrMemOp;

static inline unsigned ir_memop_size(unsigned mo)
{
    return 1u << (mo & IR_MO_SIZE);
}

/* Exit codes of exit_tb, returned to the cpu loop. */
typedef enum IrExitCode {
    IR_EXIT_NORMAL = 0,  /* pc is in cpu state; look up the next block */
    IR_EXIT_HALT = 1,    /* the guest stopped (wait state, hlt): cpu->halted set by a helper */
    IR_EXIT_REQUEST = 2, /* leave to the loop: state changed (mode, irq mask, TLB) */
} IrExitCode;

/* Floating point. */
typedef enum IrFpFormat {
    IR_FMT_F32,
    IR_FMT_F64,
    IR_FMT_S32, /* integer formats, for fcvt/f80_from/f80_to */
    IR_FMT_U32,
    IR_FMT_S64,
    IR_FMT_U64,
} IrFpFormat;

typedef enum IrRound {
    IR_ROUND_NEAREST_EVEN = 0,
    IR_ROUND_ZERO = 1,
    IR_ROUND_UP = 2,   /* toward +infinity */
    IR_ROUND_DOWN = 3, /* toward -infinity */
    IR_ROUND_NEAREST_AWAY = 4,
} IrRound;

/* Exception flags (the exc output of FP ops). */
enum {
    IR_FX_INVALID = 1 << 0,
    IR_FX_DIVZERO = 1 << 1,
    IR_FX_OVERFLOW = 1 << 2,
    IR_FX_UNDERFLOW = 1 << 3,
    IR_FX_INEXACT = 1 << 4,
    IR_FX_DENORMAL = 1 << 5, /* a denormal input (x87 DE) */
};

/* fcmp/f80_cmp result. */
typedef enum IrFcmpResult {
    IR_FCMP_EQ = 0,
    IR_FCMP_LT = 1,
    IR_FCMP_GT = 2,
    IR_FCMP_UNORDERED = 3,
} IrFcmpResult;

/* Values: kind in the top two bits, index below. */
typedef uint32_t IrVal;
enum {
    IR_VAL_TEMP = 0u << 30,
    IR_VAL_GLOBAL = 1u << 30,
    IR_VAL_CONST = 2u << 30,
    IR_VAL_SPECIAL = 3u << 30,
    IR_VAL_KIND_MASK = 3u << 30,
    IR_VAL_INDEX_MASK = ~(3u << 30),
};
#define IR_ENV  ((IrVal)(IR_VAL_SPECIAL | 0))
#define IR_NONE ((IrVal)(IR_VAL_SPECIAL | 1))

static inline uint32_t ir_val_kind(IrVal v)
{
    return v & IR_VAL_KIND_MASK;
}
static inline uint32_t ir_val_index(IrVal v)
{
    return v & IR_VAL_INDEX_MASK;
}
static inline IrVal ir_global(uint32_t index)
{
    return IR_VAL_GLOBAL | index;
}

/* A global: a guest state field at a fixed offset from the cpu-state base. */
typedef struct IrGlobal {
    const char *name;
    IrType type;
    uint32_t offset;
} IrGlobal;

typedef struct IrGlobalTable {
    const IrGlobal *globals;
    uint32_t count;
} IrGlobalTable;

/* Helpers: plain C functions called from blocks.  Every helper has the C
 * prototype  uint64_t fn(struct CPUState *cpu, uint64_t a0, ..., a[n-1])
 * with n <= IR_HELPER_MAX_ARGS: i32 arguments arrive zero-extended, an i32
 * result is taken from the low 32 bits, a void helper's result is ignored. */
enum {
    IR_CALL_PURE = 1 << 0,         /* result depends only on arguments, no effects */
    IR_CALL_READS_STATE = 1 << 1,  /* reads guest state (globals must be in memory) */
    IR_CALL_WRITES_STATE = 1 << 2, /* writes guest state (globals reloaded after) */
    IR_CALL_MAY_RAISE = 1 << 3,    /* may raise a guest exception (longjmp) */
    IR_CALL_NORETURN = 1 << 4,     /* never returns (always raises or exits) */
};
#define IR_HELPER_MAX_ARGS 5

typedef uint64_t (*IrHelperFn0)(struct CPUState *);
typedef struct IrHelper {
    const char *name;
    void (*fn)(void); /* cast to the arity's prototype by the backend */
    uint32_t flags;
    IrType ret; /* IR_I32, IR_I64 or IR_VOID */
    uint8_t nargs;
    IrType args[IR_HELPER_MAX_ARGS];
} IrHelper;

/* One op.  args[] holds outputs then inputs; imm[] the immediates. */
#define IR_MAX_ARGS 6
#define IR_MAX_IMMS 3
typedef struct IrOp {
    uint16_t opc;  /* IrOpcode */
    uint8_t type;  /* IrType of the operation (IR_OPF_INT ops: i32 or i64) */
    uint8_t nargs; /* number of args[] in use */
    uint32_t insn; /* index of the guest instruction (insn_start) it belongs to */
    IrVal args[IR_MAX_ARGS];
    int64_t imm[IR_MAX_IMMS];
} IrOp;

typedef struct IrConst {
    IrType type;
    uint64_t value; /* i32 constants are stored zero-extended */
} IrConst;

#define IR_MAX_TEMPS 1024
#define IR_MAX_INSNS 512

typedef struct IrBlock {
    const IrGlobalTable *globals;
    IrOp *ops;
    uint32_t nops, ops_cap;
    uint8_t *temp_types; /* IrType per temp */
    uint32_t ntemps, temps_cap;
    IrConst *consts;
    uint32_t nconsts, consts_cap;
    uint32_t nlabels;
    uint32_t ninsns; /* insn_start ops emitted so far */
} IrBlock;

/* ---- builder (ir_builder.c) ---- */
IrBlock *ir_block_new(const IrGlobalTable *globals);
void ir_block_free(IrBlock *b);
IrBlock *ir_block_clone(const IrBlock *b);

IrVal ir_temp(IrBlock *b, IrType type);
IrVal ir_const(IrBlock *b, IrType type, uint64_t value);
static inline IrVal ir_i32(IrBlock *b, uint32_t v)
{
    return ir_const(b, IR_I32, v);
}
static inline IrVal ir_i64(IrBlock *b, uint64_t v)
{
    return ir_const(b, IR_I64, v);
}
uint32_t ir_label_new(IrBlock *b);

/* Type of any value in block b (IR_ENV is IR_PTR). */
IrType ir_val_type(const IrBlock *b, IrVal v);
/* Constant value of v, which must be a constant. */
uint64_t ir_const_value(const IrBlock *b, IrVal v);

/* Generic emitter: appends an op with the given args and imms.  Returns it
 * (valid until the next emit). */
IrOp *ir_emit(IrBlock *b, IrOpcode opc, IrType type, unsigned nargs, const IrVal *args,
              unsigned nimm, const int64_t *imm);

/* Convenience emitters. */
void ir_op1(IrBlock *b, IrOpcode opc, IrType t, IrVal d, IrVal a);
void ir_op2(IrBlock *b, IrOpcode opc, IrType t, IrVal d, IrVal a, IrVal c);
void ir_mov(IrBlock *b, IrType t, IrVal d, IrVal a);
void ir_extract(IrBlock *b, IrOpcode opc, IrType t, IrVal d, IrVal a, unsigned pos, unsigned len);
void ir_deposit(IrBlock *b, IrType t, IrVal d, IrVal a, IrVal v, unsigned pos, unsigned len);
void ir_setcond(IrBlock *b, IrType t, IrCond c, IrVal d, IrVal x, IrVal y);
void ir_movcond(IrBlock *b, IrType t, IrCond c, IrVal d, IrVal c1, IrVal c2, IrVal v1, IrVal v2);
void ir_add_carry(IrBlock *b, IrType t, IrVal d, IrVal cout, IrVal x, IrVal y, IrVal cin);
void ir_sub_borrow(IrBlock *b, IrType t, IrVal d, IrVal bout, IrVal x, IrVal y, IrVal bin);
void ir_ld(IrBlock *b, IrType t, IrVal d, IrVal addr, unsigned memop, unsigned mmu_idx);
void ir_st(IrBlock *b, IrType t, IrVal v, IrVal addr, unsigned memop, unsigned mmu_idx);
/* host_range len is 1..IR_HOST_RANGE_MAX; ld_host/st_host offsets below it. */
#define IR_HOST_RANGE_MAX 4096
void ir_host_range(IrBlock *b, IrVal d, IrVal addr, unsigned len, unsigned mmu_idx, bool write);
void ir_ld_host(IrBlock *b, IrType t, IrVal d, IrVal base, unsigned offset, unsigned memop);
void ir_st_host(IrBlock *b, IrType t, IrVal v, IrVal base, unsigned offset, unsigned memop);
void ir_ptr_add(IrBlock *b, IrVal d, IrVal base, IrVal off);
void ir_ld_env(IrBlock *b, IrType t, IrVal d, IrVal base, int64_t offset, unsigned memop);
void ir_st_env(IrBlock *b, IrType t, IrVal v, IrVal base, int64_t offset, unsigned memop);
void ir_insn_start(IrBlock *b, uint64_t pc, uint64_t aux0, uint64_t aux1);
void ir_label(IrBlock *b, uint32_t label);
void ir_br(IrBlock *b, uint32_t label);
void ir_brcond(IrBlock *b, IrType t, IrCond c, IrVal x, IrVal y, uint32_t label);
void ir_goto_tb(IrBlock *b, unsigned slot);
void ir_goto_ptr(IrBlock *b);
void ir_exit_tb(IrBlock *b, IrExitCode code);
/* ret is IR_NONE for void helpers; args has helper->nargs values. */
void ir_call(IrBlock *b, const IrHelper *helper, IrVal ret, const IrVal *args);

/* ---- verifier (ir_verify.c) ---- */
/* Returns true if the block is well formed; otherwise false with a message
 * naming the op index in err (may be NULL). */
bool ir_verify(const IrBlock *b, char *err, size_t errlen);

/* ---- printer (ir_print.c): the -d op format ---- */
void ir_print(const IrBlock *b, FILE *out);
void ir_print_op(const IrBlock *b, const IrOp *op, FILE *out);
const char *ir_cond_name(IrCond c);

/* ---- passes (ir_fold.c, ir_dce.c, ir_dse.c, ir_coalesce.c) ---- */
void ir_pass_fold(IrBlock *b);       /* constant folding and copy propagation of constants */
void ir_pass_dead_temps(IrBlock *b); /* remove ops whose outputs are unused temps */
void ir_pass_dead_global_stores(IrBlock *b); /* remove global writes overwritten before any read */
void ir_pass_coalesce(IrBlock *b);           /* `op t, ...; mov g, t` becomes `op g, ...` */
void ir_optimize(IrBlock *b);                /* the standard pipeline: all of the above */

#endif
