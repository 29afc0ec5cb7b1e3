/*
 * What the x86 frontend gives the debugger and the monitor: the gdb
 * register file (round trips through gdb_read_reg/gdb_write_reg in the
 * order of the target XML, side effects and refusals of the system
 * registers), the XML as gdb-multiarch reads it, x/i disassembly in the
 * code size of CS, and info tlb (dump_mmu) on real page tables.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/cpu_debug.h"
#include "frontends/x86/x86_core.h"
#include "test_util.h"
#include "x86_testcpu.h"

/* Register numbers in the order of x86_gdb_xml. */
enum {
    R_EAX = 0,
    R_ESP = 4,
    R_EIP = 8,
    R_EFLAGS = 9,
    R_CS = 10,
    R_DS = 12,
    R_ST0 = 16,
    R_FSTAT = 25,
    R_XMM0 = 32,
    R_MXCSR = 40,
    R_FS_BASE = 41,
    R_GS_BASE = 42,
    R_CR0 = 43,
    R_CR2 = 44,
    R_CR3 = 45,
    R_CR4 = 46,
    R_DR0 = 47,
    R_DR7 = 52,
    R_GDTR_BASE = 53,
    R_GDTR_LIMIT = 54,
    R_IDTR_BASE = 55,
    R_IDTR_LIMIT = 56,
    R_LDTR = 57,
    R_TR = 58,
    R_ES_BASE = 59,
    R_CS_BASE = 60,
    R_SS_BASE = 61,
    R_DS_BASE = 62,
};

static X86Test *t;
static CPUState *c;

static void setup(void)
{
    t = x86test_new(X86T_INTERP, 0);
    c = &t->cpu->common;
}

static void teardown(void)
{
    x86test_free(t);
}

TestSuite(x86_gdb, .init = setup, .fini = teardown);

static uint32_t rd32(int reg)
{
    uint8_t buf[16];
    cr_assert_eq(c->arch->gdb_read_reg(c, buf, reg), 4, "register %d is not 4 bytes", reg);
    uint32_t v;
    memcpy(&v, buf, 4);
    return v;
}

static int wr32(int reg, uint32_t v)
{
    uint8_t buf[4];
    memcpy(buf, &v, 4);
    return c->arch->gdb_write_reg(c, buf, reg);
}

Test(x86_gdb, register_count_matches_the_xml)
{
    cr_assert_eq(c->arch->gdb_num_regs, 63);
    uint8_t buf[16];
    cr_assert_eq(c->arch->gdb_read_reg(c, buf, 62), 4);
    cr_assert_eq(c->arch->gdb_read_reg(c, buf, 63), 0, "nothing past gdb_num_regs");
    cr_assert_eq(c->arch->gdb_read_reg(c, buf, -1), 0);
    /* Every <reg in the XML is one register. */
    unsigned n = 0;
    for (const char *p = c->arch->gdb_target_xml; (p = strstr(p, "<reg ")); p++)
        n++;
    cr_assert_eq(n, 63u);
}

Test(x86_gdb, general_registers_round_trip)
{
    x86test_flat32(t, 0x1000);
    for (int r = R_EAX; r < R_EIP; r++)
        cr_assert_eq(wr32(r, 0x11110000u + (uint32_t)r), 4);
    for (int r = R_EAX; r < R_EIP; r++)
        cr_assert_eq(rd32(r), 0x11110000u + (uint32_t)r);
    cr_assert_eq(x86test_reg(t, X86_ESP), 0x11110000u + R_ESP, "gdb's esp is the cpu's ESP");
    cr_assert_eq(wr32(R_EIP, 0x2345), 4);
    cr_assert_eq(c->pc, 0x2345u, "EIP moves the pc (flat CS)");
    cr_assert_eq(wr32(R_EFLAGS, 0x8c5), 4); /* OF SF CF PF, bit 2 and 6 */
    cr_assert_eq(rd32(R_EFLAGS) & 0x8c5, 0x8c5u);
    cr_assert_eq(wr32(R_MXCSR, 0x1f80 | 1), 4);
    cr_assert_eq(rd32(R_MXCSR), 0x1f81u);
    uint8_t xmm[16], back[16];
    for (int i = 0; i < 16; i++)
        xmm[i] = (uint8_t)(0xa0 + i);
    cr_assert_eq(c->arch->gdb_write_reg(c, xmm, R_XMM0 + 3), 16);
    cr_assert_eq(c->arch->gdb_read_reg(c, back, R_XMM0 + 3), 16);
    cr_assert_arr_eq(back, xmm, 16);
    uint8_t st[10] = {1, 2, 3, 4, 5, 6, 7, 0x80, 0xff, 0x3f}, st_back[10];
    cr_assert_eq(c->arch->gdb_write_reg(c, st, R_ST0), 10);
    cr_assert_eq(c->arch->gdb_read_reg(c, st_back, R_ST0), 10);
    cr_assert_arr_eq(st_back, st, 10);
}

Test(x86_gdb, real_mode_segments_and_hidden_bases)
{
    x86test_real(t, 0x100, 0xfffe);
    cr_assert_eq(wr32(R_CS, 0x1234), 4, "real-mode selectors are writable");
    cr_assert_eq(rd32(R_CS_BASE), 0x12340u, "the base follows the selector in real mode");
    cr_assert_eq(rd32(R_EIP), 0x100u, "IP stays");
    cr_assert_eq(c->pc, 0x12440u, "the pc is CS.base + IP");
    cr_assert_eq(wr32(R_DS_BASE, 0xabc00), 4);
    cr_assert_eq(t->cpu->segs[X86_SEG_DS].base, 0xabc00u);
    cr_assert_eq(rd32(R_DS), 0u, "a base write leaves the selector");
    cr_assert_eq(wr32(R_FS_BASE, 0x5000), 4);
    cr_assert_eq(t->cpu->segs[X86_SEG_FS].base, 0x5000u);
    cr_assert_eq(rd32(R_GS_BASE), 0u);
    cr_assert_eq(rd32(R_ES_BASE), 0u);
    cr_assert_eq(rd32(R_SS_BASE), 0u);
}

Test(x86_gdb, protected_mode_selectors_are_refused)
{
    x86test_flat32(t, 0x1000);
    cr_assert_eq(wr32(R_DS, X86TEST_SEL_DATA), 4, "rewriting the same selector is accepted");
    cr_assert_eq(wr32(R_DS, 0x18), 0, "loading a descriptor is the program's business");
    cr_assert_eq(rd32(R_DS), (uint32_t)X86TEST_SEL_DATA);
    cr_assert_eq(wr32(R_LDTR, rd32(R_LDTR)), 4);
    cr_assert_eq(wr32(R_TR, 0x28), 0);
}

Test(x86_gdb, control_registers_take_the_mov_path)
{
    x86test_flat32(t, 0x1000);
    uint32_t cr0 = rd32(R_CR0);
    cr_assert(cr0 & X86_CR0_PE);
    /* PG without PE is #GP(0) for MOV CR0: refused, nothing changes. */
    cr_assert_eq(wr32(R_CR0, (cr0 | X86_CR0_PG) & ~X86_CR0_PE), 0);
    cr_assert_eq(rd32(R_CR0), cr0);
    cr_assert_eq(wr32(R_CR4, 1u << 30), 0, "a reserved CR4 bit is refused");
    cr_assert_eq(wr32(R_CR2, 0xdeadb000), 4);
    cr_assert_eq(t->cpu->cr[2], 0xdeadb000u);
    /* Paging on through gdb: the identity tables then translate. */
    x86test_identity_paging(t, 0x10000, 0x11000);
    x86test_unmap_page(t, 0x11000, 0x5000);
    cr_assert_eq(wr32(R_CR3, 0x10000), 4);
    cr_assert_eq(wr32(R_CR0, cr0 | X86_CR0_PG), 4);
    cr_assert(t->cpu->cr[0] & X86_CR0_PG);
    uint8_t b;
    cr_assert_eq(cpu_memory_rw_debug(c, 0x4000, &b, 1, false), 0);
    cr_assert_neq(cpu_memory_rw_debug(c, 0x5000, &b, 1, false), 0, "unmapped after the CR0 write");
}

Test(x86_gdb, debug_and_table_registers)
{
    x86test_flat32(t, 0x1000);
    cr_assert_eq(wr32(R_DR0, 0x3000), 4);
    cr_assert_eq(wr32(R_DR7, 0x1), 4); /* L0, execute */
    cr_assert_eq(rd32(R_DR7), 0x401u, "bit 10 reads as one");
    cr_assert(t->cpu->hflags & X86_TBF_HWBP, "the breakpoint is armed as MOV DR7 arms it");
    cr_assert_eq(wr32(R_GDTR_BASE, 0x7000), 4);
    cr_assert_eq(wr32(R_GDTR_LIMIT, 0x12347), 4);
    cr_assert_eq(t->cpu->gdtr.base, 0x7000u);
    cr_assert_eq(rd32(R_GDTR_LIMIT), 0x2347u, "limits are 16 bits");
    cr_assert_eq(wr32(R_IDTR_BASE, 0x8000), 4);
    cr_assert_eq(wr32(R_IDTR_LIMIT, 0x7ff), 4);
    cr_assert_eq(t->cpu->idtr.base, 0x8000u);
    cr_assert_eq(t->cpu->idtr.limit, 0x7ffu);
}

Test(x86_gdb, xml_is_accepted_by_gdb_multiarch)
{
    static const char *const names[] = {" eip ",     " mxcsr ",     " fs_base ",    " cr3 ",
                                        " dr7 ",     " gdtr_base ", " idtr_limit ", " ldtr ",
                                        " cs_base ", " ds_base "};
    test_gdb_accepts_tdesc("x86_gdb", c->arch->gdb_target_xml, "i386", names,
                           sizeof names / sizeof names[0]);
}

Test(x86_gdb, disassembly_follows_the_code_size)
{
    /* B8 imm: mov eax, imm32 in 32-bit code, mov ax, imm16 in 16-bit. */
    static const uint8_t code[] = {0xb8, 0x34, 0x12, 0x00, 0x00, 0xf4};
    char text[96];
    x86test_real(t, 0x100, 0xfffe);
    x86test_write(t, 0x100, code, sizeof code);
    cr_assert_eq(c->arch->disas(c, 0x100, text, sizeof text), 3u, "%s", text);
    cr_assert_not_null(strstr(text, "mov"), "%s", text);
    cr_assert_not_null(strstr(text, "ax, 0x1234"), "%s", text);
    x86test_flat32(t, 0x100);
    cr_assert_eq(c->arch->disas(c, 0x100, text, sizeof text), 5u, "%s", text);
    cr_assert_not_null(strstr(text, "eax, 0x1234"), "%s", text);
    cr_assert_eq(c->arch->disas(c, 0x105, text, sizeof text), 1u);
    cr_assert_not_null(strstr(text, "hlt"), "%s", text);
    /* Buffer form, for tests and the in_asm log. */
    cr_assert_eq(x86_disas_one(code, sizeof code, 0, true, text, sizeof text), 5u);
}

Test(x86_gdb, dump_mmu_merges_ranges)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    x86test_flat32(t, 0x1000);
    c->arch->dump_mmu(c, out);
    fflush(out);
    cr_assert_str_eq(buf, "paging disabled\n");
    rewind(out);
    len = 0;
    x86test_identity_paging(t, 0x10000, 0x11000);
    x86test_unmap_page(t, 0x11000, 0x5000);
    x86test_enable_paging(t, 0x10000);
    c->arch->dump_mmu(c, out);
    fputc('\0', out);
    fclose(out);
    cr_assert_not_null(strstr(buf, "32-bit paging, CR3=00010000"), "%s", buf);
    cr_assert_not_null(strstr(buf, "00000000-00004fff -> 000000000 -rwx [4K]\n"), "%s", buf);
    cr_assert_not_null(strstr(buf, "00006000-003fffff -> 000006000 -rwx [4K]\n"), "%s", buf);
    cr_assert_null(strstr(buf, "00005000-"), "the unmapped page is not shown:\n%s", buf);
    free(buf);
}
