/*
 * The translation loop and the IR building blocks lifters share: operand
 * addresses, big-endian storage access, condition codes, program
 * interruptions and block exits.
 *
 * A block runs from the start pc to the first branch, PSW-changing
 * instruction, page end or instruction limit.  The pc global is written
 * only at exits (and before helpers, which may read it); a fault inside a
 * block rebuilds pc and the instruction length from insn_start data.
 */
#include <stddef.h>
#include <string.h>

#include "core/log.h"
#include "core/translator.h"
#include "frontends/s370/s370_internal.h"

enum {
    G_CC = 16,
    G_PC = 17,
};

static const IrGlobal s370_global_list[] = {
#define R(n)                                                                                       \
    {                                                                                              \
        "r" #n, IR_I32, offsetof(S370CPU, gr[n])                                                   \
    }
    R(0),
    R(1),
    R(2),
    R(3),
    R(4),
    R(5),
    R(6),
    R(7),
    R(8),
    R(9),
    R(10),
    R(11),
    R(12),
    R(13),
    R(14),
    R(15),
#undef R
    [G_CC] = {"cc", IR_I32, offsetof(S370CPU, cc)},
    [G_PC] = {"pc", IR_I64, offsetof(S370CPU, common.pc)},
};
const IrGlobalTable s370_globals = {s370_global_list,
                                    sizeof s370_global_list / sizeof s370_global_list[0]};

/* ---- helpers called from IR ---- */

static uint64_t s370_helper_program_exception_fn(CPUState *cpu, uint64_t code)
{
    s370_program_exception(s370_cpu(cpu), (uint16_t)code);
}

static const IrHelper s370_helper_program_exception = {
    .name = "s370_program_exception",
    .fn = (void (*)(void))s370_helper_program_exception_fn,
    .flags = IR_CALL_READS_STATE | IR_CALL_MAY_RAISE | IR_CALL_NORETURN,
    .ret = IR_VOID,
    .nargs = 1,
    .args = {IR_I32},
};

/* ---- operand addresses and storage ---- */

IrVal s370_gen_wrap(S370Disas *d, IrVal addr)
{
    IrVal t = ir_temp(d->b, IR_I32);
    ir_op2(d->b, IR_and, IR_I32, t, addr, ir_i32(d->b, d->amask));
    return t;
}

IrVal s370_gen_addr(S370Disas *d, unsigned x, unsigned b, uint32_t disp)
{
    if (!x && !b) return ir_i32(d->b, disp & d->amask);
    IrVal t = ir_temp(d->b, IR_I32);
    IrVal base = x ? d->gr[x] : d->gr[b];
    ir_op2(d->b, IR_add, IR_I32, t, base, ir_i32(d->b, disp));
    if (x && b) ir_op2(d->b, IR_add, IR_I32, t, t, d->gr[b]);
    ir_op2(d->b, IR_and, IR_I32, t, t, ir_i32(d->b, d->amask));
    return t;
}

IrVal s370_gen_load(S370Disas *d, IrType t, IrVal addr, unsigned memop)
{
    IrVal v = ir_temp(d->b, t);
    ir_ld(d->b, t, v, addr, memop | IR_MO_BE, d->mmu_idx);
    return v;
}

void s370_gen_store(S370Disas *d, IrType t, IrVal val, IrVal addr, unsigned memop)
{
    ir_st(d->b, t, val, addr, memop | IR_MO_BE, d->mmu_idx);
}

/* ---- condition codes ---- */

/* cc = (x != y) + (x > y): 0 equal, 1 low, 2 high. */
static void s370_gen_cc_order(S370Disas *d, IrType t, IrVal x, IrVal y, IrCond gt)
{
    IrVal ne = ir_temp(d->b, t), hi = ir_temp(d->b, t);
    ir_setcond(d->b, t, IR_NE, ne, x, y);
    ir_setcond(d->b, t, gt, hi, x, y);
    ir_op2(d->b, IR_add, t, ne, ne, hi);
    if (t == IR_I64)
        ir_op1(d->b, IR_trunc, IR_I32, d->cc, ne);
    else
        ir_mov(d->b, IR_I32, d->cc, ne);
}

void s370_gen_cc_signed(S370Disas *d, IrType t, IrVal result)
{
    s370_gen_cc_order(d, t, result, ir_const(d->b, t, 0), IR_GT);
}

void s370_gen_cc_compare(S370Disas *d, IrType t, IrVal a, IrVal b, bool is_signed)
{
    s370_gen_cc_order(d, t, a, b, is_signed ? IR_GT : IR_GTU);
    if (t == IR_I32) {
        d->cmp_cur.valid = true;
        d->cmp_cur.a = a;
        d->cmp_cur.b = b;
        d->cmp_cur.is_signed = is_signed;
    }
}

void s370_gen_cc_const(S370Disas *d, unsigned cc)
{
    ir_mov(d->b, IR_I32, d->cc, ir_i32(d->b, cc));
}

/* ---- program interruptions ---- */

void s370_gen_program_exception(S370Disas *d, uint16_t code)
{
    IrVal arg = ir_i32(d->b, code);
    ir_call(d->b, &s370_helper_program_exception, IR_NONE, &arg);
    ir_exit_tb(d->b, IR_EXIT_NORMAL);
    d->state = S370_DISAS_EXITED;
}

void s370_gen_program_exception_if(S370Disas *d, IrCond cond, IrVal x, IrVal y, uint16_t code)
{
    uint32_t skip = ir_label_new(d->b);
    IrType t = ir_val_type(d->b, x);
    ir_brcond(d->b, t, (IrCond)(cond ^ 1) /* the inverse */, x, y, skip);
    IrVal arg = ir_i32(d->b, code);
    ir_call(d->b, &s370_helper_program_exception, IR_NONE, &arg);
    ir_label(d->b, skip);
}

/* ---- exits ---- */

void s370_gen_goto(S370Disas *d, uint64_t dest)
{
    ir_mov(d->b, IR_I64, d->pc_global, ir_i64(d->b, dest));
    if (d->goto_tb_used < 2)
        ir_goto_tb(d->b, d->goto_tb_used++);
    else
        ir_exit_tb(d->b, IR_EXIT_NORMAL);
}

void s370_gen_goto_dynamic(S370Disas *d, IrVal dest)
{
    ir_op1(d->b, IR_zext, IR_I64, d->pc_global, dest);
    ir_goto_ptr(d->b);
}

/* The IR condition on the compared operands that a BC mask after a
 * compare tests, or IR_NUM_CONDS when the mask needs the CC itself. */
static IrCond s370_mask_compare_cond(unsigned mask, bool is_signed)
{
    switch (mask & 14) { /* CC 3 cannot follow a compare */
    case 8: return IR_EQ;
    case 6: return IR_NE;
    case 4: return is_signed ? IR_LT : IR_LTU;
    case 2: return is_signed ? IR_GT : IR_GTU;
    case 12: return is_signed ? IR_LE : IR_LEU;
    case 10: return is_signed ? IR_GE : IR_GEU;
    default: return IR_NUM_CONDS;
    }
}

/* Branch to taken when mask selects the CC (PoO-370 §7 "Branch on
 * Condition": mask bit 8 >> cc). */
static void s370_gen_brcond_mask(S370Disas *d, unsigned mask, uint32_t taken)
{
    IrBlock *b = d->b;
    if (d->cmp_prev.valid) {
        IrCond c = s370_mask_compare_cond(mask, d->cmp_prev.is_signed);
        if (c != IR_NUM_CONDS) {
            ir_brcond(b, IR_I32, c, d->cmp_prev.a, d->cmp_prev.b, taken);
            return;
        }
    }
    /* Masks that select one CC, all but one, or CC < 2 / CC >= 2. */
    IrCond c = IR_NUM_CONDS;
    uint32_t v = 0;
    switch (mask) {
    case 8: c = IR_EQ, v = 0; break;
    case 4: c = IR_EQ, v = 1; break;
    case 2: c = IR_EQ, v = 2; break;
    case 1: c = IR_EQ, v = 3; break;
    case 7: c = IR_NE, v = 0; break;
    case 11: c = IR_NE, v = 1; break;
    case 13: c = IR_NE, v = 2; break;
    case 14: c = IR_NE, v = 3; break;
    case 12: c = IR_LTU, v = 2; break;
    case 3: c = IR_GEU, v = 2; break;
    default: break;
    }
    if (c != IR_NUM_CONDS) {
        ir_brcond(b, IR_I32, c, d->cc, ir_i32(b, v), taken);
        return;
    }
    /* General: (mask >> (3 - cc)) & 1. */
    IrVal sh = ir_temp(b, IR_I32), bit = ir_temp(b, IR_I32);
    ir_op2(b, IR_sub, IR_I32, sh, ir_i32(b, 3), d->cc);
    ir_op2(b, IR_shr, IR_I32, bit, ir_i32(b, mask), sh);
    ir_op2(b, IR_and, IR_I32, bit, bit, ir_i32(b, 1));
    ir_brcond(b, IR_I32, IR_NE, bit, ir_i32(b, 0), taken);
}

void s370_gen_branch_mask(S370Disas *d, unsigned mask, IrVal dest, bool dest_is_const,
                          uint64_t dest_const)
{
    mask &= 15;
    if (mask == 0) return; /* no branch: the block goes on */
    if (mask != 15) {
        uint32_t taken = ir_label_new(d->b);
        s370_gen_brcond_mask(d, mask, taken);
        s370_gen_goto(d, d->next_pc);
        ir_label(d->b, taken);
    }
    if (dest_is_const)
        s370_gen_goto(d, dest_const);
    else
        s370_gen_goto_dynamic(d, dest);
    d->state = S370_DISAS_EXITED;
}

/* ---- the generic helper lifter ---- */

uint64_t s370_fields(const S370Insn *in)
{
    unsigned r2 = in->r2 ? in->r2 : in->x2;
    return (uint64_t)(in->r1 & 15) | (uint64_t)(r2 & 15) << 4 | (uint64_t)(in->r3 & 15) << 8 |
           (uint64_t)in->l1 << 16 | (uint64_t)in->l2 << 24 | (uint64_t)(uint32_t)in->imm << 32;
}

void s370_lift_helper(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    IrBlock *b = d->b;
    IrVal addr1 = ir_i32(b, 0), addr2 = ir_i32(b, 0);
    switch ((S370Format)def->format) {
    case S370_FMT_RX:
    case S370_FMT_RXE:
    case S370_FMT_RXF: addr2 = s370_gen_addr(d, in->x2, in->b2, in->d2); break;
    case S370_FMT_RS:
    case S370_FMT_S: addr2 = s370_gen_addr(d, 0, in->b2, in->d2); break;
    case S370_FMT_SI: addr1 = s370_gen_addr(d, 0, in->b1, in->d1); break;
    case S370_FMT_SS_L:
    case S370_FMT_SS_LL:
    case S370_FMT_SS_LI:
    case S370_FMT_SS_RR:
    case S370_FMT_SSE:
        addr1 = s370_gen_addr(d, 0, in->b1, in->d1);
        addr2 = s370_gen_addr(d, 0, in->b2, in->d2);
        break;
    default: break;
    }
    s370_gen_helper_call(d, in, def, addr1, addr2);
}

void s370_gen_helper_call(S370Disas *d, const S370Insn *in, const S370InsnDef *def, IrVal addr1,
                          IrVal addr2)
{
    IrBlock *b = d->b;
    /* Helpers may read the PSW: the pc global holds this instruction. */
    ir_mov(b, IR_I64, d->pc_global, ir_i64(b, d->pc));
    IrVal args[3] = {ir_i64(b, s370_fields(in)), ir_temp(b, IR_I64), ir_temp(b, IR_I64)};
    ir_op1(b, IR_zext, IR_I64, args[1], addr1);
    ir_op1(b, IR_zext, IR_I64, args[2], addr2);
    if (def->flags & S370F_SETS_CC) {
        IrVal ret = ir_temp(b, IR_I64);
        ir_call(b, def->helper, ret, args);
        ir_op1(b, IR_trunc, IR_I32, d->cc, ret);
    } else {
        ir_call(b, def->helper,
                def->helper->ret == IR_VOID ? IR_NONE : ir_temp(b, def->helper->ret), args);
    }
    if (def->flags & S370F_SETS_PC) {
        ir_exit_tb(b, IR_EXIT_REQUEST);
        d->state = S370_DISAS_EXITED;
    } else if (def->flags & S370F_ENDS_TB) {
        d->state = S370_DISAS_STOP;
    }
}

void s370_lift_unimplemented(S370Disas *d, const S370Insn *in, const S370InsnDef *def)
{
    LOG_MASK(LOG_UNIMP, "s370: %s (%04x) at 0x%llx is not implemented\n", def->name, in->key,
             (unsigned long long)d->pc);
    s370_gen_program_exception(d, S370_PGM_OPERATION);
}

/* ---- the loop ---- */

static void s370_log_insn(const S370Disas *d, const uint8_t *bytes, unsigned len)
{
    char text[96];
    s370_disas_one(bytes, d->pc, text, sizeof text);
    char hex[16] = "";
    for (unsigned i = 0; i < len; i++)
        snprintf(hex + 2 * i, sizeof hex - 2 * i, "%02x", bytes[i]);
    log_printf("0x%08llx:  %-12s  %s\n", (unsigned long long)d->pc, hex, text);
}

/* Fetch one instruction at d->pc; false (block ends before it) when it
 * lies on a page this block may not touch. */
static bool s370_fetch_insn(S370Disas *d, uint8_t bytes[6], unsigned *len)
{
    TranslateContext *ctx = d->ctx;
    if (d->flags & S370_TBF_EX) {
        memcpy(bytes, d->cpu->ex_insn, 6);
        *len = s370_insn_length(bytes[0]);
        return true;
    }
    if (ctx->ninsns && !translator_can_fetch(ctx, d->pc, 2)) return false;
    translator_fetch(ctx, d->pc, bytes, 2);
    *len = s370_insn_length(bytes[0]);
    if (*len > 2) {
        uint64_t rest = (d->pc + 2) & d->amask;
        if (ctx->ninsns && !translator_can_fetch(ctx, rest, *len - 2)) return false;
        translator_fetch(ctx, rest, bytes + 2, *len - 2);
    }
    return true;
}

void s370_translate(TranslateContext *ctx)
{
    S370CPU *cpu = s370_cpu(ctx->cpu);
    S370Disas d = {
        .ctx = ctx,
        .b = ctx->block,
        .cpu = cpu,
        .pc = ctx->pc,
        .insn_addr = ctx->pc,
        .flags = ctx->flags,
        .arch = (S370ArchMode)((ctx->flags >> S370_TBF_ARCH_SHIFT) & 3),
        .amask = (ctx->flags & S370_TBF_AMODE31) ? 0x7fffffffu : 0x00ffffffu,
        .mmu_idx = (ctx->flags & S370_TBF_DAT) ? S370_MMU_PRIMARY : S370_MMU_REAL,
        .state = S370_DISAS_NEXT,
        .cc = ir_global(G_CC),
        .pc_global = ir_global(G_PC),
    };
    for (unsigned i = 0; i < 16; i++)
        d.gr[i] = ir_global(i);
    bool ex = (d.flags & S370_TBF_EX) != 0;
    bool log_in = log_enabled(LOG_IN_ASM);
    if (ex) ir_st_env(d.b, IR_I32, ir_i32(d.b, 0), IR_ENV, offsetof(S370CPU, ex_pending), IR_MO_8);
    if (log_in) log_printf("IN: %s\n", ex ? "(target of EXECUTE)" : "");

    for (;;) {
        uint8_t bytes[6] = {0};
        unsigned len;
        if (d.pc & 1) {
            /* PoO-390 §5 "Instruction Fetching": an odd instruction
             * address is a specification exception, ILC 0. */
            ir_insn_start(d.b, d.pc, 0, 0);
            ctx->ninsns++;
            s370_gen_program_exception(&d, S370_PGM_SPECIFICATION);
            break;
        }
        if (!s370_fetch_insn(&d, bytes, &len)) break;
        d.next_pc = ex ? (cpu->ex_addr + 4) & d.amask : (d.pc + len) & d.amask;
        d.insn_addr = ex ? cpu->ex_target_addr : d.pc;
        /* An EXECUTE target reports the EXECUTE's own address and length. */
        ir_insn_start(d.b, ex ? cpu->ex_addr : d.pc, ex ? 4 : len, 0);
        ctx->ninsns++;
        ctx->size += len;
        if (log_in) s370_log_insn(&d, bytes, len);
        d.cmp_prev = d.cmp_cur;
        d.cmp_cur.valid = false;

        S370Insn in = {.key = s370_opcode_key(bytes), .len = (uint8_t)len};
        const S370InsnDef *def = s370_lookup(in.key, d.arch);
        if (!def) {
            LOG_MASK(LOG_UNIMP, "s370: operation exception: opcode %04x at 0x%llx\n", in.key,
                     (unsigned long long)d.pc);
            s370_gen_program_exception(&d, S370_PGM_OPERATION);
            break;
        }
        if ((def->flags & S370F_PRIV) && (d.flags & S370_TBF_PROBLEM)) {
            s370_gen_program_exception(&d, S370_PGM_PRIVILEGED);
            break;
        }
        if (ex && (def->flags & S370F_NO_EX)) {
            s370_gen_program_exception(&d, S370_PGM_EXECUTE);
            break;
        }
        s370_decode_fields(&in, bytes, (S370Format)def->format);
        def->lift(&d, &in, def);
        if (d.state != S370_DISAS_NEXT || ex) break;
        if (ctx->ninsns >= ctx->max_insns || ctx->ninsns >= IR_MAX_INSNS - 1) break;
        if (d.b->ntemps > IR_MAX_TEMPS - 128) break;
        d.pc = d.next_pc;
        if (translator_is_new_page(ctx, d.pc)) break;
    }
    switch (d.state) {
    case S370_DISAS_NEXT:
        if (ex) {
            /* After the target, the EXECUTE is complete: leave the EX block. */
            ir_mov(d.b, IR_I64, d.pc_global, ir_i64(d.b, d.next_pc));
            ir_exit_tb(d.b, IR_EXIT_REQUEST);
        } else {
            s370_gen_goto(&d, ctx->ninsns ? d.next_pc : d.pc);
        }
        break;
    case S370_DISAS_STOP:
        ir_mov(d.b, IR_I64, d.pc_global, ir_i64(d.b, d.next_pc));
        ir_exit_tb(d.b, IR_EXIT_REQUEST);
        break;
    case S370_DISAS_EXITED: break;
    }
}
