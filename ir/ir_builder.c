/*
 * The IR builder: block allocation, values (temps, interned constants,
 * labels) and op emission.  Overflowing IR_MAX_TEMPS is a frontend bug, not
 * guest behaviour, so it aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "doppel: ir: out of memory\n");
        abort();
    }
    return q;
}

/* Grow a dynamic array so that it holds at least need elements. */
#define IR_GROW(arr, cap, need)                                                                    \
    do {                                                                                           \
        if ((need) > (cap)) {                                                                      \
            uint32_t ncap_ = (cap) ? (cap)*2 : 32;                                                 \
            while (ncap_ < (need))                                                                 \
                ncap_ *= 2;                                                                        \
            (arr) = xrealloc((arr), (size_t)ncap_ * sizeof(*(arr)));                               \
            (cap) = ncap_;                                                                         \
        }                                                                                          \
    } while (0)

IrBlock *ir_block_new(const IrGlobalTable *globals)
{
    IrBlock *b = calloc(1, sizeof(*b));
    if (!b) {
        fprintf(stderr, "doppel: ir: out of memory\n");
        abort();
    }
    b->globals = globals;
    return b;
}

void ir_block_free(IrBlock *b)
{
    if (!b) return;
    free(b->ops);
    free(b->temp_types);
    free(b->consts);
    free(b);
}

static void *dup_array(const void *src, size_t n, size_t elem)
{
    void *dst = xrealloc(NULL, n * elem);
    if (n) memcpy(dst, src, n * elem);
    return dst;
}

IrBlock *ir_block_clone(const IrBlock *b)
{
    IrBlock *c = ir_block_new(b->globals);
    c->ops = dup_array(b->ops, b->nops, sizeof(*b->ops));
    c->nops = c->ops_cap = b->nops;
    c->temp_types = dup_array(b->temp_types, b->ntemps, sizeof(*b->temp_types));
    c->ntemps = c->temps_cap = b->ntemps;
    c->consts = dup_array(b->consts, b->nconsts, sizeof(*b->consts));
    c->nconsts = c->consts_cap = b->nconsts;
    c->nlabels = b->nlabels;
    c->ninsns = b->ninsns;
    return c;
}

IrVal ir_temp(IrBlock *b, IrType type)
{
    if (b->ntemps >= IR_MAX_TEMPS) {
        fprintf(stderr, "doppel: ir: more than %d temps in one block\n", IR_MAX_TEMPS);
        abort();
    }
    IR_GROW(b->temp_types, b->temps_cap, b->ntemps + 1);
    b->temp_types[b->ntemps] = (uint8_t)type;
    return IR_VAL_TEMP | b->ntemps++;
}

IrVal ir_const(IrBlock *b, IrType type, uint64_t value)
{
    if (type == IR_I32) value = (uint32_t)value;
    /* Search newest first: constants tend to be reused close together. */
    for (uint32_t i = b->nconsts; i-- > 0;) {
        if (b->consts[i].type == type && b->consts[i].value == value) return IR_VAL_CONST | i;
    }
    IR_GROW(b->consts, b->consts_cap, b->nconsts + 1);
    b->consts[b->nconsts] = (IrConst){.type = type, .value = value};
    return IR_VAL_CONST | b->nconsts++;
}

uint32_t ir_label_new(IrBlock *b)
{
    return b->nlabels++;
}

IrType ir_val_type(const IrBlock *b, IrVal v)
{
    uint32_t i = ir_val_index(v);
    switch (ir_val_kind(v)) {
    case IR_VAL_TEMP: return (IrType)b->temp_types[i];
    case IR_VAL_GLOBAL: return b->globals->globals[i].type;
    case IR_VAL_CONST: return b->consts[i].type;
    default: return v == IR_ENV ? IR_PTR : IR_VOID;
    }
}

uint64_t ir_const_value(const IrBlock *b, IrVal v)
{
    return b->consts[ir_val_index(v)].value;
}

IrOp *ir_emit(IrBlock *b, IrOpcode opc, IrType type, unsigned nargs, const IrVal *args,
              unsigned nimm, const int64_t *imm)
{
    if (nargs > IR_MAX_ARGS || nimm > IR_MAX_IMMS) {
        fprintf(stderr, "doppel: ir: %s with %u args, %u imms\n", ir_op_defs[opc].name, nargs,
                nimm);
        abort();
    }
    if (opc == IR_insn_start) b->ninsns++;
    IR_GROW(b->ops, b->ops_cap, b->nops + 1);
    IrOp *op = &b->ops[b->nops++];
    memset(op, 0, sizeof(*op));
    op->opc = (uint16_t)opc;
    op->type = (uint8_t)type;
    op->nargs = (uint8_t)nargs;
    op->insn = b->ninsns ? b->ninsns - 1 : 0;
    for (unsigned i = 0; i < nargs; i++)
        op->args[i] = args[i];
    for (unsigned i = 0; i < nimm; i++)
        op->imm[i] = imm[i];
    return op;
}

/* Shorthand for the fixed-arity emitters below. */
#define EMIT(opc, type, argv, immv)                                                                \
    ir_emit(b, (opc), (type), sizeof(argv) / sizeof(IrVal), (argv),                                \
            sizeof(immv) / sizeof(int64_t), (immv))
#define EMIT_NOIMM(opc, type, argv)                                                                \
    ir_emit(b, (opc), (type), sizeof(argv) / sizeof(IrVal), (argv), 0, NULL)
#define EMIT_NOARG(opc, immv)                                                                      \
    ir_emit(b, (opc), IR_VOID, 0, NULL, sizeof(immv) / sizeof(int64_t), (immv))

void ir_op1(IrBlock *b, IrOpcode opc, IrType t, IrVal d, IrVal a)
{
    EMIT_NOIMM(opc, t, ((IrVal[]){d, a}));
}

void ir_op2(IrBlock *b, IrOpcode opc, IrType t, IrVal d, IrVal a, IrVal c)
{
    EMIT_NOIMM(opc, t, ((IrVal[]){d, a, c}));
}

void ir_mov(IrBlock *b, IrType t, IrVal d, IrVal a)
{
    ir_op1(b, IR_mov, t, d, a);
}

void ir_extract(IrBlock *b, IrOpcode opc, IrType t, IrVal d, IrVal a, unsigned pos, unsigned len)
{
    EMIT(opc, t, ((IrVal[]){d, a}), ((int64_t[]){pos, len}));
}

void ir_deposit(IrBlock *b, IrType t, IrVal d, IrVal a, IrVal v, unsigned pos, unsigned len)
{
    EMIT(IR_deposit, t, ((IrVal[]){d, a, v}), ((int64_t[]){pos, len}));
}

void ir_setcond(IrBlock *b, IrType t, IrCond c, IrVal d, IrVal x, IrVal y)
{
    EMIT(IR_setcond, t, ((IrVal[]){d, x, y}), ((int64_t[]){c}));
}

void ir_movcond(IrBlock *b, IrType t, IrCond c, IrVal d, IrVal c1, IrVal c2, IrVal v1, IrVal v2)
{
    EMIT(IR_movcond, t, ((IrVal[]){d, c1, c2, v1, v2}), ((int64_t[]){c}));
}

void ir_add_carry(IrBlock *b, IrType t, IrVal d, IrVal cout, IrVal x, IrVal y, IrVal cin)
{
    EMIT_NOIMM(IR_add_carry, t, ((IrVal[]){d, cout, x, y, cin}));
}

void ir_sub_borrow(IrBlock *b, IrType t, IrVal d, IrVal bout, IrVal x, IrVal y, IrVal bin)
{
    EMIT_NOIMM(IR_sub_borrow, t, ((IrVal[]){d, bout, x, y, bin}));
}

void ir_ld(IrBlock *b, IrType t, IrVal d, IrVal addr, unsigned memop, unsigned mmu_idx)
{
    EMIT(IR_ld, t, ((IrVal[]){d, addr}), ((int64_t[]){memop, mmu_idx}));
}

void ir_st(IrBlock *b, IrType t, IrVal v, IrVal addr, unsigned memop, unsigned mmu_idx)
{
    EMIT(IR_st, t, ((IrVal[]){v, addr}), ((int64_t[]){memop, mmu_idx}));
}

void ir_host_range(IrBlock *b, IrVal d, IrVal addr, unsigned len, unsigned mmu_idx, bool write)
{
    EMIT(IR_host_range, IR_I64, ((IrVal[]){d, addr}), ((int64_t[]){len, mmu_idx, write}));
}

void ir_ld_host(IrBlock *b, IrType t, IrVal d, IrVal base, unsigned offset, unsigned memop)
{
    EMIT(IR_ld_host, t, ((IrVal[]){d, base}), ((int64_t[]){offset, memop}));
}

void ir_st_host(IrBlock *b, IrType t, IrVal v, IrVal base, unsigned offset, unsigned memop)
{
    EMIT(IR_st_host, t, ((IrVal[]){v, base}), ((int64_t[]){offset, memop}));
}

void ir_ptr_add(IrBlock *b, IrVal d, IrVal base, IrVal off)
{
    EMIT_NOIMM(IR_ptr_add, IR_PTR, ((IrVal[]){d, base, off}));
}

void ir_ld_env(IrBlock *b, IrType t, IrVal d, IrVal base, int64_t offset, unsigned memop)
{
    EMIT(IR_ld_env, t, ((IrVal[]){d, base}), ((int64_t[]){offset, memop}));
}

void ir_st_env(IrBlock *b, IrType t, IrVal v, IrVal base, int64_t offset, unsigned memop)
{
    EMIT(IR_st_env, t, ((IrVal[]){v, base}), ((int64_t[]){offset, memop}));
}

void ir_insn_start(IrBlock *b, uint64_t pc, uint64_t aux0, uint64_t aux1)
{
    EMIT_NOARG(IR_insn_start, ((int64_t[]){(int64_t)pc, (int64_t)aux0, (int64_t)aux1}));
}

void ir_label(IrBlock *b, uint32_t label)
{
    EMIT_NOARG(IR_label, ((int64_t[]){label}));
}

void ir_br(IrBlock *b, uint32_t label)
{
    EMIT_NOARG(IR_br, ((int64_t[]){label}));
}

void ir_brcond(IrBlock *b, IrType t, IrCond c, IrVal x, IrVal y, uint32_t label)
{
    EMIT(IR_brcond, t, ((IrVal[]){x, y}), ((int64_t[]){c, label}));
}

void ir_goto_tb(IrBlock *b, unsigned slot)
{
    EMIT_NOARG(IR_goto_tb, ((int64_t[]){slot}));
}

void ir_goto_ptr(IrBlock *b)
{
    ir_emit(b, IR_goto_ptr, IR_VOID, 0, NULL, 0, NULL);
}

void ir_exit_tb(IrBlock *b, IrExitCode code)
{
    EMIT_NOARG(IR_exit_tb, ((int64_t[]){code}));
}

void ir_call(IrBlock *b, const IrHelper *helper, IrVal ret, const IrVal *args)
{
    IrVal argv[IR_MAX_ARGS];
    unsigned n = 0;
    if (ret != IR_NONE) argv[n++] = ret;
    if (n + helper->nargs > IR_MAX_ARGS) {
        fprintf(stderr, "doppel: ir: call %s with too many args\n", helper->name);
        abort();
    }
    for (unsigned i = 0; i < helper->nargs; i++)
        argv[n++] = args[i];
    int64_t imm = (int64_t)(intptr_t)helper;
    ir_emit(b, IR_call, helper->ret, n, argv, 1, &imm);
}
