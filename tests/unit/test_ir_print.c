/* The -d op text format, exactly. */
#include <criterion/criterion.h>

#include "ir/ir.h"
#include "tests/unit/ir_test_util.h"

static uint64_t helper_noop(struct CPUState *cpu, uint64_t a)
{
    return a;
}
static const IrHelper print_helper = {
    "check", (void (*)(void))helper_noop, IR_CALL_MAY_RAISE, IR_I64, 1, {IR_I32}};

Test(ir_print, small_block)
{
    IrBlock *b = ir_block_new(&ir_test_globals);
    IrVal t0 = ir_temp(b, IR_I32), t1 = ir_temp(b, IR_I32), t2 = ir_temp(b, IR_I64);
    IrVal p = ir_temp(b, IR_PTR);
    uint32_t l = ir_label_new(b);
    ir_insn_start(b, 0x1000, 0, 0);
    ir_op2(b, IR_add, IR_I32, t0, EAX, ir_i32(b, 1));
    ir_ld(b, IR_I32, t1, t0, IR_MO_32, 0);
    ir_st(b, IR_I64, RAX, t0, IR_MO_16 | IR_MO_BE | IR_MO_ALIGN, 2);
    ir_insn_start(b, 0x1004, 7, 0);
    ir_extract(b, IR_sextract, IR_I32, EBX, t1, 4, 8);
    ir_setcond(b, IR_I64, IR_LTU, RBX, RAX, ir_i64(b, UINT64_MAX));
    ir_brcond(b, IR_I32, IR_GE, t1, EBX, l);
    ir_ptr_add(b, p, IR_ENV, ir_i64(b, 0x80));
    ir_ld_env(b, IR_I64, t2, p, 8, IR_MO_32 | IR_MO_SIGN);
    ir_call(b, &print_helper, t2, (IrVal[]){t1});
    ir_goto_tb(b, 1);
    ir_label(b, l);
    ir_exit_tb(b, IR_EXIT_REQUEST);

    char *text = ir_test_print(b);
    cr_expect_str_eq(text, "---- insn 0 pc=0x1000\n"
                           " add_i32 t0, eax, $0x1\n"
                           " ld_i32 t1, t0, mo=le32u, mmu=0\n"
                           " st_i64 rax, t0, mo=be16u:al, mmu=2\n"
                           "---- insn 1 pc=0x1004 aux=0x7,0x0\n"
                           " sextract_i32 ebx, t1, pos=4, len=8\n"
                           " setcond_i64 rbx, rax, $0xffffffffffffffff, ltu\n"
                           " brcond_i32 t1, ebx, ge, L0\n"
                           " ptr_add t3, env, $0x80\n"
                           " ld_env_i64 t2, t3, off=8, mo=32s\n"
                           " call check(t1) -> t2\n"
                           " goto_tb 1\n"
                           "L0:\n"
                           " exit_tb 2\n");
    free(text);
    ir_block_free(b);
}

Test(ir_print, fp_ops_and_conditions)
{
    IrBlock *b = ir_block_new(&ir_test_globals);
    IrVal exc = ir_temp(b, IR_I32);
    ir_insn_start(b, 0, 0, 0);
    ir_emit(b, IR_fcvt, IR_I64, 4, (IrVal[]){RAX, exc, EAX, ir_i32(b, IR_ROUND_ZERO)}, 2,
            (int64_t[]){IR_FMT_F32, IR_FMT_S64});
    ir_emit(b, IR_fcmp, IR_I32, 4, (IrVal[]){EBX, exc, RAX, RBX}, 2, (int64_t[]){IR_FMT_F64, 1});
    ir_goto_ptr(b);

    char *text = ir_test_print(b);
    cr_expect_str_eq(text, "---- insn 0 pc=0x0\n"
                           " fcvt_f32_s64 rax, t0, eax, $0x1\n"
                           " fcmp_f64 ebx, t0, rax, rbx, sig\n"
                           " goto_ptr\n");
    free(text);
    ir_block_free(b);

    static const char *const names[] = {"eq", "ne",  "lt",  "le",  "gt",
                                        "ge", "ltu", "leu", "gtu", "geu"};
    for (int c = 0; c < IR_NUM_CONDS; c++)
        cr_expect_str_eq(ir_cond_name((IrCond)c), names[c]);
}
