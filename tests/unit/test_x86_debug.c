/*
 * x86 debug registers and CS-limit checks on a bare cpu (SDM Vol 3
 * §18.2-18.3, Vol 2 JMP/CALL/RET/LOOP "Operation"): instruction
 * breakpoints with RF, write and read/write watchpoints (also for an
 * access reaching into the watched bytes, and for a REP string), and
 * #GP(0) for jumps beyond the CS limit and for code running past it.
 *
 * Each program runs in 32-bit protected mode at 0x1000, under the
 * interpreter and under the LLVM JIT (every block compiled first).  The
 * #DB handler counts, records EIP, ECX, the pushed EFLAGS and DR6, clears
 * DR6, sets RF in the image and returns; the #GP handler records EIP,
 * ESP and ECX and halts.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "backends/llvm/jit.h"
#include "core/cpu_loop.h"
#include "core/machine.h"
#include "frontends/x86/x86_internal.h"
#include "softmmu/memory.h"

#define RAM_SIZE  0x100000u
#define CODE_BASE 0x1000u
#define GDT       0x500u
#define IDT       0x800u
#define DB_ENTRY  0x5000u
#define GP_ENTRY  0x5100u
#define STACK_TOP 0x8000u

/* What the handlers record. */
enum {
    DB_COUNT = 0x6000,
    DB_EIP = 0x6004,
    DB_DR6 = 0x6008,
    DB_ECX = 0x600c,
    GP_EIP = 0x6010,
    GP_ESP = 0x6014,
    GP_ECX = 0x6018,
    DB_EFLAGS = 0x601c,
    COUNTER = 0x6020,
    WATCHED = 0x6030,
    STRING = 0x6040,
};

enum { SEL_CODE = 0x08, SEL_DATA = 0x10, SEL_LIMITED = 0x18 };
/* The code segment of the limit tests: base 0, limit 0x107f, 32-bit. */
#define CS_LIMIT 0x107fu

static MemoryRegion dbg_ram;

static bool dbg_board_init(Machine *m)
{
    if (!memory_region_init_ram(&dbg_ram, "x86dbg.ram", RAM_SIZE)) return false;
    memory_region_add_subregion(m->system_memory, 0, &dbg_ram, 0);
    return machine_add_cpu(m, &x86_arch_ops) != NULL;
}

static void dbg_board_finalize(Machine *m)
{
    memory_region_del_subregion(m->system_memory, &dbg_ram);
    memory_region_destroy(&dbg_ram);
}

static const MachineClass dbg_board = {
    .name = "x86-debug-test",
    .desc = "test",
    .arch = "x86",
    .default_ram_size = RAM_SIZE,
    .max_cpus = 1,
    .init = dbg_board_init,
    .finalize = dbg_board_finalize,
};

static const uint8_t db_handler[] = {
    0xff, 0x05, 0x00, 0x60, 0x00, 0x00,             /* inc dword [DB_COUNT] */
    0x50,                                           /* push eax */
    0x8b, 0x44, 0x24, 0x04,                         /* mov eax, [esp + 4] (EIP) */
    0xa3, 0x04, 0x60, 0x00, 0x00,                   /* mov [DB_EIP], eax */
    0x8b, 0x44, 0x24, 0x0c,                         /* mov eax, [esp + 12] (EFLAGS) */
    0xa3, 0x1c, 0x60, 0x00, 0x00,                   /* mov [DB_EFLAGS], eax */
    0x89, 0x0d, 0x0c, 0x60, 0x00, 0x00,             /* mov [DB_ECX], ecx */
    0x0f, 0x21, 0xf0,                               /* mov eax, dr6 */
    0xa3, 0x08, 0x60, 0x00, 0x00,                   /* mov [DB_DR6], eax */
    0x31, 0xc0,                                     /* xor eax, eax */
    0x0f, 0x23, 0xf0,                               /* mov dr6, eax */
    0x81, 0x4c, 0x24, 0x0c, 0x00, 0x00, 0x01, 0x00, /* or dword [esp + 12], RF */
    0x58,                                           /* pop eax */
    0xcf,                                           /* iretd */
};

static const uint8_t gp_handler[] = {
    0x8b, 0x44, 0x24, 0x04,             /* mov eax, [esp + 4] (EIP, after the error code) */
    0xa3, 0x10, 0x60, 0x00, 0x00,       /* mov [GP_EIP], eax */
    0x89, 0x25, 0x14, 0x60, 0x00, 0x00, /* mov [GP_ESP], esp */
    0x89, 0x0d, 0x18, 0x60, 0x00, 0x00, /* mov [GP_ECX], ecx */
    0xf4,                               /* hlt */
};

static uint64_t seg_desc(uint32_t base, uint32_t limit, unsigned access, unsigned flags)
{
    return (uint64_t)(limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)access << 40 |
           (uint64_t)((limit >> 16) & 0xf) << 48 | (uint64_t)flags << 52 |
           (uint64_t)(base >> 24) << 56;
}

static uint64_t gate_desc(uint16_t sel, uint32_t off)
{
    return (uint64_t)(off & 0xffff) | (uint64_t)sel << 16 | (uint64_t)0x8e << 40 |
           (uint64_t)(off >> 16) << 48;
}

typedef struct DbgRun {
    Machine *m;
    X86CPU *cpu;
} DbgRun;

static void poke(Machine *m, uint32_t pa, const void *p, size_t len)
{
    cr_assert_eq(address_space_rw(m->as, pa, (void *)p, len, true), MEMTX_OK);
}

static uint32_t peek32(const DbgRun *r, uint32_t pa)
{
    uint32_t v = 0;
    cr_assert_eq(address_space_rw(r->m->as, pa, &v, 4, false), MEMTX_OK);
    return v;
}

/* Run code (then HLT) at CODE_BASE, CPL 0, interrupts off, ESP
 * STACK_TOP; limited: CS is SEL_LIMITED (limit CS_LIMIT). */
static void dbg_run(const uint8_t *code, size_t len, bool jit, bool limited, DbgRun *r)
{
    Machine *m = machine_create(&dbg_board, NULL);
    cr_assert_not_null(m);
    poke(m, CODE_BASE, code, len);
    poke(m, CODE_BASE + (uint32_t)len, "\xf4", 1);
    poke(m, DB_ENTRY, db_handler, sizeof db_handler);
    poke(m, GP_ENTRY, gp_handler, sizeof gp_handler);
    const uint64_t gdt[4] = {0, seg_desc(0, 0xfffff, 0x9a, 0xc), seg_desc(0, 0xfffff, 0x92, 0xc),
                             seg_desc(0, CS_LIMIT, 0x9a, 0x4)};
    poke(m, GDT, gdt, sizeof gdt);
    const uint64_t db_gate = gate_desc(SEL_CODE, DB_ENTRY), gp_gate = gate_desc(SEL_CODE, GP_ENTRY);
    poke(m, IDT + 8 * X86_EXCP_DB, &db_gate, 8);
    poke(m, IDT + 8 * X86_EXCP_GP, &gp_gate, 8);

    X86CPU *cpu = x86_cpu(m->cpus[0]);
    cpu_reset(&cpu->common);
    cpu->cr[0] |= X86_CR0_PE;
    cpu->gdtr.base = GDT;
    cpu->gdtr.limit = sizeof gdt - 1;
    cpu->idtr.base = IDT;
    cpu->idtr.limit = 0xff;
    const uint16_t common = X86_SEGA_P | X86_SEGA_S | X86_SEGA_DB | X86_SEGA_ACCESSED;
    const uint16_t code_attr = common | X86_SEGA_CODE | X86_SEGA_WRITABLE;
    if (limited)
        x86_load_segment_cache(cpu, X86_SEG_CS, SEL_LIMITED, 0, CS_LIMIT, code_attr);
    else
        x86_load_segment_cache(cpu, X86_SEG_CS, SEL_CODE, 0, UINT32_MAX, code_attr | X86_SEGA_G);
    for (int s = 0; s < X86_NUM_SEGS; s++)
        if (s != X86_SEG_CS)
            x86_load_segment_cache(cpu, s, SEL_DATA, 0, UINT32_MAX,
                                   common | X86_SEGA_WRITABLE | X86_SEGA_G);
    x86_update_hflags(cpu);
    x86_set_eip(cpu, CODE_BASE);
    x86_set_eflags(cpu, 0, X86_IF | X86_TF);
    cpu->regs[X86_ESP] = STACK_TOP;
    Jit *j = NULL;
    if (jit) {
        char err[256];
        JitOptions jo = {.threshold = 1, .cache_size = JIT_DEFAULT_CACHE_SIZE, .sync = true};
        j = jit_create(&jo, m->tb_cache, err, sizeof err);
        cr_assert_not_null(j, "%s", err);
        m->jit = j;
        cpu->common.jit_threshold = jit_threshold(j);
    }
    for (int i = 0; i < 100 && !cpu->common.halted; i++)
        cpu_exec(&cpu->common, 10000);
    cr_assert(cpu->common.halted, "did not reach HLT (pc 0x%llx, exception %d)",
              (unsigned long long)cpu->common.pc, cpu->common.exception_index);
    if (j) {
        m->jit = NULL;
        jit_destroy(j);
    }
    r->m = m;
    r->cpu = cpu;
}

static void dbg_done(DbgRun *r)
{
    machine_destroy(r->m);
}

#define CODE(...) (const uint8_t[]){__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__})
#define LE32(v)   (v) & 0xff, ((v) >> 8) & 0xff, ((v) >> 16) & 0xff, ((uint32_t)(v) >> 24) & 0xff

/* DR6 without its fixed-1 bits: B0-B3 and BS. */
static uint32_t dr6_bits(const DbgRun *r)
{
    return peek32(r, DB_DR6) & 0x400f;
}

/* ---- instruction breakpoints ---- */

static void insn_breakpoint(bool jit)
{
    /* 1000 mov eax, 0x1011; 1005 mov dr0, eax; 1008 mov eax, 1 (L0, execute);
     * 100d mov dr7, eax; 1010 nop; 1011 inc dword [COUNTER]; 1017 nop */
    DbgRun r;
    dbg_run(CODE(0xb8, LE32(0x1011), 0x0f, 0x23, 0xc0, 0xb8, LE32(1), 0x0f, 0x23, 0xf8, 0x90, 0xff,
                 0x05, LE32(COUNTER), 0x90),
            jit, false, &r);
    cr_assert_eq(peek32(&r, DB_COUNT), 1, "one #DB");
    cr_assert_eq(peek32(&r, DB_EIP), 0x1011, "a fault: EIP is the instruction");
    cr_assert_eq(dr6_bits(&r), 1, "DR6.B0");
    cr_assert_eq(peek32(&r, DB_EFLAGS) & X86_RF, 0, "an instruction breakpoint pushes RF as is");
    cr_assert_eq(peek32(&r, COUNTER), 1, "RF lets the instruction run once");
    cr_assert_eq(x86_get_eflags(r.cpu) & X86_RF, 0, "RF is cleared after the instruction");
    dbg_done(&r);
}

Test(x86_debug, insn_breakpoint_interp)
{
    insn_breakpoint(false);
}

Test(x86_debug, insn_breakpoint_jit)
{
    insn_breakpoint(true);
}

/* ---- data breakpoints ---- */

/* DR1 = WATCHED, LEN 4 write; then body; ends at .next = 0x1010 + body_len. */
static void write_watch(bool jit, const uint8_t *body, size_t body_len, DbgRun *r)
{
    uint8_t code[64] = {
        0xb8, LE32(WATCHED),    0x0f, 0x23, 0xc8, /* mov eax, WATCHED; mov dr1, eax */
        0xb8, LE32(0x00d00004), 0x0f, 0x23, 0xf8, /* L1, R/W1 = 01, LEN1 = 11 */
    };
    memcpy(code + 16, body, body_len);
    code[16 + body_len] = 0x90; /* .next: nop */
    dbg_run(code, 16 + body_len + 1, jit, false, r);
}

static void write_watchpoint(bool jit)
{
    /* mov eax, [WATCHED] (a read: no trap); mov byte [WATCHED + 2], 7 */
    DbgRun r;
    write_watch(jit, CODE(0xa1, LE32(WATCHED), 0xc6, 0x05, LE32(WATCHED + 2), 7), &r);
    cr_assert_eq(peek32(&r, DB_COUNT), 1, "one #DB");
    cr_assert_eq(peek32(&r, DB_EIP), 0x1010 + 12, "a trap: EIP after the write");
    cr_assert_eq(dr6_bits(&r), 2, "DR6.B1");
    cr_assert_eq(peek32(&r, WATCHED), 0x00070000, "the write happened");
    dbg_done(&r);

    /* A dword write at WATCHED - 2 reaches two watched bytes; one at
     * WATCHED - 4 none. */
    write_watch(jit, CODE(0xc7, 0x05, LE32(WATCHED - 4), LE32(0x11223344)), &r);
    cr_assert_eq(peek32(&r, DB_COUNT), 0, "adjacent dword: no #DB");
    dbg_done(&r);
    write_watch(jit, CODE(0xc7, 0x05, LE32(WATCHED - 2), LE32(0x11223344)), &r);
    cr_assert_eq(peek32(&r, DB_COUNT), 1, "overlapping dword: one #DB");
    cr_assert_eq(peek32(&r, DB_EIP), 0x1010 + 10);
    cr_assert_eq(dr6_bits(&r), 2);
    dbg_done(&r);
}

Test(x86_debug, write_watchpoint_interp)
{
    write_watchpoint(false);
}

Test(x86_debug, write_watchpoint_jit)
{
    write_watchpoint(true);
}

static void read_watchpoint(bool jit)
{
    /* DR3 = WATCHED + 1, R/W3 = 11, LEN3 = 00; mov al, [WATCHED + 1] */
    DbgRun r;
    dbg_run(CODE(0xb8, LE32(WATCHED + 1), 0x0f, 0x23, 0xd8, 0xb8, LE32(0x30000040), 0x0f, 0x23,
                 0xf8, 0xa0, LE32(WATCHED + 1), 0x90),
            jit, false, &r);
    cr_assert_eq(peek32(&r, DB_COUNT), 1, "one #DB");
    cr_assert_eq(peek32(&r, DB_EIP), 0x1015, "EIP after the read");
    cr_assert_eq(dr6_bits(&r), 8, "DR6.B3");
    dbg_done(&r);
}

Test(x86_debug, read_watchpoint_interp)
{
    read_watchpoint(false);
}

Test(x86_debug, read_watchpoint_jit)
{
    read_watchpoint(true);
}

/* REP STOSB over 16 bytes with a write watch on the ninth: the trap
 * follows that iteration (SDM Vol 3 §18.3.1.2), EIP at the REP STOSB
 * with ECX counting what is left and RF pushed as 1; the rest runs after
 * the handler returns. */
static void rep_string_watchpoint(bool jit)
{
    /* 1000 mov eax, STRING + 8; 1005 mov dr1, eax; 1008 mov eax, 0x100004 (L1, write, LEN 1);
     * 100d mov dr7, eax; 1010 mov edi, STRING; 1015 mov ecx, 16; 101a mov al, 0x5a;
     * 101c rep stosb; 101e nop */
    DbgRun r;
    dbg_run(CODE(0xb8, LE32(STRING + 8), 0x0f, 0x23, 0xc8, 0xb8, LE32(0x00100004), 0x0f, 0x23, 0xf8,
                 0xbf, LE32(STRING), 0xb9, LE32(16), 0xb0, 0x5a, 0xf3, 0xaa, 0x90),
            jit, false, &r);
    cr_assert_eq(peek32(&r, DB_COUNT), 1, "one #DB");
    cr_assert_eq(peek32(&r, DB_EIP), 0x101c, "EIP at the unfinished REP STOSB");
    cr_assert_eq(peek32(&r, DB_ECX), 7, "after the ninth iteration");
    cr_assert(peek32(&r, DB_EFLAGS) & X86_RF, "RF pushed for a non-final iteration");
    cr_assert_eq(dr6_bits(&r), 2);
    cr_assert_eq(peek32(&r, STRING + 12), 0x5a5a5a5a, "the string completes");
    cr_assert_eq((uint32_t)r.cpu->regs[X86_ECX], 0);
    dbg_done(&r);
}

Test(x86_debug, rep_string_watchpoint_interp)
{
    rep_string_watchpoint(false);
}

Test(x86_debug, rep_string_watchpoint_jit)
{
    rep_string_watchpoint(true);
}

/* Single step and a data breakpoint in one instruction: one #DB with
 * DR6.BS and DR6.B1. */
static void single_step_and_watchpoint(bool jit)
{
    /* 1000 mov eax, WATCHED; 1005 mov dr1, eax; 1008 mov eax, 0xd00004 (L1, write, LEN 4);
     * 100d mov dr7, eax; 1010 pushfd; 1011 or dword [esp], TF; 1018 popfd; 1019 nop (BS);
     * 101a mov byte [WATCHED], 1 (BS and B1); 1021 hlt */
    DbgRun r;
    dbg_run(CODE(0xb8, LE32(WATCHED), 0x0f, 0x23, 0xc8, 0xb8, LE32(0x00d00004), 0x0f, 0x23, 0xf8,
                 0x9c, 0x81, 0x0c, 0x24, LE32(X86_TF), 0x9d, 0x90, 0xc6, 0x05, LE32(WATCHED), 1),
            jit, false, &r);
    cr_assert_eq(peek32(&r, DB_COUNT), 2, "after the NOP and after the MOV");
    cr_assert_eq(peek32(&r, DB_EIP), 0x1021);
    cr_assert_eq(dr6_bits(&r), 0x4002, "DR6.BS and DR6.B1 in one #DB");
    dbg_done(&r);
}

Test(x86_debug, single_step_and_watchpoint_interp)
{
    single_step_and_watchpoint(false);
}

Test(x86_debug, single_step_and_watchpoint_jit)
{
    single_step_and_watchpoint(true);
}

/* ---- CS limit ---- */

static void expect_gp(const DbgRun *r, uint32_t eip, uint32_t esp, uint32_t ecx)
{
    cr_assert_eq(peek32(r, GP_EIP), eip, "#GP at 0x%x, got 0x%x", eip, peek32(r, GP_EIP));
    cr_assert_eq(peek32(r, GP_ESP), esp - 16, "ESP as before the instruction");
    cr_assert_eq(peek32(r, GP_ECX), ecx, "ECX as before the instruction");
}

static void cs_limit_transfers(bool jit)
{
    DbgRun r;
    /* 1000 mov ecx, 5; 1005 jmp 0x3000 */
    dbg_run(CODE(0xb9, LE32(5), 0xe9, LE32(0x3000 - 0x100a)), jit, true, &r);
    expect_gp(&r, 0x1005, STACK_TOP, 5);
    dbg_done(&r);
    /* 1000 mov ecx, 5; 1005 call 0x3000: ESP unchanged */
    dbg_run(CODE(0xb9, LE32(5), 0xe8, LE32(0x3000 - 0x100a)), jit, true, &r);
    expect_gp(&r, 0x1005, STACK_TOP, 5);
    dbg_done(&r);
    /* 1000 mov ecx, 5; 1005 push 0x3000; 100a ret: ESP still holds the pushed value */
    dbg_run(CODE(0xb9, LE32(5), 0x68, LE32(0x3000), 0xc3), jit, true, &r);
    expect_gp(&r, 0x100a, STACK_TOP - 4, 5);
    dbg_done(&r);
    /* 1000 mov ecx, 5; 1005 loop +0x7f (0x1086): ECX not decremented */
    dbg_run(CODE(0xb9, LE32(5), 0xe2, 0x7f), jit, true, &r);
    expect_gp(&r, 0x1005, STACK_TOP, 5);
    dbg_done(&r);
    /* 1000 mov ecx, 5; 1005 jmp eax (eax = 0x1080) */
    dbg_run(CODE(0xb9, LE32(5), 0xb8, LE32(0x1080), 0xff, 0xe0), jit, true, &r);
    expect_gp(&r, 0x100a, STACK_TOP, 5);
    dbg_done(&r);
    /* A not-taken Jcc to beyond the limit does nothing: 1000 xor eax, eax;
     * 1002 jnz 0x3000; 1008 inc dword [COUNTER] */
    dbg_run(CODE(0x31, 0xc0, 0x0f, 0x85, LE32(0x3000 - 0x1008), 0xff, 0x05, LE32(COUNTER)), jit,
            true, &r);
    cr_assert_eq(peek32(&r, COUNTER), 1);
    cr_assert_eq(peek32(&r, GP_EIP), 0, "no #GP");
    dbg_done(&r);
}

Test(x86_debug, cs_limit_transfers_interp)
{
    cs_limit_transfers(false);
}

Test(x86_debug, cs_limit_transfers_jit)
{
    cs_limit_transfers(true);
}

/* Sequential execution: the instruction whose bytes cross the limit
 * faults, the ones before it complete. */
static void cs_limit_fetch(bool jit)
{
    uint8_t code[0x90];
    memset(code, 0x90, sizeof code);                       /* NOPs up to 0x107c */
    const uint8_t tail[] = {0xb9, LE32(5), 0xbb, LE32(2)}; /* 1077 mov ecx, 5; 107c mov ebx, 2 */
    memcpy(code + 0x77, tail, sizeof tail);
    DbgRun r;
    dbg_run(code, 0x77 + sizeof tail, jit, true, &r);
    expect_gp(&r, 0x107c, STACK_TOP, 5);
    cr_assert_eq((uint32_t)r.cpu->regs[X86_EBX], 0);
    dbg_done(&r);
}

Test(x86_debug, cs_limit_fetch_interp)
{
    cs_limit_fetch(false);
}

Test(x86_debug, cs_limit_fetch_jit)
{
    cs_limit_fetch(true);
}
