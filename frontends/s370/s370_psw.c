/*
 * The program-status word in its three formats: S/370 basic-control (BC)
 * and extended-control (EC) mode (PoO-370 §4 "Program-Status Word"), and
 * ESA/390 (PoO-390 §4).  One table row per format says how the bits map
 * to the decoded S370Psw; everything else in the frontend works on the
 * decoded form.
 */
#include <string.h>

#include "core/log.h"
#include "frontends/s370/s370_internal.h"
#include "softmmu/tlb.h"

typedef enum S370PswFormat {
    PSW_BC,
    PSW_EC,
    PSW_ESA,
} S370PswFormat;

typedef struct S370PswLayout {
    const char *name;
    /* Bits that must be zero, over the 64-bit PSW (bit 0 = MSB). */
    uint64_t must_be_zero;
    unsigned cc_shift, pgm_mask_shift; /* position of the low bit, from the LSB */
} S370PswLayout;

#define PSW_BIT(n) (UINT64_C(1) << (63 - (n)))
#define PSW_BITS(from, to)                                                                         \
    ((~UINT64_C(0) >> (from)) & (~UINT64_C(0) << (63 - (to)))) /* bits from..to inclusive */

static const S370PswLayout s370_psw_layouts[] = {
    /* BC: 0-7 system mask (channel masks, ext), 16-31 interruption code,
     * 32-33 ILC, 34-35 CC, 36-39 program mask, 40-63 address. */
    [PSW_BC] = {"BC", 0, 63 - 35, 63 - 39},
    /* EC: 0, 2-4, 16-17, 24-39 zero; 18-19 CC, 20-23 program mask. */
    [PSW_EC] = {"EC", PSW_BIT(0) | PSW_BITS(2, 4) | PSW_BITS(16, 17) | PSW_BITS(24, 39), 63 - 19,
                63 - 23},
    /* ESA/390: 0, 2-4, 24-31 zero; 16-17 AS, 32 addressing mode. */
    [PSW_ESA] = {"ESA/390", PSW_BIT(0) | PSW_BITS(2, 4) | PSW_BITS(24, 31), 63 - 19, 63 - 23},
};

static S370PswFormat s370_psw_format(const S370CPU *cpu)
{
    if (cpu->arch == S370_ARCH_390) return PSW_ESA;
    return cpu->psw.ec ? PSW_EC : PSW_BC;
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

void s370_psw_encode(const S370CPU *cpu, uint64_t ia, uint8_t out[8])
{
    const S370Psw *p = &cpu->psw;
    S370PswFormat fmt = s370_psw_format(cpu);
    const S370PswLayout *l = &s370_psw_layouts[fmt];
    uint64_t w = (uint64_t)p->sysmask << 56 | (uint64_t)(p->key & 15) << 52;
    if (fmt != PSW_BC) w |= PSW_BIT(12);
    if (p->mchk) w |= PSW_BIT(13);
    if (p->wait) w |= PSW_BIT(14);
    if (p->problem) w |= PSW_BIT(15);
    w |= (uint64_t)(cpu->cc & 3) << l->cc_shift;
    w |= (uint64_t)(p->pgm_mask & 15) << l->pgm_mask_shift;
    switch (fmt) {
    case PSW_BC:
        w |= (uint64_t)p->bc_int_code << 32;
        w |= (uint64_t)(p->bc_ilc & 3) << 30;
        w |= ia & 0x00ffffff;
        break;
    case PSW_EC: w |= ia & 0x00ffffff; break;
    case PSW_ESA:
        w |= (uint64_t)(p->asc & 3) << (63 - 17);
        if (p->amode31) w |= PSW_BIT(32);
        w |= ia & 0x7fffffff;
        break;
    }
    put_be64(out, w);
}

void s370_psw_store(S370CPU *cpu, uint8_t psw[8])
{
    if (cpu->psw_invalid) {
        memcpy(psw, cpu->psw_image, 8);
        return;
    }
    s370_psw_encode(cpu, cpu->common.pc, psw);
}

/* The format a PSW image is read in: the mode's, or BC/EC by bit 12. */
static S370PswFormat s370_psw_image_format(const S370CPU *cpu, uint64_t w)
{
    if (cpu->arch == S370_ARCH_390) return PSW_ESA;
    return (w & PSW_BIT(12)) ? PSW_EC : PSW_BC;
}

bool s370_psw_image_valid(const S370CPU *cpu, const uint8_t in[8])
{
    uint64_t w = be64(in);
    S370PswFormat fmt = s370_psw_image_format(cpu, w);
    if (w & s370_psw_layouts[fmt].must_be_zero) return false;
    /* ESA/390 bit 12 must be one; a 24-bit address must fit. */
    if (fmt == PSW_ESA &&
        (!(w & PSW_BIT(12)) || (!(w & PSW_BIT(32)) && (w & UINT64_C(0x7f000000)))))
        return false;
    return true;
}

bool s370_psw_decode(S370CPU *cpu, const uint8_t in[8])
{
    uint64_t w = be64(in);
    S370PswFormat fmt = s370_psw_image_format(cpu, w);
    const S370PswLayout *l = &s370_psw_layouts[fmt];
    bool valid = s370_psw_image_valid(cpu, in);
    S370Psw p = {0};
    p.sysmask = (uint8_t)(w >> 56);
    p.key = (uint8_t)(w >> 52) & 15;
    p.ec = fmt != PSW_BC;
    p.mchk = (w & PSW_BIT(13)) != 0;
    p.wait = (w & PSW_BIT(14)) != 0;
    p.problem = (w & PSW_BIT(15)) != 0;
    p.pgm_mask = (uint8_t)(w >> l->pgm_mask_shift) & 15;
    uint64_t ia;
    switch (fmt) {
    case PSW_BC:
        ia = w & 0x00ffffff;
        p.bc_int_code = (uint16_t)(w >> 32);
        p.bc_ilc = (uint8_t)(w >> 30) & 3;
        break;
    case PSW_EC: ia = w & 0x00ffffff; break;
    default:
        p.asc = (uint8_t)(w >> (63 - 17)) & 3;
        p.amode31 = (w & PSW_BIT(32)) != 0;
        ia = w & 0x7fffffff;
        break;
    }
    S370Psw old = cpu->psw;
    cpu->psw = p;
    cpu->cc = (uint32_t)(w >> l->cc_shift) & 3;
    cpu->common.pc = ia;
    cpu->psw_invalid = !valid;
    if (!valid) memcpy(cpu->psw_image, in, 8);
    s370_psw_changed(cpu, &old);
    return valid;
}

bool s370_psw_ext_enabled(const S370CPU *cpu)
{
    return (cpu->psw.sysmask & 0x01) != 0;
}

uint32_t s370_psw_channel_mask(const S370CPU *cpu)
{
    /* PoO-370 §13 "Channel Masks": BC mode has channels 0-5 in PSW bits
     * 0-5 and the rest under bit 6 together with CR2; EC mode puts all
     * under PSW bit 6 and CR2. */
    if (cpu->psw.ec) return (cpu->psw.sysmask & 0x02) ? cpu->cr[2] : 0;
    uint32_t mask = (uint32_t)(cpu->psw.sysmask & 0xfc) << 24;
    if (cpu->psw.sysmask & 0x02) mask |= cpu->cr[2] & 0x03ffffff;
    return mask;
}

bool s370_psw_io_enabled(const S370CPU *cpu)
{
    if (cpu->arch == S370_ARCH_390) return (cpu->psw.sysmask & 0x02) != 0;
    return s370_psw_channel_mask(cpu) != 0;
}

void s370_psw_changed(S370CPU *cpu, const S370Psw *old)
{
    CPUState *c = &cpu->common;
    if (old->key != cpu->psw.key) tlb_flush(c); /* fills were checked against the old key */
    c->vaddr_mask = s370_amask(cpu); /* operands wrap (PoO-390 §5 "Address Wraparound") */
    c->halted = cpu->psw.wait;
    if (cpu->psw.wait && !cpu->psw_invalid && !cpu->psw.mchk && !s370_psw_ext_enabled(cpu) &&
        !s370_psw_io_enabled(cpu)) {
        uint8_t image[8];
        s370_psw_store(cpu, image);
        LOG_MASK(LOG_INT, "s370: disabled wait PSW %02x%02x%02x%02x %02x%02x%02x%02x\n", image[0],
                 image[1], image[2], image[3], image[4], image[5], image[6], image[7]);
        if (cpu->disabled_wait) cpu->disabled_wait(cpu, image);
    }
    /* A mask may have opened: let the loop look at pending interruptions. */
    cpu_interrupt(c, CPU_INTERRUPT_EXITTB);
}
