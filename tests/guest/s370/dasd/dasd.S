/*
 * DASD I/O from an S/370 program (PoO-370 §13 "Input/Output
 * Operations"): a 3390 at device address 150 takes SIO channel programs
 * of Seek, Search ID Equal / Search Key Equal with a TIC loop, Write CKD
 * and Read Data; a search for a missing record ends with unit check and
 * sense byte 1 "no record found".  Run by the dasd unit suite
 * (tests/unit/test_dasd.c), which attaches the volume:
 *     doppel -M s370 -kernel dasd.deck -device 3390,devno=150,file=VOL.cckd
 */
#include "s370test.h"

	TEST_START
	la	%r1,.Lprog_write-BASE(%r12)
	bal	%r14,.Ldo_io-BASE(%r12)
	CHECK_REG %r2, 0x0c00, 1		/* channel end, device end */
	la	%r1,.Lprog_read-BASE(%r12)
	bal	%r14,.Ldo_io-BASE(%r12)
	CHECK_REG %r2, 0x0c00, 2
	clc	.Lbuf-BASE(64,%r12),.Ldata-BASE(%r12)
	be	.Lread_ok-BASE(%r12)
	TEST_FAIL 3
.Lread_ok:
	la	%r1,.Lprog_nrf-BASE(%r12)
	bal	%r14,.Ldo_io-BASE(%r12)
	CHECK_REG %r2, 0x0e00, 4		/* ... with unit check */
	la	%r1,.Lprog_sense-BASE(%r12)
	bal	%r14,.Ldo_io-BASE(%r12)
	CHECK_REG %r2, 0x0c00, 5
	cli	.Lsense+1-BASE(%r12),0x08	/* no record found */
	be	.Lsense_ok-BASE(%r12)
	TEST_FAIL 6
.Lsense_ok:
	PRINT	.Lmsg, 7
	TEST_PASS

/* Start the channel program at r1 on 150 and wait for its end; r2 =
 * unit and channel status from the CSW. */
.Ldo_io:
	st	%r1,PSA_CAW(%r0)
	.insn	s,0x9c000000,0x150(%r0)		/* SIO 150 */
	bc	8,.Ltio-BASE(%r12)
	bc	4,.Lstored-BASE(%r12)
	TEST_FAIL 0x10
.Ltio:	.insn	s,0x9d000000,0x150(%r0)		/* TIO 150 */
	bc	2,.Ltio-BASE(%r12)
	bc	4,.Lstored-BASE(%r12)
	TEST_FAIL 0x11
.Lstored:
	lh	%r2,PSA_CSW+4(%r0)
	br	%r14

	.align	8
.Lprog_write:
	.long	0x07000000+.Lseek
	.byte	0x40, 0
	.short	6
.Lsearch_r0:
	.long	0x31000000+.Lid_r0
	.byte	0x40, 0
	.short	5
	.long	0x08000000+.Lsearch_r0
	.long	0
	.long	0x1d000000+.Lrec1
	.byte	0x40, 0
	.short	.Lrec1_end-.Lrec1
	.long	0x1d000000+.Lrec2
	.byte	0, 0
	.short	.Lrec2_end-.Lrec2

.Lprog_read:
	.long	0x07000000+.Lseek
	.byte	0x40, 0
	.short	6
.Lsearch_key:
	.long	0x29000000+.Lkey
	.byte	0x40, 0
	.short	8
	.long	0x08000000+.Lsearch_key
	.long	0
	.long	0x06000000+.Lbuf
	.byte	0, 0
	.short	64

.Lprog_nrf:
	.long	0x07000000+.Lseek
	.byte	0x40, 0
	.short	6
.Lsearch_r9:
	.long	0x31000000+.Lid_r9
	.byte	0x40, 0
	.short	5
	.long	0x08000000+.Lsearch_r9
	.long	0
	.long	0x06000000+.Lbuf
	.byte	0, 0
	.short	64

.Lprog_sense:
	.long	0x04000000+.Lsense
	.byte	0x20, 0
	.short	32

.Lseek:	.byte	0, 0, 0, 1, 0, 3		/* BB CC HH: cylinder 1 head 3 */
.Lid_r0: .byte	0, 1, 0, 3, 0			/* CC HH R */
.Lid_r9: .byte	0, 1, 0, 3, 9
	.align	4
.Lrec1:	.byte	0, 1, 0, 3, 1, 8, 0, 64		/* count: R1, key 8, data 64 */
.Lkey:	EBCDIC	DOPPELK1
.Ldata:	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
	.byte	\i
	.endr
.Lrec1_end:
.Lrec2:	.byte	0, 1, 0, 3, 2, 0, 0, 32		/* R2: no key, data 32 */
	.fill	32, 1, 0xaa
.Lrec2_end:
.Lbuf:	.fill	64, 1, 0
.Lsense: .fill	32, 1, 0xee
.Lmsg:	EBCDIC	DASD_OK
	TEST_ROUTINES
