/*
 * The x86 system group (frontends/x86/x86_insn_system.c,
 * x86_insn_segment.c), CPUID (x86_cpuid.c) and MSRs (x86_msr.c):
 * CPUID leaves against the behaviour behind each feature bit, MSR round
 * trips and #GP on unknown or reserved values (the C functions), the TSS
 * I/O bitmap, and hand-assembled guest code on a bare x86 cpu: real mode
 * into protected mode, control registers, port I/O, CPUID, MSRs, task
 * register and descriptor queries, SYSENTER/SYSEXIT.
 */
#include <criterion/criterion.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "frontends/x86/x86_internal.h"
#include "frontends/x86/x86_io.h"
#include "frontends/x86/x86_msr.h"
#include "tests/unit/x86_testcpu.h"

/* ================================================================ */
/* CPUID and MSRs on a zeroed cpu                                    */

static X86CPU *bare_cpu(void)
{
    X86CPU *cpu = calloc(1, sizeof *cpu);
    cr_assert_not_null(cpu);
    x86_msr_reset(cpu);
    return cpu;
}

static void cpuid(X86CPU *cpu, uint32_t leaf, uint32_t out[4])
{
    x86_cpuid(cpu, leaf, 0, out);
}

Test(x86_cpuid, vendor_and_max_leaves)
{
    X86CPU *cpu = bare_cpu();
    uint32_t r[4];
    cpuid(cpu, 0, r);
    char vendor[13] = {0};
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    cr_assert_str_eq(vendor, "GenuineIntel");
    cr_assert_geq(r[0], 2);
    uint32_t max_basic = r[0];
    cpuid(cpu, 0x80000000u, r);
    cr_assert_geq(r[0], 0x80000004u);
    /* Beyond either range: the highest basic leaf. */
    uint32_t top[4], beyond[4];
    cpuid(cpu, max_basic, top);
    cpuid(cpu, max_basic + 1, beyond);
    cr_assert_arr_eq(top, beyond, sizeof top);
    cpuid(cpu, r[0] + 1, beyond);
    cr_assert_arr_eq(top, beyond, sizeof top);
    free(cpu);
}

Test(x86_cpuid, signature_and_brand)
{
    X86CPU *cpu = bare_cpu();
    uint32_t r[4];
    cpuid(cpu, 1, r);
    cr_assert_eq((r[0] >> 8) & 0xf, 6, "family 6");
    cr_assert_eq((r[1] >> 8) & 0xff, 8, "CLFLUSH line 64 bytes");
    cr_assert_eq(r[2], 0, "no leaf 1 ECX features (no SSE3)");
    char brand[49] = {0};
    for (uint32_t i = 0; i < 3; i++) {
        cpuid(cpu, 0x80000002u + i, r);
        memcpy(brand + 16 * i, r, 16);
    }
    cr_assert_str_eq(brand, "doppel i686 CPU");
    free(cpu);
}

/* Every feature bit is backed by the behaviour it promises, and nothing
 * beyond the i686 set is claimed. */
Test(x86_cpuid, features_match_behaviour)
{
    X86CPU *cpu = bare_cpu();
    uint32_t r[4];
    cpuid(cpu, 1, r);
    uint32_t edx = r[3];
    const uint32_t expected = 1u << 0 | 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 6 |
                              1u << 7 | 1u << 8 | 1u << 9 | 1u << 11 | 1u << 12 | 1u << 13 |
                              1u << 14 | 1u << 15 | 1u << 16 | 1u << 19 | 1u << 23 | 1u << 24 |
                              1u << 25 | 1u << 26;
    cr_assert_eq(edx, expected, "leaf 1 EDX %#x", edx);
    uint64_t v;
    cr_assert(x86_rdmsr(cpu, X86_MSR_TSC, &v), "TSC, MSR");
    cr_assert(x86_rdmsr(cpu, X86_MSR_APIC_BASE, &v) && v == X86_APIC_BASE_RESET, "APIC");
    cr_assert(x86_wrmsr(cpu, X86_MSR_SYSENTER_CS, 8), "SEP");
    cr_assert(x86_rdmsr(cpu, X86_MSR_MTRRCAP, &v) && (v & 0xff) == 8 && (v & 0x100), "MTRR");
    cr_assert(x86_rdmsr(cpu, X86_MSR_PAT, &v) && v == 0x0007040600070406ull, "PAT");
    cr_assert(x86_rdmsr(cpu, X86_MSR_MCG_CAP, &v), "MCA");
    /* NX in 0x80000001 and EFER.NXE go together; no long mode. */
    cpuid(cpu, 0x80000001u, r);
    cr_assert(r[3] & (1u << 20), "NX");
    cr_assert_not(r[3] & (1u << 29), "no LM");
    cr_assert(x86_wrmsr(cpu, X86_MSR_EFER, X86_EFER_NXE));
    cr_assert_not(x86_wrmsr(cpu, X86_MSR_EFER, X86_EFER_LME));
    cr_assert_not(x86_wrmsr(cpu, X86_MSR_EFER, X86_EFER_SCE));
    /* MISC_ENABLE.XD_DISABLE hides NX from both. */
    cr_assert(x86_wrmsr(cpu, X86_MSR_EFER, 0));
    cr_assert(x86_rdmsr(cpu, X86_MSR_MISC_ENABLE, &v));
    cr_assert(x86_wrmsr(cpu, X86_MSR_MISC_ENABLE, v | X86_MISC_XD_DISABLE));
    cpuid(cpu, 0x80000001u, r);
    cr_assert_not(r[3] & (1u << 20));
    cr_assert_not(x86_wrmsr(cpu, X86_MSR_EFER, X86_EFER_NXE));
    free(cpu);
}

Test(x86_cpuid, apic_id_is_cpu_index)
{
    X86CPU *cpu = bare_cpu();
    cpu->common.cpu_index = 3;
    uint32_t r[4];
    cpuid(cpu, 1, r);
    cr_assert_eq(r[1] >> 24, 3);
    free(cpu);
}

Test(x86_msr, round_trips)
{
    X86CPU *cpu = bare_cpu();
    static const struct {
        uint32_t msr;
        uint64_t value;
    } cases[] = {
        {X86_MSR_SYSENTER_CS, 0x10},
        {X86_MSR_SYSENTER_ESP, 0xc0001000},
        {X86_MSR_SYSENTER_EIP, 0xc0100000},
        {X86_MSR_PAT, 0x0007010600070106ull},
        {X86_MSR_MTRR_DEF_TYPE, 0xc06},
        {X86_MSR_MTRR_PHYSBASE0, 0x00000000f0000000ull | 1},
        {X86_MSR_MTRR_PHYSBASE0 + 1, 0x0000000ff0000800ull},
        {X86_MSR_MTRR_PHYSBASE0 + 15, 0x0000000fff000800ull},
        {X86_MSR_MTRR_FIX64K_00000, 0x0606060606060606ull},
        {X86_MSR_MTRR_FIX16K_A0000, 0x0000000001010101ull},
        {X86_MSR_MTRR_FIX4K_C0000 + 7, 0x0505050505050505ull},
        {X86_MSR_APIC_BASE, 0xfee00800ull},
        {X86_MSR_EFER, X86_EFER_NXE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t v = 0;
        cr_assert(x86_wrmsr(cpu, cases[i].msr, cases[i].value), "wrmsr %#x", cases[i].msr);
        cr_assert(x86_rdmsr(cpu, cases[i].msr, &v), "rdmsr %#x", cases[i].msr);
        cr_assert_eq(v, cases[i].value, "msr %#x: %#llx", cases[i].msr, (unsigned long long)v);
    }
    free(cpu);
}

Test(x86_msr, gp_on_unknown_and_reserved)
{
    X86CPU *cpu = bare_cpu();
    uint64_t v;
    static const uint32_t unknown[] = {0x11, 0x3a, 0x1d9, 0x400, 0x2000, 0xc0000081, 0xc0000100};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        cr_assert_not(x86_rdmsr(cpu, unknown[i], &v), "rdmsr %#x", unknown[i]);
        cr_assert_not(x86_wrmsr(cpu, unknown[i], 0), "wrmsr %#x", unknown[i]);
    }
    cr_assert_not(x86_wrmsr(cpu, X86_MSR_PAT, 0x02), "PAT type 2 is reserved");
    cr_assert_not(x86_wrmsr(cpu, X86_MSR_PAT, 0x08), "PAT byte bits 3-7 reserved");
    cr_assert_not(x86_wrmsr(cpu, X86_MSR_MTRR_PHYSBASE0, 7), "MTRR type 7 invalid");
    cr_assert_not(x86_wrmsr(cpu, X86_MSR_MTRR_PHYSBASE0 + 1, 1ull << 40), "above 36 bits");
    cr_assert_not(x86_wrmsr(cpu, X86_MSR_MTRR_FIX64K_00000, 0x0300), "fixed type 3");
    cr_assert_not(x86_wrmsr(cpu, X86_MSR_MTRR_DEF_TYPE, 1ull << 12));
    cr_assert_not(x86_wrmsr(cpu, X86_MSR_APIC_BASE, 1ull << 40));
    cr_assert_not(x86_wrmsr(cpu, X86_MSR_MTRRCAP, 0), "read-only");
    cr_assert_not(x86_wrmsr(cpu, X86_MSR_MCG_CAP, 0), "read-only");
    cr_assert(x86_wrmsr(cpu, X86_MSR_BIOS_SIGN_ID, 0), "Linux writes 0 to it");
    /* A rejected write changes nothing. */
    cr_assert(x86_rdmsr(cpu, X86_MSR_PAT, &v));
    cr_assert_eq(v, 0x0007040600070406ull);
    free(cpu);
}

Test(x86_msr, tsc_write_sets_offset)
{
    X86CPU *cpu = bare_cpu(); /* no machine: the virtual clock reads 0 */
    cr_assert(x86_wrmsr(cpu, X86_MSR_TSC, 123456789));
    cr_assert_eq(x86_rdtsc(cpu), 123456789);
    uint64_t v;
    cr_assert(x86_rdmsr(cpu, X86_MSR_TSC, &v));
    cr_assert_eq(v, 123456789);
    free(cpu);
}

/* ================================================================ */
/* A bare x86 board: 1 MiB of RAM, one cpu, a recording port device  */
/* at I/O ports 0x80-0x8f.                                           */

#define SYS_RAM        0x100000u
#define SYS_CODE       0x1000u
#define SYS_GDT        0x2000u
#define SYS_GDTR       0x2100u /* a pseudo-descriptor for LGDT */
#define SYS_DATA       0x3000u
#define SYS_IDT        0x4000u
#define SYS_TSS        0x6000u
#define SYS_STACK      0x8000u
#define SYS_GP_HANDLER 0x1f00u /* HLT */
#define SYS_PORTS      0x80u

typedef struct SysPortLog {
    uint16_t port;
    unsigned size;
    uint32_t value;
} SysPortLog;

/* The OUTs a test's port device saw. */
typedef struct SysPorts {
    SysPortLog outs[8];
    unsigned nouts;
} SysPorts;

/* Reads return 0xa5a5a500 plus the port offset, so sizes are visible. */
static uint64_t sys_port_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque;
    uint64_t v = 0xa5a5a500u + offset;
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void sys_port_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    SysPorts *s = opaque;
    if (s && s->nouts < 8)
        s->outs[s->nouts++] = (SysPortLog){(uint16_t)(SYS_PORTS + offset), size, (uint32_t)value};
}

static const MemoryRegionOps sys_port_ops = {
    sys_port_read, sys_port_write, DEVICE_LITTLE_ENDIAN, 1, 4, false};

/* The GDT every test uses: flat ring-0 code (0x08) and data (0x10),
 * ring-3 code (0x18) and data (0x20), a 32-bit available TSS at SYS_TSS
 * (0x28) with an I/O bitmap; and an IDT whose #GP gate leads to a HLT. */
#define SEL_TSS 0x28
static void sys_tables(X86Test *t)
{
    x86test_write64(t, SYS_GDT + 0x00, 0);
    x86test_write64(t, SYS_GDT + 0x08, 0x00cf9a000000ffffull);
    x86test_write64(t, SYS_GDT + 0x10, 0x00cf92000000ffffull);
    x86test_write64(t, SYS_GDT + 0x18, 0x00cffa000000ffffull);
    x86test_write64(t, SYS_GDT + 0x20, 0x00cff2000000ffffull);
    /* TSS: limit 0x67 + bitmap of 0x20 bytes + the 0xff terminator. */
    uint64_t tss_limit = 0x68 + 0x20;
    x86test_write64(t, SYS_GDT + SEL_TSS, tss_limit | (uint64_t)SYS_TSS << 16 | 0x89ull << 40);
    uint8_t pseudo[6] = {0x2f, 0, SYS_GDT & 0xff, SYS_GDT >> 8, 0, 0};
    x86test_write(t, SYS_GDTR, pseudo, 6);
    /* TSS I/O map base at byte 102; ports 0x81 and 0x88 denied. */
    uint8_t iobase[2] = {0x68, 0};
    x86test_write(t, SYS_TSS + 102, iobase, 2);
    uint8_t map[0x21] = {0};
    map[0x80 / 8] = 0x02 | 0x00;
    map[0x88 / 8] = 0x01;
    map[0x20] = 0xff;
    x86test_write(t, SYS_TSS + 0x68, map, sizeof map);
    /* #GP (13): a 32-bit interrupt gate to SYS_GP_HANDLER. */
    x86test_write64(t, SYS_IDT + 13 * 8, x86test_int_gate(0x08, SYS_GP_HANDLER));
    const uint8_t hlt = 0xf4;
    x86test_write(t, SYS_GP_HANDLER, &hlt, 1);
}

/* The test machine with the tables and the port device; its OUTs go to
 * ports (NULL: nowhere). */
static X86Test *sys_machine(SysPorts *ports)
{
    X86Test *t = x86test_new(X86T_INTERP, SYS_RAM);
    x86test_add_ports(t, SYS_PORTS, 0x10, &sys_port_ops, ports);
    sys_tables(t);
    return t;
}

/* Flat 32-bit protected mode at CPL 0 with the test GDT and IDT. */
static void sys_flat32(X86Test *t)
{
    x86test_flat32(t, SYS_CODE);
    t->cpu->gdtr = (X86TableReg){SYS_GDT, 0x2f};
    t->cpu->idtr = (X86TableReg){SYS_IDT, 0x7ff};
    t->cpu->regs[X86_ESP] = SYS_STACK;
}

/* A new test machine that has run prog at SYS_CODE (sys_flat32). */
static X86Test *sys_run_flat32(const uint8_t *prog, size_t len)
{
    X86Test *t = sys_machine(NULL);
    sys_flat32(t);
    x86test_write(t, SYS_CODE, prog, len);
    x86test_run(t);
    return t;
}

/* Whether the run ended in the #GP handler, with error code err. */
static void assert_gp(X86Test *t, uint32_t err)
{
    X86CPU *cpu = t->cpu;
    cr_assert_eq(x86_get_eip(cpu), SYS_GP_HANDLER + 1, "EIP %#x, not in the #GP handler",
                 x86_get_eip(cpu));
    cr_assert_eq(x86test_read32(t, (uint32_t)cpu->regs[X86_ESP]), err, "error code");
}

TestSuite(x86_system);

/* Real mode: LGDT, CR0.PE, a far jump into 32-bit code, segment loads. */
Test(x86_system, real_to_protected)
{
    X86Test *t = sys_machine(NULL);
    X86CPU *cpu = t->cpu;
    const uint16_t code =
        X86_SEGA_P | X86_SEGA_S | X86_SEGA_WRITABLE | X86_SEGA_ACCESSED | X86_SEGA_CODE;
    x86_load_segment_cache(cpu, X86_SEG_CS, 0, 0, 0xffff, code);
    x86_set_eip(cpu, SYS_CODE);
    static const uint8_t real[] = {
        0x0f,          0x01, 0x16, SYS_GDTR & 0xff,
        SYS_GDTR >> 8,                   /* lgdt [0x2100] */
        0x0f,          0x20, 0xc0,       /* mov eax, cr0 */
        0x66,          0x83, 0xc8, 0x01, /* or eax, 1 */
        0x0f,          0x22, 0xc0,       /* mov cr0, eax */
        0x66,          0xea, 0x00, 0x11,
        0x00,          0x00, 0x08, 0x00, /* jmp dword 0x08:0x1100 */
    };
    static const uint8_t prot[] = {
        0xb8, 0x10, 0x00, 0x00, 0x00,                               /* mov eax, 0x10 */
        0x8e, 0xd8,                                                 /* mov ds, ax */
        0x8e, 0xd0,                                                 /* mov ss, ax */
        0xc7, 0x05, 0x00, 0x30, 0x00, 0x00, 0xef, 0xbe, 0xad, 0xde, /* mov [0x3000], imm */
        0x8c, 0xc9,                                                 /* mov ecx, cs */
        0xf4,                                                       /* hlt */
    };
    x86test_write(t, SYS_CODE, real, sizeof real);
    x86test_write(t, 0x1100, prot, sizeof prot);
    x86test_run(t);
    cr_assert(cpu->cr[0] & X86_CR0_PE);
    cr_assert_eq(cpu->gdtr.base, SYS_GDT);
    cr_assert_eq(cpu->gdtr.limit, 0x2f);
    cr_assert_eq(cpu->segs[X86_SEG_CS].selector, 0x08);
    cr_assert(cpu->hflags & X86_TBF_CS32);
    cr_assert_eq(cpu->segs[X86_SEG_DS].selector, 0x10);
    cr_assert_eq(cpu->segs[X86_SEG_SS].selector, 0x10);
    cr_assert_eq(x86test_read32(t, SYS_DATA), 0xdeadbeef);
    cr_assert_eq((uint32_t)cpu->regs[X86_ECX], 0x08, "MOV r32, Sreg zero-extends");
    cr_assert_eq(x86_get_eip(cpu), 0x1100 + sizeof prot);
    x86test_free(t);
}

Test(x86_system, control_registers)
{
    static const uint8_t prog[] = {
        0xb8, 0x90, 0x00, 0x00, 0x00, /* mov eax, 0x90 (PSE | PGE) */
        0x0f, 0x22, 0xe0,             /* mov cr4, eax */
        0x0f, 0x20, 0xe3,             /* mov ebx, cr4 */
        0xb8, 0x00, 0x50, 0x00, 0x00, /* mov eax, 0x5000 */
        0x0f, 0x22, 0xd8,             /* mov cr3, eax */
        0x0f, 0x20, 0xd9,             /* mov ecx, cr3 */
        0x0f, 0x20, 0xc2,             /* mov edx, cr0 */
        0x0f, 0x01, 0xe6,             /* smsw esi */
        0xf4,
    };
    X86Test *t = sys_run_flat32(prog, sizeof prog);
    X86CPU *cpu = t->cpu;
    cr_assert_eq((uint32_t)cpu->regs[X86_EBX], 0x90);
    cr_assert_eq((uint32_t)cpu->regs[X86_ECX], 0x5000);
    cr_assert_eq((uint32_t)cpu->regs[X86_EDX], cpu->cr[0]);
    cr_assert((uint32_t)cpu->regs[X86_EDX] & X86_CR0_PE);
    cr_assert_eq((uint32_t)cpu->regs[X86_ESI], cpu->cr[0], "SMSW r32 stores all of CR0");
    x86test_free(t);
}

Test(x86_system, cr4_reserved_bit_is_gp)
{
    static const uint8_t prog[] = {
        0xb8, 0x00, 0x00, 0x01, 0x00, /* mov eax, 0x10000 (CR4 bit 16) */
        0x0f, 0x22, 0xe0,             /* mov cr4, eax */
        0xf4,
    };
    X86Test *t = sys_run_flat32(prog, sizeof prog);
    assert_gp(t, 0);
    cr_assert_eq(t->cpu->cr[4], 0);
    x86test_free(t);
}

Test(x86_system, cr0_pg_without_pe_is_gp)
{
    static const uint8_t prog[] = {
        0xb8, 0x00, 0x00, 0x00, 0x80, /* mov eax, 0x80000000 */
        0x0f, 0x22, 0xc0,             /* mov cr0, eax */
        0xf4,
    };
    X86Test *t = sys_run_flat32(prog, sizeof prog);
    assert_gp(t, 0);
    cr_assert(t->cpu->cr[0] & X86_CR0_PE);
    x86test_free(t);
}

Test(x86_system, in_out)
{
    SysPorts ports = {0};
    X86Test *t = sys_machine(&ports);
    sys_flat32(t);
    static const uint8_t prog[] = {
        0xb0, 0x5a,             /* mov al, 0x5a */
        0xe6, 0x81,             /* out 0x81, al */
        0x66, 0xba, 0x84, 0x00, /* mov dx, 0x84 */
        0x66, 0xb8, 0x34, 0x12, /* mov ax, 0x1234 */
        0x66, 0xef,             /* out dx, ax */
        0xec,                   /* in al, dx */
        0x88, 0xc3,             /* mov bl, al */
        0xe5, 0x88,             /* in eax, 0x88 */
        0xf4,
    };
    x86test_write(t, SYS_CODE, prog, sizeof prog);
    x86test_run(t);
    X86CPU *cpu = t->cpu;
    cr_assert_eq(ports.nouts, 2);
    cr_assert_eq(ports.outs[0].port, 0x81);
    cr_assert_eq(ports.outs[0].size, 1);
    cr_assert_eq(ports.outs[0].value, 0x5a);
    cr_assert_eq(ports.outs[1].port, 0x84);
    cr_assert_eq(ports.outs[1].size, 2);
    cr_assert_eq(ports.outs[1].value, 0x1234);
    cr_assert_eq((uint32_t)cpu->regs[X86_EBX] & 0xff, 0x04);
    cr_assert_eq((uint32_t)cpu->regs[X86_EAX], 0xa5a5a508u);
    x86test_free(t);
}

/* The TSS I/O permission bitmap (SDM Vol 1 §19.5.2) at CPL 3, IOPL 0. */
Test(x86_system, io_bitmap)
{
    X86Test *t = sys_machine(NULL);
    sys_flat32(t);
    X86CPU *cpu = t->cpu;
    cpu->tr = (X86Segment){
        .base = SYS_TSS, .limit = 0x68 + 0x20, .selector = SEL_TSS, .attr = X86_SEGA_P | 11};
    /* CPL 0 with IOPL 0: no check at all. */
    cr_assert_eq(X86TEST_RAISED(cpu, x86_check_io(cpu, 0x81, 1)), -1);
    x86_load_segment_cache(cpu, X86_SEG_CS, 0x1b, 0, 0xffffffffu, 0xc0fb);
    x86_load_segment_cache(cpu, X86_SEG_SS, 0x23, 0, 0xffffffffu, 0xc0f3);
    cr_assert_eq(x86_cpl(cpu), 3);
    cr_assert_eq(X86TEST_RAISED(cpu, x86_check_io(cpu, 0x80, 1)), -1);
    cr_assert_eq(X86TEST_RAISED(cpu, x86_check_io(cpu, 0x82, 4)), -1);
    cr_assert_eq(X86TEST_RAISED(cpu, x86_check_io(cpu, 0x81, 1)), X86_EXCP_GP);
    cr_assert_eq(X86TEST_RAISED(cpu, x86_check_io(cpu, 0x80, 2)), X86_EXCP_GP, "covers 0x81");
    cr_assert_eq(X86TEST_RAISED(cpu, x86_check_io(cpu, 0x85, 4)), X86_EXCP_GP, "covers 0x88");
    cr_assert_eq(X86TEST_RAISED(cpu, x86_check_io(cpu, 0x84, 4)), -1);
    cr_assert_eq(X86TEST_RAISED(cpu, x86_check_io(cpu, 0x1000, 1)), X86_EXCP_GP,
                 "past the TSS limit");
    /* IOPL 3 allows everything at CPL 3. */
    cpu->eflags |= X86_IOPL;
    cr_assert_eq(X86TEST_RAISED(cpu, x86_check_io(cpu, 0x81, 1)), -1);
    /* A 16-bit TSS has no bitmap. */
    cpu->eflags &= ~(uint32_t)X86_IOPL;
    cpu->tr.attr = X86_SEGA_P | 3;
    cr_assert_eq(X86TEST_RAISED(cpu, x86_check_io(cpu, 0x80, 1)), X86_EXCP_GP);
    x86test_free(t);
}

Test(x86_system, cpuid_from_guest)
{
    static const uint8_t prog[] = {
        0x31, 0xc0,                   /* xor eax, eax */
        0x0f, 0xa2,                   /* cpuid */
        0x89, 0xde,                   /* mov esi, ebx */
        0xb8, 0x01, 0x00, 0x00, 0x00, /* mov eax, 1 */
        0x0f, 0xa2,                   /* cpuid */
        0xf4,
    };
    X86Test *t = sys_run_flat32(prog, sizeof prog);
    X86CPU *cpu = t->cpu;
    uint32_t r[4];
    x86_cpuid(cpu, 1, 0, r);
    cr_assert_eq((uint32_t)cpu->regs[X86_ESI], 0x756e6547u, "Genu");
    cr_assert_eq((uint32_t)cpu->regs[X86_EAX], r[0]);
    cr_assert_eq((uint32_t)cpu->regs[X86_EDX], r[3]);
    x86test_free(t);
}

Test(x86_system, msr_from_guest)
{
    static const uint8_t prog[] = {
        0xb9, 0x74, 0x01, 0x00, 0x00, /* mov ecx, 0x174 */
        0xb8, 0x10, 0x00, 0x00, 0x00, /* mov eax, 0x10 */
        0x31, 0xd2,                   /* xor edx, edx */
        0x0f, 0x30,                   /* wrmsr */
        0x31, 0xc0,                   /* xor eax, eax */
        0x0f, 0x32,                   /* rdmsr */
        0x89, 0xc6,                   /* mov esi, eax */
        0xb9, 0x78, 0x56, 0x34, 0x12, /* mov ecx, 0x12345678 */
        0x0f, 0x32,                   /* rdmsr: #GP */
        0xf4,
    };
    X86Test *t = sys_run_flat32(prog, sizeof prog);
    X86CPU *cpu = t->cpu;
    cr_assert_eq(cpu->sysenter_cs, 0x10);
    cr_assert_eq((uint32_t)cpu->regs[X86_ESI], 0x10);
    assert_gp(t, 0);
    x86test_free(t);
}

/* LTR marks the TSS busy; STR, LSL and LAR read it back; VERR/VERW. */
Test(x86_system, task_register_and_descriptor_queries)
{
    static const uint8_t prog[] = {
        0x66, 0xb8, SEL_TSS, 0x00,       /* mov ax, 0x28 */
        0x0f, 0x00, 0xd8,                /* ltr ax */
        0x0f, 0x00, 0xc9,                /* str ecx */
        0x0f, 0x03, 0xd0,                /* lsl edx, eax */
        0x0f, 0x02, 0xf0,                /* lar esi, eax */
        0xb8, 0x10, 0x00,    0x00, 0x00, /* mov eax, 0x10 */
        0x0f, 0x00, 0xe0,                /* verr ax */
        0x0f, 0x94, 0xc3,                /* sete bl */
        0xb8, 0x08, 0x00,    0x00, 0x00, /* mov eax, 8 */
        0x0f, 0x00, 0xe8,                /* verw ax */
        0x0f, 0x94, 0xc7,                /* sete bh */
        0xf4,
    };
    X86Test *t = sys_run_flat32(prog, sizeof prog);
    X86CPU *cpu = t->cpu;
    cr_assert_eq(cpu->tr.selector, SEL_TSS);
    cr_assert_eq(cpu->tr.base, SYS_TSS);
    cr_assert_eq(x86test_read8(t, SYS_GDT + SEL_TSS + 5), 0x8b, "busy in the GDT");
    cr_assert_eq((uint32_t)cpu->regs[X86_ECX], SEL_TSS);
    cr_assert_eq((uint32_t)cpu->regs[X86_EDX], 0x88, "LSL");
    cr_assert_eq((uint32_t)cpu->regs[X86_ESI], 0x8b00, "LAR");
    cr_assert_eq((uint32_t)cpu->regs[X86_EBX] & 0xffff, 0x0001, "VERR data 1, VERW code 0");
    x86test_free(t);
}

/* The test machine in flat protected mode at CPL 0, about to SYSEXIT
 * to user (at 0x1300) with ESP 0x2000 in ring 3. */
static X86Test *sys_to_ring3(const uint8_t *user, size_t len)
{
    X86Test *t = sys_machine(NULL);
    sys_flat32(t);
    t->cpu->sysenter_cs = 0x08;
    static const uint8_t prog[] = {
        0xb9, 0x00, 0x20, 0x00, 0x00, /* mov ecx, 0x2000 (user ESP) */
        0xba, 0x00, 0x13, 0x00, 0x00, /* mov edx, 0x1300 (user EIP) */
        0x0f, 0x35,                   /* sysexit */
    };
    x86test_write(t, SYS_CODE, prog, sizeof prog);
    x86test_write(t, 0x1300, user, len);
    return t;
}

/* SYSEXIT to ring 3, read CS there, SYSENTER back to ring 0. */
Test(x86_system, sysenter_sysexit)
{
    static const uint8_t user[] = {
        0x8c, 0xc8, /* mov eax, cs */
        0x89, 0xe3, /* mov ebx, esp */
        0x0f, 0x34, /* sysenter */
    };
    X86Test *t = sys_to_ring3(user, sizeof user);
    X86CPU *cpu = t->cpu;
    cpu->sysenter_esp = 0x7000;
    cpu->sysenter_eip = 0x1400;
    x86test_write(t, 0x1400, "\xf4", 1);
    x86test_run(t);
    cr_assert_eq((uint32_t)cpu->regs[X86_EAX], 0x1b);
    cr_assert_eq((uint32_t)cpu->regs[X86_EBX], 0x2000);
    cr_assert_eq(cpu->segs[X86_SEG_CS].selector, 0x08);
    cr_assert_eq(cpu->segs[X86_SEG_SS].selector, 0x10);
    cr_assert_eq(x86_cpl(cpu), 0);
    cr_assert_eq((uint32_t)cpu->regs[X86_ESP], 0x7000);
    cr_assert_eq(x86_get_eip(cpu), 0x1401);
    x86test_free(t);
}

/* Privileged instructions at CPL 3 are #GP(0): HLT would otherwise stop
 * the run, CLI without IOPL. */
Test(x86_system, privileged_at_cpl3)
{
    static const uint8_t user[] = {0xfa}; /* cli */
    X86Test *t = sys_to_ring3(user, sizeof user);
    X86CPU *cpu = t->cpu;
    /* The #GP goes to ring 0 through the TSS's ESP0/SS0. */
    uint8_t ring0_stack[8] = {0x00, 0x90, 0, 0, 0x10, 0, 0, 0}; /* ESP0 0x9000, SS0 0x10 */
    x86test_write(t, SYS_TSS + 4, ring0_stack, 8);
    cpu->tr =
        (X86Segment){.base = SYS_TSS, .limit = 0x88, .selector = SEL_TSS, .attr = X86_SEGA_P | 11};
    x86test_run(t);
    cr_assert_eq(x86_get_eip(cpu), SYS_GP_HANDLER + 1);
    cr_assert_eq(x86test_read32(t, (uint32_t)cpu->regs[X86_ESP] + 4), 0x1300, "faulting EIP");
    cr_assert_eq(x86test_read32(t, (uint32_t)cpu->regs[X86_ESP] + 8), 0x1b, "CS");
    x86test_free(t);
}
