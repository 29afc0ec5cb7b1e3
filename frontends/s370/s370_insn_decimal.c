/*
 * The decimal instructions (PoO-370 §8, PoO-390 §8) and CVB/CVD (§7):
 * each is a C helper behind s370_lift_helper.  The helpers map every
 * operand for its access (store included) before anything is stored, so
 * an access exception on any operand leaves storage unchanged; then the
 * pure functions of s370_decimal.c compute on the operands where they
 * are, and store the result only after their own checks have passed.
 *
 * A data exception suppresses the instruction here.  The PoO suppresses
 * on an invalid sign and lets the operation be terminated (result
 * unpredictable) otherwise; storing nothing is within both.
 */
#include "frontends/s370/s370_decimal.h"
#include "frontends/s370/s370_internal.h"

static unsigned s370_dec_len1(uint64_t fields)
{
    return S370_FIELD_L1(fields) + 1;
}
static unsigned s370_dec_len2(uint64_t fields)
{
    return S370_FIELD_L2(fields) + 1;
}

/* Decimal overflow completes the instruction: the result and CC 3 stay,
 * and the interruption happens only with the program-mask bit on. */
static unsigned s370_dec_finish(S370CPU *cpu, S370DecStatus st, unsigned cc)
{
    if (st == S370_DEC_OVERFLOW && (cpu->psw.pgm_mask & S370_PGM_MASK_DECIMAL)) {
        cpu->cc = cc;
        s370_program_exception(cpu, S370_PGM_DECIMAL_OVERFLOW);
    }
    return cc;
}

static void s370_dec_raise_status(S370CPU *cpu, S370DecStatus st)
{
    switch (st) {
    case S370_DEC_DATA: s370_data_exception(cpu, S370_DXC_DECIMAL);
    case S370_DEC_DIVIDE: s370_program_exception(cpu, S370_PGM_DECIMAL_DIVIDE);
    case S370_DEC_SPECIFICATION: s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    default: break;
    }
}

/* A decimal operand as the instruction works on it: guest storage
 * itself when the operand is plain RAM within one page, else a copy,
 * fetched and stored back a byte at a time through the operand
 * accessors (page-crossing operands, MMIO, the low-address-protected
 * page). */
typedef struct S370DecOperand {
    S370Operand map;
    uint8_t *bytes;
    uint8_t copy[S370_DEC_MAX_BYTES];
} S370DecOperand;

/* The copy of an operand that cannot be worked on in place. */
static void s370_dec_fetch_copy(S370CPU *cpu, S370DecOperand *o, unsigned len)
{
    for (unsigned i = 0; i < len; i++)
        o->copy[i] = s370_operand_load8(cpu, &o->map, i);
}

/* Map the operand for access, raising its access exception; fetch fills
 * the copy when there is one.  Inlined (GCC would not: the TLB slow
 * paths look big) so that the map stays in registers on the fast path. */
__attribute__((always_inline)) static inline void s370_dec_access(S370CPU *cpu, S370DecOperand *o,
                                                                  uint64_t addr, unsigned len,
                                                                  MMUAccess access, bool fetch)
{
    if (s370_operand_map(cpu, addr, len, access, &o->map) && o->map.split == len) {
        o->bytes = o->map.part[0];
        return;
    }
    o->bytes = o->copy;
    if (fetch) s370_dec_fetch_copy(cpu, o, len);
}

/* After the result went to o->bytes: store the copy, if it was one. */
static void s370_dec_write_back(S370CPU *cpu, const S370DecOperand *o, unsigned len)
{
    if (o->bytes != o->copy) return;
    for (unsigned i = 0; i < len; i++)
        s370_operand_store8(cpu, &o->map, i, o->copy[i]);
}

/* The operands of a two-operand arithmetic instruction: operand 1 is
 * checked for store access first, then operand 2 for fetch (PoO-370 §8:
 * access exceptions before data exceptions), then the overlap rule
 * applies.  A store-accessible operand 1 is fetch-accessible too. */
static inline void s370_dec_access2(S370CPU *cpu, uint64_t fields, uint64_t addr1, uint64_t addr2,
                                    S370DecOperand *op1, S370DecOperand *op2, bool fetch1,
                                    bool store1, bool zap)
{
    unsigned len1 = s370_dec_len1(fields), len2 = s370_dec_len2(fields);
    s370_dec_access(cpu, op1, addr1, len1, store1 ? MMU_WRITE : MMU_READ, fetch1);
    s370_dec_access(cpu, op2, addr2, len2, MMU_READ, true);
    if (!s370_dec_overlap_ok((uint32_t)addr1, len1, (uint32_t)addr2, len2, s370_amask(cpu), zap))
        s370_data_exception(cpu, S370_DXC_DECIMAL);
}

static uint64_t s370_dec_add_sub(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2,
                                 bool subtract)
{
    S370CPU *cpu = s370_cpu(cs);
    S370DecOperand op1, op2;
    unsigned len1 = s370_dec_len1(fields), cc = 0;
    s370_dec_access2(cpu, fields, addr1, addr2, &op1, &op2, true, true, false);
    S370DecStatus st =
        s370_dec_add(op1.bytes, len1, op2.bytes, s370_dec_len2(fields), subtract, &cc);
    s370_dec_raise_status(cpu, st);
    s370_dec_write_back(cpu, &op1, len1);
    return s370_dec_finish(cpu, st, cc);
}

/* FA AP: PoO-370 §8 "Add Decimal". */
static uint64_t s370_helper_ap(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    return s370_dec_add_sub(cs, fields, addr1, addr2, false);
}

/* FB SP: PoO-370 §8 "Subtract Decimal". */
static uint64_t s370_helper_sp(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    return s370_dec_add_sub(cs, fields, addr1, addr2, true);
}

/* F8 ZAP: PoO-370 §8 "Zero and Add"; operand 1 is only stored. */
static uint64_t s370_helper_zap(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    S370CPU *cpu = s370_cpu(cs);
    S370DecOperand op1, op2;
    unsigned len1 = s370_dec_len1(fields), cc = 0;
    s370_dec_access2(cpu, fields, addr1, addr2, &op1, &op2, false, true, true);
    S370DecStatus st = s370_dec_zap(op1.bytes, len1, op2.bytes, s370_dec_len2(fields), &cc);
    s370_dec_raise_status(cpu, st);
    s370_dec_write_back(cpu, &op1, len1);
    return s370_dec_finish(cpu, st, cc);
}

/* F9 CP: PoO-370 §8 "Compare Decimal". */
static uint64_t s370_helper_cp(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    S370CPU *cpu = s370_cpu(cs);
    S370DecOperand op1, op2;
    unsigned cc = 0;
    s370_dec_access2(cpu, fields, addr1, addr2, &op1, &op2, true, false, false);
    S370DecStatus st =
        s370_dec_compare(op1.bytes, s370_dec_len1(fields), op2.bytes, s370_dec_len2(fields), &cc);
    s370_dec_raise_status(cpu, st);
    return cc;
}

/* FC MP and FD DP: the length rule is a specification exception
 * recognized before the operands are accessed. */
static void s370_dec_mul_div(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2,
                             bool divide)
{
    S370CPU *cpu = s370_cpu(cs);
    S370DecOperand op1, op2;
    unsigned len1 = s370_dec_len1(fields), len2 = s370_dec_len2(fields);
    if (!s370_dec_muldiv_lengths_ok(len1, len2))
        s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    s370_dec_access2(cpu, fields, addr1, addr2, &op1, &op2, true, true, false);
    S370DecStatus st = divide ? s370_dec_divide(op1.bytes, len1, op2.bytes, len2)
                              : s370_dec_multiply(op1.bytes, len1, op2.bytes, len2);
    s370_dec_raise_status(cpu, st);
    s370_dec_write_back(cpu, &op1, len1);
}

/* FC MP: PoO-370 §8 "Multiply Decimal". */
static uint64_t s370_helper_mp(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    s370_dec_mul_div(cs, fields, addr1, addr2, false);
    return 0;
}

/* FD DP: PoO-370 §8 "Divide Decimal". */
static uint64_t s370_helper_dp(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    s370_dec_mul_div(cs, fields, addr1, addr2, true);
    return 0;
}

/* F0 SRP: PoO-370 §8 "Shift and Round Decimal"; the shift is bits 26-31
 * of the second-operand address, the rounding digit the I3 field. */
static uint64_t s370_helper_srp(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    S370CPU *cpu = s370_cpu(cs);
    S370DecOperand op1;
    unsigned len1 = s370_dec_len1(fields), cc = 0;
    s370_dec_access(cpu, &op1, addr1, len1, MMU_WRITE, true);
    S370DecStatus st =
        s370_dec_shift_round(op1.bytes, len1, (unsigned)addr2 & 63, S370_FIELD_L2(fields), &cc);
    s370_dec_raise_status(cpu, st);
    s370_dec_write_back(cpu, &op1, len1);
    return s370_dec_finish(cpu, st, cc);
}

typedef void S370DecByteSerial(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2);

/* PACK, UNPK, MVO: overlapping operands are worked on in one image of
 * the storage they span, so the byte-serial order gives the PoO's
 * result ("as if processed right to left, one byte at a time"). */
static void s370_dec_byte_serial(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2,
                                 S370DecByteSerial *fn, bool fetch1)
{
    S370CPU *cpu = s370_cpu(cs);
    uint8_t buf[2 * S370_DEC_MAX_BYTES];
    unsigned len1 = s370_dec_len1(fields), len2 = s370_dec_len2(fields);
    uint8_t *op1 = buf, *op2 = buf + S370_DEC_MAX_BYTES;
    s370_probe(cpu, addr1, len1, MMU_WRITE);
    S370DecWindow w =
        s370_dec_window((uint32_t)addr1, len1, (uint32_t)addr2, len2, s370_amask(cpu));
    if (w.joined) {
        s370_load_bytes(cpu, w.start, buf, w.len);
        op1 = buf + w.off1;
        op2 = buf + w.off2;
    } else {
        if (fetch1) s370_load_bytes(cpu, addr1, op1, len1);
        s370_load_bytes(cpu, addr2, op2, len2);
    }
    fn(op1, len1, op2, len2);
    s370_store_bytes(cpu, addr1, op1, len1);
}

/* F2 PACK: PoO-370 §8 "Pack". */
static uint64_t s370_helper_pack(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    s370_dec_byte_serial(cs, fields, addr1, addr2, s370_dec_pack, false);
    return 0;
}

/* F3 UNPK: PoO-370 §8 "Unpack". */
static uint64_t s370_helper_unpk(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    s370_dec_byte_serial(cs, fields, addr1, addr2, s370_dec_unpack, false);
    return 0;
}

/* F1 MVO: PoO-370 §8 "Move with Offset"; operand 1 is fetched too (its
 * rightmost four bits stay). */
static uint64_t s370_helper_mvo(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    s370_dec_byte_serial(cs, fields, addr1, addr2, s370_dec_move_offset, true);
    return 0;
}

/* 4F CVB: PoO-370 §7 "Convert to Binary"; a result beyond 32 bits loads
 * its rightmost 32 bits and then raises fixed-point divide (in S/370 and
 * ESA/390 alike: the operation is completed, not suppressed). */
static uint64_t s370_helper_cvb(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    S370CPU *cpu = s370_cpu(cs);
    S370DecOperand op;
    uint32_t value = 0;
    s370_dec_access(cpu, &op, addr2, 8, MMU_READ, true);
    S370DecStatus st = s370_dec_to_binary(op.bytes, &value);
    if (st == S370_DEC_DATA) s370_data_exception(cpu, S370_DXC_DECIMAL);
    s370_set_gr32(cpu, S370_FIELD_R1(fields), value);
    if (st == S370_DEC_FIXED_DIVIDE) s370_program_exception(cpu, S370_PGM_FIXED_DIVIDE);
    return 0;
}

/* 4E CVD: PoO-370 §7 "Convert to Decimal". */
static uint64_t s370_helper_cvd(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    S370CPU *cpu = s370_cpu(cs);
    S370DecOperand op;
    s370_dec_access(cpu, &op, addr2, 8, MMU_WRITE, false);
    s370_dec_from_binary((int32_t)s370_gr32(cpu, S370_FIELD_R1(fields)), op.bytes);
    s370_dec_write_back(cpu, &op, 8);
    return 0;
}

/* DE ED and DF EDMK: PoO-370 §8 "Edit", "Edit and Mark".  Source bytes
 * are fetched one at a time as the pattern asks for them, so only the
 * bytes the edit uses are accessed; the result is stored at the end. */
static unsigned s370_dec_edit(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2,
                              bool mark)
{
    S370CPU *cpu = s370_cpu(cs);
    uint8_t pattern[256], result[256], src[256];
    unsigned len = S370_FIELD_L1(fields) + 1, have = 0;
    uint32_t amask = s370_amask(cpu);
    s370_probe(cpu, addr1, len, MMU_WRITE);
    s370_load_bytes(cpu, addr1, pattern, len);
    S370Edit e;
    s370_dec_edit_start(&e, pattern, result, len);
    S370DecStatus st;
    while ((st = s370_dec_edit_run(&e, src, have)) == S370_DEC_NEED_SOURCE) {
        src[have] = s370_load8(cpu, (addr2 + have) & amask);
        have++;
    }
    if (st == S370_DEC_DATA) s370_data_exception(cpu, S370_DXC_DECIMAL);
    s370_store_bytes(cpu, addr1, result, len);
    /* EDMK: the address of the marked byte replaces bits 8-31 of GR1 in
     * 24-bit mode and bits 1-31 in 31-bit mode (PoO-390 §8). */
    if (mark && e.mark >= 0) {
        uint32_t where = ((uint32_t)addr1 + (uint32_t)e.mark) & amask;
        s370_set_gr32(cpu, 1, (s370_gr32(cpu, 1) & ~amask) | where);
    }
    return s370_dec_edit_cc(&e);
}

static uint64_t s370_helper_ed(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    return s370_dec_edit(cs, fields, addr1, addr2, false);
}

static uint64_t s370_helper_edmk(CPUState *cs, uint64_t fields, uint64_t addr1, uint64_t addr2)
{
    return s370_dec_edit(cs, fields, addr1, addr2, true);
}

enum {
    S370_DEC_HELPER_FLAGS = IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE,
};

static S370_HELPER(s370_h_cvd, s370_helper_cvd, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_cvb, s370_helper_cvb, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_ed, s370_helper_ed, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_edmk, s370_helper_edmk, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_srp, s370_helper_srp, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_mvo, s370_helper_mvo, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_pack, s370_helper_pack, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_unpk, s370_helper_unpk, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_zap, s370_helper_zap, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_cp, s370_helper_cp, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_ap, s370_helper_ap, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_sp, s370_helper_sp, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_mp, s370_helper_mp, S370_DEC_HELPER_FLAGS);
static S370_HELPER(s370_h_dp, s370_helper_dp, S370_DEC_HELPER_FLAGS);

#define S370_DEC_INSN(op, name, fmt, flags, helper)                                                \
    {                                                                                              \
        (op) << 8, name, S370_FMT_##fmt, S370_IN_ALL, (flags), s370_lift_helper, &(helper), 0      \
    }

static const S370InsnDef s370_decimal_defs[] = {
    S370_DEC_INSN(0x4e, "CVD", RX, 0, s370_h_cvd),
    S370_DEC_INSN(0x4f, "CVB", RX, 0, s370_h_cvb),
    S370_DEC_INSN(0xde, "ED", SS_L, S370F_SETS_CC, s370_h_ed),
    S370_DEC_INSN(0xdf, "EDMK", SS_L, S370F_SETS_CC, s370_h_edmk),
    S370_DEC_INSN(0xf0, "SRP", SS_LI, S370F_SETS_CC, s370_h_srp),
    S370_DEC_INSN(0xf1, "MVO", SS_LL, 0, s370_h_mvo),
    S370_DEC_INSN(0xf2, "PACK", SS_LL, 0, s370_h_pack),
    S370_DEC_INSN(0xf3, "UNPK", SS_LL, 0, s370_h_unpk),
    S370_DEC_INSN(0xf8, "ZAP", SS_LL, S370F_SETS_CC, s370_h_zap),
    S370_DEC_INSN(0xf9, "CP", SS_LL, S370F_SETS_CC, s370_h_cp),
    S370_DEC_INSN(0xfa, "AP", SS_LL, S370F_SETS_CC, s370_h_ap),
    S370_DEC_INSN(0xfb, "SP", SS_LL, S370F_SETS_CC, s370_h_sp),
    S370_DEC_INSN(0xfc, "MP", SS_LL, 0, s370_h_mp),
    S370_DEC_INSN(0xfd, "DP", SS_LL, 0, s370_h_dp),
};

S370_GROUP(decimal, s370_decimal_defs);
