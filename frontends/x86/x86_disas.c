/*
 * Disassembly for -d in_asm and the monitor's x/i: capstone's x86 decoder
 * in 16- or 32-bit mode; bytes capstone does not take are named from the
 * frontend's own tables.  x86_disas_one works on a buffer; x86_disas_mem
 * reads the guest through the debugger's accessor, in the code size of
 * the current CS (CS.D; 16-bit in real and vm86 mode).
 */
#include <capstone/capstone.h>
#include <stdio.h>

#include "core/cpu_debug.h"
#include "frontends/x86/x86_core.h"
#include "frontends/x86/x86_internal.h"

unsigned x86_disas_one(const uint8_t *bytes, unsigned len, uint64_t pc, bool cs32, char *out,
                       size_t outlen)
{
    csh handle;
    unsigned size = 0;
    if (cs_open(CS_ARCH_X86, cs32 ? CS_MODE_32 : CS_MODE_16, &handle) == CS_ERR_OK) {
        cs_insn *insn = NULL;
        size_t n = cs_disasm(handle, bytes, len, pc, 1, &insn);
        if (n == 1) {
            snprintf(out, outlen, "%-7s %s", insn[0].mnemonic, insn[0].op_str);
            size = insn[0].size;
        }
        if (n) cs_free(insn, n);
        cs_close(&handle);
    }
    if (size) return size;
    X86Insn in;
    if (x86_decode_bytes(bytes, len, cs32, &in) != X86_DECODE_OK) return 0;
    snprintf(out, outlen, "%s", in.def->name);
    return in.len;
}

unsigned x86_disas_mem(CPUState *c, uint64_t vaddr, char *out, size_t outlen)
{
    const X86CPU *cpu = x86_cpu(c);
    uint8_t bytes[15];
    unsigned len = 0;
    /* Byte by byte: an instruction may end just before an unmapped page. */
    while (len < sizeof bytes &&
           cpu_memory_rw_debug(c, (vaddr + len) & UINT32_MAX, &bytes[len], 1, false) == 0)
        len++;
    if (len == 0) return 0;
    return x86_disas_one(bytes, len, vaddr, (cpu->segs[X86_SEG_CS].attr & X86_SEGA_DB) != 0, out,
                         outlen);
}
