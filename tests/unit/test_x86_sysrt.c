/*
 * The x86 system runtime on a bare cpu (no translation): reset state,
 * `info registers` layout, paging walks (32-bit, PSE, PAE with NX), #PF
 * error codes and CR2, accessed/dirty bits, segment loads and their
 * faults, interrupt delivery in real and protected mode, double faults,
 * and hardware task switches.  Guest memory is 1 MiB of RAM at 0; the
 * tables are written into it by the tests.
 */
#include <criterion/criterion.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "frontends/x86/x86_sysrt.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"
#include "tests/unit/x86_testcpu.h"

#define RAM_SIZE 0x100000u

static struct {
    MemoryRegion root, ram;
    AddressSpace as;
} w;
static X86CPU *cpu;

static void setup(void)
{
    memset(&w, 0, sizeof w);
    memory_region_init_container(&w.root, "system", UINT64_MAX);
    cr_assert(memory_region_init_ram(&w.ram, "ram", RAM_SIZE));
    memory_region_add_subregion(&w.root, 0, &w.ram, 0);
    address_space_init(&w.as, &w.root, "memory");
    cpu = x86_cpu(cpu_create(&x86_arch_ops, NULL, 0));
    cpu->common.as = &w.as;
    tlb_init(&cpu->common);
    address_space_add_cpu(&w.as, &cpu->common);
    cpu_reset(&cpu->common);
}

static void teardown(void)
{
    tlb_destroy(&cpu->common);
    cpu_destroy(&cpu->common);
    address_space_destroy(&w.as);
    memory_region_destroy(&w.ram);
    memory_region_destroy(&w.root);
}

static uint8_t *ram(uint32_t pa)
{
    return w.ram.host + pa;
}
static void put32(uint32_t pa, uint32_t v)
{
    memcpy(ram(pa), &v, 4);
}
static void put64(uint32_t pa, uint64_t v)
{
    memcpy(ram(pa), &v, 8);
}
static uint32_t get32(uint32_t pa)
{
    uint32_t v;
    memcpy(&v, ram(pa), 4);
    return v;
}
static uint16_t get16(uint32_t pa)
{
    uint16_t v;
    memcpy(&v, ram(pa), 2);
    return v;
}
static uint64_t get64(uint32_t pa)
{
    uint64_t v;
    memcpy(&v, ram(pa), 8);
    return v;
}

/* Run stmt; true if it left by cpu_loop_exit (a guest exception). */
#define FAULTS(stmt) (X86TEST_RAISED(cpu, stmt) != -1)

TestSuite(x86_sysrt, .init = setup, .fini = teardown);

/* ---- reset and dump ---- */

Test(x86_sysrt, reset_state)
{
    uint32_t id[4];
    x86_cpuid(cpu, 1, 0, id);
    cr_assert_eq(cpu->common.pc, 0xfffffff0u);
    cr_assert_eq(x86_get_eip(cpu), 0xfff0);
    cr_assert_eq(cpu->segs[X86_SEG_CS].selector, 0xf000);
    cr_assert_eq(cpu->segs[X86_SEG_CS].base, 0xffff0000u);
    cr_assert_eq(cpu->cr[0], 0x60000010u);
    cr_assert_eq(x86_get_eflags(cpu), 2);
    cr_assert_eq(cpu->dr[6], 0xffff0ff0u);
    cr_assert_eq(cpu->dr[7], 0x400);
    cr_assert_eq((uint32_t)cpu->regs[X86_EDX], id[0]);
    cr_assert_eq(cpu->mxcsr, 0x1f80);
    cr_assert_eq(cpu->a20_mask, UINT32_MAX);
    cr_assert_eq(x86_cpl(cpu), 0);
    cr_assert_eq(cpu->hflags & (X86_TBF_PE | X86_TBF_CS32 | X86_TBF_FLAT), 0);
}

Test(x86_sysrt, dump_state_layout)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    x86_arch_ops.dump_state(&cpu->common, f);
    fclose(f);
    static const char *const lines[] = {
        "EAX=00000000 EBX=00000000 ECX=00000000 EDX=",
        "EIP=0000fff0 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0\n",
        "ES =0000 00000000 0000ffff 00009300\n",
        "CS =f000 ffff0000 0000ffff 00009b00\n",
        "GDT=     00000000 0000ffff\n",
        "CR0=60000010 CR2=00000000 CR3=00000000 CR4=00000000\n",
        "DR6=ffff0ff0 DR7=00000400\n",
        "MXCSR=00001f80",
        "XMM07=00000000000000000000000000000000\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        cr_assert(strstr(buf, lines[i]), "no \"%s\" in:\n%s", lines[i], buf);
    free(buf);
}

Test(x86_sysrt, eflags_lazy_roundtrip)
{
    x86_set_eflags(cpu, X86_CF | X86_ZF | X86_DF | X86_IF | 0xffc00000u, ~0u);
    cr_assert_eq(x86_get_eflags(cpu), X86_CF | X86_ZF | X86_DF | X86_IF | 2);
    cr_assert_eq(cpu->df, -1);
    cr_assert_eq(cpu->cc_op, X86_CC_OP_EFLAGS);
}

/* ---- paging ---- */

enum { P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80 };

static int walk(uint32_t va, MMUAccess acc, bool user, MMUResult *r)
{
    cpu->common.exception_index = EXCP_NONE;
    return x86_mmu_translate(&cpu->common, va, acc, user ? X86_MMU_USER : X86_MMU_KERNEL, false, r);
}

static void paging32(void)
{
    /* PD at 0x1000, PT at 0x2000: 0x00400000 -> 0x5000 user RW,
     * 0x00401000 -> 0x6000 supervisor read-only. */
    memset(ram(0x1000), 0, 0x2000);
    put32(0x1000 + 1 * 4, 0x2000 | P | RW | US);
    put32(0x2000 + 0 * 4, 0x5000 | P | RW | US);
    put32(0x2000 + 1 * 4, 0x6000 | P);
    cpu->cr[3] = 0x1000;
    cpu->cr[0] |= X86_CR0_PE | X86_CR0_PG;
}

Test(x86_sysrt, paging32_walk_sets_accessed_then_dirty)
{
    paging32();
    MMUResult r = {0};
    cr_assert_eq(walk(0x00400123, MMU_READ, true, &r), 0);
    cr_assert_eq(r.paddr, 0x5123);
    cr_assert_eq(r.page_bits, 12);
    cr_assert_eq(get32(0x1004) & (A | D), A);
    cr_assert_eq(get32(0x2000) & (A | D), A);
    cr_assert_eq(r.prot & MMU_PROT_WRITE, 0, "no write grant before D is set");
    cr_assert_eq(walk(0x00400123, MMU_WRITE, true, &r), 0);
    cr_assert_eq(get32(0x2000) & (A | D), A | D);
    cr_assert(r.prot & MMU_PROT_WRITE);
}

Test(x86_sysrt, paging32_page_fault_codes_and_cr2)
{
    paging32();
    MMUResult r;
    /* Not present PDE, user write: P=0 W=1 U=1. */
    cr_assert_neq(walk(0x00800004, MMU_WRITE, true, &r), 0);
    cr_assert_eq(cpu->common.exception_index, X86_EXCP_PF);
    cr_assert_eq(cpu->error_code, 0x6);
    cr_assert(cpu->has_error_code);
    cr_assert_eq(cpu->cr[2], 0x00800004);
    /* User read of a supervisor page: P=1 U=1. */
    cr_assert_neq(walk(0x00401000, MMU_READ, true, &r), 0);
    cr_assert_eq(cpu->error_code, 0x5);
    /* Supervisor write to a read-only page: allowed without WP... */
    cr_assert_eq(walk(0x00401000, MMU_WRITE, false, &r), 0);
    /* ...a protection fault with it (P=1 W=1). */
    cr_assert_eq(get32(0x2004) & D, D);
    cpu->cr[0] |= X86_CR0_WP;
    cr_assert_neq(walk(0x00401008, MMU_WRITE, false, &r), 0);
    cr_assert_eq(cpu->error_code, 0x3);
    cr_assert_eq(cpu->cr[2], 0x00401008);
    /* Probes change nothing. */
    cpu->cr[2] = 0;
    cr_assert_neq(x86_mmu_translate(&cpu->common, 0x00800000, MMU_READ, X86_MMU_KERNEL, true, &r),
                  0);
    cr_assert_eq(cpu->cr[2], 0);
}

Test(x86_sysrt, paging32_pse_large_pages)
{
    paging32();
    /* A 4 MiB page at 0; as a table (no PSE), entry 1 at physical 4. */
    put32(0x1000 + 3 * 4, 0x00000000u | P | RW | PS);
    put32(4, 0x5000 | P);
    MMUResult r;
    /* Without CR4.PSE the PS bit is ignored: the entry names a table. */
    cr_assert_eq(walk(0x00c01234, MMU_READ, false, &r), 0);
    cr_assert_eq(r.paddr, 0x5234);
    cr_assert_eq(r.page_bits, 12);
    tlb_flush(&cpu->common);
    cpu->cr[4] |= X86_CR4_PSE;
    put32(0x1000 + 3 * 4, 0x01000000u | P | RW | PS);
    cr_assert_eq(walk(0x00c01234, MMU_READ, false, &r), 0);
    cr_assert_eq(r.paddr, 0x01001234u);
    cr_assert_eq(r.page_bits, 22);
    /* Bit 21 of a 4 MiB PDE is reserved: P=1 RSVD=1. */
    put32(0x1000 + 3 * 4, 0x01200000u | P | RW | PS);
    cr_assert_neq(walk(0x00c01234, MMU_READ, false, &r), 0);
    cr_assert_eq(cpu->error_code, 0x9);
}

static void paging_pae(void)
{
    /* PDPT at 0x3000, PD at 0x4000, PT at 0x7000.  0x40000000 (PDPTE 1,
     * PDE 0, PTE 2) -> 0x9000; PDE 1 is a 2 MiB page at 0x00200000 with
     * NX (bit 63). */
    memset(ram(0x3000), 0, 0x5000);
    put64(0x3000 + 8, 0x4000 | P);
    put64(0x4000, 0x7000 | P | RW | US);
    put64(0x4008, 0x00200000u | P | RW | PS | (UINT64_C(1) << 63));
    put64(0x7000 + 2 * 8, 0x9000 | P | RW | US);
    cpu->cr[3] = 0x3000;
    cpu->cr[4] |= X86_CR4_PAE;
    cpu->cr[0] |= X86_CR0_PE | X86_CR0_PG;
}

Test(x86_sysrt, pae_walk_2m_and_nx)
{
    paging_pae();
    MMUResult r;
    cr_assert_eq(walk(0x40002abc, MMU_WRITE, true, &r), 0);
    cr_assert_eq(r.paddr, 0x9abc);
    cr_assert_eq(get64(0x7010) & (A | D), A | D);
    /* NX without EFER.NXE is a reserved bit. */
    cr_assert_neq(walk(0x40212345, MMU_READ, false, &r), 0);
    cr_assert_eq(cpu->error_code, 0x9);
    cpu->efer |= 1u << 11;
    cr_assert_eq(walk(0x40212345, MMU_READ, false, &r), 0);
    cr_assert_eq(r.paddr, 0x00212345u);
    cr_assert_eq(r.page_bits, 21);
    cr_assert_eq(r.prot & MMU_PROT_EXEC, 0);
    /* A fetch from the NX page: P=1 I/D=1. */
    cr_assert_neq(walk(0x40212345, MMU_EXEC, false, &r), 0);
    cr_assert_eq(cpu->error_code, 0x11);
    /* Not-present PDPTE. */
    cr_assert_neq(walk(0x80000000u, MMU_READ, false, &r), 0);
    cr_assert_eq(cpu->error_code, 0);
}

Test(x86_sysrt, a20_masks_physical_addresses)
{
    MMUResult r;
    cpu->a20_mask = ~(1u << 20);
    cr_assert_eq(walk(0x00112345, MMU_READ, false, &r), 0);
    cr_assert_eq(r.paddr, 0x00012345);
}

/* ---- protected-mode fixture: GDT, IDT, TSS ---- */

enum {
    GDT = 0x10000,
    IDT = 0x11000,
    TSS0 = 0x12000,
    TSS1 = 0x12100,
    SEL_CODE0 = 0x08,
    SEL_DATA0 = 0x10,
    SEL_CODE3 = 0x1b,
    SEL_DATA3 = 0x23,
    SEL_TSS0 = 0x28,
    SEL_TSS1 = 0x30,
    SEL_NP = 0x38,   /* data, not present */
    SEL_RO = 0x40,   /* data, read-only */
    SEL_XO = 0x48,   /* code, execute-only */
    SEL_CALLG = 0x50 /* call gate DPL 3 to SEL_CODE0:0x3000 */
};

static uint64_t gate_desc(uint16_t sel, uint32_t off, unsigned access, unsigned params)
{
    return (uint64_t)(off & 0xffff) | (uint64_t)sel << 16 | (uint64_t)params << 32 |
           (uint64_t)access << 40 | (uint64_t)(off >> 16) << 48;
}

static void set_idt(int vector, uint16_t sel, uint32_t off, unsigned access)
{
    put64(IDT + 8u * (unsigned)vector, gate_desc(sel, off, access, 0));
}

/* Flat 4 GiB code/data at rings 0 and 3, TSS0 current with ESP0 =
 * 0x9000, SS0 = SEL_DATA0; the cpu in ring 0 with ESP 0x8000. */
static void protected_mode(void)
{
    memset(ram(GDT), 0, 0x3000);
    put64(GDT + SEL_CODE0, x86test_seg_desc(0, 0xfffff, 0x9a, 0xc));
    put64(GDT + SEL_DATA0, x86test_seg_desc(0, 0xfffff, 0x92, 0xc));
    put64(GDT + (SEL_CODE3 & ~3), x86test_seg_desc(0, 0xfffff, 0xfa, 0xc));
    put64(GDT + (SEL_DATA3 & ~3), x86test_seg_desc(0, 0xfffff, 0xf2, 0xc));
    put64(GDT + SEL_TSS0, x86test_seg_desc(TSS0, 0x67, 0x8b, 0)); /* busy: current */
    put64(GDT + SEL_TSS1, x86test_seg_desc(TSS1, 0x67, 0x89, 0));
    put64(GDT + SEL_NP, x86test_seg_desc(0, 0xfffff, 0x12, 0xc));
    put64(GDT + SEL_RO, x86test_seg_desc(0, 0xfffff, 0x90, 0xc));
    put64(GDT + SEL_XO, x86test_seg_desc(0, 0xfffff, 0x98, 0xc));
    put64(GDT + SEL_CALLG, gate_desc(SEL_CODE0, 0x3000, 0xec, 1));
    cpu->gdtr.base = GDT;
    cpu->gdtr.limit = 0x57;
    cpu->idtr.base = IDT;
    cpu->idtr.limit = 0x7ff;
    put32(TSS0 + 4, 0x9000);
    put32(TSS0 + 8, SEL_DATA0);
    cpu->tr = (X86Segment){.selector = SEL_TSS0, .base = TSS0, .limit = 0x67, .attr = 0x8b};
    cpu->cr[0] |= X86_CR0_PE;
    x86test_flat_segments(cpu, SEL_CODE0, SEL_DATA0);
    cpu->regs[X86_ESP] = 0x8000;
    x86_set_eip(cpu, 0x1000);
}

/* Enter ring 3 with the flat user segments, ESP 0xa000. */
static void ring3(void)
{
    x86test_flat_segments(cpu, SEL_CODE3, SEL_DATA3);
    cpu->regs[X86_ESP] = 0xa000;
    cr_assert_eq(x86_cpl(cpu), 3);
}

Test(x86_sysrt, flat_protected_mode_hflags)
{
    protected_mode();
    uint32_t want = X86_TBF_PE | X86_TBF_CS32 | X86_TBF_SS32 | X86_TBF_FLAT;
    cr_assert_eq(cpu->hflags & (want | X86_TBF_CPL), want);
}

Test(x86_sysrt, segment_load_and_accessed_bit)
{
    protected_mode();
    put64(GDT + SEL_DATA3 - 3, x86test_seg_desc(0x1000, 0xff, 0xf2, 0x4)); /* DPL 3, byte limit */
    x86_load_segment(cpu, X86_SEG_DS, SEL_DATA3);
    cr_assert_eq(cpu->segs[X86_SEG_DS].base, 0x1000);
    cr_assert_eq(cpu->segs[X86_SEG_DS].limit, 0xff);
    cr_assert_eq(get64(GDT + SEL_DATA3 - 3) >> 40 & 0xff, 0xf3, "accessed bit written");
    /* The limit check of the cache: offset 0xfe size 2 is the last fit. */
    cr_assert_eq(x86_seg_linear(cpu, X86_SEG_DS, 0xfe, 2, true), 0x10fe);
    cr_assert(FAULTS(x86_seg_linear(cpu, X86_SEG_DS, 0xff, 2, false)));
    cr_assert_eq(cpu->common.exception_index, X86_EXCP_GP);
    cr_assert_eq(cpu->error_code, 0);
}

Test(x86_sysrt, segment_load_faults)
{
    protected_mode();
    cr_assert(FAULTS(x86_load_segment(cpu, X86_SEG_SS, 0)));
    cr_assert_eq(cpu->common.exception_index, X86_EXCP_GP);
    cr_assert_eq(cpu->error_code, 0);
    cr_assert(FAULTS(x86_load_segment(cpu, X86_SEG_DS, SEL_NP)));
    cr_assert_eq(cpu->common.exception_index, X86_EXCP_NP);
    cr_assert_eq(cpu->error_code, SEL_NP);
    cr_assert(FAULTS(x86_load_segment(cpu, X86_SEG_SS, SEL_NP)));
    cr_assert_eq(cpu->common.exception_index, X86_EXCP_SS);
    cr_assert_eq(cpu->error_code, SEL_NP);
    cr_assert(FAULTS(x86_load_segment(cpu, X86_SEG_SS, SEL_RO)));
    cr_assert_eq(cpu->common.exception_index, X86_EXCP_GP);
    cr_assert_eq(cpu->error_code, SEL_RO);
    cr_assert(FAULTS(x86_load_segment(cpu, X86_SEG_ES, SEL_XO)));
    cr_assert_eq(cpu->error_code, SEL_XO);
    cr_assert(FAULTS(x86_load_segment(cpu, X86_SEG_FS, 0x0103))); /* beyond the GDT limit */
    cr_assert_eq(cpu->common.exception_index, X86_EXCP_GP);
    cr_assert_eq(cpu->error_code, 0x0100);
    /* A null selector in DS is fine; its use is #GP(0). */
    x86_load_segment(cpu, X86_SEG_DS, 0);
    cr_assert(FAULTS(x86_seg_linear(cpu, X86_SEG_DS, 0, 1, false)));
    /* Ring 3 may not load a DPL 0 data segment. */
    ring3();
    cr_assert(FAULTS(x86_load_segment(cpu, X86_SEG_DS, SEL_DATA0)));
    cr_assert_eq(cpu->error_code, SEL_DATA0);
    /* A read-only segment is unwritable. */
    cpu->segs[X86_SEG_CS].attr &= (uint16_t)~X86_SEGA_DPL; /* back to ring 0 */
    cpu->segs[X86_SEG_SS].attr &= (uint16_t)~X86_SEGA_DPL;
    x86_update_hflags(cpu);
    x86_load_segment(cpu, X86_SEG_ES, SEL_RO);
    cr_assert(FAULTS(x86_seg_linear(cpu, X86_SEG_ES, 0x100, 4, true)));
}

/* ---- interrupts ---- */

Test(x86_sysrt, real_mode_software_interrupt)
{
    put32(0x21 * 4, 0x12345678u); /* IVT: 1234:5678 */
    x86_load_segment(cpu, X86_SEG_SS, 0);
    cpu->segs[X86_SEG_CS] = cpu->segs[X86_SEG_SS];
    cpu->segs[X86_SEG_CS].selector = 0x100;
    cpu->segs[X86_SEG_CS].base = 0x1000;
    x86_update_hflags(cpu);
    x86_set_eip(cpu, 0x10);
    cpu->regs[X86_ESP] = 0x7000;
    x86_set_eflags(cpu, X86_IF | X86_CF, ~0u);
    cpu->pending_vector = 0x21;
    cpu->swint_len = 2;
    cpu->common.exception_index = X86_EXCP_SWINT;
    x86_do_interrupt(&cpu->common);
    cr_assert_eq(cpu->regs[X86_ESP], 0x6ffa);
    cr_assert_eq(get16(0x6ffa), 0x12, "return IP after INT");
    cr_assert_eq(get16(0x6ffc), 0x100);
    cr_assert_eq(get16(0x6ffe), X86_IF | X86_CF | 2);
    cr_assert_eq(cpu->segs[X86_SEG_CS].selector, 0x1234);
    cr_assert_eq(cpu->common.pc, 0x12340 + 0x5678);
    cr_assert_eq(x86_get_eflags(cpu) & X86_IF, 0);
    /* IRET comes back. */
    x86_iret(cpu, 2, 0);
    cr_assert_eq(cpu->common.pc, 0x1012);
    cr_assert_eq(x86_get_eflags(cpu), X86_IF | X86_CF | 2);
    cr_assert_eq(cpu->regs[X86_ESP], 0x7000);
}

Test(x86_sysrt, protected_interrupt_to_inner_ring)
{
    protected_mode();
    set_idt(0x80, SEL_CODE0, 0x2000, 0xee); /* 32-bit interrupt gate, DPL 3 */
    ring3();
    x86_set_eip(cpu, 0x4000);
    x86_set_eflags(cpu, X86_IF | X86_ZF, ~0u);
    cpu->pending_vector = 0x80;
    cpu->swint_len = 2;
    cpu->common.exception_index = X86_EXCP_SWINT;
    x86_do_interrupt(&cpu->common);
    cr_assert_eq(x86_cpl(cpu), 0);
    cr_assert_eq(cpu->segs[X86_SEG_SS].selector, SEL_DATA0);
    cr_assert_eq(cpu->segs[X86_SEG_CS].selector, SEL_CODE0);
    cr_assert_eq(x86_get_eip(cpu), 0x2000);
    cr_assert_eq(cpu->regs[X86_ESP], 0x9000 - 20);
    cr_assert_eq(get32(0x9000 - 4), SEL_DATA3, "old SS");
    cr_assert_eq(get32(0x9000 - 8), 0xa000, "old ESP");
    cr_assert_eq(get32(0x9000 - 12), X86_IF | X86_ZF | 2, "EFLAGS");
    cr_assert_eq(get32(0x9000 - 16), SEL_CODE3, "CS");
    cr_assert_eq(get32(0x9000 - 20), 0x4002, "EIP after INT");
    cr_assert_eq(x86_get_eflags(cpu) & X86_IF, 0);
    /* IRET to ring 3 restores the outer stack. */
    x86_iret(cpu, 4, 0);
    cr_assert_eq(x86_cpl(cpu), 3);
    cr_assert_eq(cpu->regs[X86_ESP], 0xa000);
    cr_assert_eq(x86_get_eip(cpu), 0x4002);
    cr_assert_eq(x86_get_eflags(cpu), X86_IF | X86_ZF | 2);
}

Test(x86_sysrt, exception_with_error_code_and_gate_checks)
{
    protected_mode();
    set_idt(X86_EXCP_GP, SEL_CODE0, 0x2100, 0x8f); /* trap gate, DPL 0 */
    x86_set_eflags(cpu, X86_IF, ~0u);
    x86_set_exception(cpu, X86_EXCP_GP, true, 0x1234);
    x86_do_interrupt(&cpu->common);
    cr_assert_eq(x86_get_eip(cpu), 0x2100);
    cr_assert_eq(cpu->regs[X86_ESP], 0x8000 - 16);
    cr_assert_eq(get32(0x8000 - 16), 0x1234, "error code");
    cr_assert_eq(get32(0x8000 - 12), 0x1000, "faulting EIP");
    cr_assert(x86_get_eflags(cpu) & X86_IF, "a trap gate leaves IF");
    /* INT n through a DPL 0 gate from ring 3: #GP(vector * 8 + 2). */
    ring3();
    set_idt(0x81, SEL_CODE0, 0x2000, 0x8e);
    cpu->pending_vector = 0x81;
    cpu->swint_len = 2;
    cpu->common.exception_index = X86_EXCP_SWINT;
    cr_assert(FAULTS(x86_do_interrupt(&cpu->common)));
    cr_assert_eq(cpu->common.exception_index, X86_EXCP_GP);
    cr_assert_eq(cpu->error_code, 0x81 * 8 + 2);
    /* Beyond the IDT limit, from an external event: EXT set. */
    cpu->idtr.limit = 0x7f;
    cpu->delivering_vector = -1;
    cr_assert(FAULTS(x86_deliver(cpu, 0x20, false, false, 0, 0)));
    cr_assert_eq(cpu->error_code, 0x20 * 8 + 3);
}

Test(x86_sysrt, double_and_triple_fault)
{
    protected_mode();
    set_idt(X86_EXCP_DF, SEL_CODE0, 0x2800, 0x8e);
    /* #GP's gate is not present: #NP while delivering #GP -> #DF. */
    set_idt(X86_EXCP_GP, SEL_CODE0, 0x2100, 0x0e);
    x86_set_exception(cpu, X86_EXCP_GP, true, 0);
    cr_assert(FAULTS(x86_do_interrupt(&cpu->common)));
    cr_assert_eq(cpu->common.exception_index, X86_EXCP_NP);
    cr_assert_eq(cpu->error_code, X86_EXCP_GP * 8 + 3);
    x86_do_interrupt(&cpu->common);
    cr_assert_eq(x86_get_eip(cpu), 0x2800, "double fault handler");
    cr_assert_eq(get32((uint32_t)cpu->regs[X86_ESP]), 0, "#DF error code 0");
    cr_assert_eq(cpu->delivering_vector, -1);
    /* #DF's gate gone too: a fault delivering #DF shuts down (reset). */
    protected_mode();
    set_idt(X86_EXCP_DF, SEL_CODE0, 0x2800, 0x0e);
    x86_set_exception(cpu, X86_EXCP_GP, true, 0);
    cr_assert(FAULTS(x86_do_interrupt(&cpu->common)));
    cr_assert(FAULTS(x86_do_interrupt(&cpu->common)));
    x86_do_interrupt(&cpu->common);
    cr_assert_eq(cpu->common.pc, 0xfffffff0u, "triple fault resets the cpu");
    cr_assert_eq(cpu->cr[0], 0x60000010u);
}

static int ack_vector;
static int test_intr_ack(void *opaque)
{
    (void)opaque;
    return ack_vector;
}

Test(x86_sysrt, external_interrupt_and_hlt)
{
    protected_mode();
    set_idt(0x30, SEL_CODE0, 0x2200, 0x8e);
    cpu->intr_ack = test_intr_ack;
    ack_vector = 0x30;
    /* HLT: halted, resuming after the instruction. */
    cpu->swint_len = 1;
    cpu->common.exception_index = X86_EXCP_HLT;
    x86_do_interrupt(&cpu->common);
    cr_assert(cpu->common.halted);
    cr_assert_eq(x86_get_eip(cpu), 0x1001);
    atomic_store(&cpu->common.interrupt_request, CPU_INTERRUPT_HARD);
    cr_assert_not(x86_has_work(&cpu->common), "IF clear: no wake up");
    cr_assert_not(x86_check_interrupts(&cpu->common));
    x86_set_eflags(cpu, X86_IF, X86_IF);
    cr_assert(x86_has_work(&cpu->common));
    cpu->inhibit_irq = true;
    cr_assert_not(x86_check_interrupts(&cpu->common), "interrupt shadow");
    cpu->inhibit_irq = false;
    cr_assert(x86_check_interrupts(&cpu->common));
    cr_assert_eq(x86_get_eip(cpu), 0x2200);
    cr_assert_eq(get32((uint32_t)cpu->regs[X86_ESP]), 0x1001, "return to after HLT");
}

Test(x86_sysrt, vm86_interrupt_to_ring0)
{
    protected_mode();
    set_idt(0x0d, SEL_CODE0, 0x2300, 0x8e);
    /* Enter vm86 at 2000:0010 with SS:SP 3000:0100 through IRET. */
    uint32_t frame[] = {0x10, 0x2000, X86_VM | X86_IF | 2, 0x100, 0x3000, 0x11, 0x22, 0x33, 0x44};
    memcpy(ram(0x8000 - sizeof frame), frame, sizeof frame);
    cpu->regs[X86_ESP] = 0x8000 - sizeof frame;
    x86_iret(cpu, 4, 0);
    cr_assert(cpu->hflags & X86_TBF_VM86);
    cr_assert_eq(x86_cpl(cpu), 3);
    cr_assert_eq(cpu->common.pc, 0x20010);
    cr_assert_eq(cpu->segs[X86_SEG_DS].base, 0x220);
    /* A #GP in vm86 goes to ring 0 with GS FS DS ES pushed. */
    x86_set_exception(cpu, X86_EXCP_GP, true, 0);
    x86_do_interrupt(&cpu->common);
    cr_assert_not(cpu->hflags & X86_TBF_VM86);
    cr_assert_eq(x86_cpl(cpu), 0);
    cr_assert_eq(cpu->regs[X86_ESP], 0x9000 - 40);
    cr_assert_eq(get32(0x9000 - 4), 0x44, "GS");
    cr_assert_eq(get32(0x9000 - 16), 0x11, "ES");
    cr_assert_eq(get32(0x9000 - 20), 0x3000, "SS");
    cr_assert_eq(get32(0x9000 - 24), 0x100, "ESP");
    cr_assert(get32(0x9000 - 28) & X86_VM, "EFLAGS image has VM");
    cr_assert_eq(cpu->segs[X86_SEG_DS].selector, 0);
}

/* ---- far transfers and tasks ---- */

Test(x86_sysrt, call_gate_to_ring0_copies_parameters)
{
    protected_mode();
    ring3();
    put32(0xa000, 0xdeadbeef); /* the one parameter */
    x86_far_call(cpu, SEL_CALLG | 3, 0, 4, 0x4005);
    cr_assert_eq(x86_cpl(cpu), 0);
    cr_assert_eq(x86_get_eip(cpu), 0x3000);
    cr_assert_eq(cpu->regs[X86_ESP], 0x9000 - 20);
    cr_assert_eq(get32(0x9000 - 4), SEL_DATA3);
    cr_assert_eq(get32(0x9000 - 8), 0xa000);
    cr_assert_eq(get32(0x9000 - 12), 0xdeadbeef);
    cr_assert_eq(get32(0x9000 - 16), SEL_CODE3);
    cr_assert_eq(get32(0x9000 - 20), 0x4005);
    /* RET 4 to ring 3 pops the parameter from both stacks. */
    x86_far_return(cpu, 4, 4);
    cr_assert_eq(x86_cpl(cpu), 3);
    cr_assert_eq(x86_get_eip(cpu), 0x4005);
    cr_assert_eq(cpu->regs[X86_ESP], 0xa004);
    cr_assert_eq(cpu->segs[X86_SEG_DS].selector, SEL_DATA3, "DPL 3 data kept");
}

Test(x86_sysrt, task_switch_call_and_iret)
{
    protected_mode();
    /* Task 1: EIP 0x5000, EAX 0x1111, ring-0 flat segments. */
    memset(ram(TSS1), 0, 0x68);
    put32(TSS1 + 0x20, 0x5000);
    put32(TSS1 + 0x24, 2);
    put32(TSS1 + 0x28, 0x1111);
    put32(TSS1 + 0x38, 0x7000);
    for (int i = 0; i < 6; i++)
        put32(TSS1 + 0x48 + 4u * (unsigned)i, i == X86_SEG_CS ? SEL_CODE0 : SEL_DATA0);
    cpu->regs[X86_EAX] = 0xaaaa;
    x86_far_call(cpu, SEL_TSS1, 0, 4, 0x1007);
    cr_assert_eq(cpu->tr.selector, SEL_TSS1);
    cr_assert_eq(x86_get_eip(cpu), 0x5000);
    cr_assert_eq(cpu->regs[X86_EAX], 0x1111);
    cr_assert_eq(cpu->regs[X86_ESP], 0x7000);
    cr_assert(x86_get_eflags(cpu) & X86_NT);
    cr_assert(cpu->cr[0] & X86_CR0_TS);
    cr_assert_eq(get16(TSS1), SEL_TSS0, "back link");
    cr_assert_eq((get64(GDT + SEL_TSS1) >> 40) & 0xf, 0xb, "new TSS busy");
    cr_assert_eq(get32(TSS0 + 0x20), 0x1007, "old EIP saved");
    cr_assert_eq(get32(TSS0 + 0x28), 0xaaaa, "old EAX saved");
    /* IRET with NT returns to task 0. */
    x86_iret(cpu, 4, 0x5003);
    cr_assert_eq(cpu->tr.selector, SEL_TSS0);
    cr_assert_eq(x86_get_eip(cpu), 0x1007);
    cr_assert_eq(cpu->regs[X86_EAX], 0xaaaa);
    cr_assert_eq((get64(GDT + SEL_TSS1) >> 40) & 0xf, 0x9, "task 1 no longer busy");
    cr_assert_eq(get32(TSS1 + 0x24) & X86_NT, 0, "NT cleared in the saved image");
    /* Calling a busy TSS is #GP(selector). */
    cr_assert(FAULTS(x86_far_jump(cpu, SEL_TSS0, 0, 0)));
    cr_assert_eq(cpu->common.exception_index, X86_EXCP_GP);
    cr_assert_eq(cpu->error_code, SEL_TSS0);
}

Test(x86_sysrt, multiboot_state)
{
    x86_setup_multiboot_state(cpu, 0x100000, 0x9000);
    cr_assert_eq(cpu->regs[X86_EAX], 0x2badb002u);
    cr_assert_eq(cpu->regs[X86_EBX], 0x9000);
    cr_assert_eq(cpu->common.pc, 0x100000);
    cr_assert(cpu->cr[0] & X86_CR0_PE);
    cr_assert_eq(cpu->hflags & (X86_TBF_PE | X86_TBF_CS32 | X86_TBF_FLAT | X86_TBF_CPL),
                 X86_TBF_PE | X86_TBF_CS32 | X86_TBF_FLAT);
    cr_assert_eq(x86_get_eflags(cpu) & (X86_IF | X86_VM), 0);
}

Test(x86_sysrt, port_io_without_bus)
{
    cr_assert_eq(x86_port_read(cpu, 0x80, 1), 0xff);
    cr_assert_eq(x86_port_read(cpu, 0x80, 2), 0xffff);
    cr_assert_eq(x86_port_read(cpu, 0x80, 4), 0xffffffffu);
    x86_port_write(cpu, 0x80, 1, 1); /* nothing there: ignored */
}
