/*
 * Passes keep behaviour: random blocks run on the test CPU before and
 * after each pass must leave identical guest state; plus targeted checks
 * that each pass does its job.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "ir/ir.h"
#include "tests/unit/ir_random.h"
#include "tests/unit/ir_test_util.h"
#include "tests/unit/testcpu.h"

#define RANDOM_SEEDS 3000

/* ---- helpers the random blocks call ---- */

static uint64_t helper_mix(CPUState *cpu, uint64_t a, uint64_t b)
{
    return (a ^ (b * 0x9e3779b97f4a7c15ull)) + (a >> 7);
}

static uint64_t helper_read_r0(CPUState *cpu, uint64_t a)
{
    return ((TestCpu *)cpu)->r[0] + a;
}

static uint64_t helper_write_w3(CPUState *cpu, uint64_t a)
{
    ((TestCpu *)cpu)->w[3] ^= (uint32_t)a;
    return 0;
}

static const IrHelper mix_helper = {
    "mix", (void (*)(void))helper_mix, IR_CALL_PURE, IR_I64, 2, {IR_I64, IR_I32}};
static const IrHelper read_r0_helper = {
    "read_r0", (void (*)(void))helper_read_r0, IR_CALL_READS_STATE, IR_I64, 1, {IR_I64}};
static const IrHelper write_w3_helper = {"write_w3",
                                         (void (*)(void))helper_write_w3,
                                         IR_CALL_READS_STATE | IR_CALL_WRITES_STATE,
                                         IR_VOID,
                                         1,
                                         {IR_I32}};
static const IrHelper *const test_helpers[] = {&mix_helper, &read_r0_helper, &write_w3_helper};

static void testcpu_options(IrRandomOptions *o)
{
    ir_random_default_options(o);
    o->ram_base = 0x2000;
    o->ram_size = 0x4000;
    o->mmu_modes = TESTCPU_MMU_MODES;
    o->big_endian_mix = true;
    o->unaligned = true;
    o->env_offset = TESTCPU_OFF_SCRATCH;
    o->env_size = TESTCPU_SCRATCH_SIZE;
    o->final_goto = true;
    o->helpers = test_helpers;
    o->nhelpers = sizeof(test_helpers) / sizeof(test_helpers[0]);
}

/* ---- random differential test ---- */

typedef struct PassCase {
    const char *name;
    void (*run)(IrBlock *b);
    uint64_t ops_removed; /* over all seeds: the pass must do something */
} PassCase;

static void dump_mismatch(uint64_t seed, const char *pass, const char *what, const IrBlock *before,
                          const IrBlock *after)
{
    fprintf(stderr, "seed %llu, pass %s: %s\n---- before:\n", (unsigned long long)seed, pass, what);
    ir_print(before, stderr);
    fprintf(stderr, "---- after:\n");
    ir_print(after, stderr);
}

/* Run b from the state of seed; returns the exit code. */
static int run_block(TestCpu *tc, uint64_t seed, const IrBlock *b)
{
    testcpu_reset(tc, seed);
    return testcpu_run(tc, b);
}

static bool check_pass(TestCpu *ref, TestCpu *tst, uint64_t seed, const IrBlock *b, int ref_rc,
                       PassCase *pc)
{
    char msg[300];
    IrBlock *c = ir_block_clone(b);
    pc->run(c);
    pc->ops_removed += b->nops > c->nops ? b->nops - c->nops : 0;
    bool ok = ir_verify(c, msg, sizeof(msg));
    if (!ok) {
        dump_mismatch(seed, pc->name, msg, b, c);
    } else {
        int rc = run_block(tst, seed, c);
        char diff[200] = "";
        if (rc != ref_rc) {
            snprintf(diff, sizeof(diff), "exit %d != %d", rc, ref_rc);
        } else if (rc != TESTCPU_RUN_FAULT && tst->last_exit.slot != ref->last_exit.slot) {
            snprintf(diff, sizeof(diff), "exit slot %d != %d", tst->last_exit.slot,
                     ref->last_exit.slot);
        } else {
            testcpu_state_equal(tst, ref, diff, sizeof(diff));
        }
        ok = !diff[0];
        if (!ok) dump_mismatch(seed, pc->name, diff, b, c);
    }
    ir_block_free(c);
    return ok;
}

/* Every pass on every seed in [first, first + count) keeps behaviour. */
static void check_random_blocks(const IrRandomOptions *opt, uint64_t first, uint64_t count)
{
    PassCase cases[] = {
        {"fold", ir_pass_fold, 0},
        {"dead_global_stores", ir_pass_dead_global_stores, 0},
        {"dead_temps", ir_pass_dead_temps, 0},
        {"coalesce", ir_pass_coalesce, 0},
        {"optimize", ir_optimize, 0},
    };
    TestCpu *ref = testcpu_new(), *tst = testcpu_new();
    char msg[300];

    for (uint64_t seed = first; seed < first + count; seed++) {
        IrBlock *b = ir_random_block(seed, testcpu_globals(), opt);
        if (!ir_verify(b, msg, sizeof(msg))) {
            ir_print(b, stderr);
            cr_assert_fail("seed %llu: random block does not verify: %s", (unsigned long long)seed,
                           msg);
        }
        int ref_rc = run_block(ref, seed, b);
        cr_assert_geq(ref_rc, IR_EXIT_NORMAL, "seed %llu: reference run failed (%d): %s",
                      (unsigned long long)seed, ref_rc, ref->error);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
            cr_assert(check_pass(ref, tst, seed, b, ref_rc, &cases[i]), "seed %llu, pass %s",
                      (unsigned long long)seed, cases[i].name);
        ir_block_free(b);
    }
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_expect_gt(cases[i].ops_removed, 0, "pass %s never removed an op", cases[i].name);
    testcpu_free(ref);
    testcpu_free(tst);
}

Test(ir_passes, random_blocks_keep_behaviour)
{
    IrRandomOptions opt;
    testcpu_options(&opt);
    check_random_blocks(&opt, 1, RANDOM_SEEDS);
}

/* Longer blocks, and divisions left unguarded (their corner results are
 * defined by the README and must not be folded). */
Test(ir_passes, random_long_blocks_keep_behaviour)
{
    IrRandomOptions opt;
    testcpu_options(&opt);
    opt.max_ops = 200;
    opt.guard_div = false;
    check_random_blocks(&opt, 100000, RANDOM_SEEDS / 6);
}

/* ---- targeted checks ---- */

static IrBlock *new_block(void)
{
    IrBlock *b = ir_block_new(&ir_test_globals);
    ir_insn_start(b, 0x1000, 0, 0);
    return b;
}

/* Apply pass, check that the block verifies and prints as expected. */
static void expect_after(IrBlock *b, void (*pass)(IrBlock *), const char *expected)
{
    char msg[300];
    cr_assert(ir_verify(b, msg, sizeof(msg)), "before: %s", msg);
    pass(b);
    cr_assert(ir_verify(b, msg, sizeof(msg)), "after: %s", msg);
    char *text = ir_test_print(b);
    cr_expect_str_eq(text, expected);
    free(text);
    ir_block_free(b);
}

Test(ir_passes, fold_adds_constants)
{
    IrBlock *b = new_block();
    IrVal t = ir_temp(b, IR_I32);
    ir_op2(b, IR_add, IR_I32, t, ir_i32(b, 2), ir_i32(b, 3));
    ir_op2(b, IR_mul, IR_I32, EAX, t, ir_i32(b, 7));
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_after(b, ir_pass_fold,
                 "---- insn 0 pc=0x1000\n"
                 " mov_i32 t0, $0x5\n"
                 " mov_i32 eax, $0x23\n"
                 " exit_tb 0\n");
}

Test(ir_passes, fold_wraps_i32_and_keeps_zero_extension)
{
    IrBlock *b = new_block();
    ir_op2(b, IR_sub, IR_I32, EAX, ir_i32(b, 0), ir_i32(b, 1));
    ir_op1(b, IR_zext, IR_I64, RAX, ir_i32(b, 0x80000000u));
    ir_op1(b, IR_sext, IR_I64, RBX, ir_i32(b, 0x80000000u));
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_after(b, ir_pass_fold,
                 "---- insn 0 pc=0x1000\n"
                 " mov_i32 eax, $0xffffffff\n"
                 " mov_i64 rax, $0x80000000\n"
                 " mov_i64 rbx, $0xffffffff80000000\n"
                 " exit_tb 0\n");
}

Test(ir_passes, fold_identities)
{
    IrBlock *b = new_block();
    ir_op2(b, IR_add, IR_I32, EAX, EBX, ir_i32(b, 0));
    ir_op2(b, IR_mul, IR_I64, RAX, ir_i64(b, 1), RBX);
    ir_op2(b, IR_and, IR_I64, RBX, RBX, ir_i64(b, 0));
    ir_op2(b, IR_shl, IR_I32, EBX, EBX, ir_i32(b, 0));
    ir_op2(b, IR_or, IR_I32, EAX, EAX, ir_i32(b, 0xffffffff));
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_after(b, ir_pass_fold,
                 "---- insn 0 pc=0x1000\n"
                 " mov_i32 eax, ebx\n"
                 " mov_i64 rax, rbx\n"
                 " mov_i64 rbx, $0x0\n"
                 " mov_i32 eax, $0xffffffff\n"
                 " exit_tb 0\n");
}

Test(ir_passes, fold_branches_and_forgets_at_labels)
{
    IrBlock *b = new_block();
    uint32_t l0 = ir_label_new(b), l1 = ir_label_new(b);
    IrVal t = ir_temp(b, IR_I32);
    ir_mov(b, IR_I32, t, ir_i32(b, 4));
    ir_brcond(b, IR_I32, IR_LTU, t, ir_i32(b, 3), l0); /* never taken: removed */
    ir_brcond(b, IR_I32, IR_EQ, EAX, EBX, l1);         /* unknown: kept */
    ir_mov(b, IR_I32, t, EAX);
    ir_label(b, l1);
    ir_op2(b, IR_add, IR_I32, EAX, t, ir_i32(b, 1));             /* t unknown after the label */
    ir_brcond(b, IR_I32, IR_GE, ir_i32(b, 1), ir_i32(b, 0), l0); /* always: br */
    ir_label(b, l0);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_after(b, ir_pass_fold,
                 "---- insn 0 pc=0x1000\n"
                 " mov_i32 t0, $0x4\n"
                 " brcond_i32 eax, ebx, eq, L1\n"
                 " mov_i32 t0, eax\n"
                 "L1:\n"
                 " add_i32 eax, t0, $0x1\n"
                 " br L0\n"
                 "L0:\n"
                 " exit_tb 0\n");
}

Test(ir_passes, fold_leaves_division_by_zero)
{
    IrBlock *b = new_block();
    ir_op2(b, IR_div_u, IR_I32, EAX, ir_i32(b, 7), ir_i32(b, 0));
    ir_op2(b, IR_rem_s, IR_I32, EBX, ir_i32(b, 0x80000000u), ir_i32(b, 0xffffffffu));
    ir_op2(b, IR_div_s, IR_I64, RAX, ir_i64(b, 7), ir_i64(b, (uint64_t)-2));
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_after(b, ir_pass_fold,
                 "---- insn 0 pc=0x1000\n"
                 " div_u_i32 eax, $0x7, $0x0\n"
                 " rem_s_i32 ebx, $0x80000000, $0xffffffff\n"
                 " mov_i64 rax, $0xfffffffffffffffd\n"
                 " exit_tb 0\n");
}

Test(ir_passes, fold_movcond_and_carry)
{
    IrBlock *b = new_block();
    ir_movcond(b, IR_I32, IR_LT, EAX, ir_i32(b, 0xffffffffu), ir_i32(b, 0), EBX, EAX);
    ir_add_carry(b, IR_I32, EBX, EAX, ir_i32(b, 0xffffffffu), ir_i32(b, 1), ir_i32(b, 1));
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_after(b, ir_pass_fold,
                 "---- insn 0 pc=0x1000\n"
                 " mov_i32 eax, ebx\n"
                 " mov_i32 ebx, $0x1\n"
                 " mov_i32 eax, $0x1\n"
                 " exit_tb 0\n");
}

Test(ir_passes, dce_removes_unused_temps)
{
    IrBlock *b = new_block();
    IrVal t0 = ir_temp(b, IR_I32), t1 = ir_temp(b, IR_I32), t2 = ir_temp(b, IR_I64);
    ir_op2(b, IR_add, IR_I32, t0, EAX, EBX); /* feeds only t1: dead chain */
    ir_op2(b, IR_mul, IR_I32, t1, t0, t0);
    ir_op2(b, IR_xor, IR_I64, t2, RAX, RBX); /* feeds a store: kept */
    ir_st(b, IR_I64, t2, RBX, IR_MO_64, 0);
    ir_ld(b, IR_I32, t1, RAX, IR_MO_32, 0); /* a load may fault: kept */
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_after(b, ir_pass_dead_temps,
                 "---- insn 0 pc=0x1000\n"
                 " xor_i64 t2, rax, rbx\n"
                 " st_i64 t2, rbx, mo=le64u, mmu=0\n"
                 " ld_i32 t1, rax, mo=le32u, mmu=0\n"
                 " exit_tb 0\n");
}

Test(ir_passes, dce_keeps_temps_live_across_branches)
{
    IrBlock *b = new_block();
    uint32_t out = ir_label_new(b);
    IrVal t = ir_temp(b, IR_I32), dead = ir_temp(b, IR_I32);
    ir_mov(b, IR_I32, t, EAX);
    ir_brcond(b, IR_I32, IR_EQ, t, ir_i32(b, 0), out);
    ir_op2(b, IR_sub, IR_I32, t, t, ir_i32(b, 1)); /* read after the join */
    ir_op2(b, IR_add, IR_I32, dead, t, t);
    ir_label(b, out);
    ir_mov(b, IR_I32, EBX, t);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_after(b, ir_pass_dead_temps,
                 "---- insn 0 pc=0x1000\n"
                 " mov_i32 t0, eax\n"
                 " brcond_i32 t0, $0x0, eq, L0\n"
                 " sub_i32 t0, t0, $0x1\n"
                 "L0:\n"
                 " mov_i32 ebx, t0\n"
                 " exit_tb 0\n");
}

Test(ir_passes, coalesce_writes_the_register_directly)
{
    IrBlock *b = new_block();
    IrVal t = ir_temp(b, IR_I32), f = ir_temp(b, IR_I32), u = ir_temp(b, IR_I32),
          v = ir_temp(b, IR_I32);
    ir_op2(b, IR_add, IR_I32, t, EAX, EBX); /* add t; mov eax, t: add eax */
    ir_mov(b, IR_I32, EAX, t);
    ir_setcond(b, IR_I32, IR_NE, f, t, ir_i32(b, 0)); /* the later use reads eax */
    ir_op1(b, IR_neg, IR_I32, u, f);                  /* a chain of copies */
    ir_mov(b, IR_I32, v, u);
    ir_mov(b, IR_I32, EBX, v);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_after(b, ir_pass_coalesce,
                 "---- insn 0 pc=0x1000\n"
                 " add_i32 eax, eax, ebx\n"
                 " setcond_i32 t1, eax, $0x0, ne\n"
                 " neg_i32 ebx, t1\n"
                 " exit_tb 0\n");
}

Test(ir_passes, coalesce_keeps_the_temp_when_the_register_changes_or_at_labels)
{
    IrBlock *b = new_block();
    uint32_t l = ir_label_new(b);
    IrVal t = ir_temp(b, IR_I32), s = ir_temp(b, IR_I64);
    ir_op2(b, IR_add, IR_I32, t, EAX, EBX);
    ir_mov(b, IR_I32, EAX, t);
    ir_mov(b, IR_I32, EAX, ir_i32(b, 7)); /* eax written before t's last use */
    ir_mov(b, IR_I32, EBX, t);
    ir_op2(b, IR_sub, IR_I64, s, RAX, RBX);
    ir_mov(b, IR_I64, RAX, s);
    ir_brcond(b, IR_I32, IR_EQ, EAX, ir_i32(b, 0), l);
    ir_label(b, l); /* s used after a label */
    ir_mov(b, IR_I64, RBX, s);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    char *before = ir_test_print(b);
    expect_after(b, ir_pass_coalesce, before);
    free(before);
}

/* t is written again only on the path that does not branch: the read
 * after the label still sees the first value (a random block found it). */
Test(ir_passes, coalesce_keeps_the_temp_read_past_a_write_on_another_path)
{
    IrBlock *b = new_block();
    uint32_t l = ir_label_new(b);
    IrVal t = ir_temp(b, IR_I32);
    ir_op2(b, IR_add, IR_I32, t, EAX, EBX);
    ir_mov(b, IR_I32, EAX, t);
    ir_brcond(b, IR_I32, IR_EQ, EBX, ir_i32(b, 0), l);
    ir_mov(b, IR_I32, t, ir_i32(b, 7)); /* only when not branching */
    ir_mov(b, IR_I32, EAX, ir_i32(b, 9));
    ir_label(b, l);
    ir_mov(b, IR_I32, EBX, t);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    char *before = ir_test_print(b);
    expect_after(b, ir_pass_coalesce, before);
    free(before);
}

static uint64_t helper_dummy(CPUState *cpu)
{
    return 1;
}
static const IrHelper pure_helper = {"pure", (void (*)(void))helper_dummy, IR_CALL_PURE, IR_I32, 0,
                                     {0}};
static const IrHelper state_helper = {
    "state", (void (*)(void))helper_dummy, IR_CALL_READS_STATE, IR_I32, 0, {0}};

Test(ir_passes, dse_removes_overwritten_global_writes)
{
    IrBlock *b = new_block();
    IrVal t = ir_temp(b, IR_I32);
    ir_mov(b, IR_I32, EAX, ir_i32(b, 1));              /* overwritten: removed */
    ir_op2(b, IR_add, IR_I32, EBX, EBX, ir_i32(b, 2)); /* overwritten too */
    ir_call(b, &pure_helper, t, NULL);                 /* pure: does not read eax */
    ir_insn_start(b, 0x1004, 0, 0);
    ir_mov(b, IR_I32, EAX, t);
    ir_mov(b, IR_I32, EBX, ir_i32(b, 3)); /* read below: kept */
    ir_op2(b, IR_add, IR_I32, EBX, EBX, EAX);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_after(b, ir_pass_dead_global_stores,
                 "---- insn 0 pc=0x1000\n"
                 " call pure() -> t0\n"
                 "---- insn 1 pc=0x1004\n"
                 " mov_i32 eax, t0\n"
                 " mov_i32 ebx, $0x3\n"
                 " add_i32 ebx, ebx, eax\n"
                 " exit_tb 0\n");
}

Test(ir_passes, dse_stops_at_loads_calls_and_labels)
{
    IrBlock *b = new_block();
    IrVal t = ir_temp(b, IR_I32);
    uint32_t l = ir_label_new(b);
    ir_mov(b, IR_I32, EAX, ir_i32(b, 1)); /* a load may fault: state must be exact */
    ir_ld(b, IR_I32, t, RAX, IR_MO_32, 0);
    ir_mov(b, IR_I32, EAX, ir_i32(b, 2)); /* a non-pure call may read eax */
    ir_call(b, &state_helper, t, NULL);
    ir_mov(b, IR_I32, EAX, ir_i32(b, 3)); /* another path joins at the label */
    ir_label(b, l);
    ir_mov(b, IR_I32, EAX, t);
    ir_mov(b, IR_I32, EBX, ir_i32(b, 4)); /* st_env may read any global */
    ir_st_env(b, IR_I32, t, IR_ENV, 0x40, IR_MO_32);
    ir_mov(b, IR_I32, EBX, t);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    char *before = ir_test_print(b);
    expect_after(b, ir_pass_dead_global_stores, before);
    free(before);
}
