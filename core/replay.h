/*
 * Record/replay of a run's non-deterministic inputs (blueprint §10), on top
 * of exact instruction counting (-icount, CPUState.icount_exact): with the
 * same inputs at the same instruction counts, a run repeats instruction by
 * instruction.
 *
 *   -icount shift=N,rr=record,rrfile=F[,rrsnapshot=S]
 *   -icount shift=N,rr=replay,rrfile=F[,rrsnapshot=S]
 *
 * What is non-deterministic in doppel, and how each is handled:
 *   - host input to guest-facing chardevs (serial ports, terminals), the
 *     keyboard and mouse (SDL, sendkey), packets from user networking:
 *     each source is a replay channel; its input goes through replay_input,
 *     which records it with the instruction count at which the guest sees it
 *     and delivers it (record), or drops it and delivers the recorded input
 *     at the same count instead (replay);
 *   - host wall-clock time read by devices (the RTC's power-on date):
 *     replay_wallclock_ns;
 *   - host-initiated resets and power-down (monitor, QMP): recorded as
 *     events of the "machine" channel;
 *   - disk I/O completes synchronously or on CLK_VIRTUAL timers, so it is
 *     deterministic and not recorded; CLK_REALTIME timers never change
 *     guest state except through a channel (slirp's packets).
 * The run ends where the recording ended: replay stops at that count with
 * the recorded exit status.
 *
 * Log file: "DPRR" magic, format version, machine name, icount shift, then
 * events (u64 icount, u16 channel, u32 length, data) and an end event.
 *
 * Reverse execution (core/reverse.h) uses the replay: periodic VM images
 * plus deterministic re-execution to any earlier instruction count.
 *
 *     ReplayChannel *ch = replay_channel(m, "serial0", uart_deliver, uart);
 *     replay_input(ch, buf, len);      // from the host side, any time
 */
#ifndef DOPPEL_REPLAY_H
#define DOPPEL_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Machine Machine;
typedef struct Replay Replay;
typedef struct ReplayChannel ReplayChannel;

/* Set up -icount rr= from m->opts (after machine_create, before boot):
 * opens and checks the log.  True with nothing done when rr is off; false
 * with one line in err on error. */
bool replay_setup(Machine *m, char *err, size_t errlen);
/* Finish the log (record: the end event with the exit status) and free
 * the channels (machine_destroy). */
void replay_finish(Machine *m, int exit_status);

bool replay_recording(const Machine *m);
bool replay_replaying(const Machine *m);

/* An input source.  name must be stable between runs ("serial0",
 * "input", "net0"); deliver puts data into the guest-facing device.
 * Without rr the channel only delivers.  NULL only when out of memory or
 * past 32 channels (then replay_input drops the input). */
typedef void ReplayDeliver(void *opaque, const uint8_t *data, size_t len);
ReplayChannel *replay_channel(Machine *m, const char *name, ReplayDeliver *deliver, void *opaque);
/* Host input for the guest, on the machine's thread between vCPU slices:
 * delivered now (and recorded), or dropped under replay. */
void replay_input(ReplayChannel *ch, const uint8_t *data, size_t len);

/* Recording, and a vCPU is inside a translated block (a device reached
 * through MMIO wants more input): such input must wait for the next slice
 * boundary, the only place a replay can put it. */
bool replay_must_defer(const Machine *m);

/* The host's wall-clock time in ns since the Unix epoch (CLOCK_REALTIME),
 * recorded; under replay, the recorded value. */
int64_t replay_wallclock_ns(Machine *m);

/* ---- for machine_run ---- */

/* Most instructions the next slice may run before a recorded event is
 * due (replay), else budget. */
uint64_t replay_slice_budget(Machine *m, uint64_t budget);
/* Deliver the recorded events due at the current instruction count
 * (replay); at the end of the log, end the run.  Record: nothing. */
void replay_deliver_due(Machine *m);

/* ---- for reverse execution ---- */

/* Position in the log (events already delivered), saved with VM images. */
uint64_t replay_position(const Machine *m);
void replay_set_position(Machine *m, uint64_t position);

#endif
