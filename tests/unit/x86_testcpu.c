/*
 * The bare x86 test machine (see x86_testcpu.h).
 */
#include "tests/unit/x86_testcpu.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "backends/llvm/jit.h"
#include "core/cpu_loop.h"
#include "softmmu/tlb.h"

/* The machine's options live in its X86Test: the board finds it there. */
static X86Test *x86test_of(Machine *m)
{
    return (X86Test *)((char *)m->opts - offsetof(X86Test, opts));
}

static bool x86test_board_init(Machine *m)
{
    X86Test *t = x86test_of(m);
    if (!memory_region_init_ram(&t->ram, "x86test.ram", m->ram_size)) return false;
    memory_region_add_subregion(m->system_memory, 0, &t->ram, 0);
    return machine_add_cpu(m, &x86_arch_ops) != NULL;
}

static void x86test_board_finalize(Machine *m)
{
    X86Test *t = x86test_of(m);
    memory_region_del_subregion(m->system_memory, &t->ram);
    memory_region_destroy(&t->ram);
}

static const MachineClass x86test_board = {
    .name = "x86-test",
    .desc = "RAM and one x86 cpu, for unit tests",
    .arch = "x86",
    .default_ram_size = X86TEST_DEFAULT_RAM,
    .max_cpus = 1,
    .init = x86test_board_init,
    .finalize = x86test_board_finalize,
};

X86Test *x86test_new(X86TestAccel accel, uint32_t ram_size)
{
    X86Test *t = calloc(1, sizeof *t);
    cr_assert_not_null(t);
    t->opts.accel = accel == X86T_JIT ? ACCEL_JIT : ACCEL_INTERP;
    t->opts.jit_sync = true; /* every TB compiled before it first runs */
    t->opts.ram_size = ram_size;
    t->m = machine_create(&x86test_board, &t->opts);
    cr_assert_not_null(t->m);
    cr_assert(accel != X86T_JIT || t->m->jit, "no LLVM tier");
    t->cpu = x86_cpu(t->m->cpus[0]);
    return t;
}

void x86test_free(X86Test *t)
{
    machine_destroy(t->m);
    if (t->has_ports) {
        address_space_destroy(&t->io);
        memory_region_del_subregion(&t->io_root, &t->io_dev);
        memory_region_destroy(&t->io_dev);
        memory_region_destroy(&t->io_root);
    }
    free(t);
}

void x86test_add_ports(X86Test *t, uint16_t port, uint32_t size, const MemoryRegionOps *ops,
                       void *opaque)
{
    cr_assert(!t->has_ports, "one port device per test machine");
    memory_region_init_container(&t->io_root, "x86test.io", 0x10000);
    memory_region_init_io(&t->io_dev, "x86test.ports", size, ops, opaque);
    memory_region_add_subregion(&t->io_root, port, &t->io_dev, 0);
    address_space_init(&t->io, &t->io_root, "x86test.io");
    t->cpu->io = &t->io;
    t->has_ports = true;
}

/* ---- memory ---- */

void x86test_write(X86Test *t, uint32_t addr, const void *buf, size_t len)
{
    cr_assert_eq(address_space_rw(t->m->as, addr, (void *)buf, len, true), MEMTX_OK,
                 "write of %zu bytes at %#x", len, addr);
}

void x86test_write32(X86Test *t, uint32_t addr, uint32_t v)
{
    x86test_write(t, addr, &v, 4);
}

void x86test_write64(X86Test *t, uint32_t addr, uint64_t v)
{
    x86test_write(t, addr, &v, 8);
}

void x86test_read(X86Test *t, uint32_t addr, void *buf, size_t len)
{
    cr_assert_eq(address_space_rw(t->m->as, addr, buf, len, false), MEMTX_OK,
                 "read of %zu bytes at %#x", len, addr);
}

uint8_t x86test_read8(X86Test *t, uint32_t addr)
{
    uint8_t v;
    x86test_read(t, addr, &v, 1);
    return v;
}

uint16_t x86test_read16(X86Test *t, uint32_t addr)
{
    uint16_t v;
    x86test_read(t, addr, &v, 2);
    return v;
}

uint32_t x86test_read32(X86Test *t, uint32_t addr)
{
    uint32_t v;
    x86test_read(t, addr, &v, 4);
    return v;
}

uint8_t *x86test_ram(X86Test *t, uint32_t addr)
{
    cr_assert_lt(addr, t->m->ram_size);
    return t->ram.host + addr;
}

void x86test_load_hlt(X86Test *t, uint32_t addr, const uint8_t *code, size_t len)
{
    x86test_write(t, addr, code, len);
    x86test_write(t, addr + (uint32_t)len, "\xf4", 1);
}

/* ---- descriptors and modes ---- */

uint64_t x86test_seg_desc(uint32_t base, uint32_t limit, unsigned access, unsigned flags)
{
    return (uint64_t)(limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)access << 40 |
           (uint64_t)((limit >> 16) & 0xf) << 48 | (uint64_t)(flags & 0xf) << 52 |
           (uint64_t)(base >> 24) << 56;
}

uint64_t x86test_int_gate(uint16_t selector, uint32_t offset)
{
    return (offset & 0xffffu) | (uint64_t)selector << 16 | (uint64_t)0x8e00 << 32 |
           (uint64_t)(offset >> 16) << 48;
}

void x86test_flat_segments(X86CPU *cpu, uint16_t code_sel, uint16_t data_sel)
{
    const uint16_t flat = X86_SEGA_P | X86_SEGA_S | X86_SEGA_DB | X86_SEGA_G | X86_SEGA_ACCESSED;
    x86_load_segment_cache(cpu, X86_SEG_CS, code_sel, 0, UINT32_MAX,
                           flat | (code_sel & 3) << X86_SEGA_DPL_SHIFT | X86_SEGA_CODE |
                               X86_SEGA_WRITABLE);
    for (int s = 0; s < X86_NUM_SEGS; s++)
        if (s != X86_SEG_CS)
            x86_load_segment_cache(cpu, s, data_sel, 0, UINT32_MAX,
                                   flat | (data_sel & 3) << X86_SEGA_DPL_SHIFT | X86_SEGA_WRITABLE);
}

void x86test_flat32(X86Test *t, uint32_t eip)
{
    x86_setup_multiboot_state(t->cpu, eip, 0);
}

void x86test_flat32_gdt(X86Test *t, uint32_t eip, uint32_t gdt, uint32_t esp)
{
    const uint64_t table[3] = {0, x86test_seg_desc(0, 0xfffff, 0x9b, 0xc),
                               x86test_seg_desc(0, 0xfffff, 0x93, 0xc)};
    x86test_write(t, gdt, table, sizeof table);
    x86test_flat32(t, eip);
    t->cpu->gdtr = (X86TableReg){gdt, sizeof table - 1};
    t->cpu->regs[X86_ESP] = esp;
}

void x86test_real(X86Test *t, uint16_t ip, uint16_t sp)
{
    const uint16_t data = X86_SEGA_P | X86_SEGA_S | X86_SEGA_WRITABLE | X86_SEGA_ACCESSED;
    x86_load_segment_cache(t->cpu, X86_SEG_CS, 0, 0, 0xffff, data | X86_SEGA_CODE);
    x86_set_eip(t->cpu, ip);
    t->cpu->regs[X86_ESP] = sp;
}

void x86test_vector_stubs(X86Test *t, uint32_t idt, uint32_t stubs, uint32_t vector_addr)
{
    for (uint32_t v = 0; v < 32; v++) {
        uint32_t stub = stubs + 16 * v;
        /* mov dword [vector_addr], v; hlt */
        const uint8_t bytes[11] = {0xc7,
                                   0x05,
                                   vector_addr & 0xff,
                                   (vector_addr >> 8) & 0xff,
                                   (vector_addr >> 16) & 0xff,
                                   vector_addr >> 24,
                                   (uint8_t)v,
                                   0,
                                   0,
                                   0,
                                   0xf4};
        x86test_write(t, stub, bytes, sizeof bytes);
        x86test_write64(t, idt + 8 * v, x86test_int_gate(X86TEST_SEL_CODE, stub));
    }
    x86test_write32(t, vector_addr, X86TEST_NO_VECTOR);
    t->cpu->idtr = (X86TableReg){idt, 32 * 8 - 1};
}

/* ---- paging ---- */

void x86test_identity_paging(X86Test *t, uint32_t pgdir, uint32_t pgtab)
{
    x86test_write32(t, pgdir, pgtab | 3);
    for (uint32_t p = 0; p < 1024; p++)
        x86test_write32(t, pgtab + 4 * p, p << 12 | 3);
}

void x86test_unmap_page(X86Test *t, uint32_t pgtab, uint32_t addr)
{
    x86test_write32(t, pgtab + 4 * (addr >> 12), 0);
}

void x86test_enable_paging(X86Test *t, uint32_t pgdir)
{
    t->cpu->cr[3] = pgdir;
    t->cpu->cr[0] |= X86_CR0_PG;
    x86test_cpu_changed(t);
}

void x86test_cpu_changed(X86Test *t)
{
    x86_update_hflags(t->cpu);
    tlb_flush(&t->cpu->common);
}

/* ---- running ---- */

void x86test_run(X86Test *t)
{
    CPUState *c = &t->cpu->common;
    for (int i = 0; i < 1000 && !c->halted; i++)
        cpu_exec(c, CPU_SLICE_INSNS);
    cr_assert(c->halted, "the program did not reach HLT (pc %#llx, exception %d)",
              (unsigned long long)c->pc, c->exception_index);
    if (t->m->jit) {
        JitStats st;
        jit_stats(t->m->jit, &st);
        cr_assert(st.regions_total > 0 && !st.compile_failures,
                  "the LLVM tier compiled %llu regions, %llu failures",
                  (unsigned long long)st.regions_total, (unsigned long long)st.compile_failures);
    }
}
