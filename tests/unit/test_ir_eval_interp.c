/*
 * The interpreter and ir_eval_int (the README's definitions, used by
 * constant folding) agree on every integer op, including the corners
 * frontends normally guard: division by 0 and INT_MIN / -1, shift counts
 * >= width, carry-ins other than 0/1.
 */
#include <criterion/criterion.h>

#include "ir/ir.h"
#include "ir/ir_eval.h"
#include "tests/unit/testcpu.h"

#define ROUNDS 48

static uint64_t next_random(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Mostly corner values, some random. */
static uint64_t pick_input(uint64_t *s, IrType t)
{
    uint64_t sign = t == IR_I64 ? 1ull << 63 : 1ull << 31;
    static const uint64_t fixed[] = {0, 1, 2, 31, 32, 63, 64, 65};
    uint64_t r = next_random(s);
    switch (r % 6) {
    case 0: return fixed[(r >> 8) % 8];
    case 1: return t == IR_I64 ? ~0ull : 0xffffffffull;
    case 2: return sign;
    default: return t == IR_I64 ? next_random(s) : (uint32_t)next_random(s);
    }
}

static bool evaluable(int opc)
{
    uint32_t fl = ir_op_defs[opc].flags;
    if (opc == IR_trunc || opc == IR_zext || opc == IR_sext) return true;
    return (fl & IR_OPF_INT) && !(fl & (IR_OPF_MEM | IR_OPF_BRANCH)) && opc != IR_ld_env &&
           opc != IR_st_env;
}

static IrType in_type(int opc, IrType t)
{
    return opc == IR_trunc ? IR_I64 : (opc == IR_zext || opc == IR_sext) ? IR_I32 : t;
}

static IrType out_type(int opc, IrType t)
{
    return opc == IR_trunc ? IR_I32 : (opc == IR_zext || opc == IR_sext) ? IR_I64 : t;
}

/* Output global k of type t: r0/r1 or w0/w1. */
static IrVal out_global(IrType t, unsigned k)
{
    return t == IR_I64 ? TC_R(k) : TC_W(k);
}

static uint64_t read_global(TestCpu *tc, IrType t, unsigned k)
{
    return t == IR_I64 ? testcpu_get_r(tc, k) : testcpu_get_w(tc, k);
}

/* Run op on inputs in[] (through temps when via_temps) and compare with
 * ir_eval_int. */
static void check_op(TestCpu *tc, IrOp *proto, const uint64_t *in, bool via_temps)
{
    int opc = proto->opc;
    IrType t = (IrType)proto->type, it = in_type(opc, t), ot = out_type(opc, t);
    unsigned nout = ir_op_defs[opc].nout, nin = ir_op_defs[opc].nin;
    IrBlock *b = ir_block_new(testcpu_globals());
    ir_insn_start(b, 0, 0, 0);
    IrVal args[IR_MAX_ARGS];
    for (unsigned k = 0; k < nout; k++)
        args[k] = out_global(ot, k);
    for (unsigned k = 0; k < nin; k++) {
        IrVal c = ir_const(b, it, in[k]);
        if (via_temps) {
            IrVal tmp = ir_temp(b, it);
            ir_mov(b, it, tmp, c);
            c = tmp;
        }
        args[nout + k] = c;
    }
    IrOp *op = ir_emit(b, (IrOpcode)opc, ot == t ? t : ot, nout + nin, args, ir_op_defs[opc].nimm,
                       proto->imm);
    op->type = proto->type;
    ir_exit_tb(b, IR_EXIT_NORMAL);

    uint64_t want[2];
    cr_assert(ir_eval_int(op, in, want));
    testcpu_reset(tc, 1);
    int rc = testcpu_run(tc, b);
    cr_assert_eq(rc, IR_EXIT_NORMAL, "%s: run failed (%d): %s", ir_op_defs[opc].name, rc,
                 tc->error);
    for (unsigned k = 0; k < nout; k++) {
        uint64_t got = read_global(tc, ot, k);
        if (got != want[k]) {
            ir_print(b, stderr);
            cr_assert_fail("%s_%s output %u: interpreter 0x%llx, ir_eval 0x%llx",
                           ir_op_defs[opc].name, t == IR_I64 ? "i64" : "i32", k,
                           (unsigned long long)got, (unsigned long long)want[k]);
        }
    }
    ir_block_free(b);
}

Test(ir_eval, interpreter_agrees_on_every_integer_op)
{
    TestCpu *tc = testcpu_new();
    uint64_t s = 12345;
    static const IrType types[] = {IR_I32, IR_I64};
    for (int opc = 0; opc < IR_NUM_OPS; opc++) {
        if (!evaluable(opc)) continue;
        for (int k = 0; k < 2; k++) {
            IrType t = types[k];
            if (opc == IR_bswap64 && t == IR_I32) continue;
            if ((opc == IR_trunc || opc == IR_zext || opc == IR_sext) && k) continue;
            unsigned w = t == IR_I64 ? 64 : 32;
            for (int round = 0; round < ROUNDS; round++) {
                IrOp proto = {.opc = (uint16_t)opc, .type = (uint8_t)t};
                if (opc == IR_extract || opc == IR_sextract || opc == IR_deposit) {
                    proto.imm[0] = (int64_t)(next_random(&s) % w);
                    proto.imm[1] = 1 + (int64_t)(next_random(&s) % (w - proto.imm[0]));
                } else if (opc == IR_setcond || opc == IR_movcond) {
                    proto.imm[0] = (int64_t)(next_random(&s) % IR_NUM_CONDS);
                }
                uint64_t in[4];
                for (int i = 0; i < 4; i++)
                    in[i] = pick_input(&s, in_type(opc, t));
                check_op(tc, &proto, in, round & 1);
            }
        }
    }
    testcpu_free(tc);
}
