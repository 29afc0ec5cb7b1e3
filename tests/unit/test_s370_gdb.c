/*
 * What the S/370 frontend gives the debugger and the monitor: the gdb
 * register file in "s390:31-bit" shape (pswm/pswa in S/370 BC, EC and
 * ESA/390 mode, round trips of the general, access, floating-point and
 * control registers, PSW writes checked as LPSW checks them), the XML as
 * gdb-multiarch reads it, x/i disassembly, and info tlb on real tables.
 * A Machine-less fixture: one cpu on 256 KiB of storage with its keys.
 */
#define _GNU_SOURCE /* open_memstream */
#include <criterion/criterion.h>
#include <string.h>

#include "core/clock.h"
#include "core/cpu_debug.h"
#include "core/machine.h"
#include "frontends/s370/s370_internal.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"
#include "test_util.h"

#define RAM_SIZE 0x40000u

/* Register numbers in the order of s370_gdb_xml. */
enum {
    R_PSWM = 0,
    R_PSWA = 1,
    R_R0 = 2,
    R_ACR0 = 18,
    R_FPC = 34,
    R_F0 = 35,
    R_CR0 = 51,
    R_PSW = 67,
    R_PREFIX = 68,
    R_CPUTIMER = 69,
    R_CKC = 70,
};

static struct {
    MemoryRegion root, ram;
    AddressSpace as;
    uint8_t keys[RAM_SIZE >> STORAGE_KEY_BLOCK_BITS];
    Machine machine;
    uint64_t vclock;
} w;
static S370CPU *cpu;
static CPUState *c;

static uint64_t world_vclock(void *opaque)
{
    (void)opaque;
    return w.vclock;
}

static void world_init(S370ArchMode arch)
{
    memset(&w, 0, sizeof w);
    memory_region_init_container(&w.root, "system", UINT64_MAX);
    cr_assert(memory_region_init_ram(&w.ram, "storage", RAM_SIZE));
    memory_region_add_subregion(&w.root, 0, &w.ram, 0);
    address_space_init(&w.as, &w.root, "memory");
    w.machine.clocks = clocks_new();
    w.machine.icount_shift = 0;
    clocks_set_icount_source(w.machine.clocks, world_vclock, &w, 0);
    cpu = s370_cpu(cpu_create(&s370_arch_ops, &w.machine, 0));
    c = &cpu->common;
    c->as = &w.as;
    tlb_init(c);
    address_space_add_cpu(&w.as, c);
    s370_cpu_attach_storage(cpu, w.keys, RAM_SIZE);
    s370_cpu_set_arch(cpu, arch);
    c->halted = false;
}

static void setup_370(void)
{
    world_init(S370_ARCH_370);
}

static void setup_390(void)
{
    world_init(S370_ARCH_390);
}

static void teardown(void)
{
    s370_timer_fini(cpu);
    tlb_destroy(c);
    cpu_destroy(c);
    clocks_free(w.machine.clocks);
    address_space_destroy(&w.as);
    memory_region_destroy(&w.ram);
    memory_region_destroy(&w.root);
}

TestSuite(s370_gdb, .init = setup_370, .fini = teardown);
TestSuite(s370_gdb_390, .init = setup_390, .fini = teardown);

static uint64_t rd(int reg)
{
    uint8_t buf[8];
    int n = c->arch->gdb_read_reg(c, buf, reg);
    cr_assert(n == 4 || n == 8, "register %d: %d bytes", reg, n);
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | buf[i];
    return v;
}

static int wr(int reg, uint64_t v, int size)
{
    uint8_t buf[8];
    for (int i = size - 1; i >= 0; i--, v >>= 8)
        buf[i] = (uint8_t)v;
    return c->arch->gdb_write_reg(c, buf, reg);
}

static void load_psw(uint64_t image)
{
    uint8_t psw[8];
    for (int i = 7; i >= 0; i--, image >>= 8)
        psw[i] = (uint8_t)image;
    cr_assert(s370_psw_decode(cpu, psw), "test PSW is invalid");
}

static void put16(uint32_t a, uint16_t v)
{
    w.ram.host[a] = (uint8_t)(v >> 8);
    w.ram.host[a + 1] = (uint8_t)v;
}

static void put32(uint32_t a, uint32_t v)
{
    put16(a, (uint16_t)(v >> 16));
    put16(a + 2, (uint16_t)v);
}

Test(s370_gdb, register_count_matches_the_xml)
{
    cr_assert_eq(c->arch->gdb_num_regs, 71);
    unsigned n = 0;
    for (const char *p = c->arch->gdb_target_xml; (p = strstr(p, "<reg ")); p++)
        n++;
    cr_assert_eq(n, 71u);
    uint8_t buf[8];
    cr_assert_eq(c->arch->gdb_read_reg(c, buf, 71), 0);
    cr_assert_eq(c->arch->gdb_write_reg(c, buf, 71), 0);
    cr_assert_not_null(strstr(c->arch->gdb_target_xml, "<architecture>s390:31-bit<"));
}

Test(s370_gdb, bc_mode_psw)
{
    /* BC PSW: interruption code 0000, ILC 2, CC 0, program mask 1,
     * address 012344 (PoO-370 §4 "Program-Status Word"). */
    load_psw(UINT64_C(0xff05000081012344));
    cr_assert_eq(rd(R_PSWA), 0x012344u, "pswa is the instruction address, not the BC word");
    cr_assert_eq(rd(R_PSWM), 0xff050000u);
    cr_assert_eq(rd(R_PSW), UINT64_C(0xff05000081012344), "the whole PSW as stored");
}

Test(s370_gdb, ec_mode_psw_and_pc_writes)
{
    load_psw(UINT64_C(0x040c200000fedcba)); /* EC, DAT, CC 2 */
    cr_assert_eq(rd(R_PSWA), 0x00fedcbau);
    cr_assert_eq(rd(R_PSWM), 0x040c2000u);
    cr_assert_eq(wr(R_PSWA, 0x80001000, 4), 4);
    cr_assert_eq(c->pc, 0x001000u, "24-bit addressing: bit 0 and the high byte drop");
    cr_assert_eq(rd(R_PSW), UINT64_C(0x040c200000001000));
}

Test(s370_gdb, psw_writes_are_checked_like_lpsw)
{
    load_psw(UINT64_C(0x000c000000002000));
    /* EC mode with bit 0 set is a specification exception: refused. */
    cr_assert_eq(wr(R_PSW, UINT64_C(0x800c000000003000), 8), 0);
    cr_assert_eq(rd(R_PSW), UINT64_C(0x000c000000002000), "nothing changed");
    cr_assert_eq(wr(R_PSWM, 0x800c0000u, 4), 0);
    /* A valid one loads: key 3, problem state. */
    cr_assert_eq(wr(R_PSWM, 0x00390000u, 4), 4);
    cr_assert_eq(cpu->psw.key, 3);
    cr_assert(cpu->psw.problem);
    cr_assert_eq(c->pc, 0x2000u, "the address stays");
    cr_assert_eq(wr(R_PSW, UINT64_C(0x000c100000004000), 8), 8);
    cr_assert_eq(c->pc, 0x4000u);
    cr_assert_eq(cpu->cc, 1u);
}

Test(s370_gdb, registers_round_trip)
{
    for (int i = 0; i < 16; i++) {
        cr_assert_eq(wr(R_R0 + i, 0x01000000u * (uint32_t)i + 7, 4), 4);
        cr_assert_eq(wr(R_ACR0 + i, 0xa0000000u + (uint32_t)i, 4), 4);
        cr_assert_eq(wr(R_F0 + i, UINT64_C(0x4110000000000000) + (uint64_t)i, 8), 8);
    }
    for (int i = 0; i < 16; i++) {
        cr_assert_eq(rd(R_R0 + i), 0x01000000u * (uint32_t)i + 7);
        cr_assert_eq(s370_gr32(cpu, (unsigned)i), 0x01000000u * (uint32_t)i + 7);
        cr_assert_eq(rd(R_ACR0 + i), 0xa0000000u + (uint32_t)i);
        cr_assert_eq(cpu->fpr[i], UINT64_C(0x4110000000000000) + (uint64_t)i);
    }
    cr_assert_eq(wr(R_FPC, 0x00000070, 4), 4);
    cr_assert_eq(rd(R_FPC), 0x70u);
    cr_assert_eq(wr(R_CR0 + 3, 0x80000000u, 4), 4);
    cr_assert_eq(cpu->cr[3], 0x80000000u);
    cr_assert_eq(wr(R_CKC, UINT64_C(0x1234567800000000), 8), 8);
    cr_assert_eq(rd(R_CKC), UINT64_C(0x1234567800000000));
    cr_assert_eq(wr(R_CPUTIMER, UINT64_C(0x0000100000000000), 8), 8);
    cr_assert_eq(rd(R_CPUTIMER), UINT64_C(0x0000100000000000), "the clock is stopped");
    cr_assert_eq(wr(R_PREFIX, 0x3000, 4), 4);
    cr_assert_eq(cpu->prefix, 0x3000u);
    cr_assert_eq(wr(R_PREFIX, 0x7fff0000u, 4), 0, "a prefix outside storage is refused");
    cr_assert_eq(cpu->prefix, 0x3000u);
}

/* S/370 EC mode, 4K pages, 64K segments: virtual 0-1FFF -> real 5000-6FFF,
 * every other page and segment invalid.  Segment table at 1000, page
 * table at 2000 (PoO-370 §3 "Translation Tables"). */
static void map_two_pages_370(void)
{
    for (uint32_t i = 1; i < 16; i++)
        put32(0x1000 + 4 * i, 0x00000001); /* segment-invalid */
    put32(0x1000, 0xf0002000);             /* 16 page-table entries at 2000 */
    put16(0x2000, 0x0050);                 /* page 0 -> 5000 */
    put16(0x2002, 0x0060);                 /* page 1 -> 6000 */
    for (uint32_t i = 2; i < 16; i++)
        put16(0x2000 + 2 * i, 0x0008); /* page-invalid */
    cpu->cr[0] = 0x00800000;           /* 4K pages, 64K segments */
    cpu->cr[1] = 0x00001000;           /* 16 segment-table entries at 1000 */
    tlb_flush(c);
}

static char *dump_mmu(char **buf)
{
    size_t len = 0;
    FILE *out = open_memstream(buf, &len);
    c->arch->dump_mmu(c, out);
    fclose(out);
    return *buf;
}

Test(s370_gdb, dump_mmu_and_disassembly_through_dat)
{
    char *buf = NULL;
    load_psw(UINT64_C(0x000c000000000000));
    cr_assert_not_null(strstr(dump_mmu(&buf), "DAT off"), "%s", buf);
    free(buf);
    map_two_pages_370();
    load_psw(UINT64_C(0x040c000000000000)); /* EC with DAT */
    dump_mmu(&buf);
    cr_assert_not_null(strstr(buf, "S/370 DAT: STD 00001000, 4K pages, 64K segments"), "%s", buf);
    cr_assert_not_null(strstr(buf, "\n00000000-00001fff -> 00005000 rw [4K]\n"), "%s", buf);
    cr_assert_null(strstr(buf, "00002000-"), "invalid pages are skipped:\n%s", buf);
    free(buf);
    /* LR 1,2 then SVC 5 at virtual 0x10, i.e. real 0x5010. */
    static const uint8_t code[] = {0x18, 0x12, 0x0a, 0x05};
    memcpy(&w.ram.host[0x5010], code, sizeof code);
    char text[96];
    cr_assert_eq(c->arch->disas(c, 0x10, text, sizeof text), 2u, "%s", text);
    cr_assert_str_eq(text, "lr      %r1,%r2");
    cr_assert_eq(c->arch->disas(c, 0x12, text, sizeof text), 2u, "%s", text);
    cr_assert_str_eq(text, "svc     5");
    cr_assert_eq(c->arch->disas(c, 0x2000, text, sizeof text), 0u, "an invalid page reads nothing");
}

Test(s370_gdb_390, esa_psw_presents_the_addressing_mode)
{
    load_psw(UINT64_C(0x070d000080012346)); /* ESA/390, 31-bit */
    cr_assert_eq(rd(R_PSWA), 0x80012346u, "bit 0 is the addressing mode, as Linux's gdb expects");
    cr_assert_eq(rd(R_PSWM), 0x070d0000u);
    cr_assert_eq(wr(R_PSWA, 0x00fff000u, 4), 4);
    cr_assert(!cpu->psw.amode31, "gdb may switch to 24-bit");
    cr_assert_eq(c->vaddr_mask, 0x00ffffffu);
    cr_assert_eq(rd(R_PSW), UINT64_C(0x070d000000fff000));
    cr_assert_eq(wr(R_PSWA, 0x80400000u, 4), 4);
    cr_assert(cpu->psw.amode31);
    cr_assert_eq(c->pc, 0x400000u);
}

Test(s370_gdb_390, control_register_write_flushes_translation)
{
    /* ESA/390 DAT: segment table at 1000 (1 unit of 16 entries), segment 0
     * -> page table at 2000; page 0 -> real 5000 (PoO-390 §3). */
    put32(0x1000, 0x00002000); /* page-table origin 2000, length 0: 16 entries */
    for (uint32_t i = 1; i < 16; i++)
        put32(0x1000 + 4 * i, 0x00000020); /* invalid */
    for (uint32_t i = 0; i < 16; i++)
        put32(0x2000 + 4 * i, 0x00000400); /* invalid */
    put32(0x2000, 0x00005000);
    cpu->cr[0] = 0x00b00000; /* ESA/390 translation format */
    load_psw(UINT64_C(0x0408000080000000));
    cr_assert_eq(wr(R_CR0 + 1, 0x00001000u, 4), 4);
    w.ram.host[0x5000] = 0x5a;
    uint8_t b = 0;
    cr_assert_eq(cpu_memory_rw_debug(c, 0, &b, 1, false), 0);
    cr_assert_eq(b, 0x5a);
    /* Moving the segment table through gdb must be seen at once. */
    put32(0x3000, 0x00000020);
    cr_assert_eq(wr(R_CR0 + 1, 0x00003000u, 4), 4);
    cr_assert_neq(cpu_memory_rw_debug(c, 0, &b, 1, false), 0);
}

Test(s370_gdb, xml_is_accepted_by_gdb_multiarch)
{
    static const char *const names[] = {" pswm ",   " pswa ",     " r15 ", " acr15 ",
                                        " fpc ",    " f15 ",      " cr0 ", " psw ",
                                        " prefix ", " cputimer ", " ckc ", " pc "};
    test_gdb_accepts_tdesc("s370_gdb", c->arch->gdb_target_xml, "s390:31-bit", names,
                           sizeof names / sizeof names[0]);
}
