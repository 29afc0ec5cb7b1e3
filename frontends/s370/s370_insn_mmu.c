/*
 * Storage-management instructions (PoO-370 §10 "Control Instructions",
 * PoO-390 §10): the storage keys (SSK, ISK, RRB and the 4 KiB-block
 * ESA/390 forms SSKE, ISKE, RRBE), address translation (LRA, TPROT) and
 * the translation-lookaside buffer (PTLB, IPTE).  Storage-key and table
 * operands are real addresses: prefixing applies, DAT and keys do not.
 * Whatever changes what a TLB entry was filled from flushes the TLB.
 */
#include "core/log.h"
#include "frontends/s370/s370_dat.h"
#include "frontends/s370/s370_internal.h"
#include "softmmu/tlb.h"

#define MMU_FLAGS (IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE)

/* The absolute address of the block at real address real, or the
 * addressing exception. */
static uint64_t s370_block_abs(S370CPU *cpu, uint64_t real)
{
    uint64_t abs = s370_real_to_abs(cpu, real);
    if (!s370_abs_valid(cpu, abs, 1)) s370_program_exception(cpu, S370_PGM_ADDRESSING);
    return abs;
}

/* S/370 SSK, ISK: bits 8-20 of R2 name a 2 KiB block; bits 28-31 must
 * be zero. */
static uint64_t s370_key_operand_370(S370CPU *cpu, uint64_t fields)
{
    uint32_t r2 = s370_gr32(cpu, S370_FIELD_R2(fields));
    if (r2 & 0xf) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    return s370_block_abs(cpu, r2 & 0x00fff800u);
}

/* ESA/390 SSKE, ISKE, RRBE: R2 is a real address of a 4 KiB block in the
 * current addressing mode. */
static uint64_t s370_key_operand_390(S370CPU *cpu, uint64_t fields)
{
    uint32_t r2 = s370_gr32(cpu, S370_FIELD_R2(fields));
    return s370_block_abs(cpu, r2 & s370_amask(cpu) & ~0xfffu);
}

/* The condition code of RRB and RRBE: the reference and change bits as
 * they were. */
static unsigned s370_rc_cc(uint8_t key)
{
    return (key & STORAGE_KEY_REF ? 2u : 0u) | (key & STORAGE_KEY_CHANGE ? 1u : 0u);
}

/* SSK: bits 24-30 of R1 become the key. */
static uint64_t s370_helper_ssk_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    uint64_t abs = s370_key_operand_370(cpu, f);
    s370_key_set(cpu, abs, false, (uint8_t)s370_gr32(cpu, S370_FIELD_R1(f)));
    tlb_flush(c);
    return 0;
}
static S370_HELPER(s370_helper_ssk, s370_helper_ssk_fn, MMU_FLAGS);

/* ISK: the key into bits 24-30 of R1 (EC mode), or only its access and
 * fetch-protection bits into 24-28 (BC mode); bits 0-23 are kept. */
static uint64_t s370_helper_isk_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f);
    uint8_t key = s370_key_get(cpu, s370_key_operand_370(cpu, f), false);
    if (!cpu->psw.ec) key &= STORAGE_KEY_ACC | STORAGE_KEY_FETCH;
    s370_set_gr32(cpu, r1, (s370_gr32(cpu, r1) & 0xffffff00u) | key);
    return 0;
}
static S370_HELPER(s370_helper_isk, s370_helper_isk_fn, MMU_FLAGS);

/* RRB: reset the reference bit of the 2 KiB block at the second-operand
 * real address (bits 8-20). */
static uint64_t s370_helper_rrb_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    uint8_t old = s370_key_reset_reference(cpu, s370_block_abs(cpu, a2 & 0x00fff800u), false);
    /* TLB entries of the block would skip setting the bit again. */
    if (old & STORAGE_KEY_REF) tlb_flush(c);
    return s370_rc_cc(old);
}
static S370_HELPER(s370_helper_rrb, s370_helper_rrb_fn, MMU_FLAGS);

static uint64_t s370_helper_sske_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    uint64_t abs = s370_key_operand_390(cpu, f);
    s370_key_set(cpu, abs, true, (uint8_t)s370_gr32(cpu, S370_FIELD_R1(f)));
    tlb_flush(c);
    return 0;
}
static S370_HELPER(s370_helper_sske, s370_helper_sske_fn, MMU_FLAGS);

static uint64_t s370_helper_iske_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    unsigned r1 = S370_FIELD_R1(f);
    uint8_t key = s370_key_get(cpu, s370_key_operand_390(cpu, f), true);
    s370_set_gr32(cpu, r1, (s370_gr32(cpu, r1) & 0xffffff00u) | key);
    return 0;
}
static S370_HELPER(s370_helper_iske, s370_helper_iske_fn, MMU_FLAGS);

static uint64_t s370_helper_rrbe_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    uint8_t old = s370_key_reset_reference(cpu, s370_key_operand_390(cpu, f), true);
    if (old & STORAGE_KEY_REF) tlb_flush(c);
    return s370_rc_cc(old);
}
static S370_HELPER(s370_helper_rrbe, s370_helper_rrbe_fn, MMU_FLAGS);

/* Only the primary space is translated (s370_mmu.c); LRA and TPROT in
 * another address-space-control mode are not implemented yet. */
static void s370_require_primary_space(S370CPU *cpu, const char *insn)
{
    if (cpu->arch != S370_ARCH_390 || cpu->psw.asc == 0) return;
    LOG_MASK(LOG_UNIMP, "s370: %s in address-space-control mode %u is not implemented\n", insn,
             cpu->psw.asc);
    s370_program_exception(cpu, S370_PGM_TRANSLATION_SPEC);
}

/* LRA: translate the second-operand address whether DAT is on or not,
 * without the TLB.  CC 0: R1 = real address; 1/2: R1 = address of the
 * invalid segment/page-table entry; 3: length violation, R1 = address of
 * the entry beyond the table (PoO-370 §10 "Load Real Address"). */
static uint64_t s370_helper_lra_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1;
    S370CPU *cpu = s370_cpu(c);
    S370DatWalk w;
    s370_require_primary_space(cpu, "LRA");
    S370DatStatus st = s370_dat_walk(cpu, (uint32_t)a2, log_enabled(LOG_MMU), &w);
    if (st == S370_DAT_EXCEPTION) s370_program_exception(cpu, w.code);
    s370_set_gr32(cpu, S370_FIELD_R1(f), (uint32_t)(st == S370_DAT_OK ? w.real : w.entry));
    return (uint64_t)st;
}
static S370_HELPER(s370_helper_lra, s370_helper_lra_fn, MMU_FLAGS);

/* TPROT: may the first-operand location be fetched and stored with the
 * access key in bits 24-27 of the second-operand address?  CC 0 both,
 * 1 fetch only, 2 neither, 3 translation not available (PoO-370 §10
 * "Test Protection").  Changes no key bit. */
static uint64_t s370_helper_tprot_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f;
    S370CPU *cpu = s370_cpu(c);
    const uint32_t va = (uint32_t)a1;
    const uint8_t akey = (uint8_t)(a2 >> 4) & 15;
    const bool dat = s370_psw_dat(cpu);
    S370DatWalk w = {0};
    uint64_t real = va;
    if (dat) {
        s370_require_primary_space(cpu, "TPROT");
        S370DatStatus st = s370_dat_walk(cpu, va, log_enabled(LOG_MMU), &w);
        if (st == S370_DAT_EXCEPTION) s370_program_exception(cpu, w.code);
        if (st != S370_DAT_OK) return 3;
        real = w.real;
    }
    uint64_t abs = s370_block_abs(cpu, real);
    uint8_t *kp = s370_key_byte(cpu, abs);
    uint8_t skey = kp ? *kp : 0;
    if (s370_store_permitted(cpu, va, skey, akey, dat, &w)) return 0;
    return s370_fetch_permitted(cpu, va, skey, akey, dat && w.private_space) ? 1 : 2;
}
static S370_HELPER(s370_helper_tprot, s370_helper_tprot_fn, MMU_FLAGS);

/* PTLB: purge this CPU's translation-lookaside buffer. */
static uint64_t s370_helper_ptlb_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1, (void)a2;
    tlb_flush(c);
    return 0;
}
static S370_HELPER(s370_helper_ptlb, s370_helper_ptlb_fn, IR_CALL_READS_STATE);

/* IPTE: set the invalid bit of the page-table entry that R1 (a page-table
 * origin in segment-table-entry format) and the page index of R2 name,
 * and drop the TLB entries that may have come from it. */
static uint64_t s370_helper_ipte_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    uint32_t r1 = s370_gr32(cpu, S370_FIELD_R1(f)), r2 = s370_gr32(cpu, S370_FIELD_R2(f));
    uint64_t pte_real;
    unsigned size;
    uint32_t invalid;
    if (cpu->arch == S370_ARCH_390) {
        pte_real = (r1 & 0x7fffffc0u) + 4u * ((r2 >> 12) & 0xff);
        size = 4;
        invalid = 0x00000400u;
    } else {
        unsigned page_bits, seg_bits;
        if (!s370_dat_geometry_370(cpu, &page_bits, &seg_bits))
            s370_program_exception(cpu, S370_PGM_TRANSLATION_SPEC);
        uint32_t px = (r2 >> page_bits) & ((1u << (seg_bits - page_bits)) - 1);
        pte_real = (r1 & 0x00fffff8u) + 2u * px;
        size = 2;
        invalid = page_bits == 11 ? 0x0004u : 0x0008u;
    }
    pte_real &= 0x7fffffffu;
    uint64_t abs = s370_real_to_abs(cpu, pte_real);
    if (!s370_abs_valid(cpu, abs, size)) s370_program_exception(cpu, S370_PGM_ADDRESSING);
    uint8_t b[4];
    s370_abs_read(cpu, abs, b, size);
    b[size - 2] |= (uint8_t)(invalid >> 8);
    b[size - 1] |= (uint8_t)invalid;
    s370_abs_write(cpu, abs, b, size);
    LOG_MASK(LOG_MMU, "s370 mmu: IPTE page-table entry at %08llx invalidated\n",
             (unsigned long long)pte_real);
    tlb_flush(c);
    return 0;
}
static S370_HELPER(s370_helper_ipte, s370_helper_ipte_fn, MMU_FLAGS);

#define H(k, n, fmt, archs, fl, helper)                                                            \
    {                                                                                              \
        k, n, S370_FMT_##fmt, archs, S370F_PRIV | (fl), s370_lift_helper, &helper, 0               \
    }
#define CC    S370F_SETS_CC
#define ENDTB S370F_ENDS_TB

/* All privileged.  Those that may take away access to the running code
 * end the block. */
static const S370InsnDef s370_mmu_table[] = {
    H(0x0800, "SSK", RR, S370_IN_370, ENDTB, s370_helper_ssk),
    H(0x0900, "ISK", RR, S370_IN_370, 0, s370_helper_isk),
    H(0xb100, "LRA", RX, S370_IN_ALL, CC, s370_helper_lra),
    H(0xb20d, "PTLB", S, S370_IN_ALL, ENDTB, s370_helper_ptlb),
    H(0xb213, "RRB", S, S370_IN_370, CC, s370_helper_rrb),
    H(0xb221, "IPTE", RRE, S370_IN_ALL, ENDTB, s370_helper_ipte),
    H(0xb229, "ISKE", RRE, S370_IN_390, 0, s370_helper_iske),
    H(0xb22a, "RRBE", RRE, S370_IN_390, CC, s370_helper_rrbe),
    H(0xb22b, "SSKE", RRE, S370_IN_390, ENDTB, s370_helper_sske),
    H(0xe501, "TPROT", SSE, S370_IN_ALL, CC, s370_helper_tprot),
};
S370_GROUP(mmu, s370_mmu_table);
