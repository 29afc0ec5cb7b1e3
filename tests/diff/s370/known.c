/*
 * Known Hercules 3.13 deviations from the S/370 Principles of Operation
 * (GA22-7000), each documented in KNOWN.md.  A rule skips a differing
 * sequence only when the deviation accounts for every differing byte.
 */
#include "known.h"

#include <stddef.h>
#include <string.h>

#include "layout.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

unsigned diff_pgm_code(const DiffSeq *s, const uint8_t *rec)
{
    const uint8_t *p = s->bc ? rec + REC_PSW + 2 : rec + REC_PIC + 2;
    return (unsigned)p[0] << 8 | p[1];
}

unsigned diff_pgm_ilc(const DiffSeq *s, const uint8_t *rec)
{
    return s->bc ? rec[REC_PSW + 4] >> 6 : rec[REC_PIC + 1] >> 1 & 3;
}

unsigned diff_psw_cc(const DiffSeq *s, const uint8_t *psw)
{
    return s->bc ? psw[4] >> 4 & 3 : psw[2] >> 4 & 3;
}

uint32_t diff_psw_address(const uint8_t *psw)
{
    return be32(psw + 4) & 0xffffff;
}

const DiffIns *diff_faulting_insn(const DiffSeq *s, const uint8_t *rec)
{
    if (rec[REC_STATUS] != REC_INTERRUPTED) return NULL;
    uint32_t ia = diff_psw_address(rec + REC_PSW);
    unsigned ilc = diff_pgm_ilc(s, rec);
    for (unsigned i = 0; i < s->nins; i++)
        if (s->ins[i].role != 'x' && s->ins[i].addr + 2 * ilc == ia && ilc) return &s->ins[i];
    for (unsigned i = 0; i < s->nins; i++)
        if (s->ins[i].role != 'x' && s->ins[i].addr == ia) return &s->ins[i];
    return NULL;
}

/* Does the instruction start with these opcode bytes? */
static bool insn_is(const DiffIns *in, uint8_t op0, int op1)
{
    return in && in->bytes[0] == op0 && (op1 < 0 || in->bytes[1] == op1);
}

/* Every differing byte of the records lies in [from, to) of the sandbox,
 * or in GPR r_allowed (-1: none). */
static bool differs_only_in(const uint8_t *d, const uint8_t *h, unsigned from, unsigned to,
                            int r_allowed)
{
    for (unsigned off = 0; off < REC_SIZE; off++) {
        if (d[off] == h[off]) continue;
        if (off >= REC_SBX + from && off < REC_SBX + to) continue;
        if (r_allowed >= 0 && off >= REC_GPRS + 4 * (unsigned)r_allowed &&
            off < REC_GPRS + 4 * (unsigned)r_allowed + 4)
            continue;
        return false;
    }
    return true;
}

/* KNOWN.md "IPM on S/370": INSERT PROGRAM MASK (B222) is a 370-XA
 * instruction, absent from PoO-370 (GA22-7000-10, appendix B); Hercules
 * 3.13 executes it in S/370 mode.  doppel raises the operation exception
 * there, and the sequences part ways from that point. */
static bool ipm_on_s370(const DiffSeq *s, const uint8_t *d, const uint8_t *h)
{
    (void)h;
    const DiffIns *in = diff_faulting_insn(s, d);
    return d[REC_STATUS] == REC_INTERRUPTED && diff_pgm_code(s, d) == 0x0001 &&
           diff_pgm_ilc(s, d) == 2 && insn_is(in, 0xb2, 0x22);
}

/* KNOWN.md "Data exception: terminated": PoO-370 chapter 6, "Data
 * Exception", lets a decimal instruction with an invalid digit be
 * terminated rather than suppressed, so the first operand (and EDMK's
 * r1) is unpredictable.  Both must report the same interruption at the
 * same instruction; only operand 1 in the sandbox (and r1 for EDMK) may
 * differ. */
static bool data_exception_terminated(const DiffSeq *s, const uint8_t *d, const uint8_t *h)
{
    if (d[REC_STATUS] != REC_INTERRUPTED || h[REC_STATUS] != REC_INTERRUPTED) return false;
    if (memcmp(d + REC_PSW, h + REC_PSW, 12) != 0 || diff_pgm_code(s, d) != 0x0007) return false;
    const DiffIns *in = diff_faulting_insn(s, d);
    if (!in || in->len != 6) return false;
    uint8_t op = in->bytes[0];
    unsigned len;
    if (op == 0xde || op == 0xdf)
        len = in->bytes[1] + 1u; /* ED, EDMK */
    else if (op >= 0xf8 && op <= 0xfd)
        len = (in->bytes[1] >> 4) + 1u; /* ZAP, CP, AP, SP, MP, DP */
    else if (op == 0xf0)
        len = (in->bytes[1] >> 4) + 1u; /* SRP */
    else
        return false;
    if (in->bytes[2] >> 4 != 13) return false;
    unsigned d1 = (unsigned)(in->bytes[2] & 15) << 8 | in->bytes[3];
    return differs_only_in(d, h, d1, d1 + len, op == 0xdf ? 1 : -1);
}

/* KNOWN.md "Extended true zero under significance": AXR/SXR with a
 * zero result fraction, the significance mask one and a high-order
 * characteristic of zero produce a true zero high-order part; PoO-370
 * chapter 9 "Floating-Point Data Format" then leaves the low-order
 * characteristic alone (it is made 14 less only "unless the result is a
 * true zero"), so the low-order part is zero too.  Hercules makes it
 * 0x72 (0 - 14 modulo 128). */
static bool extended_true_zero(const DiffSeq *s, const uint8_t *d, const uint8_t *h)
{
    if (d[REC_STATUS] != REC_INTERRUPTED || memcmp(d + REC_STATUS, h + REC_STATUS, 0x20) != 0 ||
        diff_pgm_code(s, d) != 0x000e)
        return false;
    const DiffIns *in = diff_faulting_insn(s, d);
    if (!in || (in->bytes[0] != 0x36 && in->bytes[0] != 0x37)) return false;
    unsigned r1 = in->bytes[1] >> 4;
    if (r1 != 0 && r1 != 4) return false;
    static const uint8_t zero[8], low[8] = {0x72};
    const unsigned hi = REC_FPRS + 4 * r1, lo = hi + 8; /* FPR r1 is entry r1 / 2 */
    if (memcmp(d + hi, zero, 8) || memcmp(h + hi, zero, 8) || memcmp(d + lo, zero, 8) ||
        memcmp(h + lo, low, 8))
        return false;
    return !memcmp(d, h, lo) && !memcmp(d + lo + 8, h + lo + 8, REC_SIZE - lo - 8);
}

/* KNOWN.md "BC-mode ILC of an EXECUTE target": an interruption in the
 * target of EXECUTE reports the length of EXECUTE, ILC 2 (PoO-370 §6
 * "Instruction-Length Code").  Hercules 3.13 does so at 0x8C in EC mode,
 * but in the BC-mode old PSW (bits 32-33) it stores the target's ILC.
 * Only those two bits may differ. */
static bool bc_execute_ilc(const DiffSeq *s, const uint8_t *d, const uint8_t *h)
{
    if (!s->bc || d[REC_STATUS] != REC_INTERRUPTED || h[REC_STATUS] != REC_INTERRUPTED ||
        diff_pgm_ilc(s, d) != 2)
        return false;
    const DiffIns *in = diff_faulting_insn(s, d);
    if (!insn_is(in, 0x44, -1)) return false;
    for (unsigned off = 0; off < REC_SIZE; off++) {
        uint8_t mask = off == REC_PSW + 4 ? 0x3f : 0xff;
        if ((d[off] ^ h[off]) & mask) return false;
    }
    return true;
}

static const DiffKnown known_cases[] = {
    {"BC-mode ILC of an EXECUTE target", bc_execute_ilc},
    {"Extended true zero under significance", extended_true_zero},
    {"IPM on S/370", ipm_on_s370},
    {"Data exception: terminated", data_exception_terminated},
};

const DiffKnown *diff_known_case(const DiffSeq *s, const uint8_t *doppel, const uint8_t *hercules)
{
    for (size_t i = 0; i < sizeof known_cases / sizeof known_cases[0]; i++)
        if (known_cases[i].explains && known_cases[i].explains(s, doppel, hercules))
            return &known_cases[i];
    return NULL;
}
