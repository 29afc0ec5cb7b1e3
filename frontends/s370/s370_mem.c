/*
 * Storage access for helpers, with the current PSW's rules (addressing
 * mode, DAT, key), absolute storage for PSW swaps, and the raising of
 * program interruptions from helpers and slow paths.
 */
#include <string.h>

#include "frontends/s370/s370_internal.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

#define S370_LOAD(name, type, memop)                                                               \
    type name(S370CPU *cpu, uint64_t addr)                                                         \
    {                                                                                              \
        uint32_t amask = s370_amask(cpu);                                                          \
        addr &= amask;                                                                             \
        if (addr + sizeof(type) - 1 > amask) { /* wraps: byte by byte */                           \
            uint64_t v = 0;                                                                        \
            for (unsigned i = 0; i < sizeof(type); i++)                                            \
                v = v << 8 | s370_load8(cpu, addr + i);                                            \
            return (type)v;                                                                        \
        }                                                                                          \
        return (type)softmmu_load(&cpu->common, addr, (memop) | IR_MO_BE, s370_data_mmu_idx(cpu),  \
                                  cpu->common.fault_insn);                                         \
    }

#define S370_STORE(name, type, memop)                                                              \
    void name(S370CPU *cpu, uint64_t addr, type v)                                                 \
    {                                                                                              \
        uint32_t amask = s370_amask(cpu);                                                          \
        addr &= amask;                                                                             \
        if (addr + sizeof(type) - 1 > amask) {                                                     \
            uint8_t bytes[sizeof(type)];                                                           \
            for (unsigned i = 0; i < sizeof(type); i++)                                            \
                bytes[i] = (uint8_t)((uint64_t)v >> (8 * (sizeof(type) - 1 - i)));                 \
            s370_store_bytes(cpu, addr, bytes, sizeof(type));                                      \
            return;                                                                                \
        }                                                                                          \
        softmmu_store(&cpu->common, addr, v, (memop) | IR_MO_BE, s370_data_mmu_idx(cpu),           \
                      cpu->common.fault_insn);                                                     \
    }

uint8_t s370_load8(S370CPU *cpu, uint64_t addr)
{
    return (uint8_t)softmmu_load(&cpu->common, addr & s370_amask(cpu), IR_MO_8,
                                 s370_data_mmu_idx(cpu), cpu->common.fault_insn);
}

void s370_store8(S370CPU *cpu, uint64_t addr, uint8_t v)
{
    softmmu_store(&cpu->common, addr & s370_amask(cpu), v, IR_MO_8, s370_data_mmu_idx(cpu),
                  cpu->common.fault_insn);
}

S370_LOAD(s370_load16, uint16_t, IR_MO_16)
S370_LOAD(s370_load32, uint32_t, IR_MO_32)
S370_LOAD(s370_load64, uint64_t, IR_MO_64)
S370_STORE(s370_store16, uint16_t, IR_MO_16)
S370_STORE(s370_store32, uint32_t, IR_MO_32)
S370_STORE(s370_store64, uint64_t, IR_MO_64)

void s370_probe(S370CPU *cpu, uint64_t addr, uint32_t len, MMUAccess access)
{
    if (!len) return;
    uint32_t amask = s370_amask(cpu);
    uint64_t page = ~cpu->common.page_mask + 1;
    uint64_t a = addr & amask;
    /* One probe per page touched, first to last. */
    for (uint64_t left = len; left;) {
        softmmu_probe(&cpu->common, a, access, s370_data_mmu_idx(cpu), cpu->common.fault_insn);
        uint64_t in_page = page - (a & (page - 1));
        if (in_page >= left) break;
        left -= in_page;
        a = (a + in_page) & amask;
    }
}

/* Copy between buf and a mapped operand. */
static void s370_operand_copy(const S370Operand *op, uint8_t *buf, uint32_t len, bool to_storage)
{
    uint32_t rest = len - op->split;
    if (to_storage) {
        memcpy(op->part[0], buf, op->split);
        if (rest) memcpy(op->part[1], buf + op->split, rest);
    } else {
        memcpy(buf, op->part[0], op->split);
        if (rest) memcpy(buf + op->split, op->part[1], rest);
    }
}

void s370_load_bytes(S370CPU *cpu, uint64_t addr, void *buf, uint32_t len)
{
    uint8_t *p = buf;
    S370Operand op;
    if (len <= (UINT32_C(1) << cpu->common.page_bits) &&
        s370_operand_map(cpu, addr, len, MMU_READ, &op)) {
        s370_operand_copy(&op, p, len, false);
        return;
    }
    s370_probe(cpu, addr, len, MMU_READ);
    for (uint32_t i = 0; i < len; i++)
        p[i] = s370_load8(cpu, addr + i);
}

void s370_store_bytes(S370CPU *cpu, uint64_t addr, const void *buf, uint32_t len)
{
    const uint8_t *p = buf;
    S370Operand op;
    if (len <= (UINT32_C(1) << cpu->common.page_bits) &&
        s370_operand_map(cpu, addr, len, MMU_WRITE, &op)) {
        s370_operand_copy(&op, (uint8_t *)p, len, true);
        return;
    }
    s370_probe(cpu, addr, len, MMU_WRITE);
    for (uint32_t i = 0; i < len; i++)
        s370_store8(cpu, addr + i, p[i]);
}

/* ---- absolute storage ---- */

uint64_t s370_real_to_abs(const S370CPU *cpu, uint64_t real)
{
    /* PoO-370 §3 "Prefixing": real page 0 and the prefix page swap. */
    uint64_t frame = real & ~UINT64_C(0xfff);
    if (frame == 0) return real + cpu->prefix;
    if (frame == cpu->prefix) return real - cpu->prefix;
    return real;
}

bool s370_abs_valid(const S370CPU *cpu, uint64_t abs, uint32_t len)
{
    return abs < cpu->storage_size && len <= cpu->storage_size - abs;
}

void s370_abs_read(S370CPU *cpu, uint64_t abs, void *buf, uint32_t len)
{
    if (dma_read(cpu->common.as, abs, buf, len) != MEMTX_OK) memset(buf, 0, len);
}

void s370_abs_write(S370CPU *cpu, uint64_t abs, const void *buf, uint32_t len)
{
    dma_write(cpu->common.as, abs, buf, len);
}

uint32_t s370_abs_load32(S370CPU *cpu, uint64_t abs)
{
    uint8_t b[4];
    s370_abs_read(cpu, abs, b, 4);
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

void s370_abs_store32(S370CPU *cpu, uint64_t abs, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    s370_abs_write(cpu, abs, b, 4);
}

/* ---- program interruptions ---- */

/* Exceptions whose instruction is completed before the interruption
 * (PoO-370 §6 "Program Interruption", each condition's "completed"): its
 * result stands, so under exact icount it counts as executed. */
static bool s370_pgm_completes(uint16_t code)
{
    switch (code) {
    case S370_PGM_FIXED_OVERFLOW:
    case S370_PGM_DECIMAL_OVERFLOW:
    case S370_PGM_EXPONENT_OVERFLOW:
    case S370_PGM_EXPONENT_UNDERFLOW:
    case S370_PGM_SIGNIFICANCE:
    case S370_PGM_MONITOR: return true;
    default: return false;
    }
}

_Noreturn void s370_program_exception(S370CPU *cpu, uint16_t code)
{
    cpu->pgm_code = code;
    cpu->common.exception_index = S370_EXCP_PROGRAM;
    if (s370_pgm_completes(code)) cpu_loop_exit_restore_trap(&cpu->common);
    cpu_loop_exit_restore(&cpu->common);
}

int s370_set_program_exception(S370CPU *cpu, uint16_t code)
{
    cpu->pgm_code = code;
    cpu->pgm_ilc = 0; /* a fault on instruction fetch; restore_state sets it for operands */
    cpu->common.exception_index = S370_EXCP_PROGRAM;
    return 1;
}
