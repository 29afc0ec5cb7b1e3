/*
 * Timing-facility instructions (PoO-370 §10, PoO-390 §10): STORE CLOCK,
 * SET CLOCK, and the clock comparator and CPU timer set and store
 * instructions.  Operands are doublewords; all but STCK are privileged
 * and want them doubleword aligned.  The facilities themselves live in
 * s370_timer.c.
 */
#include "frontends/s370/s370_internal.h"
#include "frontends/s370/s370_timer.h"

#define TIMER_FLAGS (IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_MAY_RAISE)

static void s370_require_doubleword(S370CPU *cpu, uint64_t addr)
{
    if (addr & 7) s370_program_exception(cpu, S370_PGM_SPECIFICATION);
}

/* STCK: CC 0, the clock is set (doppel's TOD clock is always running and
 * set: the machine sets it at power-on); the value is unique. */
static uint64_t s370_helper_stck_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    s370_probe(cpu, a2, 8, MMU_WRITE);
    s370_store64(cpu, a2, s370_tod_store(cpu));
    return cpu->tod_set ? 0 : 1;
}
static S370_HELPER(s370_helper_stck, s370_helper_stck_fn, TIMER_FLAGS);

/* SCK: CC 0, the clock value is set (the TOD-clock security switch of
 * the operator's console is taken as enabling it). */
static uint64_t s370_helper_sck_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    s370_require_doubleword(cpu, a2);
    s370_tod_set(cpu, s370_load64(cpu, a2));
    return 0;
}
static S370_HELPER(s370_helper_sck, s370_helper_sck_fn, TIMER_FLAGS);

static uint64_t s370_helper_sckc_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    s370_require_doubleword(cpu, a2);
    s370_ckc_set(cpu, s370_load64(cpu, a2));
    return 0;
}
static S370_HELPER(s370_helper_sckc, s370_helper_sckc_fn, TIMER_FLAGS);

static uint64_t s370_helper_stckc_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    s370_require_doubleword(cpu, a2);
    s370_store64(cpu, a2, cpu->ckc);
    return 0;
}
static S370_HELPER(s370_helper_stckc, s370_helper_stckc_fn, TIMER_FLAGS);

static uint64_t s370_helper_spt_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    s370_require_doubleword(cpu, a2);
    s370_cpu_timer_set(cpu, (int64_t)s370_load64(cpu, a2));
    return 0;
}
static S370_HELPER(s370_helper_spt, s370_helper_spt_fn, TIMER_FLAGS);

static uint64_t s370_helper_stpt_fn(CPUState *c, uint64_t f, uint64_t a1, uint64_t a2)
{
    (void)f, (void)a1;
    S370CPU *cpu = s370_cpu(c);
    s370_require_doubleword(cpu, a2);
    s370_probe(cpu, a2, 8, MMU_WRITE);
    s370_store64(cpu, a2, (uint64_t)s370_cpu_timer_get(cpu));
    return 0;
}
static S370_HELPER(s370_helper_stpt, s370_helper_stpt_fn, TIMER_FLAGS);

#define H(k, n, fl, helper)                                                                        \
    {                                                                                              \
        k, n, S370_FMT_S, S370_IN_ALL, fl, s370_lift_helper, &helper, 0                            \
    }
#define PRIV S370F_PRIV

/* SCK, SCKC and SPT may make an interruption pending: they end the block. */
static const S370InsnDef s370_timer_table[] = {
    H(0xb204, "SCK", PRIV | S370F_SETS_CC | S370F_ENDS_TB, s370_helper_sck),
    H(0xb205, "STCK", S370F_SETS_CC, s370_helper_stck),
    H(0xb206, "SCKC", PRIV | S370F_ENDS_TB, s370_helper_sckc),
    H(0xb207, "STCKC", PRIV, s370_helper_stckc),
    H(0xb208, "SPT", PRIV | S370F_ENDS_TB, s370_helper_spt),
    H(0xb209, "STPT", PRIV, s370_helper_stpt),
};
S370_GROUP(timer, s370_timer_table);
