/*
 * The IR verifier: every rule of ir/README.md that can be checked
 * statically.  Run on every block a frontend builds (debug builds) and
 * after every pass in the tests.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"
#include "ir/ir_internal.h"

/* Must match TLB_MAX_MMU_MODES (core/cpu.h); ir/ does not include core/. */
#define IR_VERIFY_MMU_MODES 8

typedef struct Verifier {
    const IrBlock *b;
    char *err;
    size_t errlen;
    uint8_t *temp_written;
    uint8_t *label_defined;
    uint8_t *label_targeted;
    uint32_t label_first_use; /* op index of a branch, for the message */
} Verifier;

/* Record the first error with the op index and the printed op. */
static bool fail(Verifier *v, uint32_t idx, const char *fmt, ...)
{
    if (!v->err || !v->errlen) return false;
    char reason[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);

    char *line = NULL;
    size_t linelen = 0;
    FILE *f = open_memstream(&line, &linelen);
    if (f && idx < v->b->nops) ir_print_op(v->b, &v->b->ops[idx], f);
    if (f) fclose(f);
    if (line && linelen && line[linelen - 1] == '\n') line[linelen - 1] = 0;
    snprintf(v->err, v->errlen, "op %u: %s: %s", idx, reason, line ? line : "");
    free(line);
    return false;
}

/* Operand signatures of the ops whose operands are not all of the op
 * type: one letter per arg in args[] order.
 *   V op type   A i32 or i64 (guest address)   I i32   L i64   P ptr
 *   F width of format imm[0]   T width of format imm[1] */
static const char *const arg_sigs[IR_NUM_OPS] = {
    [IR_trunc] = "IL",      [IR_zext] = "LI",       [IR_sext] = "LI",       [IR_ld] = "VA",
    [IR_st] = "VA",         [IR_host_range] = "LA", [IR_ld_host] = "VL",    [IR_st_host] = "VL",
    [IR_ptr_add] = "PPL",   [IR_ld_env] = "VP",     [IR_st_env] = "VP",     [IR_fadd] = "FIFFI",
    [IR_fsub] = "FIFFI",    [IR_fmul] = "FIFFI",    [IR_fdiv] = "FIFFI",    [IR_fsqrt] = "FIFI",
    [IR_fma] = "FIFFFI",    [IR_fcmp] = "IIFF",     [IR_fcvt] = "TIFI",     [IR_f80_add] = "IPPPI",
    [IR_f80_sub] = "IPPPI", [IR_f80_mul] = "IPPPI", [IR_f80_div] = "IPPPI", [IR_f80_sqrt] = "IPPI",
    [IR_f80_cmp] = "IIPP",  [IR_f80_from] = "IPFI", [IR_f80_to] = "FIPI",
};

#define WANT_ADDR ((int)IR_VOID + 1) /* i32 or i64 */
#define WANT_BAD  (-1)

static const char *type_name(int t)
{
    static const char *const names[] = {"i32", "i64", "ptr", "void", "i32/i64"};
    return t >= 0 && t <= WANT_ADDR ? names[t] : "bad";
}

static int format_type(int64_t fmt)
{
    switch (fmt) {
    case IR_FMT_F32:
    case IR_FMT_S32:
    case IR_FMT_U32: return IR_I32;
    case IR_FMT_F64:
    case IR_FMT_S64:
    case IR_FMT_U64: return IR_I64;
    default: return WANT_BAD;
    }
}

static int wanted_type(const IrOp *op, unsigned i)
{
    const char *sig = arg_sigs[op->opc];
    if (op->opc == IR_call) {
        const IrHelper *h = ir_op_helper(op);
        unsigned nret = op->nargs > h->nargs;
        return i < nret ? (int)h->ret : (int)h->args[i - nret];
    }
    if (!sig) return op->type;
    switch (sig[i]) {
    case 'V': return op->type;
    case 'A': return WANT_ADDR;
    case 'I': return IR_I32;
    case 'L': return IR_I64;
    case 'P': return IR_PTR;
    case 'F': return format_type(op->imm[0]);
    case 'T': return format_type(op->imm[1]);
    default: return WANT_BAD;
    }
}

static unsigned type_width(int t)
{
    return t == IR_I32 ? 32 : 64;
}

static bool check_arity(Verifier *v, uint32_t idx, const IrOp *op)
{
    const IrOpDef *def = &ir_op_defs[op->opc];
    if (op->opc == IR_call) {
        const IrHelper *h = ir_op_helper(op);
        if (!h) return fail(v, idx, "call without helper");
        if (h->nargs > IR_HELPER_MAX_ARGS || h->ret > IR_VOID || h->ret == IR_PTR)
            return fail(v, idx, "malformed helper %s", h->name);
        if (op->nargs != h->nargs && !(h->ret != IR_VOID && op->nargs == h->nargs + 1u))
            return fail(v, idx, "call %s with %u values, helper takes %u", h->name, op->nargs,
                        h->nargs);
        return true;
    }
    if (op->nargs != def->nout + def->nin)
        return fail(v, idx, "%u values, %s takes %u", op->nargs, def->name, def->nout + def->nin);
    if ((def->flags & IR_OPF_INT) && op->type != IR_I32 && op->type != IR_I64)
        return fail(v, idx, "integer op of type %u", op->type);
    if (op->opc == IR_bswap64 && op->type != IR_I64) return fail(v, idx, "bswap64 needs i64");
    return true;
}

static bool check_value(Verifier *v, uint32_t idx, const IrOp *op, unsigned i, bool is_out)
{
    const IrBlock *b = v->b;
    IrVal val = op->args[i];
    uint32_t n = ir_val_index(val);
    switch (ir_val_kind(val)) {
    case IR_VAL_TEMP:
        if (n >= b->ntemps) return fail(v, idx, "arg %u: no temp t%u", i, n);
        if (!is_out && !v->temp_written[n])
            return fail(v, idx, "arg %u: t%u read before written", i, n);
        break;
    case IR_VAL_GLOBAL:
        if (!b->globals || n >= b->globals->count)
            return fail(v, idx, "arg %u: no global %u", i, n);
        break;
    case IR_VAL_CONST:
        if (n >= b->nconsts) return fail(v, idx, "arg %u: no constant %u", i, n);
        if (is_out) return fail(v, idx, "arg %u: constant as output", i);
        break;
    default:
        if (val != IR_ENV) return fail(v, idx, "arg %u: bad value 0x%x", i, val);
        if (is_out) return fail(v, idx, "arg %u: env as output", i);
        break;
    }
    int want = wanted_type(op, i);
    IrType have = ir_val_type(b, val);
    bool ok = want == WANT_ADDR ? (have == IR_I32 || have == IR_I64) : (int)have == want;
    if (!ok)
        return fail(v, idx, "arg %u: type %s where %s expected", i, type_name((int)have),
                    type_name(want));
    return true;
}

static bool check_memop(Verifier *v, uint32_t idx, const IrOp *op, int64_t mo, int64_t allowed)
{
    if (mo < 0 || (mo & ~allowed)) return fail(v, idx, "bad memop 0x%llx", (long long)mo);
    if (8 * ir_memop_size((unsigned)mo) > type_width(op->type))
        return fail(v, idx, "memop wider than the op");
    return true;
}

static bool check_label_id(Verifier *v, uint32_t idx, int64_t id)
{
    if (id < 0 || id >= (int64_t)v->b->nlabels) return fail(v, idx, "no label %lld", (long long)id);
    return true;
}

static bool is_float_format(int64_t f)
{
    return f == IR_FMT_F32 || f == IR_FMT_F64;
}

/* Immediates and labels, by opcode. */
static bool check_imms(Verifier *v, uint32_t idx, const IrOp *op)
{
    const int64_t *imm = op->imm;
    switch (op->opc) {
    case IR_extract:
    case IR_sextract:
    case IR_deposit:
        if (imm[1] < 1 || imm[0] < 0 || imm[0] + imm[1] > type_width(op->type))
            return fail(v, idx, "bad bit field pos=%lld len=%lld", (long long)imm[0],
                        (long long)imm[1]);
        return true;
    case IR_setcond:
    case IR_movcond:
        if (imm[0] < 0 || imm[0] >= IR_NUM_CONDS)
            return fail(v, idx, "bad condition %lld", (long long)imm[0]);
        return true;
    case IR_brcond:
        if (imm[0] < 0 || imm[0] >= IR_NUM_CONDS)
            return fail(v, idx, "bad condition %lld", (long long)imm[0]);
        return check_label_id(v, idx, imm[1]);
    case IR_br: return check_label_id(v, idx, imm[0]);
    case IR_label:
        if (!check_label_id(v, idx, imm[0])) return false;
        if (v->label_defined[imm[0]])
            return fail(v, idx, "label L%lld defined twice", (long long)imm[0]);
        v->label_defined[imm[0]] = 1;
        return true;
    case IR_ld:
    case IR_st:
        if (imm[1] < 0 || imm[1] >= IR_VERIFY_MMU_MODES)
            return fail(v, idx, "bad mmu_idx %lld", (long long)imm[1]);
        return check_memop(v, idx, op, imm[0], IR_MO_SIZE | IR_MO_SIGN | IR_MO_BE | IR_MO_ALIGN);
    case IR_host_range:
        if (imm[1] < 0 || imm[1] >= IR_VERIFY_MMU_MODES)
            return fail(v, idx, "bad mmu_idx %lld", (long long)imm[1]);
        if (imm[0] < 1 || imm[0] > IR_HOST_RANGE_MAX || (imm[2] & ~1ll))
            return fail(v, idx, "bad host_range length or access");
        return true;
    case IR_ld_host:
    case IR_st_host:
        if (imm[0] < 0 || imm[0] >= IR_HOST_RANGE_MAX)
            return fail(v, idx, "bad host offset %lld", (long long)imm[0]);
        return check_memop(v, idx, op, imm[1], IR_MO_SIZE | IR_MO_SIGN | IR_MO_BE);
    case IR_ld_env:
    case IR_st_env:
        if (imm[0] != (int32_t)imm[0] || (op->args[1] == IR_ENV && imm[0] < 0))
            return fail(v, idx, "bad cpu-state offset %lld", (long long)imm[0]);
        return check_memop(v, idx, op, imm[1], IR_MO_SIZE | IR_MO_SIGN);
    case IR_goto_tb:
        if (imm[0] != 0 && imm[0] != 1) return fail(v, idx, "bad goto_tb slot");
        return true;
    case IR_exit_tb:
        if (imm[0] < IR_EXIT_NORMAL || imm[0] > IR_EXIT_REQUEST)
            return fail(v, idx, "bad exit code");
        return true;
    case IR_fadd:
    case IR_fsub:
    case IR_fmul:
    case IR_fdiv:
    case IR_fsqrt:
    case IR_fma:
    case IR_fcmp:
        if (!is_float_format(imm[0])) return fail(v, idx, "bad float format");
        if (op->opc == IR_fcmp && (imm[1] & ~1ll)) return fail(v, idx, "bad signaling flag");
        return true;
    case IR_fcvt:
        if (format_type(imm[0]) == WANT_BAD || format_type(imm[1]) == WANT_BAD ||
            !(is_float_format(imm[0]) || is_float_format(imm[1])))
            return fail(v, idx, "bad fcvt formats");
        return true;
    case IR_f80_from:
    case IR_f80_to:
        if (format_type(imm[0]) == WANT_BAD) return fail(v, idx, "bad format");
        return true;
    case IR_f80_cmp:
        if (imm[0] & ~1ll) return fail(v, idx, "bad signaling flag");
        return true;
    default: return true;
    }
}

static bool check_op(Verifier *v, uint32_t idx, uint32_t insn)
{
    const IrOp *op = &v->b->ops[idx];
    if (op->opc >= IR_NUM_OPS) return fail(v, idx, "bad opcode %u", op->opc);
    if (op->insn != insn) return fail(v, idx, "insn %u, expected %u", op->insn, insn);
    if (!check_arity(v, idx, op) || !check_imms(v, idx, op)) return false;
    unsigned nout = ir_op_nouts(op);
    for (unsigned i = nout; i < op->nargs; i++)
        if (!check_value(v, idx, op, i, false)) return false;
    for (unsigned i = 0; i < nout; i++) {
        if (!check_value(v, idx, op, i, true)) return false;
        if (ir_val_kind(op->args[i]) == IR_VAL_TEMP) v->temp_written[ir_val_index(op->args[i])] = 1;
    }
    if (ir_op_defs[op->opc].flags & IR_OPF_BRANCH) {
        int64_t target = op->opc == IR_br ? op->imm[0] : op->imm[1];
        /* Loops go through goto_tb, where the cpu loop can stop them. */
        if (v->label_defined[target])
            return fail(v, idx, "backward branch to L%lld (loops must leave the block)",
                        (long long)target);
        if (!v->label_targeted[target])
            v->label_first_use = v->label_first_use == UINT32_MAX ? idx : v->label_first_use;
        v->label_targeted[target] = 1;
    }
    return true;
}

static bool check_globals(Verifier *v)
{
    const IrGlobalTable *g = v->b->globals;
    for (uint32_t i = 0; g && i < g->count; i++) {
        IrType t = g->globals[i].type;
        if (t == IR_I32 || t == IR_I64) continue;
        if (v->err && v->errlen)
            snprintf(v->err, v->errlen, "global %s: type must be i32 or i64", g->globals[i].name);
        return false;
    }
    return true;
}

static bool verify_ops(Verifier *v)
{
    const IrBlock *b = v->b;
    uint32_t ninsns = 0;
    bool after_exit = false;
    for (uint32_t i = 0; i < b->nops; i++) {
        const IrOp *op = &b->ops[i];
        if (op->opc == IR_insn_start && ++ninsns > IR_MAX_INSNS)
            return fail(v, i, "more than %d instructions", IR_MAX_INSNS);
        if (after_exit && op->opc != IR_label) return fail(v, i, "unreachable op after an exit");
        if (!check_op(v, i, ninsns ? ninsns - 1 : 0)) return false;
        after_exit = ir_op_defs[op->opc].flags & IR_OPF_EXIT;
    }
    if (!b->nops || !(ir_op_defs[b->ops[b->nops - 1].opc].flags & IR_OPF_EXIT))
        return fail(v, b->nops ? b->nops - 1 : 0, "block does not end with an exit");
    for (uint32_t l = 0; l < b->nlabels; l++)
        if (v->label_targeted[l] && !v->label_defined[l])
            return fail(v, v->label_first_use, "branch to undefined label L%u", l);
    return true;
}

bool ir_verify(const IrBlock *b, char *err, size_t errlen)
{
    Verifier v = {
        .b = b,
        .err = err,
        .errlen = errlen,
        .temp_written = calloc(b->ntemps + 1, 1),
        .label_defined = calloc(b->nlabels + 1, 1),
        .label_targeted = calloc(b->nlabels + 1, 1),
        .label_first_use = UINT32_MAX,
    };
    if (err && errlen) err[0] = 0;
    bool ok = check_globals(&v) && verify_ops(&v);
    free(v.temp_written);
    free(v.label_defined);
    free(v.label_targeted);
    return ok;
}
