/*
 * I/O instructions, the CPU side: S/370 channel I/O (PoO-370 §13 "Input/
 * Output Instructions": SIO, SIOF, TIO, CLRIO, HIO, HDV, TCH, STIDC) and
 * the ESA/390 channel-subsystem instructions (PoO-390 §14: CSCH ... XSCH,
 * TPI, STCRW, STCPS, SAL, SCHM).  The channel subsystem behind cpu->io
 * (core/channel_io.h) does the work; these helpers decode operands,
 * move control blocks with the CPU's own access rules and raise the
 * program exceptions.  All are privileged; they end the block because
 * they may make an I/O interruption pending.
 */
#include <string.h>

#include "frontends/s370/s370_internal.h"

#define IO_FLAGS (IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE)
#define LOC_TPI_CODE                                                                               \
    184 /* TPI with operand address 0 (PoO-390 §14 "TEST PENDING INTERRUPTION")                   \
         */

static const ChannelIoOps *io_ops(S370CPU *cpu)
{
    return cpu->io.ops;
}

static uint64_t psa_of(S370CPU *cpu)
{
    return s370_real_to_abs(cpu, 0);
}

/* ---- S/370: the I/O address is bits 16-31 of the operand address ---- */

static uint64_t s370_helper_sio_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    if (!io_ops(cpu)) return 3;
    return (uint64_t)io_ops(cpu)->start_io(cpu->io.opaque, (uint16_t)a2, false, psa_of(cpu));
}
static S370_HELPER(s370_helper_sio, s370_helper_sio_fn, IO_FLAGS);

static uint64_t s370_helper_siof_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    if (!io_ops(cpu)) return 3;
    return (uint64_t)io_ops(cpu)->start_io(cpu->io.opaque, (uint16_t)a2, true, psa_of(cpu));
}
static S370_HELPER(s370_helper_siof, s370_helper_siof_fn, IO_FLAGS);

static uint64_t s370_helper_tio_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    if (!io_ops(cpu)) return 3;
    return (uint64_t)io_ops(cpu)->test_io(cpu->io.opaque, (uint16_t)a2, psa_of(cpu));
}
static S370_HELPER(s370_helper_tio, s370_helper_tio_fn, IO_FLAGS);

static uint64_t s370_helper_clrio_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    if (!io_ops(cpu)) return 3;
    return (uint64_t)io_ops(cpu)->clear_io(cpu->io.opaque, (uint16_t)a2, psa_of(cpu));
}
static S370_HELPER(s370_helper_clrio, s370_helper_clrio_fn, IO_FLAGS);

static uint64_t s370_helper_hio_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    if (!io_ops(cpu)) return 3;
    return (uint64_t)io_ops(cpu)->halt_io(cpu->io.opaque, (uint16_t)a2, false, psa_of(cpu));
}
static S370_HELPER(s370_helper_hio, s370_helper_hio_fn, IO_FLAGS);

static uint64_t s370_helper_hdv_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    if (!io_ops(cpu)) return 3;
    return (uint64_t)io_ops(cpu)->halt_io(cpu->io.opaque, (uint16_t)a2, true, psa_of(cpu));
}
static S370_HELPER(s370_helper_hdv, s370_helper_hdv_fn, IO_FLAGS);

/* TCH and STIDC: the channel address is bits 16-23. */
static uint64_t s370_helper_tch_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    if (!io_ops(cpu)) return 3;
    return (uint64_t)io_ops(cpu)->test_channel(cpu->io.opaque, (uint8_t)(a2 >> 8));
}
static S370_HELPER(s370_helper_tch, s370_helper_tch_fn, IO_FLAGS);

static uint64_t s370_helper_stidc_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    if (!io_ops(cpu)) return 3;
    return (uint64_t)io_ops(cpu)->store_channel_id(cpu->io.opaque, (uint8_t)(a2 >> 8), psa_of(cpu));
}
static S370_HELPER(s370_helper_stidc, s370_helper_stidc_fn, IO_FLAGS);

/* ---- ESA/390: GR1 holds the subsystem-identification word ---- */

/* PoO-390 §14 "Subsystem-Identification Word": bits 0-15 must be
 * 0001 hex, else operand exception. */
static uint16_t esa_schid(S370CPU *cpu)
{
    uint32_t sid = s370_gr32(cpu, 1);
    if ((sid >> 16) != 0x0001) s370_program_exception(cpu, S370_PGM_OPERAND);
    return (uint16_t)sid;
}

static void esa_word_aligned(S370CPU *cpu, uint64_t addr)
{
    if (addr & 3) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
}

/* A channel-subsystem result: a condition code or a program exception. */
static uint64_t esa_result(S370CPU *cpu, int r)
{
    if (r == CHANNEL_OPERAND_EXCEPTION) s370_program_exception(cpu, S370_PGM_OPERAND);
    if (r == CHANNEL_SPECIFICATION_EXCEPTION) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    return (uint64_t)r;
}

static uint64_t s370_helper_ssch_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    uint8_t orb[32] = {0};
    esa_word_aligned(cpu, a2);
    s370_load_bytes(cpu, a2, orb, 12); /* the ESA/390 ORB is three words */
    uint16_t schid = esa_schid(cpu);
    if (!io_ops(cpu)) return 3;
    return esa_result(cpu, io_ops(cpu)->start_subchannel(cpu->io.opaque, schid, orb));
}
static S370_HELPER(s370_helper_ssch, s370_helper_ssch_fn, IO_FLAGS);

static uint64_t s370_helper_msch_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    uint8_t schib[52];
    esa_word_aligned(cpu, a2);
    s370_load_bytes(cpu, a2, schib, sizeof schib);
    uint16_t schid = esa_schid(cpu);
    if (!io_ops(cpu)) return 3;
    return esa_result(cpu, io_ops(cpu)->modify_subchannel(cpu->io.opaque, schid, schib));
}
static S370_HELPER(s370_helper_msch, s370_helper_msch_fn, IO_FLAGS);

/* STSCH and TSCH: access exceptions for the operand come before cc 3 and
 * before the subchannel changes, so the operand is probed first. */
static uint64_t s370_helper_stsch_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    uint8_t schib[52];
    esa_word_aligned(cpu, a2);
    uint16_t schid = esa_schid(cpu);
    s370_probe(cpu, a2, sizeof schib, MMU_WRITE);
    if (!io_ops(cpu)) return 3;
    int cc = io_ops(cpu)->store_subchannel(cpu->io.opaque, schid, schib);
    if (cc == 0) s370_store_bytes(cpu, a2, schib, sizeof schib);
    return esa_result(cpu, cc);
}
static S370_HELPER(s370_helper_stsch, s370_helper_stsch_fn, IO_FLAGS);

static uint64_t s370_helper_tsch_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    uint8_t irb[96];
    uint16_t schid = esa_schid(cpu);
    esa_word_aligned(cpu, a2);
    s370_probe(cpu, a2, 64, MMU_WRITE); /* the ESA/390 IRB is 64 bytes */
    if (!io_ops(cpu)) return 3;
    int cc = io_ops(cpu)->test_subchannel(cpu->io.opaque, schid, irb);
    if (cc == 0 || cc == 1) s370_store_bytes(cpu, a2, irb, 64);
    return esa_result(cpu, cc);
}
static S370_HELPER(s370_helper_tsch, s370_helper_tsch_fn, IO_FLAGS);

#define ESA_SIMPLE(name, op)                                                                       \
    static uint64_t s370_helper_##name##_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)     \
    {                                                                                              \
        (void)f, (void)a1, (void)a2;                                                               \
        S370CPU *cpu = s370_cpu(c);                                                                \
        uint16_t schid = esa_schid(cpu);                                                           \
        if (!io_ops(cpu)) return 3;                                                                \
        return esa_result(cpu, io_ops(cpu)->op(cpu->io.opaque, schid));                            \
    }                                                                                              \
    static S370_HELPER(s370_helper_##name, s370_helper_##name##_fn, IO_FLAGS)

ESA_SIMPLE(csch, clear_subchannel);
ESA_SIMPLE(hsch, halt_subchannel);
ESA_SIMPLE(rsch, resume_subchannel);
ESA_SIMPLE(xsch, cancel_subchannel);

/* TPI: an interruption code (subsystem-identification word, parameter)
 * of an ISC enabled in CR6 is stored and the request cleared; cc 1 if
 * one was, 0 if none is pending.  Operand address 0: at real 184. */
static uint64_t s370_helper_tpi_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    uint32_t code[2];
    esa_word_aligned(cpu, a2);
    if (a2 != 0) s370_probe(cpu, a2, 8, MMU_WRITE);
    if (!io_ops(cpu) ||
        !io_ops(cpu)->esa_interrupt(cpu->io.opaque, (uint8_t)(cpu->cr[6] >> 24), code))
        return 0;
    if (a2 == 0) {
        uint64_t psa = psa_of(cpu);
        s370_abs_store32(cpu, psa + LOC_TPI_CODE, code[0]);
        s370_abs_store32(cpu, psa + LOC_TPI_CODE + 4, code[1]);
    } else {
        s370_store32(cpu, a2, code[0]);
        s370_store32(cpu, a2 + 4, code[1]);
    }
    return 1;
}
static S370_HELPER(s370_helper_tpi, s370_helper_tpi_fn, IO_FLAGS);

/* STCRW: no channel reports are ever made pending, so zeros are stored
 * with cc 1 (PoO-390 §14 "STORE CHANNEL REPORT WORD"). */
static uint64_t s370_helper_stcrw_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    esa_word_aligned(cpu, a2);
    s370_store32(cpu, a2, 0);
    return 1;
}
static S370_HELPER(s370_helper_stcrw, s370_helper_stcrw_fn, IO_FLAGS);

/* STCPS: the channel-path-status word (32 bytes, 32-byte aligned); no
 * path is ever active when an instruction can look, so zeros. */
static uint64_t s370_helper_stcps_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    static const uint8_t zeros[32];
    if (a2 & 31) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
    s370_store_bytes(cpu, a2, zeros, sizeof zeros);
    return 0;
}
static S370_HELPER(s370_helper_stcps, s370_helper_stcps_fn, IO_FLAGS);

/* SAL: GR1 bit 0 must be zero; address-limit checking is not performed,
 * so the limit itself goes nowhere.  The condition code is unchanged. */
static uint64_t s370_helper_sal_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    if (s370_gr32(cpu, 1) & 0x80000000u) s370_program_exception(cpu, S370_PGM_OPERAND);
    return 0;
}
static S370_HELPER(s370_helper_sal, s370_helper_sal_fn, IO_FLAGS);

/* SCHM: GR1 bits 0-3 key, 30 M, 31 D; the others must be zero; with M,
 * GR2 (the measurement-block origin) must be 32-byte aligned.  No
 * measurement is made; the condition code is unchanged. */
static uint64_t s370_helper_schm_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1, (void)a2;
    S370CPU *cpu = s370_cpu(c);
    uint32_t gr1 = s370_gr32(cpu, 1);
    if (gr1 & 0x0ffffffcu) s370_program_exception(cpu, S370_PGM_OPERAND);
    if ((gr1 & 2) && (s370_gr32(cpu, 2) & 0x8000001fu))
        s370_program_exception(cpu, S370_PGM_OPERAND);
    return 0;
}
static S370_HELPER(s370_helper_schm, s370_helper_schm_fn, IO_FLAGS);

#define IO(k, n, arch, fl, helper)                                                                 \
    {                                                                                              \
        k, n, S370_FMT_S, arch, S370F_PRIV | S370F_IO | S370F_ENDS_TB | (fl), s370_lift_helper,    \
            &helper, 0                                                                             \
    }
#define CC S370F_SETS_CC

static const S370InsnDef s370_io_table[] = {
    IO(0x9c00, "SIO", S370_IN_370, CC, s370_helper_sio),
    IO(0x9c01, "SIOF", S370_IN_370, CC, s370_helper_siof),
    IO(0x9d00, "TIO", S370_IN_370, CC, s370_helper_tio),
    IO(0x9d01, "CLRIO", S370_IN_370, CC, s370_helper_clrio),
    IO(0x9e00, "HIO", S370_IN_370, CC, s370_helper_hio),
    IO(0x9e01, "HDV", S370_IN_370, CC, s370_helper_hdv),
    IO(0x9f00, "TCH", S370_IN_370, CC, s370_helper_tch),
    IO(0xb203, "STIDC", S370_IN_370, CC, s370_helper_stidc),
    IO(0xb230, "CSCH", S370_IN_390, CC, s370_helper_csch),
    IO(0xb231, "HSCH", S370_IN_390, CC, s370_helper_hsch),
    IO(0xb232, "MSCH", S370_IN_390, CC, s370_helper_msch),
    IO(0xb233, "SSCH", S370_IN_390, CC, s370_helper_ssch),
    IO(0xb234, "STSCH", S370_IN_390, CC, s370_helper_stsch),
    IO(0xb235, "TSCH", S370_IN_390, CC, s370_helper_tsch),
    IO(0xb236, "TPI", S370_IN_390, CC, s370_helper_tpi),
    IO(0xb237, "SAL", S370_IN_390, 0, s370_helper_sal),
    IO(0xb238, "RSCH", S370_IN_390, CC, s370_helper_rsch),
    IO(0xb239, "STCRW", S370_IN_390, CC, s370_helper_stcrw),
    IO(0xb23a, "STCPS", S370_IN_390, 0, s370_helper_stcps),
    IO(0xb23c, "SCHM", S370_IN_390, 0, s370_helper_schm),
    IO(0xb276, "XSCH", S370_IN_390, CC, s370_helper_xsch),
};
S370_GROUP(io, s370_io_table);
