/*
 * Command line (blueprint §10): QEMU's spelling wherever the meaning
 * matches.  options_parse turns argv into plain data; it checks syntax,
 * value ranges, named files and registry names (machines, devices, -d
 * categories), so a bad command line fails before anything starts.
 *
 * Usage in main:
 *     Options o;
 *     int rc = options_parse(argc, argv, &o);   // 0 ok, 1 error, 2 help printed
 *     if (rc) return rc == 2 ? 0 : 1;
 *     const char *why = options_unsupported(&o);
 *     if (why) { fprintf(stderr, "%s\n", why); return 1; }
 *     if (o.cpu_help) ...print the cpu models of the selected machine...
 *     ...
 *     options_free(&o);
 *
 * Help printed by options_parse itself (returns 2): -h/-help, -version,
 * -M help, -device help, -device <name>,help, -d help.  "-cpu help" depends
 * on the machine's ISA, so it only sets cpu_help and returns 0.
 */
#ifndef DOPPEL_OPTIONS_H
#define DOPPEL_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define DOPPEL_VERSION "0.1.0"

typedef enum AccelKind {
    ACCEL_DEFAULT = 0, /* not given: the machine's choice */
    ACCEL_INTERP,
    ACCEL_JIT,
    ACCEL_KVM,
} AccelKind;

/* -drive, -cdrom, -hda, -hdb.  Strings are NULL when the key was absent. */
typedef struct DriveOpts {
    char *spec; /* the raw spec as given (synthesised for -cdrom/-hda/-hdb) */
    char *file;
    char *format;   /* raw, qcow2, ... (NULL: probe) */
    char *iface;    /* if=: ide, scsi, virtio, floppy, pflash, none */
    int index;      /* -1 when absent */
    bool cdrom;     /* media=cdrom */
    bool snapshot;  /* snapshot=on */
    bool read_only; /* readonly=on */
    char *cache;    /* none, writeback, writethrough, directsync, unsafe */
} DriveOpts;

/* -netdev user,id=...,hostfwd=...  (only the user backend exists). */
typedef struct NetdevOpts {
    char *spec;
    char *type; /* "user" */
    char *id;
    char **hostfwd; /* each "tcp|udp:[haddr]:hport-[gaddr]:gport" */
    int nhostfwd;
} NetdevOpts;

typedef enum RrMode {
    RR_OFF,
    RR_RECORD,
    RR_REPLAY,
} RrMode;

typedef struct IcountOpts {
    bool enabled;
    bool auto_shift; /* shift=auto */
    int shift;       /* virtual ns per instruction = 1 << shift */
    bool align;
    bool sleep;       /* default on, as in QEMU */
    RrMode rr;        /* rr=record|replay */
    char *rrfile;     /* rrfile=: the event log */
    char *rrsnapshot; /* rrsnapshot=: snapshot taken at record start, loaded at replay */
} IcountOpts;

/* One option as it appeared on the command line, in order. */
typedef struct OptionUse {
    const char *name; /* canonical name without the dash: "machine" for -M */
    char *arg;        /* NULL for flags */
} OptionUse;

typedef struct Options {
    char *machine;       /* -M name (NULL: default machine) */
    char *machine_accel; /* -M name,accel=... folded into accel */
    uint64_t ram_size;   /* bytes; 0 = machine default */
    char *cpu_model;
    bool cpu_help; /* -cpu help: main prints the machine's models */
    int smp;       /* vCPUs; 0 = 1 */
    int max_cpus;
    char *bios, *kernel, *initrd, *append, *dtb;

    DriveOpts *drives;
    int ndrives;
    NetdevOpts *netdevs;
    int nnetdevs;
    char **devices; /* raw -device specs, for device_create_from_spec */
    int ndevices;
    char **serials; /* -serial specs in order (serial0, serial1, ...) */
    int nserials;

    bool nographic;
    char *display; /* "sdl", "none", "vnc=..." (NULL: default) */
    char *vnc;
    char *monitor;
    char *qmp;
    char *debugcon;     /* -debugcon: the PC's port 0x402 debug console */
    char *gdb;          /* -gdb dev or -s ("tcp::1234") */
    bool start_stopped; /* -S */

    char *log_spec;    /* -d as given */
    uint32_t log_mask; /* parsed -d (LOG_* bits) */
    char *log_file;    /* -D */

    IcountOpts icount;
    bool snapshot;
    char *loadvm;
    char *snapshot_dir; /* -snapshot-dir (NULL: the current directory) */
    AccelKind accel;
    bool jit_sync;           /* -accel jit,sync=on */
    uint64_t jit_threshold;  /* -jit-threshold; 0 = the default */
    uint64_t jit_cache_size; /* -jit-cache-size in bytes; 0 = the default */
    bool no_reboot, no_shutdown;
    char *name;
    char *rtc;
    char *boot;
    /* Mainframe boards: -ipl devno, -dump-on-wait addr:len, -hercules-cnf file. */
    char *ipl;
    char *dump_on_wait;
    char *hercules_cnf;

    OptionUse *uses; /* every option given, for options_unsupported */
    int nuses;
} Options;

/* Parse argv into *o (which it initialises).  Returns 0 on success, 1 on
 * error after printing one line to stderr, 2 when help or version text was
 * printed to stdout and the program should exit with status 0.  On a
 * nonzero return *o holds nothing (options_free is harmless). */
int options_parse(int argc, char **argv, Options *o);
/* The same with explicit streams (tests). */
int options_parse_stream(int argc, char **argv, Options *o, FILE *out, FILE *err);

/* NULL, or a message ("doppel: -netdev: not supported yet (...)") for the
 * first option given whose feature does not exist yet. */
const char *options_unsupported(const Options *o);

/* Print the -help text. */
void options_print_help(FILE *out);

void options_free(Options *o);

#endif
