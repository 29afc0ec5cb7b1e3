/*
 * The verifier accepts well-formed blocks and rejects each kind of
 * malformed block with a message naming the op.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "ir/ir.h"
#include "tests/unit/ir_test_util.h"

static IrBlock *new_block(void)
{
    IrBlock *b = ir_block_new(&ir_test_globals);
    ir_insn_start(b, 0x1000, 0, 0);
    return b;
}

/* b must be rejected with a message containing both strings. */
static void expect_invalid(IrBlock *b, const char *where, const char *why)
{
    char msg[300];
    cr_assert_not(ir_verify(b, msg, sizeof(msg)), "accepted, expected \"%s\"", why);
    cr_expect(strstr(msg, where) != NULL, "message \"%s\" lacks \"%s\"", msg, where);
    cr_expect(strstr(msg, why) != NULL, "message \"%s\" lacks \"%s\"", msg, why);
    cr_expect_not(ir_verify(b, NULL, 0), "rejects without a message buffer too");
    ir_block_free(b);
}

static uint64_t helper_two(struct CPUState *cpu, uint64_t a, uint64_t c)
{
    return a + c;
}
static const IrHelper two_helper = {
    "two", (void (*)(void))helper_two, IR_CALL_PURE, IR_I32, 2, {IR_I32, IR_I64}};
static const IrHelper void_helper = {
    "void_fn", (void (*)(void))helper_two, IR_CALL_WRITES_STATE, IR_VOID, 2, {IR_I32, IR_I64}};

static void emit_fp(IrBlock *b, IrOpcode opc, IrType t, const IrVal *args, unsigned nargs,
                    int64_t imm0, int64_t imm1)
{
    ir_emit(b, opc, t, nargs, args, 2, (int64_t[]){imm0, imm1});
}

Test(ir_verify, accepts_a_block_using_every_op_kind)
{
    IrBlock *b = new_block();
    IrVal a = ir_temp(b, IR_I32), q = ir_temp(b, IR_I64), p = ir_temp(b, IR_PTR);
    IrVal exc = ir_temp(b, IR_I32), rm = ir_i32(b, IR_ROUND_NEAREST_EVEN);
    uint32_t back = ir_label_new(b), fwd = ir_label_new(b), after = ir_label_new(b);
    static const IrType types[] = {IR_I32, IR_I64};
    ir_mov(b, IR_I32, a, EAX);
    ir_mov(b, IR_I64, q, RAX);
    for (int k = 0; k < 2; k++) {
        IrType t = types[k];
        IrVal d = t == IR_I32 ? a : q, g = t == IR_I32 ? EAX : RAX;
        for (int opc = IR_mov; opc <= IR_ext32u; opc++) {
            if (opc == IR_bswap64 && t == IR_I32) continue;
            if (ir_op_defs[opc].nin == 1)
                ir_op1(b, (IrOpcode)opc, t, d, g);
            else
                ir_op2(b, (IrOpcode)opc, t, d, g, ir_const(b, t, 3));
        }
        ir_extract(b, IR_extract, t, d, d, 0, t == IR_I32 ? 32 : 64);
        ir_extract(b, IR_sextract, t, d, d, 3, 5);
        ir_deposit(b, t, d, d, g, 8, 8);
        ir_setcond(b, t, IR_GEU, d, d, g);
        ir_movcond(b, t, IR_LE, d, d, g, d, g);
        ir_add_carry(b, t, d, g, d, g, ir_const(b, t, 1));
        ir_sub_borrow(b, t, d, g, d, g, d);
        ir_ld(b, t, d, a, IR_MO_16 | IR_MO_SIGN | IR_MO_BE, 3);
        ir_st(b, t, d, q, (t == IR_I32 ? IR_MO_32 : IR_MO_64) | IR_MO_ALIGN, 0);
    }
    ir_op1(b, IR_trunc, IR_I32, a, q);
    ir_op1(b, IR_zext, IR_I64, q, a);
    ir_op1(b, IR_sext, IR_I64, q, a);
    ir_ptr_add(b, p, IR_ENV, ir_i64(b, 0x100));
    ir_ld_env(b, IR_I64, q, p, -8, IR_MO_32 | IR_MO_SIGN);
    ir_st_env(b, IR_I32, a, IR_ENV, 0x40, IR_MO_8);
    emit_fp(b, IR_fadd, IR_I64, (IrVal[]){q, exc, q, RAX, rm}, 5, IR_FMT_F64, 0);
    emit_fp(b, IR_fma, IR_I32, (IrVal[]){a, exc, a, a, EAX, rm}, 6, IR_FMT_F32, 0);
    emit_fp(b, IR_fsqrt, IR_I32, (IrVal[]){a, exc, a, rm}, 4, IR_FMT_F32, 0);
    emit_fp(b, IR_fcmp, IR_I32, (IrVal[]){a, exc, q, q}, 4, IR_FMT_F64, 1);
    emit_fp(b, IR_fcvt, IR_I32, (IrVal[]){a, exc, q, rm}, 4, IR_FMT_F64, IR_FMT_S32);
    emit_fp(b, IR_f80_add, IR_VOID, (IrVal[]){exc, p, p, p, rm}, 5, 0, 0);
    emit_fp(b, IR_f80_sqrt, IR_VOID, (IrVal[]){exc, p, p, rm}, 4, 0, 0);
    emit_fp(b, IR_f80_cmp, IR_I32, (IrVal[]){a, exc, p, p}, 4, 1, 0);
    emit_fp(b, IR_f80_from, IR_VOID, (IrVal[]){exc, p, q, rm}, 4, IR_FMT_U64, 0);
    emit_fp(b, IR_f80_to, IR_I32, (IrVal[]){a, exc, p, rm}, 4, IR_FMT_F32, 0);
    ir_call(b, &two_helper, a, (IrVal[]){a, q});
    ir_call(b, &two_helper, IR_NONE, (IrVal[]){EAX, RAX}); /* result dropped */
    ir_call(b, &void_helper, IR_NONE, (IrVal[]){a, ir_i64(b, 1)});
    ir_insn_start(b, 0x1004, 1, 2);
    ir_brcond(b, IR_I32, IR_NE, a, EAX, back);
    ir_label(b, back);
    ir_brcond(b, IR_I64, IR_LT, q, RAX, fwd);
    ir_goto_tb(b, 1);
    ir_label(b, fwd);
    ir_br(b, after);
    ir_label(b, after);
    ir_goto_ptr(b);

    char msg[300] = "untouched";
    cr_assert(ir_verify(b, msg, sizeof(msg)), "%s", msg);
    cr_expect_str_empty(msg);
    cr_expect(ir_verify(b, NULL, 0));
    ir_block_free(b);
}

Test(ir_verify, rejects_wrong_operand_type)
{
    IrBlock *b = new_block();
    ir_op2(b, IR_add, IR_I32, EAX, RAX, ir_i32(b, 1));
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "type");
}

Test(ir_verify, rejects_env_in_integer_op)
{
    IrBlock *b = new_block();
    ir_op2(b, IR_add, IR_I64, RAX, IR_ENV, RAX);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "type");
}

Test(ir_verify, rejects_env_as_output)
{
    IrBlock *b = new_block();
    ir_ptr_add(b, IR_ENV, IR_ENV, ir_i64(b, 8));
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "env as output");
}

Test(ir_verify, rejects_constant_as_output)
{
    IrBlock *b = new_block();
    ir_mov(b, IR_I32, ir_i32(b, 5), EAX);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "constant as output");
}

Test(ir_verify, rejects_bad_integer_op_type)
{
    IrBlock *b = new_block();
    ir_op1(b, IR_bswap64, IR_I32, EAX, EBX);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "bswap64");
}

Test(ir_verify, rejects_width_change_types)
{
    IrBlock *b = new_block();
    ir_op1(b, IR_trunc, IR_I32, EAX, EBX);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "arg 1: type");
}

Test(ir_verify, rejects_unknown_values)
{
    IrBlock *b = new_block();
    ir_mov(b, IR_I32, EAX, ir_global(9));
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "no global 9");
}

Test(ir_verify, rejects_use_before_def)
{
    IrBlock *b = new_block();
    IrVal t = ir_temp(b, IR_I32);
    ir_op2(b, IR_add, IR_I32, EAX, t, ir_i32(b, 1));
    ir_mov(b, IR_I32, t, EBX);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "t0 read before written");
}

Test(ir_verify, rejects_temp_read_by_its_own_first_write)
{
    IrBlock *b = new_block();
    IrVal t = ir_temp(b, IR_I32);
    ir_op2(b, IR_add, IR_I32, t, t, ir_i32(b, 1));
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "read before written");
}

Test(ir_verify, rejects_undefined_label)
{
    IrBlock *b = new_block();
    uint32_t l = ir_label_new(b);
    ir_brcond(b, IR_I32, IR_EQ, EAX, EBX, l);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "undefined label L0");
}

Test(ir_verify, rejects_label_never_allocated)
{
    IrBlock *b = new_block();
    ir_br(b, 3);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "no label 3");
}

Test(ir_verify, rejects_duplicate_label)
{
    IrBlock *b = new_block();
    uint32_t l = ir_label_new(b);
    ir_label(b, l);
    ir_mov(b, IR_I32, EAX, EBX);
    ir_label(b, l);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 3: ", "defined twice");
}

Test(ir_verify, rejects_missing_exit)
{
    IrBlock *b = new_block();
    ir_mov(b, IR_I32, EAX, EBX);
    expect_invalid(b, "op 1: ", "does not end with an exit");
}

Test(ir_verify, rejects_empty_block)
{
    expect_invalid(ir_block_new(&ir_test_globals), "op 0: ", "does not end with an exit");
}

Test(ir_verify, rejects_op_after_exit)
{
    IrBlock *b = new_block();
    ir_exit_tb(b, IR_EXIT_NORMAL);
    ir_mov(b, IR_I32, EAX, EBX);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 2: ", "unreachable");
}

Test(ir_verify, rejects_bad_extract_range)
{
    IrBlock *b = new_block();
    ir_extract(b, IR_extract, IR_I32, EAX, EBX, 30, 4);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "bad bit field");
}

Test(ir_verify, rejects_empty_deposit)
{
    IrBlock *b = new_block();
    ir_deposit(b, IR_I64, RAX, RAX, RBX, 4, 0);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "bad bit field");
}

Test(ir_verify, rejects_bad_condition)
{
    IrBlock *b = new_block();
    ir_setcond(b, IR_I32, IR_NUM_CONDS, EAX, EAX, EBX);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "bad condition");
}

Test(ir_verify, rejects_memop_wider_than_op)
{
    IrBlock *b = new_block();
    ir_ld(b, IR_I32, EAX, RAX, IR_MO_64, 0);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "memop wider");
}

Test(ir_verify, rejects_guest_memop_bits_on_env_access)
{
    IrBlock *b = new_block();
    ir_ld_env(b, IR_I32, EAX, IR_ENV, 0x10, IR_MO_32 | IR_MO_BE);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "bad memop");
}

Test(ir_verify, rejects_negative_env_offset)
{
    IrBlock *b = new_block();
    ir_st_env(b, IR_I32, EAX, IR_ENV, -4, IR_MO_32);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "offset");
}

Test(ir_verify, rejects_bad_mmu_idx)
{
    IrBlock *b = new_block();
    ir_st(b, IR_I32, EAX, EBX, IR_MO_32, 8);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "mmu_idx");
}

Test(ir_verify, rejects_call_arg_count)
{
    IrBlock *b = new_block();
    int64_t h = (int64_t)(intptr_t)&two_helper;
    ir_emit(b, IR_call, IR_I32, 1, (IrVal[]){EAX}, 1, &h);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "helper takes 2");
}

Test(ir_verify, rejects_call_result_of_void_helper)
{
    IrBlock *b = new_block();
    int64_t h = (int64_t)(intptr_t)&void_helper;
    ir_emit(b, IR_call, IR_VOID, 3, (IrVal[]){EAX, EAX, RAX}, 1, &h);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "helper takes 2");
}

Test(ir_verify, rejects_call_arg_type)
{
    IrBlock *b = new_block();
    ir_call(b, &two_helper, EAX, (IrVal[]){EAX, EBX});
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "arg 2: type");
}

Test(ir_verify, rejects_wrong_arg_count)
{
    IrBlock *b = new_block();
    ir_emit(b, IR_add, IR_I32, 2, (IrVal[]){EAX, EBX}, 0, NULL);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "add takes 3");
}

Test(ir_verify, rejects_fp_format_and_width)
{
    IrBlock *b = new_block();
    IrVal exc = ir_temp(b, IR_I32);
    emit_fp(b, IR_fadd, IR_I64, (IrVal[]){RAX, exc, RAX, RBX, EAX}, 5, IR_FMT_S32, 0);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "bad float format");

    b = new_block();
    exc = ir_temp(b, IR_I32);
    emit_fp(b, IR_fmul, IR_I64, (IrVal[]){RAX, exc, RAX, EBX, EAX}, 5, IR_FMT_F64, 0);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "arg 3: type");
}

Test(ir_verify, rejects_bad_exit_immediates)
{
    IrBlock *b = new_block();
    ir_goto_tb(b, 2);
    expect_invalid(b, "op 1: ", "slot");
}

Test(ir_verify, rejects_wrong_insn_numbering)
{
    IrBlock *b = new_block();
    ir_mov(b, IR_I32, EAX, EBX);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    b->ops[1].insn = 1;
    expect_invalid(b, "op 1: ", "insn 1, expected 0");
}

Test(ir_verify, rejects_too_many_instructions)
{
    IrBlock *b = new_block();
    for (int i = 1; i <= IR_MAX_INSNS; i++)
        ir_insn_start(b, 0x1000 + 4 * i, 0, 0);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 512: ", "more than 512 instructions");
}

Test(ir_verify, message_prints_the_op)
{
    IrBlock *b = new_block();
    IrVal t = ir_temp(b, IR_I32);
    ir_op2(b, IR_xor, IR_I32, EAX, t, EBX);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 1: ", "xor_i32 eax, t0, ebx");
}

Test(ir_verify, rejects_a_backward_branch)
{
    IrBlock *b = new_block();
    uint32_t top = ir_label_new(b);
    ir_label(b, top);
    ir_op2(b, IR_sub, IR_I32, EAX, EAX, ir_i32(b, 1));
    ir_brcond(b, IR_I32, IR_NE, EAX, ir_i32(b, 0), top);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    expect_invalid(b, "op 3: ", "backward branch");
}
