/*
 * The random block generator: valid, deterministic, and covering every
 * integer op kind (it is the basis of the pass and backend comparisons).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "ir/ir.h"
#include "tests/unit/ir_random.h"
#include "tests/unit/ir_test_util.h"

static void full_options(IrRandomOptions *o)
{
    ir_random_default_options(o);
    o->ram_base = 0x10000;
    o->ram_size = 0x1000;
    o->mmu_modes = 2;
    o->big_endian_mix = true;
    o->unaligned = true;
    o->env_offset = 0x100;
    o->env_size = 64;
    o->final_goto = true;
}

Test(ir_random, blocks_verify_and_cover_all_integer_ops)
{
    IrRandomOptions opt;
    full_options(&opt);
    bool seen[IR_NUM_OPS] = {0};
    char msg[300];
    for (uint64_t seed = 0; seed < 2000; seed++) {
        IrBlock *b = ir_random_block(seed, &ir_test_globals, &opt);
        if (!ir_verify(b, msg, sizeof(msg))) {
            ir_print(b, stderr);
            cr_assert_fail("seed %llu: %s", (unsigned long long)seed, msg);
        }
        for (uint32_t i = 0; i < b->nops; i++)
            seen[b->ops[i].opc] = true;
        ir_block_free(b);
    }
    for (int opc = 0; opc < IR_NUM_OPS; opc++) {
        bool wanted = (ir_op_defs[opc].flags & IR_OPF_INT) || opc == IR_trunc || opc == IR_zext ||
                      opc == IR_sext || opc == IR_ptr_add ||
                      (opc >= IR_insn_start && opc <= IR_exit_tb);
        if (wanted) cr_expect(seen[opc], "never generated %s", ir_op_defs[opc].name);
    }
}

Test(ir_random, same_seed_same_block)
{
    IrRandomOptions opt;
    full_options(&opt);
    IrBlock *a = ir_random_block(42, &ir_test_globals, &opt);
    IrBlock *b = ir_random_block(42, &ir_test_globals, &opt);
    IrBlock *c = ir_random_block(43, &ir_test_globals, &opt);
    char *ta = ir_test_print(a), *tb = ir_test_print(b), *tc = ir_test_print(c);
    cr_expect_str_eq(ta, tb);
    cr_expect_str_neq(ta, tc);
    free(ta);
    free(tb);
    free(tc);
    ir_block_free(a);
    ir_block_free(b);
    ir_block_free(c);
}

Test(ir_random, respects_disabled_features_and_writable_globals)
{
    IrRandomOptions opt;
    ir_random_default_options(&opt);
    opt.branches = false;
    opt.writable_globals = 1u << G_EBX | 1u << G_RBX;
    for (uint64_t seed = 0; seed < 300; seed++) {
        IrBlock *b = ir_random_block(seed, &ir_test_globals, &opt);
        cr_assert(ir_verify(b, NULL, 0));
        for (uint32_t i = 0; i < b->nops; i++) {
            const IrOp *op = &b->ops[i];
            uint32_t fl = ir_op_defs[op->opc].flags;
            cr_assert_not(fl & (IR_OPF_MEM | IR_OPF_BRANCH | IR_OPF_CALL), "seed %llu op %u",
                          (unsigned long long)seed, i);
            cr_assert(op->opc != IR_ld_env && op->opc != IR_st_env && op->opc != IR_label);
            unsigned nout = ir_op_defs[op->opc].nout;
            for (unsigned k = 0; k < nout; k++)
                cr_assert(op->args[k] != EAX && op->args[k] != RAX, "seed %llu op %u",
                          (unsigned long long)seed, i);
        }
        ir_block_free(b);
    }
}
