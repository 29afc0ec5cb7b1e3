/*
 * The cpu-side debugging core (core/cpu_debug.h) on the bare x86 test
 * machine, under the interpreter and with every block compiled by the
 * LLVM tier: breakpoints by translation (mid-block, in a hot loop,
 * resuming off one), single step (also over a faulting instruction),
 * write/read/access watchpoints through the soft TLB (also from REP
 * MOVSB), memory access through the guest's page tables, and exact
 * instruction counting (CPUState.icount_exact).  Programs run in flat
 * 32-bit protected mode at CODE.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/kvm/kvm_internal.h"
#include "core/cpu_debug.h"
#include "core/cpu_loop.h"
#include "tests/unit/test_util.h"
#include "tests/unit/x86_testcpu.h"

#define CODE   0x1000u
#define GDT    0x500u
#define IDT    0x800u
#define STUBS  0x3000u
#define VECTOR 0x3400u
#define STACK  0x8000u
#define DATA   0x6000u

static X86Test *debug_machine(X86TestAccel accel, const uint8_t *code, size_t len)
{
    X86Test *t = x86test_new(accel, 0);
    x86test_write(t, CODE, code, len);
    x86test_flat32_gdt(t, CODE, GDT, STACK);
    x86test_vector_stubs(t, IDT, STUBS, VECTOR);
    return t;
}

static CPUState *cpu_of(X86Test *t)
{
    return &t->cpu->common;
}

/* Run until the cpu stops for the debugger or halts. */
static int run_until_event(X86Test *t)
{
    for (int i = 0; i < 1000; i++) {
        int r = cpu_exec(cpu_of(t), CPU_SLICE_INSNS);
        if (r == EXCP_DEBUG || r == EXCP_HALTED) return r;
    }
    return EXCP_INTERRUPT;
}

static void expect_stop(X86Test *t, CpuDebugStopKind kind, uint64_t addr, uint32_t pc)
{
    const CpuDebugStop *s = cpu_debug_stop_reason(cpu_of(t));
    cr_assert_eq(s->kind, kind, "stop kind %d, expected %d", s->kind, kind);
    cr_assert_eq(s->addr, addr, "stop addr %#llx, expected %#llx", (unsigned long long)s->addr,
                 (unsigned long long)addr);
    cr_assert_eq(cpu_of(t)->pc, pc, "pc %#llx, expected %#x", (unsigned long long)cpu_of(t)->pc,
                 pc);
}

/* ---- breakpoints ---- */

static const uint8_t straight[] = {
    0xb8, 0x01, 0x00, 0x00, 0x00, /* 1000 mov eax, 1 */
    0xbb, 0x02, 0x00, 0x00, 0x00, /* 1005 mov ebx, 2 */
    0xb9, 0x03, 0x00, 0x00, 0x00, /* 100a mov ecx, 3 */
    0xba, 0x04, 0x00, 0x00, 0x00, /* 100f mov edx, 4 */
    0xf4,                         /* 1014 hlt */
};

X86TEST_BOTH(cpu_debug, breakpoint_mid_block)
{
    X86Test *t = debug_machine(accel, straight, sizeof straight);
    for (int round = 0; round < 2; round++) {
        /* The second round runs the blocks the first one translated. */
        x86test_flat32_gdt(t, CODE, GDT, STACK);
        for (int r = 0; r < 4; r++)
            t->cpu->regs[r] = 0;
        cpu_of(t)->halted = false;
        cr_assert_eq(cpu_breakpoint_insert(cpu_of(t), 0x100a), 0);
        cr_assert(cpu_breakpoint_at(cpu_of(t), 0x100a));
        cr_assert_eq(run_until_event(t), EXCP_DEBUG);
        expect_stop(t, DEBUG_STOP_BREAKPOINT, 0x100a, 0x100a);
        cr_assert_eq(x86test_reg(t, X86_EAX), 1);
        cr_assert_eq(x86test_reg(t, X86_EBX), 2);
        cr_assert_eq(x86test_reg(t, X86_ECX), 0, "ran past the breakpoint");
        /* Continuing without resume stops again at once. */
        cr_assert_eq(run_until_event(t), EXCP_DEBUG);
        expect_stop(t, DEBUG_STOP_BREAKPOINT, 0x100a, 0x100a);
        cpu_debug_resume(cpu_of(t));
        cr_assert_eq(run_until_event(t), EXCP_HALTED);
        cr_assert_eq(x86test_reg(t, X86_ECX), 3);
        cr_assert_eq(x86test_reg(t, X86_EDX), 4);
        cr_assert_eq(cpu_breakpoint_remove(cpu_of(t), 0x100a), 0);
    }
    cr_assert_eq(cpu_breakpoint_remove(cpu_of(t), 0x100a), -ENOENT);
    /* Without it the program runs through. */
    x86test_flat32_gdt(t, CODE, GDT, STACK);
    cpu_of(t)->halted = false;
    cr_assert_eq(run_until_event(t), EXCP_HALTED);
    x86test_free(t);
}

static const uint8_t loop[] = {
    0x31, 0xc9,       /* 1000 xor ecx, ecx */
    0x41,             /* 1002 inc ecx */
    0x01, 0xc8,       /* 1003 add eax, ecx */
    0x83, 0xf9, 0x64, /* 1005 cmp ecx, 100 */
    0x75, 0xf8,       /* 1008 jne 1002 */
    0xf4,             /* 100a hlt */
};

X86TEST_BOTH(cpu_debug, breakpoint_hot_loop)
{
    X86Test *t = debug_machine(accel, loop, sizeof loop);
    t->cpu->regs[X86_EAX] = 0;
    /* Warm up: the loop's blocks translated (and compiled). */
    x86test_run(t);
    cr_assert_eq(x86test_reg(t, X86_EAX), 5050);
    x86test_flat32_gdt(t, CODE, GDT, STACK);
    t->cpu->regs[X86_EAX] = 0;
    cpu_of(t)->halted = false;
    cr_assert_eq(cpu_breakpoint_insert(cpu_of(t), 0x1003), 0);
    for (uint32_t i = 1; i <= 100; i++) {
        cr_assert_eq(run_until_event(t), EXCP_DEBUG, "iteration %u", i);
        expect_stop(t, DEBUG_STOP_BREAKPOINT, 0x1003, 0x1003);
        cr_assert_eq(x86test_reg(t, X86_ECX), i);
        cr_assert_eq(x86test_reg(t, X86_EAX), (i - 1) * i / 2);
        cpu_debug_resume(cpu_of(t));
    }
    cr_assert_eq(run_until_event(t), EXCP_HALTED);
    cr_assert_eq(x86test_reg(t, X86_EAX), 5050);
    x86test_free(t);
}

/* ---- single step ---- */

static const uint8_t stepping[] = {
    0xb8, 0x01, 0x00, 0x00, 0x00,             /* 1000 mov eax, 1 */
    0xeb, 0x09,                               /* 1005 jmp 1010 */
    0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, /* 1007 nops */
    0x90, 0x90,                               /* 100e */
    0x40,                                     /* 1010 inc eax */
    0x31, 0xc9,                               /* 1011 xor ecx, ecx */
    0xf7, 0xf1,                               /* 1013 div ecx: #DE */
    0xf4,                                     /* 1015 hlt */
};

X86TEST_BOTH(cpu_debug, single_step)
{
    X86Test *t = debug_machine(accel, stepping, sizeof stepping);
    CPUState *c = cpu_of(t);
    /* A breakpoint at the start: stepping moves off it. */
    cr_assert_eq(cpu_breakpoint_insert(c, CODE), 0);
    cpu_single_step(c, true);
    cr_assert(cpu_single_stepping(c));
    static const uint32_t pcs[] = {0x1005, 0x1010, 0x1011, 0x1013, STUBS + 0};
    for (unsigned i = 0; i < sizeof pcs / sizeof pcs[0]; i++) {
        cr_assert_eq(cpu_exec(c, CPU_SLICE_INSNS), EXCP_DEBUG, "step %u", i);
        expect_stop(t, DEBUG_STOP_STEP, pcs[i], pcs[i]);
    }
    cr_assert_eq(x86test_reg(t, X86_EAX), 2);
    /* The division faulted: the step ended at the #DE handler's first
     * instruction, which has not run yet. */
    cr_assert_eq(x86test_read32(t, VECTOR), X86TEST_NO_VECTOR);
    cr_assert_eq(cpu_exec(c, CPU_SLICE_INSNS), EXCP_DEBUG);
    cr_assert_eq(x86test_read32(t, VECTOR), 0);
    cpu_single_step(c, false);
    cr_assert_eq(run_until_event(t), EXCP_HALTED);
    x86test_free(t);
}

/* ---- watchpoints ---- */

static const uint8_t accesses[] = {
    0xb8, 0x11, 0x00, 0x00, 0x00,       /* 1000 mov eax, 0x11 */
    0xa3, 0x00, 0x60, 0x00, 0x00,       /* 1005 mov [0x6000], eax */
    0x8b, 0x1d, 0x00, 0x60, 0x00, 0x00, /* 100a mov ebx, [0x6000] */
    0x42,                               /* 1010 inc edx */
    0xf4,                               /* 1011 hlt */
};

static void restart(X86Test *t)
{
    x86test_flat32_gdt(t, CODE, GDT, STACK);
    for (int r = 0; r < 4; r++)
        t->cpu->regs[r] = 0;
    x86test_write32(t, DATA, 0);
    cpu_of(t)->halted = false;
}

static void expect_watch(X86Test *t, uint64_t addr, uint64_t watch_addr, WatchKind kind,
                         uint32_t pc)
{
    cr_assert_eq(run_until_event(t), EXCP_DEBUG);
    expect_stop(t, DEBUG_STOP_WATCHPOINT, addr, pc);
    const CpuDebugStop *s = cpu_debug_stop_reason(cpu_of(t));
    cr_assert_eq(s->watch, kind);
    cr_assert_eq(s->watch_addr, watch_addr);
    cpu_debug_resume(cpu_of(t));
}

X86TEST_BOTH(cpu_debug, watchpoints)
{
    X86Test *t = debug_machine(accel, accesses, sizeof accesses);
    CPUState *c = cpu_of(t);
    x86test_run(t); /* translated (and compiled) before the watchpoints */

    restart(t);
    cr_assert_eq(cpu_watchpoint_insert(c, DATA, 4, WATCH_WRITE), 0);
    expect_watch(t, DATA, DATA, WATCH_WRITE, 0x100a);
    /* Stopped after the store completed, before the load. */
    cr_assert_eq(x86test_read32(t, DATA), 0x11);
    cr_assert_eq(x86test_reg(t, X86_EBX), 0);
    cr_assert_eq(run_until_event(t), EXCP_HALTED);
    cr_assert_eq(x86test_reg(t, X86_EBX), 0x11);
    cr_assert_eq(cpu_watchpoint_remove(c, DATA, 4, WATCH_WRITE), 0);

    restart(t);
    cr_assert_eq(cpu_watchpoint_insert(c, DATA + 2, 1, WATCH_READ), 0);
    expect_watch(t, DATA + 2, DATA + 2, WATCH_READ, 0x1010);
    cr_assert_eq(x86test_reg(t, X86_EBX), 0x11);
    cr_assert_eq(x86test_reg(t, X86_EDX), 0);
    cr_assert_eq(run_until_event(t), EXCP_HALTED);
    cr_assert_eq(cpu_watchpoint_remove(c, DATA + 2, 1, WATCH_READ), 0);

    restart(t);
    cr_assert_eq(cpu_watchpoint_insert(c, DATA, 1, WATCH_ACCESS), 0);
    expect_watch(t, DATA, DATA, WATCH_ACCESS, 0x100a);
    expect_watch(t, DATA, DATA, WATCH_ACCESS, 0x1010);
    cr_assert_eq(run_until_event(t), EXCP_HALTED);
    cr_assert_eq(cpu_watchpoint_remove(c, DATA, 1, WATCH_ACCESS), 0);
    cr_assert_eq(cpu_watchpoint_remove(c, DATA, 1, WATCH_ACCESS), -ENOENT);

    /* Removed: a normal run. */
    restart(t);
    cr_assert_eq(run_until_event(t), EXCP_HALTED);
    cr_assert_eq(x86test_reg(t, X86_EDX), 1);
    x86test_free(t);
}

static const uint8_t rep_movsb[] = {
    0xbe, 0x00, 0x70, 0x00, 0x00, /* 1000 mov esi, 0x7000 */
    0xbf, 0x00, 0x71, 0x00, 0x00, /* 1005 mov edi, 0x7100 */
    0xb9, 0x10, 0x00, 0x00, 0x00, /* 100a mov ecx, 16 */
    0xfc,                         /* 100f cld */
    0xf3, 0xa4,                   /* 1010 rep movsb */
    0xf4,                         /* 1012 hlt */
};

X86TEST_BOTH(cpu_debug, watchpoint_rep_movs)
{
    X86Test *t = debug_machine(accel, rep_movsb, sizeof rep_movsb);
    CPUState *c = cpu_of(t);
    uint8_t src[16];
    for (int i = 0; i < 16; i++)
        src[i] = (uint8_t)(0xa0 + i);
    x86test_write(t, 0x7000, src, sizeof src);
    cr_assert_eq(cpu_watchpoint_insert(c, 0x7108, 1, WATCH_WRITE), 0);
    cr_assert_eq(run_until_event(t), EXCP_DEBUG);
    const CpuDebugStop *s = cpu_debug_stop_reason(c);
    cr_assert_eq(s->kind, DEBUG_STOP_WATCHPOINT);
    cr_assert_eq(s->addr, 0x7108);
    /* The byte was stored: the stop comes after the instruction (one
     * iteration, or the whole string when it runs in one go). */
    cr_assert_eq(x86test_read8(t, 0x7108), 0xa8);
    uint32_t ecx = x86test_reg(t, X86_ECX);
    cr_assert(c->pc == 0x1012 ? ecx == 0 : c->pc == 0x1010 && ecx == 16 - 9, "pc %#llx ecx %u",
              (unsigned long long)c->pc, ecx);
    cpu_debug_resume(c);
    cr_assert_eq(run_until_event(t), EXCP_HALTED);
    uint8_t dst[16];
    x86test_read(t, 0x7100, dst, sizeof dst);
    cr_assert_arr_eq(dst, src, sizeof src);
    cr_assert_eq(x86test_reg(t, X86_ECX), 0);
    x86test_free(t);
}

/* ---- memory through the MMU ---- */

#define PGDIR 0x10000u
#define PGTAB 0x11000u

X86TEST_BOTH(cpu_debug, memory_rw_through_paging)
{
    static const uint8_t hlt[] = {0xf4};
    X86Test *t = debug_machine(accel, hlt, sizeof hlt);
    CPUState *c = cpu_of(t);
    x86test_identity_paging(t, PGDIR, PGTAB);
    x86test_write32(t, PGTAB + (0x9000 >> 12) * 4, 0xa000 | 3); /* 0x9000 -> 0xa000 */
    x86test_unmap_page(t, PGTAB, 0xb000);
    x86test_enable_paging(t, PGDIR);
    x86test_write32(t, 0xa000, 0x12345678);
    x86test_write32(t, 0x9000, 0xdeadbeef);

    uint8_t buf[4];
    cr_assert_eq(cpu_memory_rw_debug(c, 0x9000, buf, 4, false), 0);
    cr_assert_eq(buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24, 0x12345678);
    const uint8_t w[2] = {0xaa, 0xbb};
    cr_assert_eq(cpu_memory_rw_debug(c, 0x9ffe, (uint8_t *)w, 2, true), 0);
    cr_assert_eq(x86test_read16(t, 0xaffe), 0xbbaa);
    /* Unmapped: refused, and nothing written past the mapped page. */
    cr_assert_eq(cpu_memory_rw_debug(c, 0xb000, buf, 4, false), -EFAULT);
    uint8_t big[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    x86test_write32(t, 0xb000, 0);
    cr_assert_eq(cpu_memory_rw_debug(c, 0xaffc, big, 8, true), -EFAULT);
    cr_assert_eq(x86test_read32(t, 0xb000), 0);
    x86test_free(t);
}

/* ---- exact instruction counting ---- */

/* A loop with a store, a call and a fault at the end (#DE: its stub
 * halts). */
static const uint8_t counted[] = {
    0x31, 0xc9,                   /* 1000 xor ecx, ecx */
    0x41,                         /* 1002 inc ecx */
    0x01, 0xc8,                   /* 1003 add eax, ecx */
    0x89, 0x0d, 0x00, 0x60, 0x00, /* 1005 mov [0x6000], ecx */
    0x00,                         /* */
    0xe8, 0x0a, 0x00, 0x00, 0x00, /* 100b call 101a */
    0x83, 0xf9, 0x40,             /* 1010 cmp ecx, 64 */
    0x75, 0xed,                   /* 1013 jne 1002 */
    0x31, 0xc9,                   /* 1015 xor ecx, ecx */
    0xf7, 0xf1,                   /* 1017 div ecx */
    0xf4,                         /* 1019 hlt (not reached) */
    0x43,                         /* 101a inc ebx */
    0xc3,                         /* 101b ret */
};

typedef struct CountPoint {
    uint64_t icount, pc, eax, ebx, ecx;
} CountPoint;

/* Run counted with exact counting and the budgets in turn; the state at
 * each stop into pts.  Returns the number of stops. */
static unsigned run_counted(X86TestAccel accel, CountPoint *pts, unsigned max)
{
    static const uint64_t budgets[] = {1, 7, 1000, 3, 2, 50, 1, 13, 5};
    X86Test *t = debug_machine(accel, counted, sizeof counted);
    CPUState *c = cpu_of(t);
    c->icount_exact = true;
    unsigned n = 0;
    for (unsigned i = 0; n < max && !c->halted; i++) {
        uint64_t b = budgets[i % (sizeof budgets / sizeof budgets[0])];
        uint64_t before = c->icount;
        int r = cpu_exec(c, b);
        if (r == EXCP_INTERRUPT)
            cr_assert_eq(c->icount, before + b, "budget %llu ran %llu", (unsigned long long)b,
                         (unsigned long long)(c->icount - before));
        else
            cr_assert(c->icount <= before + b);
        pts[n++] = (CountPoint){c->icount, c->pc, x86test_reg(t, X86_EAX), x86test_reg(t, X86_EBX),
                                x86test_reg(t, X86_ECX)};
    }
    cr_assert(c->halted, "the program did not end");
    cr_assert_eq(x86test_read32(t, VECTOR), 0);
    x86test_free(t);
    return n;
}

Test(cpu_debug, icount_exact_same_in_both_tiers)
{
    static CountPoint a[2000], b[2000];
    unsigned na = run_counted(X86T_INTERP, a, 2000);
    unsigned nb = run_counted(X86T_JIT, b, 2000);
    cr_assert_eq(na, nb);
    for (unsigned i = 0; i < na; i++)
        cr_assert(!memcmp(&a[i], &b[i], sizeof a[i]),
                  "stop %u: interp icount %llu pc %#llx, jit icount %llu pc %#llx", i,
                  (unsigned long long)a[i].icount, (unsigned long long)a[i].pc,
                  (unsigned long long)b[i].icount, (unsigned long long)b[i].pc);
    /* xor, 64 iterations of 8, xor, the faulting div (not counted), the
     * stub's store, and its HLT: a trap, which completes (it leaves
     * through the x86 software-interrupt path, restored to the HLT and
     * then counted). */
    cr_assert_eq(a[na - 1].icount, 1 + 64 * 8 + 1 + 1 + 1, "icount %llu",
                 (unsigned long long)a[na - 1].icount);
}

Test(cpu_debug, icount_exact_counts_completed_insns)
{
    /* Single stepping counts the instructions run; exact counting agrees. */
    X86Test *s = debug_machine(X86T_INTERP, counted, sizeof counted);
    cpu_single_step(cpu_of(s), true);
    unsigned steps = 0;
    while (!cpu_of(s)->halted && steps < 10000) {
        cr_assert_eq(cpu_exec(cpu_of(s), 1), EXCP_DEBUG);
        steps++;
    }
    cr_assert_eq(steps, 1 + 64 * 8 + 1 + 1 + 2, "steps %u", steps);
    x86test_free(s);
    /* Every step but the faulting div completed. */
    static CountPoint pts[2000];
    unsigned n = run_counted(X86T_INTERP, pts, 2000);
    cr_assert_eq(pts[n - 1].icount, steps - 1, "icount %llu, steps %u",
                 (unsigned long long)pts[n - 1].icount, steps);
}

X86TEST_BOTH(cpu_debug, icount_exact_matches_single_step)
{
    /* Budget 1 at a time gives the pc sequence of single stepping. */
    X86Test *s = debug_machine(accel, counted, sizeof counted);
    X86Test *e = debug_machine(accel, counted, sizeof counted);
    cpu_of(e)->icount_exact = true;
    cpu_single_step(cpu_of(s), true);
    for (int i = 0; i < 200; i++) {
        cr_assert_eq(cpu_exec(cpu_of(s), 1), EXCP_DEBUG);
        cr_assert_eq(cpu_exec(cpu_of(e), 1), EXCP_INTERRUPT);
        cr_assert_eq(cpu_of(e)->pc, cpu_of(s)->pc, "insn %d: pc %#llx, stepping %#llx", i,
                     (unsigned long long)cpu_of(e)->pc, (unsigned long long)cpu_of(s)->pc);
        cr_assert_eq(cpu_of(e)->icount, (uint64_t)i + 1);
    }
    x86test_free(s);
    x86test_free(e);
}

/* ---- timer interrupts under -icount ---- */

/* debug_pit's COM1 output under accel, with -icount shift=0. */
static void run_pit_guest(const char *accel, char *out, size_t len)
{
    char path[] = "/tmp/doppel-debug-pit-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemp");
    close(fd);
    char args[1024], msg[8192];
    snprintf(args, sizeof args,
             "-M pc %s -icount shift=0 -no-reboot -nographic -serial file:%s -kernel "
             "%s/debug_pit.elf",
             accel, path, DOPPEL_X86_GUEST_DIR);
    int status = test_run_doppel(args, false, msg, sizeof msg);
    test_read_file(path, out, len);
    unlink(path);
    cr_assert_eq(status, 1, "debug_pit under %s: status %d\n%s\n%s", accel, status, msg, out);
    cr_assert(strstr(out, "== debug_pit: all") != NULL, "%s", out);
}

Test(cpu_debug, icount_timer_interrupts_same_in_both_tiers, .timeout = 300)
{
    static char interp[8192], interp2[8192], jit[8192], jit_sync[8192];
    run_pit_guest("-accel interp", interp, sizeof interp);
    run_pit_guest("-accel interp", interp2, sizeof interp2);
    run_pit_guest("-accel jit -jit-threshold 5", jit, sizeof jit);
    run_pit_guest("-accel jit,sync=on", jit_sync, sizeof jit_sync);
    cr_assert_str_eq(interp2, interp, "two interp runs differ");
    cr_assert_str_eq(jit, interp, "jit (threshold 5) differs from interp");
    cr_assert_str_eq(jit_sync, interp, "jit,sync=on differs from interp");
}

/* ---- -accel kvm: the debug registers ---- */

static X86Test *kvm_test_of(Machine *m)
{
    return (X86Test *)((char *)m->opts - offsetof(X86Test, opts));
}

static bool kvm_board_init(Machine *m)
{
    X86Test *t = kvm_test_of(m);
    if (!memory_region_init_ram(&t->ram, "debug-kvm.ram", m->ram_size)) return false;
    memory_region_add_subregion(m->system_memory, 0, &t->ram, 0);
    return machine_add_cpu(m, &x86_arch_ops) != NULL;
}

static void kvm_board_finalize(Machine *m)
{
    X86Test *t = kvm_test_of(m);
    memory_region_del_subregion(m->system_memory, &t->ram);
    memory_region_destroy(&t->ram);
}

static const MachineClass kvm_board = {
    .name = "debug-kvm",
    .desc = "RAM and one x86 cpu under KVM",
    .arch = "x86",
    .default_ram_size = X86TEST_DEFAULT_RAM,
    .max_cpus = 1,
    .init = kvm_board_init,
    .finalize = kvm_board_finalize,
};

static const uint8_t real_code[] = {
    0xb8, 0x01, 0x00, /* 1000 mov ax, 1 */
    0xbb, 0x02, 0x00, /* 1003 mov bx, 2 */
    0xb9, 0x03, 0x00, /* 1006 mov cx, 3 */
    0xba, 0x04, 0x00, /* 1009 mov dx, 4 */
    0xf4,             /* 100c hlt */
};

Test(cpu_debug, kvm_breakpoint_and_step, .timeout = 60)
{
    X86Test *t = calloc(1, sizeof *t);
    cr_assert_not_null(t);
    t->opts.accel = ACCEL_KVM;
    fflush(stderr);
    t->m = machine_create(&kvm_board, &t->opts);
    if (!t->m) {
        fprintf(stderr, "SKIP: cpu_debug kvm: -accel kvm is not available here\n");
        free(t);
        return;
    }
    t->cpu = x86_cpu(t->m->cpus[0]);
    CPUState *c = cpu_of(t);
    char why[160];
    if (!kvm_debug_probe(c, why, sizeof why)) {
        fprintf(stderr, "SKIP: cpu_debug kvm: guest debugging unavailable (%s)\n", why);
        x86test_free(t);
        return;
    }
    x86test_write(t, 0x1000, real_code, sizeof real_code);
    x86test_real(t, 0x1000, 0x8000);
    cr_assert_eq(cpu_breakpoint_insert(c, 0x1006), 0);
    cr_assert_eq(cpu_watchpoint_insert(c, 0x7000, 4, WATCH_WRITE), 0);
    cr_assert_eq(cpu_watchpoint_insert(c, 0x7008, 2, WATCH_ACCESS), 0);
    cr_assert_eq(cpu_breakpoint_insert(c, 0x1009), 0);
    cr_assert_eq(cpu_breakpoint_insert(c, 0x100c), -EINVAL, "five debug registers");
    cr_assert_eq(cpu_watchpoint_remove(c, 0x7000, 4, WATCH_WRITE), 0);
    cr_assert_eq(cpu_watchpoint_remove(c, 0x7008, 2, WATCH_ACCESS), 0);
    cr_assert_eq(cpu_breakpoint_remove(c, 0x1009), 0);

    cr_assert_eq(run_until_event(t), EXCP_DEBUG);
    expect_stop(t, DEBUG_STOP_BREAKPOINT, 0x1006, 0x1006);
    cr_assert_eq(x86test_reg(t, X86_EAX) & 0xffff, 1);
    cr_assert_eq(x86test_reg(t, X86_EBX) & 0xffff, 2);
    cr_assert_eq(x86test_reg(t, X86_ECX) & 0xffff, 0);
    cpu_single_step(c, true);
    cpu_debug_resume(c);
    cr_assert_eq(run_until_event(t), EXCP_DEBUG);
    cr_assert_eq(cpu_debug_stop_reason(c)->kind, DEBUG_STOP_STEP);
    cr_assert_eq(c->pc, 0x1009, "pc %#llx", (unsigned long long)c->pc);
    cr_assert_eq(x86test_reg(t, X86_ECX) & 0xffff, 3);
    cpu_single_step(c, false);
    cpu_debug_resume(c);
    cr_assert_eq(run_until_event(t), EXCP_HALTED);
    cr_assert_eq(x86test_reg(t, X86_EDX) & 0xffff, 4);
    x86test_free(t);
}
