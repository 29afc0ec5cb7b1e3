/*
 * Hercules configuration files (-hercules-cnf FILE), so that a system
 * set up for Hercules (MVS 3.8 turnkey, VM/370, DOS/VS) starts in doppel
 * from its own hercules.cnf.
 *
 * Read: MAINSIZE (MiB, or with a K/M/G suffix), ARCHMODE (S/370, ESA/390,
 * z/Arch), CPUMODEL, CPUSERIAL, NUMCPU, IPL devno (a Hyperion-style
 * command), INCLUDE file, CNSLPORT [host:]port (the port of the 3270
 * displays; doppel listens on 127.0.0.1 only, another host is reported
 * and ignored), and device statements
 *
 *     devno[-last | .count] type [arguments...]
 *     0009 3215-C /                      console (the board's serial console)
 *     000C 3505 deck.bin ebcdic autopad eof
 *     000D 3525 pch.txt ascii
 *     000E 1403 prt.txt
 *     0150 3350 mvsres.cckd [ro]
 *     0140 3370 dosres.fba
 *     0580 3420 tape.aws [ro]            (or * for no reel)
 *     00C0 3270 [group|*] [ipaddr [mask]] display for tn3270 clients (3278 too);
 *                                        the address rule is reported and ignored
 *
 * Comments start with '#' or '*' at the start of a line, or with a '#'
 * token; $(NAME) and ${NAME} / ${NAME:=default} are replaced from the
 * environment.  File arguments that are relative paths are taken relative
 * to the directory of the configuration file.  Host-only settings
 * (PANRATE, HTTPPORT, ...) are accepted silently; any other
 * statement, device type or device option doppel does not implement is
 * reported by name on the diagnostics stream and skipped.  Shadow files
 * (sf=) and fakewrite are not implemented: such a volume is opened
 * read-only so that its image is never changed behind the user's back.
 *
 * Use by a board (machines/s370.c):
 *     HercConfig cfg;
 *     if (!hercules_cnf_load(opts->hercules_cnf, &cfg, stderr)) return false;
 *     ... cfg.mainsize (bytes, 0: not given), cfg.arch, cfg.cpumodel,
 *     ... cfg.cpuserial, cfg.ipl_devno (cfg.cnslport goes to the 3270
 *     ... devices hercules_cnf_apply makes); hercules_cnf_console() says where
 *     ... the serial console belongs (create it there first);
 *     if (!hercules_cnf_apply(&cfg, m, stderr)) return false;   // devices
 *     hercules_cnf_free(&cfg);
 */
#ifndef DOPPEL_HERCULES_CNF_H
#define DOPPEL_HERCULES_CNF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct Machine Machine;

typedef enum HercArch {
    HERC_ARCH_DEFAULT = 0, /* not given */
    HERC_ARCH_S370,
    HERC_ARCH_ESA390,
    HERC_ARCH_ZARCH,
} HercArch;

typedef struct HercDevice {
    uint16_t devno;
    char *type;  /* as written, upper case: "3390", "3215-C" */
    char **args; /* file arguments resolved against the file's directory */
    int nargs;
    char *where; /* "file:line" for messages */
} HercDevice;

typedef struct HercConfig {
    uint64_t mainsize; /* bytes; 0 when not given */
    HercArch arch;
    bool have_cpumodel, have_cpuserial, have_ipl, have_cnslport;
    uint16_t cpumodel;
    uint32_t cpuserial;
    uint16_t ipl_devno;
    uint16_t cnslport; /* CNSLPORT: the 3270 displays' port (default 3270) */
    int numcpu;        /* 0 when not given */
    HercDevice *devs;
    int ndevs;
} HercConfig;

/* Read a configuration file (and its INCLUDEs) into *cfg, reporting
 * unsupported statements on diag.  False after one line on diag when the
 * file cannot be read or a statement doppel does implement is malformed;
 * *cfg then holds nothing. */
bool hercules_cnf_load(const char *path, HercConfig *cfg, FILE *diag);
/* The same for text in memory; dir resolves relative file names, name
 * labels messages. */
bool hercules_cnf_parse(const char *text, const char *dir, const char *name, HercConfig *cfg,
                        FILE *diag);
void hercules_cnf_free(HercConfig *cfg);

/* Device number of the first console statement (3215, 3215-C, 1052,
 * 1052-C); false if there is none. */
bool hercules_cnf_console(const HercConfig *cfg, uint16_t *devno);

/* Create and realize the configuration's devices on m (device_create,
 * device_set_prop, device_realize), translating Hercules' arguments to
 * doppel properties.  A console statement whose number the board has
 * already given a device is left to that device.  Unsupported types and
 * options are reported on diag and skipped; false when a device fails to
 * realize (a missing image, a device number in use). */
bool hercules_cnf_apply(const HercConfig *cfg, Machine *m, FILE *diag);

#endif
