/*
 * x86 SSE stores that cross a page, run as guest code on a bare x86 cpu
 * (RAM only) in flat 32-bit protected mode with paging, under the
 * interpreter and the LLVM tier (sync): a 16-byte MOVUPS and the
 * MASKMOVDQU/MASKMOVQ byte stores must fault as a whole, leaving the
 * bytes on the page that is present unwritten (SDM Vol 3 §6.6: a fault
 * is reported before the instruction changes any state), and complete
 * when both pages are present.  The programs were assembled with NASM.
 *
 * Memory map: IDT 0x600 (32 interrupt gates to stubs at 0x3000 + 16 *
 * vector that store the vector at 0x9f0 and halt), GDT 0x800, code
 * 0x1000, stack below 0x80000, source data 0x10000, the stores at
 * 0x20ff8 (across the page boundary 0x21000), page tables at 0x100000.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/cpu_loop.h"
#include "core/machine.h"
#include "core/options.h"
#include "frontends/x86/x86_internal.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"
#include "tests/unit/x86_testcpu.h"

#define SG_RAM_SIZE (4u << 20)
#define SG_CODE     0x1000u
#define SG_STACK    0x80000u
#define SG_IDT      0x600u
#define SG_GDT      0x800u
#define SG_STUBS    0x3000u
#define SG_VECTOR   0x9f0u
#define SG_SRC      0x10000u
#define SG_DST      0x20ff8u /* 8 bytes below the page boundary */
#define SG_PGDIR    0x100000u
#define SG_PGTAB    0x101000u
#define SG_FILL     0xaau

static X86Test *sg_machine(X86TestAccel accel, const uint8_t *code, size_t len,
                           uint32_t absent_page)
{
    X86Test *t = x86test_new(accel, SG_RAM_SIZE);
    x86test_vector_stubs(t, SG_IDT, SG_STUBS, SG_VECTOR);
    x86test_identity_paging(t, SG_PGDIR, SG_PGTAB);
    if (absent_page) x86test_unmap_page(t, SG_PGTAB, absent_page);
    for (uint32_t i = 0; i < 16; i++)
        x86test_write(t, SG_SRC + i, &(uint8_t){(uint8_t)(0x11 * i + 1)}, 1);
    for (uint32_t i = 0; i < 16; i++)
        x86test_write(t, SG_DST + i, &(uint8_t){SG_FILL}, 1);
    x86test_write(t, SG_CODE, code, len);
    x86test_flat32_gdt(t, SG_CODE, SG_GDT, SG_STACK);
    t->cpu->cr[4] |= X86_CR4_OSFXSR;
    x86test_enable_paging(t, SG_PGDIR);
    return t;
}

/* The destination bytes [from, to) of SG_DST hold the source's bytes
 * (stored), or are all SG_FILL (untouched). */
static void sg_expect(X86Test *t, unsigned from, unsigned to, bool stored)
{
    for (unsigned i = from; i < to; i++) {
        uint8_t want = stored ? (uint8_t)(0x11 * i + 1) : SG_FILL;
        cr_assert_eq(x86test_read8(t, SG_DST + i), want, "byte %u: %#x, expected %#x", i,
                     x86test_read8(t, SG_DST + i), want);
    }
}

/* A #PF was taken with CR2 = cr2. */
static void sg_expect_pf(X86Test *t, uint32_t cr2)
{
    cr_assert_eq(x86test_read32(t, SG_VECTOR), X86_EXCP_PF);
    cr_assert_eq((uint32_t)t->cpu->cr[2], cr2);
}

static const uint8_t sg_movups[] = {
    0xf3, 0x0f, 0x6f, 0x05, 0x00, 0x00, 0x01, 0x00, /* movdqu xmm0, [0x10000] */
    0xbf, 0xf8, 0x0f, 0x02, 0x00,                   /* mov edi, 0x20ff8 */
    0x0f, 0x11, 0x07,                               /* movups [edi], xmm0 */
    0xf4,                                           /* hlt */
};

static const uint8_t sg_maskmovdqu[] = {
    0xf3, 0x0f, 0x6f, 0x05, 0x00, 0x00, 0x01, 0x00, /* movdqu xmm0, [0x10000] */
    0x66, 0x0f, 0x74, 0xc9,                         /* pcmpeqb xmm1, xmm1 */
    0xbf, 0xf8, 0x0f, 0x02, 0x00,                   /* mov edi, 0x20ff8 */
    0x66, 0x0f, 0xf7, 0xc1,                         /* maskmovdqu xmm0, xmm1 */
    0xf4,                                           /* hlt */
};

/* MASKMOVQ at 0x20ffc: bytes 4-11 of the destination area. */
static const uint8_t sg_maskmovq[] = {
    0x0f, 0x6f, 0x05, 0x04, 0x00, 0x01, 0x00, /* movq mm0, [0x10004] */
    0x0f, 0x74, 0xc9,                         /* pcmpeqb mm1, mm1 */
    0xbf, 0xfc, 0x0f, 0x02, 0x00,             /* mov edi, 0x20ffc */
    0x0f, 0xf7, 0xc1,                         /* maskmovq mm0, mm1 */
    0xf4,                                     /* hlt */
};

typedef struct SgCase {
    const char *name;
    const uint8_t *code;
    size_t len;
    unsigned from, to; /* the destination bytes it stores */
} SgCase;

static const SgCase sg_cases[] = {
    {"movups", sg_movups, sizeof sg_movups, 0, 16},
    {"maskmovdqu", sg_maskmovdqu, sizeof sg_maskmovdqu, 0, 16},
    {"maskmovq", sg_maskmovq, sizeof sg_maskmovq, 4, 12},
};

static void sg_check(X86TestAccel accel)
{
    for (size_t k = 0; k < sizeof sg_cases / sizeof sg_cases[0]; k++) {
        const SgCase *c = &sg_cases[k];
        cr_log_info("%s", c->name);
        /* Both pages present: every byte stored, no exception. */
        X86Test *t = sg_machine(accel, c->code, c->len, 0);
        x86test_run(t);
        cr_assert_eq(x86test_read32(t, SG_VECTOR), 0xffffffffu, "%s raised", c->name);
        sg_expect(t, 0, c->from, false);
        sg_expect(t, c->from, c->to, true);
        sg_expect(t, c->to, 16, false);
        x86test_free(t);
        /* The upper page absent: #PF on it, the lower page untouched. */
        t = sg_machine(accel, c->code, c->len, 0x21000);
        x86test_run(t);
        sg_expect_pf(t, 0x21000);
        sg_expect(t, 0, 8, false);
        x86test_free(t);
        /* The lower page absent: #PF at the first byte. */
        t = sg_machine(accel, c->code, c->len, 0x20000);
        x86test_run(t);
        sg_expect_pf(t, SG_DST + c->from);
        sg_expect(t, 8, 16, false);
        x86test_free(t);
    }
}

Test(x86_sse_guest, page_crossing_stores_interp)
{
    sg_check(X86T_INTERP);
}

Test(x86_sse_guest, page_crossing_stores_jit)
{
    sg_check(X86T_JIT);
}
