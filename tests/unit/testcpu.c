/*
 * The test CPU harness (see testcpu.h).
 */
#include "tests/unit/testcpu.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "softmmu/tlb.h"

#define REG_GLOBAL(n)                                                                              \
    {                                                                                              \
        "r" #n, IR_I64, TESTCPU_OFF_R(n)                                                           \
    }
#define WREG_GLOBAL(n)                                                                             \
    {                                                                                              \
        "w" #n, IR_I32, TESTCPU_OFF_W(n)                                                           \
    }

static const IrGlobal testcpu_global_list[TESTCPU_NGLOBALS] = {
    REG_GLOBAL(0),   REG_GLOBAL(1),   REG_GLOBAL(2),
    REG_GLOBAL(3),   REG_GLOBAL(4),   REG_GLOBAL(5),
    REG_GLOBAL(6),   REG_GLOBAL(7),   REG_GLOBAL(8),
    REG_GLOBAL(9),   REG_GLOBAL(10),  REG_GLOBAL(11),
    REG_GLOBAL(12),  REG_GLOBAL(13),  REG_GLOBAL(14),
    REG_GLOBAL(15),  WREG_GLOBAL(0),  WREG_GLOBAL(1),
    WREG_GLOBAL(2),  WREG_GLOBAL(3),  WREG_GLOBAL(4),
    WREG_GLOBAL(5),  WREG_GLOBAL(6),  WREG_GLOBAL(7),
    WREG_GLOBAL(8),  WREG_GLOBAL(9),  WREG_GLOBAL(10),
    WREG_GLOBAL(11), WREG_GLOBAL(12), WREG_GLOBAL(13),
    WREG_GLOBAL(14), WREG_GLOBAL(15), {"pc", IR_I64, offsetof(CPUState, pc)},
};

static const IrGlobalTable testcpu_global_table = {testcpu_global_list, TESTCPU_NGLOBALS};

const IrGlobalTable *testcpu_globals(void)
{
    return &testcpu_global_table;
}

/* Identity translation with full access: physical == virtual. */
static int testcpu_mmu_translate(CPUState *cpu, uint64_t vaddr, MMUAccess access, unsigned mmu_idx,
                                 bool probe, MMUResult *res)
{
    res->paddr = vaddr;
    res->prot = MMU_PROT_READ | MMU_PROT_WRITE | MMU_PROT_EXEC;
    res->page_bits = TESTCPU_PAGE_BITS;
    return 0;
}

static unsigned testcpu_mmu_index(CPUState *cpu, MMUAccess access)
{
    return 0;
}

static void testcpu_restore_state(CPUState *cpu, const uint64_t *insn_data)
{
    cpu->pc = insn_data[0];
}

static _Noreturn void testcpu_unaligned_access(CPUState *cpu, uint64_t vaddr, MMUAccess access,
                                               unsigned mmu_idx)
{
    cpu_raise_exception(cpu, TESTCPU_EXCP_UNALIGNED);
}

static const ArchOps testcpu_arch_ops = {
    .name = "testcpu",
    .page_bits = TESTCPU_PAGE_BITS,
    .big_endian = false,
    .mmu_modes = TESTCPU_MMU_MODES,
    .cpu_size = sizeof(TestCpu),
    .globals = &testcpu_global_table,
    .mmu_translate = testcpu_mmu_translate,
    .mmu_index = testcpu_mmu_index,
    .restore_state = testcpu_restore_state,
    .unaligned_access = testcpu_unaligned_access,
};

const ArchOps *testcpu_arch(void)
{
    return &testcpu_arch_ops;
}

TestCpu *testcpu_new(void)
{
    TestCpu *tc = calloc(1, sizeof(*tc));
    if (!tc) abort();
    CPUState *cpu = &tc->cpu;
    cpu->arch = &testcpu_arch_ops;
    cpu->exception_index = EXCP_NONE;
    cpu->page_bits = TESTCPU_PAGE_BITS;
    cpu->page_mask = ~((UINT64_C(1) << TESTCPU_PAGE_BITS) - 1);
    cpu->vaddr_mask = ~UINT64_C(0);
    if (!memory_region_init_ram(&tc->ram, "testcpu.ram", TESTCPU_RAM_SIZE)) abort();
    address_space_init(&tc->as, &tc->ram, "testcpu");
    cpu->as = &tc->as;
    tlb_init(cpu);
    address_space_add_cpu(&tc->as, cpu);
    testcpu_reset(tc, 0);
    return tc;
}

void testcpu_free(TestCpu *tc)
{
    if (!tc) return;
    tlb_destroy(&tc->cpu);
    address_space_destroy(&tc->as);
    memory_region_destroy(&tc->ram);
    free(tc);
}

/* splitmix64: a tiny, well-mixed deterministic generator. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void fill_random(uint8_t *p, size_t len, uint64_t *state)
{
    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = splitmix64(state);
        memcpy(p + i, &v, len - i < 8 ? len - i : 8);
    }
}

void testcpu_reset(TestCpu *tc, uint64_t seed)
{
    uint64_t state = seed;
    for (unsigned i = 0; i < TESTCPU_NREGS; i++)
        tc->r[i] = splitmix64(&state);
    for (unsigned i = 0; i < TESTCPU_NREGS; i++)
        tc->w[i] = (uint32_t)splitmix64(&state);
    fill_random(tc->scratch, sizeof(tc->scratch), &state);
    for (unsigned i = 0; i < TESTCPU_BANK_WORDS; i++)
        tc->bank[i] = splitmix64(&state);
    fill_random(testcpu_ram(tc), TESTCPU_RAM_SIZE, &state);
    tc->cpu.pc = 0;
    tc->cpu.halted = false;
    tc->cpu.exception_index = EXCP_NONE;
    atomic_store(&tc->cpu.exit_request, 0);
    atomic_store(&tc->cpu.interrupt_request, 0);
}

/* The per-instruction data cpu_restore_state reads: insn_start imms. */
static uint64_t *collect_insn_data(const IrBlock *b)
{
    uint64_t *data = calloc((size_t)(b->ninsns + 1) * TB_INSN_DATA_WORDS, sizeof(uint64_t));
    if (!data) abort();
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->nops; i++) {
        const IrOp *op = &b->ops[i];
        if (op->opc != IR_insn_start) continue;
        for (unsigned k = 0; k < TB_INSN_DATA_WORDS; k++)
            data[n * TB_INSN_DATA_WORDS + k] = (uint64_t)op->imm[k];
        n++;
    }
    return data;
}

int testcpu_run(TestCpu *tc, const IrBlock *b)
{
    if (!ir_verify(b, tc->error, sizeof(tc->error))) return TESTCPU_RUN_INVALID;

    TranslationBlock *tb = &tc->tb;
    memset(tb, 0, sizeof(*tb));
    tb->pc = tc->cpu.pc;
    tb->page_addr[1] = UINT64_MAX;
    tb->icount = b->ninsns;
    tb->insn_data = collect_insn_data(b);
    tb->ir = (IrBlock *)b;
    tb->interp_code = interp_lower(b);
    tb->interp_free = interp_code_free;
    tc->cpu.exception_index = EXCP_NONE;

    volatile int result;
    if (setjmp(tc->cpu.jmp_env) == 0) {
        InterpExit e = interp_exec(&tc->cpu, tb);
        tc->last_exit = e;
        result = e.code;
    } else {
        tc->fault_count++;
        result = TESTCPU_RUN_FAULT;
    }
    tc->cpu.current_tb = NULL;
    interp_code_free(tb->interp_code);
    free(tb->insn_data);
    tb->interp_code = NULL;
    tb->insn_data = NULL;
    return result;
}

bool testcpu_state_equal(const TestCpu *a, const TestCpu *b, char *diff, size_t difflen)
{
    char dummy[1];
    if (!diff) {
        diff = dummy;
        difflen = sizeof(dummy);
    }
    for (unsigned i = 0; i < TESTCPU_NREGS; i++) {
        if (a->r[i] != b->r[i]) {
            snprintf(diff, difflen, "r%u: 0x%016llx != 0x%016llx", i, (unsigned long long)a->r[i],
                     (unsigned long long)b->r[i]);
            return false;
        }
    }
    for (unsigned i = 0; i < TESTCPU_NREGS; i++) {
        if (a->w[i] != b->w[i]) {
            snprintf(diff, difflen, "w%u: 0x%08x != 0x%08x", i, a->w[i], b->w[i]);
            return false;
        }
    }
    if (a->cpu.pc != b->cpu.pc) {
        snprintf(diff, difflen, "pc: 0x%llx != 0x%llx", (unsigned long long)a->cpu.pc,
                 (unsigned long long)b->cpu.pc);
        return false;
    }
    for (unsigned i = 0; i < TESTCPU_SCRATCH_SIZE; i++) {
        if (a->scratch[i] != b->scratch[i]) {
            snprintf(diff, difflen, "scratch[%u]: 0x%02x != 0x%02x", i, a->scratch[i],
                     b->scratch[i]);
            return false;
        }
    }
    for (unsigned i = 0; i < TESTCPU_BANK_WORDS; i++) {
        if (a->bank[i] != b->bank[i]) {
            snprintf(diff, difflen, "bank[%u]: 0x%016llx != 0x%016llx", i,
                     (unsigned long long)a->bank[i], (unsigned long long)b->bank[i]);
            return false;
        }
    }
    const uint8_t *ra = a->ram.host, *rb = b->ram.host;
    if (memcmp(ra, rb, TESTCPU_RAM_SIZE) != 0) {
        for (unsigned i = 0; i < TESTCPU_RAM_SIZE; i++) {
            if (ra[i] != rb[i]) {
                snprintf(diff, difflen, "ram[0x%x]: 0x%02x != 0x%02x", i, ra[i], rb[i]);
                break;
            }
        }
        return false;
    }
    if (difflen) diff[0] = '\0';
    return true;
}
