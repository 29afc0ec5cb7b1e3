/*
 * The IR demo program: one IR routine per routine number.  Each routine is
 * one guest "instruction" (one byte of program ROM) and ends its block.
 * Registers: r0 candidate, r1 limit, r2 string pointer, r3 multiple,
 * r4 number to print, r5 digit pointer, r6 primes found, r7 return pc.
 */
#include <stddef.h>
#include <string.h>

#include "core/log.h"
#include "core/translator.h"
#include "frontends/irdemo/irdemo.h"

enum {
    R_START,
    R_LOOP,
    R_PRIME,
    R_MARK_INIT,
    R_MARK,
    R_NEXT,
    R_DONE,
    R_COUNT,
    R_END,
    R_EXIT,
    R_PUTS,
    R_DEC,
    R_DEC_LOOP,
    R_NUM_ROUTINES
};

/* ROM layout: routine bytes at 0.., data below. */
#define ROM_LIMIT      0x80  /* u32: the sieve bound */
#define ROM_BANNER     0x100 /* NUL-terminated strings */
#define ROM_COUNT_TEXT 0x180
#define ROM_NEWLINE    0x1c0
#define RAM_DIGITS_END 0x100  /* decimal conversion buffer ends here */
#define RAM_SIEVE      0x1000 /* one byte per number: nonzero = composite */

#define UART_THR      0
#define UART_LSR      5
#define UART_LSR_THRE 0x20

static const IrGlobal irdemo_global_list[] = {
    {"pc", IR_I64, offsetof(IrDemoCPU, common.pc)},
#define R(n)                                                                                       \
    {                                                                                              \
        "r" #n, IR_I64, offsetof(IrDemoCPU, r[n])                                                  \
    }
    R(0),
    R(1),
    R(2),
    R(3),
    R(4),
    R(5),
    R(6),
    R(7),
#undef R
};
const IrGlobalTable irdemo_globals = {irdemo_global_list,
                                      sizeof irdemo_global_list / sizeof irdemo_global_list[0]};

#define G_PC   ir_global(0)
#define G_R(n) ir_global(1 + (n))

static IrVal k(IrBlock *b, uint64_t v)
{
    return ir_i64(b, v);
}
static uint64_t rom(uint64_t off)
{
    return IRDEMO_ROM_BASE + off;
}

/* pc <- target; leave through exit slot. */
static void jump(IrBlock *b, unsigned slot, unsigned routine)
{
    ir_mov(b, IR_I64, G_PC, k(b, rom(routine)));
    ir_goto_tb(b, slot);
}

/* r2 <- string, r7 <- return routine, then print it. */
static void call_puts(IrBlock *b, uint64_t string, unsigned ret)
{
    ir_mov(b, IR_I64, G_R(2), k(b, rom(string)));
    ir_mov(b, IR_I64, G_R(7), k(b, rom(ret)));
    jump(b, 0, R_PUTS);
}

static void gen_start(IrBlock *b)
{
    ir_ld(b, IR_I64, G_R(1), k(b, rom(ROM_LIMIT)), IR_MO_32, 0);
    ir_mov(b, IR_I64, G_R(0), k(b, 2));
    ir_mov(b, IR_I64, G_R(6), k(b, 0));
    call_puts(b, ROM_BANNER, R_LOOP);
}

static void gen_loop(IrBlock *b)
{
    uint32_t done = ir_label_new(b), composite = ir_label_new(b);
    IrVal flag = ir_temp(b, IR_I64), addr = ir_temp(b, IR_I64);
    ir_brcond(b, IR_I64, IR_GEU, G_R(0), G_R(1), done);
    ir_op2(b, IR_add, IR_I64, addr, G_R(0), k(b, RAM_SIEVE));
    ir_ld(b, IR_I64, flag, addr, IR_MO_8, 0);
    ir_brcond(b, IR_I64, IR_NE, flag, k(b, 0), composite);
    jump(b, 1, R_PRIME);
    ir_label(b, composite);
    ir_op2(b, IR_add, IR_I64, G_R(0), G_R(0), k(b, 1));
    jump(b, 0, R_LOOP);
    ir_label(b, done);
    /* A third way out: through the jump cache, as an indirect jump would. */
    ir_mov(b, IR_I64, G_PC, k(b, rom(R_DONE)));
    ir_goto_ptr(b);
}

static void gen_prime(IrBlock *b)
{
    ir_op2(b, IR_add, IR_I64, G_R(6), G_R(6), k(b, 1));
    ir_mov(b, IR_I64, G_R(4), G_R(0));
    ir_mov(b, IR_I64, G_R(7), k(b, rom(R_MARK_INIT)));
    jump(b, 0, R_DEC);
}

static void gen_mark_init(IrBlock *b)
{
    ir_op2(b, IR_mul, IR_I64, G_R(3), G_R(0), G_R(0));
    jump(b, 0, R_MARK);
}

static void gen_mark(IrBlock *b)
{
    uint32_t done = ir_label_new(b);
    IrVal addr = ir_temp(b, IR_I64);
    ir_brcond(b, IR_I64, IR_GEU, G_R(3), G_R(1), done);
    ir_op2(b, IR_add, IR_I64, addr, G_R(3), k(b, RAM_SIEVE));
    ir_st(b, IR_I64, k(b, 1), addr, IR_MO_8, 0);
    ir_op2(b, IR_add, IR_I64, G_R(3), G_R(3), G_R(0));
    jump(b, 0, R_MARK);
    ir_label(b, done);
    jump(b, 1, R_NEXT);
}

static void gen_next(IrBlock *b)
{
    ir_op2(b, IR_add, IR_I64, G_R(0), G_R(0), k(b, 1));
    jump(b, 0, R_LOOP);
}

static void gen_done(IrBlock *b)
{
    call_puts(b, ROM_COUNT_TEXT, R_COUNT);
}

static void gen_count(IrBlock *b)
{
    ir_mov(b, IR_I64, G_R(4), G_R(6));
    ir_mov(b, IR_I64, G_R(7), k(b, rom(R_END)));
    jump(b, 0, R_DEC);
}

static void gen_end(IrBlock *b)
{
    call_puts(b, ROM_NEWLINE, R_EXIT);
}

static void gen_exit(IrBlock *b)
{
    ir_mov(b, IR_I64, G_PC, k(b, rom(R_EXIT)));
    ir_exit_tb(b, IR_EXIT_HALT);
}

/* Print the string at r2 one character per block, waiting for the UART's
 * transmitter like a driver would; return through r7. */
static void gen_puts(IrBlock *b)
{
    uint32_t end = ir_label_new(b), busy = ir_label_new(b);
    IrVal c = ir_temp(b, IR_I64), lsr = ir_temp(b, IR_I64);
    ir_ld(b, IR_I64, c, G_R(2), IR_MO_8, 0);
    ir_brcond(b, IR_I64, IR_EQ, c, k(b, 0), end);
    ir_ld(b, IR_I64, lsr, k(b, IRDEMO_UART_BASE + UART_LSR), IR_MO_8, 0);
    ir_op2(b, IR_and, IR_I64, lsr, lsr, k(b, UART_LSR_THRE));
    ir_brcond(b, IR_I64, IR_EQ, lsr, k(b, 0), busy);
    ir_st(b, IR_I64, c, k(b, IRDEMO_UART_BASE + UART_THR), IR_MO_8, 0);
    ir_op2(b, IR_add, IR_I64, G_R(2), G_R(2), k(b, 1));
    ir_label(b, busy);
    jump(b, 0, R_PUTS);
    ir_label(b, end);
    ir_mov(b, IR_I64, G_PC, G_R(7));
    ir_goto_ptr(b);
}

/* Decimal conversion of r4 into RAM, followed by a space. */
static void gen_dec(IrBlock *b)
{
    ir_mov(b, IR_I64, G_R(5), k(b, RAM_DIGITS_END - 1));
    ir_st(b, IR_I64, k(b, 0), k(b, RAM_DIGITS_END), IR_MO_8, 0);
    ir_st(b, IR_I64, k(b, ' '), G_R(5), IR_MO_8, 0);
    jump(b, 0, R_DEC_LOOP);
}

static void gen_dec_loop(IrBlock *b)
{
    uint32_t more = ir_label_new(b);
    IrVal digit = ir_temp(b, IR_I64);
    ir_op2(b, IR_sub, IR_I64, G_R(5), G_R(5), k(b, 1));
    ir_op2(b, IR_rem_u, IR_I64, digit, G_R(4), k(b, 10));
    ir_op2(b, IR_add, IR_I64, digit, digit, k(b, '0'));
    ir_st(b, IR_I64, digit, G_R(5), IR_MO_8, 0);
    ir_op2(b, IR_div_u, IR_I64, G_R(4), G_R(4), k(b, 10));
    ir_brcond(b, IR_I64, IR_NE, G_R(4), k(b, 0), more);
    ir_mov(b, IR_I64, G_R(2), G_R(5));
    jump(b, 1, R_PUTS);
    ir_label(b, more);
    jump(b, 0, R_DEC_LOOP);
}

static void (*const irdemo_routines[R_NUM_ROUTINES])(IrBlock *) = {
    [R_START] = gen_start,         [R_LOOP] = gen_loop,   [R_PRIME] = gen_prime,
    [R_MARK_INIT] = gen_mark_init, [R_MARK] = gen_mark,   [R_NEXT] = gen_next,
    [R_DONE] = gen_done,           [R_COUNT] = gen_count, [R_END] = gen_end,
    [R_EXIT] = gen_exit,           [R_PUTS] = gen_puts,   [R_DEC] = gen_dec,
    [R_DEC_LOOP] = gen_dec_loop,
};

static const char *const irdemo_routine_names[R_NUM_ROUTINES] = {
    "start", "loop", "prime", "mark_init", "mark", "next",     "done",
    "count", "end",  "exit",  "puts",      "dec",  "dec_loop",
};

static uint64_t irdemo_raise_illegal(struct CPUState *cpu)
{
    cpu_raise_exception(cpu, IRDEMO_EXCP_ILLEGAL);
}

static const IrHelper irdemo_helper_illegal = {
    .name = "irdemo_illegal",
    .fn = (void (*)(void))irdemo_raise_illegal,
    .flags = IR_CALL_MAY_RAISE | IR_CALL_NORETURN | IR_CALL_READS_STATE,
    .ret = IR_VOID,
    .nargs = 0,
};

void irdemo_translate(TranslateContext *ctx)
{
    IrBlock *b = ctx->block;
    uint8_t routine = translator_ldub(ctx, ctx->pc);
    ir_insn_start(b, ctx->pc, 0, 0);
    LOG_MASK(LOG_IN_ASM, "IN: 0x%08llx: %02x  %s\n", (unsigned long long)ctx->pc, routine,
             routine < R_NUM_ROUTINES ? irdemo_routine_names[routine] : "(illegal)");
    if (routine < R_NUM_ROUTINES) {
        irdemo_routines[routine](b);
    } else {
        ir_call(b, &irdemo_helper_illegal, IR_NONE, NULL);
        ir_exit_tb(b, IR_EXIT_NORMAL);
    }
    ctx->size = 1;
    ctx->ninsns = 1;
}

uint32_t irdemo_program_image(uint8_t *buf, uint32_t len, uint32_t prime_limit)
{
    if (len < IRDEMO_ROM_SIZE) return 0;
    memset(buf, 0xff, IRDEMO_ROM_SIZE);
    for (unsigned i = 0; i < R_NUM_ROUTINES; i++)
        buf[i] = (uint8_t)i;
    for (int i = 0; i < 4; i++)
        buf[ROM_LIMIT + i] = (uint8_t)(prime_limit >> (8 * i));
    char banner[ROM_COUNT_TEXT - ROM_BANNER];
    snprintf(banner, sizeof banner, "doppel ir-demo: primes below %u:\n", prime_limit);
    memcpy(buf + ROM_BANNER, banner, strlen(banner) + 1);
    static const char count_text[] = "\nprimes found: ";
    memcpy(buf + ROM_COUNT_TEXT, count_text, sizeof count_text);
    buf[ROM_NEWLINE] = '\n';
    buf[ROM_NEWLINE + 1] = 0;
    return IRDEMO_ROM_SIZE;
}
