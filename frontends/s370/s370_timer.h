/*
 * Private to the timing facilities (s370_timer.c) and their instructions
 * (s370_insn_timer.c): the TOD clock, clock comparator and CPU timer as
 * the instructions read and set them.  Values are in TOD-clock units (bit
 * 51 = 1 microsecond, PoO-370 §4 "Time-of-Day Clock").
 */
#ifndef DOPPEL_S370_TIMER_H
#define DOPPEL_S370_TIMER_H

#include <stdint.h>

#include "frontends/s370/s370.h"

/* STORE CLOCK: the clock's value, made unique and increasing. */
uint64_t s370_tod_store(S370CPU *cpu);
/* SET CLOCK. */
void s370_tod_set(S370CPU *cpu, uint64_t value);
/* SET CLOCK COMPARATOR. */
void s370_ckc_set(S370CPU *cpu, uint64_t value);
/* STORE / SET CPU TIMER: a signed value that counts down with the TOD clock. */
int64_t s370_cpu_timer_get(S370CPU *cpu);
void s370_cpu_timer_set(S370CPU *cpu, int64_t value);

#endif
