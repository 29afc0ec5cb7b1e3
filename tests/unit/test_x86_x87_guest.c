/*
 * x87 behaviour that needs the whole translator, run as guest code on a
 * bare x86 cpu (RAM only, flat 32-bit protected mode, no paging) under
 * the interpreter and the LLVM tier (sync):
 * - FXSAVE/FXRSTOR raise #UD when CR0.EM is set and #NM when CR0.TS is
 *   (SDM Vol 2 FXSAVE "Protected Mode Exceptions"), FXSAVE stores
 *   MXCSR_MASK 0xffff and FXRSTOR accepts DAZ (SDM Vol 1 §11.6.6);
 * - the denormal-operand flag of float32/float64 memory operands (SDM
 *   Vol 2 FLD, FADD; Vol 1 §4.9.2), as Intel hardware reports it.
 * The programs were assembled with NASM.
 *
 * Memory map: IDT 0x600 (32 interrupt gates to stubs at 0x3000 + 16 *
 * vector that store the vector at 0x9f0 and halt), GDT 0x800, results
 * 0x9e0, code 0x1000, stack below 0x80000, data 0x10000.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/cpu_loop.h"
#include "core/machine.h"
#include "core/options.h"
#include "frontends/x86/x86_internal.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

#define XG_RAM_SIZE (1u << 20)
#define XG_CODE     0x1000u
#define XG_STACK    0x80000u
#define XG_IDT      0x600u
#define XG_GDT      0x800u
#define XG_STUBS    0x3000u
#define XG_VECTOR   0x9f0u
#define XG_RESULT   0x9e0u
#define XG_DATA     0x10000u
#define XG_NONE     0xffffffffu

typedef enum XgAccel { XG_INTERP, XG_JIT } XgAccel;

static MemoryRegion xg_ram;
static Options xg_opts;

static bool xg_board_init(Machine *m)
{
    if (!memory_region_init_ram(&xg_ram, "x87-guest.ram", XG_RAM_SIZE)) return false;
    memory_region_add_subregion(m->system_memory, 0, &xg_ram, 0);
    return machine_add_cpu(m, &x86_arch_ops) != NULL;
}

static void xg_board_finalize(Machine *m)
{
    memory_region_del_subregion(m->system_memory, &xg_ram);
    memory_region_destroy(&xg_ram);
}

static const MachineClass xg_board = {
    .name = "x86-x87-guest-test",
    .desc = "test",
    .arch = "x86",
    .default_ram_size = XG_RAM_SIZE,
    .max_cpus = 1,
    .init = xg_board_init,
    .finalize = xg_board_finalize,
};

static void xg_write(Machine *m, uint32_t addr, const void *buf, size_t len)
{
    cr_assert_eq(address_space_rw(m->as, addr, (void *)buf, len, true), MEMTX_OK);
}

static uint32_t xg_read32(Machine *m, uint32_t addr)
{
    uint32_t v;
    cr_assert_eq(address_space_rw(m->as, addr, &v, 4, false), MEMTX_OK);
    return v;
}

static uint16_t xg_read16(Machine *m, uint32_t addr)
{
    uint16_t v;
    cr_assert_eq(address_space_rw(m->as, addr, &v, 2, false), MEMTX_OK);
    return v;
}

/* Flat protected mode with CR4.OSFXSR and the given CR0 bits added. */
static Machine *xg_machine(XgAccel accel, const uint8_t *code, size_t len, uint32_t cr0_bits)
{
    memset(&xg_opts, 0, sizeof xg_opts);
    xg_opts.accel = accel == XG_JIT ? ACCEL_JIT : ACCEL_INTERP;
    xg_opts.jit_sync = true;
    Machine *m = machine_create(&xg_board, &xg_opts);
    cr_assert_not_null(m);
    X86CPU *cpu = x86_cpu(m->cpus[0]);
    const uint64_t gdt[3] = {0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull};
    xg_write(m, XG_GDT, gdt, sizeof gdt);
    for (uint32_t v = 0; v < 32; v++) {
        uint32_t stub = XG_STUBS + 16 * v;
        /* mov dword [XG_VECTOR], v; hlt */
        const uint8_t bytes[11] = {
            0xc7, 0x05, XG_VECTOR & 0xff, XG_VECTOR >> 8, 0, 0, (uint8_t)v, 0, 0, 0, 0xf4};
        xg_write(m, stub, bytes, sizeof bytes);
        uint64_t g = (stub & 0xffffu) | (uint64_t)0x08 << 16 | (uint64_t)0x8e00 << 32 |
                     (uint64_t)(stub >> 16) << 48;
        xg_write(m, XG_IDT + 8 * v, &g, 8);
    }
    uint32_t none = XG_NONE;
    xg_write(m, XG_VECTOR, &none, 4);
    xg_write(m, XG_CODE, code, len);
    x86_setup_multiboot_state(cpu, XG_CODE, 0);
    cpu->gdtr = (X86TableReg){XG_GDT, sizeof gdt - 1};
    cpu->idtr = (X86TableReg){XG_IDT, 32 * 8 - 1};
    cpu->regs[X86_ESP] = XG_STACK;
    cpu->cr[0] |= cr0_bits;
    cpu->cr[4] |= X86_CR4_OSFXSR;
    x86_update_hflags(cpu);
    tlb_flush(&cpu->common);
    return m;
}

static void xg_run(Machine *m)
{
    CPUState *c = m->cpus[0];
    for (int i = 0; i < 1000 && !c->halted; i++)
        cpu_exec(c, CPU_SLICE_INSNS);
    cr_assert(c->halted, "the program did not reach HLT (pc %#llx)", (unsigned long long)c->pc);
}

/* fxsave [0x10000]; hlt */
static const uint8_t xg_fxsave[] = {0x0f, 0xae, 0x05, 0x00, 0x00, 0x01, 0x00, 0xf4};

/* fxsave [0x10000]; or dword [0x10018], 0x40 (MXCSR.DAZ in the image);
 * fxrstor [0x10000]; stmxcsr [0x9e0]; hlt */
static const uint8_t xg_fxrstor_daz[] = {
    0x0f, 0xae, 0x05, 0x00, 0x00, 0x01, 0x00, 0x83, 0x0d, 0x18, 0x00, 0x01, 0x00, 0x40, 0x0f,
    0xae, 0x0d, 0x00, 0x00, 0x01, 0x00, 0x0f, 0xae, 0x1d, 0xe0, 0x09, 0x00, 0x00, 0xf4,
};

static void xg_check_fxsave(XgAccel accel)
{
    static const struct {
        uint32_t cr0;
        uint32_t vector;
    } cases[] = {
        {0, XG_NONE},
        {X86_CR0_EM, X86_EXCP_UD},
        {X86_CR0_TS, X86_EXCP_NM},
        {X86_CR0_EM | X86_CR0_TS, X86_EXCP_UD},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        Machine *m = xg_machine(accel, xg_fxsave, sizeof xg_fxsave, cases[k].cr0);
        xg_run(m);
        cr_expect_eq(xg_read32(m, XG_VECTOR), cases[k].vector, "cr0 bits %#x: vector %#x",
                     cases[k].cr0, xg_read32(m, XG_VECTOR));
        if (cases[k].vector == XG_NONE) /* MXCSR_MASK: every low bit writable, DAZ too */
            cr_expect_eq(xg_read32(m, XG_DATA + 28), 0xffffu);
        machine_destroy(m);
    }
    Machine *m = xg_machine(accel, xg_fxrstor_daz, sizeof xg_fxrstor_daz, 0);
    xg_run(m);
    cr_expect_eq(xg_read32(m, XG_VECTOR), XG_NONE, "FXRSTOR of MXCSR.DAZ raised");
    cr_expect_eq(xg_read32(m, XG_RESULT) & 0x40, 0x40, "mxcsr %#x", xg_read32(m, XG_RESULT));
    machine_destroy(m);
}

Test(x86_x87_guest, fxsave_cr0_and_mxcsr_mask_interp)
{
    xg_check_fxsave(XG_INTERP);
}

Test(x86_x87_guest, fxsave_cr0_and_mxcsr_mask_jit)
{
    xg_check_fxsave(XG_JIT);
}

/* With the float64 denormal D at 0x10120, the float80 QNaN at 0x10100
 * and the float80 denormal at 0x10110, each FNSTSW after FNINIT and:
 *   fld tword [qnan]; fadd qword [D]   -> 0x9e0: no DE (a NaN operand)
 *   fld1; fadd qword [D]               -> 0x9e2: DE PE
 *   fldz; fdivr qword [D]              -> 0x9e4: ZE only (D / 0)
 *   fld tword [denormal80]             -> 0x9e6: nothing (FLD m80)
 *   fld qword [D]                      -> 0x9e8: DE (FLD m64)
 * The flags are those of an Intel x87 running the same code. */
static const uint8_t xg_denormal_operands[] = {
    0xdb, 0xe3, 0xdb, 0x2d, 0x00, 0x01, 0x01, 0x00, 0xdc, 0x05, 0x20, 0x01, 0x01, 0x00,
    0xdd, 0x3d, 0xe0, 0x09, 0x00, 0x00, 0xdb, 0xe3, 0xd9, 0xe8, 0xdc, 0x05, 0x20, 0x01,
    0x01, 0x00, 0xdd, 0x3d, 0xe2, 0x09, 0x00, 0x00, 0xdb, 0xe3, 0xd9, 0xee, 0xdc, 0x3d,
    0x20, 0x01, 0x01, 0x00, 0xdd, 0x3d, 0xe4, 0x09, 0x00, 0x00, 0xdb, 0xe3, 0xdb, 0x2d,
    0x10, 0x01, 0x01, 0x00, 0xdd, 0x3d, 0xe6, 0x09, 0x00, 0x00, 0xdb, 0xe3, 0xdd, 0x05,
    0x20, 0x01, 0x01, 0x00, 0xdd, 0x3d, 0xe8, 0x09, 0x00, 0x00, 0xf4,
};

static void xg_check_denormals(XgAccel accel)
{
    static const uint8_t qnan80[10] = {1, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0x7f};
    static const uint8_t den80[10] = {0x34, 0x12, 0, 0, 0, 0, 0, 0, 0, 0};
    const uint64_t den64 = 0x00003cc58f638000ull;
    static const uint16_t want[5] = {0, 0x22, 0x04, 0, 0x02};
    Machine *m = xg_machine(accel, xg_denormal_operands, sizeof xg_denormal_operands, 0);
    xg_write(m, XG_DATA + 0x100, qnan80, sizeof qnan80);
    xg_write(m, XG_DATA + 0x110, den80, sizeof den80);
    xg_write(m, XG_DATA + 0x120, &den64, sizeof den64);
    xg_run(m);
    cr_assert_eq(xg_read32(m, XG_VECTOR), XG_NONE);
    for (unsigned k = 0; k < 5; k++) {
        uint16_t sw = xg_read16(m, XG_RESULT + 2 * k);
        cr_expect_eq(sw & 0x3f, want[k], "case %u: fsw %04x, flags expected %02x", k, sw, want[k]);
    }
    machine_destroy(m);
}

Test(x86_x87_guest, denormal_memory_operands_interp)
{
    xg_check_denormals(XG_INTERP);
}

Test(x86_x87_guest, denormal_memory_operands_jit)
{
    xg_check_denormals(XG_JIT);
}
