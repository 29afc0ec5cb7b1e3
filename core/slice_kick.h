/*
 * Slice kicks (blueprint §9): outside icount mode a vCPU slice is a count
 * of instructions, which can take far longer than the gap to the next
 * timer when the guest runs slowly (interpreted code, a sanitizer build, a
 * loaded host).  A helper thread ends the running slice (cpu_exit) when the
 * nearest timer is due, so timer interrupts reach the guest on time.  The
 * main thread arms it before each slice; nothing else is shared.
 */
#ifndef DOPPEL_SLICE_KICK_H
#define DOPPEL_SLICE_KICK_H

#include <stdint.h>

typedef struct Machine Machine;
typedef struct SliceKick SliceKick;

/* NULL (and kicks simply do not happen) if the thread cannot start. */
SliceKick *slice_kick_new(Machine *m);
void slice_kick_free(SliceKick *k);
/* End the cpus' slices in ns nanoseconds from now (-1: no kick). */
void slice_kick_arm(SliceKick *k, int64_t ns);

#endif
