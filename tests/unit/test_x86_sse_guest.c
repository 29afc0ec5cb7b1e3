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

typedef enum SgAccel { SG_INTERP, SG_JIT } SgAccel;

static MemoryRegion sg_ram;
static Options sg_opts;

static bool sg_board_init(Machine *m)
{
    if (!memory_region_init_ram(&sg_ram, "sse-guest.ram", SG_RAM_SIZE)) return false;
    memory_region_add_subregion(m->system_memory, 0, &sg_ram, 0);
    return machine_add_cpu(m, &x86_arch_ops) != NULL;
}

static void sg_board_finalize(Machine *m)
{
    memory_region_del_subregion(m->system_memory, &sg_ram);
    memory_region_destroy(&sg_ram);
}

static const MachineClass sg_board = {
    .name = "x86-sse-guest-test",
    .desc = "test",
    .arch = "x86",
    .default_ram_size = SG_RAM_SIZE,
    .max_cpus = 1,
    .init = sg_board_init,
    .finalize = sg_board_finalize,
};

static void sg_write(Machine *m, uint32_t addr, const void *buf, size_t len)
{
    cr_assert_eq(address_space_rw(m->as, addr, (void *)buf, len, true), MEMTX_OK);
}

static void sg_write32(Machine *m, uint32_t addr, uint32_t v)
{
    sg_write(m, addr, &v, 4);
}

static uint8_t sg_read8(Machine *m, uint32_t addr)
{
    uint8_t v;
    cr_assert_eq(address_space_rw(m->as, addr, &v, 1, false), MEMTX_OK);
    return v;
}

static uint32_t sg_read32(Machine *m, uint32_t addr)
{
    uint32_t v;
    cr_assert_eq(address_space_rw(m->as, addr, &v, 4, false), MEMTX_OK);
    return v;
}

/* Flat protected mode with SSE enabled (CR4.OSFXSR), paging identity-
 * mapping the first 4 MiB except the page absent_page (0: none). */
static Machine *sg_machine(SgAccel accel, const uint8_t *code, size_t len, uint32_t absent_page)
{
    memset(&sg_opts, 0, sizeof sg_opts);
    sg_opts.accel = accel == SG_JIT ? ACCEL_JIT : ACCEL_INTERP;
    sg_opts.jit_sync = true;
    Machine *m = machine_create(&sg_board, &sg_opts);
    cr_assert_not_null(m);
    X86CPU *cpu = x86_cpu(m->cpus[0]);
    const uint64_t gdt[3] = {0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull};
    sg_write(m, SG_GDT, gdt, sizeof gdt);
    for (uint32_t v = 0; v < 32; v++) {
        uint32_t stub = SG_STUBS + 16 * v;
        /* mov dword [SG_VECTOR], v; hlt */
        const uint8_t bytes[11] = {
            0xc7, 0x05, SG_VECTOR & 0xff, SG_VECTOR >> 8, 0, 0, (uint8_t)v, 0, 0, 0, 0xf4};
        sg_write(m, stub, bytes, sizeof bytes);
        /* 32-bit interrupt gate, DPL 0, selector 0x08. */
        uint64_t g = (stub & 0xffffu) | (uint64_t)0x08 << 16 | (uint64_t)0x8e00 << 32 |
                     (uint64_t)(stub >> 16) << 48;
        sg_write(m, SG_IDT + 8 * v, &g, 8);
    }
    sg_write32(m, SG_VECTOR, 0xffffffffu);
    sg_write32(m, SG_PGDIR, SG_PGTAB | 3);
    for (uint32_t p = 0; p < 1024; p++)
        sg_write32(m, SG_PGTAB + 4 * p, absent_page && p == absent_page >> 12 ? 0 : p << 12 | 3);
    for (uint32_t i = 0; i < 16; i++)
        sg_write(m, SG_SRC + i, &(uint8_t){(uint8_t)(0x11 * i + 1)}, 1);
    for (uint32_t i = 0; i < 16; i++)
        sg_write(m, SG_DST + i, &(uint8_t){SG_FILL}, 1);
    sg_write(m, SG_CODE, code, len);
    x86_setup_multiboot_state(cpu, SG_CODE, 0);
    cpu->gdtr = (X86TableReg){SG_GDT, sizeof gdt - 1};
    cpu->idtr = (X86TableReg){SG_IDT, 32 * 8 - 1};
    cpu->regs[X86_ESP] = SG_STACK;
    cpu->cr[3] = SG_PGDIR;
    cpu->cr[0] |= X86_CR0_PG;
    cpu->cr[4] |= X86_CR4_OSFXSR;
    x86_update_hflags(cpu);
    tlb_flush(&cpu->common);
    return m;
}

static void sg_run(Machine *m)
{
    CPUState *c = m->cpus[0];
    for (int i = 0; i < 1000 && !c->halted; i++)
        cpu_exec(c, CPU_SLICE_INSNS);
    cr_assert(c->halted, "the program did not reach HLT (pc %#llx)", (unsigned long long)c->pc);
}

/* The destination bytes [from, to) of SG_DST hold the source's bytes
 * (stored), or are all SG_FILL (untouched). */
static void sg_expect(Machine *m, unsigned from, unsigned to, bool stored)
{
    for (unsigned i = from; i < to; i++) {
        uint8_t want = stored ? (uint8_t)(0x11 * i + 1) : SG_FILL;
        cr_assert_eq(sg_read8(m, SG_DST + i), want, "byte %u: %#x, expected %#x", i,
                     sg_read8(m, SG_DST + i), want);
    }
}

/* A #PF was taken with CR2 = cr2. */
static void sg_expect_pf(Machine *m, uint32_t cr2)
{
    cr_assert_eq(sg_read32(m, SG_VECTOR), X86_EXCP_PF);
    cr_assert_eq((uint32_t)x86_cpu(m->cpus[0])->cr[2], cr2);
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

static void sg_check(SgAccel accel)
{
    for (size_t k = 0; k < sizeof sg_cases / sizeof sg_cases[0]; k++) {
        const SgCase *c = &sg_cases[k];
        cr_log_info("%s", c->name);
        /* Both pages present: every byte stored, no exception. */
        Machine *m = sg_machine(accel, c->code, c->len, 0);
        sg_run(m);
        cr_assert_eq(sg_read32(m, SG_VECTOR), 0xffffffffu, "%s raised", c->name);
        sg_expect(m, 0, c->from, false);
        sg_expect(m, c->from, c->to, true);
        sg_expect(m, c->to, 16, false);
        machine_destroy(m);
        /* The upper page absent: #PF on it, the lower page untouched. */
        m = sg_machine(accel, c->code, c->len, 0x21000);
        sg_run(m);
        sg_expect_pf(m, 0x21000);
        sg_expect(m, 0, 8, false);
        machine_destroy(m);
        /* The lower page absent: #PF at the first byte. */
        m = sg_machine(accel, c->code, c->len, 0x20000);
        sg_run(m);
        sg_expect_pf(m, SG_DST + c->from);
        sg_expect(m, 8, 16, false);
        machine_destroy(m);
    }
}

Test(x86_sse_guest, page_crossing_stores_interp)
{
    sg_check(SG_INTERP);
}

Test(x86_sse_guest, page_crossing_stores_jit)
{
    sg_check(SG_JIT);
}
