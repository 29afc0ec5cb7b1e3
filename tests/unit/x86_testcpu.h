/*
 * A bare x86 test machine for unit tests: RAM at physical 0 and one x86
 * cpu, no devices, run under the interpreter or with every TB compiled by
 * the LLVM tier before it first runs (-accel jit,sync=on).  Helpers load
 * bytes, read and write memory, set up flat 32-bit protected mode (the
 * multiboot entry state) or real mode, an IDT whose stubs record the
 * vector taken, identity paging, an optional port device, and run the
 * guest until it halts.
 */
#ifndef DOPPEL_X86_TESTCPU_H
#define DOPPEL_X86_TESTCPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"
#include "core/options.h"
#include "frontends/x86/x86_internal.h"
#include "softmmu/memory.h"

typedef enum X86TestAccel { X86T_INTERP, X86T_JIT } X86TestAccel;

#define X86TEST_DEFAULT_RAM (1u << 20)
/* The flat selectors of x86test_flat32 and x86test_flat_gdt. */
#define X86TEST_SEL_CODE 0x08
#define X86TEST_SEL_DATA 0x10
/* The vector dword of x86test_vector_stubs before any exception. */
#define X86TEST_NO_VECTOR 0xffffffffu

typedef struct X86Test {
    Machine *m;
    X86CPU *cpu;
    Options opts; /* the machine keeps a pointer to it */
    MemoryRegion ram;
    bool has_ports;
    MemoryRegion io_root, io_dev;
    AddressSpace io;
} X86Test;

/* A machine with ram_size bytes of RAM (0: X86TEST_DEFAULT_RAM), the cpu
 * reset; x86test_free releases it. */
X86Test *x86test_new(X86TestAccel accel, uint32_t ram_size);
void x86test_free(X86Test *t);

/* Give the cpu an I/O space with one device at ports [port, port + size)
 * (without one, port reads float high and writes go nowhere). */
void x86test_add_ports(X86Test *t, uint16_t port, uint32_t size, const MemoryRegionOps *ops,
                       void *opaque);

/* Guest physical memory; a failed access fails the test. */
void x86test_write(X86Test *t, uint32_t addr, const void *buf, size_t len);
void x86test_write32(X86Test *t, uint32_t addr, uint32_t v);
void x86test_write64(X86Test *t, uint32_t addr, uint64_t v);
void x86test_read(X86Test *t, uint32_t addr, void *buf, size_t len);
uint8_t x86test_read8(X86Test *t, uint32_t addr);
uint16_t x86test_read16(X86Test *t, uint32_t addr);
uint32_t x86test_read32(X86Test *t, uint32_t addr);
/* Host pointer to RAM at addr (tests that poke tables directly). */
uint8_t *x86test_ram(X86Test *t, uint32_t addr);
/* code at addr, then a HLT. */
void x86test_load_hlt(X86Test *t, uint32_t addr, const uint8_t *code, size_t len);

static inline uint32_t x86test_reg(const X86Test *t, unsigned reg)
{
    return (uint32_t)t->cpu->regs[reg];
}

/* Descriptors (SDM Vol 3 §3.4.5, §6.11): a segment descriptor with the
 * access byte and the flags nibble (G D/B L AVL), and a present 32-bit
 * interrupt gate of DPL 0. */
uint64_t x86test_seg_desc(uint32_t base, uint32_t limit, unsigned access, unsigned flags);
uint64_t x86test_int_gate(uint16_t selector, uint32_t offset);

/* Flat 4 GiB code (code_sel) and data (data_sel, every other segment
 * register) segments, 32-bit, DPL from the selectors' RPL; the cached
 * parts only, no descriptor table read. */
void x86test_flat_segments(X86CPU *cpu, uint16_t code_sel, uint16_t data_sel);

/* Flat 32-bit protected mode at CPL 0, interrupts off: the multiboot
 * entry state (CS X86TEST_SEL_CODE, the rest X86TEST_SEL_DATA), EIP eip. */
void x86test_flat32(X86Test *t, uint32_t eip);
/* x86test_flat32 with a GDT at gdt holding the null, flat code and flat
 * data descriptors, GDTR pointing at it, ESP esp. */
void x86test_flat32_gdt(X86Test *t, uint32_t eip, uint32_t gdt, uint32_t esp);
/* Real mode: CS = DS = ES = SS = 0, IP ip, SP sp. */
void x86test_real(X86Test *t, uint16_t ip, uint16_t sp);

/* An IDT at idt with 32 interrupt gates (selector X86TEST_SEL_CODE) to
 * stubs at stubs + 16 * vector, each storing its vector in the dword at
 * vector_addr and halting; the dword starts as X86TEST_NO_VECTOR. */
void x86test_vector_stubs(X86Test *t, uint32_t idt, uint32_t stubs, uint32_t vector_addr);

/* A page directory at pgdir whose first entry is the page table at pgtab,
 * mapping the first 4 MiB to themselves (writable, supervisor); then
 * x86test_unmap_page and x86test_enable_paging. */
void x86test_identity_paging(X86Test *t, uint32_t pgdir, uint32_t pgtab);
void x86test_unmap_page(X86Test *t, uint32_t pgtab, uint32_t addr);
void x86test_enable_paging(X86Test *t, uint32_t pgdir);

/* After changing control registers directly: recompute the cpu's
 * translation flags and flush its TLB. */
void x86test_cpu_changed(X86Test *t);

/* Run until the cpu halts (every test program ends in HLT with IF clear);
 * fails the test if it does not. */
void x86test_run(X86Test *t);

/* Run stmt (C helpers called directly); the vector of the guest exception
 * it raised (its longjmp out), or -1. */
#define X86TEST_RAISED(xcpu, stmt)                                                                 \
    ({                                                                                             \
        volatile int vec_ = -1;                                                                    \
        if (setjmp((xcpu)->common.jmp_env) == 0) {                                                 \
            stmt;                                                                                  \
        } else {                                                                                   \
            vec_ = (xcpu)->common.exception_index;                                                 \
        }                                                                                          \
        vec_;                                                                                      \
    })

/* Both tiers run the body of test name of suite: name_interp, name_jit. */
#define X86TEST_BOTH(suite, name, ...)                                                             \
    static void name##_body(X86TestAccel accel);                                                   \
    Test(suite, name##_interp, ##__VA_ARGS__)                                                      \
    {                                                                                              \
        name##_body(X86T_INTERP);                                                                  \
    }                                                                                              \
    Test(suite, name##_jit, ##__VA_ARGS__)                                                         \
    {                                                                                              \
        name##_body(X86T_JIT);                                                                     \
    }                                                                                              \
    static void name##_body(X86TestAccel accel)

#endif
