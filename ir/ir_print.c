/*
 * The -d op format: one line per op, deterministic, robust against
 * malformed ops (the verifier prints the op it rejects).
 */
#include <inttypes.h>

#include "ir/ir.h"
#include "ir/ir_internal.h"

static const char *const cond_names[IR_NUM_CONDS] = {
    [IR_EQ] = "eq", [IR_NE] = "ne",   [IR_LT] = "lt",   [IR_LE] = "le",   [IR_GT] = "gt",
    [IR_GE] = "ge", [IR_LTU] = "ltu", [IR_LEU] = "leu", [IR_GTU] = "gtu", [IR_GEU] = "geu",
};

const char *ir_cond_name(IrCond c)
{
    return (unsigned)c < IR_NUM_CONDS ? cond_names[c] : "cond?";
}

static const char *fmt_name(int64_t f)
{
    static const char *const names[] = {"f32", "f64", "s32", "u32", "s64", "u64"};
    return f >= 0 && f < (int64_t)(sizeof(names) / sizeof(names[0])) ? names[f] : "fmt?";
}

static void print_val(const IrBlock *b, IrVal v, FILE *out)
{
    uint32_t i = ir_val_index(v);
    switch (ir_val_kind(v)) {
    case IR_VAL_TEMP: fprintf(out, "t%" PRIu32, i); break;
    case IR_VAL_GLOBAL:
        if (b->globals && i < b->globals->count)
            fputs(b->globals->globals[i].name, out);
        else
            fprintf(out, "g?%" PRIu32, i);
        break;
    case IR_VAL_CONST:
        if (i < b->nconsts)
            fprintf(out, "$0x%" PRIx64, b->consts[i].value);
        else
            fprintf(out, "$?%" PRIu32, i);
        break;
    default: fputs(v == IR_ENV ? "env" : v == IR_NONE ? "none" : "special?", out); break;
    }
}

static void print_memop(int64_t mo, bool with_endian, FILE *out)
{
    if (with_endian) fputs(mo & IR_MO_BE ? "be" : "le", out);
    fprintf(out, "%u%c%s", 8 * ir_memop_size((unsigned)mo), mo & IR_MO_SIGN ? 's' : 'u',
            mo & IR_MO_ALIGN ? ":al" : "");
}

/* The op name with its type or format suffix. */
static void print_name(const IrOp *op, FILE *out)
{
    const IrOpDef *def = &ir_op_defs[op->opc];
    fputs(def->name, out);
    if (def->flags & IR_OPF_INT)
        fputs(op->type == IR_I32 ? "_i32" : op->type == IR_I64 ? "_i64" : "_?", out);
    else if (op->opc == IR_fcvt)
        fprintf(out, "_%s_%s", fmt_name(op->imm[0]), fmt_name(op->imm[1]));
    else if ((def->flags & IR_OPF_FP) && op->opc < IR_f80_add)
        fprintf(out, "_%s", fmt_name(op->imm[0]));
    else if (op->opc == IR_f80_from || op->opc == IR_f80_to)
        fprintf(out, "_%s", fmt_name(op->imm[0]));
}

static void print_args(const IrBlock *b, const IrOp *op, unsigned from, unsigned to, FILE *out)
{
    for (unsigned i = from; i < to && i < IR_MAX_ARGS; i++) {
        if (i > from) fputs(", ", out);
        print_val(b, op->args[i], out);
    }
}

static void print_call(const IrBlock *b, const IrOp *op, FILE *out)
{
    const IrHelper *h = ir_op_helper(op);
    unsigned nret = h && op->nargs > h->nargs ? 1 : 0;
    fprintf(out, " call %s(", h ? h->name : "?");
    print_args(b, op, nret, op->nargs, out);
    fputc(')', out);
    if (nret) {
        fputs(" -> ", out);
        print_val(b, op->args[0], out);
    }
}

/* Immediates after the value operands, by opcode. */
static void print_imms(const IrOp *op, FILE *out)
{
    const char *sep = op->nargs ? ", " : " ";
    switch (op->opc) {
    case IR_extract:
    case IR_sextract:
    case IR_deposit:
        fprintf(out, "%spos=%" PRId64 ", len=%" PRId64, sep, op->imm[0], op->imm[1]);
        break;
    case IR_setcond:
    case IR_movcond: fprintf(out, "%s%s", sep, ir_cond_name((IrCond)op->imm[0])); break;
    case IR_brcond:
        fprintf(out, "%s%s, L%" PRId64, sep, ir_cond_name((IrCond)op->imm[0]), op->imm[1]);
        break;
    case IR_ld:
    case IR_st:
        fprintf(out, "%smo=", sep);
        print_memop(op->imm[0], true, out);
        fprintf(out, ", mmu=%" PRId64, op->imm[1]);
        break;
    case IR_ld_env:
    case IR_st_env:
        fprintf(out, "%soff=%" PRId64 ", mo=", sep, op->imm[0]);
        print_memop(op->imm[1], false, out);
        break;
    case IR_host_range:
        fprintf(out, "%slen=%" PRId64 ", mmu=%" PRId64 ", %s", sep, op->imm[0], op->imm[1],
                op->imm[2] ? "write" : "read");
        break;
    case IR_ld_host:
    case IR_st_host:
        fprintf(out, "%soff=%" PRId64 ", mo=", sep, op->imm[0]);
        print_memop(op->imm[1], true, out);
        break;
    case IR_fcmp:
        if (op->imm[1]) fprintf(out, "%ssig", sep);
        break;
    case IR_f80_cmp:
        if (op->imm[0]) fprintf(out, "%ssig", sep);
        break;
    case IR_br: fprintf(out, " L%" PRId64, op->imm[0]); break;
    case IR_goto_tb:
    case IR_exit_tb: fprintf(out, " %" PRId64, op->imm[0]); break;
    default: break;
    }
}

void ir_print_op(const IrBlock *b, const IrOp *op, FILE *out)
{
    if (op->opc >= IR_NUM_OPS) {
        fprintf(out, " op?%u\n", op->opc);
        return;
    }
    switch (op->opc) {
    case IR_insn_start:
        fprintf(out, "---- insn %" PRIu32 " pc=0x%" PRIx64, op->insn, (uint64_t)op->imm[0]);
        if (op->imm[1] || op->imm[2])
            fprintf(out, " aux=0x%" PRIx64 ",0x%" PRIx64, (uint64_t)op->imm[1],
                    (uint64_t)op->imm[2]);
        break;
    case IR_label: fprintf(out, "L%" PRId64 ":", op->imm[0]); break;
    case IR_call: print_call(b, op, out); break;
    default:
        fputc(' ', out);
        print_name(op, out);
        if (op->nargs) fputc(' ', out);
        print_args(b, op, 0, op->nargs, out);
        print_imms(op, out);
        break;
    }
    fputc('\n', out);
}

void ir_print(const IrBlock *b, FILE *out)
{
    for (uint32_t i = 0; i < b->nops; i++)
        ir_print_op(b, &b->ops[i], out);
}
