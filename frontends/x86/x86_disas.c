/*
 * Disassembly for -d in_asm: capstone's x86 decoder in 16- or 32-bit
 * mode; bytes capstone does not take are named from the frontend's own
 * tables.
 */
#include <capstone/capstone.h>
#include <stdio.h>

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
