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

#include "frontends/x86/x86_internal.h"
#include "tests/unit/x86_testcpu.h"

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

/* Run code (then HLT) at CODE_BASE, CPL 0, interrupts off, ESP
 * STACK_TOP; limited: CS is SEL_LIMITED (limit CS_LIMIT). */
static X86Test *dbg_run(const uint8_t *code, size_t len, X86TestAccel accel, bool limited)
{
    X86Test *t = x86test_new(accel, 0);
    x86test_load_hlt(t, CODE_BASE, code, len);
    x86test_write(t, DB_ENTRY, db_handler, sizeof db_handler);
    x86test_write(t, GP_ENTRY, gp_handler, sizeof gp_handler);
    const uint64_t gdt[4] = {0, x86test_seg_desc(0, 0xfffff, 0x9a, 0xc),
                             x86test_seg_desc(0, 0xfffff, 0x92, 0xc),
                             x86test_seg_desc(0, CS_LIMIT, 0x9a, 0x4)};
    x86test_write(t, GDT, gdt, sizeof gdt);
    x86test_write64(t, IDT + 8 * X86_EXCP_DB, x86test_int_gate(SEL_CODE, DB_ENTRY));
    x86test_write64(t, IDT + 8 * X86_EXCP_GP, x86test_int_gate(SEL_CODE, GP_ENTRY));

    X86CPU *cpu = t->cpu;
    x86test_flat32(t, CODE_BASE);
    cpu->gdtr = (X86TableReg){GDT, sizeof gdt - 1};
    cpu->idtr = (X86TableReg){IDT, 0xff};
    if (limited)
        x86_load_segment_cache(cpu, X86_SEG_CS, SEL_LIMITED, 0, CS_LIMIT,
                               X86_SEGA_P | X86_SEGA_S | X86_SEGA_DB | X86_SEGA_ACCESSED |
                                   X86_SEGA_CODE | X86_SEGA_WRITABLE);
    cpu->regs[X86_ESP] = STACK_TOP;
    x86test_run(t);
    return t;
}

#define CODE(...) (const uint8_t[]){__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__})
#define LE32(v)   (v) & 0xff, ((v) >> 8) & 0xff, ((v) >> 16) & 0xff, ((uint32_t)(v) >> 24) & 0xff

/* DR6 without its fixed-1 bits: B0-B3 and BS. */
static uint32_t dr6_bits(X86Test *t)
{
    return x86test_read32(t, DB_DR6) & 0x400f;
}

/* ---- instruction breakpoints ---- */

X86TEST_BOTH(x86_debug, insn_breakpoint)
{
    /* 1000 mov eax, 0x1011; 1005 mov dr0, eax; 1008 mov eax, 1 (L0, execute);
     * 100d mov dr7, eax; 1010 nop; 1011 inc dword [COUNTER]; 1017 nop */
    X86Test *t = dbg_run(CODE(0xb8, LE32(0x1011), 0x0f, 0x23, 0xc0, 0xb8, LE32(1), 0x0f, 0x23, 0xf8,
                              0x90, 0xff, 0x05, LE32(COUNTER), 0x90),
                         accel, false);
    cr_assert_eq(x86test_read32(t, DB_COUNT), 1, "one #DB");
    cr_assert_eq(x86test_read32(t, DB_EIP), 0x1011, "a fault: EIP is the instruction");
    cr_assert_eq(dr6_bits(t), 1, "DR6.B0");
    cr_assert_eq(x86test_read32(t, DB_EFLAGS) & X86_RF, 0,
                 "an instruction breakpoint pushes RF as is");
    cr_assert_eq(x86test_read32(t, COUNTER), 1, "RF lets the instruction run once");
    cr_assert_eq(x86_get_eflags(t->cpu) & X86_RF, 0, "RF is cleared after the instruction");
    x86test_free(t);
}

/* ---- data breakpoints ---- */

/* DR1 = WATCHED, LEN 4 write; then body; ends at .next = 0x1010 + body_len. */
static X86Test *write_watch(X86TestAccel accel, const uint8_t *body, size_t body_len)
{
    uint8_t code[64] = {
        0xb8, LE32(WATCHED),    0x0f, 0x23, 0xc8, /* mov eax, WATCHED; mov dr1, eax */
        0xb8, LE32(0x00d00004), 0x0f, 0x23, 0xf8, /* L1, R/W1 = 01, LEN1 = 11 */
    };
    memcpy(code + 16, body, body_len);
    code[16 + body_len] = 0x90; /* .next: nop */
    return dbg_run(code, 16 + body_len + 1, accel, false);
}

X86TEST_BOTH(x86_debug, write_watchpoint)
{
    /* mov eax, [WATCHED] (a read: no trap); mov byte [WATCHED + 2], 7 */
    X86Test *t = write_watch(accel, CODE(0xa1, LE32(WATCHED), 0xc6, 0x05, LE32(WATCHED + 2), 7));
    cr_assert_eq(x86test_read32(t, DB_COUNT), 1, "one #DB");
    cr_assert_eq(x86test_read32(t, DB_EIP), 0x1010 + 12, "a trap: EIP after the write");
    cr_assert_eq(dr6_bits(t), 2, "DR6.B1");
    cr_assert_eq(x86test_read32(t, WATCHED), 0x00070000, "the write happened");
    x86test_free(t);

    /* A dword write at WATCHED - 2 reaches two watched bytes; one at
     * WATCHED - 4 none. */
    t = write_watch(accel, CODE(0xc7, 0x05, LE32(WATCHED - 4), LE32(0x11223344)));
    cr_assert_eq(x86test_read32(t, DB_COUNT), 0, "adjacent dword: no #DB");
    x86test_free(t);
    t = write_watch(accel, CODE(0xc7, 0x05, LE32(WATCHED - 2), LE32(0x11223344)));
    cr_assert_eq(x86test_read32(t, DB_COUNT), 1, "overlapping dword: one #DB");
    cr_assert_eq(x86test_read32(t, DB_EIP), 0x1010 + 10);
    cr_assert_eq(dr6_bits(t), 2);
    x86test_free(t);
}

X86TEST_BOTH(x86_debug, read_watchpoint)
{
    /* DR3 = WATCHED + 1, R/W3 = 11, LEN3 = 00; mov al, [WATCHED + 1] */
    X86Test *t = dbg_run(CODE(0xb8, LE32(WATCHED + 1), 0x0f, 0x23, 0xd8, 0xb8, LE32(0x30000040),
                              0x0f, 0x23, 0xf8, 0xa0, LE32(WATCHED + 1), 0x90),
                         accel, false);
    cr_assert_eq(x86test_read32(t, DB_COUNT), 1, "one #DB");
    cr_assert_eq(x86test_read32(t, DB_EIP), 0x1015, "EIP after the read");
    cr_assert_eq(dr6_bits(t), 8, "DR6.B3");
    x86test_free(t);
}

/* REP STOSB over 16 bytes with a write watch on the ninth: the trap
 * follows that iteration (SDM Vol 3 §18.3.1.2), EIP at the REP STOSB
 * with ECX counting what is left and RF pushed as 1; the rest runs after
 * the handler returns. */
X86TEST_BOTH(x86_debug, rep_string_watchpoint)
{
    /* 1000 mov eax, STRING + 8; 1005 mov dr1, eax; 1008 mov eax, 0x100004 (L1, write, LEN 1);
     * 100d mov dr7, eax; 1010 mov edi, STRING; 1015 mov ecx, 16; 101a mov al, 0x5a;
     * 101c rep stosb; 101e nop */
    X86Test *t =
        dbg_run(CODE(0xb8, LE32(STRING + 8), 0x0f, 0x23, 0xc8, 0xb8, LE32(0x00100004), 0x0f, 0x23,
                     0xf8, 0xbf, LE32(STRING), 0xb9, LE32(16), 0xb0, 0x5a, 0xf3, 0xaa, 0x90),
                accel, false);
    cr_assert_eq(x86test_read32(t, DB_COUNT), 1, "one #DB");
    cr_assert_eq(x86test_read32(t, DB_EIP), 0x101c, "EIP at the unfinished REP STOSB");
    cr_assert_eq(x86test_read32(t, DB_ECX), 7, "after the ninth iteration");
    cr_assert(x86test_read32(t, DB_EFLAGS) & X86_RF, "RF pushed for a non-final iteration");
    cr_assert_eq(dr6_bits(t), 2);
    cr_assert_eq(x86test_read32(t, STRING + 12), 0x5a5a5a5a, "the string completes");
    cr_assert_eq((uint32_t)t->cpu->regs[X86_ECX], 0);
    x86test_free(t);
}

/* Single step and a data breakpoint in one instruction: one #DB with
 * DR6.BS and DR6.B1. */
X86TEST_BOTH(x86_debug, single_step_and_watchpoint)
{
    /* 1000 mov eax, WATCHED; 1005 mov dr1, eax; 1008 mov eax, 0xd00004 (L1, write, LEN 4);
     * 100d mov dr7, eax; 1010 pushfd; 1011 or dword [esp], TF; 1018 popfd; 1019 nop (BS);
     * 101a mov byte [WATCHED], 1 (BS and B1); 1021 hlt */
    X86Test *t = dbg_run(CODE(0xb8, LE32(WATCHED), 0x0f, 0x23, 0xc8, 0xb8, LE32(0x00d00004), 0x0f,
                              0x23, 0xf8, 0x9c, 0x81, 0x0c, 0x24, LE32(X86_TF), 0x9d, 0x90, 0xc6,
                              0x05, LE32(WATCHED), 1),
                         accel, false);
    cr_assert_eq(x86test_read32(t, DB_COUNT), 2, "after the NOP and after the MOV");
    cr_assert_eq(x86test_read32(t, DB_EIP), 0x1021);
    cr_assert_eq(dr6_bits(t), 0x4002, "DR6.BS and DR6.B1 in one #DB");
    x86test_free(t);
}

/* ---- CS limit ---- */

static void expect_gp(X86Test *t, uint32_t eip, uint32_t esp, uint32_t ecx)
{
    cr_assert_eq(x86test_read32(t, GP_EIP), eip, "#GP at 0x%x, got 0x%x", eip,
                 x86test_read32(t, GP_EIP));
    cr_assert_eq(x86test_read32(t, GP_ESP), esp - 16, "ESP as before the instruction");
    cr_assert_eq(x86test_read32(t, GP_ECX), ecx, "ECX as before the instruction");
}

/* Each far-reaching transfer faults with the state before it. */
X86TEST_BOTH(x86_debug, cs_limit_transfers)
{
    static const struct {
        uint8_t code[16];
        size_t len;
        uint32_t eip, esp; /* at the #GP */
    } cases[] = {
        /* 1000 mov ecx, 5; 1005 jmp 0x3000 */
        {{0xb9, LE32(5), 0xe9, LE32(0x3000 - 0x100a)}, 10, 0x1005, STACK_TOP},
        /* 1000 mov ecx, 5; 1005 call 0x3000: ESP unchanged */
        {{0xb9, LE32(5), 0xe8, LE32(0x3000 - 0x100a)}, 10, 0x1005, STACK_TOP},
        /* 1000 mov ecx, 5; 1005 push 0x3000; 100a ret: ESP still holds the pushed value */
        {{0xb9, LE32(5), 0x68, LE32(0x3000), 0xc3}, 11, 0x100a, STACK_TOP - 4},
        /* 1000 mov ecx, 5; 1005 loop +0x7f (0x1086): ECX not decremented */
        {{0xb9, LE32(5), 0xe2, 0x7f}, 7, 0x1005, STACK_TOP},
        /* 1000 mov ecx, 5; 1005 mov eax, 0x1080; 100a jmp eax */
        {{0xb9, LE32(5), 0xb8, LE32(0x1080), 0xff, 0xe0}, 12, 0x100a, STACK_TOP},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        X86Test *t = dbg_run(cases[k].code, cases[k].len, accel, true);
        expect_gp(t, cases[k].eip, cases[k].esp, 5);
        x86test_free(t);
    }
    /* A not-taken Jcc to beyond the limit does nothing: 1000 xor eax, eax;
     * 1002 jnz 0x3000; 1008 inc dword [COUNTER] */
    X86Test *t =
        dbg_run(CODE(0x31, 0xc0, 0x0f, 0x85, LE32(0x3000 - 0x1008), 0xff, 0x05, LE32(COUNTER)),
                accel, true);
    cr_assert_eq(x86test_read32(t, COUNTER), 1);
    cr_assert_eq(x86test_read32(t, GP_EIP), 0, "no #GP");
    x86test_free(t);
}

/* Sequential execution: the instruction whose bytes cross the limit
 * faults, the ones before it complete. */
X86TEST_BOTH(x86_debug, cs_limit_fetch)
{
    uint8_t code[0x90];
    memset(code, 0x90, sizeof code);                       /* NOPs up to 0x107c */
    const uint8_t tail[] = {0xb9, LE32(5), 0xbb, LE32(2)}; /* 1077 mov ecx, 5; 107c mov ebx, 2 */
    memcpy(code + 0x77, tail, sizeof tail);
    X86Test *t = dbg_run(code, 0x77 + sizeof tail, accel, true);
    expect_gp(t, 0x107c, STACK_TOP, 5);
    cr_assert_eq((uint32_t)t->cpu->regs[X86_EBX], 0);
    x86test_free(t);
}
