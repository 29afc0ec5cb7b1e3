/*
 * Disassembly for -d in_asm and the monitor: capstone's SystemZ decoder,
 * which knows the z/Architecture superset of ESA/390; instructions it does
 * not know (the S/370 I/O instructions, for one) are named from the
 * frontend's own tables.  s370_disas_one works on a buffer (and so in
 * tests); s370_disas_mem reads the guest's storage as the debugger does.
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

#include "core/cpu_debug.h"
#include "frontends/s370/s370_internal.h"

static bool s370_disas_capstone(const uint8_t *bytes, unsigned len, uint64_t pc, char *out,
                                size_t outlen)
{
    csh handle;
    if (cs_open(CS_ARCH_SYSZ, CS_MODE_BIG_ENDIAN, &handle) != CS_ERR_OK) return false;
    cs_insn *insn = NULL;
    size_t n = cs_disasm(handle, bytes, len, pc, 1, &insn);
    bool ok = n == 1 && insn[0].size == len;
    if (ok) snprintf(out, outlen, "%-7s %s", insn[0].mnemonic, insn[0].op_str);
    if (n) cs_free(insn, n);
    cs_close(&handle);
    return ok;
}

unsigned s370_disas_one(const uint8_t *bytes, uint64_t pc, char *out, size_t outlen)
{
    unsigned len = s370_insn_length(bytes[0]);
    if (s370_disas_capstone(bytes, len, pc, out, outlen)) return len;
    uint16_t key = s370_opcode_key(bytes);
    for (unsigned a = 0; a < S370_ARCH_COUNT; a++) {
        const S370InsnDef *def = s370_lookup(key, (S370ArchMode)a);
        if (def) {
            snprintf(out, outlen, "%s", def->name);
            return len;
        }
    }
    snprintf(out, outlen, ".insn %04x", key);
    return len;
}

unsigned s370_disas_mem(CPUState *c, uint64_t vaddr, char *out, size_t outlen)
{
    uint8_t bytes[6];
    if (cpu_memory_rw_debug(c, vaddr, bytes, 2, false) != 0) return 0;
    unsigned len = s370_insn_length(bytes[0]);
    if (len > 2 && cpu_memory_rw_debug(c, vaddr + 2, bytes + 2, len - 2, false) != 0) return 0;
    return s370_disas_one(bytes, vaddr, out, outlen);
}
