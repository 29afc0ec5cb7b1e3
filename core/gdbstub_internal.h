/*
 * Private to the gdbstub (core/gdbstub.c: connection, replies, run
 * control; core/gdbstub_packets.c: the packet handlers and their table).
 */
#ifndef DOPPEL_GDBSTUB_INTERNAL_H
#define DOPPEL_GDBSTUB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cpu.h"
#include "core/gdb_packet.h"
#include "core/gdbstub.h"
#include "core/machine.h"
#include "core/monitor.h"

/* gdb's signal numbers (include/gdb/signals.def). */
#define GDB_SIGNAL_INT  2
#define GDB_SIGNAL_TRAP 5

#define GDB_REG_MAX_BYTES 64   /* the widest register a frontend returns */
#define GDB_MAX_REGS      1024 /* probe limit when ArchOps.gdb_num_regs is 0 */
#define GDB_MAX_HW_BREAKS 64
#define GDB_STOP_MAX      96

struct GdbStub {
    Machine *m;
    Chardev *chr;
    bool own_chr;
    GdbPacketReader rd;
    bool attached;       /* a client is talking to us */
    bool client_swbreak; /* gdb said swbreak+/hwbreak+ in qSupported */
    bool client_hwbreak;
    bool waiting;                          /* gdb resumed the machine and waits for a stop reply */
    bool interrupt;                        /* Ctrl-C asked for this stop: reply T02 */
    int g_cpu;                             /* H g: registers and memory (cpu index) */
    int c_cpu;                             /* H c: what c and s resume */
    uint64_t hw_breaks[GDB_MAX_HW_BREAKS]; /* Z1 addresses, to report hwbreak */
    int n_hw_breaks;
    char last_stop[GDB_STOP_MAX]; /* the answer to '?' */
    Monitor *mon;                 /* qRcmd's monitor, made on first use */
    /* The reply being built, and the last frame sent (gdb's '-' asks for
     * it again). */
    char reply[GDB_PACKET_MAX + 1];
    size_t reply_len;
    bool reply_binary;
    bool reply_overflow;
    uint8_t frame[GDB_FRAME_MAX];
    size_t frame_len;
};

/* ---- core/gdbstub.c ---- */

/* One framed packet now (binary: escape as for X and qXfer replies). */
void gdb_send(GdbStub *gdb, const char *data, size_t len, bool binary);
void gdb_send_str(GdbStub *gdb, const char *s);
void gdb_reply_reset(GdbStub *gdb);
void gdb_reply_bytes(GdbStub *gdb, const void *data, size_t len);
void gdb_reply_str(GdbStub *gdb, const char *s);
void gdb_reply_printf(GdbStub *gdb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gdb_reply_hex(GdbStub *gdb, const uint8_t *data, size_t len);
/* "Exx" with a decimal errno (E14: EFAULT), as QEMU and gdbserver answer. */
void gdb_reply_error(GdbStub *gdb, int err);
CPUState *gdb_cpu(GdbStub *gdb, int index);
/* A thread id: the cpu index, -1 for "all", -2 when there is no such cpu. */
int gdb_parse_thread(GdbStub *gdb, const char **p);
int gdb_reg_read(CPUState *cpu, int reg, uint8_t *buf);
int gdb_reg_count(CPUState *cpu);
bool gdb_set_pc(CPUState *cpu, uint64_t addr);
void gdb_end_steps(GdbStub *gdb);
/* Run the machine: action[i] is 'c', 's' or 0 (cpu i stays stopped). */
bool gdb_resume(GdbStub *gdb, const char *action);
void gdb_release(GdbStub *gdb);

/* ---- core/gdbstub_packets.c ---- */

/* Answer one packet (its payload, unframed). */
void gdb_handle_packet(GdbStub *gdb, const char *pkt, size_t len);

#endif
